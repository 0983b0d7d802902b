"""Read SLEAP analysis HDF5 exports (``.h5``): dense arrays of one video.

Three layouts are found in real files: SLEAP GUI "matlab" (``tracks`` is ``(tracks, 2, nodes,
frames)``), sleap-io "standard" (``(frames, tracks, nodes, 2)``; both carry a ``dims`` attribute when
written by sleap-io) and the old SLEAP 1.0 export without ``point_scores``, ``instance_scores`` or
``tracking_scores`` (which sleap-io cannot load, so all layouts are read here with h5py). Row ``i``
of an analysis file is frame ``i`` of the video (SLEAP's exports start at frame 0, but for its
tracking CLI's default and sleap-io's ``all_frames=False``: see :func:`_place_first_row`). Analysis
files do not say which poses were placed by a user; SLEAP writes NaN scores for them. movement's
``save_poses.to_sleap_analysis_file`` writes 3D poses in the matlab layout with x, y, z (3) where
SLEAP has x, y: they are read as 3D poses of an unknown writer, in an unknown frame and unit.

Without track names, SLEAP slotted each frame's untracked instances in order:
slots that never hold two animals in one frame are one animal (``"untracked"``);
otherwise see the ``untracked`` option of :func:`read_sleap_analysis`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import FrameTiming, PoseData, PoseTrack, Skeleton
from ..safety.input_checks import is_hdf5
from .analysis_slots import untracked_slots_of_sleap_io
from .analysis_writer import (
    OTHER_WRITER_3D_FRAME,
    OTHER_WRITER_3D_NOTE,
    OTHER_WRITER_NOTE,
    UNKNOWN_WRITER,
    writer_of,
)
from .anipose import POINTS_3D_FILE_NAME, is_points_3d_file
from .common import (
    ANALYSIS_CONFIDENCE_DEFINITION,
    SLEAP_REFERENCE_FRAME,
    UNTRACKED_TRACK_NAME,
    UntrackedPolicy,
    inference_note,
    scorer_of,
    sleap_version_of,
    text,
    too_many_untracked,
    track_name,
    unique_names,
)
from .videos import analysis_video, analysis_video_stem, video_key

__all__ = [
    "OTHER_WRITER_3D_FRAME",
    "OTHER_WRITER_3D_NOTE",
    "OTHER_WRITER_NOTE",
    "UNKNOWN_WRITER",
    "read_sleap_analysis",
]

_MATLAB_ORDER = {"track": 0, "xy": 1, "node": 2, "frame": 3}
_STANDARD_ORDER = {"frame": 0, "track": 1, "node": 2, "xy": 3}
# Old SLEAP exports written with transpose=False (sleap-io reads them the same way).
_LEGACY_UNTRANSPOSED_ORDER = {"frame": 0, "node": 1, "xy": 2, "track": 3}
_SCORES = {
    "point_scores": ("frame", "track", "node"),
    "instance_scores": ("frame", "track"),
    "tracking_scores": ("frame", "track"),
}


def _dims_order(dataset: Any, expected: set[str]) -> dict[str, int] | None:
    """Axis order from sleap-io's ``dims`` attribute, or None when absent or unusable."""
    raw = dataset.attrs.get("dims")
    if raw is None:
        return None
    try:
        dims = json.loads(text(raw))
    except (TypeError, ValueError):
        return None
    if not isinstance(dims, list) or set(dims) != expected or len(dims) != len(expected):
        return None
    return {name: i for i, name in enumerate(dims)}


def _sub_order(order: dict[str, int], names: Sequence[str]) -> dict[str, int]:
    """Order of the named axes when the others are dropped (as SLEAP lays out score arrays)."""
    kept = sorted(names, key=lambda n: order[n])
    return {name: i for i, name in enumerate(kept)}


def _canonical(array: np.ndarray, order: dict[str, int], names: Sequence[str]) -> np.ndarray:
    return np.transpose(array, [order[name] for name in names])


