"""Read a stored ndx-pose ``Skeleton``, named as its pose file names it.

An NWB name cannot always be the pose file's (``sk/1`` is written as ``sk_1``); the writer then
records the file's name in the module's :data:`~poseconv.nwb.layout.SKELETON_NAMES_TABLE`
(:mod:`poseconv.nwb.write.source_names`), and this gives it back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...model import Skeleton
from ..layout import SKELETON_NAMES_TABLE
from .store import base_name, is_group, texts

__all__ = ["stored_skeleton"]


def stored_skeleton(root: Any, path: str, node: Any) -> Skeleton:
    """Return the ``Skeleton`` stored at ``path`` (the group ``node``), with its recorded name when there is one.

    Parameters
    ----------
    root : h5py.File or zarr.Group
        The open file.
    path : str
        Where the skeleton is stored (``/processing/behavior/Skeletons/<name>``), not a link to it.
    node : h5py.Group or zarr.Group
        The skeleton's group.
    """
    edges = np.asarray(node["edges"][()]).reshape(-1, 2) if "edges" in node else np.empty((0, 2))
    name = base_name(path)
    # <module>/Skeletons/<name>: the table is the module's.
    table = root.get(f"{path.rsplit('/', 2)[0]}/{SKELETON_NAMES_TABLE}")
    if table is not None and is_group(table) and "skeleton" in table and "source_name" in table:
        name = dict(zip(texts(table["skeleton"]), texts(table["source_name"]), strict=False)).get(name, name)
    return Skeleton(name=name, nodes=tuple(texts(node["nodes"])), edges=tuple((int(a), int(b)) for a, b in edges))
