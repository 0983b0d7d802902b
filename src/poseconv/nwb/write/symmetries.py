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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..layout import SKELETON_SYMMETRIES_COLUMNS, SKELETON_SYMMETRIES_TABLE

__all__ = ["record_symmetries"]


def record_symmetries(
    behavior: Any, skeleton: str, nodes: Sequence[str], symmetries: Sequence[tuple[int, int]]
) -> Any | None:
    """Add a row per symmetric node pair of the new Skeleton ``skeleton`` of ``behavior`` to the symmetries table.

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the skeleton.
    skeleton : str
        Its NWB name.
    nodes : sequence of str
        Its nodes, which ``symmetries`` index.
    symmetries : sequence of (int, int)
        The pairs of mirror-image nodes (:attr:`poseconv.model.Skeleton.symmetries`).

    Returns
    -------
    hdmf.common.DynamicTable or None
        The table, or None when the skeleton has no symmetries.
    """
    if not symmetries:
        return None
    from hdmf.common import DynamicTable

    table = behavior.data_interfaces.get(SKELETON_SYMMETRIES_TABLE)
    if table is None or not isinstance(table.id.data, list):
        # A table read from a file being appended to has fixed-size datasets: a new one takes the next name.
        taken = set(behavior.data_interfaces)
        name = next(
            candidate
            for k in range(1, len(taken) + 3)
            if (candidate := SKELETON_SYMMETRIES_TABLE if k == 1 else f"{SKELETON_SYMMETRIES_TABLE}_{k}") not in taken
        )
        table = DynamicTable(
            name=name,
            description=(
                "Pairs of nodes of the skeletons in Skeletons that are mirror images of each other (SLEAP's "
                "skeleton symmetries, e.g. left and right wing), one row per pair; ndx-pose's Skeleton has no "
                "field for them."
            ),
        )
        for column, description in SKELETON_SYMMETRIES_COLUMNS.items():
            table.add_column(name=column, description=description)
        behavior.add(table)
    for a, b in symmetries:
        table.add_row(skeleton=skeleton, node_a=nodes[a], node_b=nodes[b])
    return table
