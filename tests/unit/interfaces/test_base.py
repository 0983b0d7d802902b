"""The interfaces' temporal alignment and the types they need: what is refused, in words that say what to do."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from poseconv import DeepLabCut3DPoseInterface, DeepLabCutPoseInterface
from poseconv.errors import InvalidOptionError, MetadataError
from tests.fixtures.deeplabcut import write_dlc_file


@pytest.fixture
def dlc_interface(tmp_path) -> DeepLabCutPoseInterface:
    """A 6-frame DeepLabCut file at 30 fps."""
    rng = np.random.default_rng(0)
    positions = {part: rng.uniform(0, 640, size=(6, 2)) for part in ("nose", "tail")}
    path = write_dlc_file(tmp_path / "sessionDLC_resnet50_testJan1shuffle1_100.h5", positions)
    return DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)


@pytest.fixture
def session_interface(generated_dlc_3d_session) -> DeepLabCut3DPoseInterface:
    return DeepLabCut3DPoseInterface(file_path=generated_dlc_3d_session["path"], sampling_frequency=30.0)


@pytest.mark.parametrize("kind", ["pose", "session"])
def test_a_starting_time_that_is_not_one_finite_number_is_refused(kind, request):
    """A NaN start (np.nanmin of no sync pulse) was written as every series' starting_time; text failed in numpy."""
    interface = request.getfixturevalue("dlc_interface" if kind == "pose" else "session_interface")
    original = np.asarray(interface.get_timestamps())
    for value in (float("nan"), np.inf, -np.inf):
        with pytest.raises(InvalidOptionError, match=r"aligned_starting_time must be a finite number of seconds"):
            interface.set_aligned_starting_time(value)
    with pytest.raises(
        InvalidOptionError, match=r"one number of seconds, got '2\.5' \(str\); convert text .* with float\(\)"
    ):
        interface.set_aligned_starting_time("2.5")
    # A first TTL taken as a 1-element slice was accepted, and failed in the writer ("0-dimensional arrays").
    with pytest.raises(
        InvalidOptionError,
        match=r"got array\(\[2\.5\]\) \(ndarray\); the first of an array of sync times is times\[0\]",
    ):
        interface.set_aligned_starting_time(np.array([2.5]))
    with pytest.raises(InvalidOptionError, match="one number of seconds"):
        interface.set_aligned_starting_time(True)
    np.testing.assert_array_equal(interface.get_timestamps(), original)
    # numpy numbers (a sync computation's result) are numbers; each call shifts the times further, as neuroconv's.
    for value in (np.float64(2.5), np.float32(2.5), np.int64(2), np.array(2.5)):
        before = np.asarray(interface.get_timestamps())
        interface.set_aligned_starting_time(value)
        np.testing.assert_allclose(interface.get_timestamps(), before + float(value))
    np.testing.assert_allclose(interface.get_timestamps(), original + 9.5)


def test_align_by_interpolation_refuses_sync_times_that_do_not_pair_up(dlc_interface):
    """np.interp said 'fp and xp are not of the same length', and mapped frames onto nonsense for unordered times."""
    with pytest.raises(InvalidOptionError, match=r"3 unaligned_timestamps but 2 aligned_timestamps"):
        dlc_interface.align_by_interpolation(np.array([0.0, 1.0, 2.0]), np.array([5.0, 6.0]))
    with pytest.raises(InvalidOptionError, match=r"unaligned_timestamps must increase.*sync time \[2\]"):
        dlc_interface.align_by_interpolation(np.array([0.0, 1.0, 0.5]), np.array([5.0, 6.0, 7.0]))
    with pytest.raises(InvalidOptionError, match=r"aligned_timestamps must be a 1-D array of finite times"):
        dlc_interface.align_by_interpolation(np.array([0.0, 1.0]), np.array([5.0, np.nan]))
    dlc_interface.align_by_interpolation(np.array([0.0, 1.0]), np.array([5.0, 6.0]))
    np.testing.assert_allclose(dlc_interface.get_timestamps(), 5.0 + np.arange(6) / 30.0)


