"""Compose the metadata of one conversion from its inputs' defaults and the user's metadata.

Every entry point (an interface's ``run_conversion``, ``PoseNWBConverter``,
``poseconv convert``, ``poseconv run``) ends here, so the same metadata gives
the same file from each of them.

Each pose input (an interface writing poses, sessions or training labels) keeps
metadata of its own, because two inputs may well use the same container keys
(``PoseEstimation``, ``PoseEstimation_<animal>``). Layers, lowest first:

1. each input's defaults (``get_metadata()``); where two pose inputs would write
   objects of the same name, *every* one of them takes a suffix (its video, then
   its input name), so names stay predictable and symmetric;
2. the user's metadata: everything but ``Pose`` applies to the file, and its
   ``Pose`` entries apply to every input that has their keys;
3. the user's metadata for one input (``input_metadata``; a spec's per-file ``metadata``).

Within an input, listing some of its containers chooses which are written (all of
them when none is listed). A key that no input has, a container entry that matches
no container and a top-level block that no interface knows are errors, each with
the closest valid names.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import PoseconvWarning
from .checks import (
    date_of_birth_problem,
    module_name_problem,
    normalize_date_of_birth,
    series_node_problems,
    skeleton_problems,
    start_time_problem,
    text_space_problems,
)
from .container_names import names_beside
from .defaults import merge_metadata, to_plain, video_of_camera_key, with_types_of
from .empty_fields import drop_form_empty_text
from .names import unique_name
from .problems import MetadataProblem
from .provenance import with_poseconv_provenance
from .session_fields import gather_session_fields
from .shape import shaped_copy
from .shared_keys import (
    CONTAINER_BLOCKS,
    KEYED_BLOCKS,
    borrow_referenced,
    defer_to_other_videos,
    leave_cameras_to_views,
    place_shared_edges,
    shared_edge_problems,
    shared_entries,
    without_handed_back,
)
from .start_times import normalize_start_time
from .unknown import pose_keys, user_problems
from .writable import writer_problems

__all__ = [
    "CONTAINER_BLOCKS",
    "ComposedMetadata",
    "MetadataProblem",
    "compose_metadata",
    "to_plain",
    "with_types_of",
]


@dataclass
class ComposedMetadata:
    """The metadata of a conversion: the file's, and each pose input's.

    Attributes
    ----------
    shared : dict
        The file's metadata (``NWBFile``, ``Subject``, devices, other interfaces' blocks), with every
        pose input's containers merged in for tools that want one dict.
    per_input : dict of str to dict
        The metadata each pose input is written with.
    problems : list of MetadataProblem
        Everything wrong, found in one pass.
    shared_entries : dict of (str, str) to dict
        The keyed entries several pose inputs share, merged as ``get_metadata()`` shows them
        (:func:`~poseconv.metadata.shared_keys.shared_entries`).
    """

    shared: dict[str, Any] = field(default_factory=dict)
    per_input: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[MetadataProblem] = field(default_factory=list)
    shared_entries: dict[tuple[str, str], Any] = field(default_factory=dict)

    def file_blocks(self) -> dict[str, Any]:
        """Return the blocks a new NWBFile is made from: :attr:`shared` without the pose containers.

        neuroconv's provenance record (``NWBFile.source_script``) names poseconv too.
        """
        return with_poseconv_provenance({k: v for k, v in self.shared.items() if k != "Pose"})


def _start_time_problems(metadata: Mapping[str, Any]) -> list[MetadataProblem]:
    """Check ``NWBFile.session_start_time``: ISO-8601 date and time with a time zone, as NWB needs."""
    start = (metadata.get("NWBFile") or {}).get("session_start_time")
    message = None if start is None else start_time_problem(start)
    return (
        []
        if message is None
        else [MetadataProblem(("NWBFile", "session_start_time"), f"{to_plain(start)!r} {message}")]
    )


def _date_of_birth_problems(metadata: Mapping[str, Any]) -> list[MetadataProblem]:
    """Check ``Subject.date_of_birth``: an ISO 8601 date, as pynwb needs, not after the session started."""
    subject = metadata.get("Subject") if isinstance(metadata.get("Subject"), Mapping) else {}
    start = (metadata.get("NWBFile") or {}).get("session_start_time")
    message = date_of_birth_problem(subject.get("date_of_birth"), start)
    return [] if message is None else [MetadataProblem(("Subject", "date_of_birth"), message)]


def _given_in(layer: Any, path: tuple[Any, ...]) -> bool:
    """Whether ``layer`` (the user's metadata of one input) gives a value at ``path``."""
    for step in path:
        if not isinstance(layer, Mapping) or step not in layer:
            return False
        layer = layer[step]
    return True


def _nodes_problem(
    entry: Mapping[str, Any], expected: Any, where: tuple[Any, ...], name: str, own_user: Any, several: bool
) -> MetadataProblem | None:
    """Report skeleton nodes that are not the input's own (``expected``, in its order); None when they are.

    The writer links each pose series to its node by the pose file's body part, so it refuses nodes
    renamed or reordered; said here, validate_metadata and ``run --check`` refuse what the writer would.
    The problem is the input's when its own metadata (``own_user``) gives the nodes.
    """
    nodes = entry.get("nodes")
    if not isinstance(nodes, list) or not isinstance(expected, list) or nodes == expected:
        return None
    source = f"the pose file of {name}" if several else "the pose file"
    message = (
        f"lists {nodes}, but {source} has {expected}; nodes cannot be renamed or reordered in metadata: "
        "give them as the file has them, or leave nodes out."
    )
    return MetadataProblem(where, message, name if _given_in(own_user, where) else None)


def _skeleton_problems(
    per_input: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Mapping[str, Any]],
    input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Report skeleton nodes not the pose file's, series named as another node, edges that cannot be written or read.

    ``input_user`` holds the user's metadata of single inputs (which input gave a value is said).
    """
    problems = []
    for name, metadata in per_input.items():
        for block in CONTAINER_BLOCKS:
            # Renaming a node's series to another node's name renames both nodes for readers that go by series names.
            containers = (defaults[name].get("Pose") or {}).get(block) or {}
            for key, entry in ((metadata.get("Pose") or {}).get(block) or {}).items():
                for where, message in series_node_problems(entry, containers.get(key)):
                    which = name if len(per_input) > 1 else None
                    problems.append(MetadataProblem(("Pose", block, key, *where), message, which))
        own = (defaults[name].get("Pose") or {}).get("Skeletons") or {}
        for key, entry in ((metadata.get("Pose") or {}).get("Skeletons") or {}).items():
            if not isinstance(entry, Mapping):
                continue
            expected = (own.get(key) or {}).get("nodes") if isinstance(own.get(key), Mapping) else None
            where = ("Pose", "Skeletons", key, "nodes")
            found = _nodes_problem(entry, expected, where, name, input_user.get(name), len(per_input) > 1)
            if found is not None:
                # Its edges index nodes that are not the file's: what is past the last node follows from the nodes.
                problems.append(found)
                continue
            for message in skeleton_problems(entry):
                where = ("Pose", "Skeletons", key, "edges")
                problems.append(MetadataProblem(where, message, name if len(per_input) > 1 else None))
    return problems


def _duplicate_names(per_input: Mapping[str, Mapping[str, Any]], trains: set[str]) -> list[MetadataProblem]:
    """Report containers of two inputs that the metadata gives the same name (the file can hold one).

    A name poseconv gives an object of its own beside them (:data:`~.names.MODULE_OBJECT_NAMES`) is taken,
    for a ``PoseTraining`` too (two inputs' training data of one project are written once, under one name).
    ``trains`` names the inputs that write training data: a PoseTraining entry the user's metadata gives
    every input is theirs only.
    """
    problems = []
    for block in (*CONTAINER_BLOCKS, "PoseTraining"):
        seen: dict[str, tuple[str, Any]] = {}
        for name, metadata in per_input.items():
            found = (metadata.get("Pose") or {}).get(block) or {}
            if block == "PoseTraining" and name not in trains:
                continue
            # PoseTraining is one entry, not keyed by container.
            keyed = {None: found} if block == "PoseTraining" else found
            for key, entry in keyed.items():
                where = ("Pose", block, "name") if key is None else ("Pose", block, key, "name")
                if not isinstance(entry, dict):
                    continue
                if (message := module_name_problem(entry.get("name"))) is not None:
                    problems.append(MetadataProblem(where, message, name))
                if key is not None and entry.get("name") in seen and seen[entry["name"]][0] != name:
                    problems.append(
                        MetadataProblem(where, _clash_message(entry["name"], key, *seen[entry["name"]]), name)
                    )
                seen.setdefault(entry.get("name"), (name, key))
    return problems + _training_named_as_a_container(per_input, trains)


def _clash_message(container: str, key: str, other: str, other_key: Any) -> str:
    """Say a container name two inputs have, and the ways each entry point has to name them apart.

    The session's metadata gives a key's entry to every input that has the key, so a name given there names
    all of them; ``poseconv convert`` and a converter have no metadata of one input.
    """
    by = f": the key {key!r} is {other}'s too, and a name given under it in the session's metadata names both"
    return (
        f"{container!r} is also the name of a container of {other}{by if key == other_key else ''}. Name them "
        "apart by input: in Python, give one interface another metadata_key= (its source_data); in a spec "
        "(poseconv run), give the name in one pose file's own `metadata`; or leave the name out (poseconv convert "
        "has one metadata for all its inputs): each input's default name is its own."
    )


def _training_named_as_a_container(
    per_input: Mapping[str, Mapping[str, Any]], trains: set[str]
) -> list[MetadataProblem]:
    """Report a PoseTraining given the name of a pose container of any input (both go to processing['behavior'])."""
    containers = {
        entry.get("name"): name
        for name, metadata in per_input.items()
        for block in CONTAINER_BLOCKS
        for entry in ((metadata.get("Pose") or {}).get(block) or {}).values()
        if isinstance(entry, dict)
    }
    problems = []
    for name, metadata in per_input.items():
        training = (metadata.get("Pose") or {}).get("PoseTraining") if name in trains else None
        if isinstance(training, dict) and training.get("name") in containers:
            owner = containers[training["name"]]
            message = f"{training['name']!r} is also the name of a pose container of {owner}; choose another."
            problems.append(MetadataProblem(("Pose", "PoseTraining", "name"), message, name))
    return problems


def _rename_clashes(defaults: dict[str, dict[str, Any]], inputs: list[str], reserved: set[str]) -> None:
    """Give every container whose default name another input also uses, or writes beside one, a suffix (video, input).

    ``reserved`` holds the names of other interfaces' containers (neuroconv's own pose interfaces):
    those keep their names, a pose input's container of the same name takes the suffix.
    """
    for block in (*CONTAINER_BLOCKS, "PoseTraining"):
        entries = []
        for name in inputs:
            pose = defaults[name].get("Pose") or {}
            found = pose.get(block)
            if block == "PoseTraining":
                entries += [(name, found)] if isinstance(found, dict) else []
            else:
                entries += [(name, entry) for entry in (found or {}).values()]
        by_name: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for name, entry in entries:
            by_name.setdefault(entry["name"], []).append((name, entry))
        # The names written beside each container (its replaced predictions, instance scores): readers pair
        # a container of such a name, another input's track 'A_replaced_predictions', with that container.
        beside = {other for _, entry in entries for other in names_beside(entry["name"])}
        taken = set(by_name) | reserved | beside
        for base, group in by_name.items():
            if len(group) < 2 and base not in reserved and base not in beside:
                continue
            videos = [video_of_camera_key(entry) for _, entry in group]
            for (name, entry), video in zip(group, videos, strict=True):
                # The video tells the inputs apart (one camera each); otherwise the input's name does.
                by_video = f"{base}_{video}" if video and videos.count(video) == 1 else None
                if by_video is not None and by_video not in taken:
                    entry["name"] = by_video
                    taken.add(by_video)
                else:
                    entry["name"] = unique_name(f"{base}_{name}", taken)


def _container_names(metadata: Iterable[Mapping[str, Any]]) -> set[str]:
    """Return the names of the containers the ``Pose`` blocks of ``metadata`` give."""
    names = set()
    for value in metadata:
        for block in CONTAINER_BLOCKS:
            entries = (value.get("Pose") or {}).get(block)
            if isinstance(entries, Mapping):
                names |= {entry["name"] for entry in entries.values() if isinstance(entry, Mapping) and "name" in entry}
    return names


def _skeleton_shape(entry: Mapping[str, Any]) -> tuple[list[Any], list[list[Any]]]:
    """Return what makes two skeletons of one name the same skeleton: their nodes and edges."""
    return list(entry.get("nodes") or []), [list(edge) for edge in entry.get("edges") or []]


def _separate_skeletons(
    per_input: dict[str, dict[str, Any]],
    defaults: Mapping[str, Mapping[str, Any]],
    shared_keys: set[str],
    input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Give skeletons that differ (nodes or edges) but share a default name distinct names; report chosen names.

    The writer shares a skeleton between containers by name, so two different skeletons under one
    name would silently become the first. A name the user chose that another skeleton has is theirs
    to change (renaming the other one, which the user did not touch, would move its name away from
    under them); default names, and one the user gave a key several inputs share (``shared_keys``),
    take the input's name.
    """
    several = len(per_input) > 1
    entries = []
    for name, metadata in per_input.items():
        own = (defaults[name].get("Pose") or {}).get("Skeletons") or {}
        for key, entry in ((metadata.get("Pose") or {}).get("Skeletons") or {}).items():
            default = (own.get(key) or {}).get("name") if isinstance(own.get(key), Mapping) else None
            entries.append((name, key, entry, entry["name"] != default and key not in shared_keys))
    problems, refused = [], set()
    for index, (name, key, entry, chosen) in enumerate(entries):
        clashes = [
            (other_name, other_key)
            for other_index, (other_name, other_key, other, other_chosen) in enumerate(entries)
            if other_index != index
            and other["name"] == entry["name"]
            and _skeleton_shape(other) != _skeleton_shape(entry)
            # Of two names the user chose, the later one is said.
            and not (other_chosen and other_index > index)
        ]
        if chosen and clashes:
            other_name, other_key = clashes[0]
            where = ("Pose", "Skeletons", key, "name")
            message = (
                f"{entry['name']!r} is also the name of the skeleton under key {other_key!r}"
                f"{f' of {other_name}' if several else ''}, whose nodes or edges differ (a file holds one "
                "skeleton of each name); choose another."
            )
            problems.append(MetadataProblem(where, message, name if _given_in(input_user.get(name), where) else None))
            refused.add(index)
    # The names the user chose stand; default names that clash among themselves take the input's name.
    seen = {e["name"]: _skeleton_shape(e) for i, (_, _, e, chosen) in enumerate(entries) if chosen and i not in refused}
    for name, _, entry, chosen in entries:
        if chosen:
            continue
        if entry["name"] in seen and seen[entry["name"]] != _skeleton_shape(entry):
            entry["name"] = unique_name(f"{entry['name']}_{name}", set(seen))
        seen.setdefault(entry["name"], _skeleton_shape(entry))
    return problems


def _restrict(user: Mapping[str, Any], keys: Mapping[str, set[str]]) -> dict[str, Any]:
    """Return the user's metadata with only the keyed Pose entries that an input has."""
    result = {k: copy.deepcopy(v) for k, v in user.items() if k != "Pose"}
    pose = user.get("Pose")
    if isinstance(pose, dict):
        result["Pose"] = {
            block: {k: copy.deepcopy(v) for k, v in entries.items() if k in keys[block]}
            if block in KEYED_BLOCKS and isinstance(entries, dict)
            else copy.deepcopy(entries)
            for block, entries in pose.items()
        }
    return result


def _input_metadata(
    own: Mapping[str, Any],
    user: Mapping[str, Any],
    own_user: Mapping[str, Any],
    file_blocks: Mapping[str, Any],
    shared: Mapping[tuple[str, str], Any],
) -> dict[str, Any]:
    """Return one pose input's metadata: its defaults, the user's entries for its keys, its own metadata."""
    keys = pose_keys(own)
    restricted = _restrict(user, keys)
    for block in CONTAINER_BLOCKS:
        for key, entry in ((restricted.get("Pose") or {}).get(block) or {}).items():
            series = entry.get("PoseEstimationSeries") if isinstance(entry, dict) else None
            if (block, key) in shared and isinstance(series, dict):
                # A key several inputs share lists the series of all; each input takes those of its nodes.
                mine = own["Pose"][block][key].get("PoseEstimationSeries") or {}
                entry["PoseEstimationSeries"] = {node: value for node, value in series.items() if node in mine}
    place_shared_edges(restricted, user, shared, own)
    merged = merge_metadata(merge_metadata(own, restricted), own_user)
    merged = merge_metadata(merged, {k: v for k, v in file_blocks.items() if k not in ("Devices", "Behavior")})
    borrow_referenced(merged, file_blocks)
    for block in CONTAINER_BLOCKS:
        listed = set().union(*(pose_keys(layer)[block] for layer in (user, own_user)))
        if listed & keys[block]:
            # Listing some of an input's containers chooses which are written.
            merged["Pose"][block] = {k: v for k, v in merged["Pose"][block].items() if k in listed}
            if left_out := sorted(keys[block] - listed):
                # Said: a user editing one animal's description would otherwise lose the others without a word.
                warnings.warn(
                    f"metadata['Pose']['{block}'] lists {sorted(listed & keys[block])} but not {left_out}, which "
                    "are therefore not written; list them too (their entries may be empty: {}) to write them, or "
                    "choose animals with individuals= (--individuals) to leave them out without this warning.",
                    PoseconvWarning,
                    stacklevel=4,
                )
    return merged


def _shaped_per_input(
    input_metadata: Mapping[str, Mapping[str, Any]] | None, problems: list[MetadataProblem]
) -> dict[str, dict[str, Any]]:
    """Return the user's metadata of single inputs in the schema's shape; add the problems of their shape."""
    per_input_user = {}
    for name, value in (input_metadata or {}).items():
        per_input_user[name], found = shaped_copy(value)
        # One input's own metadata (a spec's pose entry) as the session's: a field a form left empty is not given.
        drop_form_empty_text(per_input_user[name])
        problems += [MetadataProblem(path, message, name) for path, message in found]
    return per_input_user


def compose_metadata(
    defaults: Mapping[str, Mapping[str, Any]],
    *,
    pose_inputs: Iterable[str],
    metadata: Mapping[str, Any] | None = None,
    input_metadata: Mapping[str, Mapping[str, Any]] | None = None,
    known_blocks: Iterable[str] = (),
) -> ComposedMetadata:
    """Compose the metadata of a conversion (see the module docstring for the layers).

    Parameters
    ----------
    defaults : mapping of str to dict
        Each input's ``get_metadata()``, as JSON-like dicts, by input name.
    pose_inputs : iterable of str
        The inputs whose ``Pose`` entries are their own (poseconv's interfaces).
    metadata : mapping, optional
        The user's metadata.
    input_metadata : mapping of str to mapping, optional
        The user's metadata of single inputs.
    known_blocks : iterable of str
        Top-level blocks the interfaces' schemas define; with the defaults' own blocks, the only
        top-level keys accepted.

    Returns
    -------
    ComposedMetadata
        The composed metadata and every problem found.
    """
    result = ComposedMetadata()
    poses = [name for name in defaults if name in set(pose_inputs)]
    own = {name: copy.deepcopy(dict(defaults[name])) for name in poses}
    # Other interfaces' metadata (neuroconv's pose interfaces): their Pose entries are theirs, names kept.
    others = {name: dict(value) for name, value in defaults.items() if name not in own}
    _rename_clashes(own, poses, _container_names(others.values()))
    defer_to_other_videos(own, others.values())
    common = result.shared_entries = shared_entries(defaults, poses)
    # The shape first: everything below reads the blocks and entries as the schema has them.
    user, found = shaped_copy(metadata)
    found += shared_edge_problems(without_handed_back(user, common), common, own)
    result.problems += [MetadataProblem(path, message) for path, message in found]
    drop_form_empty_text(user)
    normalize_start_time(nwbfile := user.get("NWBFile") if isinstance(user.get("NWBFile"), dict) else {})
    if isinstance(user.get("Subject"), dict):
        normalize_date_of_birth(user["Subject"], nwbfile.get("session_start_time"))
    per_input_user = _shaped_per_input(input_metadata, result.problems)
    known = set(known_blocks) | {key for value in defaults.values() for key in value}
    result.problems += user_problems(user, per_input_user, own, poses, known, others)
    # Values a spreadsheet left a space on ('m2 ', 'Mus musculus '): DANDI would take them as other values.
    result.problems += [MetadataProblem(path, message) for path, message in text_space_problems(user)]

    shared: dict[str, Any] = {}
    for name, value in defaults.items():
        shared = merge_metadata(shared, copy.deepcopy(dict(value)) if name not in own else {})
    for name in poses:
        shared = merge_metadata(shared, {k: v for k, v in own[name].items() if k != "Pose"})
    shared = merge_metadata(shared, {k: copy.deepcopy(v) for k, v in user.items() if k != "Pose"})
    gather_session_fields(shared, user, [own[name] if name in own else others[name] for name in defaults])
    file_blocks = {k: v for k, v in shared.items() if k != "Pose"}
    for name in poses:
        merged = _input_metadata(own[name], user, per_input_user.get(name, {}), file_blocks, common)
        result.per_input[name] = merged
        blocks = ("Devices", "Behavior", "Pose") if len(poses) == 1 else ("Devices", "Behavior")
        shared = merge_metadata(shared, {k: merged[k] for k in blocks if k in merged})
    leave_cameras_to_views(shared, result.per_input)  # a session's views give their videos their cameras
    result.shared = shared
    shared_skeletons = {key for block, key in common if block == "Skeletons"}
    result.problems += _separate_skeletons(result.per_input, own, shared_skeletons, per_input_user)
    result.problems += _start_time_problems(shared) + _date_of_birth_problems(shared)
    result.problems += _duplicate_names(
        result.per_input, {name for name, value in own.items() if "PoseTraining" in (value.get("Pose") or {})}
    )
    result.problems += _skeleton_problems(result.per_input, own, per_input_user)
    result.problems += writer_problems(shared, result.per_input, own, user, per_input_user)
    return result
