"""SLEAP labels without tracks exported to DeepLabCut label files, the animals named by order on request.

A multi-animal DeepLabCut table has columns per individual; SLEAP labels made without tracks (and
sleap-io's NWB annotations) give their animals none. The export refuses them by default, saying how
to ask for names; with ``--untracked by_order`` (``untracked="by_order"``) the k-th animal of each
frame is ``individual<k>``, as DeepLabCut names the animals of a multi-animal project.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import sleap_io as sio

from poseconv.errors import InvalidOptionError
from poseconv.exporters.deeplabcut_training import name_untracked_by_order, write_deeplabcut_labels
from poseconv.nwb.read.training import read_training
from tests.fixtures.paths import SHARED_DATA
from tests.integration.test_cli import START, assert_one_line_error, poseconv


def _untracked_labels(tmp_path, tracked: bool = False):
    """Three frames of user labels: two animals in frames 0 and 2, one in frame 1; no tracks (or one)."""
    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename=str(tmp_path / "arena.mp4"))
    track = sio.Track("queen") if tracked else None
    counts = {0: 2, 1: 1, 2: 2}
    frames = []
    for frame, count in counts.items():
        instances = [
            sio.Instance.from_numpy(np.array([[10.0 * frame + k, 1.0 + k], [2.0, 3.0 + k]]), skeleton=skeleton)
            for k in range(count)
        ]
        if track is not None:
            instances[0].track = track
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    path = tmp_path / "labels.slp"
    sio.Labels(frames, skeletons=[skeleton], tracks=[track] if track else []).save(str(path))
    return path


def _nwb_of(tmp_path, slp):
    nwb = tmp_path / "labels.nwb"
    poseconv("convert", slp, "--source", "sleap-labels", "-o", nwb, "--session-start-time", START)
    return nwb


def test_untracked_animals_are_refused_by_default_and_named_by_order_on_request(tmp_path):
    nwb = _nwb_of(tmp_path, _untracked_labels(tmp_path))
    refused = poseconv("export", nwb, tmp_path / "a.csv", "--to", "dlc", "--training", check_rc=None)
    assert_one_line_error(refused, "has 2 untracked instances", "pass --untracked by_order")
    out = tmp_path / "CollectedData.csv"
    poseconv("export", nwb, out, "--to", "dlc", "--training", "--untracked", "by_order")
    table = pd.read_csv(out, header=[0, 1, 2, 3], index_col=[0, 1, 2])
    assert list(dict.fromkeys(table.columns.get_level_values("individuals"))) == ["individual1", "individual2"]
    labels = sio.load_slp(str(tmp_path / "labels.slp"))
    for row, labeled in enumerate(labels.labeled_frames):
        for k, instance in enumerate(labeled.instances):
            np.testing.assert_array_equal(
                table.iloc[row][("poseconv", f"individual{k + 1}")].to_numpy().reshape(-1, 2), instance.numpy()
            )
        if len(labeled.instances) == 1:
            assert table.iloc[row][("poseconv", "individual2")].isna().all()


def test_names_taken_by_tracks_are_skipped_and_single_animals_stay_single(tmp_path):
    training = read_training(_nwb_of(tmp_path, _untracked_labels(tmp_path, tracked=True)))
    named = name_untracked_by_order(training)
    assert named.individuals == ["queen", "individual1"]
    assert [[i.individual for i in f.instances] for f in named.frames] == [
        ["queen", "individual1"],
        ["queen"],
        ["queen", "individual1"],
    ]
    with pytest.raises(InvalidOptionError, match=r"without an individual.*pass untracked='by_order'"):
        write_deeplabcut_labels(training, tmp_path / "t.h5")
    [written] = write_deeplabcut_labels(training, tmp_path / "t.h5", untracked="by_order")
    assert set(pd.read_hdf(written).columns.get_level_values("individuals")) == {"queen", "individual1"}
    # One animal a frame and no individuals: a single-animal table, left as it is.
    frames = [
        dataclasses.replace(f, instances=(dataclasses.replace(f.instances[0], individual=None),))
        for f in training.frames
    ]
    single = dataclasses.replace(training, individuals=[], frames=frames)
    assert name_untracked_by_order(single) is single


def test_sleap_io_annotations_export_to_deeplabcut_by_order(tmp_path):
    source = SHARED_DATA / "sleap-io.js/tests/data/nwb/minimal.annotations.nwb"
    if not source.exists():
        pytest.skip(f"{source} is not here (see ../shared/data/MANIFEST.md)")
    out = tmp_path / "annotations.h5"
    poseconv("export", source, out, "--to", "dlc", "--training", "--untracked", "by_order")
    table = pd.read_hdf(out)
    training = read_training(source)
    for row, frame in enumerate(training.frames):
        for k, instance in enumerate(frame.instances):
            got = table.iloc[row].xs(f"individual{k + 1}", level="individuals").to_numpy().reshape(-1, 2)
            np.testing.assert_array_equal(got, instance.points)
