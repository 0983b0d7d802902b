"""What in the user's metadata matches no input: a block, a keyed entry, a series, a pose input's name.

Entries are addressed by keys (``Pose.PoseEstimations.PoseEstimation_mouse1``, ``Devices.video_top_camera``,
``Behavior.ExternalVideos.video_top``); an entry whose key no input has would be written nowhere, so a
misspelt key is a problem naming the keys there are, with the closest one, wherever the entry is.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .problems import MetadataProblem
from .shared_keys import KEYED_BLOCKS

__all__ = ["pose_keys", "user_problems"]

# The file's keyed blocks (the cameras, the videos) and Behavior's sections, besides Pose's KEYED_BLOCKS.
_FILE_KEYED = (("Devices",), ("Behavior", "ExternalVideos"), ("Behavior",))
# What one entry of each is called in messages.
_NOUNS = {("Devices",): "Device", ("Behavior", "ExternalVideos"): "ExternalVideo", ("Behavior",): "section of Behavior"}
# Blocks whose user entries may be named by key from another entry (a video's device_metadata_key): those are kept.
_REFERABLE = (("Devices",), ("Behavior", "ExternalVideos"))


def _close(key: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(key), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def pose_keys(metadata: Mapping[str, Any]) -> dict[str, set[str]]:
    """Return the keys of each of ``metadata``'s keyed ``Pose`` blocks (empty for a block it has not)."""
    pose = metadata.get("Pose") or {}
    return {block: set(pose.get(block) or {}) if isinstance(pose.get(block), dict) else set() for block in KEYED_BLOCKS}


def _keyed(metadata: Mapping[str, Any]) -> dict[tuple[str, ...], set[str]]:
    """Return the keys of every keyed block of ``metadata``, by the block's path."""
    result: dict[tuple[str, ...], set[str]] = {("Pose", block): keys for block, keys in pose_keys(metadata).items()}
    for path in _FILE_KEYED:
        entries: Any = metadata
        for step in path:
            entries = entries.get(step) if isinstance(entries, Mapping) else None
        result[path] = set(entries) if isinstance(entries, Mapping) else set()
    return result


def _referenced(node: Any) -> set[str]:
    """Return every key a ``*_metadata_key`` field of ``node`` names (an entry the user added and points at)."""
    if isinstance(node, list):
        return set().union(*map(_referenced, node)) if node else set()
    if not isinstance(node, Mapping):
        return set()
    named = {v for k, v in node.items() if str(k).endswith("_metadata_key") and isinstance(v, str)}
    return named.union(*map(_referenced, node.values()))


def _unknown_keys(
    user: Mapping[str, Any],
    known: Mapping[tuple[str, ...], set[str]],
    input_name: str | None,
    loose: Iterable[tuple[str, ...]] = (),
) -> list[MetadataProblem]:
    """Return a problem for each key of a keyed block of ``user`` that ``known`` has not there.

    In a ``loose`` block (one another interface of the conversion may add entries to) only a key
    close to a known one (a misspelling) is a problem.
    """
    problems = []
    referenced = _referenced(user)
    for where, keys in _keyed(user).items():
        valid = sorted(known[where])
        for key in sorted(keys - known[where] - (referenced if where in _REFERABLE else set())):
            hint = _close(key, valid)
            if where in loose and not hint:
                continue
            problems.append(
                MetadataProblem(
                    (*where, key),
                    f"matches no {_NOUNS.get(where, where[-1][:-1])} of the {'input' if input_name else 'inputs'}; "
                    f"{'its' if input_name else 'their'} keys are {valid}.{hint}",
                    input_name,
                )
            )
    return problems


def _series_entries(metadata: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the ``PoseEstimationSeries`` entries of each ``Pose.PoseEstimations`` container of ``metadata``."""
    containers = (metadata.get("Pose") or {}).get("PoseEstimations") or {}
    return {
        key: entry["PoseEstimationSeries"]
        for key, entry in (containers.items() if isinstance(containers, dict) else ())
        if isinstance(entry, dict) and isinstance(entry.get("PoseEstimationSeries"), dict)
    }


def _unknown_series(
    user: Mapping[str, Any], layers: Sequence[Mapping[str, Any]], input_name: str | None
) -> list[MetadataProblem]:
    """Return a problem for each series key of a known container that names none of its nodes."""
    known: dict[str, set[str]] = {}
    for layer in layers:
        for key, series in _series_entries(layer).items():
            known.setdefault(key, set()).update(series)
    problems = []
    for key, series in _series_entries(user).items():
        for node in sorted(set(series) - known.get(key, set(series))):
            valid = sorted(known[key])
            problems.append(
                MetadataProblem(
                    ("Pose", "PoseEstimations", key, "PoseEstimationSeries", node),
                    f"matches no node of the container; its series are {valid}.{_close(node, valid)}",
                    input_name,
                )
            )
    return problems


def _unknown_blocks(user: Mapping[str, Any], known: set[str]) -> list[MetadataProblem]:
    """Return a problem for each top-level block of the user's metadata that no input knows."""
    from .schema import block_of_field

    problems = []
    for key in sorted(set(user) - known):
        nested = difflib.get_close_matches(key, [*KEYED_BLOCKS, "PoseTraining"], n=1, cutoff=0.6)
        hint = _close(key, known)
        owner = block_of_field(key)
        if owner in known:
            # "subject_id: m1" at the top level: the field is right, its place is not.
            hint = f" {key!r} is a field of {owner!r}: write it under {owner} ({owner}: {{{key}: ...}})."
        elif nested and not hint:
            hint = f" Did you mean 'Pose' (the block {nested[0]!r} goes inside 'Pose')?"
        problems.append(
            MetadataProblem((key,), f"is not a metadata block of these inputs; they have {sorted(known)}.{hint}")
        )
    return problems


def user_problems(
    user: Mapping[str, Any],
    per_input_user: Mapping[str, Mapping[str, Any]],
    own: Mapping[str, Mapping[str, Any]],
    poses: list[str],
    known: set[str],
    others: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Return what in the user's metadata matches no input: blocks, keyed entries, series, input names.

    Parameters
    ----------
    user : mapping
        The user's metadata of the file.
    per_input_user : mapping of str to mapping
        The user's metadata of single pose inputs, by input name.
    own : mapping of str to mapping
        Each pose input's defaults, by input name.
    poses : list of str
        The pose inputs' names.
    known : set of str
        The top-level blocks the interfaces have.
    others : mapping of str to mapping
        The other interfaces' defaults: their keys are known too.

    Returns
    -------
    list of MetadataProblem
    """
    problems = _unknown_blocks(user, known)
    layers = [*(own[n] for n in poses), *others.values()]
    all_keys = {where: set().union(*(_keyed(layer)[where] for layer in layers)) for where in _keyed({})}
    all_keys[("Behavior",)].add("ExternalVideos")
    # Another interface may take cameras and Behavior sections of its own that its defaults do not list.
    loose = [("Devices",), ("Behavior",)] if others else []
    problems += _unknown_keys(user, all_keys, None, loose) + _unknown_series(user, layers, None)
    for name, values in per_input_user.items():
        if name not in own:
            problems.append(MetadataProblem((), f"no pose input is called {name!r}.{_close(name, poses)}", name))
            continue
        keys = {
            where: found | (all_keys[where] if where[0] != "Pose" else set())
            for where, found in _keyed(own[name]).items()
        }
        problems += _unknown_keys(values, keys, name, loose) + _unknown_series(values, [own[name]], name)
    return problems
