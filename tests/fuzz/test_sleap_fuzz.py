"""Fuzz the SLEAP readers with generated ``.slp`` files: odd names, frame indices and instances.

Labels are built and saved with sleap-io, the way SLEAP writes them, and converted. A file
that converts must hold, for every track, exactly the points sleap-io put in it, under the
original names; any other file must be refused with poseconv's own error naming it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from poseconv import SLEAPPoseInterface, read_nwb
from tests.fuzz.harness import convert_or_refuse, input_and_output_folders
from tests.fuzz.test_deeplabcut_fuzz import names

points = st.one_of(st.floats(-1e6, 1e6, width=32), st.just(float("nan"))).map(float)


@st.composite
def labels_files(draw: st.DrawFn, folder: Path) -> tuple[Path, dict[tuple[str, int], np.ndarray] | None]:
    """Save a random ``.slp`` (tracked and untracked poses); return it and the expected (track, frame) -> points.

    The expected points are what sleap-io reads from the saved file; None when it cannot read it.
    """
    import sleap_io as sio

    node_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    skeleton = sio.Skeleton(nodes=node_names, name=draw(names))
    track_names = draw(st.lists(names, min_size=0, max_size=3))
    tracks = [sio.Track(name=name) for name in track_names]
    video = sio.Video(filename=draw(st.sampled_from(("video.mp4", "a/b.mp4", "\u00e9.avi", ""))), open_backend=False)
    frame_indices = draw(st.lists(st.integers(0, 2**20), min_size=0, max_size=6, unique=True))
    expected: dict[tuple[str, int], np.ndarray] = {}
    labeled_frames = []
    for frame in frame_indices:
        instances = []
        for track in [*tracks, None]:
            if not draw(st.booleans()):
                continue
            xy = np.array([[draw(points), draw(points)] for _ in node_names])
            if draw(st.booleans()):
                scores = np.array([draw(st.floats(0, 1, width=32)) for _ in node_names])
                instances.append(
                    sio.PredictedInstance.from_numpy(xy, point_scores=scores, score=0.5, skeleton=skeleton, track=track)
                )
            else:
                instances.append(sio.Instance.from_numpy(xy, skeleton=skeleton, track=track))
        labeled_frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    labels = sio.Labels(labeled_frames=labeled_frames, videos=[video], skeletons=[skeleton], tracks=tracks)
    path = folder / "fuzz.slp"
    sio.save_slp(labels, str(path))
    # What the file holds, as sleap-io reads it (a point whose x is NaN is not visible: both read as NaN).
    try:
        saved = sio.load_slp(str(path))
    except Exception:
        # sleap-io writes some files it cannot read back (a video named ""); there is no oracle then.
        return path, None
    for labeled_frame in saved.labeled_frames:
        for instance in labeled_frame.instances:
            if instance.track is not None:
                t = saved.tracks.index(instance.track)
                expected[(t, labeled_frame.frame_idx)] = instance.numpy()
    return path, {(_documented_names(track_names)[t], frame): xy for (t, frame), xy in expected.items()}


def _documented_names(track_names: list[str]) -> list[str]:
    """Track names as the SLEAP reader documents them: unnamed ones ``track_<i>``, repeats ``<name>_2``, ..."""
    result: list[str] = []
    for i, name in enumerate(track_names):
        candidate, k = name or f"track_{i}", 2
        while candidate in result:
            candidate, k = f"{name or f'track_{i}'}_{k}", k + 1
        result.append(candidate)
    return result


@given(data=st.data(), by_order=st.booleans())
def test_generated_slp_files_convert_exactly_or_are_refused(data: st.DataObject, by_order: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source_dir, output_dir = input_and_output_folders(Path(folder))
        path, expected = data.draw(labels_files(source_dir))
        output = output_dir / "out.nwb"
        options = {"sampling_frequency": 30.0, **({"untracked": "by_order"} if by_order else {})}
        if not convert_or_refuse(SLEAPPoseInterface, path, output, **options) or expected is None:
            return
        poses = read_nwb(output)
        tracks = {track.name: np.asarray(track.positions) for pose in poses for track in pose.tracks}
        nodes = {track.name: pose.skeletons[track.skeleton].nodes for pose in poses for track in pose.tracks}
        assert {name for name, _ in expected} <= set(tracks), f"tracks written: {sorted(tracks)}"
        for (name, frame), xy in expected.items():
            where = f"track {name!r} of {sorted(tracks)}, frame {frame}, nodes {nodes[name]}"
            np.testing.assert_array_equal(tracks[name][frame], xy, err_msg=where)
