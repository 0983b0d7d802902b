"""Two pose files in one NWB file: a track of one named as what goes beside a container of the other.

A SLEAP track 'A_replaced_predictions' in one file and a track 'A' with user-corrected predictions in another
(converted together) took the name of A's replaced predictions: the write failed half-way ('The file already
holds ...'), naming the wrong container. The converter gives the track's container another name.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from poseconv import read_nwb
from tests.integration.test_cli import START
from tests.integration.test_cli import poseconv as run

sio = pytest.importorskip("sleap_io")


def _slp(path, tracks, corrected=False):
    skeleton = sio.Skeleton(["a", "b"], name="s")
    video = sio.Video(filename="v.mp4", backend_metadata={"fps": 10.0, "shape": (2, 8, 8, 1)}, open_backend=False)
    tracks = [sio.Track(name) for name in tracks]

    def predicted(track):
        points = np.array([[1.0, 2.0, 0.5], [3.0, 4.0, 0.6]])
        return sio.PredictedInstance.from_numpy(points, skeleton=skeleton, score=0.9, track=track)

    frames = []
    for index in range(2):
        instances = [predicted(track) for track in tracks]
        if corrected and index == 0:
            user = sio.Instance.from_numpy(np.array([[5.0, 6.0], [7.0, 8.0]]), skeleton=skeleton, track=tracks[0])
            user.from_predicted = instances[0]
            instances.insert(1, user)
        frames.append(sio.LabeledFrame(video=video, frame_idx=index, instances=instances))
    sio.save_slp(sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=tracks), str(path))
    return path


@pytest.mark.parametrize("first", ["corrected", "named"])
def test_both_tracks_convert_and_read_back_with_their_names(tmp_path, first):
    corrected = _slp(tmp_path / "one.slp", ["A", "B"], corrected=True)
    named = _slp(tmp_path / "two.slp", ["A_replaced_predictions", "C"])
    inputs = [corrected, named] if first == "corrected" else [named, corrected]
    out = tmp_path / "out.nwb"
    run("convert", *inputs, "-o", out, "--session-start-time", START, "-q")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracks = {t.track_name: t for pose in read_nwb(out) for t in pose.tracks}
    assert sorted(tracks) == ["A", "A_replaced_predictions", "B", "C"]
    assert tracks["A"].replaced_predictions is not None
    assert tracks["A_replaced_predictions"].replaced_predictions is None
