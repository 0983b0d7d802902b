"""What every SLEAP reader shares: constants, names, the untracked-instance rule, sniffers, the ``.slp`` header.

The readers of this package (``slp``, ``analysis``, ``session``, ``labels``,
``csv``, ``anipose``) name skeletons, tracks and untracked animals the same way
and describe confidence with the definitions below, so the NWB files they
write agree with one another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ...errors import InvalidOptionError, InvalidSourceFileError
from ...metadata.names import unique_name
from ...model import Skeleton
from ..safety.input_checks import dataset_shapes, is_hdf5
from .provenance import inference_note, predicting_provenance, scorer_of, sleap_version_of
from .slp_layout import negative_frames, other_annotations, table_fields, warn_other_annotations

__all__ = [
    "ANALYSIS_CONFIDENCE_DEFINITION",
    "SPARSE_LABELS_HINT",
    "MAX_FRAMES_LISTED",
    "SLEAP_REFERENCE_FRAME",
    "SLP_CONFIDENCE_DEFINITION",
    "UNTRACKED_TRACK_NAME",
    "UntrackedPolicy",
    "check_untracked_option",
    "is_sleap_analysis_file",
    "is_sleap_file",
    "is_slp_file",
    "inference_note",
    "predicting_provenance",
    "scorer_of",
    "select_videos",
    "skeletons_of",
    "sleap_version_of",
    "sleap_names",
    "slot_names",
    "slot_order",
    "slp_header",
    "text",
    "too_many_untracked",
    "track_name",
    "unique_names",
    "video_frames",
    "warn_other_annotations",
]

UNTRACKED_TRACK_NAME = "untracked"
UntrackedPolicy = Literal["error", "by_order"]
#: Frames an error message lists before "...".
MAX_FRAMES_LISTED = 5

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


# -- sniffing -----------------------------------------------------------------------------------


def is_slp_file(file_path: str | Path) -> bool:
    """Return True when ``file_path`` is a SLEAP labels ``.slp`` (HDF5) file; never raises.

    Checked: whether the file is HDF5 with SLEAP's ``metadata`` group and instance tables.
    """
    import h5py

    try:
        path = Path(file_path)
        if not is_hdf5(path):
            return False
        with h5py.File(path, "r") as handle:
            metadata = handle.get("metadata")
            return (
                isinstance(metadata, h5py.Group)
                and ("format_id" in metadata.attrs or "json" in metadata.attrs)
                and isinstance(handle.get("frames"), h5py.Dataset)
                and isinstance(handle.get("instances"), h5py.Dataset)
            )
    except (OSError, ValueError, TypeError, KeyError, RuntimeError):  # a sniffer says yes or no
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
    except TypeError:  # not a path at all
        return False
    if suffix == ".slp":
        return is_slp_file(file_path)
    if suffix == ".h5":
        # SLEAP 1.0 saved labels in the .slp layout under .h5 names; the content tells them apart.
        return is_sleap_analysis_file(file_path) or is_slp_file(file_path)
    return False


# A major SLP format changes what the datasets mean: sleap-io (0.9) reads formats below 3, as poseconv.
_FORMAT_ID_LIMIT = 3.0


def slp_header(path: Path) -> dict[str, Any]:
    """Check the HDF5 container of a ``.slp`` before it is read; return format facts.

    Returns
    -------
    dict
        ``format_id`` (float or None), ``has_tracking_score`` (whether instances carry one) and
        ``other_annotations`` (sleap-io's non-pose annotations it holds) and ``negative_frames`` (how many
        frames a user marked as holding no animal), see :func:`~.slp_layout.warn_other_annotations`.
    """
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
            fields = table_fields(handle["instances"])
            format_id = metadata.attrs.get("format_id")
            format_id = float(format_id) if format_id is not None else None
            if format_id is not None and format_id >= _FORMAT_ID_LIMIT:
                raise InvalidSourceFileError(
                    f"{path}: SLP format {format_id:g} is newer than the formats poseconv reads (below "
                    f"{_FORMAT_ID_LIMIT:g}); its layout may mean other things. Save it in an older format with "
                    "the SLEAP or sleap-io that wrote it, or export it as a SLEAP analysis .h5."
                )
            return {
                "format_id": format_id,
                "has_tracking_score": "tracking_score" in fields,
                "other_annotations": other_annotations(handle),
                "negative_frames": negative_frames(handle),
            }
    except InvalidSourceFileError:
        raise
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as err:
        raise InvalidSourceFileError(
            f"{path}: cannot be opened as a SLEAP .slp file ({type(err).__name__}: {err})."
        ) from err


# -- names --------------------------------------------------------------------------------------


def text(value: Any) -> str:
    """Decode an HDF5 string (bytes, numpy bytes or str) to str."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def unique_names(names: Sequence[str], *, unnamed: Callable[[int], str] | None = None) -> list[str]:
    """Make names unique by suffixing repeats with ``_2``, ``_3``, ... (first one unchanged).

    Parameters
    ----------
    names : sequence of str
        The names, in order.
    unnamed : callable, optional
        Names an empty name from its position (``track_<i>``). A name the file gives is never
        taken by one made up: a track named ``track_0`` keeps its name when an unnamed track
        comes first.

    Returns
    -------
    list of str
        Distinct names, in the order of ``names``.
    """
    given = {name for name in names if name}
    taken: set[str] = set()
    unique = []
    for position, name in enumerate(names):
        if name or unnamed is None:
            unique.append(unique_name(name, taken))
        else:
            # A made-up name avoids every name the file gives, later ones too.
            made_up = unique_name(unnamed(position), taken | given)
            taken.add(made_up)
            unique.append(made_up)
    return unique


