"""Skeleton edges and dates, checked the same way for every entry point."""

import datetime as dt
import re

import pytest
import yaml
from pynwb.testing.mock.file import mock_NWBFile

from poseconv.cli._conversion import parse_session_start_time
from poseconv.errors import InvalidOptionError, MetadataError
from poseconv.metadata.checks import (
    dandi_subject_gap,
    date_of_birth_problem,
    normalize_date_of_birth,
    skeleton_problems,
    space_problem,
    start_time_problem,
    text_space_problems,
)
from poseconv.metadata.empty_fields import FORM_EMPTY_CAMERA_ARRAYS, drop_empty_text, drop_form_empty_text

NODES = ["head", "thorax", "tail"]


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([[0, 3]], "edge 0 [0, 3] is past the last node: the skeleton has 3 node(s), indices 0-2"),
        ([[0, 1], [2, 2]], "edge 1 [2, 2] joins node 'tail' to itself"),
        ([[0, 1], [1, 2], [0, 1]], "edge 2 [0, 1] repeats edge 0"),
    ],
    ids=["past-last-node", "self-edge", "duplicate"],
)
def test_bad_edges_are_named(edges, expected):
    problems = skeleton_problems({"nodes": NODES, "edges": edges})
    assert len(problems) == 1 and expected in problems[0]


def test_valid_edges_and_reversed_pairs_pass():
    # SLEAP skeletons are directed: (0, 1) and (1, 0) are two edges.
    assert skeleton_problems({"nodes": NODES, "edges": [[0, 1], [1, 0], [1, 2]]}) == []


def test_the_writer_refuses_bad_edges_naming_the_skeleton():
    from poseconv.nwb.write.pose_estimation import get_or_add_skeleton

    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module("behavior", "behavior")
    with pytest.raises(MetadataError, match=r"Skeleton 'mouse'.*edge 0 \[0, 7\] is past the last node"):
        get_or_add_skeleton(nwbfile, behavior, {"name": "mouse", "nodes": NODES, "edges": [[0, 7]]}, True)
    assert "Skeletons" not in behavior.data_interfaces


@pytest.mark.parametrize(
    "value", ["2024-05-01", "2024-05-01 10:00", "2024-05-01T10:00:00", "2024-05-01T10:00:00.5", dt.date(2024, 5, 1)]
)
def test_the_start_time_hint_suggests_values_that_parse(value):
    message = start_time_problem(value)
    assert message is not None and "has no time zone" in message
    suggestions = re.findall(r"(\d{4}-\d\d-\d\dT[\d:.]+(?:\+00:00|Z))", message)
    assert len(suggestions) == 2
    for suggestion in suggestions:
        assert parse_session_start_time(suggestion).tzinfo is not None
        assert start_time_problem(suggestion) is None
    if isinstance(value, str):
        with pytest.raises(InvalidOptionError, match=re.escape(suggestions[0])):
            parse_session_start_time(value)


@pytest.mark.parametrize(
    ("value", "start", "expected"),
    [
        ("2024-01-01", "2024-05-01T10:00:00+02:00", "2024-01-01T00:00:00+02:00"),
        (dt.date(2024, 1, 1), None, "2024-01-01T00:00:00+00:00"),
        ("2024-01-01T08:00:00", dt.datetime(2024, 5, 1, tzinfo=dt.UTC), "2024-01-01T08:00:00+00:00"),
        ("2024-01-01T08:00:00-05:00", None, "2024-01-01T08:00:00-05:00"),
    ],
)
def test_a_birth_date_gets_a_zone_that_does_not_depend_on_the_machine(value, start, expected):
    subject = {"date_of_birth": value}
    normalize_date_of_birth(subject, start)
    assert subject["date_of_birth"] == expected


