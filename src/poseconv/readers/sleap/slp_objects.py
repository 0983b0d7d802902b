"""The ``.slp`` variants only sleap-io's objects read exactly: repeats, sessions, odd tables.

:func:`poseconv.readers.sleap.read_sleap` reads a ``.slp`` from its tables as
arrays (:mod:`.slp_index`, :mod:`.slp_points`). The index it builds first says,
from the file's content, when the file holds something the array path does
not reproduce (see :class:`~.slp_index.SleapIoNeeded`); such a file is read
here from sleap-io's ``Labels``, instance by instance. Recording sessions are
read here too (:mod:`.session` needs the ``Labels``). The rules are the same:

* Per frame and track, a user instance wins over the predicted one, as in
  SLEAP's own analysis export, and the prediction is kept as the track's
  ``replaced_predictions``; ``predicted_only=True`` keeps predictions only.
  Two instances of one kind, track and skeleton in a frame: the last one is kept, with a warning.
* Instances without a track go to one track named ``"untracked"`` when no frame
  holds more than one untracked animal. A user instance counts as the same
  animal as the prediction it was made from (``from_predicted``), and in a video
  with at most one user and one predicted untracked instance per frame (a
  single-animal project) they are the same animal. Anything else has no identity
  to split by and is an error, unless ``untracked="by_order"``. The array path
  applies the same rules to the tables (:mod:`.slp_untracked`).
* A frame listed in two ``LabeledFrame`` entries (sleap-io's ``Labels.append`` and ``extend``
  save them so, for example the user instance in one entry and the predictions in another) is
  one frame: its entries are merged first, as SLEAP's ``LabeledFrame.merge_frames`` does
  (:func:`merged_frames`), so the rules above apply across them.
"""

from __future__ import annotations

import contextlib
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import PoseTrack, VideoInfo
from ..safety.input_checks import check_frame_count
from .common import (
    SLP_CONFIDENCE_DEFINITION,
    SPARSE_LABELS_HINT,
    UntrackedPolicy,
    slot_names,
    slot_order,
    slp_header,
    too_many_untracked,
    video_frames,
)
from .slp_instance_links import identity_list, swap_fixes
from .slp_layout import LEGACY_USER_SHIFT
from .slp_untracked import labels_beside_tracked_predictions, link_warnings, links_across_tracking

__all__ = ["LEGACY_SHIFT_NOTE", "load_labels", "merged_frames", "object_tracks"]


def _is_prediction(instance: Any) -> bool:
    from sleap_io import PredictedInstance

    return isinstance(instance, PredictedInstance)


def _untracked_for_frame(
    instances: list[Any], *, predicted_only: bool, single_animal: bool
) -> tuple[list[Any], dict[int, Any]]:
    """Return the untracked animals of one frame (user instances first, then unmatched predictions).

    Also the predictions the user instances replaced, by the position of the user instance.
    """
    predicted = [inst for inst in instances if _is_prediction(inst)]
    if predicted_only:
        return predicted, {}
    user = [inst for inst in instances if not _is_prediction(inst)]
    if single_animal and user:
        # One animal: the user instance replaced the frame's prediction (at most one, see _is_single_animal).
        return user, ({0: predicted[-1]} if predicted else {})
    by_id = {id(inst): inst for inst in predicted}
    replaced = {
        k: by_id[id(inst.from_predicted)]
        for k, inst in enumerate(user)
        if getattr(inst, "from_predicted", None) is not None and id(inst.from_predicted) in by_id
    }
    corrected = {id(inst) for inst in replaced.values()}
    return user + [inst for inst in predicted if id(inst) not in corrected], replaced


def _is_single_animal(frames: list[tuple[int, list[Any]]]) -> bool:
    """Whether no frame holds more than one user and one predicted untracked instance."""
    for _, instances in frames:
        loose = [inst for inst in instances if inst.track is None]
        n_predicted = sum(_is_prediction(inst) for inst in loose)
        if n_predicted > 1 or len(loose) - n_predicted > 1:
            return False
    return True


