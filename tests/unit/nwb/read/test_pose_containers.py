"""What the scanner makes of other writers' PoseEstimation containers: their animals and videos."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
import pytest
from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
from pynwb import NWBHDF5IO, NWBFile

from poseconv.nwb.read.pose import read_nwb


def _two_containers_of_one_video(path, rate_b: float, n_b: int):
    """PE_a (30 Hz, 20 samples) and PE_b (``rate_b``, ``n_b`` samples), both recording /data/v.mp4, no animal named."""
    nwbfile = NWBFile(session_description="s", identifier="i", session_start_time=datetime(2024, 1, 1, tzinfo=UTC))
    module = nwbfile.create_processing_module("behavior", "b")
    skeleton = Skeleton(name="sk", nodes=["nose", "tail"])
    module.add(Skeletons(skeletons=[skeleton]))
    for name, rate, n in [("PE_a", 30.0, 20), ("PE_b", rate_b, n_b)]:
        series = [
            PoseEstimationSeries(
                name=node, data=np.full((n, 2), 1.0), reference_frame="tl", confidence=np.ones(n), rate=rate
            )
            for node in ["nose", "tail"]
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # original_videos, ndx-pose 0.2's field
            container = PoseEstimation(
                name=name,
                pose_estimation_series=series,
                skeleton=skeleton,
                source_software="T",
                original_videos=["/data/v.mp4"],
            )
        module.add(container)
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


@pytest.mark.parametrize(("rate_b", "n_b", "videos"), [(30.0, 20, ["v", "v"]), (15.0, 10, ["v", "v_data"])])
def test_containers_of_one_recorded_video_at_two_rates_keep_their_names(tmp_path, rate_b, n_b, videos):
    # At two rates the video is read as two (one time base each), and each group's one container was named
    # 'individual': the two animals lost their container names, which the same file at one rate keeps.
    path = _two_containers_of_one_video(tmp_path / "two.nwb", rate_b, n_b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracks = [track for pose in read_nwb(path) for track in pose.tracks]
    assert [(track.video, track.name) for track in tracks] == list(zip(videos, ["PE_a", "PE_b"], strict=True))
