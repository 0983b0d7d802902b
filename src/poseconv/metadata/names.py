r"""NWB object names for the names tools give animals, body parts, skeletons and videos.

NWB (HDF5) names cannot hold ``/``; ``:`` and ``\`` are flagged by nwbinspector; an empty
name or ``.`` cannot be a link in HDF5; and a ``PoseEstimation`` group already has members
with fixed names (``scorer``, ``device``, ...). :func:`nwb_name` replaces the characters, and
:func:`unique_nwb_names` also keeps the names of one group distinct ("a/b" and "a_b" become
``a_b_2`` and ``a_b``: a name NWB takes keeps it). The original name is never lost: it is written verbatim where NWB
takes any text (a ``Skeleton``'s ``nodes``, descriptions), and :mod:`poseconv.nwb.read.pose`
restores it from there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "DEPRECATED_POSE_ESTIMATION_FIELDS",
    "MODULE_OBJECT_NAMES",
    "POSE_ESTIMATION_MEMBERS",
    "SKELETON_LINK_MEMBERS",
    "input_name",
    "nwb_name",
    "skeleton_nwb_names",
    "unique_name",
    "unique_nwb_names",
]

#: What poseconv keeps in processing['behavior'] under fixed names (no container may take one): ndx-pose's
#: skeletons, the order of the tracks, the skeletons' own names and their symmetries (see
#: poseconv.nwb.layout.TRACK_ORDER_TABLE, SKELETON_NAMES_TABLE and SKELETON_SYMMETRIES_TABLE).
MODULE_OBJECT_NAMES = {
    "Skeletons": "ndx-pose's Skeletons container",
    "TrackOrder": "the table of the tracks' order",
    "SkeletonNames": "the table of the skeletons' names in their pose files",
    "SkeletonSymmetries": "the table of the skeletons' symmetries (SLEAP's mirror-image node pairs)",
}

# Fixed member names of an ndx-pose 0.4 PoseEstimation group (its named datasets and links); a
# series must not take one. tests/unit/metadata/test_names.py checks them against the spec.
POSE_ESTIMATION_MEMBERS = frozenset(
    {
        "description",
        "original_videos",
        "labeled_videos",
        "dimensions",
        "scorer",
        "source_software",
        "device",
        "source_video",
        "labeled_video",
    }
)
#: ndx-pose's deprecated PoseEstimation fields. neuroconv's own pose interfaces give them in their
#: ``Pose.PoseEstimations`` entries, which the metadata schema therefore accepts; poseconv's own entries
#: may not (:mod:`poseconv.metadata.compose`): it links the videos instead.
DEPRECATED_POSE_ESTIMATION_FIELDS = ("original_videos", "labeled_videos", "dimensions")
# ndx-pose groups link their Skeleton under the skeleton's own name (PoseEstimation,
# MultiCameraPoseEstimation, SkeletonInstance), so a skeleton must not take a fixed member name of
# any of them: a skeleton called "device" would collide with the camera link.
SKELETON_LINK_MEMBERS = POSE_ESTIMATION_MEMBERS | {"node_locations", "node_visibility"}
_UNNAMED = "unnamed"


def nwb_name(name: str) -> str:
    r"""Return ``name`` as a valid NWB object name.

    ``/``, ``\`` and ``:`` become ``_``; an empty name becomes ``"unnamed"``; ``.`` and ``..``
    (HDF5 path parts) get a leading ``_``.

    Parameters
    ----------
    name : str
        A name from a pose file.

    Returns
    -------
    str
        The name to give the NWB object.
    """
    safe = str(name).replace("/", "_").replace("\\", "_").replace(":", "_")
    if not safe:
        return _UNNAMED
    return f"_{safe}" if safe in (".", "..") else safe


def unique_nwb_names(names: Sequence[str], *, taken: Iterable[str] = ()) -> list[str]:
    """Return NWB names for ``names``, distinct from each other and from ``taken``.

    Parameters
    ----------
    names : sequence of str
        Names of the objects of one group, in order.
    taken : iterable of str
        Names already used in the group.

    Returns
    -------
    list of str
        :func:`nwb_name` of each name; a name already used gets ``_2``, ``_3``, ... appended.
        A name NWB takes as it is keeps it: a name made NWB-safe yields to it (``a/b`` becomes
        ``a_b_2`` beside an ``a_b``), so that readers naming a body part by its series find the right one.
    """
    used = set(taken)
    reserved = {str(name) for name in names if nwb_name(name) == name} - used
    result = []
    for name in names:
        safe = nwb_name(name)
        if safe == name and safe in reserved:
            reserved.discard(safe)
            chosen = safe
        else:
            chosen = unique_name(safe, used | reserved)
        used.add(chosen)
        result.append(chosen)
    return result


def unique_name(name: str, taken: set[str]) -> str:
    """Return ``name``, or the first of ``name_2``, ``name_3``, ... not in ``taken``; add it to ``taken``.

    Parameters
    ----------
    name : str
        The wanted name.
    taken : set of str
        Names already used; updated in place.

    Returns
    -------
    str
        A name not used before.
    """
    candidate, k = name, 2
    while candidate in taken:
        candidate, k = f"{name}_{k}", k + 1
    taken.add(candidate)
    return candidate


def skeleton_nwb_names(names: Sequence[str]) -> dict[str, str]:
    """Return the NWB name of each skeleton: distinct, and none a fixed member of a group linking it.

    Parameters
    ----------
    names : sequence of str
        Skeleton names (or metadata keys), in order.

    Returns
    -------
    dict of str to str
        NWB name by name.
    """
    return dict(zip(names, unique_nwb_names(names, taken=SKELETON_LINK_MEMBERS), strict=True))


def input_name(path: str | Path, taken: Iterable[str]) -> str:
    """Name a pose file's input in a converter by the file (made unique among ``taken``).

    Names made unique in the NWB file may end in it (``PoseEstimation_<input>``), so the command
    line and a spec name the same file alike.
    """
    base = re.sub(r"[^0-9A-Za-z_-]+", "_", Path(path).stem.split(".")[0]) or "input"
    return unique_name(base, set(taken))
