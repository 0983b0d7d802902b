"""The behavior video as an external-mode ImageSeries."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...errors import MetadataError
from ...metadata.defaults import MISSING_VIDEO_PATTERN, camera_folder, external_video_entry
from ...metadata.names import nwb_name, unique_name
from ...model.location import where_linked
from .devices import get_or_add_device, lookup
from .video_segments import linked_files, segment_of, video_of_segment, warn_if_other_times

__all__ = [
    "container_camera",
    "external_image_series",
    "get_or_add_external_video",
    "image_series_named",
    "image_series_of_file",
    "labeled_video",
    "refuse_a_video_interface_s_video",
]


def get_or_add_external_video(
    nwbfile: Any,
    metadata: Mapping[str, Any],
    key: str,
    *,
    video_path: Path | Sequence[Path] | None,
    relative_to: Path | None,
    timing_kwargs: dict[str, Any],
    n_frames: int,
    frame_size: tuple[int, int] | None,
) -> Any:
    """Return the external ``ImageSeries`` of ``metadata["Behavior"]["ExternalVideos"][key]``.

    An ImageSeries of that name already in the file (e.g. written by neuroconv's video
    interface) is reused, unless it links other files: that is another camera's video of the
    same file name (``top/session1.mp4``, ``side/session1.mp4``), and this one is written under
    a name of its own (:func:`_apart_from`). A video of several files of which ``video_path`` is one is
    that camera's video recorded in segments (neuroconv's ``ExternalVideoInterface(file_paths=[...])``), and
    linked: the poses' times find their frames in it (:mod:`.video_segments`), and its camera is theirs
    (:func:`container_camera`). Otherwise one is added to ``acquisition`` with the pose frame timing and the
    video path (or the image files of an image sequence) relative to ``relative_to``.
    """
    entry = lookup(metadata.get("Behavior", {}).get("ExternalVideos", {}), key, "source_video_metadata_key")
    name = entry["name"]
    existing, segment = image_series_named(nwbfile, name, key), None
    if existing is not None and video_path is not None and _links_other_files(existing, video_path, relative_to):
        # A video of several files (one camera recorded in segments) holding this one is this camera's.
        segment = segment_of(existing, video_path, relative_to)
        if segment is None:
            _refuse_a_name_given_twice(metadata, key, entry, existing)
            metadata, entry = _apart_from(nwbfile, metadata, entry, existing, video_path)
            existing = None
    if existing is None and video_path is not None:
        # Another interface's video of the same file under a name of its own (neuroconv's ExternalVideoInterface
        # with video_name= and a metadata_key of its own): linked, not written twice; so is its video of
        # several files of which this one is a segment (named after its first file).
        existing = image_series_of_file(nwbfile, video_path, relative_to)
        if existing is None:
            existing, segment = video_of_segment(nwbfile, video_path, relative_to)
    if existing is not None:
        warn_if_other_times(existing, timing_kwargs, segment)
        return existing
    if video_path is None:
        raise MetadataError(
            f"source_video_metadata_key '{key}' names the video '{name}', but no video file is known for it; "
            "pass the video path to the interface (video_file_path=...) or remove source_video_metadata_key."
        )
    refuse_a_video_interface_s_video(metadata, key, entry, video_path)
    image_series = external_image_series(
        nwbfile,
        metadata,
        entry,
        video_path=video_path,
        relative_to=relative_to,
        timing_kwargs=timing_kwargs,
        n_frames=n_frames,
        frame_size=frame_size,
    )
    nwbfile.add_acquisition(image_series)
    return image_series


#: The description neuroconv's ``ExternalVideoInterface.get_metadata`` gives its video entry
#: (neuroconv/datainterfaces/behavior/video/externalvideointerface.py).
NEUROCONV_VIDEO_DESCRIPTION = "Video recorded by camera."
#: The interface of each poseconv writer of a video, as the refusal names it.
_INTERFACES = {"poses": "pose interface", "training frames": "training-data interface"}


def refuse_a_video_interface_s_video(
    metadata: Mapping[str, Any], key: str, entry: Mapping[str, Any], video_path: object, writer: str = "poses"
) -> None:
    """Refuse to write a video that neuroconv's ``ExternalVideoInterface`` of the conversion writes itself.

    The one guard of every poseconv writer that adds a video (the poses' source video, the training frames'
    videos), called before it adds one: :func:`_refuse_a_video_interface_s_entry` for the entry ``key`` and
    :func:`_refuse_a_video_interface_s_entry_of_the_file` for another key's entry of the same file.
    ``writer`` says what would write the video ("poses", "training frames").
    """
    _refuse_a_video_interface_s_entry(key, entry, writer=writer)
    _refuse_a_video_interface_s_entry_of_the_file(metadata, video_path, writer)


def _refuse_a_video_interface_s_entry(
    key: str, entry: Mapping[str, Any], outcome: str = "pynwb would refuse the video interface's", writer: str = "poses"
) -> None:
    """Refuse to write a video whose entry is neuroconv's ``ExternalVideoInterface``'s, which writes it itself.

    In neuroconv's ``NWBConverter`` the interfaces share one metadata, merged in their order: a video
    interface listed after the poses (or training data), under the same key (``video_<stem>``), gives the entry,
    and then adds the video itself, without looking for it in the file; had the poses written it first, pynwb
    would refuse the second one ("already exists"), after the poses were built, without saying which interface
    to move.
    """
    if entry.get("description") != NEUROCONV_VIDEO_DESCRIPTION:
        return
    raise MetadataError(
        f"metadata['Behavior']['ExternalVideos']['{key}'] is the entry of neuroconv's ExternalVideoInterface "
        f"(its description {NEUROCONV_VIDEO_DESCRIPTION!r}), which adds the video '{entry['name']}' itself: "
        f"added before it, the {writer} would write it first and {outcome}. "
        "Build the converter on poseconv's PoseNWBConverter instead of neuroconv's NWBConverter (it writes the "
        "video interfaces first and keeps the name each gives its video, video_name= included); in a neuroconv "
        f"NWBConverter, list the video interface before the {_INTERFACES[writer]} and give the video's name in the "
        f"metadata (metadata['Behavior']['ExternalVideos']['{key}']['name']), since neuroconv's merge gives the "
        f"{_INTERFACES[writer]}'s name to a key both interfaces have. Without a video interface in this conversion, "
        "give the entry a description of your own."
    )


def _refuse_a_video_interface_s_entry_of_the_file(
    metadata: Mapping[str, Any], video_path: object, writer: str = "poses"
) -> None:
    """Refuse, as :func:`_refuse_a_video_interface_s_entry`, the video of an ``ExternalVideoInterface`` of the file.

    The pose file may record its video under another name than the file's (a SLEAP project renamed, a copy):
    the video interface's entry then stands under its own key, named after the file (``Video <stem>``, its
    default), and it would add the same file a second time after the poses wrote it.
    """
    if not isinstance(video_path, (str, os.PathLike)):
        return  # the image files of a time lapse or image sequence: no video interface names its entry after them
    videos = metadata.get("Behavior", {}).get("ExternalVideos", {}) or {}
    for key, entry in videos.items():
        if isinstance(entry, Mapping) and entry.get("name") == f"Video {Path(video_path).stem}":
            _refuse_a_video_interface_s_entry(
                key, entry, "the file would hold the video twice, under two names", writer=writer
            )


def container_camera(nwbfile: Any, metadata: Mapping[str, Any], entry: Mapping[str, Any], source_video: Any) -> Any:
    """Return the camera of a pose container entry: its video's, when the entry names the camera its video names.

    The video may be another interface's (found by its file), whose camera is the one that filmed it.
    """
    key = entry.get("device_metadata_key")
    if key is None:
        return None
    video_entry = metadata.get("Behavior", {}).get("ExternalVideos", {}).get(entry.get("source_video_metadata_key"))
    same_camera = (video_entry or {}).get("device_metadata_key") == key
    if same_camera and source_video is not None and source_video.device is not None:
        return source_video.device
    return get_or_add_device(nwbfile, _camera_apart(nwbfile, metadata, key, entry), key)


def _camera_apart(nwbfile: Any, metadata: Mapping[str, Any], key: str, entry: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the metadata that adds the camera ``key`` apart from another folder's camera of its name.

    Two cameras whose videos have one file name in folders of their own (``top/``, ``side/``), not linked,
    have one default camera (``Video session1 Camera Device``): the second camera's poses would say the first
    one filmed them. Each camera's description says its folder (``camera_device_entry``); another folder's
    takes its folder's name (``Video session1_side Camera Device``), as :func:`_apart_from` names a linked
    video's, when the poses of the camera already written are another camera's by more than their folder
    (:func:`_other_camera`). A camera the user described is theirs, and kept.
    """
    devices = metadata.get("Devices") or {}
    camera = devices.get(key)
    existing = nwbfile.devices.get(camera.get("name")) if isinstance(camera, Mapping) else None
    ours = camera_folder(camera.get("description")) if existing is not None else None
    theirs = camera_folder(existing.description) if existing is not None else None
    if ours is None or theirs is None or ours == theirs or not _other_camera(nwbfile, existing, entry):
        return metadata
    name = nwb_name(f"{camera['name'].removesuffix(' Camera Device')}_{ours} Camera Device")
    same_folder = name in nwbfile.devices and camera_folder(nwbfile.devices[name].description) == ours
    if not same_folder:
        name = unique_name(name, set(nwbfile.devices))
    return {**metadata, "Devices": {**devices, key: {**camera, "name": name}}}


