"""Which containers are read back as one PoseData: those of one pose file, as the track-order tables record it.

:mod:`poseconv.nwb.write.track_order` numbers the pose files written to a processing module in
the ``input`` column of its ``TrackOrder`` tables. The containers of one number are one file's
tracks: they stay together whatever their scorers (a track a user placed by hand has none).
Tables written before the column held what one conversion wrote (an append adds a table of its
own): their containers go by table and by source software, version and scorer; so do those no
table lists (other tools' files).

Files of one source software, version and scorer (a file's first container's) are read as one
PoseData, as they always were (two cameras' DeepLabCut files of one session come back together),
unless they hold poses of one video: then each file is a PoseData of its own, whose tracks keep
their names and frames (the same animals seen by two models, or a file converted twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from ..layout import REPLACED_PREDICTIONS_SUFFIX
from .pose_cameras import same_video
from .replaced_predictions import is_replaced_predictions
from .scores import track_order_tables
from .store import is_group, texts

__all__ = ["container_inputs", "input_groups", "recorded_inputs"]

#: What :func:`recorded_inputs` gives a container: ``("input", n)``, file ``n``; ``("table", i)``, the ``i``-th table.
Input = tuple[str, int]
_FACTS = ("source_software", "source_software_version", "scorer")


def recorded_inputs(module: Any) -> dict[str, Input]:
    """Return which pose file a module's track-order tables record each container was written from.

    Parameters
    ----------
    module : h5py.Group or h5py-style group
        The processing module.

    Returns
    -------
    dict of str to (str, int)
        By container name: ``("input", n)`` where a table numbers the files, else ``("table", i)``, the
        position of the table listing it. Containers no table lists are left out.
    """
    inputs: dict[str, Input] = {}
    for position, table in enumerate(track_order_tables(module)):
        names = texts(table["pose_estimation"])
        if "input" in table:
            numbers = [int(value) for value in np.asarray(table["input"][()]).reshape(-1)]
            inputs.update((name, ("input", n)) for name, n in zip(names, numbers, strict=False))
        else:
            inputs.update((name, ("table", position)) for name in names)
    return inputs


def container_inputs(root: Any, containers: Iterable[tuple[str, str | None]]) -> dict[str, Input]:
    """Return the recorded pose file of each ``(HDF5 path, description)`` container, by path.

    SLEAP predictions a user instance replaced (``<container>_replaced_predictions``, which the tables
    do not list) are of their container's file.

    Parameters
    ----------
    root : h5py.File or h5py-style group
        The file's root group.
    containers : iterable of (str, str or None)
        Each container's path and description.

    Returns
    -------
    dict of str to (str, int)
        As :func:`recorded_inputs` gives them; containers of no recorded file are left out.
    """
    by_module: dict[str, dict[str, Input]] = {}
    found: dict[str, Input] = {}
    for path, description in containers:
        parent = str(PurePosixPath(path).parent)
        if parent not in by_module:
            module = root.get(parent)
            by_module[parent] = recorded_inputs(module) if module is not None and is_group(module) else {}
        name = PurePosixPath(path).name
        if is_replaced_predictions(description) and name.endswith(REPLACED_PREDICTIONS_SUFFIX):
            name = name[: -len(REPLACED_PREDICTIONS_SUFFIX)]
        if name in by_module[parent]:
            found[path] = by_module[parent][name]
    return found


def input_groups(root: Any, raws: Sequence[Any]) -> dict[str, int]:
    """Return the group of each scanned container (``path``, ``module``, ``facts``, ``video_hint``, ``camera``).

    Parameters
    ----------
    root : h5py.File or h5py-style group
        The file's root group.
    raws : sequence
        The containers as scanned, in file order.

    Returns
    -------
    dict of str to int
        By container path, the number of its group: the containers read as one PoseData (module docstring).
    """
    recorded = container_inputs(root, [(raw.path, raw.facts.get("description")) for raw in raws])
    files: dict[tuple, list[Any]] = {}
    for raw in raws:
        source = recorded.get(raw.path)
        facts = tuple(raw.facts.get(field) for field in _FACTS)
        key = (raw.module, source) if source is not None and source[0] == "input" else (raw.module, source, facts)
        files.setdefault(key, []).append(raw)
    groups: list[tuple[tuple, list[Any]]] = []
    found: dict[str, int] = {}
    for members in files.values():
        shared = (members[0].module, *(members[0].facts.get(field) for field in _FACTS))
        videos = _videos(members)
        home = next(
            (
                index
                for index, (key, others) in enumerate(groups)
                if key == shared and not any(same_video(one, other) for one in videos for other in others)
            ),
            None,
        )
        if home is None:
            groups.append((shared, []))
            home = len(groups) - 1
        groups[home][1].extend(videos)
        found.update((raw.path, home) for raw in members)
    return found


def _videos(members: Sequence[Any]) -> list[Any]:
    """Return one container per video name, camera and video file of a file's containers (what tells videos apart)."""
    seen: dict[tuple, Any] = {}
    for raw in members:
        seen.setdefault((raw.video_hint, raw.camera, raw.facts.get("original_video")), raw)
    return list(seen.values())
