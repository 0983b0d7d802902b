"""Read SLEAP labels (``.slp``, ``.pkg.slp``) and SLEAP analysis HDF5 exports (``.h5``).

``.slp`` files are HDF5 containers that SLEAP and sleap-io write; they hold
skeletons, videos, tracks and, per labeled frame, *instances*: predicted ones
(with a score per point, an instance score and, since format 1.2, a tracking
score) and user ones placed or corrected by a human (no scores). They are read
with :func:`sleap_io.load_slp` without opening any video. A ``.pkg.slp``
embeds the labeled images; it has no external video, only the path of the
video the images came from.

How instances become tracks (one :class:`~poseconv.model.PoseTrack` per SLEAP
track, video and skeleton):

* Per frame and track, a user instance wins over the predicted one, as in
  SLEAP's own analysis export; ``predicted_only=True`` keeps predictions only.
* Instances without a track go to one track named ``"untracked"`` when no frame
  holds more than one untracked animal. A user instance counts as the same
  animal as the prediction it was made from (``from_predicted``), and in a
  file with at most one user and one predicted untracked instance per frame
  (a single-animal project) they are the same animal. Anything else has no
  identity to split by and is an error, unless ``untracked="by_order"``.
* Frames run from 0 to the last labeled frame (or the video length, when the
  file records it); frame index ``i`` is row ``i`` and frames without the
  animal are NaN.

SLEAP 1.0 also saved labels files in the ``.slp`` layout (``metadata``, ``frames``,
``instances``, ``points``, ``pred_points``) under a ``.h5`` name; such files are
told from analysis exports by their content and read as ``.slp`` files.

SLEAP analysis HDF5 files are dense arrays of one video, in one of three
layouts found in real files: SLEAP GUI "matlab" (``tracks`` is
``(tracks, 2, nodes, frames)``), sleap-io "standard" (``(frames, tracks,
nodes, 2)``; both carry a ``dims`` attribute when written by sleap-io) and the
old SLEAP 1.0 export without ``point_scores``, ``instance_scores`` or
``tracking_scores`` (which sleap-io cannot load, so all layouts are read here
with h5py). Row ``i`` of an analysis file is frame ``i`` of the video (SLEAP
exports from frame 0). Analysis files do not say which poses were placed by a
user; SLEAP writes NaN scores for them.

Coordinates are in pixels with (0, 0) at the center of the top-left pixel
(SLEAP >= 1.1; sleap-io shifts older ``.slp`` coordinates by -0.5 on reading,
as SLEAP does).
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import InvalidOptionError, InvalidSourceFileError, PoseconvWarning
from ..metadata.names import unique_name
from ..model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from .safety.input_checks import check_frame_count, check_input_file, dataset_shapes, is_hdf5, reads_source

__all__ = [
    "ANALYSIS_CONFIDENCE_DEFINITION",
    "SLP_CONFIDENCE_DEFINITION",
    "UNTRACKED_TRACK_NAME",
    "is_sleap_analysis_file",
    "is_sleap_file",
    "is_slp_file",
    "read_sleap",
]

SUFFIXES = {".slp", ".h5"}
UNTRACKED_TRACK_NAME = "untracked"
UntrackedPolicy = Literal["error", "by_order"]

SLP_CONFIDENCE_DEFINITION = (
    "SLEAP point score of the predicted instance: the value of the part confidence map at the "
    "predicted peak (usually 0 to 1; it can exceed 1). NaN where the pose is a user instance "
    "(placed or corrected by a human in SLEAP), which has no score, and where the animal is absent. "
    "A body part the model did not find has NaN coordinates and the score SLEAP stored (often 0)."
)
ANALYSIS_CONFIDENCE_DEFINITION = (
    "SLEAP point score from the analysis export: the value of the part confidence map at the "
    "predicted peak (usually 0 to 1; it can exceed 1). NaN where the animal is absent and where the "
    "pose is a user instance (placed or corrected by a human), which SLEAP exports without a score."
)
SLEAP_REFERENCE_FRAME = (
    "(0, 0) is the center of the top-left pixel of the video frame; x increases to the right and "
    "y increases downward, in pixels (SLEAP coordinate system)."
)
_MATLAB_ORDER = {"track": 0, "xy": 1, "node": 2, "frame": 3}
_STANDARD_ORDER = {"frame": 0, "track": 1, "node": 2, "xy": 3}
# Old SLEAP exports written with transpose=False (sleap-io reads them the same way).
_LEGACY_UNTRANSPOSED_ORDER = {"frame": 0, "node": 1, "xy": 2, "track": 3}
_MAX_FRAMES_LISTED = 5


# -- sniffing -----------------------------------------------------------------------------------


def is_slp_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a SLEAP labels ``.slp`` (HDF5) file; never raises.

    Checked: whether the file is HDF5 with SLEAP's ``metadata`` group and instance tables.
    """
    try:
        path = Path(file_path)
        if not is_hdf5(path):
            return False
        import h5py

        with h5py.File(path, "r") as handle:
            metadata = handle.get("metadata")
            return (
                isinstance(metadata, h5py.Group)
                and ("format_id" in metadata.attrs or "json" in metadata.attrs)
                and isinstance(handle.get("frames"), h5py.Dataset)
                and isinstance(handle.get("instances"), h5py.Dataset)
            )
    except Exception:
        return False


