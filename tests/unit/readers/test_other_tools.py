"""Pose files of other tools are refused by name, with a way to a format poseconv reads that works.

The JABS file is written in ``tmp_path`` by sleap-io's own JABS writer.
"""

from __future__ import annotations

import numpy as np
import pytest

from poseconv import catalog
from poseconv.errors import UnsupportedFormatError
from poseconv.readers.other_tools import other_tool_problem
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.sleap import one_instance_per_frame

sio = pytest.importorskip("sleap_io")
jabs = pytest.importorskip("sleap_io.io.jabs")


def _jabs_file(folder):
    skeleton = jabs.JABS_DEFAULT_SKELETON
    video = sio.Video(filename="mouse.avi", open_backend=False)
    track = sio.Track("1")
    rng = np.random.default_rng(0)
    labels = one_instance_per_frame(
        video,
        skeleton,
        range(4),
        lambda _: rng.uniform(0, 100, (12, 2)).astype("float32"),
        point_scores=np.ones(12),
        track=track,
    )
    jabs.write_labels(labels, 5, str(folder))
    (path,) = folder.glob("*.h5")
    return path


def test_a_jabs_file_is_refused_by_name_everywhere(tmp_path):
    path = _jabs_file(tmp_path)
    assert "JABS pose file (version 5.0)" in other_tool_problem(path)
    with pytest.raises(UnsupportedFormatError, match=r"is a JABS pose file \(version 5\.0\).*load_jabs"):
        catalog.detect_format(path)
    result = poseconv_in_process("convert", path, "-o", tmp_path / "out.nwb")
    assert result.returncode != 0
    assert "JABS pose file" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.nwb").exists()


@pytest.mark.parametrize("interface", ["SLEAPPoseInterface", "DeepLabCutPoseInterface"])
def test_a_jabs_file_given_to_an_interface_or_a_named_source_is_refused_by_name(tmp_path, interface):
    import poseconv
    from poseconv.errors import InvalidSourceFileError

    path = _jabs_file(tmp_path)
    with pytest.raises(InvalidSourceFileError, match="is a JABS pose file"):
        getattr(poseconv, interface)(file_path=path)
    result = poseconv_in_process("convert", path, "--source", "sleap", "-o", tmp_path / "out.nwb")
    assert result.returncode != 0 and "JABS pose file" in result.stderr
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"output_folder: {tmp_path / 'nwb'}\nsessions:\n  - session_id: s1\n"
        f"    session_start_time: '2024-01-01T00:00:00+00:00'\n"
        f"    pose: [{{interface: sleap, file_path: {path}, sampling_frequency: 30}}]\n"
    )
    result = poseconv_in_process("run", spec, "--jobs", "1")
    assert result.returncode != 0 and "JABS pose file" in result.stdout + result.stderr
    assert not (tmp_path / "nwb" / "s1.nwb").exists()


def test_the_way_given_for_a_jabs_file_converts_it(tmp_path):
    path = _jabs_file(tmp_path)
    expected = sio.load_jabs(str(path))
    sio.save_slp(expected, str(tmp_path / "poses.slp"))
    assert catalog.detect_format(tmp_path / "poses.slp").name == "SLEAP"
    from poseconv import read_sleap

    pose = read_sleap(tmp_path / "poses.slp")
    (skeleton,) = pose.skeletons.values()
    assert list(skeleton.nodes) == [node.name for node in jabs.JABS_DEFAULT_SKELETON.nodes]
    (track,) = pose.tracks
    want = np.stack([lf.instances[0].numpy() for lf in expected.labeled_frames])
    np.testing.assert_array_equal(np.asarray(track.positions[:]), want)


ANIPOSE_HEADER = [
    *(f"{part}_{what}" for part in ("nose", "tail") for what in ("x", "y", "z", "error", "ncams", "score")),
    *(f"M_{i}{j}" for i in range(3) for j in range(3)),
    *(f"center_{i}" for i in range(3)),
    "fnum",
]


def test_an_anipose_3d_table_is_refused_by_name_with_the_way_to_its_2d_files(tmp_path):
    # Anipose's triangulate writes this header (pose-3d/<session>.csv); the rows are one frame each.
    path = tmp_path / "session.csv"
    path.write_text(",".join(ANIPOSE_HEADER) + "\n" + ",".join(["1.5"] * (len(ANIPOSE_HEADER) - 1) + ["0"]) + "\n")
    with pytest.raises(UnsupportedFormatError, match=r"is Anipose's triangulated 3D table.*pose-2d"):
        catalog.detect_format(path)
    result = poseconv_in_process("convert", path, "-o", tmp_path / "out.nwb")
    assert result.returncode != 0 and "Anipose" in result.stderr and "Traceback" not in result.stderr


def test_other_csv_files_are_not_claimed(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("fnum,x,y\n0,1,2\n")
    assert other_tool_problem(path) is None


def test_other_hdf5_files_are_not_claimed(tmp_path):
    import h5py

    with h5py.File(tmp_path / "x.h5", "w") as handle:
        handle["points"] = np.zeros(3)
    assert other_tool_problem(tmp_path / "x.h5") is None
    (tmp_path / "y.h5").write_bytes(b"not hdf5")
    assert other_tool_problem(tmp_path / "y.h5") is None


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("video1_temporal_norm.csv", r"Lightning Pose metrics file \(temporal norm .*predictions video1\.csv"),
        ("predictions_pca_singleview_error.csv", r"metrics file \(pca singleview error .* from predictions\.csv"),
        ("video1_bbox.csv", r"bounding boxes Lightning Pose's create_bbox writes.*video1\.csv"),
    ],
)
def test_lightning_pose_files_that_hold_no_poses_name_their_predictions(tmp_path, name, said):
    # Lightning Pose writes its metrics as one column per keypoint (DataFrame.to_csv), beside the predictions.
    import pandas as pd

    pd.DataFrame(np.ones((3, 2)), columns=["nose", "tail"]).to_csv(tmp_path / name)
    with pytest.raises(UnsupportedFormatError, match=said):
        catalog.detect_format(tmp_path / name)
