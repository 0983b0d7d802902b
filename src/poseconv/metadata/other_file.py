"""Metadata made for another pose file: a ``poseconv metadata`` template reused for another session.

``poseconv metadata FILE`` prints FILE's defaults, and some are FILE's own: the descriptions name FILE and
its video, the containers' ``source_video_metadata_key`` and ``device_metadata_key`` name its video's and
camera's entries, and its skeleton's ``edges`` are its project's (``[]`` when it has none). Given for
another file (``convert -m``, a spec's ``metadata``), they are written as given: that file's poses, video
and camera labelled as the first one's, its project's edges dropped, without a word. They are valid
metadata, and one description for every session may be written on purpose, so this warns, and only of
what poseconv's own defaults say of another file: a description in their words naming a file or video
that is not this input's, a ``*_metadata_key`` moved from this input's own entry to such a video's, and
a skeleton given no edges where the input's has some.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import PoseconvWarning
from .defaults import camera_key, video_key
from .shared_keys import CONTAINER_BLOCKS, shared_entries

__all__ = ["described_names", "warn_made_for_another_file"]

# The words of poseconv's default descriptions that name the pose file and the video they were made
# from (metadata.defaults, metadata.multicamera, metadata.training): a pose container or camera view
# ("... on video 'top', read from topDLC_....h5."), a multi-camera container ("... from cameras 'a', 'b',
# read from s.slp."), a camera, a video and a camera of a rig.
_NAMING = (
    re.compile(r" on video '(?P<video>.*?)', read from (?P<file>.+?)[.;](?=\s|$)"),
    re.compile(r" from cameras '.*?', read from (?P<file>.+?)\.(?=\s|$)"),
    re.compile(r"^Camera that recorded the behavior video '(?P<video>.*?)'(?:, in the folder '.*')?\.$"),
    re.compile(
        r"^Behavior video '(?P<video>.*)'(?: on which the poses were estimated|, from which the training frames "
        r"were taken)\.$"
    ),
    re.compile(r"^Camera '.*?' of the rig in (?P<file>.+?); "),
)
# A container's (or a camera view's) fields naming its video and its camera, and the block each names.
_REFERENCES = {"source_video_metadata_key": ("Behavior", "ExternalVideos"), "device_metadata_key": ("Devices",)}
_FILE_BLOCKS = (("Devices",), ("Behavior", "ExternalVideos"))


def described_names(description: Any) -> set[tuple[str, str]]:
    """Return the pose files and videos a description names in poseconv's default words.

    Parameters
    ----------
    description : Any
        A ``description`` of the metadata (anything but text names nothing).

    Returns
    -------
    set of tuple
        ``("file", name)`` and ``("video", name)``; empty for a description in other words.
    """
    if not isinstance(description, str):
        return set()
    found = set()
    for form in _NAMING:
        for match in form.finditer(description):
            found |= {(kind, name) for kind, name in match.groupdict().items() if name}
    return found


def _all_named(node: Any) -> set[tuple[str, str]]:
    """Return what every ``description`` in ``node`` (an input's defaults) names."""
    if isinstance(node, list):
        return set().union(*map(_all_named, node)) if node else set()
    if not isinstance(node, Mapping):
        return set()
    found = described_names(node.get("description"))
    return found.union(*map(_all_named, node.values()))


def _at(node: Any, path: Iterable[Any]) -> Any:
    for step in path:
        node = node.get(step) if isinstance(node, Mapping) else None
    return node


def _entries(node: Any, path: tuple[Any, ...]) -> Mapping[str, Any]:
    found = _at(node, path)
    return found if isinstance(found, Mapping) else {}


def _said(path: tuple[Any, ...]) -> str:
    return "metadata" + "".join(f"[{step!r}]" for step in path)


def _names_said(names: Iterable[tuple[str, str]], last: str = " and ") -> str:
    """Say files and videos, files first: ``x.h5 and video 'x'`` (``last`` joins the last two)."""
    ordered = sorted(names, key=lambda pair: (pair[0] != "file", pair[1]))
    words = [name if kind == "file" else f"video {name!r}" for kind, name in ordered]
    return ", ".join(words[:-1]) + f"{last}{words[-1]}" if len(words) > 1 else words[0]


class _Input:
    """One pose input's view of the user's metadata: what it is given, and what is its own."""

    def __init__(
        self,
        layers: tuple[Mapping[str, Any], Mapping[str, Any]],
        mine: Mapping[str, Any],
        handed_back: Mapping[tuple[str, str], Any],
        known: set[tuple[str, str]],
    ) -> None:
        self.layers, self.mine, self.handed_back = layers, mine, handed_back
        self.known = known | _all_named(mine)

    def given(self, path: tuple[Any, ...]) -> Any:
        """Return the value the user gives at ``path`` for this input (its own metadata over the file's)."""
        own_user, user = self.layers[1], self.layers[0]
        value = _at(own_user, path)
        return value if value is not None else _at(user, path)

    def handed_back_at(self, path: tuple[Any, ...]) -> bool:
        """Whether the value given at ``path`` is what ``get_metadata()`` shows of an entry several inputs share.

        It shows one input's description, video and camera there; handed back, each input keeps its own.
        """
        if path[0] not in ("Devices", "Pose"):
            return False
        at = 1 if path[0] == "Devices" else 2
        shown = _at(self.handed_back.get((path[at - 1], path[at])), path[at + 1 :])
        return shown is not None and shown == self.given(path)

    def foreign(self, path: tuple[Any, ...]) -> set[tuple[str, str]]:
        """Return what the description given at ``path`` names that is not this input's (nothing, handed back)."""
        if self.handed_back_at(path):
            return set()
        return described_names(self.given(path)) - self.known

    def containers(self) -> list[tuple[tuple[Any, ...], Mapping[str, Any]]]:
        """Return ``(path, own entry)`` of each of this input's containers and camera views."""
        found = []
        for block in CONTAINER_BLOCKS:
            for key, entry in _entries(self.mine, ("Pose", block)).items():
                found.append((("Pose", block, key), entry))
                for view, view_entry in _entries(entry, ("CameraViews",)).items():
                    found.append((("Pose", block, key, "CameraViews", view), view_entry))
        return [(path, entry) for path, entry in found if isinstance(entry, Mapping)]


def _descriptions(one: _Input) -> list[tuple[tuple[Any, ...], set[tuple[str, str]]]]:
    """Return each description given to this input's own entries that names another file or video."""
    paths = [(*path, "description") for path, _ in one.containers()]
    paths += [(*block, key, "description") for block in _FILE_BLOCKS for key in _entries(one.mine, block)]
    return [(path, names) for path in paths if (names := one.foreign(path))]


def _references(one: _Input, foreign: set[tuple[str, str]], keys: Mapping[tuple[str, ...], set[str]]) -> list[str]:
    """Say each container's video or camera key moved from this input's own to another video's entry.

    Another file's entry is described as poseconv describes another video, or (its description edited) keyed
    as poseconv keys a video the metadata describes elsewhere; ``foreign`` gains the videos found.
    """
    moved = []
    for path, entry in one.containers():
        for field_name, block in _REFERENCES.items():
            given, own = one.given((*path, field_name)), entry.get(field_name)
            if not isinstance(given, str) or not isinstance(own, str) or given in (own, *keys[block]):
                continue
            if not one.handed_back_at((*path, field_name)):
                moved.append(((*path, field_name), given, own, one.foreign((*block, given, "description"))))
    foreign |= set().union(*(theirs for *_, theirs in moved)) if moved else set()
    videos = {name for kind, name in foreign if kind == "video"}
    said = []
    for path, given, own, theirs in moved:
        if theirs or any(given in (video_key(video), camera_key(video)) for video in videos):
            said.append(f"{_said(path)} is {given!r}, not this file's {own!r}")
    return said


def _warn_other_file(name: str, one: _Input, keys: Mapping[tuple[str, ...], set[str]]) -> None:
    descriptions = _descriptions(one)
    foreign = set().union(*(names for _, names in descriptions)) if descriptions else set()
    said = [f"{_said(path)} names {_names_said(names)}" for path, names in descriptions]
    said += _references(one, foreign, keys)
    if not said:
        return
    warnings.warn(
        f"{name}: the metadata given was made for another pose file ({_names_said(foreign, ', ')}), as "
        "`poseconv metadata` printed it, and labels this file's poses, video and camera as that one's: "
        f"{'; '.join(said)}. Leave these fields out, with that file's entries in Devices and "
        "Behavior.ExternalVideos, for this file to take its own: metadata for several files (convert -m, a "
        "spec's metadata) gives only what they share (docs/metadata.md).",
        PoseconvWarning,
        stacklevel=6,
    )


def _edge_said(edge: Any, nodes: list[Any]) -> str:
    """Say an edge by its nodes' names (``snout-tailbase``), or as given when it is not two of their indices."""
    if isinstance(edge, list) and len(edge) == 2 and all(isinstance(i, int) and 0 <= i < len(nodes) for i in edge):
        return f"{nodes[edge[0]]}-{nodes[edge[1]]}"
    return str(edge)


def _warn_edges_left_out(name: str, one: _Input) -> None:
    for key, entry in _entries(one.mine, ("Pose", "Skeletons")).items():
        nodes, edges = (entry.get("nodes") or [], entry.get("edges") or []) if isinstance(entry, Mapping) else ([], [])
        path = ("Pose", "Skeletons", key, "edges")
        if one.given(path) != [] or not edges:
            continue
        pairs = ", ".join(_edge_said(edge, nodes) for edge in edges[:3]) + (", ..." if len(edges) > 3 else "")
        warnings.warn(
            f"{name}: {_said(path)} is [], but this file's skeleton has {len(edges)} edge(s) ({pairs}): it is "
            "written without them. Leave edges out to write the file's own (`poseconv metadata` prints [] for a "
            "file whose skeleton has none, which metadata for several sessions should not give).",
            PoseconvWarning,
            stacklevel=6,
        )


def warn_made_for_another_file(
    user: Mapping[str, Any],
    per_input_user: Mapping[str, Mapping[str, Any]],
    own: Mapping[str, Mapping[str, Any]],
    poses: list[str],
    others: Mapping[str, Mapping[str, Any]],
) -> None:
    """Warn, for each pose input, of the metadata given that is another pose file's own (see the module docstring).

    Parameters
    ----------
    user, per_input_user, own, poses
        As :func:`~poseconv.metadata.unknown.user_problems`, which calls this, takes them.
    others : mapping of str to mapping
        The other interfaces' defaults: the videos they describe, and their keys, are this conversion's.
    """
    # Another interface's video and camera (neuroconv's ExternalVideoInterface) are the user's to link poses to;
    # another pose input's are not (each input's poses link its own video).
    keys = {block: set().union(*(_entries(layer, block) for layer in others.values())) for block in _FILE_BLOCKS}
    known = set().union(*map(_all_named, others.values())) if others else set()
    handed_back = shared_entries(own, poses)
    for name in poses:
        one = _Input((user, per_input_user.get(name) or {}), own[name], handed_back, known)
        files = sorted(file for kind, file in _all_named(own[name]) if kind == "file")
        said = ", ".join(files) if files else name
        _warn_other_file(said, one, keys)
        _warn_edges_left_out(said, one)
