"""``poseconv convert --option KEY=VALUE`` writes what the interface with ``KEY=VALUE`` and a spec's source_data write.

Each case converts one real file three ways (the Python interface with the keyword, ``poseconv
convert -O KEY=VALUE``, ``poseconv run`` with the key in the pose entry's ``source_data``) and
compares every pose, skeleton and camera value of the three NWB files; and checks the option
changed the result (the file without it differs).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sleap_io as sio
import yaml
from hdmf.container import AbstractContainer
from pynwb import NWBHDF5IO

from poseconv.catalog import get_format, interface_class
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.lightningpose import write_lp_calibration, write_lp_multiview_session
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLEAP_REPO, SLP_LABELS_V002, SLP_MIN_SESSION_USER
from tests.fixtures.sleap_session_groups import session_file

pytestmark = needs_shared_data

START = "2024-05-01T10:30:00+02:00"
SLEAP_VIDEOS = SLEAP_REPO / "tests/data/videos"


def _plain(value: object) -> object:
    """A field's value, compared exactly (NaN equal to NaN: arrays by their bytes)."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        array = np.asarray(value[()])
        if array.dtype == object:
            return (array.shape, [str(item) for item in array.ravel()])
        return (array.dtype.str, array.shape, array.tobytes())
    if isinstance(value, list | tuple):
        return _plain(np.asarray(value))
    return value


def nwb_values(path: Path) -> dict:
    """Every field of the poses, skeletons and cameras of an NWB file (not the containers they hold)."""
    found = {}
    with NWBHDF5IO(path, "r") as io:
        for obj in io.read().objects.values():
            kind = type(obj).__name__
            if not any(word in kind for word in ("Pose", "Skeleton", "Camera")):
                continue
            names = []
            parent = obj
            while parent is not None and type(parent).__name__ != "NWBFile":
                names.append(parent.name)
                parent = parent.parent
            fields = {}
            for name, value in obj.fields.items():
                if isinstance(value, AbstractContainer) or _holds_containers(value):
                    continue
                fields[name] = _plain(value)
            found[(kind, "/".join(reversed(names)))] = fields
    return found


def _holds_containers(value: object) -> bool:
    if not isinstance(value, dict | list | tuple):
        return False
    items = list(value.values()) if isinstance(value, dict) else list(value)
    return any(isinstance(item, AbstractContainer) for item in items)


def by_python(tmp_path: Path, source: str, file_path: Path, source_data: dict) -> dict:
    """Convert with the interface of ``source``, given ``source_data`` as keywords; return the NWB values."""
    interface = interface_class(get_format(source))(file_path=str(file_path), **source_data)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    path = tmp_path / "python.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return nwb_values(path)


def by_convert(tmp_path: Path, source: str, file_path: Path, *args: object, name: str = "convert") -> dict:
    """Convert with ``poseconv convert --source SOURCE FILE ARGS``; return the NWB values."""
    path = tmp_path / f"{name}.nwb"
    result = poseconv_in_process(
        "convert", file_path, "--source", source, *args, "--session-start-time", START, "-o", path
    )
    assert result.returncode == 0, result.stderr
    return nwb_values(path)


