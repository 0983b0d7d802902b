"""The metadata JSON Schema: committed copy in sync, draft-07, and renderable by form tools."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from jsonschema import Draft7Validator

import poseconv.interfaces as interfaces
from poseconv import DeepLabCutPoseInterface
from poseconv.metadata.schema import SCHEMA_FILE_NAME, metadata_schema, render_metadata_schema
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.paths import REPO_ROOT

COMMITTED = REPO_ROOT / "schemas" / SCHEMA_FILE_NAME


def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def test_committed_schema_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == render_metadata_schema(), (
        f"{COMMITTED} is out of date; regenerate it with `poseconv schema --write`."
    )


def test_schema_is_draft7():
    Draft7Validator.check_schema(metadata_schema())


def test_every_ref_resolves():
    schema = metadata_schema()
    validator = Draft7Validator(schema)
    refs = [node["$ref"] for _, node in _walk(schema) if isinstance(node, dict) and "$ref" in node]
    assert refs
    for ref in refs:
        validator._resolver.lookup(ref)


def test_form_tool_rules_for_pose_blocks():
    """Titles and descriptions on every field, no type unions, no null defaults, no DEPRECATED."""
    schema = metadata_schema()
    for block in ("Pose", "Behavior"):
        for path, node in _walk(schema["properties"][block]):
            if not isinstance(node, dict):
                continue
            assert not isinstance(node.get("type"), list), path
            assert "anyOf" not in node and "oneOf" not in node, path
            assert node.get("default", 0) is not None, path
            for name, prop in (node.get("properties") or {}).items():
                assert prop.get("title") and prop.get("description"), (*path, name)
    assert "DEPRECATED" not in json.dumps(schema["properties"]["Pose"])


def test_interface_metadata_validates_and_defaults_are_valid():
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    interface.validate_metadata(metadata)
    for _, node in _walk(metadata_schema()):
        if isinstance(node, dict) and "default" in node and isinstance(node.get("type"), str):
            Draft7Validator({k: v for k, v in node.items() if k != "default"}).validate(node["default"])


def test_source_schema_is_form_friendly():
    schema = DeepLabCutPoseInterface.get_source_schema()
    Draft7Validator.check_schema(schema)
    assert schema["properties"]["file_path"]["format"] == "file-path"
    assert schema["properties"]["config_file_path"] == {
        **schema["properties"]["config_file_path"],
        "type": "string",
        "format": "file-path",
    }
    for name, prop in schema["properties"].items():
        assert "anyOf" not in prop, name
        assert prop.get("description"), name


INTERFACES = [getattr(interfaces, name) for name in interfaces.__all__ if name.endswith("Interface")]


@pytest.mark.parametrize("cls", INTERFACES, ids=lambda cls: cls.__name__)
def test_no_source_schema_offers_null(cls):
    # LightningPoseMultiViewInterface's video_file_paths kept {"type": "null"} in its anyOf of a mapping and a list.
    text = json.dumps(cls.get_source_schema())
    assert '{"type": "null"}' not in text


def test_source_schema_is_built_once_per_class_and_each_caller_gets_its_own_copy():
    first = DeepLabCutPoseInterface.get_source_schema()
    first["properties"]["file_path"]["description"] = "edited by a form tool"
    first["required"].append("config_file_path")
    second = DeepLabCutPoseInterface.get_source_schema()
    assert second["properties"]["file_path"]["description"] != "edited by a form tool"
    assert "config_file_path" not in second["required"]
    assert second == DeepLabCutPoseInterface.get_source_schema()


@pytest.mark.parametrize("interface_class", [DeepLabCutPoseInterface])
def test_conversion_options_schema(interface_class):
    schema = interface_class(file_path=MULTI_ANIMAL_H5).get_conversion_options_schema()
    Draft7Validator.check_schema(schema)
    assert set(schema["properties"]) == {"stub_test", "external_files_relative_to"}


@pytest.mark.parametrize(
    "change, said",
    [
        ({"NWBFile": {"session_start_time": "2024-05-01T10:00"}}, "has no time zone"),
        ({"NWBFile": {"session_start_time": "2999-05-01T10:00:00+00:00"}}, "is in the future"),
        ({"Subject": {"subject_id": "m", "date_of_birth": "2025-01-01"}}, "is after the session start time"),
        ({"Pose": {"PoseEstimations": {"PoseEstimation_individual9": {}}}}, "PoseEstimation_individual9"),
        # Nodes renamed (as many as the file's) passed, and the writer refused them.
        (
            {"Pose": {"Skeletons": {"Skeleton": {"nodes": ["nose", "back", "tail"]}}}},
            r"\['Skeleton'\]\['nodes'\]: lists \['nose', 'back', 'tail'\], but the pose file has .* cannot be renamed",
        ),
    ],
)
def test_an_interfaces_validate_metadata_refuses_what_its_conversion_refuses(change, said):
    # Form tools and neuroconv's DataInterfaceTestMixin call the interface's check, which passed metadata the
    # conversion then refused (schema only; the converter's check already found them).
    from poseconv.errors import MetadataError
    from poseconv.metadata.defaults import merge_metadata

    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = "2024-05-01T10:00:00+00:00"
    with pytest.raises(MetadataError, match=said):
        interface.validate_metadata(merge_metadata(metadata, change))


def test_the_form_takes_the_dates_of_birth_and_ages_the_converter_takes():
    from poseconv.metadata.schema import form_schema

    form = form_schema(metadata_schema())
    validator = Draft7Validator(form, format_checker=Draft7Validator.FORMAT_CHECKER)

    def errors(subject):
        return [
            e.message
            for e in validator.iter_errors(
                {"NWBFile": {"session_start_time": "2024-05-01T10:00:00+02:00"}, "Subject": subject}
            )
        ]

    # A date, as docs/metadata.md shows it (neuroconv's "format": "date-time" refused it), or a date and time.
    for born in ("2024-01-02", "2024-01-02T08:00:00+00:00", "2024-01-02T08:00:00"):
        assert errors({"date_of_birth": born}) == [], born
    assert errors({"date_of_birth": "01/02/2024"}) != []
    # DANDI's ISO 8601 durations and ranges; neuroconv's unanchored pattern took any text.
    for age in ("P90D", "P12W", "P1Y2M", "PT36H", "P90D/P100D"):
        assert errors({"age": age}) == [], age
    for age in ("90 days", "P", "3 months"):
        assert errors({"age": age}) != [], age
    # The interfaces' schema keeps taking them: the converter writes such an age, with a warning.
    start = {"session_start_time": "2024-05-01T10:00:00+02:00"}
    assert list(Draft7Validator(metadata_schema()).iter_errors({"NWBFile": start, "Subject": {"age": "90 days"}})) == []


def test_poseconvs_schemas_take_a_date_of_birth_or_an_age_left_empty_as_its_converters_do():
    from poseconv.interfaces import PoseConverterPipe
    from poseconv.metadata.schema import form_schema, taking_empty_text

    # NWB GUIDE and metadata templates write "" for a field not filled in, which poseconv's converters take as not
    # given (convert -m, run and PoseNWBConverter alike): the committed form schema and their schemas take it.
    start = {"session_start_time": "2024-05-01T10:00:00+02:00"}
    subject = {"subject_id": "m1", "species": "Mus musculus", "date_of_birth": "", "age": "", "weight": ""}
    converter = PoseConverterPipe({"Pose": DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)})
    schemas = [json.loads(render_metadata_schema()), form_schema(taking_empty_text(metadata_schema()))]
    for schema in (*schemas, converter.get_metadata_schema()):
        validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
        assert [e.message for e in validator.iter_errors({"NWBFile": start, "Subject": subject})] == []
        assert [e.message for e in validator.iter_errors({"NWBFile": start, "Subject": {"date_of_birth": " "}})] == []
        assert [e.message for e in validator.iter_errors({"NWBFile": start, "Subject": {"age": " "}})] == []
        assert list(validator.iter_errors({"NWBFile": start, "Subject": {"date_of_birth": "x 2024-01-02"}})) != []
    converter.validate_metadata({"NWBFile": start, "Subject": subject})
    assert taking_empty_text(schemas[0]) == schemas[0], "taken twice, it is the same schema"


def test_the_converters_schemas_take_a_sex_or_a_species_left_empty_as_the_converters_do():
    from poseconv.metadata.schema import form_schema, taking_empty_text

    # docs/batch.md: `sex: ""` (a form's field not filled in) is not given; every converter took it, while the
    # committed schema and PoseNWBConverter.get_metadata_schema() refused it (not one of [...], no species pattern).
    start = {"session_start_time": "2024-05-01T10:00:00+02:00"}
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for schema in (committed, taking_empty_text(metadata_schema()), form_schema(taking_empty_text(metadata_schema()))):
        validator = Draft7Validator(schema)
        for subject in ({"sex": "", "species": ""}, {"species": " "}):
            assert [e.message for e in validator.iter_errors({"NWBFile": start, "Subject": subject})] == []
        for subject in ({"sex": "male"}, {"species": "mouse"}):
            assert list(validator.iter_errors({"NWBFile": start, "Subject": subject})) != []
    # The interfaces' schema (neuroconv's NWBConverter writes what it takes) still refuses them.
    validator = Draft7Validator(metadata_schema())
    assert len(list(validator.iter_errors({"NWBFile": start, "Subject": {"sex": "", "species": ""}}))) == 2


def test_the_interfaces_schema_refuses_a_date_of_birth_or_an_age_left_empty():
    from poseconv.metadata.schema import form_schema

    # neuroconv's own NWBConverter (NWB GUIDE's) validates with the interfaces' schemas and writes the Subject as
    # given: an empty age was written, an empty date of birth failed in datetime.fromisoformat.
    start = {"session_start_time": "2024-05-01T10:00:00+02:00"}
    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    for schema in (metadata_schema(), interface.get_metadata_schema(), form_schema(interface.get_metadata_schema())):
        validator = Draft7Validator(schema)
        for field, value in (("age", ""), ("age", " "), ("date_of_birth", ""), ("date_of_birth", " ")):
            errors = list(validator.iter_errors({"NWBFile": start, "Subject": {field: value}}))
            assert errors and all(list(e.path) == ["Subject", field] for e in errors), (field, value)
        assert list(validator.iter_errors({"NWBFile": start, "Subject": {"date_of_birth": "2024-01-02"}})) == []
    # Any other age is still the converter's to warn about (docs/metadata.md).
    subject = {"age": "90 days"}
    assert (
        list(Draft7Validator(interface.get_metadata_schema()).iter_errors({"NWBFile": start, "Subject": subject})) == []
    )


# The forms docs/batch.md and docs/metadata.md list, which `poseconv convert --session-start-time` takes.
START_TIMES_TAKEN = [
    "2024-05-01T10:30:00+02:00",
    "20240501T103000+0200",
    "2024-05-01T10:30:00+02",
    "2024-05-01 10:30:00+02:00",
    "2024-05-01 10:30+02:00",
    "2024-05-01t10:30:00Z",
    "2024-05-01T10:30:00.123456-00:00",
    "2024-W18-3T10:30Z",
    "2024-05-01t10:30:00z",  # RFC 3339's lower case, which a form's date-time field may write
]
# Refused by the converter: no zone, a date alone, year 0, hour 24, a final newline, other digits.
START_TIMES_REFUSED = [
    "2024-05-01T10:30:00",
    "2024-05-01",
    "2024-05-01+02:00",
    "0000-05-01T10:30+02",
    "2024-05-01T24:00+02",
    "2024-0501T10:30+02",
    "2024-05-01T10:30:00+02:00\n",
    "2024-05-01T10:30:00+2",
    "2024-05-01T10:30:0\u0660+02",
]


@pytest.mark.parametrize("value", START_TIMES_TAKEN + START_TIMES_REFUSED)
def test_the_published_schemas_take_the_start_times_the_converter_takes(value):
    from poseconv.metadata.checks import start_time_problem

    # Before, both typed it "format": "date-time" (RFC 3339): they refused 20240501T103000+0200, +02 and a space,
    # which the converter takes.
    spec = json.loads((REPO_ROOT / "schemas" / "conversion-spec.schema.json").read_text(encoding="utf-8"))
    documents = [
        (json.loads(COMMITTED.read_text(encoding="utf-8")), {"NWBFile": {"session_start_time": value}}),
        (spec, {"sessions": [{"session_id": "s1", "session_start_time": value, "pose": [{"file_path": "a.h5"}]}]}),
    ]
    taken = start_time_problem(value) is None
    assert taken == (value in START_TIMES_TAKEN)
    for schema, document in documents:
        validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
        assert (list(validator.iter_errors(document)) == []) == taken, (value, schema["$id"])


def test_the_start_time_pattern_takes_nothing_the_converter_refuses():
    import itertools
    import re

    from poseconv.metadata.checks import start_time_problem
    from poseconv.metadata.schema import START_TIME_PATTERN

    # Every combination of parts, right and wrong. The pattern may refuse fromisoformat's forms that are not
    # ISO 8601 (another separator, a fraction of an hour), never take what the converter refuses.
    dates = ["2024-05-01", "20240501", "2024-W18", "2024-W18-3", "2024W183", "2024-0501", "2024-13-01", "2024-W54"]
    separators = ["T", "t", " ", "x", "", "TT"]
    times = ["10", "1030", "10:30", "103000", "10:30:00.5", "10:3000", "24", "10:60", "1", "10.5", "10:30:00."]
    zones = ["Z", "z", "+02", "-0200", "+02:00", "+2", "+020", "+24", "+02:60", " +02:00", "", "+02:00Z"]
    ends = ["", "\n", " "]
    taken = 0
    for parts in itertools.product(dates, separators, times, zones, ends):
        value = "".join(parts)
        if re.search(START_TIME_PATTERN, value):
            assert start_time_problem(value) is None, value
            taken += 1
    assert taken == 5 * 3 * 5 * 5  # the right dates, separators, times and zones, without a space after


SPECIES = [
    "Mus musculus",
    "Rattus norvegicus",
    "Homo sapiens",
    "Mus musculus (C57BL/6J)",
    "Homo sapiens sapiens",
    "Mus musculus 2",
    "mus musculus",
    "see http://purl.obolibrary.org/obo/NCBITaxon_10090",
    "http://purl.obolibrary.org/obo/NCBITaxon_10090",
    "http://purl.obolibrary.org/obo/NCBITaxon_10090/",
    "Mus musculus\n",
]


@pytest.mark.parametrize("species", SPECIES)
def test_the_form_takes_the_species_nwbinspector_takes(species):
    from nwbinspector.checks import check_subject_species_form
    from pynwb.file import Subject

    # Before, neuroconv's unanchored "^[A-Z][a-z]+ [a-z]+|..." took any text that begins with a binomial, which
    # nwbinspector's DANDI configuration (matching the whole text) refuses as critical.
    form = Draft7Validator(json.loads(COMMITTED.read_text(encoding="utf-8")))
    start = {"session_start_time": "2024-05-01T10:00:00+02:00"}
    taken = not list(form.iter_errors({"NWBFile": start, "Subject": {"species": species}}))
    assert taken == (check_subject_species_form(Subject(subject_id="m1", species=species)) is None), species


def _keeping_defaults(metadata):
    """Return ``metadata`` as docs/metadata.md says to write it: ``{}`` for an entry that keeps its defaults."""
    metadata["NWBFile"]["session_start_time"] = "2024-05-01T10:00:00+00:00"
    containers = metadata["Pose"]["PoseEstimations"]
    first = next(iter(containers))
    metadata["Pose"]["PoseEstimations"] = {key: {} for key in containers}
    # An edited field, a series kept as it is, and a name a form cleared: the defaults' name.
    metadata["Pose"]["PoseEstimations"][first] = {"description": "edited", "name": "", "PoseEstimationSeries": {}}
    series = next(iter(containers[first]["PoseEstimationSeries"]))
    metadata["Pose"]["PoseEstimations"][first]["PoseEstimationSeries"][series] = {"unit": "pixels"}
    metadata["Pose"]["Skeletons"] = {key: {"edges": [[0, 1]]} for key in metadata["Pose"]["Skeletons"]}
    return metadata


def test_the_schemas_take_an_entry_that_keeps_its_defaults_as_the_converter_does():
    # The published schema and the interfaces' (neuroconv's NWBConverter, NWB GUIDE's) required a name in every
    # entry and a skeleton's nodes, which the defaults fill: they refused the metadata poseconv converts.
    from neuroconv import NWBConverter

    interface = DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5)
    metadata = _keeping_defaults(interface.get_metadata())
    for schema in (json.loads(render_metadata_schema()), interface.get_metadata_schema()):
        assert [e.message for e in Draft7Validator(schema).iter_errors(metadata)] == []
    interface.validate_metadata(metadata)
    plain = type("Plain", (NWBConverter,), {"data_interface_classes": {"Pose": DeepLabCutPoseInterface}})
    plain(source_data={"Pose": {"file_path": str(MULTI_ANIMAL_H5)}}).validate_metadata(metadata)
    # Entries of a multi-camera session alike: a camera, a container, its 3D series and a camera view.
    session = {"CalibratedCameras": {"cam": {}}, "MultiCameraPoseEstimations": {"m": {"name": " "}}}
    session["MultiCameraPoseEstimations"]["m"].update(PoseEstimationSeries={"snout": {}}, CameraViews={"cam": {}})
    document = {"NWBFile": {"session_start_time": "2024-05-01T10:00:00+00:00"}, "Pose": session}
    assert [e.message for e in Draft7Validator(json.loads(render_metadata_schema())).iter_errors(document)] == []


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"Pose": {"Skeletons": {"Skeleton": {"name": "a/b"}}}}, "does not match"),
        ({"Pose": {"CalibratedCameras": {"cam": {"name": "cam:1"}}}}, "does not match"),
        # A video the user adds (a labeled video) has no default name: the writer needs the one given.
        ({"Behavior": {"ExternalVideos": {"labeled": {"description": "poses drawn"}}}}, "'name' is a required"),
        ({"Pose": {"Skeletons": {"Skeleton": {"nodes": []}}}}, "should be non-empty|is too short"),
    ],
)
def test_the_published_schema_still_refuses_a_name_the_file_cannot_hold(change, said):
    from poseconv.metadata.defaults import merge_metadata

    document = merge_metadata({"NWBFile": {"session_start_time": "2024-05-01T10:00:00+00:00"}}, change)
    messages = [e.message for e in Draft7Validator(json.loads(render_metadata_schema())).iter_errors(document)]
    assert any(re.search(said, message) for message in messages), messages