def _same_instance(a: Any, b: Any) -> bool:
    """Whether two instances of one frame are the same, by SLEAP's ``Instance.matches``.

    The same type (user or predicted), skeleton and track (sleap-io makes one object per entry of the
    file's lists; SLEAP compares them by value), and the same points: SLEAP compares the points that
    have coordinates (``x``, ``y``, ``visible``, ``complete`` and a prediction's ``score``), so a NaN
    score never matches.
    """
    if type(a) is not type(b) or a.skeleton is not b.skeleton or a.track is not b.track:
        return False
    points_a, points_b = a.points, b.points
    set_a = ~np.isnan(points_a["xy"]).any(axis=1)
    if not np.array_equal(set_a, ~np.isnan(points_b["xy"]).any(axis=1)):
        return False
    fields = ["xy", "visible", "complete"] + (["score"] if "score" in (points_a.dtype.names or ()) else [])
    return all(np.array_equal(points_a[name][set_a], points_b[name][set_a]) for name in fields)


def merged_frames(lfs: list[Any]) -> list[tuple[int, list[Any]]]:
    """Return each frame index of one video's labeled frames once, with the instances of every entry listing it.

    As SLEAP's ``LabeledFrame.merge_frames`` (``Labels.merge_matching_frames``): the instances of a later
    entry follow those of the first entry of the frame, in file order, except an instance that
    :func:`_same_instance` finds already there (a repeat, dropped). A user instance and the prediction
    it replaced are then in one frame, whichever entry came first, and ``from_predicted`` links
    (instance ids of the whole file) hold across entries.
    """
    merged: dict[int, list[Any]] = {}
    for lf in lfs:
        frame = int(lf.frame_idx)
        if frame not in merged:
            merged[frame] = list(lf.instances)
            continue
        instances = merged[frame]
        for inst in lf.instances:
            if not any(_same_instance(inst, kept) for kept in instances):
                instances.append(inst)
    return list(merged.items())


def _tracked_for_frame(
    instances: list[Any], track_index: dict[int, int], *, predicted_only: bool
) -> tuple[dict[tuple[int, int], Any], set[tuple[int, int]], dict[tuple[int, int], Any]]:
    """Return the instance of each track in a frame (a user instance wins), tracks seen twice, replaced predictions.

    Keyed by (track, skeleton): a track's instances of two skeletons go to two containers.
    """
    chosen: dict[tuple[int, int], Any] = {}
    prediction: dict[tuple[int, int], Any] = {}
    seen_predicted: set[tuple[int, int]] = set()
    seen_user: set[tuple[int, int]] = set()
    repeated: set[tuple[int, int]] = set()
    for inst in instances:
        track = track_index.get(id(inst.track)) if inst.track is not None else None
        if track is None:
            continue
        t = (track, id(inst.skeleton))
        is_predicted = _is_prediction(inst)
        if predicted_only and not is_predicted:
            continue
        seen = seen_predicted if is_predicted else seen_user
        if t in seen:
            repeated.add(t)
        seen.add(t)
        # User instances win; among equals the last one, as SLEAP's export keeps.
        if not (is_predicted and t in seen_user):
            chosen[t] = inst
        if is_predicted:
            prediction[t] = inst
    return chosen, repeated, {t: inst for t, inst in prediction.items() if t in seen_user}


# (video index, ("track", track index) or ("untracked", k), skeleton index) -> [(frame, instance)]
_Rows = dict[tuple[int, tuple[str, int], int], list[tuple[int, Any]]]


def _add_rows(rows: _Rows, v: int, frame: int, slot: tuple[str, int], instance: Any, skeleton_index: dict) -> None:
    rows.setdefault((v, slot, skeleton_index[id(instance.skeleton)]), []).append((frame, instance))


