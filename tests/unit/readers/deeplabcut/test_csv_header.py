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


def test_csv_has_scores_reads_the_likelihood_cells_up_to_the_first_value(tmp_path):
    from poseconv.readers.deeplabcut.csv_header import csv_has_scores
    from poseconv.readers.deeplabcut.variants import read_csv_rows

    header = "scorer,s,s,s\nbodyparts,a,a,a\ncoords,x,y,likelihood\n"
    cases = {
        "empty": (header + "img0.png,1,2,\nimg1.png,3,4\n", False),
        "nan": (header + "img0.png,1,2,NaN\nimg1.png,3,4,nan\n", False),
        "later": (header + "img0.png,1,2,\nimg1.png,3,4,0.9\n", True),
        "no likelihood": ("scorer,s,s\nbodyparts,a,a\ncoords,x,y\nimg0.png,1,2\n", False),
    }
    for name, (text, scored) in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        assert csv_has_scores(path, read_csv_rows(path)) is scored, name
