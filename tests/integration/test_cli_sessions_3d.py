"""The 3D poses of a ``MultiCameraPoseEstimation`` reach ``inspect`` and ``export`` as the pose files' do.

A session's camera views are ``PoseEstimation`` containers; its 3D series sit in the session
container itself. The commands give the same poses for the NWB file as for the files it came from:
each camera's 2D poses, then the 3D poses. ndx-pose also allows a session of 3D series and no camera
view (a tool that keeps only the triangulated result): it is read, inspected and exported too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from ndx_pose import MultiCameraPoseEstimation, PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
from pynwb import NWBHDF5IO, NWBFile

from poseconv import DeepLabCut3DPoseInterface
from poseconv.nwb.read.multicamera import read_multicamera
from poseconv.readers.deeplabcut import read_deeplabcut
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.multicamera import DLC_3D_CONFIG, DLC_3D_H5
from tests.fixtures.nwb import user_metadata
from tests.fixtures.paths import needs_shared_data
from tests.integration.read_other_tools.checks import run_cli


def write_3d_only_session(path: Path) -> np.ndarray:
    """A session of 3D series and no camera view, written with ndx-pose; return its (frames, nodes, 3) values."""
    nwbfile = NWBFile(
        session_description="3D only", identifier="3d-only", session_start_time=datetime(2024, 1, 1, tzinfo=UTC)
    )
    behavior = nwbfile.create_processing_module("behavior", "Behavior.")
    skeleton = Skeleton(name="mouse", nodes=["snout", "tail"], edges=np.array([[0, 1]], dtype="uint8"))
    behavior.add(Skeletons(skeletons=[skeleton]))
    values = np.random.default_rng(0).normal(size=(50, 2, 3))
    values[5, 1] = np.nan
    series = [
        PoseEstimationSeries(
            name=node,
            description=f"3D position of {node}.",
            data=values[:, j],
            unit="millimeters",
            reference_frame="arena centre",
            rate=30.0,
        )
        for j, node in enumerate(skeleton.nodes)
    ]
    behavior.add(
        MultiCameraPoseEstimation(
            name="MultiCameraPoseEstimation",
            pose_estimation_series=series,
            skeleton=skeleton,
            source_software="DANNCE",
            description="Triangulated poses.",
        )
    )
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    return values


def test_3d_only_session_is_read_inspected_and_exported(tmp_path):
    path = tmp_path / "session_3d.nwb"
    values = write_3d_only_session(path)
    (session,) = read_multicamera(path)
    assert session.cameras == {} and session.views == {}
    np.testing.assert_array_equal(session.pose_3d.tracks[0].positions, values)

    output = run_cli("inspect", path)
    assert "DANNCE" in output and "3D" in output and "snout" in output
    run_cli("export", path, "--to", "dlc", tmp_path / "export.h5", "-q")
    exported = read_deeplabcut(tmp_path / "export.h5", find_side_files=False)
    np.testing.assert_array_equal(exported.tracks[0].positions, values)
    assert exported.skeletons[exported.tracks[0].skeleton].nodes == ("snout", "tail")

    # With no 2D poses beside them, a 2D format refuses the 3D poses, saying which format holds them.
    refused = poseconv_in_process("export", path, "--to", "sleap-analysis", tmp_path / "a.h5")
    assert refused.returncode != 0 and "--to dlc" in refused.stderr and not (tmp_path / "a.h5").exists()

    # --container chooses sessions by their name as it chooses PoseEstimation containers.
    run_cli("export", path, "--to", "dlc", tmp_path / "chosen.h5", "-c", "MultiCameraPoseEstimation", "-q")
    assert (tmp_path / "chosen.h5").exists()


def test_deeplabcut_3d_nwb_inspects_and_exports_its_3d_poses(tmp_path):
    interface = DeepLabCut3DPoseInterface(file_path=DLC_3D_H5, config_file_path=DLC_3D_CONFIG)
    path = tmp_path / "dlc3d.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface))

    # The NWB file and the DeepLabCut 3D file show the same poses.
    from_nwb, from_file = run_cli("inspect", path), run_cli("inspect", DLC_3D_H5)
    assert "DLC_3D" in from_nwb and "DLC_3D" in from_file
    run_cli("export", path, "--to", "dlc", tmp_path / "export.h5", "-q")
    written = sorted(p.name for p in tmp_path.glob("export*.h5"))
    assert written == ["export_3D.h5", "export_vid1_camera-1.h5", "export_vid1_camera-2.h5"]
    table = pd.read_hdf(DLC_3D_H5)
    exported = read_deeplabcut(tmp_path / "export_3D.h5", find_side_files=False)
    nodes = exported.skeletons[exported.tracks[0].skeleton].nodes
    expected = np.stack(
        [np.column_stack([table[("DLC_3D", node, axis)].to_numpy() for axis in "xyz"]) for node in nodes], axis=1
    )
    np.testing.assert_array_equal(exported.tracks[0].positions, expected)
    assert exported.scorer == "DLC_3D"

    # One of the files in the way stops the export before any is written (before, the first was left).
    for name in written:
        (tmp_path / name).unlink()
    (tmp_path / "export_vid1_camera-2.h5").write_bytes(b"mine")
    result = poseconv_in_process("export", path, "--to", "dlc", tmp_path / "export.h5", "-q")
    assert result.returncode == 1 and "export_vid1_camera-2.h5: already exists" in result.stderr
    assert "--overwrite" in result.stderr and "overwrite=True" not in result.stderr
    assert sorted(p.name for p in tmp_path.glob("export*.h5")) == ["export_vid1_camera-2.h5"]

    # Formats of 2D poses get the camera views; the 3D poses are left out with a warning that says so.
    result = poseconv_in_process("export", path, "--to", "sleap-analysis", tmp_path / "a.h5", "-q")
    assert result.returncode == 0, result.stderr
    assert "3D poses (individual) are not written" in result.stderr
    assert sorted(p.name for p in tmp_path.glob("a_*.h5")) == ["a_vid1_camera-1.h5", "a_vid1_camera-2.h5"]


def test_export_leaves_out_a_pose_estimation_without_series(tmp_path):
    """ndx-pose allows a PoseEstimation with no series: it holds no frame, and no empty table is written for it."""
    nwbfile = NWBFile(session_description="x", identifier="x", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    behavior = nwbfile.create_processing_module("behavior", "Behavior.")
    skeleton = Skeleton(name="mouse", nodes=["snout", "tail"], edges=np.array([[0, 1]], dtype="uint8"))
    behavior.add(Skeletons(skeletons=[skeleton]))
    values = np.random.default_rng(1).random((10, 2))
    series = PoseEstimationSeries(
        name="snout", description="Snout.", data=values, unit="pixels", reference_frame="top left", rate=30.0
    )
    for name, members in (("empty", []), ("full", [series])):
        behavior.add(
            PoseEstimation(
                name=name, pose_estimation_series=members, skeleton=skeleton, source_software="X", description=name
            )
        )
    path = tmp_path / "one_empty.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    result = poseconv_in_process("export", path, "--to", "dlc", tmp_path / "out.csv", "-q")
    assert result.returncode == 0, result.stderr
    assert "has no pose series" in result.stderr
    assert [p.name for p in tmp_path.glob("out*.csv")] == ["out.csv"]
    exported = read_deeplabcut(tmp_path / "out.csv", find_side_files=False)
    np.testing.assert_array_equal(exported.tracks[0].positions[:, 0], values)


def test_export_of_pose_estimations_without_series_is_refused(tmp_path):
    # ndx-pose allows a PoseEstimation without series; before, its export was an empty .h5 (no table)
    # that pandas cannot read, with exit code 0.
    nwbfile = NWBFile(session_description="x", identifier="x", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    behavior = nwbfile.create_processing_module("behavior", "Behavior.")
    skeleton = Skeleton(name="mouse", nodes=["snout", "tail"], edges=np.array([[0, 1]], dtype="uint8"))
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(PoseEstimation(name="empty", pose_estimation_series=[], skeleton=skeleton, source_software="X"))
    path = tmp_path / "empty.nwb"
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    for to, out in (("dlc", "out.h5"), ("slp", "out.slp")):
        result = poseconv_in_process("export", path, "--to", to, tmp_path / out, "-q")
        assert result.returncode == 1 and "holds no pose series" in result.stderr, result.stderr
        assert not (tmp_path / out).exists()


@needs_shared_data
def test_a_3d_folder_converted_whole_warns_of_the_views_given_twice_and_reads_back(tmp_path):
    # `poseconv convert videos/*.h5` on DeepLabCut's 3D output folder gives the 3D file and both cameras' 2D files
    # (which the 3D file reads as its views): each view was written twice without a word, and every reader of
    # the file failed ("Track 'individual' appears twice for video 'vid1_camera-1'").
    from poseconv import read_nwb
    from tests.fixtures.multicamera import DLC_3D_DIR

    unfiltered = sorted(p for p in DLC_3D_DIR.glob("*.h5") if "filtered" not in p.name)
    out = tmp_path / "whole.nwb"
    result = poseconv_in_process(
        "convert", *unfiltered, "-o", out, "--fps", "30", "--session-start-time", "2024-05-01T10:00:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("view of the session vid1_DLC_3D.h5, given too") == 2
    poses = read_nwb(out)
    views = {track.video for pose in poses for track in pose.tracks if pose.tracks[0].positions.shape[-1] == 2}
    assert {"vid1_camera-1", "vid1_camera-2"} <= views
    for args in (["inspect", out], ["export", out, "--to", "dlc", tmp_path / "back.h5"]):
        assert poseconv_in_process(*args).returncode == 0


@needs_shared_data
def test_inspect_of_a_3d_file_gives_the_rate_the_conversion_writes(tmp_path):
    # The 3D poses were listed without the session's rate ("no frame rate recorded, give --fps"), though convert
    # writes them at the rate the camera views' side files record.
    import json

    [*_, shown] = json.loads(poseconv_in_process("inspect", DLC_3D_H5, "--json").stdout)["poses"]
    [video] = shown["videos"].values()
    nwb = tmp_path / "3d.nwb"
    converted = poseconv_in_process("convert", DLC_3D_H5, "-o", nwb, "--session-start-time", "2024-01-01T00:00:00Z")
    assert converted.returncode == 0, converted.stderr
    [*_, written] = json.loads(poseconv_in_process("inspect", nwb, "--json").stdout)["poses"]
    [written_video] = written["videos"].values()
    assert video["rate"] == written_video["rate"] == 30.0
    assert (video["n_frames"], video["starting_time"]) == (written_video["n_frames"], written_video["starting_time"])