def _analysis_layout(handle: Any, tracks: Any) -> tuple[dict[str, int], str]:
    """Axis order of ``tracks`` and the layout's name: sleap-io's ``dims``, else SLEAP's ``transpose``."""
    order = _dims_order(tracks, {"frame", "track", "node", "xy"})
    if order is not None:
        return order, "matlab" if order == _MATLAB_ORDER else "standard" if order == _STANDARD_ORDER else "custom"
    if not bool(handle.attrs.get("transpose", True)):
        return _LEGACY_UNTRANSPOSED_ORDER, "untransposed"
    # SLEAP's GUI export, including the old one without scores, is transposed for MATLAB.
    return _MATLAB_ORDER, "matlab"


@dataclass
class _Arrays:
    """The arrays of an analysis file, axes in canonical order (frame, track[, node[, xy]])."""

    locations: np.ndarray
    node_names: list[str]
    track_names: list[str]
    layout: str
    scores: dict[str, np.ndarray | None]


def _tracks_dataset(handle: Any, path: Path) -> Any:
    import h5py

    tracks = handle.get("tracks")
    if not isinstance(tracks, h5py.Dataset) or tracks.ndim != 4 or "node_names" not in handle:
        hint = ""
        if any(isinstance(handle[k], h5py.Group) and "pandas_type" in handle[k].attrs for k in handle):
            hint = " It is a pandas table, as DeepLabCut writes: use the DeepLabCut reader."
        raise InvalidSourceFileError(
            f"{path}: not a SLEAP analysis export; expected a 4-D 'tracks' dataset and 'node_names', "
            f"found {sorted(handle.keys())}.{hint}"
        )
    return tracks


def _read_scores(handle: Any, path: Path, name: str, order: dict[str, int], shape: dict[str, int]) -> Any:
    import h5py

    axes = _SCORES[name]
    dataset = handle.get(name)
    if not isinstance(dataset, h5py.Dataset):
        return None
    sub = _dims_order(dataset, set(axes)) or _sub_order(order, axes)
    values = np.asarray(dataset[()], dtype="float64")
    expected = tuple(shape[a] for a in sorted(axes, key=lambda a: sub[a]))
    if values.shape != expected:
        raise InvalidSourceFileError(
            f"{path}: '{name}' has shape {values.shape}; the 'tracks' array implies {expected}."
        )
    return _canonical(values, sub, axes)


def _read_arrays(handle: Any, path: Path) -> _Arrays:
    """Read and check the pose arrays of an open analysis file."""
    tracks_ds = _tracks_dataset(handle, path)
    order, layout = _analysis_layout(handle, tracks_ds)
    try:
        node_names = [text(n) for n in handle["node_names"][()]]
        track_names = [text(n) for n in handle["track_names"][()]] if "track_names" in handle else []
        raw_tracks = tracks_ds[()]
    except (OSError, KeyError, ValueError, TypeError) as err:
        raise InvalidSourceFileError(
            f"{path}: cannot read the SLEAP analysis arrays ({type(err).__name__}: {err})."
        ) from err
    shape = {name: raw_tracks.shape[axis] for name, axis in order.items()}
    problems = []
    if shape["xy"] not in (2, 3):
        # 3 is x, y, z: movement's save_poses.to_sleap_analysis_file writes 3D poses in this layout
        # (tracks = ds.position.data.transpose(3, 1, 2, 0), any number of space entries) and its
        # load_poses.from_sleap_file reads them back as 3D.
        problems.append(f"the x/y axis has {shape['xy']} entries instead of 2 (x, y) or 3 (x, y, z)")
    if shape["node"] != len(node_names):
        problems.append(f"{shape['node']} nodes in 'tracks' but {len(node_names)} node names")
    if track_names and shape["track"] != len(track_names):
        problems.append(f"{shape['track']} tracks in 'tracks' but {len(track_names)} track names")
    if problems:
        raise InvalidSourceFileError(
            f"{path}: 'tracks' has shape {raw_tracks.shape}, read as the {layout} layout "
            f"({', '.join(sorted(order, key=order.get))}), but {'; '.join(problems)}."
        )
    locations = _canonical(raw_tracks, order, ("frame", "track", "node", "xy")).astype("float64", copy=False)
    scores = {name: _read_scores(handle, path, name, order, shape) for name in _SCORES}
    return _Arrays(locations, node_names, track_names, layout, scores)