def _collect_rows(
    path: Path,
    labels: Any,
    selected: list[int],
    keys: list[str],
    track_names: list[str],
    *,
    predicted_only: bool,
    untracked: UntrackedPolicy,
) -> tuple[_Rows, _Rows, dict[int, int]]:
    """Choose the instance of every track, video and frame.

    Returns them, the predictions user instances replaced, and each video's last frame.
    """
    skeleton_index = {id(s): i for i, s in enumerate(labels.skeletons)}
    track_index = {id(t): i for i, t in enumerate(labels.tracks)}
    video_index = {id(v): i for i, v in enumerate(labels.videos)}
    frames_by_video: dict[int, list[Any]] = {i: [] for i in selected}
    for lf in labels.labeled_frames:
        i = video_index.get(id(lf.video))
        if i in frames_by_video:
            frames_by_video[i].append(lf)
    rows: _Rows = {}
    replaced_rows: _Rows = {}
    last_frame: dict[int, int] = {}
    repeated: dict[tuple[int, int], list[int]] = {}
    swapped: dict[tuple[int, int, int], list[int]] = {}
    for v in selected:
        frames = merged_frames(frames_by_video[v])
        if frames:
            first = min(frame for frame, _ in frames)
            if first < 0:
                raise InvalidSourceFileError(
                    f"{path}: a labeled frame of video {keys[v]!r} has the negative frame index {first}; "
                    "the file is damaged. Re-save it with SLEAP."
                )
            last_frame[v] = max(frame for frame, _ in frames)
            where = f"labeled frames of video {keys[v]!r}"
            check_frame_count(path, last_frame[v] + 1, len(frames), what=where, hint=SPARSE_LABELS_HINT)
        single_animal = _is_single_animal(frames)
        crowded: list[int] = []
        predicted: dict[tuple[int, int, int], bool] = {}  # (video, track or untracked slot, 0): any prediction
        for frame, instances in frames:
            taken, crossed = ({}, []) if predicted_only else links_across_tracking(instances, track_index)
            # User track -1: an untracked user instance made from the track's prediction.
            for pair in [] if predicted_only else [*swap_fixes(instances, track_index), *((-1, t) for t in crossed)]:
                swapped.setdefault((v, *pair), []).append(frame)
            chosen, twice, replaced = _tracked_for_frame(instances, track_index, predicted_only=predicted_only)
            for source in (inst for inst in instances if id(inst) in taken):
                # Its track's own prediction, when there is one, stays the one replaced (the pair SLEAP exports).
                replaced.setdefault((track_index[id(taken[id(source)].track)], id(source.skeleton)), source)
            for t, _ in twice:
                repeated.setdefault((v, t), []).append(frame)
            for (t, _), inst in chosen.items():
                _add_rows(rows, v, frame, ("track", t), inst, skeleton_index)
            for (t, _), inst in replaced.items():
                _add_rows(replaced_rows, v, frame, ("track", t), inst, skeleton_index)
            loose, loose_replaced = _untracked_for_frame(
                [inst for inst in instances if inst.track is None and id(inst) not in taken],
                predicted_only=predicted_only,
                single_animal=single_animal,
            )
            if len(loose) > 1:
                crowded.append(frame)
            for key, insts in ((0, chosen.values()), (1, loose)):
                predicted[v, key, 0] = predicted.get((v, key, 0), False) or any(_is_prediction(i) for i in insts)
            for k, inst in enumerate(loose):
                _add_rows(rows, v, frame, ("untracked", k), inst, skeleton_index)
            for k, inst in loose_replaced.items():
                _add_rows(replaced_rows, v, frame, ("untracked", k), inst, skeleton_index)
        if crowded and untracked == "error":
            labels = labels_beside_tracked_predictions(predicted, v, 1)
            raise too_many_untracked(path, keys[v], crowded, labels_beside_predictions=labels)
    from ...interfaces.mixin import user_stacklevel

    for message in link_warnings(path, keys, track_names, repeated, swapped):
        warnings.warn(message, stacklevel=user_stacklevel(here=True))
    return rows, replaced_rows, last_frame


