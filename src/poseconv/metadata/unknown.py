"""What in the user's metadata matches no input: a block, a keyed entry, a series, a pose input's name.

Entries are addressed by keys (``Pose.PoseEstimations.PoseEstimation_mouse1``, ``Devices.video_top_camera``,
``Behavior.ExternalVideos.video_top``); an entry whose key no input has would be written nowhere, so a
misspelt key is a problem naming the keys there are, with the closest one, wherever the entry is.
"""

from __future__ import annotations

import difflib
import functools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import PoseconvWarning
from .checks import series_holders
from .other_file import warn_made_for_another_file
from .problems import MetadataProblem
from .shared_keys import CONTAINER_BLOCKS, KEYED_BLOCKS

__all__ = [
    "WITH_INTRINSICS",
    "pose_keys",
    "reference_problems",
    "uncalibrated_said",
    "user_problems",
    "view_camera_said",
]

# The file's keyed blocks (the cameras, the videos) and Behavior's sections, besides Pose's KEYED_BLOCKS.
_FILE_KEYED = (("Devices",), ("Behavior", "ExternalVideos"), ("Behavior",))
# What one entry of each is called in messages.
_NOUNS = {("Devices",): "Device", ("Behavior", "ExternalVideos"): "ExternalVideo", ("Behavior",): "section of Behavior"}
# Blocks whose user entries may be named by key from another entry (a video's device_metadata_key): those are kept.
_REFERABLE = (("Devices",), ("Behavior", "ExternalVideos"))


def _close(key: str, choices: Iterable[str]) -> str:
    choices = [str(c) for c in choices]
    # The same name in other case (nwbfile: for NWBFile:) is meant, though difflib finds it far.
    close = [c for c in choices if c.lower() == str(key).lower()]
    close = close or difflib.get_close_matches(str(key), choices, n=1, cutoff=0.6)
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
            inputs, whose = ("input", "its") if input_name else ("inputs", "their")
            said = f"matches no {_NOUNS.get(where, where[-1][:-1])} of the {inputs}; {whose} keys are {valid}.{hint}"
            problems.append(MetadataProblem((*where, key), said, input_name))
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
            said = f"matches no node of the container; its series are {valid}.{_close(node, valid)}"
            path = ("Pose", "PoseEstimations", key, "PoseEstimationSeries", node)
            problems.append(MetadataProblem(path, said, input_name))
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
    layers = [(None, user), *((name, values) for name, values in per_input_user.items() if name in own)]
    problems += _confidence_problems(layers, own, poses) + _uncalibrated_problems(layers, own, poses)
    problems += _view_camera_problems(layers, own, poses)
    _warn_training_written_nowhere(layers, own, poses)
    warn_made_for_another_file(user, per_input_user, own, poses, others)
    return problems


def _owners(
    layer_input: str | None, own: Mapping[str, Mapping[str, Any]], poses: list[str], block: str, key: str
) -> list[Mapping[str, Any]]:
    """Return the own entries of ``Pose[block][key]`` of the inputs a layer's entry goes to (one input's, or any)."""
    names = [layer_input] if layer_input is not None else poses
    return [mine for name in names if isinstance(mine := _entries(own.get(name), ("Pose", block)).get(key), Mapping)]


def _confidence_problems(
    layers: list[tuple[str | None, Mapping[str, Any]]], own: Mapping[str, Mapping[str, Any]], poses: list[str]
) -> list[MetadataProblem]:
    """Return a problem for each series ``confidence_definition`` given where the pose file has no confidence.

    ndx-pose writes a definition only with the confidence values; a series of a file without them (DeepLabCut's
    3D triangulation, a SLEAP analysis file without scores) has none, and the definition was left out without a
    word. An input's defaults give a series its ``confidence_definition`` exactly when its track has confidence.
    """
    problems = []
    for input_name, layer in layers:
        for block in CONTAINER_BLOCKS:
            for key, entry in _entries(layer, ("Pose", block)).items():
                holders = [
                    pair for mine in _owners(input_name, own, poses, block, key) for pair in series_holders(entry, mine)
                ]
                for where, given, mine in holders:
                    series, nodes = (
                        _entries(given, ("PoseEstimationSeries",)),
                        _entries(mine, ("PoseEstimationSeries",)),
                    )
                    for node, value in series.items():
                        if not isinstance(value, Mapping) or value.get("confidence_definition") in (None, ""):
                            continue
                        # A key two inputs share: the series has confidence if any input's does.
                        theirs = [
                            _entries(other, ("PoseEstimationSeries",)).get(node)
                            for path, _, other in holders
                            if path == where
                        ]
                        theirs = [t for t in theirs if isinstance(t, Mapping)]
                        if not theirs or any("confidence_definition" in t for t in theirs) or node not in nodes:
                            continue
                        problems.append(
                            MetadataProblem(
                                ("Pose", block, key, *where, "PoseEstimationSeries", node, "confidence_definition"),
                                f"is given, but the pose file has no confidence values for {node!r} (its positions "
                                "are written alone), and ndx-pose writes a definition only with them: it would not "
                                "be in the NWB file. Remove the field.",
                                input_name,
                            )
                        )
    return list(dict.fromkeys(problems))