def _edges(handle: Any, node_names: list[str]) -> list[tuple[int, int]]:
    import h5py

    edges: list[tuple[int, int]] = []
    if isinstance(handle.get("edge_inds"), h5py.Dataset) and handle["edge_inds"].size:
        edges = [(int(a), int(b)) for a, b in np.asarray(handle["edge_inds"][()]).reshape(-1, 2)]
    elif isinstance(handle.get("edge_names"), h5py.Dataset) and handle["edge_names"].size:
        index = {name: i for i, name in enumerate(node_names)}
        for a, b in np.asarray(handle["edge_names"][()]).reshape(-1, 2):
            if text(a) in index and text(b) in index:
                edges.append((index[text(a)], index[text(b)]))
    return edges


def _symmetries(handle: Any, node_names: list[str]) -> list[tuple[int, int]]:
    """Return as node indices the ``skeleton_symmetries`` (JSON node-name pairs) of sleap-io's and poseconv's."""
    pairs, index = _json(handle.attrs.get("skeleton_symmetries", "[]")), {n: i for i, n in enumerate(node_names)}
    ok = [p for p in (pairs if isinstance(pairs, list) else []) if isinstance(p, list) and len(p) == 2]  # as sleap-io
    return [(index[a], index[b]) for a, b in ok if isinstance(a, str) and isinstance(b, str) and {a, b} <= set(index)]


def _json(raw: Any) -> Any:
    try:
        return json.loads(text(raw))
    except ValueError:  # JSONDecodeError: recorded metadata that is not JSON is left out
        return {}


def _video_path(handle: Any) -> str | list[str]:
    """Return the recorded ``video_path``: a list of images for an image sequence, as sleap-io writes it."""
    if "video_path" not in handle:
        return ""
    raw = handle["video_path"][()]
    # sleap_io/io/analysis_h5.py write_labels: write_dataset("video_path", video.filename or ""), a list of the
    # images for an ImageVideo; SLEAP writes the one path of its video.
    if isinstance(raw, np.ndarray) and raw.ndim >= 1:
        return [text(name) for name in raw.reshape(-1)]
    return text(raw)


def _file_facts(handle: Any, arrays: _Arrays) -> dict[str, Any]:
    """Everything but the arrays: skeleton, video, provenance and the notes."""
    provenance = _json(handle["provenance"][()]) if "provenance" in handle else {}
    return {
        "skeleton_name": text(handle.attrs.get("skeleton_name", "")) or "Skeleton",
        "edges": _edges(handle, arrays.node_names),
        "symmetries": _symmetries(handle, arrays.node_names),
        "video_path": _video_path(handle),
        "backend_metadata": _json(handle.attrs.get("video_backend_metadata", "{}")),
        "notes": {
            "file_kind": "analysis_h5",
            "layout": arrays.layout,
            "has_point_scores": arrays.scores["point_scores"] is not None,
            "labels_path": text(handle["labels_path"][()]) if "labels_path" in handle else None,
            "video_ind": int(handle["video_ind"][()]) if "video_ind" in handle else None,
            "exported_by_sleap_io": text(handle.attrs["sleap_io_version"])
            if "sleap_io_version" in handle.attrs
            else None,
            "provenance": provenance if isinstance(provenance, dict) else {},
        },
    }


