"""The values a label file gives an instance beyond its points, kept in the sources table's row of its frame.

SLEAP's visibility flags and identities (:mod:`poseconv.nwb.write.training` writes them): a row holds
them for the frame's instances in order; they are given back only when the counts match.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ...model.training import LabeledInstance

__all__ = ["with_identities", "with_visibility_flags"]


def with_visibility_flags(instances: tuple[LabeledInstance, ...], flags: np.ndarray) -> tuple[LabeledInstance, ...]:
    """Return the instances with their runs of the row's visibility flags (unchanged when the counts differ)."""
    counts = [len(instance.points) for instance in instances]
    if sum(counts) != len(flags):
        return instances
    runs = np.split(flags, np.cumsum(counts)[:-1])
    return tuple(dataclasses.replace(i, visibility_flags=run) for i, run in zip(instances, runs, strict=True))


def with_identities(
    instances: tuple[LabeledInstance, ...], names: Sequence[str], scores: np.ndarray
) -> tuple[LabeledInstance, ...]:
    """Return the instances with the SLEAP identity and score of the row's (unchanged when the counts differ)."""
    if not len(names) == len(scores) == len(instances):
        return instances
    return tuple(
        dataclasses.replace(
            instance, identity=str(name) or None, identity_score=None if np.isnan(score) else float(score)
        )
        for instance, name, score in zip(instances, names, scores, strict=True)
    )
