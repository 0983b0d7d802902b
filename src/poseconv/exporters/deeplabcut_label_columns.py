"""The columns of a DeepLabCut ``CollectedData`` table: each individual's bodyparts, in the order of its label file.

:mod:`poseconv.exporters.deeplabcut_training` fills them; :mod:`poseconv.exporters.lightningpose_training` writes
the single-animal layout for Lightning Pose.
"""

from __future__ import annotations

from ..model.training import LabeledFrame, TrainingData
from .deeplabcut_rows import is_label_table

__all__ = ["label_columns"]

_UNIQUE_INDIVIDUAL = "single"
_UNIQUE_SKELETON = "SkeletonUniqueBodyparts"


def _individual_skeletons(training: TrainingData) -> dict[str | None, str]:
    """Skeleton per individual (None: the single animal), from the instances, else by DeepLabCut's convention."""
    skeletons: dict[str | None, str] = {}
    counts: dict[str, int] = {}
    for frame in training.frames:
        for instance in frame.instances:
            skeletons.setdefault(instance.individual, instance.skeleton)
            counts[instance.skeleton] = counts.get(instance.skeleton, 0) + 1
    animal = max((s for s in counts if s != _UNIQUE_SKELETON), key=counts.get, default=None)
    for individual in training.individuals:
        if individual not in skeletons:
            unique = individual == _UNIQUE_INDIVIDUAL and _UNIQUE_SKELETON in training.skeletons
            fallback = _UNIQUE_SKELETON if unique else animal or next(iter(training.skeletons), None)
            if fallback is not None:
                skeletons[individual] = fallback
    return skeletons


def _table_order(individuals: list[str], frames: list[LabeledFrame]) -> list[str]:
    """Return ``individuals`` in the order of the table's columns, as its frames list their instances.

    The ids number the individuals by the project's list; a label file whose columns are in another order
    (config.yaml edited after labeling, another labeler's file) keeps it in the order of each frame's
    instances, read from its columns. Individuals placed by no frame keep the list's order among the others.
    """
    rank = {name: k for k, name in enumerate(individuals)}
    after: dict[str, set[str]] = {name: set() for name in individuals}
    for frame in frames:
        if frame.label_file is None or not is_label_table(frame.label_file):
            continue  # a .slp lists a frame's instances in the order they were labeled, not by column
        named = [i.individual for i in frame.instances if i.individual in rank]
        for first, second in zip(named, named[1:], strict=False):
            after[second].add(first)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(individuals):
        ready = next((n for n in individuals if n not in done and after[n] <= done), None)
        if ready is None:  # frames that disagree on the order: the list's
            return list(individuals)
        order.append(ready)
        done.add(ready)
    return order


def label_columns(
    training: TrainingData, scorer: str, multi: bool, flagged: bool = False, frames: list[LabeledFrame] | None = None
) -> tuple[list[tuple[str, ...]], dict[str | None, int]]:
    """Return the table's column tuples, and the first column of each individual (None: the single animal).

    ``flagged`` adds Lightning Pose's ``visible`` column after each node's x and y; the individuals are in the
    order ``frames`` (the table's) give them (:func:`_table_order`).
    """
    skeleton_of = _individual_skeletons(training)
    slots: list[str | None] = [None]
    if multi:
        # Instances without an individual cannot be placed in a multi-animal table.
        slots = [*_table_order([s for s in training.individuals if s in skeleton_of], frames or [])]
    columns: list[tuple[str, ...]] = []
    offsets: dict[str | None, int] = {}
    for slot in slots:
        skeleton_name = skeleton_of.get(slot) or next(iter(training.skeletons))
        offsets[slot] = len(columns)
        for node in training.skeletons[skeleton_name].nodes:
            prefix = (scorer, slot, node) if multi else (scorer, node)
            columns.extend([(*prefix, coord) for coord in (("x", "y", "visible") if flagged else ("x", "y"))])
    return columns, offsets