@pytest.mark.parametrize(
    ("value", "start", "after"),
    [
        ("2024-06-01", "2024-05-01T10:00:00+02:00", True),
        ("2024-05-01T09:00:00+02:00", "2024-05-01T10:00:00+02:00", False),
        (dt.date(2024, 1, 1), dt.datetime(2024, 5, 1, tzinfo=dt.UTC), False),
        ("2024-06-01", None, False),
        ("2024-06-01", "not a date", False),
    ],
)
def test_a_birth_date_after_the_session_start_is_a_problem(value, start, after):
    subject = {"date_of_birth": value}
    normalize_date_of_birth(subject, start)
    message = date_of_birth_problem(subject["date_of_birth"], start)
    assert (message is not None and "after the session start time" in message) is after


def test_a_start_time_in_the_future_is_a_problem():
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert "is in the future" in start_time_problem(future.isoformat())
    assert start_time_problem((future - dt.timedelta(days=800)).isoformat()) is None


def test_two_series_of_one_name_are_named_at_the_renamed_one():
    from poseconv.metadata.checks import series_name_problems

    entry = {"PoseEstimationSeries": {"nose": {"name": "tail"}, "tail": {"name": "tail"}, "ear": {"name": "ear"}}}
    assert series_name_problems(entry) == [
        (
            "nose",
            "'tail' is the name of series 'tail' too; a PoseEstimation holds one series of each name: "
            "give one of them another name.",
        )
    ]
    renamed = {"PoseEstimationSeries": {"a": {"name": "x"}, "b": {"name": "x"}, "c": None}}
    assert [key for key, _ in series_name_problems(renamed)] == ["b"]
    assert series_name_problems({"PoseEstimationSeries": {"a": {"name": "a"}}}) == []


def _series(**names):
    return {"PoseEstimationSeries": {node: {"name": name} for node, name in names.items()}}


def test_a_series_named_as_another_body_part_is_named_at_it():
    # Swapping the names of series 'nose' and 'ear' converted without a word: the series called 'nose' held the
    # ear's positions, and readers that take the body part from the series name (movement) read the two swapped.
    from poseconv.metadata.checks import series_node_problems

    default = {"PoseEstimationSeries": {"nose": {"name": "nose"}, "ear": {"name": "ear"}, "l/paw": {"name": "l_paw"}}}
    said = series_node_problems(_series(nose="ear", ear="nose", **{"l/paw": "l_paw"}), default)
    assert [where for where, _ in said] == [
        ("PoseEstimationSeries", "nose", "name"),
        ("PoseEstimationSeries", "ear", "name"),
    ]
    assert said[0][1] == (
        "'ear' is the name of body part 'ear' of this container, but this series holds 'nose': readers that take the "
        "body part from the series name (movement, neuroconv) would read 'nose' as 'ear'. Keep its body part's name "
        "'nose', or give it a name no body part has; a body part cannot be renamed in metadata (nor its skeleton "
        "node): to say more of it, edit its description."
    )
    # A body part is named by its key and by its default (NWB-safe) name alike.
    said = series_node_problems(_series(nose="l/paw", ear="l_paw", **{"l/paw": "nose"}), default)
    assert [where[1] for where, _ in said] == ["nose", "ear", "l/paw"]
    assert "Keep its body part's name 'l_paw'" in said[2][1]
    # A name no body part has is the user's; a body part's own key or default name is its own.
    assert series_node_problems(_series(nose="snout_position", ear="ear", **{"l/paw": "l/paw"}), default) == []
    # Two series of one name are said once, by series_name_problems.
    assert series_node_problems(_series(nose="ear", ear="ear"), default) == []


def test_a_camera_view_s_series_named_as_another_body_part_is_named_at_it():
    from poseconv.metadata.checks import series_node_problems

    default = {**_series(), "CameraViews": {"top": _series(a="a", b="b"), "bot": _series(a="a", b="b")}}
    entry = {"CameraViews": {"top": _series(a="a", b="b"), "bot": _series(a="b", b="b_2")}}
    assert [where for where, _ in series_node_problems(entry, default)] == [
        ("CameraViews", "bot", "PoseEstimationSeries", "a", "name")
    ]


