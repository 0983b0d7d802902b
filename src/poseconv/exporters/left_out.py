"""What an export leaves out: the values its format has no place for, named in one warning.

Every exporter of poses (or of training labels) writes positions and, where its format has a column for it,
confidence. The other values poseconv reads are kept by some formats only:

======================  =======  =====  ================  ==========
values                  dlc/lp   slp    sleap-analysis    movement
======================  =======  =====  ================  ==========
extra columns (EKS)     yes      --     --                yes
SLEAP instance scores   --       yes    yes               yes
SLEAP tracking scores   --       yes    yes               yes
user flags              --       yes    --                yes
replaced predictions    --       yes    --                yes
SLEAP identities        --       yes    --                yes
======================  =======  =====  ================  ==========

An exporter finds the values its poses hold that its format does not keep (:func:`pose_values`, which
looks only at the kinds it is asked about, so a streamed export reads no array it keeps) and calls
:func:`warn_left_out`: one :class:`~poseconv.errors.PoseconvWarning` naming the values, the tracks or
columns that have them, and the exports that keep them. Nothing is said when nothing is left out.

Training labels: ``--training --to dlc`` (DeepLabCut's CollectedData) has no place for SLEAP identities,
nor, without a ``visible`` column (Lightning Pose's flags), for nodes a labeler placed but marked not
visible; ``--training --to slp`` keeps both (:func:`label_values`).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from ..errors import PoseconvWarning
from ..model import PoseTrack
from ..model.training import LabeledFrame
from .sleap_tables import NO_TRACKING_SCORE

__all__ = [
    "EXTRA_COLUMNS",
    "IDENTITIES",
    "INSTANCE_SCORES",
    "LABEL_IDENTITIES",
    "NOT_VISIBLE",
    "POSE_EXPORTS",
    "REPLACED_PREDICTIONS",
    "TRACKING_SCORES",
    "TRAINING_EXPORTS",
    "USER_LABELED",
    "label_values",
    "pose_values",
    "warn_left_out",
]

# Kinds of values beside positions and confidence; each is said as ``_SAID[kind]`` with its names.
EXTRA_COLUMNS = "extra columns"
INSTANCE_SCORES = "instance scores"
TRACKING_SCORES = "tracking scores"
USER_LABELED = "user flags"
REPLACED_PREDICTIONS = "replaced predictions"
IDENTITIES = "identities"
LABEL_IDENTITIES = "label identities"
NOT_VISIBLE = "not-visible marks"

_SAID = {
    EXTRA_COLUMNS: "the extra columns {}",
    INSTANCE_SCORES: "SLEAP's instance scores (instance_score; tracks {})",
    TRACKING_SCORES: "SLEAP's tracking scores (tracking_score; tracks {})",
    USER_LABELED: "which poses a user placed (user_labeled; tracks {})",
    REPLACED_PREDICTIONS: "the predictions user instances replaced (tracks {})",
    IDENTITIES: "the instances' identities (SLEAP Identity; tracks {})",
    LABEL_IDENTITIES: "the instances' identities and their scores (SLEAP Identity; individuals {})",
    NOT_VISIBLE: "which labeled nodes were marked not visible (coordinates written as visible; individuals {})",
}

_POSE_KINDS = (EXTRA_COLUMNS, INSTANCE_SCORES, TRACKING_SCORES, USER_LABELED, REPLACED_PREDICTIONS, IDENTITIES)
#: What each export of poses keeps, by its ``--to`` name (``lp`` writes DeepLabCut's layout, as ``dlc``).
POSE_EXPORTS: dict[str, frozenset[str]] = {
    "movement": frozenset(_POSE_KINDS),
    "slp": frozenset({INSTANCE_SCORES, TRACKING_SCORES, USER_LABELED, REPLACED_PREDICTIONS, IDENTITIES}),
    "sleap-analysis": frozenset({INSTANCE_SCORES, TRACKING_SCORES}),
    "dlc": frozenset({EXTRA_COLUMNS}),
}
#: What each export of training labels (``--training --to``) keeps.
TRAINING_EXPORTS: dict[str, frozenset[str]] = {
    "slp": frozenset({LABEL_IDENTITIES, NOT_VISIBLE}),
    "dlc": frozenset(),
}
# Kinds said in a list of what another export keeps, where their constant is not the word.
_SHORT = {LABEL_IDENTITIES: "identities"}
# How the exports are named in the message.
_FLAG = {"dlc": "--to dlc or --to lp"}


def _has(track: PoseTrack, kind: str) -> bool:
    """Whether ``track`` holds values of ``kind`` (not :data:`EXTRA_COLUMNS`, which are named by column)."""
    if kind == REPLACED_PREDICTIONS:
        return track.replaced_predictions is not None
    attribute = {
        INSTANCE_SCORES: "instance_scores",
        TRACKING_SCORES: "tracking_scores",
        USER_LABELED: "user_labeled",
        IDENTITIES: "identities",
    }[kind]
    values = getattr(track, attribute)
    if values is None:
        return False
    values = np.asarray(values)
    if kind == IDENTITIES:
        return bool(np.any(values >= 0))  # -1: no identity
    if kind == USER_LABELED:
        return bool(np.any(values.astype(bool)))
    values = values.astype("float64")
    if kind == TRACKING_SCORES:
        # SLEAP's 0.0 is the tracking score of an instance that has none (untracked): nothing is lost.
        values = np.where(values == NO_TRACKING_SCORE, np.nan, values)
    return bool(np.isfinite(values).any())


def pose_values(
    tracks: Sequence[PoseTrack], skip: Collection[str] = (), given: Mapping[str, list[str]] | None = None
) -> dict[str, list[str]]:
    """Return the kinds of values ``tracks`` hold beside positions and confidence, each with what has them.

    Parameters
    ----------
    tracks : sequence of PoseTrack
        The tracks exported.
    skip : collection of str
        Kinds not looked for (those the format keeps: their arrays are not read).
    given : mapping of str to list of str, optional
        Kinds already found by the exporter (the tracks with user instances, found while writing).

    Returns
    -------
    dict of str to list of str
        Kind -> the extra column labels (:data:`EXTRA_COLUMNS`) or the names of the tracks that have it.
    """
    given = dict(given or {})
    found: dict[str, list[str]] = {}
    for kind in _POSE_KINDS:
        if kind in skip:
            continue
        if kind in given:
            names = given[kind]
        elif kind == EXTRA_COLUMNS:
            names = list(dict.fromkeys(c for t in tracks for group in t.extra_coords for c in group.columns))
        else:
            names = list(dict.fromkeys(t.name for t in tracks if _has(t, kind)))
        if names:
            found[kind] = names
    return found


def label_values(frames: Iterable[LabeledFrame]) -> dict[str, list[str]]:
    """Return the kinds of values of labeled ``frames`` beside their points, each with the individuals that have it.

    :data:`LABEL_IDENTITIES`: instances with an identity. :data:`NOT_VISIBLE`: nodes with coordinates that
    were marked not visible, in frames of a label file (else a video) none of whose instances has
    visibility flags (Lightning Pose's ``visible`` column, which the table then has and which keeps them).
    """
    frames = list(frames)
    flagged = {f.label_file or f.video for f in frames if any(i.visibility_flags is not None for i in f.instances)}
    found: dict[str, dict[str, None]] = {LABEL_IDENTITIES: {}, NOT_VISIBLE: {}}
    for frame in frames:
        for instance in frame.instances:
            name = instance.individual or "untracked"
            if instance.identity is not None:
                found[LABEL_IDENTITIES][name] = None
            placed = ~np.isnan(np.asarray(instance.points, "float64")).any(axis=1)
            hidden = np.any(placed & ~np.asarray(instance.visible, bool))
            if hidden and (frame.label_file or frame.video) not in flagged:
                found[NOT_VISIBLE][name] = None
    return {kind: list(names) for kind, names in found.items() if names}


def _kinds(kinds: list[str]) -> str:
    words = [_SHORT.get(kind, kind) for kind in kinds]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def warn_left_out(
    source: str,
    target: str,
    found: Mapping[str, list[str]],
    *,
    to: str,
    path: str | Path | None = None,
    training: bool = False,
    stacklevel: int = 2,
) -> None:
    """Warn, naming the values ``found`` that export ``to`` has no place for; nothing when there are none.

    Parameters
    ----------
    source : str
        The poses' or labels' ``source_name``.
    target : str
        The format's files, for the message (``"a SLEAP analysis file"``).
    found : mapping of str to list of str
        What the poses hold (:func:`pose_values`, :func:`label_values`).
    to : str
        The export (a key of :data:`POSE_EXPORTS`, or of :data:`TRAINING_EXPORTS` with ``training``).
    path : str or pathlib.Path, optional
        The file written; None for an object returned (a DataFrame, sleap-io ``Labels``).
    training : bool, default: False
        The values are training labels'.
    stacklevel : int, default: 2
        As for :func:`warnings.warn`, from the exporter's point of view (2: its caller).
    """
    exports = TRAINING_EXPORTS if training else POSE_EXPORTS
    left = [kind for kind in found if kind not in exports[to]]
    if not left:
        return
    said = "; ".join(_SAID[kind].format(", ".join(found[kind])) for kind in left)
    prefix = "--training --to" if training else "--to"
    elsewhere = []
    for other, keeps in exports.items():
        kept = [kind for kind in left if kind in keeps]
        if other in (to, "movement") or not kept:
            continue
        flag = _FLAG.get(other, f"{prefix} {other}")
        verb = "keep" if " or " in flag else "keeps"
        elsewhere.append(f"{flag} {verb} the {_kinds(kept)}")
    written = f"{path} is written without them" if path is not None else "they are left out"
    if training:
        advice = f"Export {'; '.join(elsewhere)}." if elsewhere else ""
    else:
        advice = "Export --to movement to keep every value" + (f" ({'; '.join(elsewhere)})." if elsewhere else ".")
    warnings.warn(
        f"{source}: {target} has no place for {said}; {written}. {advice}".rstrip(),
        PoseconvWarning,
        stacklevel=stacklevel + 1,
    )
