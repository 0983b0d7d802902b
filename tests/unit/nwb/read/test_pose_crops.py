"""The crop poses are in, read back from the reference frame their writer words (nwb/read/pose_crops.py).

The DeepLabCut crop is read back from what the DeepLabCut reader itself gives as the reference frame
(``model_info.frame_of_reference``), so that a change of wording there fails here.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from poseconv import read_pose
from poseconv.errors import PoseconvWarning
from poseconv.metadata.wording import crop_sentence
from poseconv.nwb.read.pose_crops import crop_of_reference_frame, video_crops

SCORER = "DLC_resnet50_cropMay1shuffle1_50000"


def _predictions(folder, meta=None):
    """Write two frames of DeepLabCut predictions, with a ``_meta.pickle`` of ``meta`` when given; return them."""
    columns = pd.MultiIndex.from_product(
        [[SCORER], ["nose"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    path = folder / f"c1{SCORER}.h5"
    pd.DataFrame([[1.0, 2.0, 0.9], [3.0, 4.0, 0.9]], columns=columns).to_hdf(path, key="df_with_missing", mode="w")
    if meta is not None:
        with open(folder / f"c1{SCORER}_meta.pickle", "wb") as handle:
            pickle.dump({"data": {"Scorer": SCORER, "nframes": 2, "fps": 25.0, **meta}}, handle)
    return path


def _reference_frame(path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoseconvWarning)
        return read_pose(path, "dlc").reference_frame


@pytest.mark.parametrize("box", [[10, 50, 5, 40], (10, 50, 5, 40), [np.int64(10), np.int64(50), 5, 40]])
def test_reads_the_crop_deeplabcut_analysed_as_its_reader_words_it(tmp_path, box):
    path = _predictions(tmp_path, {"cropping": True, "cropping_parameters": box})
    assert crop_of_reference_frame(_reference_frame(path)) == [10, 5, 50, 40]  # [x1, y1, x2, y2]


@pytest.mark.parametrize(
    "meta",
    [
        None,
        {"cropping": False, "cropping_parameters": [10, 50, 5, 40]},
        {"cropping": True, "cropping_parameters": None},
    ],
    ids=["no-meta", "not-cropped", "crop-not-recorded"],
)
def test_no_crop_is_read_where_none_is_recorded(tmp_path, meta):
    assert crop_of_reference_frame(_reference_frame(_predictions(tmp_path, meta))) is None
    assert crop_of_reference_frame(None) is None


def test_reads_the_crop_sentence_of_a_sleap_virtual_crop():
    reference_frame = "(0, 0) is the top-left corner of the frame. " + crop_sentence([100, 50, 400, 250])
    assert crop_of_reference_frame(reference_frame) == [100, 50, 400, 250]


def test_video_crops_notes_each_cropped_video_once():
    cropped = crop_sentence([10, 5, 50, 40])
    notes = video_crops([("a", cropped), ("b", "(0, 0) is the top-left corner."), ("a", cropped), ("c", None)])
    assert notes == {"a": {"crop": [10, 5, 50, 40]}}


@pytest.mark.parametrize("box", [(10, 50, 5, 40), [np.int64(10), np.int64(50), np.int64(5), np.int64(40)]])
def test_the_reference_frame_says_the_crop_as_plain_numbers(tmp_path, box):
    # numpy 2 prints its integers as np.int64(10): the file said "[np.int64(10), np.int64(50), ...]".
    path = _predictions(tmp_path, {"cropping": True, "cropping_parameters": box})
    assert "DeepLabCut cropped the video to [x1, x2, y1, y2] = [10, 50, 5, 40] before analysis" in _reference_frame(
        path
    )