def _name_slots(arrays: _Arrays, path: Path, video_path: str, untracked: UntrackedPolicy) -> list[str]:
    """Track names of the slots; unnamed slots that never meet in a frame are folded into one animal.

    Slots sleap-io named for untracked instances (:func:`~.analysis_slots.untracked_slots_of_sleap_io`) have
    their names cleared first.
    """
    n_slots = arrays.locations.shape[1]
    names = arrays.track_names
    if not names:
        # No track names: SLEAP slotted each frame's untracked instances in order.
        if n_slots > 1 and untracked == "error":
            present = np.any(~np.isnan(arrays.locations), axis=(2, 3))
            crowded = [int(f) for f in np.flatnonzero(present.sum(axis=1) > 1)]
            if crowded:
                raise too_many_untracked(path, video_key(video_path, "video"), crowded)
            # One animal per frame: take the slot that holds it (slot 0 where none does).
            slot = np.where(present.any(axis=1), present.argmax(axis=1), 0)
            frames = np.arange(len(slot))
            arrays.locations = arrays.locations[frames, slot][:, None]
            arrays.scores = {k: None if v is None else v[frames, slot][:, None] for k, v in arrays.scores.items()}
            n_slots = 1
        names = [UNTRACKED_TRACK_NAME] if n_slots == 1 else [f"{UNTRACKED_TRACK_NAME}_{k}" for k in range(n_slots)]
    return unique_names(list(names), unnamed=track_name)


# SLEAP's ``python -m sleap.info.write_tracking_h5 LABELS`` names its file after the labels file (".slp", ".h5",
# ".json" replaced by this) and, without --all-frames (its default), writes rows from the video's first labeled
# frame on (get_occupancy_and_points_matrices), recording no first frame. Since SLEAP 1.2.4 it records str(None)
# as labels_path, where the GUI's export and sleap-convert (all frames) record the labels file; before, neither
# did, and only the name tells the CLI's apart. sleap-io's save_analysis_h5(all_frames=False) does the same
# (to_analysis_arrays: rows to the last labeled frame or the video's end), naming its labels file in provenance.
_CLI_SUFFIX = ".tracking.h5"
_CLI_LABELS_PATH = "None"
_LABELS_SUFFIXES = (".slp", ".h5")
_GIVE_TIMING = (
    "its first row is read as frame 0 of the video. If the poses start later, give their timing: "
    "set_aligned_starting_time(first frame / frame rate) (poseconv convert --starting-time; a spec's "
    "starting_time) or set_aligned_timestamps() (--timestamps FILE; a spec's timestamps_file); or put the labels "
    "file it was made from beside it"
)


def _labels_span(labels: Path, video: int) -> tuple[int, int] | None:
    """Return the first and last labeled frame of ``video`` in the SLEAP labels file ``labels``; None without any."""
    import h5py

    from .common import is_slp_file

    if not is_slp_file(labels):
        return None
    try:
        with h5py.File(labels, "r") as handle:
            frames = handle["frames"][()]
        indices = frames["frame_idx"][frames["video"] == video]
    except (OSError, KeyError, ValueError, TypeError):
        return None
    return (int(indices.min()), int(indices.max())) if len(indices) else None


def _labels_files(path: Path, notes: dict[str, Any]) -> list[Path]:
    """Return the labels files ``path`` may have been made from: named by sleap-io, or the CLI's name's."""
    if not notes["exported_by_sleap_io"]:
        stem = path.name[: -len(_CLI_SUFFIX)] if path.name.lower().endswith(_CLI_SUFFIX) else ""
        return [path.with_name(stem + suffix) for suffix in _LABELS_SUFFIXES if stem]
    # Where it was when exported (load_slp records it as the provenance's filename), then the file of its
    # name beside the export (a path of another machine, perhaps Windows').
    named = [str(p) for p in (notes["labels_path"], notes["provenance"].get("filename")) if p and isinstance(p, str)]
    return list(dict.fromkeys([*map(Path, named), *(path.with_name(PureWindowsPath(p).name) for p in named)]))


def _pad_rows(values: np.ndarray | None, n: int) -> np.ndarray | None:
    if values is None:
        return None
    return np.concatenate([np.full((n, *values.shape[1:]), np.nan), values.astype("float64", copy=False)])


