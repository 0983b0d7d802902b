"""Fuzz the DeepLabCut reader with generated tables: odd names, values and frame numbers.

Each example writes a table the way DeepLabCut does (pandas ``to_csv`` / ``to_hdf``),
sometimes garbles its text, and converts it. A file that converts must hold exactly
what pandas reads from the source, under the original names; any other file must be
refused with poseconv's own error naming it (see :mod:`tests.fuzz.harness`).
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from poseconv import DeepLabCutPoseInterface, read_nwb
from tests.fuzz.harness import convert_or_refuse, input_and_output_folders

SCORER = "DLC_resnet50_fuzzJan1shuffle1_1000"
# Names that NWB cannot hold as they are, that look alike once made safe, or that DeepLabCut gives a meaning.
ODD_NAMES = (
    "/",
    "a/b",
    "a_b",
    "a:b",
    "",
    " ",
    "\\",
    ".",
    "..",
    "scorer",
    "device",
    "Skeleton",
    "single",
    "x",
    "\u00e9t\u00e9",
    "\U0001f42d",
    "a,b",
    'q"',
    "q'x' of 'y",
)
names = st.one_of(
    st.sampled_from(ODD_NAMES),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=6),
)
COORDS = (("x", "y", "likelihood"), ("x", "y"), ("x", "y", "z"), ("x", "y", "z", "likelihood"), ("x", "likelihood"))


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    """A DeepLabCut predictions table, mostly well formed, sometimes not."""
    multi_animal = draw(st.booleans())
    individuals = draw(st.lists(names, min_size=1, max_size=3)) if multi_animal else [None]
    bodyparts = draw(st.lists(names, min_size=1, max_size=4))
    coords = draw(st.sampled_from(COORDS))
    n_rows = draw(st.integers(0, 12))
    index = draw(
        st.one_of(
            st.just(list(range(n_rows))),
            st.lists(st.integers(0, 2**40), min_size=n_rows, max_size=n_rows, unique=True).map(sorted),
            st.lists(st.integers(-(2**62), 2**62), min_size=n_rows, max_size=n_rows),
        )
    )
    keys = [
        (SCORER, *(() if individual is None else (individual,)), part, coord)
        for individual in individuals
        for part in bodyparts
        for coord in coords
    ]
    level_names = ["scorer", *(["individuals"] if multi_animal else []), "bodyparts", "coords"]
    values = draw(
        hnp.arrays(
            np.float64,
            (n_rows, len(keys)),
            elements=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from((0.5, 100.0))),
        )
    )
    return pd.DataFrame(
        values, index=pd.Index(index, dtype="int64"), columns=pd.MultiIndex.from_tuples(keys, names=level_names)
    )


def _expected_tracks(source: pd.DataFrame) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray | None]]:
    """(individual, bodypart) -> positions and likelihood on every frame, from pandas' reading of the file."""
    columns = source.columns
    n_frames = int(source.index.max()) + 1 if len(source) else 0
    rows = source.index.to_numpy(dtype="int64")
    expected = {}
    individuals = (
        list(dict.fromkeys(columns.get_level_values("individuals"))) if "individuals" in columns.names else [None]
    )
    for individual in individuals:
        block = source if individual is None else source.xs(individual, axis=1, level="individuals", drop_level=False)
        for part in dict.fromkeys(block.columns.get_level_values("bodyparts")):
            part_block = block.xs(part, axis=1, level="bodyparts")
            coords = [c for c in ("x", "y", "z") if c in part_block.columns.get_level_values("coords")]
            positions = np.full((n_frames, len(coords)), np.nan)
            positions[rows] = np.column_stack(
                [part_block.xs(c, axis=1, level="coords").to_numpy()[:, 0] for c in coords]
            )
            confidence = None
            if "likelihood" in part_block.columns.get_level_values("coords"):
                confidence = np.full(n_frames, np.nan)
                confidence[rows] = part_block.xs("likelihood", axis=1, level="coords").to_numpy()[:, 0]
            expected[(individual if individual is not None else "individual", part)] = (positions, confidence)
    return expected


def _check_round_trip(output: Path, source: pd.DataFrame) -> None:
    expected = _expected_tracks(source)
    (pose,) = read_nwb(output)
    found = {}
    for track in pose.tracks:
        nodes = pose.skeletons[track.skeleton].nodes
        positions = np.asarray(track.positions)
        confidence = None if track.confidence is None else np.asarray(track.confidence)
        for i, node in enumerate(nodes):
            found[(track.name, node)] = (positions[:, i, :], None if confidence is None else confidence[:, i])
    assert sorted(found, key=repr) == sorted(expected, key=repr)
    for key, (positions, confidence) in expected.items():
        np.testing.assert_array_equal(found[key][0], positions, err_msg=f"positions of {key}")
        if confidence is None:
            assert found[key][1] is None
        else:
            np.testing.assert_array_equal(found[key][1], confidence, err_msg=f"likelihood of {key}")


@given(table=tables(), as_csv=st.booleans())
def test_generated_tables_convert_exactly_or_are_refused(table: pd.DataFrame, as_csv: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source_dir, output_dir = input_and_output_folders(Path(folder))
        path = source_dir / f"fuzz{SCORER}.{'csv' if as_csv else 'h5'}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if as_csv:
                table.to_csv(path)
            else:
                table.to_hdf(path, key="df_with_missing", format="table")
        output = output_dir / "out.nwb"
        converted = convert_or_refuse(DeepLabCutPoseInterface, path, output, sampling_frequency=30.0)
        note(f"converted: {converted}")
        if converted:
            source = (
                pd.read_csv(path, header=list(range(table.columns.nlevels)), index_col=0)
                if as_csv
                else pd.read_hdf(path, "df_with_missing")
            )
            _check_round_trip(output, source)


@given(
    table=tables(),
    edit=st.tuples(
        st.integers(0, 10**6), st.sampled_from(("", ",", "\n", "x", "nan", "1e999", '"', "scorer", "coords"))
    ),
)
def test_garbled_csv_text_converts_or_is_refused(table: pd.DataFrame, edit: tuple[int, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source_dir, output_dir = input_and_output_folders(Path(folder))
        path = source_dir / f"fuzz{SCORER}.csv"
        text = table.to_csv()
        position, insert = edit
        position %= len(text) + 1
        # Replace one character (or insert at the end): header cells, separators and numbers all get hit.
        path.write_text(text[:position] + insert + text[position + 1 :], encoding="utf-8")
        convert_or_refuse(DeepLabCutPoseInterface, path, output_dir / "out.nwb", sampling_frequency=30.0)