def _other_camera(nwbfile: Any, camera: Any, entry: Mapping[str, Any]) -> bool:
    """Whether the poses of the container ``entry``, of another folder, are another camera's than ``camera``'s.

    One model's outputs of one video name in two folders are one model run on each camera's video (DeepLabCut
    writes beside the video): cameras of one rig; so are two recorded videos of one name. Two models' or two
    tools' outputs of one video name otherwise are one video analysed twice (``modelA/``, ``modelB/``; a SLEAP
    file beside DeepLabCut's): one camera, which the reader still splits by the rates the poses store.
    """
    behavior = nwbfile.processing.get("behavior")
    found = behavior.data_interfaces.values() if behavior is not None else ()
    containers = [container for container in found if getattr(container, "device", None) is camera]
    ours = (entry.get("source_software"), entry.get("scorer"))
    recorded = _recorded_video(entry.get("description"))
    for container in containers:
        if (getattr(container, "source_software", None), getattr(container, "scorer", None)) == ours:
            return True
        theirs = _recorded_video(getattr(container, "description", None))
        if recorded and theirs and recorded != theirs:
            return True
    return False


def _recorded_video(description: str | None) -> str | None:
    """Return the video a container's description says the tool recorded and no ImageSeries links, or None."""
    found = MISSING_VIDEO_PATTERN.search(description or "")
    return found["path"] if found else None