def is_sleap_analysis_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a SLEAP analysis HDF5 export; never raises.

    DeepLabCut ``.h5`` files are pandas/PyTables tables (groups such as ``df_with_missing``
    or ``tracks``); SLEAP analysis files hold plain datasets ``tracks`` (4-D) and ``node_names``.

    Parameters
    ----------
    file_path : str or pathlib.Path
        Candidate file.

    Returns
    -------
    bool
        Whether the file holds a 4-D ``tracks`` dataset and ``node_names``.
    """
    shapes = dataset_shapes(file_path, ("tracks", "node_names")) or {}
    return len(shapes.get("tracks", ())) == 4 and "node_names" in shapes


def is_sleap_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a SLEAP ``.slp`` or analysis ``.h5`` file; never raises.

    Checked: whether the content (not only the suffix) is SLEAP's.
    """
    try:
        suffix = Path(file_path).suffix.lower()
    except Exception:
        return False
    if suffix == ".slp":
        return is_slp_file(file_path)
    if suffix == ".h5":
        # SLEAP 1.0 saved labels in the .slp layout under .h5 names; the content tells them apart.
        return is_sleap_analysis_file(file_path) or is_slp_file(file_path)
    return False


# -- shared helpers -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    """Decode an HDF5 string (bytes, numpy bytes or str) to str."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def unique_names(names: Sequence[str]) -> list[str]:
    """Make names unique by suffixing repeats with ``_2``, ``_3``, ... (first one unchanged)."""
    taken: set[str] = set()
    return [unique_name(name, taken) for name in names]


