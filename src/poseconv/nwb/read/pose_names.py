"""How a track, video and node are recognized in the names and descriptions other tools write.

Track name: poseconv's default description (``"Poses of 'rat 1' estimated with ... on video
'm3v1mp4' ..."``, or ``placed by hand in`` SLEAP) gives the exact names (``"Poses of 'b' (skeleton 'one')
..."``: the instances of SLEAP track ``b`` of one of its skeletons, :func:`split_track_name`), as does movement's
(``"Estimated positions of ... for rat 1 using ..."``); else the container name: ``PoseEstimation_<track>`` (poseconv),
``track=<track>`` (sleap-io), ``PoseEstimation<Track>`` with software SLEAP (neuroconv's SLEAP
interface, the track title-cased: ``Track0``); a common series prefix ``ind1_``, or the individual
every series' DLC2NWB description names (``"Keypoint snout from individual mouse."``); otherwise
:data:`DEFAULT_TRACK_NAME` (neuroconv's ``PoseEstimation<Software>`` names no animal). neuroconv's
DeepLabCut interface, run once per individual of a multi-animal file, names the animal in the
container's skeleton (:func:`neuroconv_dlc_animal`). Series
are matched to nodes by name, by their description (poseconv's and neuroconv's), or by
neuroconv's ``PoseEstimationSeries<Node>`` names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

__all__ = [
    "DEFAULT_TRACK_NAME",
    "common_prefix",
    "container_names",
    "dlc2nwb_individual",
    "file_stem",
    "names_from_container_name",
    "names_from_description",
    "neuroconv_dlc_animal",
    "node_of_series",
    "split_track_name",
]

#: Track name given to a container whose name and description do not name one (DeepLabCut's own).
DEFAULT_TRACK_NAME = "individual"
# Container descriptions that name the animal (and the video): poseconv's, then movement's. poseconv's names
# the skeleton too where the track's instances use several (its files before said the reader's name, 'b_one').
_CONTAINER_DESCRIPTIONS = (
    re.compile(
        r"^Poses of '(?P<track>.*)'(?: \(skeleton '(?P<skeleton>.*)'\))? (?:estimated with|placed by hand in) .*? "
        r"on video '(?P<video>.*?)', read from "
    ),
    # movement's software may hold spaces ("DeepLabCut 3.0"): the text up to the final period.
    re.compile(r"^Estimated positions of .* for (?P<track>.+?) using .+\.$"),
)
# movement's description, with the container's own source_software: exact when the track holds " using ".
_MOVEMENT_DESCRIPTION = r"^Estimated positions of .* for (?P<track>.+) using {software}\.$"
# neuroconv's series description names the node (poseconv's is matched in _node_of_series).
_NEUROCONV_SERIES_DESCRIPTION = re.compile(r"^Pose estimation series for (?P<node>.+)\.$")
# DLC2NWB's series description (and neuroconv's before it wrote its own): its series are named "<individual>_<node>".
_DLC2NWB_SERIES_DESCRIPTION = re.compile(r"^Keypoint (?P<node>.+?) from individual (?P<animal>.*)\.$", re.DOTALL)
# neuroconv names series "PoseEstimationSeries" + the capitalised node.
_NEUROCONV_SERIES_PREFIX = "PoseEstimationSeries"
# The container name neuroconv's DeepLabCut interface builds the skeleton's name from when the container
# is named otherwise by metadata ("Skeleton" + this + "_" + the subject).
_NEUROCONV_DLC_CONTAINER = "PoseEstimationDeepLabCut"
# DeepLabCut's individual holding a multi-animal project's unique bodyparts, which neuroconv capitalises.
_DLC_UNIQUE_BODYPARTS = "single"


def file_stem(recorded: str) -> str:
    """Return the file name of a recorded path without its extension."""
    # Paths come from other machines: split on both separators.
    name = PureWindowsPath(recorded).name if "\\" in recorded else PurePosixPath(recorded).name
    return name.rsplit(".", 1)[0] if "." in name else name


def container_names(
    name: str, facts: dict[str, Any], skeleton: str, subject_id: str | None
) -> tuple[str | None, str | None, str | None]:
    """Return (track, video hint, animal) of a container, as the module docstring lists.

    Parameters
    ----------
    name : str
        The container's name.
    facts : dict
        Its ``description`` and ``source_software``.
    skeleton : str
        Its skeleton's name.
    subject_id : str or None
        The id of the ``Subject`` its skeleton links to.

    Returns
    -------
    tuple
        The track and video named (None when not), and the animal neuroconv's DeepLabCut interface
        named in the skeleton (:func:`neuroconv_dlc_animal`), which is the track only when the other
        containers of its group name other animals (the reader decides).
    """
    match = _description_match(facts.get("description"), facts.get("source_software"))
    if match is not None:
        skeleton = match.groupdict().get("skeleton")
        track = match["track"] if skeleton is None else split_track_name(match["track"], skeleton, name)
        return track, match.groupdict().get("video"), None
    track, video_hint = names_from_container_name(name, facts.get("source_software"))
    # A track the container name gives (PoseEstimation_<track>) is exact; the skeleton's is capitalised.
    neuroconv = track is None and facts.get("source_software") == "DeepLabCut"
    return track, video_hint, neuroconv_dlc_animal(skeleton, name, subject_id) if neuroconv else None


def names_from_description(description: str | None, software: str | None = None) -> tuple[str | None, str | None]:
    """Return (track, video) named by a container description poseconv or movement writes; Nones otherwise.

    ``software`` is the container's ``source_software``, which movement's description ends with. The track
    is the pose file's: ``b`` of ``"Poses of 'b' (skeleton 'one') ..."``.
    """
    match = _description_match(description, software)
    return (match["track"], match.groupdict().get("video")) if match else (None, None)


def _description_match(description: str | None, software: str | None) -> re.Match[str] | None:
    patterns = list(_CONTAINER_DESCRIPTIONS)
    if software:
        patterns.insert(1, re.compile(_MOVEMENT_DESCRIPTION.format(software=re.escape(software))))
    return next((match for pattern in patterns if (match := pattern.match(description or ""))), None)


def split_track_name(track: str, skeleton: str, container: str) -> str:
    """Return the name of a SLEAP track's instances of one of its skeletons, from a description and the container.

    poseconv's SLEAP reader names them ``<track>_<skeleton>`` (``b_one``), ``_2``, ... added when another track
    has that name (:func:`poseconv.readers.sleap.common.slot_names`); the container's name ends with that name
    unless metadata renamed it.

    Parameters
    ----------
    track, skeleton : str
        The track and skeleton the container's description names (``"Poses of 'b' (skeleton 'one') ..."``).
    container : str
        The container's name (``PoseEstimation_b_one_2``).
    """
    made = f"{track}_{skeleton}"
    found = re.search(rf"(?:^|_)({re.escape(made)}(?:_\d+)?)$", container)
    return found.group(1) if found else made


def names_from_container_name(name: str, software: str | None) -> tuple[str | None, str | None]:
    """Return (track, video hint) from a container name, as the module docstring lists."""
    if name.startswith("track="):
        return name[len("track=") :] or None, None
    if name.startswith("PoseEstimation_"):
        return name[len("PoseEstimation_") :] or None, None
    rest = name[len("PoseEstimation") :] if name.startswith("PoseEstimation") else ""
    # neuroconv names containers "PoseEstimation<Software>"; the rest names no video then.
    if not rest or rest.lower() == (software or "").lower():
        return None, None
    # neuroconv's SLEAP interface names the container after the track ("PoseEstimationTrack0" for
    # track_0); IBL's name the camera ("PoseEstimationLeftCamera").
    return (rest, None) if software == "SLEAP" else (None, rest)


def neuroconv_dlc_animal(skeleton: str, container: str, subject_id: str | None = None) -> str | None:
    """Return the animal neuroconv's DeepLabCut interface named in a container's skeleton; None if it did not.

    It names the skeleton ``Skeleton<container>_<Subject>``: the container name it was given
    (``PoseEstimationDeepLabCut`` unless metadata renames the container afterwards) and the
    interface's ``subject_name`` (for a multi-animal file, the DeepLabCut individual), passed through
    ``str.capitalize``. The Skeleton's ``subject`` link, written when a ``Subject`` of that id is in the
    file, gives the name as it was; else the capitalised one is returned, but for DeepLabCut's
    ``single`` (unique bodyparts), whose name is known.

    Parameters
    ----------
    skeleton : str
        The skeleton's name.
    container : str
        The container's name.
    subject_id : str, optional
        ``subject_id`` of the ``Subject`` the skeleton links to.
    """
    for owner in (container, _NEUROCONV_DLC_CONTAINER):
        prefix = f"Skeleton{owner}_"
        if skeleton.startswith(prefix) and len(skeleton) > len(prefix):
            animal = skeleton[len(prefix) :]
            if subject_id is not None and subject_id.capitalize() == animal:
                return subject_id
            return _DLC_UNIQUE_BODYPARTS if animal == _DLC_UNIQUE_BODYPARTS.capitalize() else animal
    return None


def node_of_series(key: str, description: str | None, nodes: Sequence[str]) -> str | None:
    """Return the node a series holds, from its description or its name; None when unknown.

    The description comes first: it names the node verbatim, where the series name may be
    the NWB-safe form of another node's name (poseconv once gave "a/b" the series ``a_b`` and a
    node ``a_b`` the series ``a_b_2``; now ``a_b`` keeps its name and "a/b" gets ``a_b_2``).
    """
    text = description or ""
    # poseconv's "Position of '<node>' of '<track>'.": the longest node that fits, as names may hold quotes.
    quoted = [node for node in nodes if text.startswith((f"Position of '{node}' of '", f"Position of '{node}'."))]
    if quoted:
        return max(quoted, key=len)
    for pattern in (_NEUROCONV_SERIES_DESCRIPTION, _DLC2NWB_SERIES_DESCRIPTION):
        match = pattern.match(text)
        if match and match["node"] in nodes:
            return match["node"]
    if key in nodes:
        return key
    if key.startswith(_NEUROCONV_SERIES_PREFIX):
        rest = key[len(_NEUROCONV_SERIES_PREFIX) :].lower()
        candidates = [node for node in nodes if node.lower() == rest]
        if len(candidates) == 1:
            return candidates[0]
    return None


def dlc2nwb_individual(descriptions: Mapping[str, str | None]) -> str | None:
    """Return the individual DLC2NWB's description of every series names; None unless all name the same one.

    DLC2NWB names a series ``<individual>_<bodypart>`` and describes it as ``"Keypoint <bodypart> from
    individual <individual>."``; the individual may be any name (``ind1``, ``individual1``, DeepLabCut's
    ``single``, a custom one), so the description, checked against the series name, tells it.

    Parameters
    ----------
    descriptions : mapping of str to str or None
        The description of each series of a container, by series name.
    """
    animals = set()
    for key, description in descriptions.items():
        match = _DLC2NWB_SERIES_DESCRIPTION.match(description or "")
        if match is None or not match["animal"] or key != f"{match['animal']}_{match['node']}":
            return None
        animals.add(match["animal"])
    return animals.pop() if len(animals) == 1 else None


def common_prefix(nodes: list[str], track: str | None, individual: str | None = None) -> str | None:
    """Return ``"<individual>_"`` when every node carries it (dlc2nwb names nodes ``ind1_snout``).

    ``individual`` is the one the series' descriptions name (:func:`dlc2nwb_individual`).
    """
    if not nodes:
        return None
    candidates = [f"{name}_" for name in (track, individual) if name]
    match = re.match(r"^(ind\d+)_", nodes[0])
    if match:
        candidates.append(match.group(0))
    for prefix in candidates:
        if all(node.startswith(prefix) and len(node) > len(prefix) for node in nodes):
            return prefix
    return None