def _links_files(series: Any, video_path: Path | Sequence[Path], relative_to: Path | None) -> bool | None:
    """Return whether the external files of ``series`` are ``video_path``; None when it links no files.

    A relative external file is relative to the NWB file or to the folder the conversion ran in: either
    counts (:func:`~.video_segments.linked_files`).
    """
    readings = linked_files(series, relative_to)
    if not readings:
        return None
    paths = [video_path] if isinstance(video_path, (str, Path)) else list(video_path)
    wanted = [where_linked(path) for path in paths]
    return any(reading == wanted for reading in readings)


def _links_other_files(series: Any, video_path: Path | Sequence[Path], relative_to: Path | None) -> bool:
    """Return whether ``series`` is an external ImageSeries of files other than ``video_path``."""
    return _links_files(series, video_path, relative_to) is False


def image_series_of_file(nwbfile: Any, video_path: Path | Sequence[Path], relative_to: Path | None) -> Any:
    """Return the external ``ImageSeries`` of ``acquisition`` whose files are ``video_path``, or None."""
    for series in nwbfile.acquisition.values():
        if _links_files(series, video_path, relative_to):
            return series
    return None


def _refuse_a_name_given_twice(metadata: Mapping[str, Any], key: str, entry: Mapping[str, Any], other: Any) -> None:
    """Refuse a video name the user gave that is already another video's (``other``, of other files).

    :func:`_apart_from` tells apart the videos of one default name (one file name in two folders); a name
    the user gave two videos is theirs: renamed after a folder, it would be another name than the one given,
    without a word.
    """
    if entry["name"] == external_video_entry(key.removeprefix("video_"), "")["name"]:
        return
    videos = metadata.get("Behavior", {}).get("ExternalVideos", {}) or {}
    keys = [k for k, e in videos.items() if k != key and isinstance(e, Mapping) and e.get("name") == entry["name"]]
    field = f"metadata['Behavior']['ExternalVideos']['{key}']['name']"
    said = f"{field} and ['{keys[0]}']['name'] give" if keys else f"{field} gives"
    files = ", ".join(str(f) for f in other.external_file[:2])
    raise MetadataError(
        f"{said} one name, '{entry['name']}', to two different videos (the one already written links {files}): "
        "one name is one ImageSeries. Give each video a name of its own (inputs that share one key take "
        "metadata_key= of their own to be named apart)."
    )


