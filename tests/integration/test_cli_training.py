"""Training data on the command line, on real labels (commands run in the test process: :mod:`tests.fixtures.cli`).

Labels go in with ``convert --source dlc-labels|sleap-labels`` (or ``--training`` next to the
predictions), come back out with ``export --training`` and must equal the originals value for
value; ``inspect`` summarises them; ``run`` finds the training interfaces by their aliases.
"""

from __future__ import annotations

import json
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest
import sleap_io as sio
import yaml
from pynwb import NWBHDF5IO

from poseconv.exporters.sleap_training import write_sleap_labels
from poseconv.nwb.read.training import read_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels_table
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5
from tests.fixtures.nwb import write_source_frame_training
from tests.fixtures.paths import SHARED_DATA, needs_shared_data
from tests.fixtures.sleap import SLP_MIN_SESSION_USER, SLP_TYPICAL
from tests.fixtures.training import MULTI_MOUSE_PROJECT

START = "2024-05-01T10:30:00+02:00"
#: Poses written by sleap-io, without training data.
POSES_ONLY_NWB = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.pose.nwb"
#: Every label file of the project: two videos, one with one index column (int64), one with three (float64).
MULTI_MOUSE_LABELS = sorted(MULTI_MOUSE_PROJECT.glob("labeled-data/*/CollectedData_*.*"))


def run_all(commands: dict[str, list]) -> dict[str, subprocess.CompletedProcess]:
    """Run independent ``poseconv`` commands; return their results by name."""
    return {name: poseconv_in_process(*args) for name, args in commands.items()}