def test_every_entry_point_refuses_a_series_named_as_another_body_part(tmp_path):
    import numpy as np

    from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.deeplabcut import write_dlc_file

    parts, start = ("nose", "ear", "tail"), "2024-05-01T10:00:00+00:00"
    source = write_dlc_file(
        tmp_path / "vidDLC_resnet50_testJan1shuffle1_100.csv",
        {part: np.full((5, 2), float(index)) for index, part in enumerate(parts)},
        likelihood={part: np.ones(5) for part in parts},
    )
    swapped = {"nose": {"name": "ear"}, "ear": {"name": "nose"}}
    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = start
    for node, entry in swapped.items():
        metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["PoseEstimationSeries"][node].update(entry)
    said = r"\['nose'\]\['name'\]: 'ear' is the name of body part 'ear' of this container"
    with pytest.raises(MetadataError, match=said):
        interface.validate_metadata(metadata)
    with pytest.raises(MetadataError, match=said):
        interface.run_conversion(nwbfile_path=tmp_path / "python.nwb", metadata=metadata)
    assert not (tmp_path / "python.nwb").exists()

    class Converter(PoseNWBConverter):
        data_interface_classes = {"DeepLabCutPoseInterface": DeepLabCutPoseInterface}

    source_data = {"DeepLabCutPoseInterface": {"file_path": str(source), "sampling_frequency": 30.0}}
    with pytest.raises(MetadataError, match=said):
        Converter(source_data=source_data).validate_metadata(metadata)

    pose = {"Pose": {"PoseEstimations": {"PoseEstimation": {"PoseEstimationSeries": swapped}}}}
    (tmp_path / "meta.yaml").write_text(yaml.safe_dump(pose), encoding="utf-8")
    out = tmp_path / "out.nwb"
    result = poseconv_in_process(
        "convert", source, "--fps", 30, "-m", tmp_path / "meta.yaml", "-o", out, "--session-start-time", start
    )
    assert result.returncode == 1 and not out.exists(), result.stderr
    assert "PoseEstimation.PoseEstimationSeries.nose.name (line 8): 'ear' is the name of body part 'ear'" in (
        " ".join(result.stderr.split())
    ), result.stderr
    entry = {"file_path": str(source), "sampling_frequency": 30}
    session = {"session_id": "s1", "session_start_time": start, "pose": [entry], "metadata": pose}
    (tmp_path / "spec.yaml").write_text(
        yaml.safe_dump({"output_folder": str(tmp_path / "nwb"), "sessions": [session]}, sort_keys=False),
        encoding="utf-8",
    )
    result = poseconv_in_process("run", tmp_path / "spec.yaml", "--check")
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0 and "PoseEstimation.PoseEstimationSeries.nose.name (line 14)" in said, said
    # A name no body part has is the user's, as before.
    pose["Pose"]["PoseEstimations"]["PoseEstimation"]["PoseEstimationSeries"] = {"nose": {"name": "snout_position"}}
    (tmp_path / "meta.yaml").write_text(yaml.safe_dump(pose), encoding="utf-8")
    result = poseconv_in_process(
        "convert", source, "--fps", 30, "-m", tmp_path / "meta.yaml", "-o", out, "--session-start-time", start
    )
    assert result.returncode == 0 and out.is_file(), result.stderr


# -- spaces around values, and what DANDI refuses of a subject ------------------------------------------------


def test_a_space_around_a_name_is_found_in_nwbfile_and_subject_lists_too():
    # Names DANDI compares as written; free text may end as its writer likes (a triple-quoted description,
    # Markdown's line-ending spaces, a YAML block): refusing those refused valid conversions.
    metadata = {
        "NWBFile": {
            "experimenter": ["Doe, Jane", "Roe, Rich "],
            "identifier": "\u00a0abc",
            "session_start_time": "x ",
            "session_description": "\n    Mouse reaching task.\n    ",
            "notes": "line  \nline  ",
            "keywords": ["reaching "],
            "institution": "University of X ",
        },
        "Subject": {"subject_id": "m2\n", "age": "P90D ", "description": "A mouse. "},
        "Devices": {"camera": {"description": "a "}},
    }
    assert [path for path, _ in text_space_problems(metadata)] == [
        ("NWBFile", "experimenter", 1),
        ("NWBFile", "identifier"),
        ("Subject", "subject_id"),
        ("Subject", "age"),
    ]
    assert space_problem(" a ") == "' a ' has a space at its start and end; remove it (the value is written as given)."
    assert space_problem("m1\n").startswith("'m1\\n' has a space at its end")
    assert space_problem("   ") is None and space_problem(3) is None