def _apart_from(
    nwbfile: Any, metadata: Mapping[str, Any], entry: Mapping[str, Any], other: Any, video_path: Path | Sequence[Path]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the metadata and video entry that write ``video_path`` apart from ``other``, the video of its name.

    Two cameras whose videos have one file name in folders of their own (``top/session1.mp4``,
    ``side/session1.mp4``: DeepLabCut's and SLEAP's per-camera layouts) have one default video key,
    name and camera (``video_session1``): linking the first camera's video would silently give the
    second camera's poses the wrong video. This one takes its folder's name (``Video session1_side``),
    and its camera too when the camera is the other video's of the default name (``<video> Camera Device``,
    poseconv's and neuroconv's); a camera the user named is kept.
    """
    first = Path(video_path) if isinstance(video_path, (str, Path)) else Path(next(iter(video_path)))
    taken = set(nwbfile.acquisition) | set(
        nwbfile.processing["behavior"].data_interfaces if "behavior" in nwbfile.processing else ()
    )
    name = unique_name(nwb_name(f"{entry['name']}_{where_linked(first).parent.name}"), taken)
    entry = {**entry, "name": name}
    metadata = dict(metadata)
    device_key = entry.get("device_metadata_key")
    devices = metadata.get("Devices") or {}
    camera = devices.get(device_key) if device_key is not None else None
    other_camera = getattr(getattr(other, "device", None), "name", None)
    if camera is not None and camera.get("name") == other_camera == f"{other.name} Camera Device":
        camera_name = unique_name(f"{name} Camera Device", set(nwbfile.devices))
        metadata["Devices"] = {**devices, device_key: {**camera, "name": camera_name}}
    return metadata, entry


def image_series_named(nwbfile: Any, name: str, key: str | None) -> Any:
    """Return the ``ImageSeries`` called ``name`` in ``acquisition`` or ``processing['behavior']``, or None.

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The file written.
    name : str
        The video's name.
    key : str or None
        The video's ``metadata['Behavior']['ExternalVideos']`` key; None for a default name no entry gives (a
        video of it is linked when the file has one, never added): an object of another type is then not it.

    Returns
    -------
    pynwb.image.ImageSeries or None
        The video of the name, of the exact type ``ImageSeries``.

    Raises
    ------
    MetadataError
        When an object of another type holds the name (another interface's ``ElectricalSeries``, a
        ``PoseEstimation``): linked as the video, it would fail deep in the writer or be written as a video.
    """
    behavior = nwbfile.processing.get("behavior")
    where, found = "acquisition", nwbfile.acquisition.get(name)
    if found is None and behavior is not None:
        where, found = "processing['behavior']", behavior.data_interfaces.get(name)
    # The exact type: an ImageSeries' subclass (TwoPhotonSeries, OpticalSeries) is another kind of data.
    if found is None or getattr(found, "neurodata_type", None) == "ImageSeries":
        return found
    if key is None:
        return None
    raise MetadataError(
        f"metadata['Behavior']['ExternalVideos']['{key}']['name'] is '{name}', the name of the "
        f"{type(found).__name__} already in the file's {where}, not a video (ImageSeries); choose another name "
        "for the video."
    )


def labeled_video(nwbfile: Any, metadata: Mapping[str, Any], key: str | None) -> Any:
    """Return the ``ImageSeries`` of the labeled video ``metadata["Behavior"]["ExternalVideos"][key]`` (None: None).

    The poses drawn on a video are a file poseconv does not read: another interface of the
    conversion (neuroconv's ``ExternalVideoInterface``, as neuroconv's Lightning Pose converter uses)
    adds its ``ImageSeries``, which the ``PoseEstimation`` links as ``labeled_video``.

    Raises
    ------
    MetadataError
        When no video of the entry's name is in the file.
    """
    if key is None:
        return None
    entry = lookup(metadata.get("Behavior", {}).get("ExternalVideos", {}), key, "labeled_video_metadata_key")
    found = image_series_named(nwbfile, entry["name"], key)
    if found is None:
        raise MetadataError(
            f"labeled_video_metadata_key '{key}' names the video '{entry['name']}', which no interface of this "
            f"conversion has added to the file; add the labeled video with neuroconv's ExternalVideoInterface "
            f"(metadata_key='{key}', added before the poses; in a spec, under the session's interfaces) "
            "or remove labeled_video_metadata_key."
        )
    return found


def external_image_series(
    nwbfile: Any,
    metadata: Mapping[str, Any],
    entry: Mapping[str, Any],
    *,
    video_path: Path | Sequence[Path],
    relative_to: Path | None,
    timing_kwargs: dict[str, Any],
    n_frames: int,
    frame_size: tuple[int, int] | None,
) -> Any:
    """Return a new external-mode ``ImageSeries`` of the video file ``video_path`` (not added to the file).

    Parameters
    ----------
    nwbfile : pynwb.NWBFile
        The file, to which the camera the entry names is added.
    metadata : mapping
        The metadata, holding the camera (``Devices``) the entry names.
    entry : mapping
        The video's ``metadata["Behavior"]["ExternalVideos"]`` entry.
    video_path : pathlib.Path or sequence of pathlib.Path
        The video file, or the image files of a video that is a sequence of images (one per frame).
    relative_to : pathlib.Path, optional
        Folder the NWB file will be written to: the path is stored relative to it.
    timing_kwargs : dict
        ``rate``/``starting_time`` or ``timestamps`` of the frames.
    n_frames : int
        Frames of the video (with a rate).
    frame_size : (int, int), optional
        Width and height in pixels.

    Returns
    -------
    pynwb.image.ImageSeries
        The series.
    """
    from pynwb.image import ImageSeries

    # The video where it is named, not where a link leads (a DataLad dataset's .git/annex/objects).
    files = [where_linked(video_path)] if isinstance(video_path, (str, Path)) else [where_linked(f) for f in video_path]
    if relative_to is not None:
        # DANDI and NWB best practice: external files are stored relative to the NWB file.
        external_files = [os.path.relpath(file, Path(relative_to).resolve()) for file in files]
    else:
        external_files = [str(file) for file in files]
    what = f"Behavior video {files[0].name}." if len(files) == 1 else f"Behavior video of {len(files)} image files."
    kwargs: dict[str, Any] = {
        "name": entry["name"],
        "description": entry.get("description") or what,
        "unit": entry.get("unit") or "Frames",
        "format": "external",
        "external_file": external_files,
        # Frame k of the series is the first frame of file k: each image is one frame.
        "starting_frame": list(range(len(files))),
    }
    if "rate" in timing_kwargs:
        kwargs.update(timing_kwargs, num_samples=int(n_frames))
    else:
        kwargs["timestamps"] = timing_kwargs["timestamps"]
    if frame_size is not None:
        kwargs["dimension"] = [int(frame_size[1]), int(frame_size[0])]
    device_key = entry.get("device_metadata_key")
    if device_key is not None:
        kwargs["device"] = get_or_add_device(nwbfile, metadata, device_key)
    return ImageSeries(**kwargs)