def assert_ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"rc={result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.strip().splitlines() if line.startswith("poseconv: error: ")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def user_labels(path) -> dict:
    """Every user instance of a .slp by (video file, frame): track, skeleton, points and visibility."""
    labels = sio.load_slp(str(path), open_videos=False)
    result = {}
    for lf in labels.labeled_frames:
        if not lf.user_instances:
            continue
        video = tuple(lf.video.filename) if isinstance(lf.video.filename, list) else lf.video.filename
        result[(video, int(lf.frame_idx))] = sorted(
            (
                inst.track.name if inst.track is not None else "",
                inst.skeleton.name,
                tuple(inst.skeleton.node_names),
                tuple(inst.skeleton.edge_inds),
                inst.points["xy"].tobytes(),
                inst.points["visible"].tobytes(),
            )
            for inst in lf.user_instances
        )
    return result


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The conversions every test reads, run in parallel: (folder, results by name)."""
    tmp = tmp_path_factory.mktemp("cli_training")
    results = run_all(
        {
            "dlc": ["convert", MULTI_MOUSE_PROJECT, "--source", "dlc-labels", "-o", tmp / "dlc.nwb"]
            + ["--session-start-time", START],
            "session": ["convert", SLP_MIN_SESSION_USER, "--source", "sleap-labels", "-o", tmp / "session.nwb"]
            + ["--session-start-time", START],
            "both": ["convert", MULTI_ANIMAL_H5, "--training", "-o", tmp / "both.nwb", "--session-start-time", START],
        }
    )
    for result in results.values():
        assert_ok(result)
    return tmp, results


def test_dlc_project_labels_round_trip_through_the_cli(converted, tmp_path):
    tmp, results = converted
    assert f"Wrote {tmp / 'dlc.nwb'}: 10 PoseTraining frame(s) with 36 labeled instance(s)" in results["dlc"].stderr
    with h5py.File(tmp / "dlc.nwb", "r") as handle:
        behavior = handle["processing/behavior"]
        assert "PoseTraining" in behavior and not any(name.startswith("PoseEstimation") for name in behavior)
    out = tmp_path / "export"
    result = assert_ok(poseconv_in_process("export", tmp / "dlc.nwb", "--training", "--to", "dlc", out))
    # The project's labeled-data tree comes back, .h5 and .csv, each file equal to the original.
    written = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert written == [p.relative_to(MULTI_MOUSE_PROJECT) for p in MULTI_MOUSE_LABELS]
    assert result.stderr.count("Wrote ") == len(MULTI_MOUSE_LABELS)
    for original in MULTI_MOUSE_LABELS:
        exported = out / original.relative_to(MULTI_MOUSE_PROJECT)
        if original.suffix == ".h5":
            pd.testing.assert_frame_equal(pd.read_hdf(exported), pd.read_hdf(original), check_exact=True)
        pd.testing.assert_frame_equal(
            read_deeplabcut_labels_table(exported)[0], read_deeplabcut_labels_table(original)[0], check_exact=True
        )


def test_sleap_user_labels_round_trip_through_the_cli(converted, tmp_path):
    # 8 videos (cameras), 2 tracks, 42 user instances; the batch test below covers typical.slp.
    tmp, results = converted
    assert "24 PoseTraining frame(s) with 42 labeled instance(s)" in results["session"].stderr
    out = tmp_path / "back.slp"
    assert_ok(poseconv_in_process("export", tmp / "session.nwb", "--training", "--to", "slp", out))
    assert user_labels(out) == user_labels(SLP_MIN_SESSION_USER)


def test_convert_training_writes_poses_and_labels_of_the_project(converted, tmp_path):
    tmp, results = converted
    assert "4 PoseEstimation container(s) and 10 PoseTraining frame(s)" in results["both"].stderr
    with NWBHDF5IO(tmp / "both.nwb", "r") as io:
        behavior = io.read().processing["behavior"]
        assert {"PoseEstimation_individual1", "PoseEstimation_single", "PoseTraining"} <= set(behavior.data_interfaces)
        # The predictions and the labels share their skeletons: no second copy is written.
        assert set(behavior["Skeletons"].skeletons) == {"Skeleton", "SkeletonUniqueBodyparts"}
        frame = next(iter(behavior["PoseTraining"].training_frames.training_frames.values()))
        instance = next(iter(frame.skeleton_instances.skeleton_instances.values()))
        assert instance.skeleton is behavior["Skeletons"][instance.skeleton.name]
    out = tmp_path / "labels.h5"
    # A single table needs a single label file: the project has two, so OUT must be a folder.
    results = run_all(
        {
            "file": ["export", tmp / "both.nwb", "--training", "--to", "dlc", out],
            "folder": ["export", tmp / "both.nwb", "--training", "--to", "dlc", tmp_path / "tree"],
            "poses": ["export", tmp / "both.nwb", "--to", "dlc", tmp_path / "poses.h5"],
        }
    )
    assert_one_line_error(results["file"], "2 label files", "give a folder")
    assert_ok(results["folder"])
    for original in (p for p in MULTI_MOUSE_LABELS if p.suffix == ".h5"):
        exported = tmp_path / "tree" / original.relative_to(MULTI_MOUSE_PROJECT)
        pd.testing.assert_frame_equal(pd.read_hdf(exported), pd.read_hdf(original), check_exact=True)
    # The poses are still exported as before, unchanged by the labels next to them.
    assert_ok(results["poses"])
    pd.testing.assert_frame_equal(pd.read_hdf(tmp_path / "poses.h5"), pd.read_hdf(MULTI_ANIMAL_H5), check_exact=True)


def test_inspect_summarises_training_data(converted):
    tmp, _ = converted
    results = run_all(
        {
            "json": ["inspect", tmp / "dlc.nwb", "--json"],
            "text": ["inspect", tmp / "both.nwb"],
        }
    )
    summary = json.loads(assert_ok(results["json"]).stdout)
    assert summary["poses"] == []
    (training,) = summary["training"]
    assert training["name"] == "PoseTraining" and training["source_software"] == "DeepLabCut"
    assert (training["n_frames"], training["n_instances"]) == (10, 36)
    assert training["individuals"] == {"individual1": 9, "individual2": 8, "individual3": 9, "single": 10}
    assert training["skeletons"]["Skeleton"]["nodes"] == ["bodypart1", "bodypart2", "bodypart3"]
    assert training["skeletons"]["SkeletonUniqueBodyparts"]["instances"] == 10
    short = training["videos"]["m3v1mp4short"]
    assert (short["labeled_frames"], short["first_frame_index"], short["last_frame_index"]) == (5, 5, 26)
    assert short["path"].endswith("m3v1mp4short.mp4")
    text = assert_ok(results["text"]).stdout
    for fragment in ("individual1", "Training data PoseTraining", "labeled frames: 10", "source video m3v1mp4short"):
        assert fragment in text


def test_inspect_says_images_stored_in_the_file_are_labeled_images_not_a_missing_video(tmp_path):
    # ndx-pose's source_frame Images: inspect said "source video labeled_images: ... file: not found".
    path = write_source_frame_training(tmp_path / "source_frame.nwb")
    text = assert_ok(poseconv_in_process("inspect", path)).stdout
    assert "labeled images labeled_images: 2 image(s), 2 instance(s); no video" in text
    assert "source video" not in text and "not found" not in text


def test_batch_spec_names_training_interfaces_by_alias(tmp_path):
    def session(session_id: str, interface: str, source_data: dict) -> dict:
        return {
            "session_id": session_id,
            "session_start_time": START,
            "subject": {"subject_id": session_id, "sex": "M", "age": "P90D"},
            "interfaces": {"Labels": {"interface": interface, "source_data": source_data}},
        }

    spec = {
        "output_folder": "nwb",
        "metadata": {"Subject": {"species": "Mus musculus", "description": "Test animal."}},
        "sessions": [
            session("dlc", "dlc-labels", {"labeled_data_path": str(MULTI_MOUSE_PROJECT)}),
            session("sleap", "sleap-labels", {"file_path": str(SLP_TYPICAL)}),
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = poseconv_in_process("run", path, "-j", "1")
    assert result.returncode == 0, result.stderr
    assert len(read_training(tmp_path / "nwb/dlc.nwb").frames) == 10
    assert user_labels(write_sleap_labels(read_training(tmp_path / "nwb/sleap.nwb"), tmp_path / "back.slp")) == (
        user_labels(SLP_TYPICAL)
    )


def test_training_errors_are_one_line_and_exit_1(tmp_path):
    results = run_all(
        {
            "no-training": ["export", POSES_ONLY_NWB, "--training", "--to", "dlc", tmp_path / "out"],
            "missing-folder": [
                "convert",
                MULTI_MOUSE_PROJECT / "labeled-data/absent",
                "--source",
                "dlc-labels",
                "-o",
                tmp_path / "x.nwb",
                "--session-start-time",
                START,
            ],
            "missing-labeled-data": [
                "convert",
                MULTI_ANIMAL_H5,
                "--labeled-data",
                tmp_path / "absent",
                "-o",
                tmp_path / "y.nwb",
                "--session-start-time",
                START,
            ],
            "folder-without-source": ["convert", MULTI_MOUSE_PROJECT, "-o", tmp_path / "z.nwb"],
        }
    )
    assert_one_line_error(results["no-training"], "holds no PoseTraining", "--training")
    assert_one_line_error(results["missing-folder"], "labeled-data/absent", "not found")
    assert_one_line_error(results["missing-labeled-data"], "--labeled-data", "not found")
    assert_one_line_error(results["folder-without-source"], "is a directory", "--source dlc-labels")
    assert not list(tmp_path.glob("*.nwb")) and not (tmp_path / "out").exists()


@pytest.mark.parametrize("source", [(), ("--source", "dlc-labels")], ids=["detected", "named"])
@pytest.mark.parametrize("name", ["CollectedData_sleap-io.csv", "labels.csv"])
def test_labels_sleap_io_wrote_in_deeplabcuts_layout_convert_from_the_command_line(tmp_path, name, source):
    # save_csv(format="dlc") of user instances: labels with an empty likelihood column, found to be
    # labels by their content (before, detection refused them as a model's predictions on images).
    labels = sio.load_slp(str(SLP_TYPICAL), open_videos=False)
    labels.labeled_frames[0].instances = list(labels.labeled_frames[0].user_instances)
    path = tmp_path / name
    sio.save_csv(labels, str(path), format="dlc")
    out = tmp_path / "labels.nwb"
    result = poseconv_in_process("convert", path, *source, "-o", out, "--session-start-time", START)
    assert_ok(result)
    assert "predictions" not in result.stderr
    training = read_training(out)
    expected = {inst.track.name: inst.numpy() for inst in labels.labeled_frames[0].user_instances}
    assert {i.individual: i.points.tolist() for i in training.frames[0].instances} == {
        name: points.tolist() for name, points in expected.items()
    }


@needs_shared_data
@pytest.mark.parametrize("image_size", [(350, 400), (747, 832)], ids=["cropped", "whole"])
def test_labels_of_frames_cropped_on_extraction_say_where_the_crop_is_in_the_linked_video(tmp_path, image_size):
    # extract_frames(crop=True) saves frames cut to config.yaml's video_sets crop, and the labels are in those
    # images' pixels; the training frames link the whole video, with nothing saying the labels are offset.
    import shutil

    from PIL import Image

    from tests.fixtures.training import TEST_ALEX_PROJECT

    project = tmp_path / "TEST-Alex-2019-11-04"
    shutil.copytree(TEST_ALEX_PROJECT, project)
    config = (project / "config.yaml").read_text()
    (project / "config.yaml").write_text(config.replace("crop: 0, 832, 0, 747", "crop: 100, 500, 50, 400"))
    folder = project / "labeled-data/reachingvideo1short"
    for name in ("img01.png", "img04.png"):
        Image.new("RGB", image_size[::-1]).save(folder / name)
    out = tmp_path / "labels.nwb"
    result = poseconv_in_process("convert", project, "--source", "dlc-labels", "-o", out, "--session-start-time", START)
    assert_ok(result)
    with NWBHDF5IO(out, "r") as io:
        nwbfile = io.read()
        training = nwbfile.processing["behavior"]["PoseTraining"]
        video = training.source_videos.image_series["Video reachingvideo1short"]
        sources = nwbfile.processing["behavior"]["PoseTrainingSources"].description
        frame = training.training_frames.training_frames["reachingvideo1short_img04.png"]
        assert frame.source_video.name == video.name
    sentence = "(x 100 to 500, y 50 to 400 of its frames, as DeepLabCut cropped the frames it extracted"
    if image_size == (350, 400):
        assert "The labels are in the coordinates of a crop of this video " + sentence in video.description
        assert "add (100, 50) to place them on the video" in video.description
        assert "The labels of 'reachingvideo1short' are in the coordinates of a crop" in sources
    else:
        assert "crop" not in video.description and "crop" not in sources
    # The labels themselves stay as labeled, in the images' pixels.
    table = read_deeplabcut_labels_table(folder / "CollectedData_Alex.h5")[0]
    labels = read_training(out)
    assert [f.instances[0].points.ravel().tolist() for f in labels.frames] == table.to_numpy().tolist()
    # A .slp links the whole video: the labels of a crop are placed on it (they sat 100 px left, 50 px up).
    slp = tmp_path / "labels.slp"
    assert_ok(poseconv_in_process("export", out, "--training", "--to", "slp", slp, "-q"))
    offset = [100.0, 50.0] if image_size == (350, 400) else [0.0, 0.0]
    exported = [frame.instances[0].numpy() for frame in sio.load_slp(str(slp)).labeled_frames]
    expected = [frame.instances[0].points + offset for frame in labels.frames]
    for got, want in zip(exported, expected, strict=True):
        np.testing.assert_allclose(got, want)
