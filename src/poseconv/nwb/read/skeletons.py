"""Read a stored ndx-pose ``Skeleton``, named as its pose file names it.

An NWB name cannot always be the pose file's (``sk/1`` is written as ``sk_1``); the writer then
records the file's name in the module's :data:`~poseconv.nwb.layout.SKELETON_NAMES_TABLE`
(:mod:`poseconv.nwb.write.source_names`), and this gives it back.

Its symmetries (SLEAP's mirror-image node pairs, which ndx-pose has no field for) come from the module's
:data:`~poseconv.nwb.layout.SKELETON_SYMMETRIES_TABLE` (:mod:`poseconv.nwb.write.symmetries`).

Edges between nodes the skeleton does not have are left out, with a warning (:func:`checked_edges`):
neuroconv's DeepLabCut interface gives every individual's skeleton the edges of the multi-animal
bodyparts, also to ``single``'s, whose unique bodyparts are fewer. The rest of the file stays readable.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InvalidSourceFileError, PoseconvWarning
from ...model import Skeleton
from ..layout import SKELETON_NAMES_TABLE, SKELETON_SYMMETRIES_COLUMNS, SKELETON_SYMMETRIES_TABLE, natural_key
from .store import base_name, is_group, linked, member, neurodata_type, texts

__all__ = ["checked_edges", "container_symmetries", "stored_edges", "stored_skeleton"]

# The symmetries tables of a module: SkeletonSymmetries, then those appends added (SkeletonSymmetries_2, ...).
_SYMMETRIES = re.compile(rf"{SKELETON_SYMMETRIES_TABLE}(_\d+)?")


def checked_edges(edges: Iterable[tuple[int, int]], n_nodes: int, where: str) -> tuple[tuple[int, int], ...]:
    """Return the edges between nodes ``0 .. n_nodes - 1``; warn of the others, which are left out.

    Parameters
    ----------
    edges : iterable of (int, int)
        Node indices, as stored.
    n_nodes : int
        Number of nodes of the skeleton.
    where : str
        The file and skeleton (and container) the warning names.
    """
    pairs = [(int(a), int(b)) for a, b in edges]
    kept = tuple((a, b) for a, b in pairs if 0 <= a < n_nodes and 0 <= b < n_nodes)
    if len(kept) < len(pairs):
        bad = [pair for pair in pairs if pair not in kept]
        warnings.warn(
            f"{where} has edges {bad} between nodes it does not have ({n_nodes} nodes, indices 0 to "
            f"{n_nodes - 1}); they are left out.",
            PoseconvWarning,
            stacklevel=4,
        )
    return kept


def stored_edges(group: Any) -> np.ndarray:
    """Return the ``(n, 2)`` node pairs of the ``edges`` of ``group``; none without them (damaged ones raise)."""
    edges = member(group, "edges")
    return np.asarray(edges[()]).reshape(-1, 2) if edges is not None else np.empty((0, 2))


def stored_skeleton(
    root: Any, path: str, node: Any, *, source: Path | str | None = None, owner: str | None = None
) -> Skeleton:
    """Return the ``Skeleton`` stored at ``path`` (the group ``node``), with its recorded name when there is one.

    Parameters
    ----------
    root : h5py.File or zarr.Group
        The open file.
    path : str
        Where the skeleton is stored (``/processing/behavior/Skeletons/<name>``), not a link to it.
    node : h5py.Group or zarr.Group
        The skeleton's group.
    source : pathlib.Path or str, optional
        The NWB file, for messages.
    owner : str, optional
        The container the skeleton is read for, for messages.

    Raises
    ------
    InvalidSourceFileError
        When the skeleton names a node twice.
    """
    edges = stored_edges(node)
    name = base_name(path)
    # <module>/Skeletons/<name>: the table is the module's.
    table = root.get(f"{path.rsplit('/', 2)[0]}/{SKELETON_NAMES_TABLE}")
    if table is not None and is_group(table) and "skeleton" in table and "source_name" in table:
        name = dict(zip(texts(table["skeleton"]), texts(table["source_name"]), strict=False)).get(name, name)
    nodes = tuple(texts(node["nodes"]))
    where = f"{source or 'The NWB file'}: the skeleton {path}" + (f" of {owner}" if owner else "")
    try:
        edges = checked_edges(edges, len(nodes), where)
        return Skeleton(name=name, nodes=nodes, edges=edges, symmetries=_symmetries(root, path, nodes))
    except ValueError as err:
        raise InvalidSourceFileError(f"{where}: {err}") from err


def container_symmetries(root: Any, container_path: str, nodes: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Return the symmetries of the skeleton the ``PoseEstimation`` at ``container_path`` links (``nodes``: its nodes).

    Nothing is looked up in a file without a symmetries table beside the container.
    """
    module_path = container_path.rsplit("/", 1)[0]
    module = root.get(module_path)
    if module is None or not is_group(module) or not any(_SYMMETRIES.fullmatch(name) for name in module):
        return ()
    container = root.get(container_path)
    for key in container if container is not None and is_group(container) else ():
        found = linked(root, container, key) if neurodata_type(container[key]) == "Skeleton" else None
        if found is not None:
            return _symmetries(root, found[0], nodes)
    return ()


def _symmetries(root: Any, path: str, nodes: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Return the node pairs the symmetries tables of the module record for the skeleton stored at ``path``.

    See :mod:`poseconv.nwb.write.symmetries`; a pair naming a node the skeleton lacks is not the skeleton's.
    """
    module_path, skeleton = path.rsplit("/", 2)[0], base_name(path)
    module = root.get(module_path)
    if module is None or not is_group(module):
        return ()
    pairs = []
    for table_name in sorted((n for n in module if _SYMMETRIES.fullmatch(n)), key=natural_key):
        table = module[table_name]
        if not (is_group(table) and all(column in table for column in SKELETON_SYMMETRIES_COLUMNS)):
            continue
        columns = [texts(table[column]) for column in SKELETON_SYMMETRIES_COLUMNS]
        for owner, a, b in zip(*columns, strict=False):
            if owner == skeleton and a in nodes and b in nodes:
                pairs.append((nodes.index(a), nodes.index(b)))
    return tuple(pairs)