def test_a_date_with_a_space_is_said_to_have_one():
    # Before: "is not an ISO-8601 date and time" of a value that is one but for the space.
    assert start_time_problem("2024-05-01T10:30:00+02:00 ") == "has a space at its end; remove it."
    assert date_of_birth_problem(" 2024-01-02").startswith("' 2024-01-02' has a space at its start")
    assert start_time_problem("yesterday ").startswith("is not an ISO-8601 date and time")
    # A cell copied with its line break: neuroconv's bare "Invalid isoformat string" after the check let it by.
    assert date_of_birth_problem("2023-10-01\n").startswith("'2023-10-01\\n' has a space at its end")
    assert start_time_problem("2024-01-01T10:00:00+00:00\n") == "has a space at its end; remove it."


@pytest.mark.parametrize(
    ("subject", "said"),
    [
        ({"species": "Mus musculus", "sex": "F", "age": "P90D"}, "no subject_id; DANDI requires it"),
        ({"subject_id": "m", "species": "Mus musculus"}, "no sex, age; DANDI requires them (age as ISO 8601"),
        ({"subject_id": "m", "species": "Mus musculus", "sex": "F", "age": "P90D"}, None),
        # nwbinspector's forms (check_subject_species_form, matched whole; check_subject_weight).
        (
            {"subject_id": "m", "species": "Mus musculus C57BL/6J", "sex": "F", "age": "P90D"},
            "species 'Mus musculus C57BL/6J' is neither a Latin binomial alone",
        ),
        ({"subject_id": "m", "species": "Mus musculus", "sex": "F", "age": "P90D", "weight": "25g"}, "weight '25g'"),
        ({"subject_id": "m", "species": "Mus musculus", "sex": "F", "age": "P90D", "weight": "0.025 KG"}, None),
    ],
    ids=["no-id", "no-sex-age", "complete", "strain-in-species", "weight-without-space", "weight-in-form"],
)
def test_what_dandi_refuses_of_a_subject_is_said_in_one_note(subject, said):
    # Before, a missing subject_id alone was said "DANDI requires them (age as ISO 8601, ...)", and a strain
    # after the species or a weight without its space went in unsaid, for nwbinspector to find as critical.
    gap = dandi_subject_gap(subject)
    if said is None:
        assert gap is None
    else:
        assert gap is not None and gap.startswith(said), gap
        assert "age as" not in gap or "age" in said


def test_an_age_is_judged_as_nwbinspector_judges_it():
    # Decimal ages (P1.5Y, P2.5W), which ISO 8601, nwbinspector and DANDI read, were refused by run --check and
    # warned about by the converter.
    from nwbinspector.checks import check_subject_age
    from pynwb.file import Subject

    from poseconv.metadata.checks import age_problem

    ages = ["P1.5Y", "P0.5D", "P2.5W", "PT1.5H", "P90D", "P1Y2M", "PT36H", "P1DT12H", "P90D/P100D", "P90D/"]
    ages += ["P1.5Y/", "/P2Y"]  # A closed range of a fractional year is test_an_age_range_must_increase_...'s.
    wrong = ["P1,5Y", "P1.Y", "P", "PT", "90 days", "P.5Y", "3 months"]
    for age in ages + wrong:
        inspector_ok = check_subject_age(Subject(subject_id="m", age=age)) is None
        assert (age_problem(age) is None) == inspector_ok == (age in ages), age


def _inspector_says(check, **fields) -> bool:
    """Whether nwbinspector's ``check`` (one its DANDI configuration makes critical) reports a Subject of ``fields``."""
    from pynwb.file import Subject

    try:
        return check(Subject(**fields)) is not None
    except ValueError:
        return True  # nwbinspector reports a check that stops as an ERROR, which DANDI's validation refuses.