def sleap_names(skeletons: Sequence[Any], tracks: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Return unique names for SLEAP skeletons (unnamed: "Skeleton") and tracks (unnamed: "track_<i>"), in order."""
    skeleton_names = unique_names([str(s.name) if s.name else "Skeleton" for s in skeletons])
    track_names = unique_names([str(t.name) if str(t.name or "") else f"track_{i}" for i, t in enumerate(tracks)])
    return skeleton_names, track_names


def _file_name(recorded: str) -> str:
    r"""Last component of a path recorded on any OS (SLEAP mixes ``/`` and ``\``)."""
    return re.split(r"[\\/]", recorded.rstrip("\\/"))[-1]


def _video_key(recorded: str | None, fallback: str) -> str:
    """Readable video key: the recorded file name without extension, safe for NWB names."""
    stem = ""
    if recorded:
        name = _file_name(recorded)
        stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._")
    return stem or fallback


def _is_absolute(recorded: str) -> bool:
    return recorded.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", recorded) is not None


def _find_local_video(recorded: str | None, base_dir: Path) -> tuple[Path | None, str | None]:
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
    if _is_absolute(recorded):
        if not re.match(r"^[A-Za-z]:", recorded):
            candidates.append((Path(recorded), "recorded path"))
    else:
        parts = [p for p in re.split(r"[\\/]", recorded) if p not in ("", ".")]
        if parts:
            relative = Path(*parts)
            folders = [base_dir, *base_dir.parents] if len(parts) > 1 else [base_dir]
            for folder in folders:
                candidates.append((folder / relative, f"relative path resolved against {folder}"))
    candidates.append((base_dir / _file_name(recorded), "same file name next to the SLEAP file"))
    for candidate, how in candidates:
        try:
            if candidate.is_file():
                return candidate.resolve(), how
        except OSError:
            continue
    return None, None


def _shape_facts(backend_metadata: dict[str, Any]) -> tuple[int | None, tuple[int, int] | None, float | None]:
    """Frame count, (height, width) and fps recorded in a video's backend metadata (no decoding)."""
    n_frames = frame_size = fps = None
    shape = backend_metadata.get("shape")
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


def _scorer(provenance: dict[str, Any]) -> str | None:
    """Model names from SLEAP inference provenance (``model_paths`` or ``model.*.path``)."""
    paths: list[str] = []
    model_paths = provenance.get("model_paths")
    if isinstance(model_paths, (list, tuple)):
        paths.extend(str(p) for p in model_paths)
    for key, value in provenance.items():
        if re.fullmatch(r"model\..+\.path", str(key)) and isinstance(value, str):
            paths.append(value)
    names = []
    for recorded in paths:
        parts = [p for p in re.split(r"[\\/]", recorded) if p]
        if parts and parts[-1].endswith(".json") and len(parts) > 1:
            parts = parts[:-1]
        if parts:
            names.append(parts[-1])
    names = list(dict.fromkeys(names))
    return ", ".join(names) if names else None


def _check_untracked_option(untracked: str) -> None:
    if untracked not in ("error", "by_order"):
        raise InvalidOptionError(f"untracked must be 'error' or 'by_order', got {untracked!r}.")


def _too_many_untracked(path: Path, video_key: str, frames: list[int]) -> InvalidSourceFileError:
    frames = sorted(frames)
    listed = ", ".join(str(f) for f in frames[:_MAX_FRAMES_LISTED]) + (
        ", ..." if len(frames) > _MAX_FRAMES_LISTED else ""
    )
    return InvalidSourceFileError(
        f"{path}: {len(frames)} frame(s) of video '{video_key}' hold more than one instance without a "
        f"track (frames {listed}). SLEAP gave these animals no identity, so they cannot be split into "
        "one PoseEstimation per animal. Assign tracks in SLEAP (run tracking, or set tracks while "
        "proofreading) and convert again; or pass untracked='by_order' to write the k-th untracked "
        "instance of each frame to 'untracked_<k>' (then one container does NOT follow one animal). "
        "Human-labeled training frames belong in PoseTraining, not PoseEstimation."
    )


# -- .slp ---------------------------------------------------------------------------------------


def slp_header(path: Path) -> dict[str, Any]:
    """Check the HDF5 container of a ``.slp`` before sleap-io parses it; return format facts."""
    if not is_hdf5(path):
        raise InvalidSourceFileError(
            f"{path}: not an HDF5 file, so not a SLEAP .slp labels file (JSON .slp files from SLEAP "
            "before 1.0 are not supported: open the file in SLEAP and save it again)."
        )
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            metadata = handle.get("metadata")
            if not isinstance(metadata, h5py.Group):
                raise InvalidSourceFileError(
                    f"{path}: an HDF5 file without SLEAP's 'metadata' group; not a SLEAP .slp labels file."
                )
            missing = [
                name
                for name in ("frames", "instances", "videos_json")
                if not isinstance(handle.get(name), h5py.Dataset)
            ]
            if missing:
                raise InvalidSourceFileError(
                    f"{path}: the SLEAP file lacks the dataset(s) {missing}; it is incomplete or corrupt."
                )
            fields = handle["instances"].dtype.names or ()
            format_id = metadata.attrs.get("format_id")
            return {
                "format_id": float(format_id) if format_id is not None else None,
                "has_tracking_score": "tracking_score" in fields,
            }
    except InvalidSourceFileError:
        raise
    except Exception as err:
        raise InvalidSourceFileError(
            f"{path}: cannot be opened as a SLEAP .slp file ({type(err).__name__}: {err})."
        ) from err


def slp_video_info(video: Any, index: int, slp_path: Path) -> tuple[VideoInfo, dict[str, Any]]:
    """Describe one sleap-io Video without opening it."""
    facts: dict[str, Any] = {"index": index}
    backend_metadata = dict(getattr(video, "backend_metadata", {}) or {})
    filename = video.filename
    source_video = getattr(video, "source_video", None)
    embedded = (
        bool(backend_metadata.get("dataset"))
        and isinstance(filename, str)
        and (filename in (".", "") or Path(filename).resolve() == slp_path.resolve())
    )
    n_frames, frame_size, fps = _shape_facts(backend_metadata)
    if embedded:
        # Images are embedded in the package: the only external video is the one they came from.
        facts["embedded_images"] = True
        original = source_video.filename if source_video is not None else None
        original = original if isinstance(original, str) else None
        n_frames, frame_size, source_fps = _shape_facts(dict(getattr(source_video, "backend_metadata", {}) or {}))
        fps = fps or source_fps
        local, how = _find_local_video(original, slp_path.parent)
        key = _video_key(original, _video_key(slp_path.name.removesuffix(".slp").removesuffix(".h5"), f"video{index}"))
    elif isinstance(filename, (list, tuple)):
        # An image sequence ("single image video"): no one external file to link.
        facts["image_files"] = [str(f) for f in filename]
        original = str(filename[0]) if filename else None
        local, how = None, None
        key = _video_key(original, f"video{index}")
    else:
        original = str(filename) if filename else None
        local, how = _find_local_video(original, slp_path.parent)
        key = _video_key(original, f"video{index}")
    if local is not None:
        facts["found_by"] = how
    info = VideoInfo(key=key, original_path=original, path=local, n_frames=n_frames, frame_size=frame_size, fps=fps)
    return info, facts


def _select_videos(path: Path, n_videos: int, keys: list[str], video_indices: Sequence[int] | None) -> list[int]:
    if video_indices is None:
        return list(range(n_videos))
    available = ", ".join(f"{i}: {key}" for i, key in enumerate(keys)) or "none"
    if len(video_indices) == 0:
        raise InvalidOptionError(f"{path}: video_indices is empty; choose at least one of (index: key) {available}.")
    selected = []
    for index in video_indices:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n_videos:
            raise InvalidOptionError(
                f"{path}: video index {index!r} is out of range; the file has {n_videos} video(s) "
                f"(index: key) {available}."
            )
        if int(index) not in selected:
            selected.append(int(index))
    return selected


def _untracked_for_frame(instances: list[Any], *, predicted_only: bool, single_animal: bool) -> list[Any]:
    """Return the untracked animals of one frame: user instances first, then unmatched predictions."""
    from sleap_io import PredictedInstance

    predicted = [inst for inst in instances if isinstance(inst, PredictedInstance)]
    if predicted_only:
        return predicted
    user = [inst for inst in instances if not isinstance(inst, PredictedInstance)]
    if single_animal and user:
        return user
    corrected = {id(inst.from_predicted) for inst in user if getattr(inst, "from_predicted", None) is not None}
    return user + [inst for inst in predicted if id(inst) not in corrected]


def _is_single_animal(lfs: list[Any]) -> bool:
    """Whether no frame holds more than one user and one predicted untracked instance."""
    from sleap_io import PredictedInstance

    for lf in lfs:
        loose = [inst for inst in lf.instances if inst.track is None]
        n_predicted = sum(isinstance(inst, PredictedInstance) for inst in loose)
        if n_predicted > 1 or len(loose) - n_predicted > 1:
            return False
    return True


def _tracked_for_frame(
    lf: Any, track_index: dict[int, int], *, predicted_only: bool
) -> tuple[dict[int, Any], set[int]]:
    """Return the instance of each track in one frame (a user instance wins) and tracks seen twice."""
    from sleap_io import PredictedInstance

    chosen: dict[int, Any] = {}
    seen_predicted: set[int] = set()
    seen_user: set[int] = set()
    repeated: set[int] = set()
    for inst in lf.instances:
        t = track_index.get(id(inst.track)) if inst.track is not None else None
        if t is None:
            continue
        is_predicted = isinstance(inst, PredictedInstance)
        if predicted_only and not is_predicted:
            continue
        seen = seen_predicted if is_predicted else seen_user
        if t in seen:
            repeated.add(t)
        seen.add(t)
        # User instances win; among equals the last one, as SLEAP's export keeps.
        if not (is_predicted and t in seen_user):
            chosen[t] = inst
    return chosen, repeated


# (video index, ("track", track index) or ("untracked", k), skeleton index) -> [(frame, instance)]
_Rows = dict[tuple[int, tuple[str, int], int], list[tuple[int, Any]]]


def _collect_rows(
    path: Path,
    labels: Any,
    selected: list[int],
    keys: list[str],
    track_names: list[str],
    *,
    predicted_only: bool,
    untracked: UntrackedPolicy,
) -> tuple[_Rows, dict[int, int]]:
    """Choose the instance of every track, video and frame; return them and each video's last frame."""
    skeleton_index = {id(s): i for i, s in enumerate(labels.skeletons)}
    track_index = {id(t): i for i, t in enumerate(labels.tracks)}
    video_index = {id(v): i for i, v in enumerate(labels.videos)}
    frames_by_video: dict[int, list[Any]] = {i: [] for i in selected}
    for lf in labels.labeled_frames:
        i = video_index.get(id(lf.video))
        if i in frames_by_video:
            frames_by_video[i].append(lf)
    rows: _Rows = {}
    last_frame: dict[int, int] = {}
    repeated: dict[tuple[int, int], list[int]] = {}
    for v in selected:
        lfs = frames_by_video[v]
        if lfs:
            first = min(int(lf.frame_idx) for lf in lfs)
            if first < 0:
                raise InvalidSourceFileError(
                    f"{path}: a labeled frame of video {keys[v]!r} has the negative frame index {first}; "
                    "the file is damaged. Re-save it with SLEAP."
                )
            last_frame[v] = max(int(lf.frame_idx) for lf in lfs)
            check_frame_count(path, last_frame[v] + 1, len(lfs), what=f"labeled frames of video {keys[v]!r}")
        single_animal = _is_single_animal(lfs)
        crowded: list[int] = []
        for lf in lfs:
            frame = int(lf.frame_idx)
            chosen, twice = _tracked_for_frame(lf, track_index, predicted_only=predicted_only)
            for t in twice:
                repeated.setdefault((v, t), []).append(frame)
            for t, inst in chosen.items():
                rows.setdefault((v, ("track", t), skeleton_index[id(inst.skeleton)]), []).append((frame, inst))
            loose = _untracked_for_frame(
                [inst for inst in lf.instances if inst.track is None],
                predicted_only=predicted_only,
                single_animal=single_animal,
            )
            if len(loose) > 1:
                crowded.append(frame)
            for k, inst in enumerate(loose):
                rows.setdefault((v, ("untracked", k), skeleton_index[id(inst.skeleton)]), []).append((frame, inst))
        if crowded and untracked == "error":
            raise _too_many_untracked(path, keys[v], crowded)
    for (v, t), frames in repeated.items():
        warnings.warn(
            f"{path}: track {track_names[t]!r} of video '{keys[v]}' has two instances of the same kind in "
            f"frame(s) {frames[:_MAX_FRAMES_LISTED]}; the last one is kept, as in SLEAP's analysis export.",
            PoseconvWarning,
            stacklevel=4,
        )
    return rows, last_frame


def _slot_names(rows: _Rows, track_names: list[str], skeleton_names: list[str]) -> dict[tuple[Any, ...], str]:
    """Name each (slot, skeleton): the track name, "untracked"/"untracked_<k>", + skeleton when a slot has several."""
    by_order = any(slot[0] == "untracked" and slot[1] > 0 for _, slot, _ in rows)
    skeletons_per_slot: dict[tuple[str, int], set[int]] = {}
    for _, slot, s in rows:
        skeletons_per_slot.setdefault(slot, set()).add(s)
    names: dict[tuple[Any, ...], str] = {}
    for slot, used in skeletons_per_slot.items():
        for s in used:
            if slot[0] == "track":
                name = track_names[slot[1]]
            else:
                name = f"{UNTRACKED_TRACK_NAME}_{slot[1]}" if by_order else UNTRACKED_TRACK_NAME
            if len(used) > 1:
                name = f"{name}_{skeleton_names[s]}"
            # Untracked names must not collide with real track names.
            while slot[0] == "untracked" and name in track_names:
                name = f"{name}_instances"
            names[slot, s] = name
    return names


def _fill_track(
    rows: list[tuple[int, Any]], n_frames: int, n_nodes: int, *, has_tracking_score: bool
) -> dict[str, Any]:
    """Dense arrays of one track from its chosen instances (NaN where absent)."""
    from sleap_io import PredictedInstance

    positions = np.full((n_frames, n_nodes, 2), np.nan)
    confidence = np.full((n_frames, n_nodes), np.nan)
    instance_scores = np.full(n_frames, np.nan)
    tracking_scores = np.full(n_frames, np.nan)
    user_labeled = np.zeros(n_frames, dtype=bool)
    any_predicted = False
    for frame, inst in rows:
        positions[frame] = inst.numpy()
        tracking_score = getattr(inst, "tracking_score", None)
        if tracking_score is not None:
            tracking_scores[frame] = tracking_score
        if isinstance(inst, PredictedInstance):
            any_predicted = True
            confidence[frame] = inst.points["score"]
            instance_scores[frame] = inst.score
        else:
            user_labeled[frame] = True
    # Without one prediction the track has no score at all: no all-NaN confidence is written.
    return {
        "positions": positions,
        "confidence": confidence if any_predicted else None,
        "confidence_definition": SLP_CONFIDENCE_DEFINITION if any_predicted else None,
        "instance_scores": instance_scores if any_predicted else None,
        "tracking_scores": tracking_scores if has_tracking_score else None,
        "user_labeled": user_labeled,
    }


def load_labels(path: Path) -> Any:
    """Return sleap-io's ``Labels`` of a SLEAP file (videos not opened); a file it cannot read is refused."""
    import sleap_io

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sleap_io.load_slp(str(path), open_videos=False)
    except Exception as err:
        raise InvalidSourceFileError(
            f"{path}: sleap-io cannot read this SLEAP file ({type(err).__name__}: {err}); it may be "
            "corrupt or written by a newer SLEAP than sleap-io supports."
        ) from err


def _read_slp(
    path: Path, *, video_indices: Sequence[int] | None, predicted_only: bool, untracked: UntrackedPolicy
) -> PoseData:
    header = slp_header(path)
    labels = load_labels(path)
    described = [slp_video_info(video, index, path) for index, video in enumerate(labels.videos)]
    keys = unique_names([info.key for info, _ in described])
    infos = [dataclasses.replace(info, key=key) for (info, _), key in zip(described, keys, strict=True)]
    selected = _select_videos(path, len(infos), keys, video_indices)
    skeleton_names, track_names = sleap_names(labels.skeletons, labels.tracks)

    rows, last_frame = _collect_rows(
        path, labels, selected, keys, track_names, predicted_only=predicted_only, untracked=untracked
    )
    names = _slot_names(rows, track_names, skeleton_names)
    tracks: list[PoseTrack] = []
    for v, slot, s in sorted(rows, key=lambda k: (selected.index(k[0]), k[1][0] != "track", k[1][1], k[2])):
        # The recorded video length extends the time base, as SLEAP's analysis export does.
        n_frames = max(last_frame[v] + 1, infos[v].n_frames or 0)
        # The labeled frames were checked above; this checks the video's recorded length against them.
        check_frame_count(path, n_frames, last_frame[v] + 1, what=f"frames of video {infos[v].key!r}")
        arrays = _fill_track(
            rows[v, slot, s],
            n_frames,
            len(labels.skeletons[s].nodes),
            has_tracking_score=header["has_tracking_score"],
        )
        tracks.append(PoseTrack(name=names[slot, s], skeleton=skeleton_names[s], video=infos[v].key, **arrays))

    skeletons = [
        Skeleton(name=name, nodes=tuple(s.node_names), edges=tuple(tuple(e) for e in s.edge_inds))
        for s, name in zip(labels.skeletons, skeleton_names, strict=True)
    ]
    timing = {
        info.key: FrameTiming(rate=info.fps, source=f"video fps recorded in {path.name}")
        for info in infos
        if info.fps is not None
    }
    provenance = dict(labels.provenance or {})
    version = provenance.get("sleap_version")
    used_tracks = {slot[1] for _, slot, _ in rows if slot[0] == "track"}
    notes: dict[str, Any] = {
        "file_kind": "slp",
        "format_id": header["format_id"],
        "predicted_only": predicted_only,
        "untracked": untracked,
        "videos": {info.key: facts for info, (_, facts) in zip(infos, described, strict=True)},
        "selected_videos": [infos[i].key for i in selected],
        "tracks_without_instances": [name for i, name in enumerate(track_names) if i not in used_tracks],
        "provenance": {k: v for k, v in provenance.items() if k != "filename"},
    }
    if getattr(labels, "sessions", None):
        notes["n_recording_sessions"] = len(labels.sessions)
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=skeletons,
        videos=infos,
        tracks=tracks,
        timing=timing,
        source_software_version=str(version) if version else None,
        scorer=_scorer(provenance),
        reference_frame=SLEAP_REFERENCE_FRAME,
        notes=notes,
    )


