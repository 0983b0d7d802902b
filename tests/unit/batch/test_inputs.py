"""Checking one input of a session without its data: paths, interface class, source arguments."""

from __future__ import annotations

from pathlib import Path

from neuroconv.basedatainterface import BaseDataInterface

from poseconv.batch.inputs import missing_path, plan_interface, plan_pose, resolve_path
from poseconv.batch.spec import InterfaceSpec, PoseSpec
from tests.fixtures.paths import needs_shared_data


class BrokenSchemaInterface(BaseDataInterface):
    """An interface whose source schema does not build, as a lab's own interface may."""

    @classmethod
    def get_source_schema(cls) -> dict:
        raise RuntimeError("schema is broken")


def test_resolve_path_starts_relative_paths_at_the_folder(tmp_path):
    assert resolve_path(tmp_path, "a/b.h5") == tmp_path / "a" / "b.h5"
    assert resolve_path(tmp_path, str(tmp_path / "c.h5")) == tmp_path / "c.h5"


def test_missing_path_says_what_is_wrong(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    assert missing_path(tmp_path / "file.txt", "file") is None
    assert missing_path(tmp_path / "nope.h5", "file") == f"file not found: {tmp_path / 'nope.h5'}"
    assert missing_path(tmp_path, "file") == f"not a file: {tmp_path}"
    assert missing_path(tmp_path / "file.txt", "folder") == f"not a folder: {tmp_path / 'file.txt'}"
    assert missing_path(tmp_path / "nope", "any") == f"not found: {tmp_path / 'nope'}"


def test_a_missing_pose_file_is_a_problem_of_its_entry_and_gives_no_job(tmp_path):
    pose = PoseSpec.model_validate({"file_path": "missing.h5"})
    job, problems = plan_pose(pose, 1, 0, tmp_path)
    assert job is None
    assert [(p.location, p.message) for p in problems] == [
        ("sessions[0].pose[1].file_path", f"file not found: {tmp_path / 'missing.h5'}")
    ]


def test_a_pose_field_given_in_source_data_is_sent_to_its_own_field(tmp_path):
    pose = PoseSpec.model_validate({"file_path": "missing.h5", "source_data": {"file_path": "x.h5"}})
    _, problems = plan_pose(pose, 0, 2, tmp_path)
    assert ("sessions[2].pose[0].source_data.file_path", "give it as sessions[2].pose[0].file_path instead.") in [
        (p.location, p.message) for p in problems
    ]


def test_an_interface_without_a_class_name_says_where_to_name_it(tmp_path):
    job, problems = plan_interface("Recording", InterfaceSpec(), {}, 0, tmp_path)
    assert job is None
    assert problems[0].location == "sessions[0].interfaces.Recording.interface"
    assert "top-level interfaces.Recording" in problems[0].message


def test_an_unknown_interface_is_reported_at_its_name(tmp_path):
    job, problems = plan_interface("Recording", InterfaceSpec(interface="NoSuchInterface"), {}, 3, tmp_path)
    assert job is None
    assert problems[0].location == "sessions[3].interfaces.Recording.interface"
    assert "Unknown interface 'NoSuchInterface'" in problems[0].message


def test_a_schema_that_does_not_build_is_the_entry_s_problem_not_a_crash(tmp_path):
    (tmp_path / "data").mkdir()
    entry = InterfaceSpec(interface=f"{__name__}:BrokenSchemaInterface", source_data={"folder_path": "data"})
    job, problems = plan_interface("Lab", entry, {}, 0, tmp_path)
    assert job is not None
    assert job.source_data == {"folder_path": str(Path(tmp_path) / "data")}
    assert [(p.location, p.message) for p in problems] == [
        (
            "sessions[0].interfaces.Lab.source_data",
            "BrokenSchemaInterface.get_source_schema() failed: schema is broken",
        )
    ]


def test_labels_in_a_pose_entry_are_sent_to_the_interfaces_with_the_entry_to_write(tmp_path):
    from tests.fixtures.lightningpose import write_visible_labels

    write_visible_labels(tmp_path / "CollectedData.csv")
    pose = PoseSpec.model_validate({"file_path": "CollectedData.csv"})
    job, problems = plan_pose(pose, 0, 3, tmp_path)
    assert job is None
    [problem] = problems
    # Found from the content, the file is what the problem names (not an interface the entry never named).
    assert problem.location == "sessions[3].pose[0].file_path"
    assert "CollectedData.csv holds training labels (LightningPose labels), not predictions" in problem.message
    assert "list it under sessions[3].interfaces" in problem.message
    assert "{interface: lp-labels, source_data: {file_path: CollectedData.csv}}" in problem.message


def test_labels_named_as_a_pose_entry_s_interface_are_that_entry_s_problem(tmp_path):
    from tests.fixtures.lightningpose import write_visible_labels

    write_visible_labels(tmp_path / "CollectedData.csv")
    pose = PoseSpec.model_validate({"file_path": "CollectedData.csv", "interface": "lp-labels"})
    job, problems = plan_pose(pose, 0, 3, tmp_path)
    assert job is None
    [problem] = problems
    assert problem.location == "sessions[3].pose[0].interface"
    assert problem.message.startswith("LightningPoseTrainingDataInterface is not a poseconv pose interface;")


def test_a_folder_is_a_pose_input_only_for_a_format_that_takes_one(tmp_path):
    folder = tmp_path / "video_preds"
    folder.mkdir()
    (folder / "cam_top.csv").write_text("x")
    # The problem names the files inside and how a spec converts a folder (before: "not a file: <folder>").
    advice = (
        f"{folder} is a folder; give a pose file inside it (its .csv/.h5/.hdf5/.slp files: cam_top.csv), or "
        "convert the folder with {interface: dlc-labels, source_data: {labeled_data_path: ...}} under "
        "sessions[2].interfaces (DeepLabCut labels) or interface: lp-multiview (LightningPose multi-view)."
    )
    for interface, expected in ((None, [advice]), ("lp-multiview", [])):
        pose = PoseSpec.model_validate({"file_path": "video_preds", "interface": interface})
        _, problems = plan_pose(pose, 0, 2, tmp_path)
        assert [p.message for p in problems if p.location.endswith("file_path")] == expected


def test_paths_by_name_in_source_data_start_at_the_data_folder(tmp_path):
    # video_file_paths / camera_file_paths are dicts (by camera); before, their relative paths were taken
    # from the working directory, not data_folder, so a spec's result depended on where it was run.
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos/back.mp4").write_bytes(b"")
    pose = PoseSpec.model_validate(
        {
            "file_path": "s.slp",
            "interface": "sleap-session",
            "source_data": {"video_file_paths": {"back": "videos/back.mp4", "top": "videos/top.mp4"}},
        }
    )
    (tmp_path / "s.slp").write_bytes(b"")
    job, problems = plan_pose(pose, 0, 0, tmp_path)
    assert job.source_data["video_file_paths"] == {
        "back": str(tmp_path / "videos/back.mp4"),
        "top": str(tmp_path / "videos/top.mp4"),
    }
    assert [(p.location, p.message) for p in problems] == [
        ("sessions[0].pose[0].source_data.video_file_paths.top", f"file not found: {tmp_path / 'videos/top.mp4'}")
    ]


def test_a_spec_input_not_downloaded_from_its_data_repository_is_named_so(tmp_path):
    from poseconv.batch.inputs import missing_path

    (tmp_path / "preds.csv").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n")
    (tmp_path / "poses.slp").symlink_to("../.git/annex/objects/Xx/Yy/SHA256E-s9--00.slp/SHA256E-s9--00.slp")
    assert "is a Git LFS pointer" in missing_path(tmp_path / "preds.csv", "file")
    assert "git-annex (DataLad) link" in missing_path(tmp_path / "poses.slp", "any")


def test_a_spec_input_given_as_a_url_is_kept_and_named_so(tmp_path):
    from poseconv.batch.inputs import missing_path, resolve_path

    path = resolve_path(tmp_path, "https://host.org/data/a.h5")
    assert str(tmp_path) not in str(path)
    assert missing_path(path, "file").startswith("https://host.org/data/a.h5: is a URL")


def test_animals_named_as_another_format_names_them_are_a_problem_naming_the_argument(tmp_path):
    # Before, `individuals` on a SLEAP file was the schema's bare "unknown field" though --individuals works there.
    (tmp_path / "a.slp").write_bytes(b"")
    pose = PoseSpec.model_validate({"file_path": "a.slp", "interface": "sleap", "source_data": {"individuals": ["m1"]}})
    job, problems = plan_pose(pose, 0, 2, tmp_path)
    assert [(p.location, p.message) for p in problems] == [
        (
            "sessions[2].pose[0].source_data.individuals",
            "SLEAPPoseInterface takes the animals to keep as 'tracks' (what --individuals gives it on the command "
            "line): give sessions[2].pose[0].source_data.tracks instead.",
        )
    ]


def _entry_problems(tmp_path, entry: dict) -> list[tuple[str, str]]:
    """The problems ``poseconv run --check`` finds in a spec of one session with this pose entry."""
    import yaml

    from poseconv.batch.plan import plan_spec

    spec = {
        "output_folder": "nwb",
        "sessions": [{"session_id": "s1", "session_start_time": "2024-05-01T10:00:00+00:00"}],
    }
    spec["sessions"][0]["pose"] = [entry]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    plan = plan_spec(tmp_path / "spec.yaml")
    return [(p.location, p.message) for p in plan.problems]


@needs_shared_data
def test_an_interface_argument_given_as_a_field_of_the_pose_entry_is_pointed_to_source_data(tmp_path):
    # Before: "unknown field; did you mean 'video_file_path'?" for video_file_paths, and the other way round.
    from tests.fixtures.sleap import SLP_MIN_SESSION

    entry = {"file_path": str(SLP_MIN_SESSION), "video_file_paths": {"top": "top.mp4"}}
    assert _entry_problems(tmp_path, entry) == [
        (
            "sessions[0].pose[0].video_file_paths",
            "not a field of a pose entry; video_file_paths is an argument of the input's interface: give it in "
            "source_data.",
        )
    ]


@needs_shared_data
def test_one_video_for_a_file_with_a_video_per_camera_says_how_to_give_them(tmp_path):
    from tests.fixtures.sleap import SLP_MIN_SESSION

    (tmp_path / "top.mp4").write_bytes(b"\0")
    entry = {"file_path": str(SLP_MIN_SESSION), "video_file_path": "top.mp4", "sampling_frequency": 30}
    [(location, message)] = _entry_problems(tmp_path, entry)
    assert location == "sessions[0].pose[0].video_file_path"
    assert message == (
        "SLEAPSessionPoseInterface takes one video per camera, by camera name: give them as "
        "sessions[0].pose[0].source_data: {video_file_paths: {camera: path}} (or keep each where the file records it)."
    )