def track_name(position: int) -> str:
    """Return the name of a SLEAP track that has none: SLEAP's own default, ``track_<position>``."""
    return f"track_{position}"


def sleap_names(skeletons: Sequence[Any], tracks: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Return unique names for SLEAP skeletons (unnamed: "Skeleton") and tracks (unnamed: "track_<i>"), in order."""
    skeleton_names = unique_names([str(s.name) if s.name else "Skeleton" for s in skeletons])
    track_names = unique_names([str(t.name or "") for t in tracks], unnamed=track_name)
    return skeleton_names, track_names


# (video index, ("track", track index) or ("untracked", k), skeleton index): one track of the pose model.
SlotKey = tuple[int, tuple[str, int], int]


def slot_names(
    slots: Sequence[SlotKey], track_names: list[str], skeleton_names: list[str]
) -> dict[tuple[Any, ...], dict[str, str | None]]:
    """Name each (slot, skeleton): the track name, "untracked"/"untracked_<k>", + skeleton when a slot has several.

    Returns the :class:`~poseconv.model.PoseTrack` ``name`` and ``track_name`` of each: the file's
    track when the name is not it (a track under two skeletons), ``""`` for instances without a track.
    """
    by_order = any(slot[0] == "untracked" and slot[1] > 0 for _, slot, _ in slots)
    skeletons_per_slot: dict[tuple[str, int], set[int]] = {}
    for _, slot, s in slots:
        skeletons_per_slot.setdefault(slot, set()).add(s)
    names: dict[tuple[Any, ...], dict[str, str | None]] = {}
    taken = set(track_names)  # a name made here takes no track's name nor one made before it (unique_name)
    # Tracks first, in the file's order: the names made do not depend on the order instances came in.
    for slot, used in sorted(skeletons_per_slot.items(), key=lambda item: (item[0][0] != "track", item[0][1])):
        for s in sorted(used):
            track = track_names[slot[1]] if slot[0] == "track" else ""
            name = track or (f"{UNTRACKED_TRACK_NAME}_{slot[1]}" if by_order else UNTRACKED_TRACK_NAME)
            if len(used) > 1:
                name = f"{name}_{skeleton_names[s]}"
            while slot[0] == "untracked" and name in track_names:  # never a track's name: "untracked_instances"
                name = f"{name}_instances"
            if name != track:
                name = unique_name(name, taken)
            # Said whenever the name alone could mislead: a real track named like poseconv's untracked ones too.
            said = track != name or track.startswith(UNTRACKED_TRACK_NAME)
            names[slot, s] = {"name": name, "track_name": track if said else None}
    return names


def skeletons_of(skeletons: Sequence[Any], names: Sequence[str]) -> list[Skeleton]:
    """Return the pose model's skeletons (with symmetries) of sleap-io ``Skeleton`` objects, under the given names."""
    return [
        Skeleton(
            name=name,
            nodes=tuple(s.node_names),
            edges=tuple(tuple(e) for e in s.edge_inds),
            symmetries=tuple(tuple(pair) for pair in getattr(s, "symmetry_inds", ())),
        )
        for s, name in zip(skeletons, names, strict=True)
    ]


# -- options ------------------------------------------------------------------------------------


def check_untracked_option(untracked: str) -> None:
    """Refuse an ``untracked`` option other than ``"error"`` and ``"by_order"``."""
    if untracked not in ("error", "by_order"):
        raise InvalidOptionError(f"untracked must be 'error' or 'by_order', got {untracked!r}.")


#: A project after inference: tracked predictions, and the user's untracked training labels beside them.
LABELS_BESIDE_PREDICTIONS = (
    " They are all user instances, in frames that also hold tracked predictions: a project after inference, "
    "whose labels are training data. Convert the tracked predictions as the poses and the labels as "
    "PoseTraining with predicted_only=True, include_training_data=True (poseconv convert -O predicted_only=true "
    "--training; in a spec, source_data: {predicted_only: true, include_training_data: true})."
)


def too_many_untracked(
    path: Path, video_key: str, frames: list[int], *, labels_beside_predictions: bool = False
) -> InvalidSourceFileError:
    """Return the error for frames holding several animals without a track (``untracked="error"``).

    ``labels_beside_predictions``: the crowded instances are all user instances and the video has tracked
    predictions (:func:`~.slp_untracked.labels_beside_tracked_predictions`), so the predictions with the labels
    as training data is the conversion said first.
    """
    frames = sorted(frames)
    listed = ", ".join(str(f) for f in frames[:MAX_FRAMES_LISTED]) + (
        ", ..." if len(frames) > MAX_FRAMES_LISTED else ""
    )
    first = LABELS_BESIDE_PREDICTIONS + " Otherwise:" if labels_beside_predictions else ""
    return InvalidSourceFileError(
        f"{path}: {len(frames)} frame(s) of video '{video_key}' hold more than one instance without a "
        f"track (frames {listed}). SLEAP gave these animals no identity, so they cannot be split into "
        f"one PoseEstimation per animal.{first} Assign tracks in SLEAP (run tracking, or set tracks while "
        "proofreading) and convert again; or pass untracked='by_order' (poseconv convert --untracked "
        "by_order; in a spec, source_data: {untracked: by_order}) to write the k-th untracked instance "
        "of each frame to 'untracked_<k>' (then one container does NOT follow one animal). Human-labeled "
        "training frames belong in PoseTraining, not PoseEstimation: convert them as training data "
        "(SLEAPTrainingDataInterface; poseconv convert --source sleap-labels)."
    )


def select_videos(path: Path, n_videos: int, keys: list[str], video_indices: Sequence[int] | None) -> list[int]:
    """Check ``video_indices`` against the file's videos; return them without repeats (all when None)."""
    if video_indices is None:
        return list(range(n_videos))
    available = ", ".join(f"{i}: {key}" for i, key in enumerate(keys)) or "none"
    if len(video_indices) == 0:
        raise InvalidOptionError(f"{path}: video_indices is empty; choose at least one of (index: key) {available}.")
    selected = []
    for index in video_indices:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n_videos:
            raise InvalidOptionError(
                f"{path}: video_indices holds {index!r}, which is out of range; the file has {n_videos} video(s) "
                f"(index: key) {available}."
            )
        if int(index) not in selected:
            selected.append(int(index))
    return selected


def slot_order(slots: Sequence[SlotKey], selected: list[int]) -> list[SlotKey]:
    """Order a ``.slp``'s tracks in the pose model: tracks (in the file's order) before untracked, video, skeleton.

    Track-major, so that a track only a later video shows keeps its place among the file's tracks (the
    NWB file's track order, and a ``.slp`` exported from it, follow this order).
    """
    return sorted(slots, key=lambda k: (k[1][0] != "track", k[1][1], selected.index(k[0]), k[2]))


#: What a .slp whose poses are too sparse for a time series most likely is, and how to convert it.
SPARSE_LABELS_HINT = (
    " If it holds human labels on a few frames of a long video, convert them as training data "
    "(--source sleap-labels; SLEAPTrainingDataInterface in Python)."
)


def video_frames(path: Path, info: Any, last_frame: int) -> int:
    """Frames of a video's time base: to the last labeled frame, or the recorded video length when longer.

    The recorded length extends the time base, as SLEAP's analysis export does; it is checked
    against the labeled frames (a damaged length claims far more frames than the file holds).
    Poses past a recorded length are kept, with a warning (:func:`_warn_past_recorded_length`).
    """
    from ..safety.input_checks import check_frame_count

    n_frames = max(last_frame + 1, info.n_frames or 0)
    check_frame_count(path, n_frames, last_frame + 1, what=f"frames of video {info.key!r}", hint=SPARSE_LABELS_HINT)
    _warn_past_recorded_length(path, info, last_frame)
    return n_frames


def _warn_past_recorded_length(path: Path, info: Any, last_frame: int) -> None:
    """Warn when a video's poses reach frames past the length the ``.slp`` records for it.

    SLEAP records a video's shape when it opens the video, so such poses belong to frames the video
    did not have then: another (longer) video under that name, or a length misread. They are kept
    (the time base runs to the last of them), but their frames may not be the video's. Said only when
    the video is not here: a video found beside the file is measured when the poses are converted
    (:func:`poseconv.timing.check_video_length`), which refuses poses past its end, so a warning that
    they are kept would be contradicted.
    """
    recorded = info.n_frames or 0
    if recorded <= 0 or last_frame < recorded or info.path is not None:
        return
    import warnings

    from ...errors import PoseconvWarning

    warnings.warn(
        f"{path}: video {info.key!r} is recorded in the file as {recorded} frames long (frames 0 to {recorded - 1}), "
        f"but it has poses up to frame {last_frame}; those after frame {recorded - 1}, past its recorded end, are "
        "kept. Check that the file's video is the one the poses were made on (in SLEAP: File > Replace Videos).",
        PoseconvWarning,
        stacklevel=3,
    )
