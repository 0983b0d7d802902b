"""An NWB file read back one pose file at a time where two pose files hold poses of one video.

The track-order tables number the pose files written to a processing module: a track a user placed
by hand (no scorer) stays with its file's other tracks, and two SLEAP files of one video stay two
PoseData, whether appended or written in one conversion (files of two videos come back as one, as
before). ``read_nwb``, ``inspect --json`` and ``export`` agree, and the exported files hold the poses
of the files converted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import h5py
import numpy as np
import pytest

from poseconv import read_nwb
from tests.fixtures.paths import SHARED_DATA
from tests.integration.test_cli import START, poseconv

sio = pytest.importorskip("sleap_io")

CLIP = SHARED_DATA / "sleap/tests/data/tracks/clip.predictions.slp"


def _skeleton():
    skeleton = sio.Skeleton(["n0", "n1", "n2", "n3"], edges=[(0, 1), (1, 2), (2, 3)], name="sk")
    skeleton.add_symmetry("n2", "n3")
    return skeleton


def _predicted(rng, skeleton, track, n_nodes=4):
    return sio.PredictedInstance.from_numpy(
        rng.uniform(0, 100, (n_nodes, 2)),
        skeleton=skeleton,
        point_scores=rng.uniform(0, 1, n_nodes),
        score=rng.uniform(),
        track=track,
        tracking_score=0.5,
    )


def _tracked(path, video_path):
    """Predictions of tracks a and b in 10 frames, with one untracked prediction (frame 7)."""
    rng = np.random.default_rng(0)
    skeleton, video = _skeleton(), sio.Video.from_filename(str(video_path), backend=None)
    a, b = sio.Track("a"), sio.Track("b")
    frames = []
    for index in range(10):
        instances = [_predicted(rng, skeleton, a), _predicted(rng, skeleton, b)]
        if index == 7:
            instances.append(_predicted(rng, skeleton, None))
        frames.append(sio.LabeledFrame(video=video, frame_idx=index, instances=instances))
    sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=[a, b]).save(str(path))
    return path


def _corrected(path, video_path):
    """Predictions of track a in 6 frames, two corrected by a user, and a user instance of b (frame 4)."""
    rng = np.random.default_rng(1)
    skeleton, video = _skeleton(), sio.Video.from_filename(str(video_path), backend=None)
    a, b = sio.Track("a"), sio.Track("b")
    frames = []
    for index in range(6):
        prediction = _predicted(rng, skeleton, a)
        instances = [prediction]
        if index in (1, 3):
            points = rng.uniform(0, 50, (4, 2))
            instances.append(sio.Instance.from_numpy(points, skeleton=skeleton, track=a, from_predicted=prediction))
        if index == 4:
            instances.append(sio.Instance.from_numpy(rng.uniform(0, 50, (4, 2)), skeleton=skeleton, track=b))
        frames.append(sio.LabeledFrame(video=video, frame_idx=index, instances=instances))
    sio.Labels(frames, videos=[video], skeletons=[skeleton], tracks=[a, b]).save(str(path))
    return path


def _two_skeletons(path, video_path):
    """Track a on skeleton sk and track b on another skeleton, in 4 frames."""
    rng = np.random.default_rng(2)
    skeleton, video = _skeleton(), sio.Video.from_filename(str(video_path), backend=None)
    other = sio.Skeleton(["h", "t"], edges=[("h", "t")], name="other")
    a, b = sio.Track("a"), sio.Track("b")
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=index,
            instances=[_predicted(rng, skeleton, a), _predicted(rng, other, b, n_nodes=2)],
        )
        for index in range(4)
    ]
    sio.Labels(frames, videos=[video], skeletons=[skeleton, other], tracks=[a, b]).save(str(path))
    return path


def _instances(path):
    """Every instance of a SLEAP file: (frame, track, user or predicted) -> sorted point arrays."""
    found: dict[tuple, list] = {}
    for frame in sio.load_slp(str(path), open_videos=False).labeled_frames:
        for instance in frame.instances:
            kind = "predicted" if isinstance(instance, sio.PredictedInstance) else "user"
            track = instance.track.name if instance.track is not None else ""
            found.setdefault((frame.frame_idx, track, kind), []).append(np.round(instance.numpy(), 4))
    return {key: sorted(values, key=lambda v: v.tobytes()) for key, values in found.items()}


def _assert_same_instances(source, exported):
    expected, got = _instances(source), _instances(exported)
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert len(got[key]) == len(values), key
        for a, b in zip(values, got[key], strict=True):
            np.testing.assert_allclose(b, a, atol=1e-3, err_msg=str(key))


def _agree(nwb, sources, tmp_path):
    """read_nwb, inspect --json and export --to slp give one PoseData per source, with its poses."""
    poses = read_nwb(nwb)
    assert len(poses) == len(sources)
    inspected = json.loads(poseconv("inspect", nwb, "--json").stdout)["poses"]
    # inspect lists a track's replaced predictions as a track of their own, after it.
    names = [[t["name"] for t in p["tracks"] if not t["name"].endswith("(replaced predictions)")] for p in inspected]
    assert names == [[t.name for t in p.tracks] for p in poses]
    out = tmp_path / "exported"
    out.mkdir()
    poseconv("export", nwb, out / "back.slp", "--to", "slp", "-q")
    written = sorted(out.iterdir())
    assert len(written) == len(sources), written
    for source, exported in zip(sources, written, strict=True):
        _assert_same_instances(source, exported)
    return poses


def _module_yaml(path, names):
    """Metadata naming the appended file's containers apart from the first file's."""
    renamed = [f"    PoseEstimation_{n}: {{name: PoseEstimation_{n}_model2}}" for n in names]
    lines = ["Pose:", "  PoseEstimations:", *renamed]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_track_placed_by_hand_stays_with_its_files_tracks(tmp_path):
    # A user instance on a new track of a predictions file: the track has no scorer (no model placed it).
    labels = sio.load_file(str(CLIP))
    labels.videos[0].replace_filename(str(tmp_path / "clip.mp4"))
    labels.labeled_frames = [frame for frame in labels.labeled_frames if frame.frame_idx < 20]
    third = sio.Track("third")
    labels.tracks.append(third)
    frame = labels.find(labels.videos[0], 5)[0]
    points = frame.predicted_instances[0].numpy() + 50
    frame.instances.append(sio.Instance.from_numpy(points, skeleton=labels.skeletons[0], track=third))
    source = tmp_path / "newtrack.slp"
    labels.save(str(source))
    nwb = tmp_path / "newtrack.nwb"
    poseconv("convert", source, "-o", nwb, "--fps", "25", "--session-start-time", START, "-q")
    [pose] = _agree(nwb, [source], tmp_path)
    assert pose.track_names() == ["female", "male", "third"]


def test_two_files_of_one_video_appended_are_read_apart(tmp_path):
    video = tmp_path / "cage.mp4"
    first, second = _corrected(tmp_path / "first.slp", video), _tracked(tmp_path / "second.slp", video)
    nwb = tmp_path / "both.nwb"
    poseconv("convert", first, "-o", nwb, "--fps", "30", "--session-start-time", START, "-q")
    renamed = _module_yaml(tmp_path / "m.yaml", ["a", "b", "untracked"])
    poseconv("convert", second, "--append", nwb, "--fps", "30", "-m", renamed, "-q")
    poses = _agree(nwb, [first, second], tmp_path)
    assert [p.track_names() for p in poses] == [["a", "b"], ["a", "b", "untracked"]]
    assert [p.tracks[0].n_frames for p in poses] == [6, 10]


def test_two_files_of_one_video_with_other_skeletons_are_read_apart(tmp_path):
    video = tmp_path / "cage.mp4"
    first, second = _tracked(tmp_path / "first.slp", video), _two_skeletons(tmp_path / "second.slp", video)
    nwb = tmp_path / "both.nwb"
    poseconv("convert", first, "-o", nwb, "--fps", "30", "--session-start-time", START, "-q")
    poseconv("convert", second, "--append", nwb, "--fps", "30", "-m", _module_yaml(tmp_path / "m.yaml", "ab"), "-q")
    poses = _agree(nwb, [first, second], tmp_path)
    assert [t.skeleton for t in poses[1].tracks] == ["sk", "other"]


def _converted_together(tmp_path, second_video="cage.mp4"):
    """Two SLEAP files (of one video by default) written by one PoseNWBConverter (one track-order table)."""
    from poseconv import PoseNWBConverter, SLEAPPoseInterface

    class Converter(PoseNWBConverter):
        data_interface_classes = {"Top": SLEAPPoseInterface, "Side": SLEAPPoseInterface}

    video = tmp_path / "cage.mp4"
    first, second = (
        _corrected(tmp_path / "first.slp", video),
        _tracked(tmp_path / "second.slp", tmp_path / second_video),
    )
    converter = Converter(
        source_data={
            "Top": {"file_path": str(first), "metadata_key": "top", "sampling_frequency": 30.0},
            "Side": {"file_path": str(second), "metadata_key": "side", "sampling_frequency": 30.0},
        }
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 3, 9, tzinfo=UTC)
    nwb = tmp_path / "together.nwb"
    converter.run_conversion(nwbfile_path=str(nwb), metadata=metadata, overwrite=True)
    return nwb, first, second


def test_two_files_of_one_video_in_one_conversion_are_read_apart(tmp_path):
    nwb, first, second = _converted_together(tmp_path)
    with h5py.File(nwb, "r") as handle:
        assert list(handle["processing/behavior/TrackOrder/input"][()]) == [0, 0, 1, 1, 1]
    poses = _agree(nwb, [first, second], tmp_path)
    assert [p.tracks[0].n_frames for p in poses] == [6, 10]


def test_two_files_of_two_videos_come_back_together_as_before(tmp_path):
    # Two cameras' files of one session, of one software and scorer: one PoseData with both videos.
    nwb, _first, _second = _converted_together(tmp_path, second_video="side.mp4")
    [pose] = read_nwb(nwb)
    assert [(t.name, t.video, t.n_frames) for t in pose.tracks] == [
        ("a", "cage", 6),
        ("b", "cage", 6),
        ("a", "side", 10),
        ("b", "side", 10),
        ("untracked", "side", 10),
    ]


def _drop_input_column(nwb):
    """Make the file as poseconv wrote it before the track-order tables numbered the pose files."""
    with h5py.File(nwb, "r+") as handle:
        behavior = handle["processing/behavior"]
        for name in [n for n in behavior if n.startswith("TrackOrder")]:
            table = behavior[name]
            del table["input"]
            table.attrs["colnames"] = [c for c in table.attrs["colnames"] if c != "input"]


def test_files_written_before_go_by_table_and_name_the_file_when_they_clash(tmp_path):
    # Appended: each append added a table of its own, which tells the two files apart.
    video = tmp_path / "cage.mp4"
    first, second = _tracked(tmp_path / "first.slp", video), _two_skeletons(tmp_path / "second.slp", video)
    appended = tmp_path / "appended.nwb"
    poseconv("convert", first, "-o", appended, "--fps", "30", "--session-start-time", START, "-q")
    poseconv("convert", second, "--append", appended, "--fps", "30", "-m", _module_yaml(tmp_path / "m.yaml", "ab"))
    _drop_input_column(appended)
    assert [p.track_names() for p in read_nwb(appended)] == [["a", "b", "untracked"], ["a", "b"]]
    # One conversion, one table: read as one file, whose tracks clash; the error says where.
    together = tmp_path / "together"
    together.mkdir()
    nwb, _first, _second = _converted_together(together)
    _drop_input_column(nwb)
    where = r"together\.nwb: the PoseEstimation containers .*PoseEstimation_top_a.*6 frames, not 10"
    with pytest.raises(ValueError, match=where):
        read_nwb(nwb)


_SUBJECT = {"subject_id": "m1", "species": "Mus musculus", "sex": "F", "age": "P90D"}


def _dlc_files(tmp_path):
    """Two one-animal DeepLabCut files of one video (cam), of two snapshots of one model (two scorers)."""
    from tests.fixtures.deeplabcut import write_dlc_file

    files = []
    for seed, scorer in enumerate(("DLC_resnet50_pMay1shuffle1_100000", "DLC_resnet50_pMay1shuffle1_200000")):
        rng = np.random.default_rng(seed)
        positions = {part: rng.uniform(0, 100, (10, 2)) for part in ("nose", "ear")}
        likelihood = {part: rng.uniform(0.5, 1, 10) for part in positions}
        path = tmp_path / f"{'ab'[seed]}" / f"cam{scorer}.h5"
        path.parent.mkdir()
        files.append(write_dlc_file(path, positions, likelihood=likelihood, scorer=scorer))
    return files


def _agree_in_written_order(nwb, sources, tmp_path):
    """read_nwb, inspect --json and export give the files' poses in the order they were written."""
    import pandas as pd

    from tests.fixtures.nwb import assert_inspector_clean

    scorers = [pd.read_hdf(source).columns.get_level_values("scorer")[0] for source in sources]
    assert [pose.scorer for pose in read_nwb(nwb)] == scorers
    inspected = json.loads(poseconv("inspect", nwb, "--json").stdout)["poses"]
    assert [pose["scorer"] for pose in inspected] == scorers
    out = tmp_path / "exported"
    out.mkdir()
    poseconv("export", nwb, out / "back.h5", "--to", "dlc", "-q")
    written = sorted(out.glob("*.h5"))
    assert len(written) == len(sources), written
    for source, exported in zip(sources, written, strict=True):
        np.testing.assert_allclose(pd.read_hdf(exported).to_numpy(), pd.read_hdf(source).to_numpy(), atol=1e-6)
    if str(nwb).endswith(".nwb"):
        from nwbinspector import inspect_nwbfile

        assert_inspector_clean(nwb)
        # The track-order table lists both files' containers: no one-row table.
        assert not [
            m
            for m in inspect_nwbfile(nwbfile_path=nwb, skip_validate=True)
            if m.check_function_name == "check_single_row"
        ]


