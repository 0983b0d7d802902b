"""read_nwb on NWB files poseconv did not write: dlc2nwb, ndx-pose back-compat, sleap-io, neuroconv, movement, IBL.

The real files come from ../shared/data (see its MANIFEST.md); neuroconv's and movement's files are
written here by those tools themselves from real DeepLabCut output, and the IBL layout (no real file
is available) is built with pynwb/ndx-pose as IBL lays it out.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import h5py
import numpy as np
import pandas as pd
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.model import FrameTiming
from poseconv.nwb.read.pose import open_nwb, read_nwb
from poseconv.readers.deeplabcut import read_deeplabcut
from tests.fixtures.deeplabcut import RATS_H5, SINGLE_ANIMAL_H5
from tests.fixtures.paths import SHARED_DATA

DLC2NWB = SHARED_DATA / "dlc2nwb/examples"
BACK_COMPAT = SHARED_DATA / "ndx-pose/back_compat"
SLEAP_IO_NWB = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.pose.nwb"


def test_dlc2nwb_ndx_pose_0_1():
    """dlc2nwb 2023 (ndx-pose 0.1.0): nodes on the container, series 'ind1_<bodypart>'."""
    [pose] = read_nwb(DLC2NWB / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb")
    assert (pose.source_software, pose.source_software_version) == ("DeepLabCut", "2.2.0.2")
    assert pose.scorer == "DLC_resnet50_openfieldAug20shuffle1"
    [track] = pose.tracks
    assert track.name == "ind1"
    assert pose.skeletons[track.skeleton].nodes == ("snout", "leftear", "rightear", "tailbase")
    assert pose.timing[track.video].timestamps is not None and track.n_frames == 2330
    # Written from the .h5 beside it: every value is the DeepLabCut one.
    source = pd.read_hdf(DLC2NWB / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5")
    scorer = source.columns.get_level_values("scorer")[0]
    for j, node in enumerate(pose.skeletons[track.skeleton].nodes):
        np.testing.assert_array_equal(track.positions[:, j, 0], source[(scorer, node, "x")])
        np.testing.assert_array_equal(track.confidence[:, j], source[(scorer, node, "likelihood")])


def test_ndx_pose_0_1_1_nodes_edges_mixed_dimensions():
    path = BACK_COMPAT / "0.1.1_poseestimation_nodes_edges.nwb"
    with pytest.warns(PoseconvWarning, match="mixes"):
        [pose] = read_nwb(path)
    [track] = pose.tracks
    skeleton = pose.skeletons[track.skeleton]
    assert skeleton.nodes == ("front_left_paw", "front_right_paw") and skeleton.edges == ((0, 1),)
    assert track.positions.shape == (100, 2, 3)
    with h5py.File(path, "r") as handle:
        series = handle["processing/behavior/PoseEstimation"]
        np.testing.assert_array_equal(track.positions[:, 0], series["front_left_paw/data"][()])
        np.testing.assert_array_equal(track.positions[:, 1, :2], series["front_right_paw/data"][()])
        # The second series links the first one's timestamps.
        np.testing.assert_array_equal(pose.timing[track.video].timestamps, series["front_left_paw/timestamps"][()])
    assert np.isnan(track.positions[:, 1, 2]).all()


def test_ndx_pose_0_1_1_without_series():
    [pose] = read_nwb(BACK_COMPAT / "0.1.1_poseestimation_no_cameras.nwb")
    assert pose.tracks[0].n_frames == 0 and pose.timing == {}
    assert pose.videos[pose.tracks[0].video].original_path == "camera1.mp4"


@pytest.mark.parametrize("name", ["0.3.0_poseestimation_one_camera.nwb", "0.3.0_poseestimation_two_cameras.nwb"])
def test_ndx_pose_0_3_0(name):
    """The two-camera file is refused by pynwb with ndx-pose 0.4; h5py reads it all the same."""
    [pose] = read_nwb(BACK_COMPAT / name)
    [track] = pose.tracks
    assert pose.skeletons[track.skeleton].name == "subject"
    assert pose.skeletons[track.skeleton].nodes == ("front_left_paw", "front_right_paw")
    assert track.positions.shape == (10, 2, 2) and track.confidence.shape == (10, 2)
    assert track.video == "camera1" and pose.source_software_version == "2.2b8"


def test_sleap_io_writer_one_container_per_track():
    """sleap-io: module SLEAP_VIDEO_000_*, containers 'track=<name>', each series its own frames and times."""
    [pose] = read_nwb(SLEAP_IO_NWB)
    assert pose.source_software == "SLEAP" and pose.scorer is None
    assert pose.track_names() == ["1", "2"]
    assert list(pose.videos) == ["minimal"]
    assert pose.videos["minimal"].original_path == "/data/minimal.mp4"
    one, two = pose.tracks
    np.testing.assert_array_equal(one.positions[:, 0], [[10, 20], [11, 21], [12, 22]])
    np.testing.assert_array_equal(one.confidence[:, 1], [0.8, 0.8, 0.8])
    # Track 2's node B has no frame at all: NaN on the shared frames.
    np.testing.assert_array_equal(two.positions[:2, 0], [[50, 60], [51, 61]])
    assert np.isnan(two.positions[2]).all() and np.isnan(two.positions[:, 1]).all()
    np.testing.assert_array_equal(pose.timing["minimal"].times(3), [0.0, 1.0, 2.0])


def test_neuroconv_deeplabcut_interface(tmp_path):
    """neuroconv names the container 'PoseEstimationDeepLabCut' and series 'PoseEstimationSeries<Node>'."""
    from neuroconv.datainterfaces import DeepLabCutInterface

    interface = DeepLabCutInterface(file_path=SINGLE_ANIMAL_H5, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    path = tmp_path / "neuroconv.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface.run_conversion(nwbfile_path=path, metadata=metadata)
    [pose] = read_nwb(path)
    expected = read_deeplabcut(SINGLE_ANIMAL_H5, find_side_files=False)
    [track] = pose.tracks
    assert track.name == "individual" and track.video == "video"
    assert pose.skeletons[track.skeleton].nodes == expected.skeletons["Skeleton"].nodes
    np.testing.assert_array_equal(track.positions, expected.tracks[0].positions)
    np.testing.assert_array_equal(track.confidence, expected.tracks[0].confidence)
    assert pose.timing[track.video].rate == 30.0


def test_movement_nwb_writer(tmp_path):
    """movement writes one file per individual and names the animal in the description."""
    pytest.importorskip("movement")
    from movement.io import save_poses
    from pynwb import NWBHDF5IO

    from poseconv.exporters.movement import to_movement_dataset

    pose = read_deeplabcut(RATS_H5)
    pose = pose.with_timing(pose.tracks[0].video, FrameTiming(rate=30.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = save_poses.to_nwb_file(to_movement_dataset(pose))
    for nwbfile, expected in zip(files, pose.tracks, strict=True):
        path = tmp_path / f"{expected.name}.nwb"
        with NWBHDF5IO(str(path), "w") as io:
            io.write(nwbfile)
        [read] = read_nwb(path)
        [track] = read.tracks
        assert track.name == expected.name
        np.testing.assert_array_equal(track.positions, expected.positions)
        np.testing.assert_array_equal(track.confidence, expected.confidence)


def test_ibl_style_cameras(tmp_path):
    """IBL (DANDI 409): processing['behavior']['PoseEstimation<Camera>'], one per camera, own timestamps."""
    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
    from pynwb import NWBHDF5IO
    from pynwb.testing.mock.file import mock_NWBFile

    nwbfile = mock_NWBFile()
    behavior = nwbfile.create_processing_module("behavior", "Behavior.")
    nodes = ["paw_l", "paw_r", "nose_tip"]
    skeleton = Skeleton(name="Mouse", nodes=nodes)
    behavior.add(Skeletons(skeletons=[skeleton]))
    rng = np.random.default_rng(0)
    expected = {}
    for camera, n_frames, rate in (("LeftCamera", 8, 60.0), ("RightCamera", 12, 150.0)):
        times = np.arange(n_frames) / rate + 0.013
        data = rng.uniform(0, 640, size=(n_frames, len(nodes), 2))
        series = [
            PoseEstimationSeries(
                name=node,
                data=data[:, j],
                unit="pixels",
                reference_frame="top left",
                timestamps=times,
                confidence=np.full(n_frames, 0.9),
                confidence_definition="likelihood",
            )
            for j, node in enumerate(nodes)
        ]
        behavior.add(
            PoseEstimation(
                name=f"PoseEstimation{camera}",
                pose_estimation_series=series,
                skeleton=skeleton,
                source_software="DeepLabCut",
                scorer="ibl",
            )
        )
        expected[camera] = (data, times)
    path = tmp_path / "ibl.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)

    with open_nwb(path) as nwb:
        assert sorted(nwb.containers) == ["PoseEstimationLeftCamera", "PoseEstimationRightCamera"]
        assert nwb.containers["PoseEstimationRightCamera"].n_frames == 12
    [pose] = read_nwb(path)
    assert sorted(pose.videos) == ["LeftCamera", "RightCamera"]
    for track in pose.tracks:
        data, times = expected[track.video]
        assert track.name == "individual"
        np.testing.assert_array_equal(track.positions, data)
        np.testing.assert_array_equal(pose.timing[track.video].timestamps, times)
