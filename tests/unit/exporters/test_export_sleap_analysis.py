"""SLEAP analysis .h5 export: sleap-io's layout, and the source's points and scores back through sleap-io."""

from __future__ import annotations

import dataclasses

import h5py
import numpy as np
import pytest
import sleap_io as sio

from poseconv import read_pose
from poseconv.errors import InvalidOptionError
from poseconv.exporters import sleap_analysis
from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_PROVENANCE

_ARRAYS = ("tracks", "track_occupancy", "point_scores", "instance_scores", "tracking_scores")


def _layout(path):
    with h5py.File(path, "r") as handle:
        return {
            name: (handle[name].dtype.kind, handle[name].ndim, handle[name].attrs.get("dims"))
            for name in handle
            if name in _ARRAYS or name in ("track_names", "node_names", "edge_names", "edge_inds")
        }, dict(handle.attrs)


@needs_shared_data
def test_same_layout_as_sleap_io_and_same_values(tmp_path):
    """A real .slp read by poseconv and written here loads in sleap-io as sleap-io's own export of it does."""
    ours, theirs = tmp_path / "ours.h5", tmp_path / "theirs.h5"
    source = sio.load_slp(str(SLP_PROVENANCE))
    sio.save_analysis_h5(source, str(theirs))
    write_sleap_analysis(read_pose(SLP_PROVENANCE), ours)
    layout, attrs = _layout(ours)
    their_layout, their_attrs = _layout(theirs)
    assert layout == their_layout
    assert (
        (attrs["format"], attrs["preset"]) == (their_attrs["format"], their_attrs["preset"]) == ("analysis", "matlab")
    )
    with h5py.File(ours, "r") as mine, h5py.File(theirs, "r") as reference:
        for name in _ARRAYS[:3]:
            assert mine[name].shape == reference[name].shape, name
            np.testing.assert_array_equal(mine[name][()], reference[name][()], err_msg=name)
        assert list(mine["node_names"][()]) == list(reference["node_names"][()])
        assert list(mine["track_names"][()]) == list(reference["track_names"][()])
        np.testing.assert_array_equal(mine["edge_inds"][()], reference["edge_inds"][()])
    loaded = sio.load_analysis_h5(str(ours))
    np.testing.assert_array_equal(loaded.numpy(return_confidence=True), source.numpy(return_confidence=True))


def test_blocks_give_the_same_file(tmp_path, monkeypatch):
    pose = mock_pose_data(n_frames=50, n_individuals=2, missing_frames=[3, 17])
    whole, blocks = tmp_path / "whole.h5", tmp_path / "blocks.h5"
    write_sleap_analysis(pose, whole)
    monkeypatch.setattr(sleap_analysis, "_BLOCK_VALUES", 1)
    monkeypatch.setattr(sleap_analysis, "_MIN_BLOCK_FRAMES", 7)  # 8 blocks, the last one short
    write_sleap_analysis(pose, blocks)
    with h5py.File(whole, "r") as a, h5py.File(blocks, "r") as b:
        for name in _ARRAYS:
            np.testing.assert_array_equal(a[name][()], b[name][()], err_msg=name)
        # Each chunk within one block: written once (with no chunk cache, a chunk two blocks shared was
        # compressed and written twice, and the file kept the space of both).
        assert b["tracks"].chunks[-1] == 7 and b["track_occupancy"].chunks[0] == 7
    loaded = sio.load_analysis_h5(str(blocks))
    assert [lf.frame_idx for lf in loaded][:4] == [0, 1, 2, 4]
    track = pose.tracks[1]
    np.testing.assert_array_equal(loaded.numpy()[:, 1], np.where(np.isnan(track.positions), np.nan, track.positions))
    np.testing.assert_allclose(loaded[0].instances[0].score, np.mean(pose.tracks[0].confidence[0]))


def test_refusals(tmp_path):
    pose = mock_pose_data()
    with pytest.raises(InvalidOptionError, match="ends in .h5"):
        write_sleap_analysis(pose, tmp_path / "x.slp")
    (tmp_path / "there.h5").write_bytes(b"")
    with pytest.raises(InvalidOptionError, match="already exists"):
        write_sleap_analysis(pose, tmp_path / "there.h5")
    flat = dataclasses.replace(
        pose, tracks=[dataclasses.replace(t, positions=np.zeros((4, 3, 3))) for t in pose.tracks]
    )
    with pytest.raises(InvalidOptionError, match="2D poses"):
        write_sleap_analysis(flat, tmp_path / "x.h5")


@pytest.mark.parametrize(
    ("name", "track_name", "written"),
    [("untracked", "", []), ("untracked", "untracked", ["untracked"]), ("untracked", None, [])],
    ids=["untracked-instances", "a-track-named-untracked", "recorded-by-an-earlier-release"],
)
def test_one_track_without_a_name_is_written_as_no_track_names(tmp_path, name, track_name, written):
    # SLEAP writes a single animal without tracks as no track names; a real track keeps its name.
    pose = mock_pose_data(source_software="SLEAP")
    pose = dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], name=name, track_name=track_name)])
    write_sleap_analysis(pose, tmp_path / "one.h5")
    with h5py.File(tmp_path / "one.h5", "r") as handle:
        assert [n.decode() for n in handle["track_names"][()]] == written


def test_a_video_nothing_records_is_written_as_no_path_as_sleap_io_writes_it(tmp_path):
    # The poses' video key (here "video") was written as video_path: a reader looked for a file "video".
    pose = mock_pose_data()
    assert pose.videos["video"].original_path is None and pose.videos["video"].path is None
    path = write_sleap_analysis(pose, tmp_path / "poses.analysis.h5")
    with h5py.File(path, "r") as handle:
        assert handle["video_path"][()] == b""
    recorded = dataclasses.replace(pose.videos["video"], original_path="D:/lab/cam1.mp4")
    path = write_sleap_analysis(dataclasses.replace(pose, videos={"video": recorded}), tmp_path / "rec.analysis.h5")
    with h5py.File(path, "r") as handle:
        assert handle["video_path"][()] == b"D:/lab/cam1.mp4"


def test_a_signed_url_is_recorded_without_its_query(tmp_path):
    # A presigned URL's X-Amz-Signature and X-Amz-Credential were written into labels_path: anyone holding the
    # export could read the data until the signature expired.
    url = "https://bucket.s3.amazonaws.com/a/s.nwb?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc#part"
    pose = dataclasses.replace(mock_pose_data(), source_file=url)
    path = write_sleap_analysis(pose, tmp_path / "poses.analysis.h5")
    with h5py.File(path, "r") as handle:
        assert handle["labels_path"][()] == b"https://bucket.s3.amazonaws.com/a/s.nwb"
