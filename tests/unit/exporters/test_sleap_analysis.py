"""The SLEAP analysis file names its video as the .slp export does (exporters.sleap.video_filename)."""

from __future__ import annotations

import dataclasses
import json

import h5py
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.exporters.sleap_analysis import write_sleap_analysis
from poseconv.readers.sleap import read_sleap
from poseconv.testing.mock import mock_pose_data


def _poses(source: str):
    pose = mock_pose_data()
    video = dataclasses.replace(pose.videos["video"], original_path="../videos/v.mp4", linked_in_nwb=True)
    return dataclasses.replace(pose, source_file=source, videos={"video": video})


def _video_path(path) -> str:
    with h5py.File(path, "r") as handle:
        return handle["video_path"][()].decode()


def test_a_video_recorded_relative_to_an_nwb_file_at_a_url_is_said_not_here(tmp_path):
    # It was written as recorded, '../videos/v.mp4' relative to the file on the server, without a word (the .slp
    # export of the same URL warns).
    url = "https://example.org/data/s.nwb"
    with pytest.warns(PoseconvWarning, match=r"relative to the NWB file at https://example.org/data/s.nwb, which is"):
        written = write_sleap_analysis(_poses(url), tmp_path / "a.h5")
    assert _video_path(written) == "../videos/v.mp4"


def test_a_video_recorded_relative_to_a_local_nwb_file_is_named_beside_it(tmp_path):
    written = write_sleap_analysis(_poses(str(tmp_path / "nwb" / "s.nwb")), tmp_path / "a.h5")
    assert _video_path(written) == str(tmp_path / "videos" / "v.mp4")


def test_the_analysis_file_records_the_sleap_version_and_models_the_reader_takes_back(tmp_path):
    # Its provenance named neither: converting the export again lost SLEAP's version and the model names.
    pose = dataclasses.replace(
        mock_pose_data(source_software="SLEAP"), source_software_version="1.2.7", scorer="m.centroid, m.topdown"
    )
    written = write_sleap_analysis(pose, tmp_path / "a.analysis.h5")
    with h5py.File(written, "r") as handle:
        provenance = json.loads(handle["provenance"][()])
    assert (provenance["sleap_version"], provenance["model_paths"]) == ("1.2.7", ["m.centroid", "m.topdown"])
    back = read_sleap(written)
    assert (back.source_software_version, back.scorer) == ("1.2.7", "m.centroid, m.topdown")


def test_the_analysis_file_records_the_frame_rate_as_sleap_io_does(tmp_path):
    # No video_backend_metadata was written: the export, unlike the .slp, could not be converted without --fps.
    written = write_sleap_analysis(mock_pose_data(rate=25.0), tmp_path / "a.analysis.h5")
    with h5py.File(written, "r") as handle:
        assert json.loads(handle.attrs["video_backend_metadata"])["fps"] == 25.0
    back = read_sleap(written)
    assert back.timing[back.tracks[0].video].rate == 25.0