SUBJECT = {"subject_id": "m12", "species": "Mus musculus", "sex": "F", "age": "P90D"}


@pytest.mark.parametrize("subject_id", ["m/12", "/m12", "m12/", "m12", "m-12", "m_12"])
def test_a_subject_id_with_a_slash_is_said_as_nwbinspector_says_it(subject_id):
    # Before, 'm/12' was written without a word, for dandi validate to refuse (check_subject_id_no_slashes).
    from nwbinspector.checks import check_subject_id_no_slashes

    gap = dandi_subject_gap({**SUBJECT, "subject_id": subject_id})
    assert (gap is not None) == _inspector_says(check_subject_id_no_slashes, subject_id=subject_id), gap
    if gap is not None:
        assert gap.startswith(f"subject_id {subject_id!r} holds '/'") and "write - or _ instead" in gap, gap


@pytest.mark.parametrize(
    ("species", "sex"),
    [
        (species, sex)
        for species in ("Mus musculus", "Caenorhabditis elegans", "C. elegans", "Homo sapiens")
        for sex in ("M", "F", "O", "U", "XX", "XO")
    ],
)
def test_a_sex_is_judged_for_its_species_as_nwbinspector_judges_it(species, sex):
    # Before, sex XX or XO for a mouse and M for C. elegans were written without a word (check_subject_sex).
    from nwbinspector.checks import check_subject_sex

    gap = dandi_subject_gap({**SUBJECT, "species": species, "sex": sex})
    said = gap is not None and f"sex {sex!r} is not" in gap
    assert said == _inspector_says(check_subject_sex, species=species, sex=sex), gap
    if said:
        forms = "XX (hermaphrodite) or XO (male)" if "elegans" in species else "M, F, O or U"
        assert f"which DANDI's validation requires for {species}" in gap and forms in gap and "e.g. sex: " in gap


@pytest.mark.parametrize(
    "age",
    ["P100D/P90D", "P90D/P90D", "P12W/P84D", "P1Y/P6M", "PT48H/P1D", "P90D/P100D", "P6M/P1Y", "P90D/", "/P2Y"]
    + ["P1.5Y/P2Y", "P1Y/P1.5M", "P1.5D/P2D", "P1.5Y/"],
)
def test_an_age_range_must_increase_as_nwbinspector_requires(age):
    # Before, P100D/P90D and P90D/P90D were written without a word (check_subject_proper_age_range, critical).
    from nwbinspector.checks import check_subject_proper_age_range

    from poseconv.metadata.checks import age_problem

    problem = age_problem(age)
    assert (problem is not None) == _inspector_says(check_subject_proper_age_range, age=age), problem
    fix = {"P100D/P90D": "P90D/P100D", "P90D/P90D": "P90D", "P12W/P84D": "P12W", "P1Y/P6M": "P6M/P1Y"}
    fix["PT48H/P1D"] = "P1D/PT48H"
    if age in fix:
        assert problem.startswith(f"{age!r} is a range whose upper bound is not longer than its lower"), problem
        assert problem.endswith(f"e.g. {fix[age]!r}.") and age_problem(fix[age]) is None, problem
    if "1.5Y/P" in age or "1.5M" in age:
        # nwbinspector's check stops at a fractional year or month in a range (isodate counts them in days).
        assert problem.startswith(f"{age!r} is a range with a fractional year or month"), problem
        assert age_problem("P18M/P2Y") is None


@pytest.mark.parametrize(
    "species",
    [
        "Mus musculus (C57BL/6J)",
        "Homo sapiens sapiens",
        "Mus musculus 2",
        "see http://purl.obolibrary.org/obo/NCBITaxon_10090",
        "Mus musculus",
        "http://purl.obolibrary.org/obo/NCBITaxon_10090",
    ],
)
def test_a_species_is_judged_whole_as_nwbinspector_judges_it(species):
    from nwbinspector.checks import check_subject_species_form

    gap = dandi_subject_gap({**SUBJECT, "species": species})
    assert (gap is not None) == _inspector_says(check_subject_species_form, species=species), gap
    assert gap is None or gap.startswith(f"species {species!r} is neither a Latin binomial alone"), gap


