"""The poses of an NWB file that the installed ndx-pose cannot write back, which no append can keep.

Appending reads the whole file with pynwb and the installed ndx-pose (0.4), and writes it back with
the poses added. Two layouts of earlier ndx-pose versions fail there, deep inside hdmf, with messages
that name neither the file nor the container:

* ndx-pose 0.1 kept nodes and edges in each ``PoseEstimation``; ndx-pose 0.2 and later read them as a
  ``Skeleton`` they cannot write back;
* ndx-pose 0.3 and earlier let a ``PoseEstimation`` link several cameras (``Device``); ndx-pose 0.4
  takes a ``PoseEstimation`` to be one camera's and refuses to read it.

Both are found here, in the stored groups (HDF5 or Zarr), before anything is read with pynwb.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .output import OutputError

__all__ = ["refuse_unwritable_poses"]

# Where NWB keeps every Device (pynwb's NWBFile.devices); a link there from a PoseEstimation is a camera.
_DEVICES = "/general/devices/"
# Containers named in a message: the first few, then how many more.
_NAMED = 3


def refuse_unwritable_poses(path: Path, root: Any) -> None:
    """Refuse the NWB file ``path`` when it holds poses that ndx-pose 0.4 cannot read or write back.

    Parameters
    ----------
    path : pathlib.Path
        The file (or Zarr store) appended to, named in the message.
    root : h5py.File or poseconv.nwb.read.zarr_groups.ZarrGroup
        Its root group, open for reading.

    Raises
    ------
    OutputError
        Naming the file, the containers and what ndx-pose 0.4 cannot do with them; nothing is written.
    """
    from .nwb.read.store import link_target, visit_groups

    processing = root.get("processing")
    containers = visit_groups(processing, "PoseEstimation") if processing is not None else []
    old = [group.name.lstrip("/") for group in containers if "nodes" in group]
    if old:
        raise OutputError(
            f"{path}: holds poses written with ndx-pose 0.1 ({_listed(old)}: nodes and edges in the "
            "PoseEstimation), which ndx-pose 0.2 and later read but cannot write back, so nothing can be appended "
            "to this file and nothing was written. Write the poses to a new NWB file (--output) instead."
        )
    several = []
    for group in containers:
        cameras = [name for name in group if (link_target(group, name) or "").startswith(_DEVICES)]
        if len(cameras) > 1:
            several.append(f"{group.name.lstrip('/')} links {', '.join(cameras)}")
    if several:
        raise OutputError(
            f"{path}: holds poses written with ndx-pose 0.3 or earlier whose PoseEstimation links several cameras "
            f"({_listed(several, sep='; ')}). ndx-pose 0.4, with which appending reads the file and writes it back, "
            "takes a PoseEstimation to be one camera's and cannot read these, so nothing can be appended to this "
            "file and nothing was written. Write the poses to a new NWB file (--output) instead; poseconv still "
            "reads this file as written (inspect, export)."
        )


def _listed(items: list[str], sep: str = ", ") -> str:
    """Return the first few ``items`` joined, and how many more there are."""
    more = f"{sep}and {len(items) - _NAMED} more" if len(items) > _NAMED else ""
    return sep.join(items[:_NAMED]) + more
