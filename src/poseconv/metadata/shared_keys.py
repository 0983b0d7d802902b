"""Keyed Pose entries several pose inputs of one conversion share, as ``get_metadata()`` shows them.

neuroconv's ``NWBConverter.get_metadata`` merges the inputs' metadata key by key: two inputs whose
containers have the same key (two single-animal files: ``PoseEstimation``) show one entry, with a
name both have by default and the body parts of both. A user who hands that metadata back has
chosen none of it; :func:`without_handed_back` leaves out what is unchanged, so each input keeps
its own, and only what the user changed applies to every input sharing the key.

The other way round, an input's container may name by key a video or camera that another
interface of the conversion has (:func:`borrow_referenced`), and neuroconv's own pose interfaces have blocks
of their own that poseconv's do not read (:func:`legacy_pose_layout_problems`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .checks import skeleton_problems
from .defaults import to_plain
from .problems import MetadataProblem
from .video_links import (
    leave_cameras_to_views,
    name_internal_videos_by_file,
    name_videos_found_elsewhere,
    name_view_videos_found_elsewhere,
    without_internal_stand_ins,
)

__all__ = [
    "CONTAINER_BLOCKS",
    "KEYED_BLOCKS",
    "VIDEO_BLOCKS",
    "borrow_referenced",
    "defer_to_other_videos",
    "leave_cameras_to_views",
    "legacy_pose_layout_problems",
    "name_internal_videos_by_file",
    "name_view_videos_found_elsewhere",
    "place_shared_edges",
    "said_as_legacy_layouts",
    "shared_edge_problems",
    "shared_entries",
    "show_linked_references",
    "show_shared_edges",
    "without_handed_back",
    "without_internal_stand_ins",
    "without_legacy_pose_layouts",
]

#: Blocks of ``metadata["Pose"]`` whose entries are the containers of one input, by key.
CONTAINER_BLOCKS = ("PoseEstimations", "MultiCameraPoseEstimations")
#: Blocks whose keys belong to an input (a user's entry must name a key of some input).
KEYED_BLOCKS = (*CONTAINER_BLOCKS, "Skeletons", "CalibratedCameras")


def shared_entries(defaults: Mapping[str, Mapping[str, Any]], inputs: list[str]) -> dict[tuple[str, str], Any]:
    """Return, by ``(block, key)``, the merged entry of every keyed Pose entry several inputs share.

    Merged as neuroconv's ``NWBConverter.get_metadata`` merges them (lists appended), so these are
    the values a user who hands ``get_metadata()`` back gives for the shared keys. The file's ``Devices``
    are among them, as ``("Devices", key)``: two inputs' cameras of one video name (in folders of their own,
    without their videos) show one entry, the last input's description, which would make them one camera.
    """
    from neuroconv.utils import dict_deep_update

    shared: dict[tuple[str, str], Any] = {}
    for block in (*KEYED_BLOCKS, "PoseTraining", "Devices"):
        found: dict[str, list[Any]] = {}
        for name in inputs:
            entries = (defaults[name] if block == "Devices" else (defaults[name].get("Pose") or {})).get(block)
            if block == "PoseTraining":
                entries = {"": entries} if isinstance(entries, dict) else {}
            for key, entry in (entries or {}).items():
                found.setdefault(key, []).append(entry)
        for key, entries in found.items():
            if len(entries) > 1 and all(isinstance(entry, dict) for entry in entries):
                merged: dict[str, Any] = {}
                for entry in entries:
                    merged = dict_deep_update(merged, copy.deepcopy(entry))
                if block == "Skeletons":
                    merged["edges"] = _edges_on_shown_nodes(entries, list(merged.get("nodes") or []))
                shared[(block, key)] = to_plain(merged)
    return shared


def show_shared_edges(metadata: dict[str, Any], shared: Mapping[tuple[str, str], Any]) -> None:
    """Show each skeleton several pose inputs share with every input's edges on the nodes of all (in place).

    neuroconv's ``get_metadata`` appends the inputs' edges, each indexing its own input's nodes; the composition
    reads the edges shown as indices into the nodes shown (:func:`place_shared_edges`). ``shared``: the
    entries of :func:`shared_entries`.
    """
    skeletons = (metadata.get("Pose") or {}).get("Skeletons") or {}
    for (block, key), merged in shared.items():
        if block == "Skeletons" and isinstance(skeletons.get(key), dict):
            skeletons[key]["edges"] = merged["edges"]


def show_linked_references(metadata: dict[str, Any], per_input: Mapping[str, Mapping[str, Any]]) -> None:
    """Show each container's video and camera keys as the composition links them (in place).

    neuroconv's ``get_metadata`` shows each input's defaults, whose containers name the input's own
    ``video_<stem>`` and ``video_<stem>_camera``; the composition points them at another interface's entries
    for the same video (:func:`defer_to_other_videos`) and leaves the input's own out. Handed back unedited,
    the keys shown would be the user's choice of entries the metadata no longer has. ``per_input``: each pose
    input's composed metadata (with no user metadata); a field inputs sharing a container key link
    differently is left as shown.
    """
    linked: dict[tuple[str, str, str], set[Any]] = {}
    for composed in per_input.values():
        for block in CONTAINER_BLOCKS:
            for key, entry in ((composed.get("Pose") or {}).get(block) or {}).items():
                for field_name in _REFERENCES if isinstance(entry, Mapping) else ():
                    if field_name in entry:
                        linked.setdefault((block, key, field_name), set()).add(entry[field_name])
    for (block, key, field_name), values in linked.items():
        entry = ((metadata.get("Pose") or {}).get(block) or {}).get(key)
        if isinstance(entry, dict) and len(values) == 1:
            entry[field_name] = next(iter(values))


def _edges_on_shown_nodes(entries: list[dict[str, Any]], nodes: list[Any]) -> list[list[int]]:
    """Return every input's edges as indices into the nodes shown for all (lists appended would keep each input's)."""
    edges: list[list[int]] = []
    for entry in entries:
        own = list(entry.get("nodes") or [])
        for edge in entry.get("edges") or []:
            if len(edge) == 2 and all(isinstance(i, int) and 0 <= i < len(own) for i in edge):
                pair = [nodes.index(own[edge[0]]), nodes.index(own[edge[1]])]
                if pair not in edges:
                    edges.append(pair)
    return edges


def _drop_equal(given: dict[str, Any], handed_back: Mapping[str, Any]) -> None:
    """Remove from ``given`` (in place) every value equal to the one ``handed_back`` has there."""
    for field_name in list(given):
        if field_name not in handed_back:
            continue
        value, default = given[field_name], handed_back[field_name]
        if isinstance(value, dict) and isinstance(default, Mapping):
            _drop_equal(value, default)
            if not value:
                del given[field_name]
        elif to_plain(value) == default:
            del given[field_name]


def without_handed_back(user: dict[str, Any], shared: Mapping[tuple[str, str], Any]) -> dict[str, Any]:
    """Return the user's metadata without what ``get_metadata()`` shows of entries several inputs share (in place).

    Those entries merge the inputs' own (a name they all have by default, the body parts of all);
    handed back unedited, they would be imposed on each input (their containers then clash). Only
    what the user changed there is a choice, applied to every input that shares the key.
    """
    pose = user.get("Pose")
    for (block, key), merged in shared.items():
        entries = user.get(block) if block == "Devices" else pose.get(block) if isinstance(pose, dict) else None
        entry = entries if block == "PoseTraining" else (entries.get(key) if isinstance(entries, dict) else None)
        if isinstance(entry, dict):
            _drop_equal(entry, merged)
            if block == "Devices" and not entry:
                # Nothing chosen: left out, not an empty camera imposed on an input that links another's.
                del entries[key]
    return user


def _edited_shared_edges(
    user: Mapping[str, Any], shared: Mapping[tuple[str, str], Any]
) -> list[tuple[str, list[Any], list[Any]]]:
    """Return ``(key, shown nodes, edges)`` of each skeleton several inputs share whose edges the user gives.

    Edges given with nodes of the user's own index those nodes (which the nodes check holds to each input's).
    """
    entries = (user.get("Pose") or {}).get("Skeletons") if isinstance(user.get("Pose"), Mapping) else None
    found = []
    for (block, key), merged in shared.items():
        entry = entries.get(key) if block == "Skeletons" and isinstance(entries, Mapping) else None
        if isinstance(entry, Mapping) and isinstance(entry.get("edges"), list) and "nodes" not in entry:
            found.append((key, list(merged.get("nodes") or []), entry["edges"]))
    return found


def _named_edges(nodes: list[Any], edges: list[Any]) -> list[tuple[int, Any, Any]]:
    """Return ``(index, node, node)`` of each edge that joins two of ``nodes`` (the others are refused as edges)."""
    entry = {"nodes": nodes, "edges": edges}
    if skeleton_problems(entry):
        return []
    pairs = [(i, edge) for i, edge in enumerate(edges) if isinstance(edge, list | tuple) and len(edge) == 2]
    return [(i, nodes[a], nodes[b]) for i, (a, b) in pairs if isinstance(a, int) and isinstance(b, int)]


def shared_edge_problems(
    user: Mapping[str, Any], shared: Mapping[tuple[str, str], Any], defaults: Mapping[str, Mapping[str, Any]]
) -> list[tuple[tuple[Any, ...], str]]:
    """Return ``(path, message)`` for each edge of a shared skeleton that no single input can have.

    ``get_metadata()`` shows a skeleton several inputs share with the nodes of all (:func:`shared_entries`); the
    edges a user gives there index those nodes, and an edge whose two nodes no input has both joins nothing.
    """
    problems = []
    for key, nodes, edges in _edited_shared_edges(user, shared):
        where = ("Pose", "Skeletons", key, "edges")
        problems += [(where, message) for message in skeleton_problems({"nodes": nodes, "edges": edges})]
        owners = {name: _own_nodes(value, key) for name, value in defaults.items()}
        for index, a, b in _named_edges(nodes, edges):
            if not any(a in own and b in own for own in owners.values()):
                having = "; ".join(f"{name}: {', '.join(map(str, own))}" for name, own in owners.items() if own)
                message = (
                    f"edge {index} {list(edges[index])} joins {a!r} and {b!r}, but no input's skeleton under this key "
                    f"has both (each input keeps its own nodes: {having}); join two nodes of one input."
                )
                problems.append((where, message))
    return problems


def _own_nodes(metadata: Mapping[str, Any], key: str) -> list[Any]:
    """Return the nodes of an input's skeleton under ``key`` (empty when it has none)."""
    entry = ((metadata.get("Pose") or {}).get("Skeletons") or {}).get(key)
    return list(entry.get("nodes") or []) if isinstance(entry, Mapping) else []


