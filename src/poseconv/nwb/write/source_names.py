r"""Keep the pose file's names of the skeletons and individuals whose NWB names are not theirs.

An NWB object name cannot hold ``/`` (poseconv also replaces ``:`` and ``\``), and a name another
object of the group took gets a suffix: skeletons ``sk/1`` and ``sk_1`` are written as ``sk_1`` and
``sk_1_2``, and the ``SkeletonInstance`` of track ``fly/1`` is named ``fly_1``. ndx-pose has no field
for another name, so poseconv keeps the file's names in small ``DynamicTable`` objects beside the
poses, which any NWB reader reads and :mod:`poseconv.nwb.read` gives back the names from:

* :data:`~poseconv.nwb.layout.SKELETON_NAMES_TABLE` in the processing module: one row per skeleton
  whose NWB name differs, with both names (unless another skeleton goes by that name). Written
  only when one does.
* ``<PoseTraining name>Individuals`` (:func:`~poseconv.nwb.layout.individuals_table_name`): the
  name of each individual, row ``i`` for the instances of ``id`` ``i``. Written only when an
  individual's name is not a valid NWB name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...metadata.names import nwb_name
from ..layout import INDIVIDUALS_TABLE_COLUMNS, SKELETON_NAMES_COLUMNS, SKELETON_NAMES_TABLE, new_table

__all__ = ["individuals_table", "record_skeleton_name"]


def record_skeleton_name(behavior: Any, skeleton: str, name: str) -> None:
    """Record that the new Skeleton ``skeleton`` of ``behavior`` is named ``name`` in its pose file.

    Only when ``skeleton`` is the NWB-safe form of ``name`` (``sk/1`` -> ``sk_1``) or that form made
    unique (``sk_1`` -> ``sk_1_2``): a name the metadata gives (``mouse_top`` for two inputs' ``mouse``)
    is the skeleton's. Not either when another skeleton of the module goes by ``name``: a name read
    back is one skeleton's.

    Parameters
    ----------
    behavior : pynwb.base.ProcessingModule
        The module holding the skeleton.
    skeleton : str
        Its NWB name.
    name : str
        Its name in the pose or label file.
    """
    safe = nwb_name(name)
    if skeleton == name or not re.fullmatch(rf"{re.escape(safe)}(_\d+)?", skeleton):
        return
    table = behavior.data_interfaces.get(SKELETON_NAMES_TABLE)
    recorded = dict(zip(table["skeleton"][:], table["source_name"][:], strict=True)) if table is not None else {}
    others = [other for other in behavior["Skeletons"].skeletons if other != skeleton]
    if name in {recorded.get(other, other) for other in others}:
        return
    if table is None:
        table = new_table(
            SKELETON_NAMES_TABLE,
            "The names the pose files give the skeletons of Skeletons whose NWB names differ.",
            SKELETON_NAMES_COLUMNS,
        )
        behavior.add(table)
    elif not isinstance(table.id.data, list):
        # A table read from a file being appended to has fixed-size datasets: the new name is not kept.
        return
    table.add_row(skeleton=skeleton, source_name=name)


def individuals_table(name: str, individuals: Sequence[str]) -> Any | None:
    """Return the table of the individuals' names of a ``PoseTraining``, or None when their NWB names are theirs.

    Parameters
    ----------
    name : str
        The table's name (:func:`~poseconv.nwb.layout.individuals_table_name`).
    individuals : sequence of str
        The individuals, in the order of their ids.
    """
    from hdmf.common import DynamicTable, VectorData

    if all(nwb_name(individual) == individual for individual in individuals):
        return None
    [(column, description)] = INDIVIDUALS_TABLE_COLUMNS.items()
    return DynamicTable(
        name=name,
        description="The individuals of the SkeletonInstances by id, named as the label file names them.",
        columns=[VectorData(name=column, description=description, data=list(individuals))],
    )
