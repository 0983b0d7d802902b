"""Check one input of a session without reading its data, and turn it into an :class:`~.jobs.InputJob`.

An input is a pose entry (``sessions[i].pose[j]``: a pose file, its video, its
timing) or an interface entry (``sessions[i].interfaces.<key>``: any neuroconv
interface by name). The checks: every named file and folder present, the
interface importable and fit for its place, its arguments valid for its source
schema, and a pose entry's metadata valid as far as it goes (the metadata schema
with nothing required, since the interfaces complete it later).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..metadata.empty_fields import drop_empty_text
from ..metadata.schema_messages import schema_problems
from ..timing import TIMESTAMP_SUFFIXES
from .detection import Detections, PoseFile, detect_pose_file
from .jobs import InputJob
from .paths import missing_path, resolve_path, windows_path_problem
from .report import Problem, one_line
from .source_data import check_source_data
from .spec import format_location, to_json

__all__ = [
    "interface_class",
    "metadata_problems",
    "missing_path",
    "plan_interface",
    "plan_pose",
    "resolve_path",
    "windows_path_problem",
]

# -- metadata -----------------------------------------------------------------------------------


def _drop_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_required(v) for k, v in node.items() if not (k == "required" and isinstance(v, list))}
    if isinstance(node, list):
        return [_drop_required(v) for v in node]
    return node


@functools.cache
def _partial_metadata_validator(block: str | None = None) -> Any:
    """Return the validator of metadata overrides (or of one block): the metadata schema, nothing required."""
    from jsonschema import Draft7Validator

    from ..metadata.schema import metadata_schema

    schema = _drop_required(metadata_schema())
    if block is not None:
        # Blocks refer to root definitions (Devices) or their own (Pose); keep both reachable.
        schema = {**schema["properties"][block], "definitions": schema.get("definitions", {})}
    return Draft7Validator(schema)


def metadata_problems(
    metadata: Mapping[str, Any], root: str, session: int | None, block: str | None = None
) -> list[Problem]:
    """Return the problems of a metadata override (or of one block of it, e.g. a session's ``subject``).

    Parameters
    ----------
    metadata : Mapping
        The override, as the spec gives it.
    root : str
        Its location in the spec.
    session : int or None
        The session it belongs to (None: the spec's own ``metadata``).
    block : str, optional
        Check it as this top-level block of the metadata (``"Subject"``).

    Returns
    -------
    list of Problem
        What the metadata schema (with nothing required) finds.
    """
    document = to_json(dict(metadata))
    # Validated as the conversion reads it (compose_metadata, as `poseconv convert -m`): a field left empty
    # ("", as NWB GUIDE and metadata templates write one not filled in) is not given, not a wrong value.
    for value in [document] if block else document.values():
        if isinstance(value, dict):
            drop_empty_text(value)
    return [
        Problem(format_location(path, root), message, session)
        for path, message in schema_problems(
            _partial_metadata_validator(block), document, within=(block,) if block else ()
        )
    ]


# -- interfaces ---------------------------------------------------------------------------------


def interface_class(name: str, location: str, session: int | None) -> tuple[type | None, list[Problem]]:
    """Return the interface class called ``name``, or None and the problem (at ``location``) that stops it."""
    from .registry import get_interface_class

    try:
        return get_interface_class(name), []
    except Exception as err:  # noqa: BLE001 - plug-in boundary: a lab's interface module may fail to import in
        # any way (SyntaxError, RuntimeError, ...); the error is recorded, with the spec location, as a Problem.
        return None, [Problem(location, one_line(err), session)]


def _animals_named_otherwise(
    source_data: Mapping[str, Any], cls: type, root: str, index: int
) -> tuple[dict[str, Any], list[Problem]]:
    """Say which argument takes the animals to keep, when ``source_data`` names them as another format does.

    The command line's ``--individuals`` gives every format's own argument (SLEAP's ``tracks``, DeepLabCut's
    ``individuals``, the catalog's ``individuals_argument``); a spec names the interface's argument itself.
    """
    from ..catalog import format_of_interface

    fmt = format_of_interface(cls)
    wanted = getattr(fmt, "individuals_argument", None)
    given = dict(source_data)
    problems = []
    for key in ("individuals", "tracks"):
        if key in given and wanted is not None and key != wanted:
            del given[key]
            problems.append(
                Problem(
                    f"{root}.source_data.{key}",
                    f"{cls.__name__} takes the animals to keep as {wanted!r} (what --individuals gives it on the "
                    f"command line): give {root}.source_data.{wanted} instead.",
                    index,
                )
            )
    return given, problems


def _takes_folder(interface: str) -> bool:
    """Whether ``interface`` names a format of the catalog whose input may be a folder."""
    from ..catalog import get_format
    from ..errors import UnsupportedFormatError

    try:
        return get_format(interface).accepts_folder
    except UnsupportedFormatError:
        # Not a format of the catalog: the interface entry is checked (and reported) on its own.
        return False


def _choose_in_spec(session: str, fmt: Any) -> str:
    """How a spec converts a folder in ``fmt``: a pose entry's ``interface``, or one of the session's interfaces."""
    if fmt.kind == "labels":
        return f"{{interface: {fmt.alias}, source_data: {{{fmt.input_argument}: ...}}}} under {session}.interfaces"
    return f"interface: {fmt.alias}"


def _pose_arguments(
    pose: Any, root: str, index: int, data_folder: Path
) -> tuple[dict[str, Any], str | None, list[Problem]]:
    """Return a pose entry's own arguments (file, video, rate), its timestamps file and their problems."""
    problems: list[Problem] = []
    file_path = resolve_path(data_folder, pose.file_path)
    # A folder is an input where the entry names a format that takes one, as with --source.
    kind = "any" if pose.interface is not None and _takes_folder(pose.interface) else "file"
    if kind == "file" and file_path.is_dir():
        from ..catalog import folder_advice

        advice = folder_advice(file_path, functools.partial(_choose_in_spec, root.split(".pose[")[0]))
        problems.append(Problem(f"{root}.file_path", f"{file_path} is a folder; {advice}", index))
    elif (message := missing_path(file_path, kind)) is not None:
        problems.append(Problem(f"{root}.file_path", message, index))
    kwargs: dict[str, Any] = {"file_path": str(file_path)}
    if pose.video_file_path is not None:
        video = resolve_path(data_folder, pose.video_file_path)
        kwargs["video_file_path"] = str(video)
        if (message := missing_path(video, "file")) is not None:
            problems.append(Problem(f"{root}.video_file_path", message, index))
    if pose.sampling_frequency is not None:
        kwargs["sampling_frequency"] = pose.sampling_frequency
    for key in set(kwargs) & set(pose.source_data):
        problems.append(Problem(f"{root}.source_data.{key}", f"give it as {root}.{key} instead.", index))
    timestamps_file = None
    if pose.timestamps_file is not None:
        path = resolve_path(data_folder, pose.timestamps_file)
        timestamps_file = str(path)
        if (message := missing_path(path, "file")) is not None:
            problems.append(Problem(f"{root}.timestamps_file", message, index))
        elif path.suffix.lower() not in TIMESTAMP_SUFFIXES:
            problems.append(
                Problem(f"{root}.timestamps_file", f"expected one of {', '.join(TIMESTAMP_SUFFIXES)}.", index)
            )
    return kwargs, timestamps_file, problems


def _pose_interface_name(
    file_path: Path, root: str, index: int, detections: Detections | None
) -> tuple[str | None, list[Problem]]:
    """Return the interface of a pose file from its content (the workers' answer when they gave one), or why none."""
    detected = detections.get(file_path) if detections is not None else None
    if detected is None:
        # Read here, as a worker reads it. Routed by content: a .slp holding a calibrated session is a session.
        detected = detect_pose_file(PoseFile(str(file_path)))
    if detected.interface is not None:
        return detected.interface, []
    message = detected.error or "its format cannot be told."
    from ..readers.other_tools import other_tool_problem
    from ..video import is_video_path

    # Naming an interface helps only a file whose format was not told: not a missing or damaged file (no
    # interface reads it), a video (it belongs in the pose entry's video_file_path), nor a file the message
    # says is another tool's or a side file no interface converts (Lightning Pose's metrics, bounding boxes).
    named = detected.unrecognised and not is_video_path(file_path) and other_tool_problem(file_path) is None
    hint = f" Name it with {root}.interface." if named else ""
    if "source_software=" in message:
        # The catalog speaks to Python; in a spec the format is named by the entry's interface.
        message, hint = message.replace("source_software=", f"{root}.interface"), ""
    return None, [Problem(f"{root}.file_path", f"{message}{hint}", index)]


def pose_field_hint(path: tuple[Any, ...], message: str) -> str:
    """Return the spec check's ``message`` for ``path``, pointing an interface's argument to ``source_data``.

    A pose entry takes the file, its video, rate and timing as fields of its own; the other arguments of the
    input's interface (``predicted_only``, ``video_file_paths``, ``include_training_data``) go in its
    ``source_data``, where a close field name of the entry would not lead.
    """
    if len(path) != 5 or path[0] != "sessions" or path[2] != "pose" or not message.startswith("unknown field"):
        return message
    key = path[4]
    if key not in _interface_arguments():
        return message
    return f"not a field of a pose entry; {key} is an argument of the input's interface: give it in source_data."


@functools.cache
def _interface_arguments() -> frozenset[str]:
    """Return the arguments any format's interface takes (its source schema's properties)."""
    from ..catalog import formats
    from ..catalog import interface_class as class_of
    from ..errors import UnsupportedFormatError

    names: set[str] = set()
    for fmt in formats().values():
        try:
            names |= set(class_of(fmt).get_source_schema().get("properties", {}))
        except UnsupportedFormatError:  # its interface does not load: said where a pose entry names the format
            continue
    return frozenset(names)


def _videos_by_camera(cls: type, kwargs: dict[str, Any], root: str, index: int) -> list[Problem]:
    """Refuse (and drop) the entry's one video for a format that takes its videos by camera (a session file)."""
    properties = cls.get_source_schema().get("properties", {})
    if "video_file_path" not in kwargs or "video_file_path" in properties or "video_file_paths" not in properties:
        return []
    del kwargs["video_file_path"]
    message = (
        f"{cls.__name__} takes one video per camera, by camera name: give them as "
        f"{root}.source_data: {{video_file_paths: {{camera: path}}}} (or keep each where the file records it)."
    )
    return [Problem(f"{root}.video_file_path", message, index)]


def _pose_class(
    pose: Any, file_path: Path, root: str, index: int, detections: Detections | None
) -> tuple[str | None, type | None, list[Problem]]:
    """Return the interface name and class of a pose entry, or what stops them."""
    from ..catalog import format_of_interface
    from .registry import is_pose_interface

    name, problems = pose.interface, []
    if name is None:
        name, problems = _pose_interface_name(file_path, root, index, detections)
        if name is None:
            return None, None, problems
    cls, problems = interface_class(name, f"{root}.interface", index)
    if cls is not None and not is_pose_interface(cls):
        fmt = format_of_interface(cls)
        if pose.interface is None and fmt is not None:
            # Found from the file's content: the file, not an interface the user named, is the problem.
            location = f"{root}.file_path"
            message = f"{pose.file_path} holds training labels ({fmt.name}), not predictions"
        else:
            location, message = f"{root}.interface", f"{cls.__name__} is not a poseconv pose interface"
        message += f"; list it under sessions[{index}].interfaces"
        if fmt is not None:
            # A format of the catalog that is not poses (labels): say what to write.
            entry = f"{{interface: {fmt.alias}, source_data: {{{fmt.input_argument}: {pose.file_path}}}}}"
            message += f", e.g. labels: {entry}"
        return name, None, [Problem(location, message + ".", index)]
    return name, cls, problems


# Blocks of the NWB file as a whole, and where a session gives them: one per file, so not one pose file's.
_FILE_WIDE_BLOCKS = {"NWBFile": "metadata.NWBFile", "Subject": "subject"}


def _file_wide_problems(metadata: Mapping[str, Any], root: str, index: int) -> list[Problem]:
    """Return a problem for each block of a pose file's ``metadata`` that only the whole NWB file has.

    The file's blocks are the session's: given for one pose file, they were dropped without a word.
    """
    session = f"sessions[{index}]"
    return [
        Problem(
            f"{root}.metadata.{block}",
            f"{block} describes the whole NWB file, not one pose file: give it in {session}.{where} (a pose "
            "file's metadata holds that file's own Pose, Devices and Behavior entries).",
            index,
        )
        for block, where in _FILE_WIDE_BLOCKS.items()
        if block in metadata
    ]


def plan_pose(
    pose: Any,
    j: int,
    index: int,
    data_folder: Path,
    detections: Detections | None = None,
    default_name: str | None = None,
) -> tuple[InputJob | None, list[Problem]]:
    """Check the pose entry ``sessions[index].pose[j]`` and return its job (None when it cannot be built).

    Parameters
    ----------
    pose : PoseSpec
        The entry.
    j, index : int
        Its position in the session, and the session's in the spec.
    data_folder : pathlib.Path
        Where relative paths start.
    detections : Detections, optional
        The pose files' formats as they are detected while the plan runs; without, the file is read here.
    default_name : str, optional
        The entry's key in the converter when it names none (``Pose<j>`` without).

    Returns
    -------
    tuple
        The job (or None) and every problem found.
    """
    root = f"sessions[{index}].pose[{j}]"
    kwargs, timestamps_file, problems = _pose_arguments(pose, root, index, data_folder)
    if pose.interface is None and problems:
        return None, problems
    name, cls, found = _pose_class(pose, Path(kwargs["file_path"]), root, index, detections)
    problems += found
    if cls is None:
        return None, problems
    problems += _videos_by_camera(cls, kwargs, root, index)
    own_fields = set(kwargs)  # file_path, video_file_path, sampling_frequency: fields of the pose entry itself

    def locate(key: str | None) -> str:
        if key is None:
            return root
        return f"{root}.{key}" if key in own_fields else f"{root}.source_data.{key}"

    source_data, named_otherwise = _animals_named_otherwise(pose.source_data, cls, root, index)
    kwargs, found = check_source_data(cls, source_data, kwargs, data_folder, locate, index)
    problems += named_otherwise + found + metadata_problems(pose.metadata, f"{root}.metadata", index)
    problems += _file_wide_problems(pose.metadata, root, index)
    job = InputJob(
        name=pose.name or default_name or f"Pose{j}",
        interface=name,
        location=root,
        is_pose=True,
        source_data=kwargs,
        conversion_options=dict(pose.conversion_options),
        metadata=dict(pose.metadata),
        timestamps_file=timestamps_file,
        starting_time=pose.starting_time,
    )
    return job, problems


def plan_interface(
    key: str, entry: Any, defaults: Mapping[str, str], index: int, data_folder: Path
) -> tuple[InputJob | None, list[Problem]]:
    """Check the interface entry ``sessions[index].interfaces.<key>`` and return its job (None when it cannot be built).

    Parameters
    ----------
    key : str
        Its key (the input's name in the converter).
    entry : InterfaceSpec
        The entry.
    defaults : Mapping
        The spec's top-level ``interfaces`` (key -> interface name).
    index : int
        The session's position in the spec.
    data_folder : pathlib.Path
        The folder relative paths start from.

    Returns
    -------
    tuple
        ``(job, problems)``; the job is None when the interface cannot be resolved.
    """
    from .registry import is_pose_interface

    root = format_location(("interfaces", key), f"sessions[{index}]")
    name = entry.interface or defaults.get(key)
    if name is None:
        message = f"no interface class: name it here or under the spec's top-level interfaces.{key}."
        return None, [Problem(f"{root}.interface", message, index)]
    cls, problems = interface_class(name, f"{root}.interface" if entry.interface else f"interfaces.{key}", index)
    if cls is None:
        return None, problems

    def locate(field_name: str | None) -> str:
        return f"{root}.source_data" + (f".{field_name}" if field_name is not None else "")

    source_data, found = check_source_data(cls, entry.source_data, {}, data_folder, locate, index)
    job = InputJob(
        name=key,
        interface=name,
        location=root,
        is_pose=is_pose_interface(cls),
        source_data=source_data,
        conversion_options=dict(entry.conversion_options),
        starting_time=entry.starting_time,
    )
    return job, problems + found