def place_shared_edges(
    restricted: dict[str, Any], user: Mapping[str, Any], shared: Mapping[tuple[str, str], Any], own: Mapping[str, Any]
) -> None:
    """Give an input the edges the user changed on a shared skeleton, as its own indices (in place).

    ``restricted`` is the user's metadata for the input (its keys only), ``own`` the input's defaults. Edges
    index the nodes ``get_metadata()`` showed, all the inputs' (:func:`shared_entries`), with every input's
    edges; applied by index to each input's own nodes, an edge drawn between two nodes of one input joined two
    others of the next. Only the change is a choice, as for the other shared fields: an input keeps its own
    edges the user left, loses those removed, and gains those added whose two nodes it has (not the other
    inputs' edges the list showed).
    """
    skeletons = (restricted.get("Pose") or {}).get("Skeletons") or {}
    for key, nodes, edges in _edited_shared_edges(user, shared):
        mine = _own_nodes(own, key)
        if key in skeletons and isinstance(skeletons[key], dict):
            shown = {(a, b) for _, a, b in _named_edges(nodes, shared[("Skeletons", key)].get("edges") or [])}
            given = [(a, b) for _, a, b in _named_edges(nodes, edges)]
            own_entry = ((own.get("Pose") or {}).get("Skeletons") or {}).get(key) or {}
            kept = [pair for _, *pair in _named_edges(mine, own_entry.get("edges") or []) if tuple(pair) in given]
            chosen = [*map(tuple, kept), *(pair for pair in given if pair not in shown)]
            skeletons[key]["edges"] = [
                [mine.index(a), mine.index(b)] for a, b in dict.fromkeys(chosen) if a in mine and b in mine
            ]