def test_align_by_interpolation_extends_the_sync_line_past_the_sync_times(dlc_interface):
    """np.interp put every frame past the last sync time at that time: repeated frame times, a broken file."""
    from poseconv.errors import PoseconvWarning

    # Frames at 0 .. 1/6 s; sync times at 0.05 and 0.1 s leave 2 frames before and 2 after them.
    with pytest.warns(PoseconvWarning, match=r"4 frame\(s\) lie outside the sync times \(0\.05 to 0\.1 s"):
        dlc_interface.align_by_interpolation(np.array([0.05, 0.1]), np.array([10.05, 10.1]))
    np.testing.assert_allclose(dlc_interface.get_timestamps(), 10.0 + np.arange(6) / 30.0)


@pytest.mark.parametrize("kind", ["pose", "session"])
def test_align_by_interpolation_keeps_the_source_of_the_times_it_maps(kind, request):
    """The series' comments said "timestamps given by the user" for a rate mapped through sync times."""
    interface = request.getfixturevalue("dlc_interface" if kind == "pose" else "session_interface")

    def source() -> str:
        (timing,) = [interface.session.timing] if kind == "session" else interface.pose.timing.values()
        return timing.source

    interface.align_by_interpolation(np.array([0.0, 1.0]), np.array([5.0, 6.0]))
    assert source() == "sampling_frequency given by the user, mapped through 2 sync times (align_by_interpolation)"
    interface.set_aligned_timestamps(np.asarray(interface.get_timestamps()))
    interface.align_by_interpolation(np.array([0.0]), np.array([5.0]))
    assert source() == "timestamps given by the user, mapped through 1 sync time (align_by_interpolation)"


_APPEND_WITH_PYNWB = """
import sys, warnings
from datetime import datetime, timezone
warnings.simplefilter("ignore")
import h5py
from pynwb import NWBHDF5IO
from pynwb.testing.mock.file import mock_NWBFile

path, table = sys.argv[1], sys.argv[2]
with NWBHDF5IO(path, "w") as io:
    io.write(mock_NWBFile(session_start_time=datetime(2024, 1, 1, tzinfo=timezone.utc)))
if sys.argv[3] == "import-first":
    from poseconv import DeepLabCutPoseInterface
with NWBHDF5IO(path, "a") as io:
    nwbfile = io.read()
    from poseconv import DeepLabCutPoseInterface
    interface = DeepLabCutPoseInterface(file_path=table, sampling_frequency=30.0)
    try:
        interface.add_to_nwbfile(nwbfile, metadata=interface.get_metadata())
    except Exception as error:
        print(type(error).__name__, error)
        sys.exit(0)
    io.write(nwbfile)
with h5py.File(path, "r") as f:
    group = f["processing/behavior/PoseEstimation"]
    print(group.attrs["neurodata_type"], group["nose/data"].shape)
"""


