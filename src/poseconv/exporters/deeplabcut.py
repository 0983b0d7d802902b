"""Export poses to a DeepLabCut table (DataFrame, ``.h5`` or ``.csv``).

The table is laid out as DeepLabCut writes its predictions, so DeepLabCut,
movement, sleap-io and every script that reads DLC output accept it:

* columns ``(scorer, bodyparts, coords)`` for one animal, or
  ``(scorer, individuals, bodyparts, coords)`` for several, where the
  individual ``single`` carries the unique bodyparts of a multi-animal
  project; ``coords`` is ``x, y, likelihood`` (2D) or ``x, y, z`` (3D: DeepLabCut's
  triangulation writes no likelihood, nor does movement's ``to_dlc_file``, so the confidence of
  3D poses is left out, with a warning); with no confidence at all, ``x, y[, z]`` only; a track's extra
  columns (:class:`~poseconv.model.ExtraCoords`, LightningPose ensembles) follow
  under their own labels, so an EKS file exports back to its own layout;
* one row per frame, indexed by frame number (int64), or, for a video that is a sequence of images
  (DeepLabCut's time-lapse analysis, SLEAP's image videos), by each image's file name, as
  ``deeplabcut.analyze_time_lapse_frames`` of DeepLabCut 2 writes it, or by its path for the poses of
  DeepLabCut 3's PyTorch engine, whose ``analyze_images`` labels rows so (the images in their natural order);
* ``.h5`` files hold the table under ``key="df_with_missing"`` in PyTables
  ``format="table"``, as ``deeplabcut.analyze_videos`` writes them;
  ``.csv`` files are ``DataFrame.to_csv`` of the same table.

A PoseData read from a DeepLabCut file exports back to the same table, value
for value (NaN stays NaN), header for header. What the table has no place for (SLEAP's instance and
tracking scores, user flags, the predictions user instances replaced, identities) is left out with a
warning naming it (:mod:`poseconv.exporters.left_out`).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidOptionError, PoseconvWarning
from ..model import PoseData, PoseTrack, VideoInfo
from ..model.location import is_absolute_anywhere, is_url
from .docstrings import fill_export_docs
from .files import export_path, is_multi_animal, video_tracks, warn_not_pixels, write_pandas_table
from .left_out import POSE_EXPORTS, pose_values, warn_left_out
from .video_crop import warn_crop_kept

__all__ = ["DLC_H5_KEY", "to_deeplabcut_dataframe", "write_deeplabcut"]

#: The HDF5 key DeepLabCut writes predictions under.
DLC_H5_KEY = "df_with_missing"
# DeepLabCut's scorer when nothing better is known.
_DEFAULT_SCORER = "poseconv"
# A scorer longer than this is no DeepLabCut scorer (a SLEAP provenance dict neuroconv stored as text).
_MAX_SCORER_CHARS = 200


def _header_scorer(pose: PoseData) -> str:
    """Return the scorer for the header row: the poses' own, unless it is a whole mapping or very long text.

    neuroconv stores SLEAP's provenance dict as the scorer (about 2000 characters); a header cell of it
    is unreadable, so the software's name (``SLEAP``) stands for it.
    """
    scorer = (pose.scorer or "").strip()
    if not scorer:
        return _DEFAULT_SCORER  # as the training export and earlier versions name it
    if len(scorer) <= _MAX_SCORER_CHARS and not (scorer.startswith("{") and scorer.endswith("}")):
        return scorer
    software = (pose.source_software or "").strip()
    return software if software and len(software) <= _MAX_SCORER_CHARS else _DEFAULT_SCORER


@fill_export_docs
def to_deeplabcut_dataframe(
    pose: PoseData, *, video: str | None = None, scorer: str | None = None, multi_animal: bool | None = None
) -> Any:
    """Return the poses of one video as a DeepLabCut predictions DataFrame.

    Parameters
    ----------
    pose : PoseData
        The poses.
    {one_video}
    scorer : str, optional
        The ``scorer`` header value; ``pose.scorer`` by default, unless that is a whole mapping or
        over 200 characters (then ``pose.source_software``, else ``"poseconv"``).
    multi_animal : bool, optional
        Force the four-level (with ``individuals``) or three-level header. By default a
        single track named ``"individual"`` (how poseconv reads single-animal DeepLabCut
        files) gives three levels and anything else four.

    Returns
    -------
    pandas.DataFrame
        Rows are frames ``0 .. n-1`` (image names for a video of images); float64 values, NaN where missing.

    Raises
    ------
    InvalidOptionError
        When the tracks cannot share one DeepLabCut table (several tracks in a single-animal
        layout, a missing video choice, 2D and 3D mixed).
    """
    table, tracks = _table(pose, video, scorer, multi_animal)
    _warn_left_out(pose, tracks, None)
    return table


def _warn_left_out(pose: PoseData, tracks: list[PoseTrack], path: Path | None) -> None:
    """Name what a DeepLabCut table has no place for (:mod:`~poseconv.exporters.left_out`), for the caller."""
    found = pose_values(tracks, skip=POSE_EXPORTS["dlc"])
    target = "a DeepLabCut table (and Lightning Pose's CSV, its layout)"
    warn_left_out(pose.source_name, target, found, to="dlc", path=path, stacklevel=3)


def _table(
    pose: PoseData, video: str | None, scorer: str | None, multi_animal: bool | None
) -> tuple[Any, list[PoseTrack]]:
    """Return the table of :func:`to_deeplabcut_dataframe`, and the tracks in it."""
    import pandas as pd

    video, tracks = video_tracks(pose, video, why_one="a DeepLabCut table holds one video")
    multi = is_multi_animal(pose, tracks) if multi_animal is None else multi_animal
    if not multi and len(tracks) > 1:
        raise InvalidOptionError(
            f"{pose.source_name}: {len(tracks)} tracks cannot be written as a single-animal table; "
            "use the multi-animal layout."
        )
    n_dims = {track.positions.shape[2] for track in tracks}
    if len(n_dims) > 1:
        raise InvalidOptionError(f"{pose.source_name}: tracks mix 2D and 3D positions.")
    axes = ("x", "y", "z")[: n_dims.pop()]
    # DeepLabCut writes likelihood for 2D predictions and never for triangulated 3D.
    with_likelihood = len(axes) == 2 and any(track.confidence is not None for track in tracks)
    if len(axes) == 3:
        _warn_confidence_left_out(pose, video, tracks, stacklevel=4)
    scorer = scorer or _header_scorer(pose)
    n_frames = tracks[0].n_frames

    columns: list[tuple[str, ...]] = []
    blocks: list[np.ndarray] = []
    for track, individual in zip(tracks, pose.exported_names(tracks), strict=True):
        nodes = pose.skeletons[track.skeleton].nodes
        for j, node in enumerate(nodes):
            prefix = (scorer, individual, node) if multi else (scorer, node)
            columns.extend((*prefix, axis) for axis in axes)
            blocks.append(track.positions[:, j, :])
            if with_likelihood:
                columns.append((*prefix, "likelihood"))
                confidence = track.confidence[:, j] if track.confidence is not None else np.full(n_frames, np.nan)
                blocks.append(confidence[:, None])
            # Extra columns (LightningPose ensembles) go back after x, y, likelihood, as EKS writes them.
            for extra in track.extra_coords:
                # A group only some nodes have (EKS on a subset of the keypoints) goes back for those only.
                if extra.nodes is None or node in extra.nodes:
                    k = j if extra.nodes is None else extra.nodes.index(node)
                    columns.extend((*prefix, column) for column in extra.columns)
                    blocks.append(np.asarray(extra.values[:, k, :], dtype="float64"))
    names = ["scorer", "individuals", "bodyparts", "coords"] if multi else ["scorer", "bodyparts", "coords"]
    values = np.concatenate(blocks, axis=1) if blocks else np.empty((n_frames, 0))
    table = pd.DataFrame(
        values,
        columns=pd.MultiIndex.from_tuples(columns, names=names),
        index=_row_labels(pose, video, n_frames),
    )
    return table, tracks


def _warn_confidence_left_out(pose: PoseData, video: str, tracks: list[PoseTrack], stacklevel: int) -> None:
    """Say that the confidence of 3D poses has no place in the table, when there is any."""
    scored = [
        track.name
        for track in tracks
        if track.confidence is not None and np.isfinite(np.asarray(track.confidence, dtype="float64")).any()
    ]
    if scored:
        warnings.warn(
            f"{pose.source_name}: DeepLabCut's 3D tables (and Lightning Pose's CSV, their layout) hold x, y, z and "
            f"no likelihood; the confidence of the 3D poses of {scored} on video {video!r} is not written. "
            "Export --to movement to keep it.",
            PoseconvWarning,
            stacklevel=stacklevel,
        )


def _row_labels(pose: PoseData, video: str, n_frames: int) -> Any:
    """Frame numbers, or the images of a video that is one folder's images (a time-lapse analysis).

    The images are named as DeepLabCut names them: by file name (DeepLabCut 2), or by path for the poses of
    DeepLabCut 3's PyTorch engine, whose ``analyze_images`` labels each row ``str(path)``
    (:func:`_image_paths`). The images on this machine give the names, else those the reader noted.
    """
    import pandas as pd

    info = pose.videos.get(video)
    local = [Path(image) for image in (info.image_files if info is not None else None) or ()]
    noted = [str(image) for image in pose.notes.get("videos", {}).get(video, {}).get("image_files") or ()]
    names = [image.name for image in local] or [re.split(r"[\\/]", image)[-1] for image in noted]
    if info is None or len(names) != n_frames or len(set(names)) != n_frames:
        return pd.Index(np.arange(n_frames, dtype="int64"))
    paths = _image_paths(pose, info, names, local, noted) if _labels_images_by_path(pose) else None
    return pd.Index(paths or names)


def _labels_images_by_path(pose: PoseData) -> bool:
    """Whether DeepLabCut labelled the rows of these poses on images by path: its 3.x PyTorch engine did.

    ``analyze_time_lapse_frames`` of the PyTorch engine runs ``analyze_images``, which labels each row by
    the image's path; the TensorFlow engine (DeepLabCut 2, and 3's ``engine="tensorflow"``) by file name,
    and records no 3.x version for a time lapse.
    """
    return pose.source_software == "DeepLabCut" and (pose.source_software_version or "").startswith("3")


def _image_paths(
    pose: PoseData, info: VideoInfo, names: list[str], local: list[Path], noted: list[str]
) -> list[str] | None:
    """Return each image's path as DeepLabCut 3's ``analyze_images`` wrote it; None when its folder is unknown.

    The images the reader noted, when it noted them with their folder, are kept as noted. Else a recorded
    first image with its folder (the row label as written, or an NWB file's external file) gives the
    folder, kept as recorded; one relative to an NWB file is put back beside it, as it was when the poses
    were converted. Else the images on this machine by absolute path: what ``analyze_images``
    wrote when given their folder by absolute path (by a relative one, it wrote them relative to where it
    ran, which is recorded nowhere).
    """
    if len(noted) == len(names) and all(map(_in_a_folder, noted, names)):
        return noted
    written = info.original_path or ""
    if _in_a_folder(written, names[0]):
        folder = written[: -len(names[0])]
        if not info.linked_in_nwb or is_absolute_anywhere(folder):
            return [folder + name for name in names]
        if not is_url(pose.source_file):
            # NWB files record external files relative to themselves; absolute() keeps the path as given.
            beside = os.path.normpath(Path(pose.source_file).absolute().parent / folder)
            return [os.path.join(beside, name) for name in names]
    return [str(image.absolute()) for image in local] or None


def _in_a_folder(path: str, name: str) -> bool:
    """Whether ``path`` is the image ``name`` in a folder (POSIX or Windows), not the bare name."""
    return len(path) > len(name) and path.endswith(name) and path[-len(name) - 1] in "\\/"


@fill_export_docs
def write_deeplabcut(
    pose: PoseData,
    file_path: str | Path,
    *,
    video: str | None = None,
    scorer: str | None = None,
    multi_animal: bool | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the poses of one video as a DeepLabCut ``.h5`` or ``.csv`` file.

    Parameters
    ----------
    pose : PoseData
        The poses.
    file_path : str or pathlib.Path
        Output, ending in ``.h5`` or ``.csv``.
    video, scorer, multi_animal
        As for :func:`to_deeplabcut_dataframe`.
    {overwrite}

    {file_written}

    Raises
    ------
    InvalidOptionError
        When the suffix is not ``.h5``/``.csv`` or the file exists and ``overwrite`` is False.
    """
    path = export_path(file_path, overwrite=overwrite, suffixes=(".h5", ".csv"), kind="a DeepLabCut file")
    warn_not_pixels(pose, "a DeepLabCut (or Lightning Pose) table")
    frame, tracks = _table(pose, video, scorer, multi_animal)
    write_pandas_table(frame, path, key=DLC_H5_KEY)
    _warn_left_out(pose, tracks, path)
    warn_crop_kept(pose, (track.video for track in tracks), path.name)
    return path
