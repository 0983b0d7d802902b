"""``poseconv run`` on a spec of real DeepLabCut sessions: in parallel, on a Dask cluster, and through neuroconv.

The spec has three sessions: a single mouse with its video; three mice next to a (mock)
recording, with frame times from a file; and a session whose pose file is broken. The
broken one must be reported with its place in the spec, and the other two converted.
``poseconv run`` runs in the test process (:mod:`tests.fixtures.cli`); its sessions run in worker
processes all the same.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pynwb import NWBHDF5IO

from poseconv.batch.runner import run_batch
from poseconv.interfaces import DeepLabCutPoseInterface
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, SINGLE_ANIMAL_H5
from tests.fixtures.nwb import assert_inspector_clean
from tests.unit.batch.test_spec import own_copy

START = "2024-05-01T10:30:00+02:00"
MOCK_RECORDING = "neuroconv.tools.testing.mock_interfaces:MockRecordingInterface"


# Interfaces that fail only when really writing (their in-memory check passes), named in specs as
# "tests.integration.test_batch:<Class>" so the worker processes import them from here.
class FailsOnWriteInterface(DeepLabCutPoseInterface):
    """DeepLabCut interface whose real write fails, as a full disk would."""

    def add_to_nwbfile(
        self,
        nwbfile: Any,
        metadata: dict | None = None,
        *,
        stub_test: bool = False,
        external_files_relative_to: Path | None = None,
    ) -> None:
        if not stub_test:
            raise OSError("No space left on device (simulated)")
        super().add_to_nwbfile(nwbfile, metadata, stub_test=True, external_files_relative_to=external_files_relative_to)


class CrashesOnWriteInterface(DeepLabCutPoseInterface):
    """DeepLabCut interface whose real write kills its process, as a crash in native code would."""

    def add_to_nwbfile(
        self,
        nwbfile: Any,
        metadata: dict | None = None,
        *,
        stub_test: bool = False,
        external_files_relative_to: Path | None = None,
    ) -> None:
        if not stub_test:
            os._exit(3)
        super().add_to_nwbfile(nwbfile, metadata, stub_test=True, external_files_relative_to=external_files_relative_to)


def poseconv(*args):
    return poseconv_in_process(*args)


@pytest.fixture
def three_sessions(tmp_path):
    """A spec (and its data folder) with three sessions, the third one broken; returns the spec path."""
    data = tmp_path / "data"
    data.mkdir()
    times = 100.0 + np.cumsum(np.full(31, 1 / 30))  # 31 frames, aligned to the recording's clock
    np.save(data / "m2_frames.npy", times)
    (data / "m3.h5").write_bytes(b"this is not an HDF5 file")
    spec = {
        "output_folder": "nwb",
        "data_folder": "data",
        "metadata": {
            "NWBFile": {
                "institution": "Example University",
                "experimenter": ["Doe, Jane"],
                "experiment_description": "Mice move freely in an open field while a camera records them.",
                "keywords": ["pose", "behavior"],
            },
            "Subject": {"species": "Mus musculus", "description": "Test animal."},
        },
        "sessions": [
            {
                "session_id": "m1-day1",
                "session_start_time": START,
                "subject": {"subject_id": "m1", "sex": "M", "age": "P90D"},
                "metadata": {"NWBFile": {"session_description": "One mouse in the open field."}},
                "pose": [
                    {
                        "file_path": str(SINGLE_ANIMAL_H5),
                        "metadata": {"Pose": {"PoseEstimations": {"PoseEstimation": {"name": "PoseEstimationTop"}}}},
                    }
                ],
            },
            {
                "session_id": "m2-day1",
                "session_start_time": "2024-05-02T10:30:00+02:00",
                "subject": {"subject_id": "m2", "sex": "F", "age": "P91D"},
                "pose": [{"file_path": str(MULTI_ANIMAL_H5), "timestamps_file": "m2_frames.npy"}],
                "interfaces": {
                    "Recording": {"interface": MOCK_RECORDING, "source_data": {"num_channels": 4, "durations": [1.0]}}
                },
            },
            {
                "session_id": "m3-day1",
                "session_start_time": "2024-05-03T10:30:00+02:00",
                "subject": {"subject_id": "m3", "sex": "M", "age": "P92D"},
                "pose": [{"file_path": "m3.h5", "interface": "dlc", "sampling_frequency": 30.0}],
            },
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _assert_two_converted_third_reported(spec_path, stderr: str) -> None:
    nwb = spec_path.parent / "nwb"
    assert sorted(p.name for p in nwb.iterdir()) == ["m1-day1.nwb", "m2-day1.nwb"]  # and no temporary files
    line = next(line for line in stderr.splitlines() if "sessions[2]" in line)
    assert line.startswith("poseconv: problem: sessions[2].pose[0] (line ")
    assert "m3.h5: not an HDF5 file" in line

    with NWBHDF5IO(nwb / "m1-day1.nwb", "r") as io:
        nwbfile = io.read()
        assert nwbfile.session_id == "m1-day1" and nwbfile.subject.subject_id == "m1"
        assert nwbfile.session_description == "One mouse in the open field."
        assert nwbfile.session_start_time.isoformat() == START
        container = nwbfile.processing["behavior"]["PoseEstimationTop"]
        assert container.pose_estimation_series["snout"].data.shape == (2330, 2)
        # The external video is stored relative to the NWB file.
        external = nwbfile.acquisition["Video m3v1mp4"].external_file[0]
        assert not os.path.isabs(external)
        assert (nwb / external).resolve() == (SINGLE_ANIMAL_H5.parent / "m3v1mp4.mp4").resolve()
    with NWBHDF5IO(nwb / "m2-day1.nwb", "r") as io:
        nwbfile = io.read()
        assert nwbfile.subject.subject_id == "m2"
        assert "ElectricalSeries" in nwbfile.acquisition  # the recording next to the poses
        behavior = nwbfile.processing["behavior"]
        assert {"PoseEstimation_individual1", "PoseEstimation_single"} <= set(behavior.data_interfaces)
        series = behavior["PoseEstimation_individual1"].pose_estimation_series["bodypart1"]
        np.testing.assert_allclose(series.get_timestamps()[:], np.load(spec_path.parent / "data/m2_frames.npy"))


def test_three_sessions_one_broken_converts_two_in_parallel_and_resumes(three_sessions):
    result = poseconv("run", three_sessions, "--jobs", "2")
    assert result.returncode == 1, result.stderr
    _assert_two_converted_third_reported(three_sessions, result.stderr)
    # Problems come before any conversion, then the summary.
    assert result.stderr.index("poseconv: problem:") < result.stderr.index("Converting sessions")
    assert "2 converted, 1 invalid; 1 problem(s) in the spec" in result.stdout
    assert_inspector_clean(three_sessions.parent / "nwb/m1-day1.nwb")

    # Fix the broken session and run again: the two done are skipped (untouched), the third converted.
    done = {p.name: p.stat().st_mtime_ns for p in (three_sessions.parent / "nwb").iterdir()}
    shutil.copy(SINGLE_ANIMAL_H5, three_sessions.parent / "data/m3.h5")
    report = run_batch(three_sessions, jobs=1)
    assert report.ok, report.to_dict()
    assert [r.status for r in report.sessions] == ["skipped", "skipped", "converted"]
    assert {p.name: p.stat().st_mtime_ns for p in (three_sessions.parent / "nwb").iterdir() if p.name in done} == done
    assert (three_sessions.parent / "nwb/m3-day1.nwb").is_file()


def test_three_sessions_one_broken_on_a_local_dask_cluster(three_sessions):
    distributed = pytest.importorskip("distributed")

    # A free port and a scratch folder of its own: clusters started by tests running at once never meet. One
    # worker process (each imports the NWB stack): the sessions still go through the scheduler one by one.
    with distributed.LocalCluster(
        n_workers=1,
        processes=True,
        threads_per_worker=1,
        scheduler_port=0,
        dashboard_address=None,
        local_directory=str(three_sessions.parent / "dask-scratch"),
    ) as cluster:
        report = three_sessions.parent / "report.json"
        result = poseconv("run", three_sessions, "--scheduler", cluster.scheduler_address, "--report", report)
    assert result.returncode == 1, result.stderr
    _assert_two_converted_third_reported(three_sessions, result.stderr)
    assert "2 converted, 1 invalid" in result.stdout
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["counts"]["converted"] == 2 and summary["counts"]["invalid"] == 1
    assert [p["location"] for p in summary["problems"]] == ["sessions[2].pose[0]"]


def test_a_session_failing_while_writing_never_touches_the_others(tmp_path):
    """A write error and a crashed worker: each fails alone, leaving no file behind and the old file intact."""
    # Each session its own copy of the poses: one pose file in two sessions is a problem of the spec.
    mine = {name: str(own_copy(SINGLE_ANIMAL_H5, tmp_path / "poses" / name)) for name in ("disk-full", "crash")}
    sessions = [
        {"session_id": "good", "pose": [{"file_path": str(SINGLE_ANIMAL_H5)}]},
        {
            "session_id": "disk-full",
            "pose": [{"file_path": mine["disk-full"], "interface": f"{__name__}:FailsOnWriteInterface"}],
        },
        {
            "session_id": "crash",
            "pose": [{"file_path": mine["crash"], "interface": f"{__name__}:CrashesOnWriteInterface"}],
        },
    ]
    for entry in sessions:
        entry["session_start_time"] = START
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({"sessions": sessions}), encoding="utf-8")
    earlier = tmp_path / "disk-full.nwb"
    earlier.write_bytes(b"an earlier conversion")

    report = run_batch(spec, jobs=2, overwrite=True)

    statuses = {r.session_id: (r.status, r.reason) for r in report.sessions}
    assert report.problems == []
    assert statuses["good"][0] == "converted"
    status, reason = statuses["disk-full"]
    assert status == "failed" and reason.startswith("OutputError: ") and "disk-full.nwb: not written" in reason
    assert statuses["crash"][0] == "failed" and "WorkerDiedError" in statuses["crash"][1]
    assert earlier.read_bytes() == b"an earlier conversion"
    assert sorted(p.name for p in tmp_path.glob("*.nwb")) == ["disk-full.nwb", "good.nwb"]
    assert not list(tmp_path.glob(".*partial*"))


def test_neuroconv_yaml_runner_uses_poseconv_interfaces(tmp_path):
    """neuroconv's own runner, with poseconv's interfaces registered by name (docs/neuroconv.md)."""
    from neuroconv.tools.yaml_conversion_specification import run_conversion_from_yaml

    from poseconv.batch.registry import register_with_neuroconv

    register_with_neuroconv()
    spec = {
        "metadata": {"NWBFile": {"institution": "Example University"}, "Subject": {"species": "Mus musculus"}},
        "data_interfaces": {"Pose": "DeepLabCutPoseInterface"},
        "experiments": {
            "open_field": {
                "sessions": [
                    {
                        "nwbfile_name": "m1.nwb",
                        "source_data": {"Pose": {"file_path": SINGLE_ANIMAL_H5.name}},
                        "metadata": {
                            "NWBFile": {"session_start_time": START, "session_id": "m1"},
                            "Subject": {"subject_id": "m1", "sex": "M", "age": "P90D"},
                        },
                    }
                ]
            }
        },
    }
    path = tmp_path / "neuroconv_spec.yml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    run_conversion_from_yaml(
        specification_file_path=path, data_folder_path=SINGLE_ANIMAL_H5.parent, output_folder_path=tmp_path / "out"
    )
    with NWBHDF5IO(tmp_path / "out/m1.nwb", "r") as io:
        nwbfile = io.read()
        assert nwbfile.processing["behavior"]["PoseEstimation"].source_software == "DeepLabCut"
        assert nwbfile.subject.subject_id == "m1"


def test_nwbfile_and_subject_of_one_pose_file_are_a_problem_and_the_sessions_write_as_convert(tmp_path):
    # Before, NWBFile and Subject under a pose file's metadata were dropped without a word (exit code 0),
    # while `poseconv convert -m` with the same values wrote them.
    file_wide = {
        "NWBFile": {"lab": "PoseLab", "experiment_description": "Set on the pose file."},
        "Subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D", "strain": "C57BL/6J"},
    }
    session = {"session_id": "s1", "session_start_time": START, "pose": [{"file_path": str(SINGLE_ANIMAL_H5)}]}
    spec = tmp_path / "spec.yaml"
    session["pose"][0]["metadata"] = file_wide
    spec.write_text(yaml.safe_dump({"output_folder": "out", "sessions": [session]}, sort_keys=False), encoding="utf-8")
    result = poseconv("run", spec, "--jobs", "1")
    assert result.returncode == 1 and not (tmp_path / "out").exists()
    problems = [line for line in result.stderr.splitlines() if line.startswith("poseconv: problem:")]
    assert problems == [
        "poseconv: problem: sessions[0].pose[0].metadata.NWBFile (line 8): NWBFile describes the whole NWB file, "
        "not one pose file: give it in sessions[0].metadata.NWBFile (a pose file's metadata holds that file's own "
        "Pose, Devices and Behavior entries).",
        "poseconv: problem: sessions[0].pose[0].metadata.Subject (line 11): Subject describes the whole NWB file, "
        "not one pose file: give it in sessions[0].subject (a pose file's metadata holds that file's own Pose, "
        "Devices and Behavior entries).",
    ]

    # Given for the session, as -m gives them to convert: the same file.
    del session["pose"][0]["metadata"]
    session["metadata"] = file_wide
    spec.write_text(yaml.safe_dump({"output_folder": "out", "sessions": [session]}, sort_keys=False), encoding="utf-8")
    assert poseconv("run", spec, "--jobs", "1").returncode == 0
    metadata = tmp_path / "metadata.yaml"
    metadata.write_text(yaml.safe_dump(file_wide), encoding="utf-8")
    converted = tmp_path / "convert.nwb"
    result = poseconv("convert", SINGLE_ANIMAL_H5, "-m", metadata, "--session-start-time", START, "-o", converted)
    assert result.returncode == 0, result.stderr

    def written(path):
        with NWBHDF5IO(path, "r") as io:
            nwbfile = io.read()
            subject = nwbfile.subject
            return nwbfile.lab, nwbfile.experiment_description, subject.subject_id, subject.sex, subject.strain

    assert (
        written(tmp_path / "out/s1.nwb")
        == written(converted)
        == ("PoseLab", "Set on the pose file.", "m1", "M", "C57BL/6J")
    )


def test_a_keyed_entry_of_the_spec_metadata_applies_to_the_sessions_with_its_key_and_no_session_is_a_problem(
    tmp_path,
):
    # Before, `run --check` passed a misspelt spec-wide Devices key that `run` then refused per session (a
    # "matches no Device" failure), and a spec-wide entry without a name was an "unexpected error" of the check.
    def spec(devices):
        sessions = [
            {"session_id": f"s{i}", "session_start_time": START, "pose": [{"file_path": str(path)}]}
            for i, path in enumerate([SINGLE_ANIMAL_H5, MULTI_ANIMAL_H5])
        ]
        path = tmp_path / "spec.yaml"
        body = {"output_folder": "out", "metadata": {"Devices": devices}, "sessions": sessions}
        path.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
        return path

    misspelt = spec({"video_m3v1mp4_camra": {"description": "Top camera."}})
    checked, ran = poseconv("run", misspelt, "--check", "--jobs", "1"), poseconv("run", misspelt, "--jobs", "1")
    assert checked.returncode == ran.returncode == 1 and not (tmp_path / "out").exists()
    problems = [
        [line for line in result.stderr.splitlines() if line.startswith("poseconv: problem:")]
        for result in (checked, ran)
    ]
    assert (
        problems[0]
        == problems[1]
        == [
            "poseconv: problem: metadata.Devices.video_m3v1mp4_camra (line 4): no session has it; in sessions[0], it "
            "matches no Device of the inputs; their keys are ['video_m3v1mp4_camera']. Did you mean "
            "'video_m3v1mp4_camera'?"
        ]
    )
    assert "nothing was converted" in ran.stdout

    # Spelt right, it is the first session's camera only; the second session has no such key and converts.
    one = spec({"video_m3v1mp4_camera": {"name": "TopCamera", "description": "Top camera."}})
    assert poseconv("run", one, "--jobs", "1").returncode == 0
    with NWBHDF5IO(tmp_path / "out/s0.nwb", "r") as io:
        assert io.read().devices["TopCamera"].description == "Top camera."
    with NWBHDF5IO(tmp_path / "out/s1.nwb", "r") as io:
        assert "TopCamera" not in io.read().devices
