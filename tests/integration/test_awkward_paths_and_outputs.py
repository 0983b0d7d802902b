"""What users see when their paths sit in awkward places or their outputs are in the way.

Every entry point: the command line (``convert``, ``export``, ``plot``, ``metadata``, ``run``) and
the Python API, on the small example files of the repository.
"""

from __future__ import annotations

import pytest

from poseconv.output import OutputError
from tests.fixtures.cli import one_session_spec
from tests.fixtures.cli import poseconv_in_process as poseconv
from tests.fixtures.paths import REPO_ROOT, SHARED_DATA, needs_shared_data

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
    spec = one_session_spec(tmp_path, f"{{file_path: {FLIES}, sampling_frequency: 30}}", start="1714728402")
    result = poseconv("run", spec, "--jobs", "1")
    assert result.returncode == 1
    assert "sessions[0].session_start_time (line 4): 1714728402 is not an ISO-8601 date and time, e.g." in result.stderr


# -- specs: paths written on another system, outputs named twice, options in the spec ------------------


def _spec(tmp_path, sessions: str, top: str = "") -> tuple[object, str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: nwb\n{top}metadata:\n  NWBFile: {{session_start_time: '{START}'}}\nsessions:\n{sessions}",
        encoding="utf-8",
    )
    result = poseconv("run", spec, "--jobs", "1")
    return result, result.stdout + result.stderr


def _session(session_id: str, file_path: str, more: str = "") -> str:
    return f"  - session_id: {session_id}\n{more}    pose: [{{file_path: '{file_path}', sampling_frequency: 30}}]\n"


def test_a_spec_written_on_windows_finds_its_files_and_says_what_a_drive_path_needs(tmp_path):
    import shutil

    (tmp_path / "data é" / "m1").mkdir(parents=True)
    shutil.copy(FLIES, tmp_path / "data é" / "m1" / "flies 1.slp")
    sessions = _session("relative", r"data é\m1\flies 1.slp") + _session("drive", r"C:\data\m1\flies.slp")
    result, said = _spec(tmp_path, sessions)
    assert result.returncode == 1
    assert (tmp_path / "nwb" / "relative.nwb").is_file()
    assert (
        r"sessions[1].pose[0].file_path (line 8): C:\data\m1\flies.slp is a Windows path, which this computer "
        "cannot open; give its path on this computer (or set data_folder and give paths relative to it)."
    ) in said
    assert not (tmp_path / "nwb" / "drive.nwb").exists()


def test_an_output_folder_on_a_windows_drive_is_a_problem_not_a_folder_named_c(tmp_path):
    result, said = _spec(tmp_path, _session("s1", str(FLIES)), top="data_folder: .\n")
    assert result.returncode == 0
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("output_folder: nwb", r"output_folder: 'D:\nwb'"))
    result = poseconv("run", spec, "--jobs", "1")
    assert result.returncode == 1
    assert r"output_folder (line 1): D:\nwb is a Windows path, which this computer cannot open" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nwb", "spec.yaml"]


def test_outputs_whose_names_differ_only_in_case_are_one_file_on_macos_and_windows(tmp_path):
    sessions = _session("a", str(FLIES), "    nwbfile_name: Mouse1.nwb\n")
    sessions += _session("b", str(FLIES), "    nwbfile_name: mouse1.nwb\n")
    result, said = _spec(tmp_path, sessions)
    assert result.returncode == 1
    assert "the names differ only in case, which makes them one file on macOS and Windows" in said
    assert sorted(p.name for p in (tmp_path / "nwb").iterdir()) == ["Mouse1.nwb"]


def test_an_output_not_named_nwb_in_a_spec_is_said_once(tmp_path):
    result, said = _spec(tmp_path, _session("a", str(FLIES), "    nwbfile_name: a.h5\n"))
    assert result.returncode == 1
    assert "poseconv: problem: sessions[0].nwbfile_name (line 6): 'a.h5': the output must end in .nwb" in said
    assert said.count("sessions[0].nwbfile_name") == 2  # the problem line and the summary table
    assert "does not match" not in said


def test_options_of_run_written_in_the_spec_say_to_give_them_on_the_command_line(tmp_path):
    result, said = _spec(tmp_path, _session("a", str(FLIES)), top="jobs: '2'\n")
    assert result.returncode == 1
    assert "jobs (line 2): unknown field; 'jobs' is an option of poseconv run, not of the spec: give --jobs." in said


@pytest.mark.parametrize("text", ["", "# sessions to come\n"])
def test_an_empty_spec_is_said_to_be_empty(tmp_path, text):
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    result = poseconv("run", spec)
    assert result.returncode == 1
    assert "poseconv: problem: spec: is empty; it must be a mapping with 'sessions'" in result.stderr


