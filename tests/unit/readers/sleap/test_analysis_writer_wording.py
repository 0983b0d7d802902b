"""The SLEAP analysis reader says another program's scores and 3D points in the one wording of model_info."""

from __future__ import annotations

from pathlib import Path

import poseconv
from poseconv.readers.deeplabcut.model_info import written_3d_frame, written_confidence
from poseconv.readers.sleap.analysis_writer import OTHER_WRITER_3D_FRAME, OTHER_WRITER_CONFIDENCE

SOURCE = Path(poseconv.__file__).parent


def test_the_definitions_are_model_info_s():
    assert (
        f"{written_confidence('point_scores of the analysis file')} NaN where the animal is absent."
    ) == OTHER_WRITER_CONFIDENCE
    assert written_3d_frame("SLEAP's analysis layout", "a program other than SLEAP") == OTHER_WRITER_3D_FRAME


def test_each_sentence_is_written_once_in_the_package():
    # analysis_writer spelled both out again, which a change of model_info's would have left behind.
    for words in (
        "the file does not say what computed them",
        "nor their length unit (those of the tool that made them)",
    ):
        holding = [path.name for path in SOURCE.rglob("*.py") if words in path.read_text(encoding="utf-8")]
        assert holding == ["model_info.py"], (words, holding)
