"""DeepLabCut's table layout: header rows, bodyparts per individual, animals and unique bodyparts."""

from __future__ import annotations

import pandas as pd
import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.deeplabcut.table import (
    animal_bodyparts,
    bodypart_coords,
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
