"""A recorded crop's four numbers (model/crop.py ``crop_numbers``; readers/sleap/videos.py ``video_crop``)."""

from __future__ import annotations

import pytest

from poseconv.model.crop import crop_numbers
from poseconv.readers.sleap.videos import video_crop


def test_a_sleap_io_virtual_crop_is_four_whole_numbers():
    assert video_crop({"crop": [100, 50.0, "400", 250]}) == [100, 50, 400, 250]
    assert video_crop({"shape": [3, 200, 300, 1]}) is None


def test_the_numbers_are_made_by_the_callers_kind():
    assert crop_numbers((1, 2, 3, 4.5), float) == [1.0, 2.0, 3.0, 4.5]
    assert crop_numbers([1, 2, 3, 4.5], int) == [1, 2, 3, 4]


@pytest.mark.parametrize("values", [None, "1234", [1, 2, 3], [1, 2, 3, 4, 5], [1, 2, "x", 4], [1, 2, None, 4]])
def test_what_is_not_four_numbers_is_no_crop(values):
    assert crop_numbers(values, int) is None
    assert crop_numbers(values, float) is None


def test_the_exporters_crop_imports_no_reader():
    """exporters/video_crop.py reads a crop's numbers without importing the SLEAP reader stack (about 200 ms)."""
    import subprocess
    import sys

    code = (
        "import sys, poseconv.exporters.video_crop; "
        "print(sorted(m for m in sys.modules if m.startswith('poseconv.readers')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
