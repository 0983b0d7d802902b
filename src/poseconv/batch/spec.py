"""The conversion spec: many sessions, their pose files, other interfaces and metadata, in one file.

A spec is YAML or JSON. Its pydantic models below are the single source of its
JSON Schema, committed as ``schemas/conversion-spec.schema.json`` and checked
against this code by the test suite (regenerate it with
``python -m poseconv.batch.spec > schemas/conversion-spec.schema.json``)::

    output_folder: nwb                 # relative to the spec file
    metadata:                          # every session, under its own metadata
      NWBFile: {institution: Example University, experimenter: ["Doe, Jane"]}
      Subject: {species: Mus musculus}
    interfaces:                        # default classes of the other interfaces, by key
      Recording: SpikeGLXRecordingInterface
    sessions:
      - session_id: m1-day1
        session_start_time: 2024-05-01T10:30:00+02:00
        subject: {subject_id: m1, sex: M, age: P90D}
        pose:
          - file_path: m1/day1DLC_resnet50_openfieldOct30shuffle1_1000.h5
            video_file_path: m1/day1.mp4
            timestamps_file: m1/day1_frame_times.npy
        interfaces:
          Recording: {source_data: {folder_path: m1/day1_g0}}

Loading keeps dates as text (YAML would turn them into ``datetime`` objects,
which JSON Schema cannot check) and remembers the line of every value, so a
problem is reported as ``sessions[2].pose[0].file_path (line 14): ...``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

# format_location and unquoted_non_text are the documents' (a spec's and a metadata file's), named here for the batch.
from ..documents import format_location, load_document, unquoted_non_text
from ..errors import PoseconvError
from ..metadata.checks import start_time_problem
from ..metadata.compose import to_plain
from ..metadata.fields import mapping, optional
from ..metadata.schema import START_TIME_PATTERN, FormFriendlyJsonSchema, or_empty
from ..metadata.start_times import read_date_time

__all__ = [
    "SPEC_SCHEMA_FILE_NAME",
    "ConversionSpec",
    "InterfaceSpec",
    "InvalidSpecError",
    "PoseSpec",
    "SessionSpec",
    "format_location",
    "load_spec_document",
    "render_spec_schema",
    "spec_schema",
    "to_json",
    "unquoted_non_text",
]

SPEC_SCHEMA_FILE_NAME = "conversion-spec.schema.json"


def _format_names() -> str:
    from ..catalog import BUILTIN_FORMATS

    return ", ".join(
        f"{', '.join(fmt.aliases[:1])} = {fmt.interface_name}" for fmt in BUILTIN_FORMATS if fmt.kind != "labels"
    )


#: The pose formats a spec names, from the catalog (labels go under a session's interfaces).
_FORMAT_NAMES = _format_names()


class InvalidSpecError(PoseconvError, ValueError):
    """The spec file cannot be read at all (missing, or not YAML/JSON)."""


# Paths are kept as text: relative ones are resolved against the data folder by the planner,
# and form tools show a file picker for "format: file-path".
FilePathText = Annotated[
    str, Field(min_length=1), WithJsonSchema({"type": "string", "format": "file-path", "minLength": 1})
]
# A name that becomes part of a file name or an NWB object name.
Identifier = Annotated[str, Field(min_length=1, pattern=r"^[^/\\:]+$")]


def _start_time(value: Any) -> dt.datetime:
    """Read a session start time as ``poseconv convert --session-start-time`` and metadata files do.

    One parser for every entry point (:func:`~poseconv.metadata.checks.read_date_time`, checked by
    :func:`~poseconv.metadata.checks.start_time_problem`): it takes the ISO 8601 forms pydantic's own
    refuses, the basic ``20240501T103000+0200`` and an offset in hours ``+02``.
    """
    parsed = value if isinstance(value, dt.datetime) else None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = read_date_time(value)
    if parsed is None or parsed.tzinfo is None:
        problem = start_time_problem(value) or "is not an ISO-8601 date and time with a time zone."
        raise PydanticCustomError("session_start_time", "{problem}", {"problem": problem})
    return parsed


# An ISO 8601 date and time with a time zone. Its schema says the forms _start_time takes (pydantic's own
# "format": "date-time" refused 20240501T103000+0200 and +02, and took 2024-05-01t10:30:00z); empty text is
# not given (SessionSpec._empty_is_not_given).
StartTime = Annotated[
    dt.datetime,
    BeforeValidator(_start_time),
    WithJsonSchema({"type": "string", "pattern": or_empty(START_TIME_PATTERN)}),
]


class _Model(BaseModel):
    # A misspelt key is an error with its location, never silently ignored.
    model_config = ConfigDict(extra="forbid")


class PoseSpec(_Model):
    """One pose file of a session (of any format poseconv reads) and how its frames are timed."""

    file_path: FilePathText = Field(
        title="Pose file",
        description=(
            "A pose file of any format poseconv reads (DeepLabCut, SLEAP, Lightning Pose; "
            "'poseconv convert --help' lists them); relative to data_folder."
        ),
    )
    interface: str | None = optional(
        "Interface",
        f"Interface that reads the file: a format of poseconv's catalog ({_FORMAT_NAMES}), its interface "
        "class, a name registered in the 'neuroconv.interfaces' entry-point group, or 'package.module:Class'. "
        "Detected from the file's content when omitted.",
    )
    name: Identifier | None = optional(
        "Name", "Key of this file's interface in the session's converter; 'Pose<index>' when omitted."
    )
    video_file_path: FilePathText | None = optional(
        "Video file", "The video the poses were estimated on (kept outside the NWB file); relative to data_folder."
    )
    sampling_frequency: float | None = optional(
        "Sampling frequency (Hz)",
        "Frame rate, for files that record none (SLEAP files usually do not).",
        gt=0,
        allow_inf_nan=False,  # .inf passed gt=0 and was refused inside the interface, at pose[0], not here
    )
    starting_time: float | None = optional(
        "Starting time (s)",
        "Shift every frame time by this many seconds, to align the poses to the session start.",
        allow_inf_nan=False,  # .nan was refused inside the interface, as an aligned_starting_time with sync advice
    )
    timestamps_file: FilePathText | None = optional(
        "Timestamps file",
        "One time in seconds per frame, aligned to the session start: .npy, or text (.csv, .tsv, .txt) "
        "with one number per line (a header line is allowed). Applied before starting_time.",
    )
    source_data: dict[str, Any] = mapping(
        "Other interface arguments",
        "More arguments of the interface, e.g. individuals, config_file_path (DeepLabCut) or tracks, "
        "video_indices (SLEAP); paths are relative to data_folder.",
    )
    conversion_options: dict[str, Any] = mapping(
        "Conversion options", "Options of the interface's add_to_nwbfile, e.g. stub_test: true."
    )
    metadata: dict[str, Any] = mapping(
        "Metadata",
        "Metadata for this file only, over the session's, e.g. Pose.PoseEstimations.<key>.name; NWBFile and "
        "Subject belong to the session (its metadata or subject).",
    )


class InterfaceSpec(_Model):
    """Any neuroconv interface (ephys, video, events, ...) in a session, next to the pose files."""

    interface: str | None = optional(
        "Interface",
        "Class name in neuroconv.datainterfaces (e.g. SpikeGLXRecordingInterface), a name registered in "
        "the 'neuroconv.interfaces' entry-point group, or 'package.module:Class'; may be omitted when the "
        "spec's top-level 'interfaces' names the class for this key.",
    )
    source_data: dict[str, Any] = mapping(
        "Source data", "The interface's constructor arguments; relative paths start from data_folder."
    )
    conversion_options: dict[str, Any] = mapping("Conversion options", "Options of the interface's add_to_nwbfile.")
    starting_time: float | None = optional(
        "Starting time (s)", "Passed to set_aligned_starting_time, for interfaces with temporal alignment."
    )


class SessionSpec(_Model):
    """One session: one NWB file."""

    session_id: Identifier = Field(
        title="Session ID",
        description="Unique in the spec; written as NWBFile.session_id and used in the default file name.",
    )
    nwbfile_name: str | None = optional(
        "NWB file name",
        "File name (or path) inside output_folder; '<session_id>.nwb' when omitted "
        "('<session_id>.nwb.zarr' with backend zarr).",
        min_length=1,
        pattern=r"\.nwb(\.zarr)?$",
    )
    session_start_time: StartTime | None = optional(
        "Session start time",
        "ISO-8601 date and time with a time zone, e.g. 2024-05-01T10:30:00+02:00, 20240501T103000+0200 "
        "or 2024-05-01 10:30+02; not in the future.",
    )
    subject: dict[str, Any] = mapping(
        "Subject", "The Subject metadata of this session (subject_id, species, sex, age, ...)."
    )
    pose: list[PoseSpec] = Field(
        default_factory=list,
        title="Pose files",
        description="The pose files of this session; all are written to its one NWB file.",
    )
    interfaces: dict[str, InterfaceSpec] = mapping(
        "Other interfaces", "Other neuroconv interfaces of this session, by key (e.g. Recording)."
    )
    metadata: dict[str, Any] = mapping(
        "Metadata", "Metadata of this session, over the spec's metadata and the fields above."
    )

    @field_validator("session_start_time", mode="before")
    @classmethod
    def _empty_is_not_given(cls, value: Any) -> Any:
        # A table's empty cell ("", as a form leaves a field): not given, as in every metadata layer
        # (drop_empty_text), so the spec's metadata.NWBFile.session_start_time applies.
        return None if isinstance(value, str) and not value.strip() else value


class ConversionSpec(_Model):
    """A batch of conversions: one NWB file per session."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: str | None = optional(
        "Schema", "The JSON Schema of this file, for editors; not used by poseconv.", alias="$schema"
    )
    version: Literal[1] = Field(default=1, title="Spec version", description="Version of this file format.")
    output_folder: str = Field(
        default=".",
        min_length=1,
        title="Output folder",
        description="Folder the NWB files are written to; relative to the spec file's folder.",
    )
    backend: Literal["hdf5", "zarr"] = Field(
        default="hdf5",
        title="Storage backend",
        description="hdf5 writes .nwb files; zarr writes NWB Zarr stores (.nwb.zarr folders, as hdmf-zarr's NWBZarrIO "
        "reads them).",
    )
    data_folder: str | None = optional(
        "Data folder", "Folder that relative input paths start from; the spec file's folder when omitted.", min_length=1
    )
    metadata: dict[str, Any] = mapping(
        "Metadata", "Metadata shared by every session (NWBFile, Subject, ...); see metadata.schema.json."
    )
    interfaces: dict[str, str] = mapping(
        "Interface classes",
        "Default interface class for each key of the sessions' 'interfaces', as in neuroconv's YAML specs.",
    )
    sessions: list[SessionSpec] = Field(
        min_length=1, title="Sessions", description="The sessions; each becomes one NWB file."
    )


