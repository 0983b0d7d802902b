"""The quick-look figure is drawn without a GUI and says what it left out."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters.quicklook import write_quicklook_figure
from poseconv.testing.mock import mock_pose_data

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_png_is_written(tmp_path):
    path = write_quicklook_figure(mock_pose_data(n_individuals=3, missing_frames=[2]), tmp_path / "q.png", max_tracks=2)
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_svg_and_errors(tmp_path):
    assert write_quicklook_figure([mock_pose_data(rate=None, with_confidence=False)], tmp_path / "q.svg").exists()
    with pytest.raises(InvalidOptionError, match="Nothing to plot"):
        write_quicklook_figure([], tmp_path / "empty.png")
    with pytest.raises(InvalidOptionError, match="cannot write this image format"):
        write_quicklook_figure(mock_pose_data(), tmp_path / "q.unknownformat")
