r"""The videos a SLEAP file records: keys, local files, recorded sizes, all without opening a video.

SLEAP records the path of each video as the machine that made the labels saw
it (``/`` or ``\\`` separated, absolute or relative to SLEAP's working folder).
A local file is used only when it exists where SLEAP's own rules would look;
nothing is guessed by similarity.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...model import VideoInfo
from ...model.crop import crop_numbers
from ...model.location import is_absolute_anywhere, named_file, recorded_file_name, where_linked
from ...video import HDF5_IMAGE_SUFFIXES, IMAGE_STACK_SUFFIXES, STILL_IMAGE_SUFFIXES
from ..deeplabcut.project import find_video
from ..side_files import side_folders
from .common import is_slp_file, unique_names
from .videos_by_name import BY_NAME, FOR_POSES, unlink_shared_by_name, warn_unlinked

__all__ = [
    "analysis_video",
    "analysis_video_stem",
    "describe_videos",
    "export_video",
    "find_local_video",
    "shape_facts",
    "slp_video_info",
    "video_crop",
    "video_key",
]

# SLEAP's default name of an analysis export, .h5 or .csv (sleap/io/convert.py default_analysis_filename, which the
# GUI's "Export Analysis" uses too): f"{labels stem}.{video index:03}_{video stem}.analysis.{suffix}". Both stems
# may hold dots; the last ".<digits>_" is taken as the index, since a labels stem is the user's free choice
# (often a date and time) while the video index is SLEAP's.
_DEFAULT_EXPORT_NAME = re.compile(r".+\.\d{3,}_(?P<video>.+)")


def analysis_video_stem(file_name: str) -> str:
    """Return the stem of the video an analysis export is named after.

    Parameters
    ----------
    file_name : str
        The export's file name (``.h5`` or ``.csv``).

    Returns
    -------
    str
        ``<video>`` of SLEAP's default name ``<labels>.<NNN>_<video>.analysis.<h5|csv>``; otherwise the name
        without its suffix and ``.analysis`` (``<video>.analysis.csv``, as a user names an export after its
        video). Empty when nothing is left.
    """
    stem = re.sub(r"\.(h5|csv)$", "", file_name, flags=re.IGNORECASE)
    if not stem.endswith(".analysis"):
        return stem
    stem = stem.removesuffix(".analysis")
    default = _DEFAULT_EXPORT_NAME.fullmatch(stem)
    return default["video"] if default else stem


def export_video(path: Path, recorded: str | None, key: str) -> tuple[VideoInfo, str | None]:
    """Describe the video of an analysis export (``.h5`` or ``.csv``) and say how its local file was found.

    A recorded path is looked for by SLEAP's rules (:func:`find_local_video`). An export that records none
    (a CSV, an ``.h5`` written without its video's path) is named after its video, and the video of that
    name beside it is the one exported: SLEAP's default name is tried first, then the whole name (a video
    stem may itself hold ``.<digits>_``).

    Parameters
    ----------
    path : pathlib.Path
        The export.
    recorded : str, optional
        The video path the export records.
    key : str
        The video's key.

    Returns
    -------
    tuple
        The video (``others``: more videos of the name, none of which anything records) and how it was
        found (None when it was not).
    """
    if recorded:
        local, how = find_local_video(recorded, path.parent)
        return VideoInfo(key=key, original_path=recorded, path=local), how
    whole = re.sub(r"(\.analysis)?\.(h5|csv)$", "", path.name, flags=re.IGNORECASE)
    for stem in dict.fromkeys([analysis_video_stem(path.name), whole]):
        found = find_video(stem, None, side_folders(path)) if stem else None
        if found is not None and found.path is not None:
            # Found by the whole name: the video's key is that name, not the part SLEAP's default would give.
            key = key if stem != whole else safe_key(whole, key)
            return dataclasses.replace(found, key=key), f"named after the video, beside the {path.suffix} export"
    return VideoInfo(key=key), None


# The file SLEAP records for an ImgStore video (ImgStoreVideo: ``<store>/metadata.yaml``), whose every store has one.
_IMGSTORE_METADATA = "metadata.yaml"


def video_key(recorded: str | None, fallback: str) -> str:
    """Readable video key: the recorded file name without extension, safe for NWB names.

    An ImgStore video (older SLEAP's ``.slp.frames/frame_data_vid<i>/metadata.yaml``) is named by its store's
    folder: every store's file is ``metadata.yaml``.
    """
    stem = ""
    if recorded:
        name = recorded_file_name(recorded)
        stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
        parts = _path_parts(recorded)
        if name.lower() == _IMGSTORE_METADATA and len(parts) > 1:
            stem = parts[-2]  # a folder: its whole name
    return safe_key(stem, fallback)


def _path_parts(recorded: str) -> list[str]:
    r"""Return the parts of a recorded path, ``/`` or ``\`` separated."""
    return [part for part in re.split(r"[\\/]", recorded) if part not in ("", ".")]


def safe_key(stem: str, fallback: str) -> str:
    """Return ``stem`` safe for NWB names (other characters as ``_``), or ``fallback`` when nothing is left."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or fallback


def find_local_video(recorded: str | None, base_dir: Path) -> tuple[Path | None, str | None]:
    """Find the video a SLEAP file recorded, on this machine; never guesses by similarity.

    Tried in order: the recorded path itself (when absolute); a relative path against the
    folder of the SLEAP file and each folder above it (SLEAP stores paths relative to its
    working directory); the same file name next to the SLEAP file (SLEAP's own rule).

    Returns
    -------
    tuple
        The file (resolved) or None, and how it was found.
    """
    if not recorded:
        return None, None
    candidates: list[tuple[Path, str]] = []
    if is_absolute_anywhere(recorded):
        if not re.match(r"^[A-Za-z]:", recorded):
            candidates.append((Path(recorded), "recorded path"))
    else:
        parts = _path_parts(recorded)
        if parts:
            relative = Path(*parts)
            folders = [base_dir, *base_dir.parents] if len(parts) > 1 else [base_dir]
            for folder in folders:
                candidates.append((folder / relative, f"relative path resolved against {folder}"))
    candidates.append((base_dir / recorded_file_name(recorded), BY_NAME))
    for candidate, how in candidates:
        try:
            if named_file(candidate):
                return where_linked(candidate), how
        except OSError:
            continue
    return None, None


def shape_facts(backend_metadata: dict[str, Any]) -> tuple[int | None, tuple[int, int] | None, float | None]:
    """Frame count, (height, width) and fps recorded in a video's backend metadata (no decoding).

    A sleap-io virtual crop (SLP format 2.3) records the crop's shape as ``shape`` and the video
    file's as ``source_shape``: the video linked is the whole file, so its shape is the one given.
    """
    n_frames = frame_size = fps = None
    shape = backend_metadata.get("source_shape") or backend_metadata.get("shape")
    if isinstance(shape, (list, tuple)) and len(shape) == 4:
        try:
            n_frames = int(shape[0]) if int(shape[0]) > 0 else None
            frame_size = (int(shape[1]), int(shape[2]))
        except (TypeError, ValueError):
            n_frames = frame_size = None
    raw_fps = backend_metadata.get("fps")
    if isinstance(raw_fps, (int, float)) and np.isfinite(raw_fps) and raw_fps > 0:
        fps = float(raw_fps)
    return n_frames, frame_size, fps


def video_crop(backend_metadata: dict[str, Any]) -> list[int] | None:
    """Return the region ``[x1, y1, x2, y2]`` of a sleap-io virtual crop (SLP format 2.3); None for a whole video.

    A cropped video is recorded as the whole video file; its labels are in the coordinates of the
    crop, so (0, 0) is the video's pixel (x1, y1).
    """
    return crop_numbers(backend_metadata.get("crop"), int)


def _backend_metadata(video: Any) -> dict[str, Any]:
    return dict(getattr(video, "backend_metadata", {}) or {})


def _in_hdf5(video: Any) -> bool:
    """Whether a sleap-io ``Video`` is frames stored as images in an HDF5 dataset (SLEAP's HDF5Video)."""
    return bool(_backend_metadata(video).get("dataset")) and isinstance(video.filename, str)


def _origin(video: Any) -> Any | None:
    """Return the video the frames of an embedded video came from: the end of its ``source_video`` chain.

    Frames embedded from a package that itself embeds them (sleap-nn ``track -i labels.pkg.slp`` saving with
    ``restore_original_videos=False``; sleap-io ``Labels.save`` -> ``embed_videos``) record that package as their
    ``source_video`` and the package's own source beneath it (sleap_io/io/slp.py ``make_video``): the video is at
    the end. None when nothing is recorded.
    """
    origin, seen = getattr(video, "source_video", None), set()
    while origin is not None and getattr(origin, "source_video", None) is not None and id(origin) not in seen:
        seen.add(id(origin))
        origin = origin.source_video
    return origin


def image_sequence(filenames: Sequence[str], base_dir: Path) -> tuple[tuple[Path, ...] | None, str | None]:
    """Find the images of an image-sequence video (sleap-io's ImageVideo, SLEAP's "Add images"), by SLEAP's rules.

    Returns
    -------
    tuple
        The images here, in frame order, when every one is (else None), and how the first was found.
    """
    found = [find_local_video(str(f), base_dir) for f in filenames]
    if found and all(image is not None for image, _ in found):
        return tuple(image for image, _ in found if image is not None), found[0][1]
    return None, None


#: SLEAP's backend of images ("Add images"): ``filenames`` (older files: one ``filename``), ``height_``, ``width_``.
_SINGLE_IMAGE = "SingleImageVideo"


def _single_image_shape(backend_metadata: dict[str, Any]) -> tuple[int | None, tuple[int, int] | None]:
    """Return the frame count and (height, width) SLEAP records of a SingleImageVideo; (None, None) otherwise."""
    if backend_metadata.get("type") != _SINGLE_IMAGE:
        return None, None
    files = backend_metadata.get("filenames") or [backend_metadata.get("filename")]
    height, width = backend_metadata.get("height_"), backend_metadata.get("width_")
    sized = isinstance(height, int) and isinstance(width, int) and height > 0 and width > 0
    return len(files), (height, width) if sized else None


@dataclass
class _Linked:
    """What :func:`_link` found of a video: its key, recorded path, local file or images, and how."""

    key: str
    original: str | None = None
    local: Path | None = None
    how: str | None = None
    image_files: tuple[Path, ...] | None = None


def _image_folder(filenames: Sequence[str]) -> str | None:
    """Return the folder (``/`` separated) the images of an image sequence all lie in; None if several or none."""
    folders = {"/".join(_path_parts(name)[:-1]) for name in filenames}
    folder = folders.pop() if len(folders) == 1 else ""
    return folder if folder and not folder.endswith(":") else None  # a drive ("C:") names no folder


def _image_video(filenames: Sequence[Any], base_dir: Path, fallback_key: str, facts: dict[str, Any]) -> _Linked:
    """Describe an image sequence ("single image video"): linked as its images when every one is here.

    Keyed by its images' folder, as DeepLabCut's ``labeled-data/<video>`` (and poseconv's reader of it): a label
    exported there lands beside its image. Images of several folders (or of none) are keyed by the first's name.
    """
    facts["image_files"] = [str(f) for f in filenames]
    original = facts["image_files"][0] if filenames else None
    images, how = image_sequence(facts["image_files"], base_dir)
    folder = (_image_folder(facts["image_files"]) or "").rsplit("/", 1)[-1]
    return _Linked(safe_key(folder, "") or video_key(original, fallback_key), original, None, how, images)


def _keyed_by_first_image(described: list[tuple[VideoInfo, dict]]) -> list[tuple[VideoInfo, dict]]:
    """Key by its first image each image sequence whose folder holds another's (older SLEAP: a video per image)."""
    folders = [_image_folder(facts["image_files"]) if facts.get("image_files") else None for _, facts in described]
    result = list(described)
    for position, ((info, facts), folder) in enumerate(zip(described, folders, strict=True)):
        if folder is not None and folders.count(folder) > 1:
            result[position] = (dataclasses.replace(info, key=video_key(facts["image_files"][0], info.key)), facts)
    return result


def _link(video: Any, slp_path: Path, fallback_key: str, facts: dict[str, Any]) -> _Linked:
    """Describe the external file of a video that is no embedded image (or nothing, for None)."""
    if video is None:
        return _Linked(fallback_key)
    filename = video.filename
    if _in_hdf5(video):
        # Images in an HDF5 file, with no video they came from: nothing to link; the file and dataset are recorded.
        facts["images_file"] = filename
        facts["images_dataset"] = str(_backend_metadata(video)["dataset"])
        return _Linked(video_key(filename, fallback_key), original=filename)
    if isinstance(filename, (list, tuple)):
        return _image_video(filename, slp_path.parent, fallback_key, facts)
    if _backend_metadata(video).get("type") == _SINGLE_IMAGE and filename:
        # Older SLEAP's "Add images" made one SingleImageVideo per image, recorded by its path alone (no
        # "filenames", which sleap-io reads as an image sequence): an image sequence of that one image.
        return _image_video([str(filename)], slp_path.parent, fallback_key, facts)
    original = str(filename) if filename else None
    local, how = find_local_video(original, slp_path.parent)
    return _Linked(video_key(original, fallback_key), original=original, local=local, how=how)


def slp_video_info(video: Any, index: int, slp_path: Path) -> tuple[VideoInfo, dict[str, Any]]:
    """Describe one sleap-io ``Video`` of a ``.slp`` without opening it; return it and facts for the notes."""
    facts: dict[str, Any] = {"index": index}
    backend_metadata = _backend_metadata(video)
    filename = video.filename
    # Frames stored as images in an HDF5 dataset (SLEAP's HDF5Video): in this package, or in another one
    # (predictions made on a .pkg.slp). Neither is a video file to open or to link.
    embedded = _in_hdf5(video) and (
        filename in (".", "") or Path(filename).resolve() == slp_path.resolve() or video.source_video is not None
    )
    n_frames, frame_size, fps = shape_facts(backend_metadata)
    if n_frames is None and frame_size is None:
        n_frames, frame_size = _single_image_shape(backend_metadata)
    crop = video_crop(backend_metadata)
    if crop is not None:
        facts["crop"] = crop
    fallback_key = f"video{index}"
    if embedded:
        # Images embedded in a package: the only external video is the one they came from.
        facts["embedded_images"] = True
        if filename not in (".", "") and Path(filename).resolve() != slp_path.resolve():
            facts["images_file"] = filename
        video = _origin(video)
        origin_metadata = _backend_metadata(video)
        n_frames, frame_size, source_fps = shape_facts(origin_metadata)
        if origin_metadata.get("has_embedded_images"):
            n_frames = None  # the frames a package holds, not the video's
        fps = fps or source_fps
        fallback_key = video_key(slp_path.name.removesuffix(".slp").removesuffix(".h5"), fallback_key)
    linked = _link(video, slp_path, fallback_key, facts)
    if linked.local is not None or linked.image_files is not None:
        facts["found_by"] = linked.how
    if n_frames is not None or frame_size is not None:
        # SLEAP's record of the video, said in the descriptions when no ImageSeries links it (as DeepLabCut's
        # _meta.pickle is): with the video not on this machine, the frame size would otherwise be lost.
        facts["size_recorded_in"] = f"the video metadata of {slp_path.name}"
    info = VideoInfo(
        key=linked.key,
        original_path=linked.original,
        path=linked.local,
        n_frames=n_frames,
        frame_size=frame_size,
        fps=fps,
        image_files=linked.image_files,
    )
    return info, facts


def _video_of_labels(labels_file: Path, pick: Callable[[list[Any]], int | None]) -> tuple[VideoInfo, dict] | None:
    """Describe the video ``pick`` chooses among those of a SLEAP labels file, as the ``.slp`` reader does.

    The videos are read from the file's ``videos_json`` (and the ``source_video`` of embedded ones) with sleap-io,
    which knows every version of that layout; no video is opened. None when the file is no labels file or ``pick``
    chooses none.
    """
    if not is_slp_file(labels_file):
        return None
    from sleap_io.io import slp as sio_slp

    try:
        videos = list(sio_slp.read_videos(str(labels_file), open_backend=False))
    except (OSError, KeyError, ValueError, TypeError):
        return None
    index = pick(videos)
    return slp_video_info(videos[index], index, labels_file) if index is not None else None


def _packaged_video(path: Path, recorded: str, backend_metadata: dict[str, Any], key: str) -> tuple[VideoInfo, dict]:
    """Describe the video of an analysis export whose recorded video is frames in an HDF5 file (a ``.pkg.slp``).

    sleap-io's ``save_analysis_h5`` of predictions on a package (sleap-nn ``track -i labels.pkg.slp``) records the
    package as ``video_path`` and its HDF5Video as ``video_backend_metadata`` (sleap_io/io/analysis_h5.py
    ``write_labels``); SLEAP's GUI export records the package's path (sleap/info/write_tracking_h5.py ``main``).
    The package is no video: when it is here, the video its frames came from is the package's video of the same
    dataset (or its only one); otherwise nothing is linked and the package is the recorded path.
    """
    local, _ = find_local_video(recorded, path.parent)
    _, frame_size, fps = shape_facts(backend_metadata)  # its frame count is the package's, not the video's
    dataset = backend_metadata.get("dataset")

    def same_dataset(videos: list[Any]) -> int | None:
        same = [i for i, video in enumerate(videos) if dataset and _backend_metadata(video).get("dataset") == dataset]
        same = same or ([0] if len(videos) == 1 and not dataset else [])
        return same[0] if len(same) == 1 else None

    found = _video_of_labels(local, same_dataset) if local is not None else None
    if found is not None:
        return found[0], {**found[1], "package": str(local)}
    return VideoInfo(key=key, original_path=None if local else recorded, frame_size=frame_size, fps=fps), {}


def _first_image_video(
    path: Path, recorded: str, labels: tuple[str | None, int | None]
) -> tuple[VideoInfo, dict] | None:
    """Describe the image sequence whose first image an analysis export records as its video; None if unknown.

    SLEAP's export of a project on images ("Add images": ``SingleImageVideo``, whose ``filename`` is its first
    image, sleap/io/video.py) records that image (sleap/info/write_tracking_h5.py ``main``: ``video.backend.filename``).
    The images are those of the export's ``labels_path`` video ``video_ind`` when that labels file is here and
    its video begins with the image.
    """
    labels_path, index = labels
    labels_file = find_local_video(labels_path, path.parent)[0] if labels_path else None

    def begins_with_image(videos: list[Any]) -> int | None:
        if index is None or not 0 <= index < len(videos) or not isinstance(videos[index].filename, (list, tuple)):
            return None
        first = videos[index].filename[:1]
        return index if first and recorded_file_name(str(first[0])) == recorded_file_name(recorded) else None

    return _video_of_labels(labels_file, begins_with_image) if labels_file is not None else None


def analysis_video(
    path: Path,
    recorded: str | list[str] | None,
    backend_metadata: dict[str, Any],
    key: str,
    labels: tuple[str | None, int | None] = (None, None),
) -> tuple[VideoInfo, dict[str, Any]]:
    """Describe the video of an analysis ``.h5`` export from what it records (no video is opened).

    Parameters
    ----------
    path : pathlib.Path
        The export.
    recorded : str or list of str, optional
        Its ``video_path``: a list for the images of an image sequence.
    backend_metadata : dict
        Its ``video_backend_metadata`` (sleap-io's exports; empty for SLEAP's).
    key : str
        The video's key when nothing better is known.
    labels : tuple
        Its ``labels_path`` and ``video_ind``: the labels file it was exported from and the video's index there.

    Returns
    -------
    tuple
        The video and facts for the notes (``found_by``: how its local file was found; ``image_files``: the
        images an image sequence records; ``size_recorded_in``: where its frame size or length was recorded).
    """
    if isinstance(recorded, list):
        # sleap-io's export of an ImageVideo records its images (analysis_h5.py write_labels: video.filename).
        facts: dict[str, Any] = {}
        linked = _image_video(recorded, path.parent, key, facts)
        n_frames, frame_size, fps = shape_facts(backend_metadata)
        found = {"found_by": linked.how} if linked.image_files is not None else {}
        info = VideoInfo(linked.key, linked.original, None, n_frames, frame_size, fps, linked.image_files)
        return info, {**facts, **found}
    name = recorded_file_name(recorded).lower() if recorded else ""
    if recorded and (bool(backend_metadata.get("dataset")) or name.endswith(HDF5_IMAGE_SUFFIXES)):
        return _packaged_video(path, recorded, backend_metadata, key)
    n_frames, frame_size, fps = shape_facts(backend_metadata)
    if recorded and name.endswith(STILL_IMAGE_SUFFIXES + IMAGE_STACK_SUFFIXES):
        found = _first_image_video(path, recorded, labels)
        if found is not None:
            return found
        if name.endswith(STILL_IMAGE_SUFFIXES):
            # One image is not the video: neither probed nor linked. (A TIFF may be a stack, sleap-io's
            # TiffVideo: a video, looked for as any other.)
            return VideoInfo(key=key, frame_size=frame_size, fps=fps), {"first_image": recorded}
    video, how = export_video(path, recorded, key)
    facts = {"found_by": how} if how is not None else {}
    if n_frames is not None or frame_size is not None:
        # As a .slp's (slp_video_info): said in the descriptions when no ImageSeries links the video.
        facts["size_recorded_in"] = f"the video metadata of {path.name}"
    return dataclasses.replace(video, n_frames=n_frames, frame_size=frame_size, fps=fps), facts


def describe_videos(
    videos: Sequence[Any], slp_path: Path, *, warn: bool = True, advice: str = FOR_POSES
) -> tuple[list[VideoInfo], list[dict[str, Any]]]:
    """Describe every video of a ``.slp`` (:func:`slp_video_info`), keys made unique in file order.

    A file beside the ``.slp`` that only its name would link to videos of different recorded paths is linked
    to none of them (:func:`~.videos_by_name.unlink_shared_by_name`), with a warning ending in ``advice`` (how to
    give each video its file; the poses' way by default) unless ``warn`` is False: the warning is then in those
    videos' facts, for the caller to give when it applies.
    """
    described = [slp_video_info(video, index, slp_path) for index, video in enumerate(videos)]
    described = unlink_shared_by_name(_keyed_by_first_image(described), slp_path, advice=advice)
    if warn:
        warn_unlinked([facts for _, facts in described], stacklevel=3)
    keys = unique_names([info.key for info, _ in described])
    infos = [dataclasses.replace(info, key=key) for (info, _), key in zip(described, keys, strict=True)]
    return infos, [facts for _, facts in described]