# -- analysis .h5 -------------------------------------------------------------------------------


def _dims_order(dataset: Any, expected: set[str]) -> dict[str, int] | None:
    """Axis order from sleap-io's ``dims`` attribute, or None when absent or unusable."""
    raw = dataset.attrs.get("dims")
    if raw is None:
        return None
    try:
        dims = json.loads(_text(raw))
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


def _merge_disjoint_slots(arrays: dict[str, np.ndarray | None]) -> dict[str, np.ndarray | None]:
    """Fold unnamed slots that never hold two animals in one frame into one slot (one animal)."""
    present = np.any(~np.isnan(arrays["locations"]), axis=(2, 3))
    slot = np.where(present.any(axis=1), present.argmax(axis=1), 0)
    frames = np.arange(len(slot))
    return {name: None if values is None else values[frames, slot][:, None] for name, values in arrays.items()}


def _read_analysis(path: Path, *, untracked: UntrackedPolicy) -> PoseData:
    import h5py

    if not is_hdf5(path):
        raise InvalidSourceFileError(f"{path}: not an HDF5 file, so not a SLEAP analysis .h5 export.")
    try:
        handle = h5py.File(path, "r")
    except Exception as err:
        raise InvalidSourceFileError(f"{path}: cannot be opened as HDF5 ({type(err).__name__}: {err}).") from err
    with handle:
        tracks_ds = handle.get("tracks")
        if not isinstance(tracks_ds, h5py.Dataset) or tracks_ds.ndim != 4 or "node_names" not in handle:
            hint = ""
            if any(isinstance(handle[k], h5py.Group) and "pandas_type" in handle[k].attrs for k in handle):
                hint = " It is a pandas table, as DeepLabCut writes: use the DeepLabCut reader."
            raise InvalidSourceFileError(
                f"{path}: not a SLEAP analysis export; expected a 4-D 'tracks' dataset and 'node_names', "
                f"found {sorted(handle.keys())}.{hint}"
            )
        order, layout = _analysis_layout(handle, tracks_ds)
        try:
            node_names = [_text(n) for n in handle["node_names"][()]]
            track_names = [_text(n) for n in handle["track_names"][()]] if "track_names" in handle else []
            raw_tracks = tracks_ds[()]
        except Exception as err:
            raise InvalidSourceFileError(
                f"{path}: cannot read the SLEAP analysis arrays ({type(err).__name__}: {err})."
            ) from err
        shape = {name: raw_tracks.shape[axis] for name, axis in order.items()}
        problems = []
        if shape["xy"] != 2:
            problems.append(f"the x/y axis has {shape['xy']} entries instead of 2")
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
        n_slots = shape["track"]

        def scores(name: str, axes: Sequence[str]) -> np.ndarray | None:
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

        point_scores = scores("point_scores", ("frame", "track", "node"))
        instance_scores = scores("instance_scores", ("frame", "track"))
        tracking_scores = scores("tracking_scores", ("frame", "track"))

        edges: list[tuple[int, int]] = []
        if isinstance(handle.get("edge_inds"), h5py.Dataset) and handle["edge_inds"].size:
            edges = [(int(a), int(b)) for a, b in np.asarray(handle["edge_inds"][()]).reshape(-1, 2)]
        elif isinstance(handle.get("edge_names"), h5py.Dataset) and handle["edge_names"].size:
            index = {name: i for i, name in enumerate(node_names)}
            for a, b in np.asarray(handle["edge_names"][()]).reshape(-1, 2):
                if _text(a) in index and _text(b) in index:
                    edges.append((index[_text(a)], index[_text(b)]))
        skeleton_name = _text(handle.attrs.get("skeleton_name", "")) or "Skeleton"
        video_path = _text(handle["video_path"][()]) if "video_path" in handle else ""
        try:
            backend_metadata = json.loads(_text(handle.attrs.get("video_backend_metadata", "{}")))
        except ValueError:
            backend_metadata = {}
        provenance: dict[str, Any] = {}
        if "provenance" in handle:
            try:
                provenance = json.loads(_text(handle["provenance"][()]))
            except ValueError:
                provenance = {}
        notes: dict[str, Any] = {
            "file_kind": "analysis_h5",
            "layout": layout,
            "has_point_scores": point_scores is not None,
            "labels_path": _text(handle["labels_path"][()]) if "labels_path" in handle else None,
            "video_ind": int(handle["video_ind"][()]) if "video_ind" in handle else None,
            "exported_by_sleap_io": _text(handle.attrs["sleap_io_version"])
            if "sleap_io_version" in handle.attrs
            else None,
            "provenance": provenance if isinstance(provenance, dict) else {},
            "untracked": untracked,
        }

    if not track_names:
        # No track names: SLEAP slotted each frame's untracked instances in order.
        if n_slots > 1 and untracked == "error":
            present = np.any(~np.isnan(locations), axis=(2, 3))
            crowded = [int(f) for f in np.flatnonzero(present.sum(axis=1) > 1)]
            if crowded:
                raise _too_many_untracked(path, _video_key(video_path, "video"), crowded)
            merged = _merge_disjoint_slots(
                {
                    "locations": locations,
                    "point_scores": point_scores,
                    "instance_scores": instance_scores,
                    "tracking_scores": tracking_scores,
                }
            )
            locations, point_scores = merged["locations"], merged["point_scores"]
            instance_scores, tracking_scores = merged["instance_scores"], merged["tracking_scores"]
            n_slots = 1
        track_names = (
            [UNTRACKED_TRACK_NAME] if n_slots == 1 else [f"{UNTRACKED_TRACK_NAME}_{k}" for k in range(n_slots)]
        )
    track_names = unique_names([name or f"track_{i}" for i, name in enumerate(track_names)])

    n_video_frames, frame_size, fps = _shape_facts(backend_metadata if isinstance(backend_metadata, dict) else {})
    fallback_key = _video_key(path.name.removesuffix(".h5").removesuffix(".analysis"), "video")
    key = _video_key(video_path, fallback_key)
    local, how = _find_local_video(video_path or None, path.parent)
    if local is not None:
        notes["video_found_by"] = how
    video = VideoInfo(
        key=key, original_path=video_path or None, path=local, n_frames=n_video_frames, frame_size=frame_size, fps=fps
    )
    pose_tracks = [
        PoseTrack(
            name=name,
            skeleton=skeleton_name,
            video=key,
            positions=locations[:, t],
            confidence=point_scores[:, t] if point_scores is not None else None,
            confidence_definition=ANALYSIS_CONFIDENCE_DEFINITION if point_scores is not None else None,
            instance_scores=instance_scores[:, t] if instance_scores is not None else None,
            tracking_scores=tracking_scores[:, t] if tracking_scores is not None else None,
        )
        for t, name in enumerate(track_names)
    ]
    version = notes["provenance"].get("sleap_version")
    return PoseData.from_tracks(
        source_software="SLEAP",
        source_file=path,
        skeletons=[Skeleton(name=skeleton_name, nodes=tuple(node_names), edges=tuple(edges))],
        videos=[video],
        tracks=pose_tracks,
        timing={key: FrameTiming(rate=fps, source=f"video fps recorded in {path.name}")} if fps else {},
        source_software_version=str(version) if version else None,
        scorer=_scorer(notes["provenance"]),
        reference_frame=SLEAP_REFERENCE_FRAME,
        notes=notes,
    )