def _place_first_row(path: Path, arrays: _Arrays, notes: dict[str, Any], backend: dict[str, Any]) -> None:
    """Put the rows of a file written from the first labeled frame on that frame; else warn that they may be.

    Such files (SLEAP's tracking CLI by default, sleap-io's ``save_analysis_h5(all_frames=False)``) do not say
    so. The frame is taken from the labels file they were made from, when found and still spanning the rows (the
    CLI writes the labeled frames' span; sleap-io, on to the video's end when it knew its length); else row 0
    stays frame 0, with a warning for the CLI's files, and for sleap-io's (default all_frames=True: frame 0
    on) only when the video length it recorded (``video_backend_metadata`` shape) exceeds the rows.
    """
    labels_path, by_sleap_io = notes["labels_path"], notes["exported_by_sleap_io"]
    by_cli = labels_path == _CLI_LABELS_PATH or (labels_path is None and path.name.lower().endswith(_CLI_SUFFIX))
    # Row 0 of such an export is a labeled frame; an empty one is frame 0 of an all-frames export.
    if not (by_sleap_io or by_cli) or not np.isfinite(arrays.locations[:1]).any():
        return
    n_rows = len(arrays.locations)
    for labels in _labels_files(path, notes):
        span = _labels_span(labels, notes["video_ind"] or 0)
        if span is None or (span[1] - span[0] + 1 > n_rows if by_sleap_io else span[1] - span[0] + 1 != n_rows):
            continue
        first = span[0]
        if first:
            arrays.locations = _pad_rows(arrays.locations, first)
            arrays.scores = {name: _pad_rows(values, first) for name, values in arrays.scores.items()}
        notes["first_frame"] = {"frame": first, "from": f"the first labeled frame of the video in {labels.name}"}
        return
    if by_sleap_io:
        frames = shape[0] if isinstance(shape := backend.get("shape"), list) and shape else 0
        if not isinstance(frames, int) or frames <= n_rows:
            return
        named = _labels_files(path, notes)
        message = (
            f"{path}: written by sleap-io's save_analysis_h5 with all_frames=False: its {n_rows} rows are fewer than "
            f"the {frames} frames of the video it recorded, so they start at the video's first labeled frame "
            f"(likely frame {frames - n_rows}, as sleap-io writes on to the video's end), which the file does not "
            f"record; {_GIVE_TIMING}{f' ({named[-1].name})' if named else ''}, or save it again with "
            "all_frames=True (sleap-io's default), whose rows start at frame 0."
        )
    else:
        message = (
            f"{path}: made by SLEAP's `python -m sleap.info.write_tracking_h5` (the name it gives, or the labels_path "
            "'None' it records), whose rows start at the video's first labeled frame unless it was given "
            f"--all-frames, which the file does not record; {_GIVE_TIMING} (same name, .slp), or export again with "
            "--all-frames or SLEAP's File > Export Analysis HDF5, whose rows start at frame 0."
        )
    warnings.warn(message, PoseconvWarning, stacklevel=4)


def _warn_sleap_anipose_session(path: Path) -> None:
    """Say that a sleap-anipose session's calibration and 3D points beside an analysis file are not converted.

    sleap-anipose's session layout (docs/FOLDER_STRUCTURE.md) puts each camera's ``<view>/*.analysis.h5`` under
    the session root, which holds ``calibration.toml`` and the triangulated ``points3d.h5``
    (sleap_anipose/triangulation.py). An analysis file is one camera's 2D poses; the rest would be lost unheard.
    """
    for root in (path.parent.parent, path.parent):
        found = [name for name in ("calibration.toml", POINTS_3D_FILE_NAME) if (root / name).is_file()]
        if POINTS_3D_FILE_NAME in found and not is_points_3d_file(root / POINTS_3D_FILE_NAME):
            found.remove(POINTS_3D_FILE_NAME)
        if found:
            warnings.warn(
                f"{root}: a sleap-anipose session ({', '.join(found)}); its cameras' analysis files are converted "
                "as 2D poses of one camera each, without the calibration and the 3D points. To convert the session "
                "(calibrated cameras, every camera's 2D poses and the 3D points), make a SLEAP .slp with a "
                "recording session (SLEAP >= 1.4's Sessions tab: load calibration.toml, link each camera's video) "
                f"and convert it with {POINTS_3D_FILE_NAME} beside it (poseconv convert session.slp --source "
                "sleap-session).",
                PoseconvWarning,
                stacklevel=4,
            )
            return