def by_run(tmp_path: Path, source: str, file_path: Path, source_data: dict) -> dict:
    """Convert with ``poseconv run``, the pose entry's source_data given; return the NWB values."""
    pose = {"file_path": str(file_path), "interface": source, "source_data": source_data}
    spec = {"output_folder": "nwb", "sessions": [{"session_id": "s1", "session_start_time": START, "pose": [pose]}]}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = poseconv_in_process("run", tmp_path / "spec.yaml", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    return nwb_values(tmp_path / "nwb" / "s1.nwb")


def assert_three_ways_alike(tmp_path, source, file_path, source_data, options, flags=(), kept=()):
    """The three conversions give the same values; without the options (but ``kept``) the file differs."""
    from_cli = by_convert(tmp_path, source, file_path, *flags, *options)
    assert from_cli, "no poses written"
    assert from_cli == by_python(tmp_path, source, file_path, source_data)
    assert from_cli == by_run(tmp_path, source, file_path, source_data)
    assert from_cli != by_convert(tmp_path, source, file_path, *flags, *kept, name="without")


def test_sleap_predicted_only_as_in_python_and_in_a_spec(tmp_path):
    # labels.v002.slp holds 9 user and 12 predicted instances, untracked.
    source_data = {"predicted_only": True, "untracked": "by_order", "sampling_frequency": 30.0}
    options = ["-O", "predicted_only=true"]
    flags = ["--untracked", "by_order", "--fps", "30"]
    assert_three_ways_alike(tmp_path, "sleap", SLP_LABELS_V002, source_data, options, flags)


@pytest.fixture
def multi_video_slp(tmp_path) -> Path:
    """A .slp of 3 videos (not a session) with user and predicted instances: the real 8-camera file's first 3."""
    labels = sio.load_slp(str(SLP_MIN_SESSION_USER))
    labels.sessions.clear()
    # Three videos are enough to choose two; each more one adds a second to each of the four conversions.
    labels.videos = labels.videos[:3]
    labels.labeled_frames = [frame for frame in labels.labeled_frames if frame.video in labels.videos]
    path = tmp_path / "eight_videos.slp"
    sio.save_slp(labels, str(path))
    return path


def test_sleap_video_indices_and_predicted_only_as_in_python_and_in_a_spec(tmp_path, multi_video_slp):
    source_data = {"video_indices": [0, 2], "predicted_only": True, "sampling_frequency": 30.0}
    options = ["--option", "video_indices=[0, 2]", "-O", "predicted_only=true"]
    assert_three_ways_alike(tmp_path, "sleap", multi_video_slp, source_data, options, ["--fps", "30"])


@pytest.mark.filterwarnings("ignore:.*has poses for 3 frames")
def test_sleap_session_index_predicted_only_and_videos_by_camera(tmp_path, monkeypatch):
    # The session records its videos on its author's drive (D:/...): they are given by camera, relative to
    # the working folder, which --video cannot say. Animal 1 of frame 0 is a user's, which predicted_only drops.
    recorded = [sio.Video(filename=f"D:/rig/cam{i}.mp4", open_backend=False) for i in range(2)]
    session = session_file(tmp_path / "session.slp", videos=recorded, tracks=["a", "b"], user_labeled=((0, 1),))
    videos = {"cam0": SLEAP_VIDEOS / "min_session_back.mp4", "cam1": SLEAP_VIDEOS / "min_session_mid.mp4"}
    monkeypatch.chdir(SLEAP_VIDEOS)
    by_camera = "{" + ", ".join(f"{camera}: {path.name}" for camera, path in videos.items()) + "}"
    source_data = {"session_index": 0, "predicted_only": True}
    source_data["video_file_paths"] = {camera: str(path) for camera, path in videos.items()}
    kept = ["-O", f"video_file_paths={by_camera}"]
    options = [*kept, "-O", "session_index=0", "-O", "predicted_only=true"]
    assert_three_ways_alike(tmp_path, "sleap-session", session, source_data, options, kept=kept)


def test_lightning_pose_calibration_given_relative_to_the_working_folder(tmp_path, monkeypatch):
    files = write_lp_multiview_session(tmp_path / "model")
    # Not where the session's config would find it: only the option gives it.
    calibration = write_lp_calibration(tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    relative = calibration.relative_to(tmp_path)
    source_data = {"calibration_file_path": str(calibration), "view_names": ["top", "bot"]}
    options = ["-O", f"calibration_file_path={relative}", "-O", "view_names=[top, bot]"]
    assert_three_ways_alike(tmp_path, "lp-multiview", files["top"], source_data, options)
