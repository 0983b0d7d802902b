"""Each view of a multi-camera session keeps, in the NWB file, the path the pose tool recorded of its video.

A single camera's container says it when its video is linked at another path (d7ff980); the views of a SLEAP
session (and of DeepLabCut 3D) said it only for a video not linked, so a video given with video_file_paths= lost it.
"""

from __future__ import annotations

import sleap_io

from poseconv import SLEAPSessionPoseInterface
from poseconv.metadata.recorded_videos import MISSING_VIDEO_PATTERN
from tests.fixtures.sleap_session_groups import session_file
from tests.fixtures.video import write_video

N_FRAMES, FPS = 3, 50


def _write_video(path) -> None:
    write_video(path, N_FRAMES, FPS)


def test_the_recorded_path_of_each_camera_s_video_given_is_in_its_view_s_description(tmp_path):
    recorded = [f"/home/labeller/rig/cam{i}.mp4" for i in range(2)]
    videos = [
        sleap_io.Video(filename=path, backend_metadata={"fps": FPS, "shape": (N_FRAMES, 48, 64, 1)}, open_backend=False)
        for path in recorded
    ]
    session = session_file(tmp_path / "session.slp", n_frames=N_FRAMES, n_animals=1, videos=videos)
    given = {}
    for i in range(2):
        given[f"cam{i}"] = tmp_path / f"camera_{i}.mp4"
        _write_video(given[f"cam{i}"])
    metadata = SLEAPSessionPoseInterface(file_path=session, video_file_paths=given).get_metadata()
    (container,) = metadata["Pose"]["MultiCameraPoseEstimations"].values()
    for i, path in enumerate(recorded):
        view = container["CameraViews"][f"cam{i}"]
        assert "source_video_metadata_key" in view
        assert f"The tool recorded the video as '{path}';" in view["description"]
        # Not the sentence of a video not linked: readers take the linked one.
        assert MISSING_VIDEO_PATTERN.search(view["description"]) is None