def _fill_track(
    rows: list[tuple[int, Any]], n_frames: int, n_nodes: int, *, has_tracking_score: bool, identities: dict[int, int]
) -> dict[str, Any]:
    """Dense arrays of one track from its chosen instances (NaN where absent).

    ``identities`` gives the index of each ``Identity`` (by ``id``) in the file's list of them (:func:`identity_list`).
    """
    positions = np.full((n_frames, n_nodes, 2), np.nan)
    confidence = np.full((n_frames, n_nodes), np.nan)
    instance_scores = np.full(n_frames, np.nan)
    tracking_scores = np.full(n_frames, np.nan)
    user_labeled = np.zeros(n_frames, dtype=bool)
    identity = np.full(n_frames, -1, dtype="int32")
    identity_scores = np.full(n_frames, np.nan)
    any_predicted = False
    for frame, inst in rows:
        positions[frame] = inst.numpy()
        tracking_score = getattr(inst, "tracking_score", None)
        if tracking_score is not None:
            tracking_scores[frame] = tracking_score
        if getattr(inst, "identity", None) is not None:
            identity[frame] = identities[id(inst.identity)]
        if getattr(inst, "identity_score", None) is not None:
            identity_scores[frame] = inst.identity_score
        if _is_prediction(inst):
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
        # sleap-io's re-identification (SLP 2.5): kept where any instance of the track has an identity or its score.
        **(
            {"identities": identity, "identity_scores": identity_scores}
            if (identity >= 0).any() or not np.isnan(identity_scores).all()
            else {}
        ),
    }


#: Why only user points of files before format 1.1 are shifted by -0.5 px (both reading paths follow it).
LEGACY_SHIFT_NOTE = (
    "SLEAP's reader (sleap/io/format/hdf5.py LabelsV1Adaptor.read) shifts the *non-predicted* points of files "
    "before format 1.1, saved with a gridline coordinate system; sleap-io shifts predicted points too. SLEAP's re-save "
    "of its format-1.0 tests/data/hdf5_format_v1/centered_pair_predictions.h5 as centered_pair_predictions.slp "
    "(format 1.2) holds the same pred_points, so SLEAP's reading is the one followed."
)


def load_labels(path: Path) -> Any:
    """Return sleap-io's ``Labels`` of a SLEAP file (videos not opened); a file it cannot read is refused.

    A file before format 1.1 (SLEAP 1.0 wrote no ``format_id``, which sleap-io needs) is read through a
    stand-in that gives sleap-io a format it reads without shifting any point (:func:`_legacy_stand_in`);
    its user points are then shifted as SLEAP shifts them, once (:data:`LEGACY_SHIFT_NOTE`).
    """
    import sleap_io

    header = slp_header(path)
    legacy = (header["format_id"] or 1.0) < 1.1
    with _legacy_stand_in(path, header) if legacy else contextlib.nullcontext(path) as readable:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                labels = sleap_io.load_slp(str(readable), open_videos=False)
        except Exception as err:
            reason = str(err).replace(str(readable), str(path))
            raise InvalidSourceFileError(
                f"{path}: sleap-io cannot read this SLEAP file ({type(err).__name__}: {reason}); it may be "
                "corrupt or written by a newer SLEAP than sleap-io supports."
            ) from err
        if readable != path:
            _name_the_file(labels, readable, path)
    if legacy:
        user = {id(i): i for frame in labels.labeled_frames for i in frame.user_instances}
        for instance in user.values():
            instance.points["xy"] -= LEGACY_USER_SHIFT  # as slp_points does for the array path
    return labels


# The SLP format given to sleap-io for a file before 1.1: one it reads without shifting points, and whose
# instance columns are the file's (tracking_score came with 1.2; sleap-io reads that column from 1.2 on).
_UNSHIFTED_FORMAT = 1.1
_UNSHIFTED_FORMAT_WITH_TRACKING_SCORE = 1.2