# Fields of a container entry that name another interface's entry by key, and the block that holds it.
_REFERENCES = {
    "source_video_metadata_key": ("Behavior", "ExternalVideos"),
    "labeled_video_metadata_key": ("Behavior", "ExternalVideos"),
    "device_metadata_key": ("Devices",),
}
#: The blocks of neuroconv's video interfaces' entries: ExternalVideoInterface's, InternalVideoInterface's.
VIDEO_BLOCKS = ("ExternalVideos", "InternalVideos")


def borrow_referenced(merged: dict[str, Any], file_blocks: Mapping[str, Any]) -> None:
    """Copy into an input's metadata the video and camera entries of other interfaces it names (in place).

    An input keeps its own ``Devices`` and ``Behavior`` (another input may use the same keys for
    other videos); a container naming a video or camera only another interface has (a labeled
    video of neuroconv's ``ExternalVideoInterface``) takes that entry from the file's metadata.
    """

    def entries(metadata: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
        for step in path:
            metadata = metadata.get(step) if isinstance(metadata, Mapping) else None
        return metadata if isinstance(metadata, Mapping) else {}

    containers = list(((merged.get("Pose") or {}).get("PoseEstimations") or {}).values())
    for entry in containers:
        for field_name, path in _REFERENCES.items():
            key = entry.get(field_name) if isinstance(entry, Mapping) else None
            if key is None or key in entries(merged, path) or key not in entries(file_blocks, path):
                continue
            borrowed = copy.deepcopy(dict(entries(file_blocks, path)[key]))
            target = merged
            for step in path:
                target = target.setdefault(step, {})
            target[key] = borrowed
            # A borrowed video brings the camera it names.
            containers.append({"device_metadata_key": borrowed.get("device_metadata_key")})
    _follow_internal_names(merged, entries(file_blocks, ("Behavior", "InternalVideos")))


def _follow_internal_names(merged: dict[str, Any], internal: Mapping[str, Any]) -> None:
    """Give an input's video entries the name the file's ``InternalVideos`` entry of their key has (in place).

    The input's entry of a video neuroconv's ``InternalVideoInterface`` writes under the same key (``video_<stem>``)
    is that video; the poses link it by its name, which the user may change in the internal entry
    (``metadata["Behavior"]["InternalVideos"][key]["name"]``) after the defaults were linked. A camera shared is
    no such sign: one camera may record several videos (the user giving a video the internal video's camera), and
    each video's poses keep linking their own.
    """
    videos = (merged.get("Behavior") or {}).get("ExternalVideos") or {}
    for key, same in internal.items():
        entry = videos.get(key)
        if not isinstance(entry, dict) or not isinstance(same, Mapping) or not same.get("name"):
            continue
        # Entries of one name are one ImageSeries in the file (the writers reuse it by name): the training frames'
        # entry of the video, under video_<stem> where their writer looks (_link_other_video), follows too.
        old, entry["name"] = entry.get("name"), same["name"]
        for other in videos.values():
            if old and isinstance(other, dict) and other.get("name") == old:
                other["name"] = same["name"]


def defer_to_other_videos(own: Mapping[str, dict[str, Any]], others: Iterable[Mapping[str, Any]]) -> None:
    """Point an input's containers at another interface's entry for the same video, and drop its own (in place).

    neuroconv's ``ExternalVideoInterface`` given its own ``metadata_key`` ("BehaviorCam") declares the
    video (``Video <stem>``) and its camera under keys of its own; a pose input's defaults declare the same
    objects under ``video_<stem>`` and ``video_<stem>_camera``, and neuroconv refuses two keys for one
    device. An input's video entry whose object name another interface's entry has under another key
    is that interface's video: the input's containers link it (and its camera), as they do when the keys
    are the same. neuroconv's ``InternalVideoInterface`` (``InternalVideos``, the frames in the file) is linked
    alike (:func:`_link_other_video`). An input's training frames defer alike: their videos left to the other
    interface, they link the video it wrote (``nwb/write/training.py`` finds it by its file or name), and no
    camera of their own is added.
    """
    theirs: dict[str, tuple[str, Mapping[str, Any], str]] = {}
    theirs_by_key: dict[str, tuple[str, Mapping[str, Any], str]] = {}
    for metadata in others:
        # neuroconv's InternalVideoInterface declares the same objects (Video <stem>, video_<stem>, its camera)
        # under InternalVideos: its video (frames in the file) is linked alike, not written again beside it.
        for block in VIDEO_BLOCKS:
            for key, entry in ((metadata.get("Behavior") or {}).get(block) or {}).items():
                if isinstance(entry, Mapping) and entry.get("name"):
                    theirs.setdefault(entry["name"], (key, entry, block))
                    theirs_by_key.setdefault(key, (key, entry, block))
    for metadata in own.values():
        name_videos_found_elsewhere(metadata, theirs, theirs_by_key)
        videos = (metadata.get("Behavior") or {}).get("ExternalVideos") or {}
        for key, entry in list(videos.items()):
            # The same key (neuroconv's video_<stem>) under the name the lab gave the video (video_name=):
            # that interface writes it, so its name stands, not the input's default one.
            other_key, other, block = theirs.get(entry.get("name")) or theirs_by_key.get(key) or (key, None, "")
            if other is None or (other_key == key and other.get("name") == entry.get("name")):
                continue
            _link_other_video(metadata, key, entry, other_key, other, block)


def _link_other_video(
    metadata: dict[str, Any], key: str, entry: Mapping[str, Any], other_key: str, other: Mapping[str, Any], block: str
) -> None:
    """Make an input's video entry ``key`` link the video of another interface's entry (in place).

    An ``ExternalVideos`` entry stands for the input's: the containers name it, and the input's is dropped. An
    ``InternalVideos`` entry (its video's frames in the file) has no external file to find and no key the pose
    writers look up: the input's entry takes its name, which the writer links (``nwb/write/video.py`` reuses the
    file's ImageSeries of the name), and its camera, and moves to its key, so that a name the user gives the
    internal entry later reaches it (:func:`_follow_internal_names`; under ``video_<stem>`` beside an internal
    ``metadata_key``, nothing left them one video). Either way the input's own camera is dropped (one camera,
    under the other interface's key: neuroconv refuses two keys of one device name).
    """
    camera = entry.get("device_metadata_key")
    theirs = other.get("device_metadata_key")
    videos = metadata["Behavior"]["ExternalVideos"]
    named = False
    for container in ((metadata.get("Pose") or {}).get("PoseEstimations") or {}).values():
        if container.get("source_video_metadata_key") == key:
            named = True
            container["source_video_metadata_key"] = other_key
            if theirs and container.get("device_metadata_key") == camera:
                container["device_metadata_key"] = theirs
    del videos[key]
    if block != "ExternalVideos":
        videos[other_key] = {**entry, "name": other["name"], **({"device_metadata_key": theirs} if theirs else {})}
        if not named:
            # Training frames name no key: their writer looks the video up under video_<stem>.
            videos[key] = dict(videos[other_key])
    if theirs:
        (metadata.get("Devices") or {}).pop(camera, None)


#: neuroconv's own pose interfaces' metadata layouts (still read by them in neuroconv 0.10), which poseconv's do not
#: read, by where they stand and whose they are.
_LEGACY_POSE_LAYOUTS = {
    ("PoseEstimation", "PoseEstimationContainers"): "neuroconv's DeepLabCutInterface",
    ("Behavior", "PoseEstimation"): "neuroconv's LightningPoseInterface and SLEAPInterface",
}


def legacy_pose_layout_problems(metadata: Mapping[str, Any] | None) -> list[Any]:
    """Return a problem for each of neuroconv's pose metadata layouts ``metadata`` holds, which poseconv does not read.

    The one text of both ways a user hears of it: the pipeline's refusal (``PoseNWBConverter.metadata_problems``
    says it in place of "not a metadata block") and the warning of an interface inside neuroconv's own
    ``NWBConverter``, which validates nothing of poseconv's (``PoseconvInterfaceMixin.add_to_nwbfile``).
    """
    problems = []
    for path, whose in _LEGACY_POSE_LAYOUTS.items():
        block = metadata.get(path[0]) if isinstance(metadata, Mapping) else None
        if not isinstance(block, Mapping) or path[1] not in block:
            continue
        problems.append(
            MetadataProblem(
                path,
                f"is the layout of {whose}, which poseconv's pose interfaces do not read: the names and "
                "descriptions given there are not written. Give them under metadata['Pose']['PoseEstimations']"
                "[<key>] (the keys get_metadata() shows there), or leave this block to neuroconv's own pose "
                "interface when the conversion has one.",
            )
        )
    return problems


def said_as_legacy_layouts(problems: list[Any], metadata: Mapping[str, Any] | None) -> list[Any]:
    """Return ``problems`` with what is said of neuroconv's pose layouts in ``metadata`` said as such.

    Found unknown ("not a metadata block of these inputs"), they are said as :func:`legacy_pose_layout_problems`
    says them; where another interface of the conversion reads them (neuroconv's own pose interface), they
    were no problem and stay none.
    """
    legacy = legacy_pose_layout_problems(metadata)
    said = []
    for problem in problems:
        found = [own for own in legacy if problem.input is None and own.path[: len(problem.path)] == problem.path]
        said += found or [problem]
    return list(dict.fromkeys(said))


def without_legacy_pose_layouts(metadata: dict[str, Any]) -> dict[str, Any]:
    """Return ``metadata`` without neuroconv's pose layouts (:func:`legacy_pose_layout_problems`), for a pose input.

    A converter that checked the metadata hands its pose inputs what is theirs: such a block there is another
    interface's (neuroconv's own pose interface of the conversion), and no reason for them to warn.
    """
    found = legacy_pose_layout_problems(metadata)
    if not found:
        return metadata
    metadata = dict(metadata)
    for problem in found:
        first, inner = problem.path
        metadata[first] = {key: value for key, value in metadata[first].items() if key != inner}
        if not metadata[first]:
            del metadata[first]
    return metadata