#: The fields of a CalibratedCameras entry ndx-pose writes only on a CalibratedCamera, which needs the intrinsics.
WITH_INTRINSICS = ("rotation_matrix", "translation_vector", "distortion_coefficients", "image_size", "unit")


def _uncalibrated_problems(
    layers: list[tuple[str | None, Mapping[str, Any]]], own: Mapping[str, Mapping[str, Any]], poses: list[str]
) -> list[MetadataProblem]:
    """Return a problem for each camera given extrinsics (or its image size, its unit) but no intrinsic matrix.

    Without an intrinsic matrix (the metadata's or the pose files' calibration's) a camera is written as a plain
    ``Device``, which has none of these fields: they were left out without a word. A value the input's defaults
    give (a form hands them back) is no problem.
    """
    intrinsic = {
        key
        for _, layer in layers
        for key, entry in _entries(layer, ("Pose", "CalibratedCameras")).items()
        if isinstance(entry, Mapping) and entry.get("intrinsic_matrix") is not None
    }
    problems = []
    for input_name, layer in layers:
        for key, entry in _entries(layer, ("Pose", "CalibratedCameras")).items():
            mine = _owners(input_name, own, poses, "CalibratedCameras", key)
            if not isinstance(entry, Mapping) or key in intrinsic or not mine:
                continue
            if any(m.get("intrinsic_matrix") is not None for m in mine):
                continue
            given = [
                field
                for field in WITH_INTRINSICS
                if entry.get(field) is not None and all(entry.get(field) != m.get(field) for m in mine)
            ]
            if given:
                problems.append(
                    MetadataProblem(("Pose", "CalibratedCameras", key), uncalibrated_said(given), input_name)
                )
    return problems


def uncalibrated_said(given: Sequence[str]) -> str:
    """Say that a camera entry gives ``given`` (extrinsics, image size, unit) without the intrinsics they need."""
    return (
        f"gives {', '.join(given)} but no intrinsic_matrix, and the pose files' calibration has none: ndx-pose "
        "keeps them on a CalibratedCamera, which needs the intrinsic matrix, so the camera would be written as a "
        f"plain Device without them. Give its intrinsic_matrix too (3 x 3, in pixels), or remove "
        f"{'it' if len(given) == 1 else 'them'}."
    )


def _view_camera_problems(
    layers: list[tuple[str | None, Mapping[str, Any]]], own: Mapping[str, Mapping[str, Any]], poses: list[str]
) -> list[MetadataProblem]:
    """Return a problem for each session view whose ``camera_metadata_key`` names another camera than its own."""
    problems = []
    for input_name, layer in layers:
        for key, entry in _entries(layer, ("Pose", "MultiCameraPoseEstimations")).items():
            mine = _owners(input_name, own, poses, "MultiCameraPoseEstimations", key)
            for view, view_entry in _entries(entry, ("CameraViews",)).items():
                given = view_entry.get("camera_metadata_key") if isinstance(view_entry, Mapping) else None
                theirs = {_entries(m, ("CameraViews", view)).get("camera_metadata_key") for m in mine} - {None}
                if isinstance(given, str) and theirs and given not in theirs:
                    path = ("Pose", "MultiCameraPoseEstimations", key, "CameraViews", view, "camera_metadata_key")
                    problems.append(MetadataProblem(path, view_camera_said(view, given, min(theirs)), input_name))
    return problems


