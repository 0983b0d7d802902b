"""sleap-anipose's triangulated points3d.h5 next to a SLEAP session: the 3D series of the session."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest
from pynwb import NWBHDF5IO

from poseconv import SLEAPSessionPoseInterface
from poseconv.catalog import detect_format
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.sleap import read_sleap_session
from tests.fixtures.multicamera import SLEAP_MULTIVIEW_3D
from tests.fixtures.nwb import user_metadata
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_MIN_SESSION

pytestmark = needs_shared_data

N_FRAMES, N_TRACKS, N_NODES = 3, 2, 15  # min_session.slp: frames 0-2, track_0 and track_1, 15 nodes


def write_points3d(path, points, *, frames=None):
    """Write points as sleap_anipose.triangulate(..., fname=...) does."""
    with h5py.File(path, "w") as handle:
        handle.create_dataset("tracks", data=points, chunks=True, compression="gzip", compression_opts=1)
        handle["tracks"].attrs["Description"] = "Shape: (n_frames, n_tracks, n_nodes, 3)."
        if frames is not None:
            handle.create_dataset("frames", data=frames, compression="gzip", compression_opts=1)


@pytest.fixture
def session_with_points(tmp_path):
    slp = tmp_path / "min_session.slp"
    shutil.copy(SLP_MIN_SESSION, slp)
    points = np.random.default_rng(7).normal(size=(N_FRAMES, N_TRACKS, N_NODES, 3))
    points[1, 0, 4] = np.nan  # a point the triangulation could not place
    write_points3d(tmp_path / "points3d.h5", points)
    return slp, points


def test_points3d_beside_the_slp_become_the_session_3d_poses(session_with_points):
    slp, points = session_with_points
    assert detect_format(slp).name == "SLEAP session"
    session = read_sleap_session(slp)
    assert [t.name for t in session.pose_3d.tracks] == ["track_0", "track_1"]
    for index, track in enumerate(session.pose_3d.tracks):
        np.testing.assert_array_equal(track.positions, points[:, index])
    assert session.pose_3d.unit == "n.a." and session.notes["points_3d_file"].endswith("points3d.h5")
    # The 3D poses link the 2D skeleton.
    assert session.pose_3d.tracks[0].skeleton in session.views[next(iter(session.views))].skeletons


def test_points3d_of_a_frame_range_start_at_that_frame(tmp_path):
    slp = tmp_path / "min_session.slp"
    shutil.copy(SLP_MIN_SESSION, slp)
    points = np.ones((2, N_TRACKS, N_NODES, 3))
    write_points3d(tmp_path / "tri.h5", points, frames=(1, 3))
    session = read_sleap_session(slp, points_3d_file_path=tmp_path / "tri.h5")
    positions = session.pose_3d.tracks[0].positions
    assert np.isnan(positions[0]).all() and (positions[1:3] == 1).all()


def test_points3d_with_other_nodes_are_refused_saying_why(tmp_path):
    slp = tmp_path / "min_session.slp"
    shutil.copy(SLP_MIN_SESSION, slp)
    write_points3d(tmp_path / "points3d.h5", np.zeros((N_FRAMES, N_TRACKS, 4, 3)))
    with pytest.raises(InvalidSourceFileError, match="4 nodes per animal.*15"):
        read_sleap_session(slp)


def test_a_slp_with_its_own_3d_points_refuses_a_given_points3d(tmp_path):
    write_points3d(tmp_path / "points3d.h5", np.zeros((1, 1, 2, 3)))
    with pytest.raises(InvalidSourceFileError, match="holds 3D points of its own"):
        read_sleap_session(SLEAP_MULTIVIEW_3D, points_3d_file_path=tmp_path / "points3d.h5")


def test_points3d_are_written_as_the_multicamera_3d_series(session_with_points, tmp_path):
    slp, points = session_with_points
    interface = SLEAPSessionPoseInterface(file_path=slp, tracks=["track_1"], sampling_frequency=30.0)
    metadata = user_metadata(interface)
    interface.run_conversion(nwbfile_path=tmp_path / "session.nwb", metadata=metadata)
    with NWBHDF5IO(tmp_path / "session.nwb", "r") as io:
        container = io.read().processing["behavior"]["MultiCameraPoseEstimation"]
        nodes = list(interface.session.pose_3d.skeletons.values())[0].nodes
        for j, node in enumerate(nodes):
            np.testing.assert_array_equal(container.pose_estimation_series[node].data[:], points[:, 1, j])
