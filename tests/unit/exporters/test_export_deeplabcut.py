"""DeepLabCut export: DeepLabCut's header, key and storer, and every value of the model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidOptionError, PoseconvWarning
from poseconv.exporters.deeplabcut import DLC_H5_KEY, to_deeplabcut_dataframe, write_deeplabcut
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.testing.mock import mock_pose_data
from tests.fixtures.deeplabcut import MULTI_ANIMAL_CSV, MULTI_ANIMAL_H5, RATS_H5, SINGLE_ANIMAL_CSV, THREE_D_H5


def _single_animal(pose):
    return dataclasses.replace(pose, tracks=[dataclasses.replace(pose.tracks[0], name="individual")])


def test_single_animal_layout():
    pose = _single_animal(mock_pose_data(n_frames=4, missing_frames=[1]))
    frame = to_deeplabcut_dataframe(pose)
    assert frame.columns.names == ["scorer", "bodyparts", "coords"]
    assert list(frame.columns[:3]) == [("mock_scorer", "node0", c) for c in ("x", "y", "likelihood")]
    assert frame.index.dtype == "int64" and list(frame.index) == [0, 1, 2, 3]
    np.testing.assert_array_equal(frame[("mock_scorer", "node2", "y")], pose.tracks[0].positions[:, 2, 1])
    np.testing.assert_array_equal(frame[("mock_scorer", "node1", "likelihood")], pose.tracks[0].confidence[:, 1])
    assert frame.loc[1].isna().all()


def test_multi_animal_layout_and_scorer_override():
    pose = mock_pose_data(n_individuals=2)
    frame = to_deeplabcut_dataframe(pose, scorer="DLC_x")
    assert frame.columns.names == ["scorer", "individuals", "bodyparts", "coords"]
    assert list(dict.fromkeys(frame.columns.get_level_values("individuals"))) == ["animal0", "animal1"]
    assert set(frame.columns.get_level_values("scorer")) == {"DLC_x"}
    # One animal under another name than "individual" keeps the individuals level.
    assert to_deeplabcut_dataframe(mock_pose_data()).columns.nlevels == 4
    assert to_deeplabcut_dataframe(mock_pose_data(), multi_animal=False).columns.nlevels == 3


def test_three_d_has_no_likelihood():
    frame = to_deeplabcut_dataframe(_single_animal(mock_pose_data(n_dims=3)))
    assert sorted(set(frame.columns.get_level_values("coords"))) == ["x", "y", "z"]


def test_h5_is_written_as_deeplabcut_does(tmp_path):
    path = write_deeplabcut(_single_animal(mock_pose_data()), tmp_path / "outDLC_resnet50.h5")
    with pd.HDFStore(path, mode="r") as store:
        assert store.keys() == [f"/{DLC_H5_KEY}"]
        assert store.get_storer(DLC_H5_KEY).is_table
    # DeepLabCut reads its outputs with pd.read_hdf(path) (one key, no key given).
    assert pd.read_hdf(path).shape == (10, 9)
    assert _pandas_version(path, DLC_H5_KEY) == "0.15.2"


def _pandas_version(path, key):
    """The attribute pandas 1 and 2 (DeepLabCut 3 pins pandas < 3) read on a stored table; pandas 3 writes none.

    Without it pandas 2.2 fails on the file: "'NoneType' object has no attribute 'startswith'".
    """
    import tables

    with tables.open_file(str(path)) as handle:
        return str(handle.get_node(f"/{key}")._v_attrs.pandas_version)


@pytest.mark.parametrize("path", [SINGLE_ANIMAL_CSV, MULTI_ANIMAL_H5, MULTI_ANIMAL_CSV, RATS_H5, THREE_D_H5])
def test_reader_then_exporter_gives_the_source_table(path, tmp_path):
    """Without NWB in between: the model holds everything of the DeepLabCut table."""
    out = write_deeplabcut(read_deeplabcut(path), tmp_path / f"out{path.suffix}")
    if path.suffix == ".csv":
        levels = 4 if "individuals" in path.read_text().splitlines()[1] else 3
        expected = pd.read_csv(path, header=list(range(levels)), index_col=0)
        got = pd.read_csv(out, header=list(range(levels)), index_col=0)
    else:
        expected, got = pd.read_hdf(path), pd.read_hdf(out)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_refusals(tmp_path):
    pose = mock_pose_data(n_individuals=2)
    with pytest.raises(InvalidOptionError, match="cannot be written as a single-animal table"):
        to_deeplabcut_dataframe(pose, multi_animal=False)
    with pytest.raises(InvalidOptionError, match=r"ends in \.h5 or \.csv"):
        write_deeplabcut(pose, tmp_path / "out.txt")
    (tmp_path / "exists.csv").write_text("")
    with pytest.raises(InvalidOptionError, match="already exists"):
        write_deeplabcut(pose, tmp_path / "exists.csv")
    write_deeplabcut(pose, tmp_path / "exists.csv", overwrite=True)
    two_videos = dataclasses.replace(
        pose,
        videos={**pose.videos, "other": dataclasses.replace(pose.videos["video"], key="other")},
        tracks=[pose.tracks[0], dataclasses.replace(pose.tracks[1], video="other")],
    )
    with pytest.raises(InvalidOptionError, match="several videos"):
        to_deeplabcut_dataframe(two_videos)
    assert to_deeplabcut_dataframe(two_videos, video="other").columns.get_level_values("individuals")[0] == "animal1"


def test_a_header_too_large_for_a_pytables_table_is_written_fixed(tmp_path):
    # 120 animals x 20 nodes x 3 columns: PyTables' table format keeps the header in one 64 KiB attribute.
    pose = mock_pose_data(n_individuals=120, n_nodes=20, n_frames=4)
    path = tmp_path / "many.h5"
    with pytest.warns(PoseconvWarning, match="too large for PyTables' table format"):
        write_deeplabcut(pose, path)
    pd.testing.assert_frame_equal(pd.read_hdf(path, key=DLC_H5_KEY), to_deeplabcut_dataframe(pose))
    assert len(read_deeplabcut(path).tracks) == 120
    assert [p.name for p in tmp_path.iterdir()] == ["many.h5"]  # no temporary file left
    assert _pandas_version(path, DLC_H5_KEY) == "0.15.2"


def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    path = tmp_path / "poses.h5"
    path.write_bytes(b"the old file")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_hdf", fail)
    with pytest.raises(OSError, match="disk full"):
        write_deeplabcut(mock_pose_data(), path, overwrite=True)
    assert path.read_bytes() == b"the old file" and [p.name for p in tmp_path.iterdir()] == ["poses.h5"]


def test_a_provenance_mapping_as_scorer_is_not_the_header():
    # neuroconv stores SLEAP's provenance dict (~2000 characters) as the scorer.
    provenance = repr({"model_paths": ["models/centroid/training_config.json"] * 40, "sleap_version": "1.2.8"})
    for scorer, software, header in (
        (provenance, "SLEAP", "SLEAP"),
        ("{'filename': 'labels.slp'}", "SLEAP", "SLEAP"),
        ("x" * 201, None, "poseconv"),
        ("DLC_resnet50_openfieldOct30shuffle1_1000", "DeepLabCut", "DLC_resnet50_openfieldOct30shuffle1_1000"),
        # No scorer at all (SLEAP analysis files, movement's NWB): poseconv's, as the training export says.
        (None, "SLEAP", "poseconv"),
        ("", "DeepLabCut", "poseconv"),
    ):
        pose = dataclasses.replace(mock_pose_data(), scorer=scorer, source_software=software)
        assert set(to_deeplabcut_dataframe(pose).columns.get_level_values("scorer")) == {header}
