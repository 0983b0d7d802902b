"""Keep a skeleton's symmetries (SLEAP's mirror-image node pairs), which ndx-pose's ``Skeleton`` has no field for.

A SLEAP skeleton names pairs of nodes that are mirror images of each other (left and right
wing); SLEAP's flip augmentation swaps them when it trains. ndx-pose's ``Skeleton`` holds nodes
and edges only, so poseconv keeps the pairs in a small ``DynamicTable`` in the processing module,
:data:`~poseconv.nwb.layout.SKELETON_SYMMETRIES_TABLE`: one row per pair, with the name of the
``Skeleton`` (in ``Skeletons``) and the names of its two nodes
(:data:`~poseconv.nwb.layout.SKELETON_SYMMETRIES_COLUMNS`). Any NWB reader reads it, and
:mod:`poseconv.nwb.read.skeletons` gives the pairs back to the skeleton. Written only when a
skeleton has symmetries; a file appended to gets ``SkeletonSymmetries_2``, ... for the skeletons
it adds, as the track order does (:mod:`.track_order`).

A skeleton written once and used again (a second input or an appended file of the same skeleton:
same name, nodes and edges) gets the pairs of each input that are not yet recorded for it: the
union. Nodes and edges decide whether two inputs share a skeleton; symmetries only say which nodes
mirror each other (SLEAP's flip augmentation), and an input that leaves them out (saved without,
or by a tool that has none) does not undo another input's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...metadata.names import unique_name
from ..layout import SKELETON_SYMMETRIES_COLUMNS, SKELETON_SYMMETRIES_TABLE, new_table

__all__ = ["record_symmetries"]

_TABLE_NAME = re.compile(rf"{SKELETON_SYMMETRIES_TABLE}(_\d+)?")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _recorded(behavior: Any, skeleton: str) -> set[frozenset[str]]:
    """Return the node pairs the symmetries tables of ``behavior`` already hold for ``skeleton``."""
    pairs: set[frozenset[str]] = set()
    for name, table in behavior.data_interfaces.items():
        columns_here = getattr(table, "colnames", ())
        if not _TABLE_NAME.fullmatch(name) or not all(c in columns_here for c in SKELETON_SYMMETRIES_COLUMNS):
            continue
        columns = [[_text(v) for v in table[column].data[:]] for column in SKELETON_SYMMETRIES_COLUMNS]
        pairs.update(frozenset((a, b)) for owner, a, b in zip(*columns, strict=False) if owner == skeleton)
    return pairs


def record_symmetries(
    behavior: Any, skeleton: str, nodes: Sequence[str], symmetries: Sequence[tuple[int, int]]
) -> Any | None:
    """Add a row per symmetric node pair of Skeleton ``skeleton`` of ``behavior`` not yet in its symmetries tables.

    Parameters
    ----------
    behavior, skeleton
        As for :func:`~poseconv.nwb.write.source_names.record_skeleton_name`.
    nodes : sequence of str
        Its nodes, which ``symmetries`` index.
    symmetries : sequence of (int, int)
        The pairs of mirror-image nodes (:attr:`poseconv.model.Skeleton.symmetries`).

    Returns
    -------
    hdmf.common.DynamicTable or None
        The table, or None when the skeleton has no symmetries not already recorded.
    """
    recorded = _recorded(behavior, skeleton) if symmetries else set()
    new = [(a, b) for a, b in symmetries if frozenset((nodes[a], nodes[b])) not in recorded]
    # One row per pair, however often (or in whichever order) the inputs name it.
    new = list({frozenset((nodes[a], nodes[b])): (a, b) for a, b in new}.values())
    if not new:
        return None

    table = behavior.data_interfaces.get(SKELETON_SYMMETRIES_TABLE)
    if table is None or not isinstance(table.id.data, list):
        # A table read from a file being appended to has fixed-size datasets: a new one takes the next name.
        table = new_table(
            unique_name(SKELETON_SYMMETRIES_TABLE, set(behavior.data_interfaces)),
            "Pairs of nodes of the skeletons in Skeletons that are mirror images of each other (SLEAP's skeleton "
            "symmetries, e.g. left and right wing), one row per pair; ndx-pose's Skeleton has no field for them.",
            SKELETON_SYMMETRIES_COLUMNS,
        )
        behavior.add(table)
    for a, b in new:
        table.add_row(skeleton=skeleton, node_a=nodes[a], node_b=nodes[b])
    return table