def view_camera_said(view: str, given: str, own_key: str) -> str:
    """Say that the session view ``view`` names camera ``given``, where its camera is ``own_key``'s (its file's)."""
    return (
        f"names camera {given!r}, but this view holds the 2D poses of the session's camera {view!r}, which its file "
        f"calibrates: a session view's camera is always that one (Pose.CalibratedCameras.{own_key}), as another "
        f"camera entry would get {view!r}'s calibration. To rename or describe the camera, change its name or "
        f"description in Pose.CalibratedCameras.{own_key}; give camera_metadata_key {own_key!r} or leave it out."
    )


# PoseTraining's values that are the schema's defaults (what a form fills), which say nothing of the user's.
_TRAINING_DEFAULTS = {"name": "PoseTraining"}


def _warn_training_written_nowhere(
    layers: list[tuple[str | None, Mapping[str, Any]]], own: Mapping[str, Mapping[str, Any]], poses: list[str]
) -> None:
    """Warn when ``Pose.PoseTraining`` gives values but no input (of those it goes to) writes training frames.

    A warning, not a problem: forms fill PoseTraining's default name for every conversion.
    """
    trains = {name for name in poses if isinstance(_entries(own.get(name), ("Pose",)).get("PoseTraining"), Mapping)}
    for input_name, layer in layers:
        entry = _entries(layer, ("Pose", "PoseTraining"))
        given = sorted(
            field
            for field, value in entry.items()
            if value not in (None, "") and _TRAINING_DEFAULTS.get(field) != value
        )
        if not given or (input_name in trains if input_name is not None else trains):
            continue
        whose = f"{input_name}: " if input_name is not None else ""
        warnings.warn(
            f"{whose}metadata['Pose']['PoseTraining'] gives {given}, but "
            f"{'this input writes no' if input_name is not None else 'no input of this conversion writes'} training "
            "data (human-labeled frames), so it is not written. To write the labels too, convert with --training "
            "(include_training_data=True in Python), or convert the labels file itself (--source dlc-labels, "
            "sleap-labels, lp-labels); otherwise remove PoseTraining.",
            PoseconvWarning,
            stacklevel=5,
        )


# The fields of a container entry (and of a camera view, a video, a camera) that name another entry by key,
# and the block that holds it: the writer looks each up there, and a key it does not find stops the writing.
_CONTAINER_REFERENCES = {
    "skeleton_metadata_key": ("Pose", "Skeletons"),
    "device_metadata_key": ("Devices",),
    "source_video_metadata_key": ("Behavior", "ExternalVideos"),
    "labeled_video_metadata_key": ("Behavior", "ExternalVideos"),
}
# A view's camera_metadata_key names its own camera, or is refused by _view_camera_problems.
_VIEW_REFERENCES = {"source_video_metadata_key": ("Behavior", "ExternalVideos")}
_FILE_REFERENCES = {
    ("Behavior", "ExternalVideos"): {"device_metadata_key": ("Devices",)},
    ("Devices",): {"device_model_metadata_key": ("DeviceModels",)},
}


def _entries(metadata: Any, path: tuple[Any, ...]) -> Mapping[str, Any]:
    """Return the entries at ``path`` of ``metadata`` (empty when it has none there)."""
    for step in path:
        metadata = metadata.get(step) if isinstance(metadata, Mapping) else None
    return metadata if isinstance(metadata, Mapping) else {}


def _referring(pose: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], Mapping[str, Any], Mapping[str, Any]]]:
    """Return ``(path, entry, references)`` for each container entry and camera view of a ``Pose`` block."""
    found = []
    for block in ("PoseEstimations", "MultiCameraPoseEstimations"):
        for key, entry in _entries(pose, (block,)).items():
            if isinstance(entry, Mapping):
                found.append((("Pose", block, key), entry, _CONTAINER_REFERENCES))
                for view, view_entry in _entries(entry, ("CameraViews",)).items():
                    if isinstance(view_entry, Mapping):
                        found.append((("Pose", block, key, "CameraViews", view), view_entry, _VIEW_REFERENCES))
    return found


