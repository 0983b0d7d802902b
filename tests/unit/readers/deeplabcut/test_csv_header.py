"""The header rows of a CSV in DeepLabCut's layout: DeepLabCut's, by position, without a frame column."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.deeplabcut.csv_header import csv_header_levels


def test_csv_header_levels_reads_deeplabcut_and_positional_headers(tmp_path):
    dlc = tmp_path / "dlc.csv"
    dlc.write_text("scorer,S,S\nbodyparts,nose,nose\ncoords,x,y\n0,1.0,2.0\n")
    assert csv_header_levels(dlc, "DeepLabCut predictions") == (3, ["scorer", "bodyparts", "coords"], True)
    other = tmp_path / "other.csv"
    other.write_text(",S,S\n,nose,nose\n,x,y\n0,1.0,2.0\n")
    assert csv_header_levels(other, "DeepLabCut predictions") == (3, ["level_0", "level_1", "level_2"], True)
    # Saved without its index (to_csv(index=False)): the first cells are values, and no column holds frames.
    no_index = tmp_path / "no_index.csv"
    no_index.write_text("S,S\nnose,nose\nx,y\n1.0,2.0\n")
    assert csv_header_levels(no_index, "DeepLabCut predictions") == (3, ["level_0", "level_1", "level_2"], False)
    # Labels take DeepLabCut's level names only.
    with pytest.raises(InvalidSourceFileError, match="other.csv: not a DeepLabCut labels CSV"):
        csv_header_levels(other, "DeepLabCut labels", positional=False)
