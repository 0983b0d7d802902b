"""Metadata files, start times and the closing summary of ``convert`` and ``metadata``.

The conversion itself is :class:`~poseconv.interfaces.converter.PoseConverterPipe`'s, as for every
other entry point.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["check_metadata_file", "load_metadata_file", "parse_session_start_time", "summary"]


def load_metadata_file(path: Path) -> dict[str, Any]:
    """Read a metadata YAML or JSON file into a dict.

    Raises
    ------
    MetadataError
        When the file is missing, not UTF-8 or not YAML/JSON, gives a key twice, or is not a mapping
        (an empty file too: given on purpose, it is more likely the wrong file than no metadata).
    """
    from ..documents import load_document
    from ..errors import MetadataError

    # The spec's reader: dates stay text (checked with the rest), a key given twice is an error.
    content, _lines = load_document(path, MetadataError, "metadata")
    if not isinstance(content, dict):
        found = "nothing (the file is empty or only comments)" if content is None else type(content).__name__
        raise MetadataError(
            f"{path}: metadata must be a mapping (NWBFile:, Subject:, Pose: ...), found {found}; "
            "write the metadata in it (poseconv metadata INPUT prints a template) or leave out --metadata."
        )
    return content


def check_metadata_file(converter: Any, metadata: dict[str, Any], path: Path, *, append_mode: bool = False) -> None:
    """Refuse, before anything is written, metadata with problems, each said at its place in the file ``path``.

    The converter finds the problems (as it would while writing); those of a value the file gives are
    located in it, with their line in a YAML file: ``session.yaml: NWBFile.session_start_time (line 2): ...``.
    A value YAML read as a number or true/false where text goes is said as written, as a spec's is
    (``subject_id: 4E2``, read as 400.0: :func:`~poseconv.documents.unquoted_non_text`).

    Raises
    ------
    MetadataError
        Listing every problem.
    """
    from ..documents import NOT_TEXT, format_location, load_document, says_only_not_text, unquoted_non_text
    from ..errors import MetadataError
    from ..metadata.schema_messages import metadata_source

    # A null is said in the file's words (JSON's null, YAML's key with nothing after it), not a Python dict's.
    with metadata_source("json" if path.suffix.lower() == ".json" else "yaml"):
        problems = converter.metadata_problems(metadata, append_mode)
    if not problems:
        return
    _content, lines = load_document(path, MetadataError, "metadata")
    # Read again, as written, only when a problem needs it.
    written = unquoted_non_text(path) if any(NOT_TEXT in problem.message for problem in problems) else {}
    said = []
    for problem in problems:
        # The field itself, or the nearest block the file writes (a missing field is at its block).
        given = next((problem.path[:n] for n in range(len(problem.path), 0, -1) if problem.path[:n] in lines), None)
        if given is None and not lines and problem.path[:1] and problem.path[0] in metadata:
            given = problem.path  # JSON: no lines, but the file gives the block.
        if given is None:
            said.append(str(problem))
            continue
        line = f" (line {lines[given]})" if given in lines else ""
        where = format_location(problem.path)
        message = written[where] if where in written and says_only_not_text(problem.message) else problem.message
        said.append(f"{where}{line}: {message}")
    raise MetadataError(f"{path}: invalid metadata:\n  " + "\n  ".join(said))


def parse_session_start_time(text: str) -> datetime:
    """Parse an ISO-8601 date and time with a time zone.

    Raises
    ------
    InvalidOptionError
        When the text is not ISO-8601 or has no time zone; the message shows a value that works.
    """
    from ..errors import InvalidOptionError
    from ..metadata.checks import start_time_problem
    from ..metadata.start_times import read_date_time

    problem = start_time_problem(text)
    if problem is not None:
        # The same check (and suggested value) as a start time in a metadata file or a spec.
        raise InvalidOptionError(f"--session-start-time {text!r} {problem}")
    return read_date_time(text)


def _written_poses(interface: Any) -> list[Any]:
    """Return the poses an interface writes: a session's camera views, or a pose file's poses."""
    session = getattr(interface, "session", None)
    if session is not None:
        return list(session.views.values())
    pose = getattr(interface, "pose", None)
    return [pose] if pose is not None else []


def _containers_written(per_input: dict[str, Any]) -> list[str]:
    """Say the containers of each kind the inputs' metadata write: one camera's, and multi-camera ones.

    A ``MultiCameraPoseEstimation`` holds one ``PoseEstimation`` per camera view, so it is counted as
    what it is, with its views, not as one ``PoseEstimation``.
    """
    blocks = [(m.get("Pose") or {}) for m in per_input.values()]
    single = sum(len(block.get("PoseEstimations") or {}) for block in blocks)
    multi = [entry for block in blocks for entry in (block.get("MultiCameraPoseEstimations") or {}).values()]
    said = [f"{single} PoseEstimation container(s)"] if single or not multi else []
    if multi:
        views = sum(len(entry.get("CameraViews") or {}) for entry in multi)
        said.append(f"{len(multi)} MultiCameraPoseEstimation container(s) ({views} camera view(s))")
    return said


def summary(converter: Any, metadata: dict[str, Any], *, stub: bool) -> str:
    """Say what a conversion wrote: containers (one camera's, multi-camera ones) and training frames."""
    from ..interfaces.base import STUB_FRAMES

    per_input = converter.compose_metadata(metadata).per_input
    blocks = ("PoseEstimations", "MultiCameraPoseEstimations")
    containers = [key for m in per_input.values() for block in blocks for key in (m.get("Pose") or {}).get(block, {})]
    written = _containers_written(per_input)
    replaced = sum(
        track.replaced_predictions is not None
        for interface in converter.data_interface_objects.values()
        for pose in _written_poses(interface)
        for track in pose.tracks
    )
    if replaced:
        written[0] += f" (and {replaced} of SLEAP predictions a user instance replaced)"
    labels = [t for t in (getattr(i, "training_data", None) for i in converter.data_interface_objects.values()) if t]
    if labels:
        # --stub writes the first training frames of each input, as it does the first pose frames.
        frames = [f for t in labels for f in (t.frames[:STUB_FRAMES] if stub else t.frames)]
        n_instances = sum(len(f.instances) for f in frames)
        trained = f"{len(frames)} PoseTraining frame(s) with {n_instances} labeled instance(s)"
        written = [trained] if not containers else [*written, trained]
    return " and ".join(written)