# -- JSON Schema ------------------------------------------------------------------------------


def spec_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft-07) of a conversion spec.

    Returns
    -------
    dict
        The schema, definitions under ``definitions``.
    """
    schema = ConversionSpec.model_json_schema(
        by_alias=True, ref_template="#/definitions/{model}", schema_generator=FormFriendlyJsonSchema
    )
    definitions = schema.pop("$defs", {})
    ordered = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://poseconv.invalid/schemas/" + SPEC_SCHEMA_FILE_NAME,
        **schema,
        "title": "poseconv conversion spec",
    }
    if definitions:
        ordered["definitions"] = definitions
    return ordered


def render_spec_schema() -> str:
    """Return :func:`spec_schema` as the exact text committed in ``schemas/``."""
    return json.dumps(spec_schema(), indent=2, sort_keys=True) + "\n"


#: ``value`` with JSON types only: :func:`poseconv.metadata.compose.to_plain` under the name the batch uses.
to_json = to_plain


# -- loading ----------------------------------------------------------------------------------


def load_spec_document(path: Path) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Read a spec file into plain JSON types, with the line of every value (:func:`~poseconv.documents.load_document`).

    Raises
    ------
    InvalidSpecError
        When the file is missing, is not UTF-8, not valid YAML/JSON, or gives a key twice in one
        mapping; the message gives the line.
    """
    return load_document(path, InvalidSpecError, "spec")


if __name__ == "__main__":  # pragma: no cover - the regeneration command named in the module docstring
    sys.stdout.write(render_spec_schema())