def test_poses_appended_with_pynwb_are_written_not_left_empty(tmp_path, dlc_interface):
    """pynwb copies the types known when a file is opened: ndx-pose, imported in the write, came too late.

    The poses were written as an empty NWBDataInterface group without an error. Now the interface modules
    load ndx-pose's types, and a file opened before any of them is refused, saying what to do.
    """
    table = dlc_interface.source_data["file_path"]
    script = textwrap.dedent(_APPEND_WITH_PYNWB)
    run = [sys.executable, "-c", script, str(tmp_path / "a.nwb"), str(table)]
    done = subprocess.run([*run, "import-first"], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["PoseEstimation", "(6,", "2)"], done.stderr
    run[3] = str(tmp_path / "b.nwb")
    done = subprocess.run([*run, "open-first"], capture_output=True, text=True, check=True)
    assert "InvalidOptionError" in done.stdout and "before ndx-pose's types were loaded" in done.stdout, done.stderr
    assert "Import poseconv's interfaces (or ndx_pose) before opening the file" in done.stdout


@pytest.mark.parametrize("kind", ["pose", "session"])
def test_the_times_set_and_got_are_the_interfaces_own_not_the_callers_array(kind, request):
    """The interfaces kept the caller's array: a buffer reused for the next camera gave every interface the last
    camera's times, a NaN written into it after the finite check reached the file, and ``g += 500`` on the times
    got shifted the interface's own."""
    interface = request.getfixturevalue("dlc_interface" if kind == "pose" else "session_interface")
    n_frames = len(interface.get_timestamps())
    buffer = 10.0 + np.arange(n_frames) / 30.0
    interface.set_aligned_timestamps(buffer)
    buffer[:] = 20.0 + np.arange(n_frames) / 30.0  # the next camera's times, in the same buffer
    buffer[1] = np.nan
    np.testing.assert_allclose(interface.get_timestamps(), 10.0 + np.arange(n_frames) / 30.0)
    got = interface.get_timestamps()
    got += 500.0
    np.testing.assert_allclose(interface.get_timestamps(), 10.0 + np.arange(n_frames) / 30.0)
    original = interface.get_original_timestamps()
    original += 500.0
    np.testing.assert_allclose(interface.get_original_timestamps(), np.arange(n_frames) / 30.0)
    # neuroconv's users shift the times got in place and set them back.
    times = interface.get_timestamps()
    times += 1.0
    interface.set_aligned_timestamps(times)
    np.testing.assert_allclose(interface.get_timestamps(), 11.0 + np.arange(n_frames) / 30.0)


def test_the_times_of_several_videos_are_copied_and_got_as_copies(generated_two_videos):
    from poseconv import SLEAPPoseInterface

    interface = SLEAPPoseInterface(file_path=generated_two_videos.path, sampling_frequency=30.0)
    first, second = (np.asarray(times) + 5.0 for times in interface.get_original_timestamps())
    interface.set_aligned_timestamps([first, second])
    first += 100.0
    for got in interface.get_timestamps():
        got += 100.0
    np.testing.assert_allclose(interface.get_timestamps()[0], 5.0 + np.arange(len(first)) / 30.0)
    np.testing.assert_allclose(interface.get_timestamps()[1], second)


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_of_times_for_several_videos_says_how_to_give_each_its_own(generated_two_videos, container):
    """A Python list of one video's times (neuroconv's interfaces take lists) was taken for one array per time:
    "Expected timestamps for 2 videos, got 4"; an array of the same times was explained."""
    from poseconv import SLEAPPoseInterface

    interface = SLEAPPoseInterface(file_path=generated_two_videos.path, sampling_frequency=30.0)
    first, second = (list(map(float, times)) for times in interface.get_original_timestamps())
    with pytest.raises(InvalidOptionError, match=r"2 videos \('left', 'left_2'\), and 4 times.*video_indices=\[i\]"):
        interface.set_aligned_timestamps(container(first))
    with pytest.raises(InvalidOptionError, match=r"2 videos \('left', 'left_2'\), but got 3 arrays of times"):
        interface.set_aligned_timestamps(container([first, second, second]))
    with pytest.raises(InvalidOptionError, match=r"2 videos \('left', 'left_2'\), but got 2\.5: give one array"):
        interface.set_aligned_timestamps(2.5)
    # A list of lists is one list of times per video.
    interface.set_aligned_timestamps(container([[t + 1.0 for t in first], second]))
    np.testing.assert_allclose(interface.get_timestamps()[0], np.asarray(first) + 1.0)


@pytest.mark.skipif(os.sep != "/", reason="Windows opens Windows paths")
def test_the_missing_rate_error_says_a_video_recorded_on_windows_cannot_be_opened_here(tmp_path):
    # A project made on Windows: video_sets records C:\...\trial1.mp4, which is not here, and no video is beside.
    # Before, the error said only "(recorded as 'C:\...')", as if the video might be found there.
    project = tmp_path / "proj-me-2024-01-01"
    (project / "videos").mkdir(parents=True)
    recorded = r"C:\Users\me\proj-me-2024-01-01\videos\trial1.mp4"
    (project / "config.yaml").write_text(
        f"Task: proj\nscorer: me\nvideo_sets:\n  {recorded}:\n    crop: 0, 640, 0, 480\nbodyparts:\n- nose\n- tail\n"
    )
    scorer = "DLC_Resnet50_projJan1shuffle1_snapshot_best-200"
    positions = {"nose": np.ones((3, 2)), "tail": np.zeros((3, 2))}
    path = write_dlc_file(project / "videos" / f"trial1{scorer}.h5", positions, scorer=scorer)
    with pytest.raises(MetadataError) as raised:
        DeepLabCutPoseInterface(file_path=path).get_original_timestamps()
    said = str(raised.value)
    assert (
        f"video 'trial1' (recorded as '{recorded}'), and no video was found to read one from ({recorded} is a " in said
    )
    assert f"({recorded} is a Windows path, which this computer cannot open). Give the rate" in said, said
    assert said.endswith("or the video with video_file_path= (--video).")