def _another_input_s(value: str, block: tuple[Any, ...], others: Mapping[str, Any]) -> str | None:
    """Say that ``value`` is a key of ``block`` of another input (of ``others``), which no input can name; or None.

    Each input's entries name its own entries: another input's key (``Skeleton_cam1`` from ``cam2``'s container)
    was said to be no key at all, with this input's key as the one meant.
    """
    owners = [name for name, metadata in others.items() if value in _entries(metadata, block)]
    if not owners:
        return None
    said = (
        f"{value!r} is a key of {'.'.join(block)} of the input {owners[0]!r}: an input's entries refer to its own "
        "keys, never to another input's."
    )
    if block == ("Pose", "Skeletons"):
        said += (
            " To share one skeleton, keep each container's own skeleton_metadata_key and give both skeletons one "
            "name (metadata['Pose']['Skeletons'][key]['name']): skeletons of one name and the same nodes are one."
        )
    return said


def _dangling(
    referring: Iterable[tuple[tuple[Any, ...], Mapping[str, Any], Mapping[str, Any]]],
    metadata: Mapping[str, Any],
    given: Any,
    others: Mapping[str, Any] | None = None,
) -> list[tuple[tuple[Any, ...], str]]:
    """Return ``(path, message)`` for each key the user gave (``given`` says which) that ``metadata`` has not.

    ``others``: the other inputs' metadata by input name, whose keys are said to be theirs.
    """
    problems = []
    for where, entry, references in referring:
        for field_name, block in references.items():
            value = entry.get(field_name)
            path = (*where, field_name)
            if not isinstance(value, str) or value in _entries(metadata, block) or not given(path):
                continue
            keys = sorted(_entries(metadata, block))
            if (theirs := _another_input_s(value, block, others or {})) is not None:
                problems.append((path, theirs))
                continue
            there = f"its keys are {keys}" if keys else "it has no entries"
            if field_name == "labeled_video_metadata_key" and not _close(value, keys):
                # A labeled video is another interface's (neuroconv's ExternalVideoInterface) with that metadata_key.
                there += "; add the labeled video with an ExternalVideoInterface of metadata_key=" + repr(value)
            problems.append((path, f"{value!r} is not a key of {'.'.join(block)}; {there}.{_close(value, keys)}"))
    return problems


def _file_referring(user: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], Mapping[str, Any], Mapping[str, Any]]]:
    """Return ``(path, entry, references)`` for each video and camera entry of the user's ``metadata``."""
    return [
        ((*block, key), entry, references)
        for block, references in _FILE_REFERENCES.items()
        for key, entry in _entries(user, block).items()
        if isinstance(entry, Mapping)
    ]


def reference_problems(
    shared: Mapping[str, Any],
    per_input: Mapping[str, Mapping[str, Any]],
    user: Mapping[str, Any],
    per_input_user: Mapping[str, Mapping[str, Any]],
) -> list[MetadataProblem]:
    """Return a problem for each ``*_metadata_key`` the user gave that names no entry (a misspelt key).

    The writer looks each key up (a container's skeleton, camera and videos, a view's calibrated camera,
    a video's camera, a camera's model) and stops on one it does not find, naming neither the metadata
    file nor the field; said here, every entry point refuses it before writing, at the field.

    Parameters
    ----------
    shared : mapping
        The file's composed metadata: its videos and cameras (every interface's).
    per_input : mapping of str to mapping
        Each pose input's composed metadata: its containers and what they name.
    user, per_input_user : mapping
        The user's metadata of the file and of single inputs: only keys they give are checked.

    Returns
    -------
    list of MetadataProblem
        At the field (``("Pose", "PoseEstimations", key, "device_metadata_key")``), said for the input
        whose own metadata gives it.
    """

    def gives(layer: Mapping[str, Any], path: tuple[Any, ...]) -> bool:
        return _entries(layer, path[:-1]).get(path[-1]) is not None

    problems = []
    for name, metadata in per_input.items():
        own_user = per_input_user.get(name) or {}
        referring = _referring(metadata.get("Pose") or {}) + _file_referring(own_user)
        given = functools.partial(lambda layer, path: gives(user, path) or gives(layer, path), own_user)
        others = {other: their for other, their in per_input.items() if other != name}
        for path, message in _dangling(referring, metadata, given, others):
            problems.append(MetadataProblem(path, message, name if gives(own_user, path) else None))
    problems += [MetadataProblem(p, m) for p, m in _dangling(_file_referring(user), shared, lambda _: True)]
    return list(dict.fromkeys(problems))