@contextlib.contextmanager
def _legacy_stand_in(path: Path, header: dict[str, Any]) -> Iterator[Path]:
    """Yield a stand-in of a ``.slp`` before format 1.1 for sleap-io, removed afterwards.

    sleap-io refuses a file without ``format_id`` (SLEAP 1.0 wrote none; SLEAP's own reader takes it as
    1.0), and shifts every point of a format-1.0 file where SLEAP shifts user points only. The stand-in
    is a small HDF5 file in a temporary folder (the user's folder may be read-only) whose members are
    external links to the file's own (nothing large is copied) and whose ``metadata`` is a copy with
    the format set to 1.1 (1.2 when the instances carry tracking scores).
    """
    import h5py

    format_id = _UNSHIFTED_FORMAT_WITH_TRACKING_SCORE if header["has_tracking_score"] else _UNSHIFTED_FORMAT
    with tempfile.TemporaryDirectory(prefix="poseconv-slp-") as folder:
        stand_in = Path(folder) / path.name
        try:
            with h5py.File(path, "r") as original, h5py.File(stand_in, "w") as copy:
                copy.attrs.update(original.attrs)
                for name in original:
                    if name != "metadata":
                        copy[name] = h5py.ExternalLink(str(path.resolve()), f"/{name}")
                original.copy(original["metadata"], copy, name="metadata")
                copy["metadata"].attrs["format_id"] = format_id
        except OSError as err:
            raise InvalidSourceFileError(
                f"{path}: a SLEAP file before format 1.1 is read through a small stand-in file, which could not "
                f"be written in the temporary folder {folder} ({err}). Free space there (or set TMPDIR to "
                "another folder) and try again."
            ) from err
        yield stand_in


def _name_the_file(labels: Any, stand_in: Path, path: Path) -> None:
    """Give back the user's file name where sleap-io recorded the stand-in's (embedded videos, provenance)."""
    stack, seen = list(labels.videos), set()
    while stack:
        video = stack.pop()
        if video is None or id(video) in seen:
            continue
        seen.add(id(video))
        if isinstance(video.filename, str) and Path(video.filename) == stand_in:
            video.filename = Path(path).as_posix()
        stack.append(getattr(video, "source_video", None))
    provenance = labels.provenance
    if isinstance(provenance, dict) and Path(str(provenance.get("filename", ""))) == stand_in:
        provenance["filename"] = str(path)


def tracks_from_identities(labels: Any) -> list[str]:
    """Give each instance without a track the track of its identity; return the names of the tracks added.

    sleap-io's re-identification (SLP format 2.5) names the animal of an instance with an ``Identity``
    instead of a ``Track``: that is the animal, so an untracked instance with an identity joins the track
    of that name (a track of the file named so, else a new one). Instances with a track keep it: an
    identity naming a track its frame already holds an instance of (same kind and skeleton) leaves its
    instance untracked, with a warning. Only the in-memory ``labels`` change.
    """
    import sleap_io

    tracks = {track.name: track for track in labels.tracks}
    held = {_place(lf, i, i.track) for lf in labels.labeled_frames for i in lf.instances if i.track is not None}
    untracked: dict[int, tuple[Any, str]] = {}  # instance id -> (instance, its identity's track name)
    clashes: dict[str, dict[tuple[int, int], int]] = {}  # track name -> {(video, frame): frame} left untracked
    for lf in labels.labeled_frames:
        for instance in lf.instances:
            name = _identity_name(instance) if instance.track is None else None
            if name and _place(lf, instance, tracks.get(name)) in held:
                clashes.setdefault(name, {})[id(lf.video), int(lf.frame_idx)] = int(lf.frame_idx)
            elif name:
                untracked[id(instance)] = (instance, name)
    if clashes:
        said = "; ".join(f"track {n!r} in {len(f)} frame(s) (first {min(f.values())})" for n, f in clashes.items())
        warnings.warn(
            f"{(labels.provenance or {}).get('filename', 'SLEAP file')}: an instance without a track has an identity "
            f"(re-identification) naming a track its frame already has an instance of, of its kind and skeleton: "
            f"{said}. The instance of the track keeps it; the one named by its identity stays untracked, read as "
            "untracked instances are. Check these frames' identities in SLEAP.",
            PoseconvWarning,
            stacklevel=2,
        )
    catalog = [str(identity.name) for identity in getattr(labels, "identities", None) or []]
    used = dict.fromkeys(name for _, name in untracked.values())
    # New tracks follow the file's identity list (then first use), as tracks follow the track list.
    added = [name for name in dict.fromkeys([*catalog, *used]) if name in used and name not in tracks]
    for name in added:
        tracks[name] = sleap_io.Track(name)
        labels.tracks.append(tracks[name])
    for instance, name in untracked.values():
        instance.track = tracks[name]
    return added