# -- a pose file given through a symbolic link ------------------------------------------------------------


@needs_shared_data
def test_a_linked_pose_file_finds_its_side_files_beside_the_file_it_points_to(tmp_path):
    from poseconv import DeepLabCutPoseInterface

    videos = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
    target = videos / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"
    link = tmp_path / "links é" / target.name
    link.parent.mkdir()
    link.symlink_to(target)
    # Before, the frame rate (in the _includingmetadata.pickle), the video and the config were looked for beside
    # the link only, so the conversion asked for a frame rate.
    interface = DeepLabCutPoseInterface(file_path=link)
    assert interface.pose.tracks[0].video == "reachingvideo1short"
    assert interface.get_metadata()["Pose"]["Skeletons"]["Skeleton"]["edges"]
    out = tmp_path / "out.nwb"
    result = poseconv("convert", link, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    inspected = poseconv("inspect", out)
    assert "rate 30 Hz" in inspected.stdout and str(videos / "reachingvideo1short.avi") in inspected.stdout


@pytest.mark.parametrize("where", ["a-folder", "a-missing-folder"])
def test_a_report_file_that_cannot_be_written_is_refused_before_any_session_is_converted(tmp_path, where):
    report = tmp_path if where == "a-folder" else tmp_path / "absent" / "report.json"
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: nwb\nmetadata:\n  NWBFile: {{session_start_time: '{START}'}}\nsessions:\n"
        + _session("s1", str(FLIES)),
        encoding="utf-8",
    )
    # Before, every session was converted and then the run ended with "[Errno 21] Is a directory".
    result = poseconv("run", spec, "--jobs", "1", "--report", report)
    assert result.returncode == 1
    expected = "is a folder, not a file" if where == "a-folder" else "does not exist; create it first."
    assert f"poseconv: error: {report}" in result.stderr and expected in result.stderr
    assert not (tmp_path / "nwb" / "s1.nwb").exists()


def _annexed(source, link, store):
    """Put ``source``'s content in ``store`` (as git-annex does, read-only) and ``link`` to it, relative."""
    import hashlib
    import os
    import shutil

    key = f"SHA256E-s{source.stat().st_size}--{hashlib.sha256(source.read_bytes()).hexdigest()}{source.suffix}"
    content = store / key[:20] / key
    content.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, content)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(content, link.parent))


@needs_shared_data
def test_a_datalad_dataset_is_read_where_its_links_are_not_where_git_annex_keeps_their_content(tmp_path):
    # Every file of a DataLad/GIN dataset is a link into .git/annex/objects: the config.yaml one folder up was
    # not found (the skeleton lost its edges without a word), --training found no project, and the video was
    # recorded at .git/annex/objects/... rather than videos/reachingvideo1short.avi.
    import os

    import h5py

    source = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04"
    dataset, store = tmp_path / "dataset", tmp_path / "dataset/.git/annex/objects"
    predictions = "videos/reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10"
    for name in (
        "config.yaml",
        "videos/reachingvideo1short.avi",
        f"{predictions}.h5",
        f"{predictions}includingmetadata.pickle",
        "labeled-data/reachingvideo1short/CollectedData_Alex.h5",
    ):
        _annexed(source / name, dataset / "project" / name, store)
    out = tmp_path / "out.nwb"
    result = poseconv(
        "convert", dataset / "project" / f"{predictions}.h5", "-o", out, "--training", "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as handle:
        assert handle["processing/behavior/Skeletons/Skeleton/edges"][()].tolist() == [[0, 1], [0, 2]]
        video = handle["acquisition/Video reachingvideo1short/external_file"][0].decode()
        assert video == "dataset/project/videos/reachingvideo1short.avi"
        training = handle["processing/behavior/PoseTraining"]
        assert len(training["training_frames"]) == 5
    # The video's content not downloaded (datalad get of the pose files only): before, no video was found at all.
    video_link = dataset / "project/videos/reachingvideo1short.avi"
    (video_link.parent / os.readlink(video_link)).unlink()
    result = poseconv(
        "convert", dataset / "project" / f"{predictions}.h5", "-o", out, "--overwrite", "--session-start-time", START
    )
    assert result.returncode == 0 and "is a git-annex (DataLad) link whose content is not downloaded" in result.stderr
    assert f"datalad get '{video_link}'" in result.stderr, result.stderr
    with h5py.File(out, "r") as handle:
        assert handle["acquisition/Video reachingvideo1short/external_file"][0].decode() == video
