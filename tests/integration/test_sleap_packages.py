"""SLEAP training packages (``.pkg.slp``) of projects on images: converted and exported back with their images."""

from __future__ import annotations

import warnings

import pytest
import sleap_io as sio
from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process


@pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")
def test_a_package_of_labels_on_images_comes_back_as_its_images(generated_image_sequence, tmp_path):
    package = tmp_path / "image_sequence.pkg.slp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generated_image_sequence.expected["labels"].save(str(package), embed="user")
    files = generated_image_sequence.expected["files"]
    nwb, back = tmp_path / "converted.nwb", tmp_path / "back.slp"
    for args in (
        ("convert", package, "-o", nwb, "--fps", "30", "--session-start-time", "2024-05-03T11:26:42+02:00"),
        ("export", nwb, "--to", "slp", back),
    ):
        result = poseconv_in_process(*args)
        assert result.returncode == 0, result.stderr
    with NWBHDF5IO(nwb, "r") as io:
        [video] = io.read().acquisition.values()
        assert [str((tmp_path / f).resolve()) for f in video.external_file[:]] == files
    assert sio.load_slp(str(back), open_videos=False).videos[0].filename == files