def _place(lf: Any, instance: Any, track: Any) -> tuple[int, int, int, bool, int]:
    """Where an instance of ``track`` is: video, frame, track, kind (predicted or user) and skeleton."""
    return id(lf.video), int(lf.frame_idx), id(track), _is_prediction(instance), id(instance.skeleton)


def _identity_name(instance: Any) -> str | None:
    """Return the name of an instance's identity: its own, else (a user's correction) its prediction's."""
    for source in (instance, getattr(instance, "from_predicted", None)):
        name = getattr(getattr(source, "identity", None), "name", None)
        if name:
            return str(name)
    return None


def object_tracks(
    path: Path,
    labels: Any,
    infos: list[VideoInfo],
    selected: list[int],
    names: tuple[list[str], list[str]],
    *,
    has_tracking_score: bool,
    predicted_only: bool,
    untracked: UntrackedPolicy,
) -> tuple[list[PoseTrack], set[int]]:
    """Return the tracks of the selected videos of sleap-io's ``labels``, and the indices of the SLEAP tracks used.

    Parameters
    ----------
    names : tuple of list of str
        Skeleton and track names (:func:`~.common.sleap_names`).
    """
    skeleton_names, track_names = names
    keys = [info.key for info in infos]
    rows, replaced_rows, last_frame = _collect_rows(
        path, labels, selected, keys, track_names, predicted_only=predicted_only, untracked=untracked
    )
    slot_name = slot_names(list(rows), track_names, skeleton_names)
    ordered = slot_order(list(rows), selected)
    # Once per video: its frame count is checked (and a length it passes warned about) once, not per track.
    n_frames = {v: video_frames(path, infos[v], last_frame[v]) for v in selected if any(o[0] == v for o in ordered)}
    catalog = identity_list(labels)
    fill = {"has_tracking_score": has_tracking_score, "identities": {id(ident): i for i, ident in enumerate(catalog)}}
    identity_names = tuple(str(identity.name) for identity in catalog)
    tracks: list[PoseTrack] = []
    for v, slot, s in ordered:
        shape = (n_frames[v], len(labels.skeletons[s].nodes))
        names_of = {**slot_name[slot, s], "skeleton": skeleton_names[s], "video": infos[v].key}
        arrays = _fill_track(rows[v, slot, s], *shape, **fill)
        if (v, slot, s) in replaced_rows:
            replaced = _fill_track(replaced_rows[v, slot, s], *shape, **fill)
            replaced_names = identity_names if "identities" in replaced else ()
            arrays["replaced_predictions"] = PoseTrack(
                **names_of, **{**replaced, "user_labeled": None}, identity_names=replaced_names
            )
        tracks.append(PoseTrack(**names_of, **arrays, identity_names=identity_names if "identities" in arrays else ()))
    return tracks, {slot[1] for _, slot, _ in rows if slot[0] == "track"}