# -- entry point --------------------------------------------------------------------------------


@reads_source("SLEAP file")
def read_sleap(
    file_path: str | Path,
    *,
    video_indices: Sequence[int] | None = None,
    predicted_only: bool = False,
    untracked: UntrackedPolicy = "error",
) -> PoseData:
    """Read SLEAP labels (``.slp``, ``.pkg.slp``) or a SLEAP analysis export (``.h5``).

    Parameters
    ----------
    file_path : str or pathlib.Path
        A ``.slp`` / ``.pkg.slp`` labels file or an analysis ``.h5`` export (any layout).
    video_indices : sequence of int, optional
        Read only these videos of a multi-video ``.slp`` (indices into the file's video
        list); all videos when not given. An analysis file has one video (index 0).
    predicted_only : bool, default: False
        Use predicted instances only, ignoring user (human-placed) instances. By default a
        user instance replaces the prediction of the same track in that frame. Not possible
        for analysis files, which do not record which poses were placed by a user.
    untracked : {"error", "by_order"}, default: "error"
        What to do when a frame holds several instances without a track: raise (default), or
        write the k-th one of each frame to ``"untracked_<k>"`` (not one animal per track).

    Returns
    -------
    PoseData
        One track per SLEAP track, video and skeleton (plus ``"untracked"``), on the frame
        index time base of each video; frame rate only when the file records it.

    Raises
    ------
    InvalidSourceFileError
        When the file is not SLEAP's, is corrupt, or holds untracked animals that cannot be
        told apart (see ``untracked``).
    InvalidOptionError
        When a video index is out of range or an option does not apply to the file.
    """
    path = check_input_file(file_path, suffixes=SUFFIXES, what="SLEAP .slp or analysis .h5")
    _check_untracked_option(untracked)
    if path.suffix.lower() == ".slp" or is_slp_file(path):
        return _read_slp(path, video_indices=video_indices, predicted_only=predicted_only, untracked=untracked)
    if predicted_only:
        raise InvalidOptionError(
            f"{path}: analysis files do not record which poses a user placed, so predicted_only=True "
            "cannot be honoured; convert the .slp labels file instead."
        )
    if video_indices is not None and list(video_indices) != [0]:
        raise InvalidOptionError(
            f"{path}: video indices {list(video_indices)} are out of range; an analysis file holds one video (index 0)."
        )
    return _read_analysis(path, untracked=untracked)