def test_convert_warns_of_each_subject_value_dandi_refuses(tmp_path):
    # Before, `poseconv convert` wrote subject_id m/12, sex XX for a mouse and age P100D/P90D without a word.
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.paths import REPO_ROOT

    metadata = tmp_path / "metadata.yaml"
    metadata.write_text(
        "NWBFile: {session_start_time: '2024-05-01T10:00:00+00:00'}\n"
        "Subject: {subject_id: m/12, species: Mus musculus, sex: XX, age: P100D/P90D}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.nwb"
    flies = REPO_ROOT / "examples/data/sleap-demo/flies.slp"
    result = poseconv_in_process("convert", flies, "--fps", 30, "-o", out, "--metadata", metadata)
    assert result.returncode == 0 and out.is_file(), result.stderr
    warnings = " ".join(result.stderr.split())  # The warnings are wrapped to the terminal's width.
    assert "subject_id 'm/12' holds '/', which DANDI's validation refuses" in warnings, result.stderr
    assert "sex 'XX' is not M, F, O or U" in warnings, result.stderr
    assert "'P100D/P90D' is a range whose upper bound is not longer than its lower" in warnings, result.stderr
    # Each once: the converter's warning, not the command line's summary of what DANDI misses as well.
    for value in ("subject_id 'm/12'", "sex 'XX'", "'P100D/P90D'"):
        assert warnings.count(value) == 1, result.stderr


def test_the_python_interfaces_warn_of_each_subject_value_dandi_refuses(tmp_path):
    # Before, only the age was warned of from Python; subject_id and sex were said by the command line alone.
    import datetime as dt

    from poseconv import SLEAPPoseInterface
    from poseconv.errors import PoseconvWarning
    from tests.fixtures.paths import REPO_ROOT

    interface = SLEAPPoseInterface(file_path=REPO_ROOT / "examples/data/sleap-demo/flies.slp", sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    metadata["Subject"] = {"subject_id": "m/12", "species": "Mus musculus", "sex": "XX", "age": "P90D"}
    with pytest.warns(PoseconvWarning) as caught:
        interface.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    said = [str(w.message) for w in caught]
    assert "metadata['Subject']['subject_id']: subject_id 'm/12' holds '/'" in " ".join(said), said
    assert "metadata['Subject']['sex']: sex 'XX' is not M, F, O or U" in " ".join(said), said


def test_calibration_arrays_a_form_left_empty_are_not_given_and_other_empty_lists_stay():
    # A form shows a camera's translation, distortion and image size empty (get_metadata() leaves them to the
    # pose files): [] was refused ("should be non-empty") where an untouched "" is not given.
    from poseconv.metadata.models import CalibratedCameraMetadata

    pose = {
        "CalibratedCameras": {
            "back": {"name": "back", "serial_number": "", **dict.fromkeys(FORM_EMPTY_CAMERA_ARRAYS, [])}
        },
        "Skeletons": {"fly": {"edges": []}},
    }
    nwbfile = {"keywords": [], "experimenter": []}
    drop_empty_text(pose)
    drop_empty_text(nwbfile)
    assert pose == {"CalibratedCameras": {"back": {"name": "back"}}, "Skeletons": {"fly": {"edges": []}}}
    # edges: [] is a skeleton without edges, keywords: [] no keywords: values, not fields left empty.
    assert nwbfile == {"keywords": [], "experimenter": []}
    # Only optional arrays are dropped: the camera is then written with the pose files' values.
    assert all(CalibratedCameraMetadata.model_fields[key].default is None for key in FORM_EMPTY_CAMERA_ARRAYS)


def test_a_form_s_cleared_list_items_are_not_given():
    # experimenter: [""] was written as an experimenter of no name (nwbinspector: check_experimenter_form).
    metadata = {
        "NWBFile": {"experimenter": [""], "related_publications": ["doi:10.1/x", " "], "keywords": ["pose"]},
        "Subject": {"strain": ""},
        "Pose": {"Skeletons": {"S": {"nodes": ["a", "b"]}}},
    }
    drop_form_empty_text(metadata)
    assert metadata["NWBFile"] == {"related_publications": ["doi:10.1/x"], "keywords": ["pose"]}
    assert metadata["Subject"] == {} and metadata["Pose"]["Skeletons"]["S"]["nodes"] == ["a", "b"]


# -- names HDF5 and Zarr read as paths, and RFC 3339's lower-case start times --------------------------------


@pytest.mark.parametrize("name", [".", ".."])
def test_every_entry_point_refuses_a_container_named_dot_or_dot_dot(tmp_path, name):
    import numpy as np
    from jsonschema import Draft7Validator

    from poseconv import DeepLabCutPoseInterface
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.deeplabcut import write_dlc_file

    source = write_dlc_file(
        tmp_path / "vidDLC_resnet50_testJan1shuffle1_100.csv",
        {"nose": np.zeros((5, 2))},
        likelihood={"nose": np.ones(5)},
    )
    start = "2024-05-01T10:00:00+00:00"
    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = start
    metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = name
    # Before, the schema took it and the write failed in HDF5 ("name already exists") or wrote a group '..'.
    assert list(Draft7Validator(interface.get_metadata_schema()).iter_errors(metadata))
    said = f"{name!r} is what HDF5 and Zarr call the group itself"
    with pytest.raises(MetadataError, match=re.escape(said)):
        interface.run_conversion(nwbfile_path=tmp_path / "python.nwb", metadata=metadata)
    assert not (tmp_path / "python.nwb").exists()
    pose = {"Pose": {"PoseEstimations": {"PoseEstimation": {"name": name}}}}
    (tmp_path / "meta.yaml").write_text(yaml.safe_dump(pose), encoding="utf-8")
    out = tmp_path / "out.nwb.zarr"
    result = poseconv_in_process(
        "convert", source, "--fps", 30, "-m", tmp_path / "meta.yaml", "-o", out, "--session-start-time", start
    )
    assert result.returncode == 1 and not out.exists(), result.stderr
    assert said in " ".join(result.stderr.split()), result.stderr
    # A name that only starts with dots is a name.
    pose["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] = "..pose"
    (tmp_path / "meta.yaml").write_text(yaml.safe_dump(pose), encoding="utf-8")
    result = poseconv_in_process(
        "convert", source, "--fps", 30, "-m", tmp_path / "meta.yaml", "-o", out, "--session-start-time", start
    )
    assert result.returncode == 0 and out.is_dir(), result.stderr


def test_a_start_time_in_rfc_3339_lower_case_is_read_at_every_entry_point(tmp_path):
    import h5py
    import numpy as np

    from poseconv import DeepLabCutPoseInterface
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.deeplabcut import write_dlc_file

    # JSON Schema's date-time (RFC 3339) takes a lower-case t and z; a form may write them.
    value = "2024-05-01t10:00:00z"
    assert start_time_problem(value) is None
    assert parse_session_start_time(value) == dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    source = write_dlc_file(
        tmp_path / "vidDLC_resnet50_testJan1shuffle1_100.csv",
        {"nose": np.zeros((5, 2))},
        likelihood={"nose": np.ones(5)},
    )
    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = value
    interface.run_conversion(nwbfile_path=tmp_path / "python.nwb", metadata=metadata)
    (tmp_path / "meta.yaml").write_text(f"NWBFile:\n  session_start_time: {value}\n", encoding="utf-8")
    result = poseconv_in_process("convert", source, "--fps", 30, "-m", tmp_path / "meta.yaml", "-o", tmp_path / "c.nwb")
    assert result.returncode == 0, result.stderr
    for path in (tmp_path / "python.nwb", tmp_path / "c.nwb"):
        with h5py.File(path, "r") as file:
            assert file["session_start_time"][()].decode() == "2024-05-01T10:00:00+00:00"
