"""A multi-camera session's cameras read back in the session's order from HDF5 and from Zarr.

Zarr lists a group's members by name and ndx-pose has no field for the order of a container's camera
views: the writer records it beside the container (:func:`poseconv.nwb.write.multicamera.camera_order_name`).
"""

from __future__ import annotations

import pytest

from poseconv import LightningPoseMultiViewInterface, read_multicamera
from poseconv.nwb.write.multicamera import camera_order_name
from tests.fixtures.lightningpose import write_lp_multiview_session
from tests.fixtures.nwb import user_metadata

VIEWS = ("top", "bot", "mid")  # not the order of their names


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_the_cameras_read_back_in_the_sessions_order(tmp_path, backend):
    files = write_lp_multiview_session(tmp_path / "model", views=VIEWS, with_videos=False)
    interface = LightningPoseMultiViewInterface(file_path=files["top"], sampling_frequency=30.0)
    assert list(interface.session.views) == list(VIEWS)
    path = tmp_path / ("session.nwb.zarr" if backend == "zarr" else "session.nwb")
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface), backend=backend, stub_test=True)
    (session,) = read_multicamera(path)
    assert list(session.views) == list(VIEWS)
    assert list(session.cameras) == list(VIEWS)


def test_views_in_the_order_of_their_names_need_no_table(tmp_path):
    files = write_lp_multiview_session(tmp_path / "model", views=("bot", "top"), with_videos=False)
    interface = LightningPoseMultiViewInterface(file_path=files["top"], sampling_frequency=30.0)
    nwbfile = interface.create_nwbfile(metadata=user_metadata(interface), stub_test=True)
    (container,) = (c for c in nwbfile.processing["behavior"].data_interfaces.values() if "PoseEstimation" in c.name)
    assert camera_order_name(container.name) not in nwbfile.processing["behavior"].data_interfaces


def test_an_nwbfile_in_memory_reads_back_in_the_sessions_order(tmp_path):
    files = write_lp_multiview_session(tmp_path / "model", views=VIEWS, with_videos=False)
    interface = LightningPoseMultiViewInterface(file_path=files["top"], sampling_frequency=30.0)
    nwbfile = interface.create_nwbfile(metadata=user_metadata(interface), stub_test=True)
    (session,) = read_multicamera(nwbfile)
    assert list(session.views) == list(VIEWS)


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_read_nwb_gives_the_views_in_the_sessions_order(tmp_path, backend):
    from poseconv import read_nwb
    from poseconv.nwb.read.pose import open_nwb

    files = write_lp_multiview_session(tmp_path / "model", views=VIEWS, with_videos=False)
    interface = LightningPoseMultiViewInterface(file_path=files["top"], sampling_frequency=30.0)
    path = tmp_path / ("session.nwb.zarr" if backend == "zarr" else "session.nwb")
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface), backend=backend, stub_test=True)
    with open_nwb(path) as nwb:
        assert list(nwb.containers) == [f"PoseEstimation_{view}" for view in VIEWS]
    (pose,) = read_nwb(path)
    assert [video.rsplit("_", 1)[1] for video in pose.videos] == list(VIEWS)
    assert [track.video for track in pose.tracks] == list(pose.videos)
