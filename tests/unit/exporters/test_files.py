"""The output file checks every exporter makes."""

from __future__ import annotations

import re

import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters.files import export_path


def test_a_new_file_of_a_right_suffix_is_returned_as_a_path(tmp_path):
    path = export_path(str(tmp_path / "out.SLP"), overwrite=False, suffixes=(".slp",), kind="a SLEAP file")
    assert path == tmp_path / "out.SLP"


def test_a_wrong_suffix_names_the_file_kind_and_the_suffixes(tmp_path):
    out = tmp_path / "out.txt"
    expected = f"{out}: a DeepLabCut file ends in .h5 or .csv, got '.txt'."
    with pytest.raises(InvalidOptionError, match=re.escape(expected)):
        export_path(out, overwrite=False, suffixes=(".h5", ".csv"), kind="a DeepLabCut file")


def test_an_existing_file_is_replaced_only_when_asked_and_the_message_names_the_flag(tmp_path):
    out = tmp_path / "out.nc"
    out.write_text("")
    with pytest.raises(InvalidOptionError, match=re.escape(f"{out}: already exists; pass --overwrite to replace it.")):
        export_path(out, overwrite=False, flag="--overwrite")
    with pytest.raises(InvalidOptionError, match=re.escape("pass overwrite=True (--overwrite) to replace it.")):
        export_path(out, overwrite=False)
    assert export_path(out, overwrite=True) == out


def test_video_tracks_chooses_the_one_video_and_names_the_choices_otherwise():
    import dataclasses

    from poseconv.exporters.files import video_tracks
    from poseconv.testing.mock import mock_pose_data

    one = mock_pose_data(n_individuals=2, video="cam")
    video, tracks = video_tracks(one, None)
    assert video == "cam" and [t.name for t in tracks] == ["animal0", "animal1"]
    with pytest.raises(InvalidOptionError, match=re.escape("no video 'side'; videos: ['cam'].")):
        video_tracks(one, "side")
    other = mock_pose_data(video="side")
    two = dataclasses.replace(one, tracks=[*one.tracks, *other.tracks], videos={**one.videos, **other.videos})
    assert [t.video for t in video_tracks(two, "side")[1]] == ["side"]
    expected = "several videos ['cam', 'side']; a SLEAP analysis file holds one video, so choose one with video=..."
    with pytest.raises(InvalidOptionError, match=re.escape(expected)):
        video_tracks(two, None, why_one="a SLEAP analysis file holds one video")


def test_every_exporter_of_one_video_refuses_poses_without_tracks(tmp_path):
    import dataclasses

    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.exporters.sleap_analysis import write_sleap_analysis
    from poseconv.testing.mock import mock_pose_data

    empty = dataclasses.replace(mock_pose_data(), tracks=[])
    for write, name in ((write_sleap_analysis, "a.h5"), (write_deeplabcut, "a.csv")):
        with pytest.raises(InvalidOptionError, match="holds no tracks to export"):
            write(empty, tmp_path / name)
        assert not (tmp_path / name).exists()


def test_an_output_in_a_missing_folder_is_named_before_anything_is_written(tmp_path):
    # Before, each exporter failed in its own library: pandas, PyTables, h5py (with the hidden partial
    # file's name) or xarray ("Permission denied").
    from poseconv.exporters.files import export_path
    from poseconv.output import OutputError

    out = tmp_path / "missing" / "back.slp"
    with pytest.raises(
        OutputError, match=re.escape(f"{out}: the folder {out.parent} does not exist; create it first.")
    ):
        export_path(out, overwrite=False, suffixes=(".slp",), kind="a SLEAP file")
    # An exporter that makes its own folders (a labeled-data tree) may name one that does not exist yet.
    assert export_path(out, overwrite=False, creates_folder=True) == out


def test_a_table_whose_node_was_never_written_is_an_error_naming_the_file(tmp_path, monkeypatch):
    # PyTables leaves a file without the table's node when the disk fills up first; reading it back raised
    # "internal error: NoSuchNodeError".
    import pandas as pd
    from tables.exceptions import NoSuchNodeError

    from poseconv.exporters import files
    from poseconv.output import OutputError

    def missing(path, key):
        raise NoSuchNodeError(f"group ``/`` does not have a child named ``/{key}``")

    monkeypatch.setattr(files, "_stamp_pandas_version", missing)
    out = tmp_path / "CollectedData_me.h5"
    with pytest.raises(OutputError, match=re.escape(f"{out}: not written, the table does not read back")):
        files.write_pandas_table(pd.DataFrame({"x": [1.0, 2.0]}), out, key="df_with_missing")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("index", ["numbers", "image paths"])
def test_a_pandas_table_builds_no_pytables_index_and_reads_back_the_same(tmp_path, index):
    # PyTables built an index of the row numbers in a temporary file beside the output: a Ctrl-C then left
    # pytables-XXXX.tmp in the output folder (export --to dlc OUT.h5, --training --to dlc).
    import numpy as np
    import pandas as pd
    import tables

    from poseconv.exporters.files import write_pandas_table

    columns = pd.MultiIndex.from_product(
        [["scorer"], ["nose", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    rows = pd.RangeIndex(5) if index == "numbers" else pd.Index([f"labeled-data/v/img{i}.png" for i in range(5)])
    table = pd.DataFrame(np.arange(30, dtype="float64").reshape(5, 6), columns=columns, index=rows)
    table.iloc[2] = np.nan
    path = tmp_path / "x.h5"
    write_pandas_table(table, path, key="df_with_missing")
    with tables.open_file(str(path)) as handle:
        assert not handle.root.df_with_missing.table.indexed
    back = pd.read_hdf(path, key="df_with_missing")
    pd.testing.assert_frame_equal(back, table)
    assert back.index.equals(table.index)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.h5"]
