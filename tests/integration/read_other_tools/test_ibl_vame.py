"""Layouts written by code rather than a converter: IBL's (DANDI 000409) and VAME's NWB export.

No real file of either is available; both are written here with pynwb/ndx-pose as their code
lays them out. IBL: one ``PoseEstimation<Camera>`` per camera in ``behavior``, each with its own
timestamps. VAME (``vame.io.nwb.export_to_nwb``): one ``PoseEstimation`` per session whose series
are named by keypoint and carry the dataset's time values, a ``<subject>_skeleton`` linked to the
subject, ``original_videos`` and the deprecated ``devices``, description "Estimated positions
using <software>.".
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
import pytest

from poseconv.nwb.read.pose import open_nwb, read_nwb

from .checks import assert_values, check_inspect_and_export


def _write(nwbfile, path):
    from pynwb import NWBHDF5IO

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with NWBHDF5IO(str(path), "w") as io:
            io.write(nwbfile)
    return path


def test_ibl_style_cameras(tmp_path):
    """processing['behavior']['PoseEstimation<Camera>'], one per camera, own timestamps, NaN where not found."""
    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
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
        data[2, 1] = np.nan
        confidence = rng.random((n_frames, len(nodes)))
        series = [
            PoseEstimationSeries(
                name=node,
                data=data[:, j],
                unit="pixels",
                reference_frame="top left",
                timestamps=times,
                confidence=confidence[:, j],
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
        expected[camera] = (data, confidence, times)
    path = _write(nwbfile, tmp_path / "ibl.nwb")

    with open_nwb(path) as nwb:
        assert sorted(nwb.containers) == ["PoseEstimationLeftCamera", "PoseEstimationRightCamera"]
        assert nwb.containers["PoseEstimationRightCamera"].n_frames == 12
    [pose] = read_nwb(path)
    assert sorted(pose.videos) == ["LeftCamera", "RightCamera"]
    for track in pose.tracks:
        data, confidence, times = expected[track.video]
        assert track.name == "individual" and pose.skeletons[track.skeleton].nodes == tuple(nodes)
        assert_values(track.positions, data)
        assert_values(track.confidence, confidence)
        assert_values(pose.timing[track.video].timestamps, times)
    check_inspect_and_export(path, [pose], tmp_path)


@pytest.mark.parametrize(("fps", "video"), [(30.0, "videos/session_1.mp4"), (None, None)])
def test_vame_export(tmp_path, fps, video):
    """vame.io.nwb.get_base_nwbfile: a rate from 0.0 when the dataset has an fps, its time values otherwise."""
    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
    from pynwb import NWBFile
    from pynwb.file import Subject

    session = "session_1"
    subject = Subject(subject_id=session)
    nwbfile = NWBFile(
        session_description="session_description",
        identifier=session,
        session_start_time=datetime(2024, 1, 1, tzinfo=UTC),
        subject=subject,
    )
    camera = nwbfile.create_device(name="camera", description="camera for recording behavior")
    # VAME's processed dataset (movement's layout): one individual, time in seconds.
    keypoints = ["snout", "left_ear", "right_ear", "tail_base"]
    rng = np.random.default_rng(7)
    time = np.arange(40) / 30.0 + (0.0 if fps else 0.5)
    position = rng.uniform(0, 500, size=(40, len(keypoints), 2))
    position[5, 2] = np.nan
    confidence = rng.random((40, len(keypoints)))
    timing = {"rate": fps, "starting_time": 0.0} if fps else {"timestamps": time}
    series = [
        PoseEstimationSeries(
            name=keypoint,
            data=position[:, j],
            confidence=confidence[:, j],
            unit="pixels",
            reference_frame="(0,0,0) corresponds to ...",
            **timing,
        )
        for j, keypoint in enumerate(keypoints)
    ]
    skeleton = Skeleton(name=f"{session}_skeleton", nodes=keypoints, subject=subject)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        container = PoseEstimation(
            name="PoseEstimation",
            pose_estimation_series=series,
            description="Estimated positions using DeepLabCut.",
            original_videos=[video],
            devices=[camera],
            source_software="DeepLabCut",
            skeleton=skeleton,
        )
    behavior = nwbfile.create_processing_module(name="behavior", description="processed behavioral data")
    behavior.add(Skeletons(skeletons=[skeleton]))
    behavior.add(container)
    path = _write(nwbfile, tmp_path / "vame.nwb")

    [pose] = read_nwb(path)
    [track] = pose.tracks
    assert track.name == "individual" and track.video == ("session_1" if video else "video")
    assert pose.videos[track.video].original_path == video
    skeleton_read = pose.skeletons[track.skeleton]
    assert skeleton_read.name == f"{session}_skeleton" and skeleton_read.nodes == tuple(keypoints)
    assert_values(track.positions, position)
    assert_values(track.confidence, confidence)
    if fps:
        assert (pose.timing[track.video].rate, pose.timing[track.video].starting_time) == (30.0, 0.0)
    else:
        assert_values(pose.timing[track.video].timestamps, time)
    check_inspect_and_export(path, [pose], tmp_path)
