"""Slots of a sleap-io analysis export named ``track_0`` ... ``track_<n-1>``: tracks, or untracked instances.

sleap-io's ``save_analysis_h5`` names the slots of labels without tracks ``track_0`` ... ``track_<n-1>``
(``to_analysis_arrays``: slot ``i`` holds the ``i``-th untracked instance of each frame), names SLEAP's tracker
also gives its tracks. The labels file the export was made from tells them apart when it is found; without it,
the slots are read as tracks with a warning, or as untracked instances when the user said so
(``untracked="by_order"``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import PoseconvWarning

__all__ = ["untracked_slots_of_sleap_io"]


def _labels_track_count(labels: Path) -> int | None:
    """Return the number of tracks of the SLEAP labels file ``labels``; None when it is not one or cannot be read."""
    import h5py

    from .common import is_slp_file

    if not is_slp_file(labels):
        return None
    try:
        with h5py.File(labels, "r") as handle:
            tracks = handle.get("tracks_json")
            return len(tracks) if isinstance(tracks, h5py.Dataset) else 0
    except (OSError, KeyError, ValueError, TypeError):
        return None


def _warn_slots_may_be_untracked(path: Path, n_slots: int, labels_files: Sequence[Path]) -> None:
    """Say that the slots read as tracks may be sleap-io's for untracked instances, and how to tell poseconv."""
    from ...interfaces.mixin import user_stacklevel

    where = f" (looked for {', '.join(sorted({str(p) for p in labels_files}))})" if labels_files else ""
    warnings.warn(
        f"{path}: its {n_slots} slots, named track_0 ... track_{n_slots - 1}, are converted as {n_slots} animals, "
        "one PoseEstimation container each; but sleap-io's save_analysis_h5 names so the slots of labels without "
        "tracks (slot i holding the i-th instance of each frame, whichever animal it is), and the labels file it "
        f"was made from, which would tell, was not found{where}. If the animals had no tracks in SLEAP, a container "
        "does NOT follow one animal: put the .slp beside this file (same name as it had) and convert again, which "
        "refuses frames holding several untracked animals as for the .slp; or pass untracked='by_order' (poseconv "
        "convert --untracked by_order; in a spec, source_data: {untracked: by_order}) to name the slots "
        "'untracked_<k>', said to follow no animal; or assign tracks in SLEAP and export again.",
        PoseconvWarning,
        stacklevel=user_stacklevel(here=True),
    )


def untracked_slots_of_sleap_io(
    path: Path, track_names: Sequence[str], notes: dict[str, Any], labels_files: Sequence[Path]
) -> str | None:
    """Return why the slots of ``path`` are untracked instances sleap-io named; None when they are read as tracks.

    ``notes``: the file's (``exported_by_sleap_io``, the ``untracked`` option); ``labels_files``: where the
    labels file it was made from may be. Slots named otherwise, or by another writer, are tracks. A labels file
    found decides (no track: untracked); none found, ``untracked="by_order"`` reads them as untracked, else
    they are tracks with a warning (:func:`_warn_slots_may_be_untracked`) when there are several.
    """
    names = list(track_names)
    if not notes["exported_by_sleap_io"] or not names or names != [f"track_{i}" for i in range(len(names))]:
        return None
    for labels in labels_files:
        if (count := _labels_track_count(labels)) is not None:
            return (
                f"{labels.name} has no tracks: sleap-io named the untracked instances' slots track_<i>"
                if not count
                else None
            )
    if notes["untracked"] == "by_order":
        return (
            "untracked='by_order' was given and no labels file was found: sleap-io's slot names track_<i> are "
            "read as those of labels without tracks"
        )
    if len(names) > 1:
        # One slot is one animal either way (no frame holds two); only its name would differ.
        _warn_slots_may_be_untracked(path, len(names), labels_files)
    return None
