"""sleap-anipose's session layout without a session .slp: what poseconv converts of it, and what it says of the rest.

sleap-anipose (docs/FOLDER_STRUCTURE.md) keeps one folder per camera with that camera's SLEAP
``<view>/*.analysis.h5``, and ``calibration.toml`` and the triangulated ``points3d.h5``
(sleap_anipose/triangulation.py, ``triangulate``) at the session root.
"""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest
import sleap_io

from poseconv import catalog
from poseconv.errors import PoseconvWarning, UnsupportedFormatError
from poseconv.readers.sleap import read_sleap
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.sleap import one_instance_per_frame

VIEWS = ("back", "top")
N_FRAMES = 4
# As aniposelib's CameraGroup.dump writes it (sleap-anipose's calibrate), for two cameras.
CALIBRATION = (
    "".join(
        f'[cam_{i}]\nname = "{view}"\nsize = [ 1280, 1024,]\n'
        "matrix = [ [ 1000.0, 0.0, 640.0,], [ 0.0, 1000.0, 512.0,], [ 0.0, 0.0, 1.0,],]\n"
        f"distortions = [ 0.0, 0.0, 0.0, 0.0, 0.0,]\nrotation = [ 0.0, {0.1 * i}, 0.0,]\n"
        f"translation = [ {10.0 * i}, 0.0, 0.0,]\n\n"
        for i, view in enumerate(VIEWS)
    )
    + "[metadata]\n"
)


def write_points3d(path, points):
    """Write points as sleap_anipose.triangulate(..., fname=...) does (one 'tracks' dataset)."""
    with h5py.File(path, "w") as handle:
        handle.create_dataset("tracks", data=points, chunks=True, compression="gzip", compression_opts=1)
        handle["tracks"].attrs["Description"] = "Shape: (n_frames, n_tracks, n_nodes, 3)."


@pytest.fixture
def session_root(tmp_path):
    """A sleap-anipose session: <view>/<view>.analysis.h5 (sleap-io's writer), calibration.toml, points3d.h5."""
    root = tmp_path / "session"
    skeleton = sleap_io.Skeleton(["nose", "tail"])
    rng = np.random.default_rng(3)
    for view in VIEWS:
        (root / view).mkdir(parents=True)
        video = sleap_io.Video(filename=str(root / view / f"{view}.mp4"))
        labels = one_instance_per_frame(
            video, skeleton, range(N_FRAMES), lambda _: rng.uniform(0, 500, (2, 2)), point_scores=np.full(2, 0.9)
        )
        sleap_io.save_analysis_h5(labels, str(root / view / f"{view}.analysis.h5"))
    (root / "calibration.toml").write_text(CALIBRATION)
    write_points3d(root / "points3d.h5", rng.normal(size=(N_FRAMES, 1, 2, 3)))
    return root


def test_points3d_alone_is_named_with_the_way_to_convert_it(session_root, tmp_path):
    # It got "the file does not look like output of DeepLabCut or SLEAP".
    path = session_root / "points3d.h5"
    said = r"is sleap-anipose's triangulated 3D points.*--source sleap-session.*analysis\.h5"
    with pytest.raises(UnsupportedFormatError, match=said):
        catalog.detect_format(path)
    for source in ([], ["--source", "sleap"]):
        result = poseconv_in_process("convert", path, *source, "-o", tmp_path / "out.nwb")
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "sleap-anipose's triangulated 3D points" in result.stderr
    assert not (tmp_path / "out.nwb").exists()


def test_a_camera_s_analysis_file_says_the_session_s_calibration_and_3d_points_are_not_converted(session_root):
    for view in VIEWS:
        with pytest.warns(
            PoseconvWarning, match=r"sleap-anipose session \(calibration\.toml, points3d\.h5\).*--source"
        ):
            pose = read_sleap(session_root / view / f"{view}.analysis.h5")
        assert pose.tracks[0].positions.shape == (N_FRAMES, 2, 2)


def test_only_what_is_there_is_named(session_root):
    (session_root / "points3d.h5").unlink()
    with pytest.warns(PoseconvWarning, match=r"sleap-anipose session \(calibration\.toml\);"):
        read_sleap(session_root / "top" / "top.analysis.h5")
    (session_root / "calibration.toml").unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        read_sleap(session_root / "top" / "top.analysis.h5")


def test_the_cli_warns_once_for_the_session(session_root, tmp_path):
    views = [session_root / view / f"{view}.analysis.h5" for view in VIEWS]
    result = poseconv_in_process(
        "convert", *views, "-o", tmp_path / "v.nwb", "--fps", "30", "--session-start-time", "2024-05-01T10:00:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("a sleap-anipose session (calibration.toml, points3d.h5)") == 1