@pytest.mark.parametrize("suffix", [".nwb", ".nwb.zarr"])
def test_one_container_files_of_one_video_in_one_conversion_read_back_in_order(tmp_path, suffix):
    from poseconv import DeepLabCutPoseInterface, PoseConverterPipe

    first, second = _dlc_files(tmp_path)
    converter = PoseConverterPipe(
        data_interfaces={
            key: DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0, metadata_key=key)
            for key, path in (("a", first), ("b", second))
        }
    )
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 3, 9, tzinfo=UTC)
    metadata["Subject"] = _SUBJECT
    nwb = tmp_path / f"together{suffix}"
    backend = "zarr" if suffix.endswith("zarr") else "hdf5"
    converter.run_conversion(nwbfile_path=str(nwb), metadata=metadata, backend=backend)
    _agree_in_written_order(nwb, [first, second], tmp_path)


@pytest.mark.parametrize("suffix", [".nwb", ".nwb.zarr"])
def test_one_container_file_appended_beside_another_reads_back_after_it(tmp_path, suffix):
    first, second = _dlc_files(tmp_path)
    nwb = tmp_path / f"appended{suffix}"
    subject = tmp_path / "subject.yaml"
    subject.write_text("Subject:\n" + "".join(f"  {key}: {value}\n" for key, value in _SUBJECT.items()))
    poseconv("convert", first, "-o", nwb, "--fps", "30", "--session-start-time", START, "-m", subject, "-q")
    renamed = tmp_path / "m.yaml"
    renamed.write_text("Pose:\n  PoseEstimations:\n    PoseEstimation: {name: PoseEstimation_2}\n")
    poseconv("convert", second, "--append", nwb, "--fps", "30", "-m", renamed, "-q")
    _agree_in_written_order(nwb, [first, second], tmp_path)
