"""A crop DeepLabCut's analysis made, recorded only in the project's config.yaml.

Both engines' ``analyze_videos`` crop every video to the config's ``x1``, ``x2``, ``y1``, ``y2`` whenever its
``cropping`` is true (TensorFlow's ``predict_videos``: ``frame[cfg["y1"]:cfg["y2"], cfg["x1"]:cfg["x2"]]``;
PyTorch's ``apis/videos.py``), and record it in the ``_meta.pickle``. Without that pickle the config says it.
"""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from poseconv.errors import PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.table import PIXEL_REFERENCE_FRAME
from tests.fixtures.deeplabcut import write_dlc_file

SCORER = "DLC_resnet50_cropMay1shuffle1_50000"
CROP_SAID = "DeepLabCut cropped the video to [x1, x2, y1, y2] = [10, 50, 5, 40] before analysis"


def _project(tmp_path: Path, *, cropping: bool = True, meta: dict | None = None) -> Path:
    """Write predictions, the config.yaml beside them (crop 10, 50, 5, 40) and, when given, a _meta.pickle."""
    config = {"Task": "crop", "scorer": "me", "date": "May1", "bodyparts": ["nose", "tail"]}
    config.update({"multianimalproject": False, "cropping": cropping, "x1": 10, "x2": 50, "y1": 5, "y2": 40})
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    positions = {part: np.full((4, 2), 3.0) for part in ("nose", "tail")}
    scores = dict.fromkeys(positions, np.ones(4))
    path = write_dlc_file(tmp_path / f"c1{SCORER}.h5", positions, likelihood=scores, scorer=SCORER)
    if meta is not None:
        data = {"fps": 30.0, "nframes": 4, **meta}
        (tmp_path / f"c1{SCORER}_meta.pickle").write_bytes(pickle.dumps({"data": data}))
    return path


def test_a_crop_recorded_only_in_the_config_is_said_as_a_meta_pickle_s_with_a_warning(tmp_path):
    # Before: "(0, 0) is the top-left corner of the video frame", the crop's offset lost without a word.
    path = _project(tmp_path)
    with pytest.warns(PoseconvWarning) as caught:
        pose = read_deeplabcut(path)
    crop_warnings = [str(w.message) for w in caught if "cropping: true" in str(w.message)]
    assert len(crop_warnings) == 1
    assert crop_warnings[0].startswith(path.name) and "config.yaml" in crop_warnings[0]
    assert "_meta.pickle" in crop_warnings[0]
    assert CROP_SAID in pose.reference_frame
    assert pose.notes["cropping_parameters"] == [10, 50, 5, 40]


@pytest.mark.parametrize(
    ("meta", "said"),
    [
        ({"cropping": False, "cropping_parameters": [0, 640, 0, 480]}, None),
        ({"cropping": True, "cropping_parameters": [1, 30, 2, 20]}, "[1, 30, 2, 20]"),
    ],
    ids=["analysed-whole", "analysed-other-crop"],
)
def test_the_meta_pickle_wins_over_the_config(tmp_path, meta, said):
    path = _project(tmp_path, meta=meta)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_deeplabcut(path)
    assert not [w for w in caught if "cropping: true" in str(w.message)], [str(w.message) for w in caught]
    if said is None:
        assert pose.reference_frame == PIXEL_REFERENCE_FRAME
    else:
        assert f"[x1, x2, y1, y2] = {said}" in pose.reference_frame


def test_a_config_that_does_not_crop_leaves_the_whole_frame(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        pose = read_deeplabcut(_project(tmp_path, cropping=False))
    assert pose.reference_frame == PIXEL_REFERENCE_FRAME
