"""Facts about an input file are learnt once per version of the file, and again when it changes."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd

from poseconv.readers.deeplabcut import variants
from poseconv.readers.safety import isolation
from poseconv.readers.safety.file_versions import per_file_version
from tests.fixtures.paths import SHARED_DATA

PREDICTIONS = (
    SHARED_DATA
    / "neuroconv/behavior_testing_data/DLC/open_field_without_video/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
)
LABELS = SHARED_DATA / "deeplabcut/MontBlanc-Daniel-2019-12-16/labeled-data/montblanc/CollectedData_Daniel.h5"


def test_an_answer_is_kept_per_version_and_asked_again_when_the_file_changes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one")
    calls = []

    @per_file_version
    def size(file_path):
        calls.append(file_path)
        return file_path.stat().st_size

    assert size(path) == size(path) == 3
    assert len(calls) == 1
    path.write_text("three")
    os.utime(path, ns=(0, 10**9))
    assert size(path) == 5
    assert len(calls) == 2


def test_a_missing_file_is_passed_to_the_function_uncached(tmp_path):
    @per_file_version
    def exists(file_path):
        return file_path.exists()

    assert exists(tmp_path / "missing") is False
    (tmp_path / "missing").write_text("")
    assert exists(tmp_path / "missing") is True


def test_predictions_are_told_from_labels_without_pandas(tmp_path, monkeypatch):
    """The row index of a table-format frame is read with h5py: pandas never opens a predictions file to sniff it."""
    path = tmp_path / PREDICTIONS.name
    shutil.copy(PREDICTIONS, path)
    opened = []
    monkeypatch.setattr(variants, "open_pandas_store", lambda p: opened.append(p))
    assert variants.h5_row_index_kind(path) == "integer"
    assert variants.has_image_index(path) is False
    assert opened == []


def test_labels_and_other_layouts_still_go_through_pandas(tmp_path):
    labels = tmp_path / LABELS.name
    shutil.copy(LABELS, labels)
    assert variants.h5_row_index_kind(labels) == "string"
    assert variants.has_image_index(labels) is True
    frame = pd.DataFrame(np.zeros((2, 2)), index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)]))
    two_level = tmp_path / "two_level.h5"
    frame.to_hdf(two_level, key="df", format="table")
    assert variants.h5_row_index_kind(two_level) is None


def test_the_pandas_check_stands_for_the_structure_check(tmp_path, monkeypatch):
    """Once the file passed the check pandas needs, the structure check is not forked again."""
    path = tmp_path / PREDICTIONS.name
    shutil.copy(PREDICTIONS, path)
    with variants.open_pandas_store(path):
        pass

    def refuse(*args, **kwargs):
        raise AssertionError("forked again")

    monkeypatch.setattr(os, "fork", refuse)
    isolation.probe(path, isolation.walk_hdf5, what=isolation.HDF5_STRUCTURE)