def read_sleap_analysis(path: Path, *, untracked: UntrackedPolicy) -> PoseData:
    """Read a SLEAP analysis ``.h5`` (any layout) into a :class:`~poseconv.model.PoseData`.

    Called by :func:`poseconv.readers.sleap.read_sleap`, which checks the path and options.
    """
    import h5py

    if not is_hdf5(path):
        raise InvalidSourceFileError(f"{path}: not an HDF5 file, so not a SLEAP analysis .h5 export.")
    try:
        handle = h5py.File(path, "r")
    except OSError as err:
        raise InvalidSourceFileError(f"{path}: cannot be opened as HDF5 ({type(err).__name__}: {err}).") from err
    with handle:
        arrays = _read_arrays(handle, path)
        facts = _file_facts(handle, arrays)
    _warn_sleap_anipose_session(path)
    notes = {**facts["notes"], "untracked": untracked}
    if (why := untracked_slots_of_sleap_io(path, arrays.track_names, notes, _labels_files(path, notes))) is not None:
        # Its track_<i> names were sleap-io's for the i-th untracked instance of a frame: no identity.
        notes["untracked_slots"] = why
        arrays.track_names = []
    backend_metadata = facts["backend_metadata"]
    _place_first_row(path, arrays, notes, backend_metadata if isinstance(backend_metadata, dict) else {})
    video_path = facts["video_path"]
    first_path = (video_path[0] if video_path else "") if isinstance(video_path, list) else video_path
    track_names = _name_slots(arrays, path, first_path, untracked)
    key = video_key(first_path, video_key(analysis_video_stem(path.name), "video"))
    video, video_notes = analysis_video(
        path,
        video_path or None,
        backend_metadata if isinstance(backend_metadata, dict) else {},
        key,
        labels=(notes["labels_path"], notes["video_ind"]),
    )
    key, fps = video.key, video.fps
    # How the video was found, the package it was found through, the image recorded in place of the video.
    notes.update({f"video_{k}": video_notes[k] for k in ("found_by", "package", "first_image") if video_notes.get(k)})
    if kept := {k: video_notes[k] for k in ("image_files", "size_recorded_in") if k in video_notes}:
        # Images not all here are said to be so, and the video's size the export records, as for a .slp.
        notes["videos"] = {key: kept}
    point_scores, instance_scores, tracking_scores = (arrays.scores[name] for name in _SCORES)
    pose_tracks = [
        PoseTrack(
            name=name,
            skeleton=facts["skeleton_name"],
            video=key,
            positions=arrays.locations[:, t],
            confidence=point_scores[:, t] if point_scores is not None else None,
            confidence_definition=ANALYSIS_CONFIDENCE_DEFINITION if point_scores is not None else None,
            instance_scores=instance_scores[:, t] if instance_scores is not None else None,
            tracking_scores=tracking_scores[:, t] if tracking_scores is not None else None,
        )
        for t, name in enumerate(track_names)
    ]
    version = sleap_version_of(notes["provenance"])
    if (note := inference_note(notes["provenance"])) is not None:
        notes["model"] = note
    software, frame = writer_of(arrays.locations.shape[-1] == 3, arrays.scores, video_path, notes, pose_tracks)
    skeleton = Skeleton(facts["skeleton_name"], tuple(arrays.node_names), tuple(facts["edges"]), facts["symmetries"])
    return PoseData.from_tracks(
        source_software=software,
        source_file=path,
        skeletons=[skeleton],
        videos=[video],
        tracks=pose_tracks,
        timing={key: FrameTiming(rate=fps, source=f"video fps recorded in {path.name}")} if fps else {},
        source_software_version=str(version) if version else None,
        scorer=scorer_of(notes["provenance"]),
        reference_frame=frame,
        # nwbinspector takes "n.a." for a length unit the file does not state.
        unit="pixels" if frame == SLEAP_REFERENCE_FRAME else "n.a.",
        notes=notes,
    )
