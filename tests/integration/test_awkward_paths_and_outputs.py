"""What users see when their paths sit in awkward places or their outputs are in the way.

Every entry point: the command line (``convert``, ``export``, ``plot``, ``metadata``, ``run``) and
the Python API, on the small example files of the repository.
"""

from __future__ import annotations

import pytest

from poseconv.output import OutputError
from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.paths import REPO_ROOT

START = "2024-05-01T10:00:00+02:00"
IS_A_FOLDER = "is a folder, not a file; it is left as it is. Give the name of the file to write in it."
FLIES = REPO_ROOT / "examples/data/sleap-demo/flies.slp"


def _convert(out, *more):
    return poseconv("convert", FLIES, "-o", out, "--fps", "30", "--session-start-time", START, *more)


# -- the output is an existing folder -----------------------------------------------------------------


def test_a_folder_given_as_the_nwb_output_is_called_a_folder_by_every_entry_point(tmp_path):
    from poseconv import SLEAPPoseInterface

    folder = tmp_path / "results"
    folder.mkdir()
    for args in ((), ("--overwrite",)):
        result = _convert(folder, *args)
        assert result.returncode == 1, result.stderr
        assert f"{folder}: {IS_A_FOLDER}" in result.stderr
    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    with pytest.raises(OutputError, match="is a folder, not a file; it is left as it is. Give the name"):
        interface.run_conversion(nwbfile_path=folder, metadata={"NWBFile": {"session_start_time": START}})
    assert list(folder.iterdir()) == []


def test_a_folder_given_as_an_export_or_plot_output_is_called_a_folder_not_an_existing_file(tmp_path):
    nwb = tmp_path / "flies.nwb"
    assert _convert(nwb).returncode == 0
    folder = tmp_path / "results"
    folder.mkdir()
    for command in (["export", nwb, "--to", "dlc", "-o", folder], ["plot", nwb, "-o", folder]):
        result = poseconv(*command)
        assert result.returncode == 1
        assert f"{folder}: {IS_A_FOLDER}" in result.stderr
        assert "--overwrite" not in result.stderr
    assert list(folder.iterdir()) == []


# -- a --metadata file with mistakes: each said at its place in the file --------------------------------


METADATA_MISTAKES = {
    "no-time-zone": (
        "NWBFile:\n  session_start_time: 2024-05-03T11:26:42\n",
        "NWBFile.session_start_time (line 2): '2024-05-03T11:26:42' has no time zone; NWB needs one, "
        "e.g. 2024-05-03T11:26:42+00:00",
    ),
    "a-number": (
        "NWBFile:\n  session_start_time: 1714728402\n",
        "NWBFile.session_start_time (line 2): 1714728402 is not an ISO-8601 date and time, e.g.",
    ),
    "subject-field-at-the-top": (
        f"NWBFile:\n  session_start_time: '{START}'\nsubject_id: m1\n",
        "subject_id (line 3): is not a metadata block of these inputs; they have ['Behavior', 'DeviceModels', "
        "'Devices', 'NWBFile', 'Pose', 'Subject']. 'subject_id' is a field of 'Subject': write it under Subject "
        "(Subject: {subject_id: ...}).",
    ),
    "misspelt-block": (
        f"NWBFile:\n  session_start_time: '{START}'\nSubjects:\n  species: Drosophila melanogaster\n",
        "Subjects (line 3): is not a metadata block of these inputs;",
    ),
}


@pytest.mark.parametrize("name", METADATA_MISTAKES)
def test_a_metadata_file_mistake_is_said_at_its_file_and_line(tmp_path, name):
    text, said = METADATA_MISTAKES[name]
    metadata = tmp_path / "session.yaml"
    metadata.write_text(text, encoding="utf-8")
    out = tmp_path / "out.nwb"
    result = poseconv("convert", FLIES, "-o", out, "--fps", "30", "--metadata", metadata)
    assert result.returncode == 1
    assert f"poseconv: error: {metadata}: invalid metadata: {said}" in result.stderr
    # One message per field, not the schema's "is not of type 'string'" besides poseconv's own.
    assert "is not of type" not in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [metadata]


def test_a_json_metadata_file_mistake_names_the_file_and_field(tmp_path):
    metadata = tmp_path / "session.json"
    metadata.write_text('{"NWBFile": {"session_start_time": 1714728402}}', encoding="utf-8")
    result = poseconv("convert", FLIES, "-o", tmp_path / "out.nwb", "--fps", "30", "--metadata", metadata)
    assert result.returncode == 1
    assert f"{metadata}: invalid metadata: NWBFile.session_start_time: 1714728402 is not an ISO-8601" in result.stderr


def test_a_start_time_given_as_a_number_in_a_spec_gets_the_command_lines_words(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: nwb\nsessions:\n  - session_id: s1\n    session_start_time: 1714728402\n"
        f"    pose: [{{file_path: {FLIES}, sampling_frequency: 30}}]\n",
        encoding="utf-8",
    )
    result = poseconv("run", spec, "--jobs", "1")
    assert result.returncode == 1
    assert "sessions[0].session_start_time (line 4): 1714728402 is not an ISO-8601 date and time, e.g." in result.stderr
