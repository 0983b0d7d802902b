"""DeepLabCut's table layout: header rows, bodyparts per individual, animals and unique bodyparts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.deeplabcut.csv_header import csv_header_levels
from poseconv.readers.deeplabcut.table import (
    _first_non_number,
    animal_bodyparts,
    bodypart_coords,
    open_table,
    parse_frame_index,
    single_scorer,
)


def _columns(tuples, names):
    return pd.MultiIndex.from_tuples(tuples, names=names)


def test_bodypart_coords_and_animals_of_a_multi_animal_header():
    columns = _columns(
        [
            ("S", "mouse1", "nose", "x"),
            ("S", "mouse1", "nose", "y"),
            ("S", "mouse2", "nose", "x"),
            ("S", "mouse2", "nose", "y"),
            ("S", "single", "corner", "x"),
            ("S", "single", "corner", "y"),
        ],
        ["scorer", "individuals", "bodyparts", "coords"],
    )
    coords = bodypart_coords(columns)
    assert coords == {
        "mouse1": {"nose": ("x", "y")},
        "mouse2": {"nose": ("x", "y")},
        "single": {"corner": ("x", "y")},
    }
    bodyparts = {individual: list(parts) for individual, parts in coords.items()}
    assert animal_bodyparts(bodyparts, True, "f.h5") == (["mouse1", "mouse2"], ["nose"], ["corner"])
    # In a single-animal header "single" is an ordinary individual name.
    assert animal_bodyparts({"single": ["nose"]}, False, "f.h5") == (["single"], ["nose"], [])
    with pytest.raises(InvalidSourceFileError, match="all animals must share one bodypart list"):
        animal_bodyparts({"a": ["nose"], "b": ["tail"]}, True, "f.h5")


def test_single_animal_header_and_its_scorer():
    columns = _columns([("S", "nose", "x"), ("S", "nose", "y")], ["scorer", "bodyparts", "coords"])
    assert bodypart_coords(columns) == {"individual": {"nose": ("x", "y")}}
    assert single_scorer(columns, "f.csv") == "S"
    two = _columns([("S", "nose", "x"), ("T", "nose", "y")], ["scorer", "bodyparts", "coords"])
    with pytest.raises(InvalidSourceFileError, match=r"expected one scorer \(labeler\) in the header"):
        single_scorer(two, "f.csv", " (labeler)")


def test_parse_frame_index_refuses_frames_out_of_order(tmp_path):
    columns = _columns([("S", "nose", "x")], ["scorer", "bodyparts", "coords"])
    frame = pd.DataFrame([[1.0], [2.0]], index=[3, 7], columns=columns)
    assert parse_frame_index(frame, tmp_path / "f.h5").tolist() == [3, 7]
    frame.index = [7, 3]
    with pytest.raises(InvalidSourceFileError, match="out of order"):
        parse_frame_index(frame, tmp_path / "f.h5")


# -- a cell that is not a number: the message names it by line and column ------------------------------------------

SINGLE_HEADER = "scorer,S,S,S,S,S,S\nbodyparts,nose,nose,nose,tail,tail,tail\ncoords,x,y,likelihood,x,y,likelihood\n"
MULTI_HEADER = (
    "scorer,S,S,S,S\nindividuals,mouse1,mouse1,mouse2,mouse2\nbodyparts,nose,nose,nose,nose\ncoords,x,y,x,y\n"
)


def _rows(n: int, width: int, *, frame_column: bool = True) -> list[str]:
    return [",".join(([str(i)] if frame_column else []) + [f"{i}.5"] * width) for i in range(n)]


def test_a_cell_that_is_not_a_number_is_named_by_its_line_and_column(tmp_path):
    # Before: "holds values that are not numbers (could not convert string to float: 'abc')", no row nor column.
    rows = _rows(6, 6)
    rows[4] = "4,4.5,4.5,0.9,abc,4.5,0.9"  # tail x of frame 4
    rows.insert(2, "")  # a blank line before it: the line count still holds
    path = tmp_path / "vDLC_x.csv"
    path.write_text(SINGLE_HEADER + "\n".join(rows) + "\n")
    message = r"vDLC_x.csv: holds values that are not numbers \('abc' at line 9, column 5 \(S / tail / x\)\); "
    with pytest.raises(InvalidSourceFileError, match=message + "DeepLabCut writes only numbers"):
        open_table(path)
    assert path.read_text().splitlines()[8].startswith("4,4.5,4.5,0.9,abc")


def test_the_first_bad_cell_of_a_multi_animal_or_lightning_pose_csv_is_named(tmp_path):
    rows = _rows(4, 4)
    rows[1], rows[3] = "1,1.5,oops,1.5,1.5", "3,bad,3.5,3.5,3.5"  # the topmost is named, not the leftmost
    path = tmp_path / "multi.csv"
    path.write_text(MULTI_HEADER + "\n".join(rows) + "\n")
    with pytest.raises(InvalidSourceFileError, match=r"'oops' at line 6, column 3 \(S / mouse1 / nose / y\)\)"):
        open_table(path)
    # Lightning Pose's CSVs share the reader: the same cell, the tool's name.
    with pytest.raises(InvalidSourceFileError, match=r"'oops' at line 6, column 3 .*; LightningPose writes only"):
        open_table(path, "LightningPose")


def test_the_line_is_counted_across_blocks_and_without_a_frame_column(tmp_path):
    rows = _rows(7, 6, frame_column=False)
    rows[5] = "5.5,5.5,5.5,5.5,x?,5.5"
    path = tmp_path / "noindex.csv"
    path.write_text("S,S,S,S,S,S\na,a,a,b,b,b\nx,y,likelihood,x,y,likelihood\n" + "\n".join(rows))
    header = csv_header_levels(path, "DeepLabCut predictions")
    assert not header.frame_column
    expected = "'x?' at line 9, column 5 (S / b / y)"
    assert _first_non_number(path, header, block=2) == expected
    with pytest.raises(InvalidSourceFileError, match=re.escape(expected)):
        open_table(path)
