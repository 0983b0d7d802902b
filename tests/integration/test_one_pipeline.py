"""Every entry point converts the same way: interface, PoseNWBConverter, ``poseconv convert``, ``poseconv run``.

Each case of the catalog / pipeline / timing consolidation on a real file, from every entry point.
Commands run in the test process (:mod:`tests.fixtures.cli`), except where another ``PYTHONPATH``
(a format published by another package) needs a process of its own.
"""

import subprocess
import sys
import textwrap
import warnings
from datetime import UTC, datetime

import numpy as np
import pytest
import yaml
from pynwb import NWBHDF5IO

from poseconv.errors import InvalidSourceFileError, MetadataError, PoseconvWarning
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.nwb import pose_estimations
from tests.fixtures.paths import REPO_ROOT, SHARED_DATA, needs_shared_data
from tests.fixtures.sleap_session_groups import session_file

START = "2024-05-01T10:00:00+00:00"
SESSION_SLP = SHARED_DATA / "sleap/tests/data/cameras/minimal_session/min_session.slp"
LP_CSV = (
    SHARED_DATA / "neuroconv/behavior_testing_data/lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.csv"
)
DLC_CSV = SHARED_DATA / "deeplabcut/3Dtestviews_videos/vid1_camera-1DLC_resnet50_TESTNov4shuffle1_10filtered.csv"
DLC_3D = SHARED_DATA / "deeplabcut/3Dtestviews_videos/vid1_DLC_3D.h5"
DLC_WITH_VIDEO = (
    SHARED_DATA
    / "deeplabcut/multi_mouse-dlc_team-2022-04-12/videos/m3v1mp4shortDLC_effnet_b0_multi_mouseApr12shuffle1_5_el.h5"
)
FLIES = REPO_ROOT / "examples/data/sleap-demo/flies.slp"


def poseconv(*args, env=None):
    """Run ``poseconv ARGS``: in this process, or in a subprocess with ``env`` as its whole environment."""
    if env is None:
        return poseconv_in_process(*args)
    return subprocess.run(
        [sys.executable, "-m", "poseconv.cli", *map(str, args)], capture_output=True, text=True, timeout=300, env=env
    )


def behavior_types(path):
    with NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        return {type(obj).__name__ for obj in nwbfile.processing["behavior"].data_interfaces.values()}, {
            type(d).__name__ for d in nwbfile.devices.values()
        }


def first_pose_estimation(nwbfile):
    # The behavior module lists its members as written: the Skeletons come before the poses that use them.
    return next(iter(pose_estimations(nwbfile.processing["behavior"]).values()))


def run_spec(tmp_path, pose: dict, **session_fields):
    spec = {
        "output_folder": str(tmp_path / "nwb"),
        "sessions": [
            {
                "session_id": "s1",
                "session_start_time": START,
                "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
                "pose": [pose],
                **session_fields,
            }
        ],
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return poseconv("run", path, "--jobs", "1"), tmp_path / "nwb" / "s1.nwb"


# -- a .slp holding a calibrated session is a session, from every entry point -----------------------


@pytest.fixture(scope="module")
def small_session_slp(tmp_path_factory):
    """A two-camera, three-frame SLEAP session written with sleap-io.

    Which interface an entry point chooses does not depend on the session's size: these tests converted the
    8-camera min_session.slp (seconds per conversion); its conversion from the CLI, every value compared, is
    in test_sleap_roundtrip and test_multicamera.
    """
    return session_file(tmp_path_factory.mktemp("session") / "session.slp", tracks=["a", "b"])


def test_a_session_slp_converts_as_a_session_from_the_cli(tmp_path, small_session_slp):
    out = tmp_path / "s.nwb"
    result = poseconv("convert", small_session_slp, "-o", out, "--fps", 30, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    containers, devices = behavior_types(out)
    assert "MultiCameraPoseEstimation" in containers
    assert "CalibratedCamera" in devices


def test_a_session_slp_converts_as_a_session_from_a_spec(tmp_path, small_session_slp):
    result, out = run_spec(tmp_path, {"file_path": str(small_session_slp), "sampling_frequency": 30.0})
    assert result.returncode == 0, result.stderr
    containers, devices = behavior_types(out)
    assert "MultiCameraPoseEstimation" in containers and "CalibratedCamera" in devices


@needs_shared_data
def test_the_flat_reading_of_a_session_is_refused_everywhere(tmp_path):
    from neuroconv import NWBConverter

    from poseconv import PoseNWBConverter, SLEAPPoseInterface

    result = poseconv("convert", SESSION_SLP, "--source", "sleap", "-o", tmp_path / "x.nwb", "--fps", 30)
    assert result.returncode == 1 and "SLEAPSessionPoseInterface" in result.stderr, result.stderr
    assert not (tmp_path / "x.nwb").exists()
    with pytest.raises(InvalidSourceFileError, match="SLEAP session"):
        SLEAPPoseInterface(file_path=SESSION_SLP, sampling_frequency=30.0)
    for base in (PoseNWBConverter, NWBConverter):

        class Converter(base):
            data_interface_classes = dict(Pose=SLEAPPoseInterface)

        with pytest.raises(InvalidSourceFileError, match="calibrat|SLEAP session"):
            Converter(source_data=dict(Pose=dict(file_path=str(SESSION_SLP), sampling_frequency=30.0)))
    result, out = run_spec(tmp_path, {"file_path": str(SESSION_SLP), "interface": "sleap", "sampling_frequency": 30.0})
    assert result.returncode == 1 and "SLEAP session" in result.stderr and not out.exists()


# -- metadata keys that match nothing are errors everywhere, with a did-you-mean --------------------


def _typo_metadata(tmp_path, typo: dict):
    path = tmp_path / "m.yaml"
    metadata = {"NWBFile": {"session_start_time": START}, **typo}
    path.write_text(yaml.safe_dump(metadata), encoding="utf-8")
    return path, metadata


@pytest.mark.parametrize(
    ("typo", "hint"),
    [
        ({"Pose": {"PoseEstimations": {"PoseEstimation_fyl2": {"description": "male"}}}}, "PoseEstimation_fly2"),
        ({"Subjet": {"subject_id": "fly"}}, "Subject"),
        ({"PoseEstimaton": {}}, "Pose"),
    ],
    ids=["container", "subject", "pose"],
)
def test_metadata_typos_are_errors_from_every_entry_point(tmp_path, typo, hint):
    from poseconv import PoseNWBConverter, SLEAPPoseInterface

    path, metadata = _typo_metadata(tmp_path, typo)
    result = poseconv("convert", FLIES, "--fps", 30, "-m", path, "-o", tmp_path / "a.nwb")
    assert result.returncode == 1 and f"Did you mean {hint!r}" in result.stderr, result.stderr
    assert not (tmp_path / "a.nwb").exists()

    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    with pytest.raises(MetadataError, match=f"Did you mean {hint!r}"):
        interface.run_conversion(nwbfile_path=tmp_path / "b.nwb", metadata=metadata)

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=SLEAPPoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(FLIES), sampling_frequency=30.0)))
    with pytest.raises(MetadataError, match=f"Did you mean {hint!r}"):
        converter.run_conversion(nwbfile_path=tmp_path / "c.nwb", metadata=metadata)

    result, out = run_spec(tmp_path, {"file_path": str(FLIES), "sampling_frequency": 30.0}, metadata=typo)
    assert result.returncode == 1 and f"Did you mean {hint!r}" in result.stderr, result.stderr
    assert not out.exists()


# -- a source that contradicts the content: mislabelled software is an error -------------------------


@needs_shared_data
@pytest.mark.parametrize(("path", "source", "tool"), [(LP_CSV, "dlc", "DeepLabCut"), (DLC_CSV, "lp", "LightningPose")])
def test_a_source_that_mislabels_the_software_is_refused(tmp_path, path, source, tool):
    from poseconv.catalog import get_format, interface_class

    result = poseconv("convert", path, "--source", source, "--fps", 30, "-o", tmp_path / "a.nwb")
    assert result.returncode == 1 and f"would record '{tool}'" in result.stderr, result.stderr
    with pytest.raises(InvalidSourceFileError, match=f"would record '{tool}'"):
        interface_class(get_format(source))(file_path=path, sampling_frequency=30.0)
    from poseconv import PoseNWBConverter

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=interface_class(get_format(source)))

    with pytest.raises(InvalidSourceFileError, match=f"would record '{tool}'"):
        Converter(source_data=dict(Pose=dict(file_path=str(path), sampling_frequency=30.0)))
    result, out = run_spec(tmp_path, {"file_path": str(path), "interface": source, "sampling_frequency": 30.0})
    assert result.returncode == 1 and f"would record '{tool}'" in result.stderr
    assert (
        poseconv("convert", path, "--fps", 30, "-o", tmp_path / "b.nwb", "--session-start-time", START).returncode == 0
    )


def test_movement_lightning_pose_files_convert_as_lightning_pose_from_every_entry_point(tmp_path):
    # movement's to_lp_file writes DeepLabCut's layout with the scorer "movement", which names no tool:
    # chosen as Lightning Pose, it is read as Lightning Pose's layout, not refused as DeepLabCut output, and
    # recorded as movement's, as the same file read as DeepLabCut's layout is (since 6dd2db5).
    pytest.importorskip("movement")
    from movement.io import load_poses, save_poses

    from poseconv import LightningPosePoseInterface, PoseNWBConverter

    rng = np.random.default_rng(0)
    position = rng.uniform(0, 500, (40, 2, 3, 1))
    position[5:8, :, 1] = np.nan
    dataset = load_poses.from_numpy(
        position, rng.uniform(0, 1, (40, 3, 1)), individual_names=["mouse"], keypoint_names=["nose", "ear", "tail"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save_poses.to_lp_file(dataset, tmp_path / "preds.csv")
    path = tmp_path / "preds_mouse.csv"
    assert path.exists()

    def check(nwb_path):
        with NWBHDF5IO(str(nwb_path), "r") as io:
            pose = io.read().processing["behavior"]["PoseEstimation"]
            assert pose.source_software == "movement" and pose.scorer == "movement"
            assert "as written by movement" in pose.pose_estimation_series["nose"].confidence_definition
            for k, node in enumerate(["nose", "ear", "tail"]):
                np.testing.assert_array_equal(pose.pose_estimation_series[node].data[:], position[:, :, k, 0])

    result = poseconv(
        "convert", path, "--source", "lp", "--fps", 30, "-o", tmp_path / "a.nwb", "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    check(tmp_path / "a.nwb")
    metadata = {"NWBFile": {"session_start_time": datetime(2024, 5, 1, tzinfo=UTC)}}
    LightningPosePoseInterface(file_path=path, sampling_frequency=30.0).run_conversion(
        nwbfile_path=tmp_path / "b.nwb", metadata=metadata
    )
    check(tmp_path / "b.nwb")

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=LightningPosePoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(path), sampling_frequency=30.0)))
    converter.run_conversion(nwbfile_path=tmp_path / "c.nwb", metadata={**converter.get_metadata(), **metadata})
    check(tmp_path / "c.nwb")
    result, out = run_spec(tmp_path, {"file_path": str(path), "interface": "lp", "sampling_frequency": 30.0})
    assert result.returncode == 0, result.stderr
    check(out)


# -- the spec knows the session kinds, by alias ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "alias"),
    [pytest.param(DLC_3D, "dlc3d", marks=needs_shared_data), (None, "sleap-session")],
    ids=["path0-dlc3d", "path1-sleap-session"],
)
def test_a_spec_names_session_formats_by_alias(tmp_path, path, alias, request):
    path = path or request.getfixturevalue("small_session_slp")
    result, out = run_spec(tmp_path, {"file_path": str(path), "interface": alias, "sampling_frequency": 30.0})
    assert result.returncode == 0, result.stderr
    assert "MultiCameraPoseEstimation" in behavior_types(out)[0]


# -- one timing rule: what the user states wins, with a warning naming the video's rate ----------------


@needs_shared_data
def test_a_stated_rate_wins_over_the_video_with_a_warning(tmp_path):
    from poseconv import DeepLabCutPoseInterface

    interface = DeepLabCutPoseInterface(file_path=DLC_WITH_VIDEO, sampling_frequency=25.0)
    # Said when the times are used (times the user gives next replace them without a word).
    with pytest.warns(PoseconvWarning, match=r"the video m3v1mp4short.mp4 gives 30.0003 fps"):
        times = interface.get_timestamps()
    np.testing.assert_allclose(np.diff(times), 1 / 25.0)
    out = tmp_path / "a.nwb"
    result = poseconv("convert", DLC_WITH_VIDEO, "--fps", 25, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert "30.0003 fps" in result.stderr
    with NWBHDF5IO(str(out), "r") as io:
        container = first_pose_estimation(io.read())
        series = next(iter(container.pose_estimation_series.values()))
        # The rate may be stored as rate or as timestamps; either way the stated rate is used.
        assert series.rate == 25.0 or np.allclose(np.diff(series.timestamps[:]), 1 / 25.0)


@needs_shared_data
def test_a_stated_rate_wins_in_a_converter_and_a_spec(tmp_path):
    from poseconv import DeepLabCutPoseInterface, PoseNWBConverter

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=DeepLabCutPoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(DLC_WITH_VIDEO), sampling_frequency=25.0)))
    with pytest.warns(PoseconvWarning, match=r"gives 30.0003 fps"):
        np.testing.assert_allclose(np.diff(converter.data_interface_objects["Pose"].get_timestamps()), 1 / 25.0)
    result, out = run_spec(tmp_path, {"file_path": str(DLC_WITH_VIDEO), "sampling_frequency": 25.0})
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(str(out), "r") as io:
        container = first_pose_estimation(io.read())
        series = next(iter(container.pose_estimation_series.values()))
        np.testing.assert_allclose(np.diff(series.get_timestamps()[:3]), 1 / 25.0)


@needs_shared_data
def test_timestamps_from_a_file_on_the_command_line(tmp_path):
    from poseconv import DeepLabCutPoseInterface

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n_frames = len(DeepLabCutPoseInterface(file_path=DLC_WITH_VIDEO).get_timestamps())
    times = 3.0 + np.cumsum(np.full(n_frames, 0.04))
    (tmp_path / "times.csv").write_text("time_s\n" + "\n".join(map(repr, times.tolist())), encoding="utf-8")
    out = tmp_path / "a.nwb"
    result = poseconv(
        "convert", DLC_WITH_VIDEO, "--timestamps", tmp_path / "times.csv", "-o", out, "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(str(out), "r") as io:
        container = first_pose_estimation(io.read())
        series = next(iter(container.pose_estimation_series.values()))
        np.testing.assert_allclose(series.get_timestamps()[:], times, rtol=0, atol=1e-9)
    # A file of the wrong length is named with what is wrong with it.
    (tmp_path / "short.csv").write_text("\n".join(map(repr, times[:10].tolist())), encoding="utf-8")
    result = poseconv("convert", DLC_WITH_VIDEO, "--timestamps", tmp_path / "short.csv", "-o", tmp_path / "b.nwb")
    assert result.returncode == 1 and f"--timestamps {tmp_path / 'short.csv'}: video " in result.stderr, result.stderr
    assert f"has {n_frames} frames but 10 timestamps were given" in result.stderr


@needs_shared_data
def test_a_starting_time_shifts_the_frames_alike_from_the_command_line_and_a_spec(tmp_path):
    # Before, only a spec's starting_time and set_aligned_starting_time could shift the frames: the command line
    # had no way, so it wrote 0.0 where the others wrote 2.5.
    times = 3.0 + np.arange(31) * 0.04
    np.save(tmp_path / "times.npy", times)
    given = {"file_path": str(DLC_WITH_VIDEO), "timestamps_file": str(tmp_path / "times.npy"), "starting_time": 2.5}
    result, from_spec = run_spec(tmp_path, given)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "a.nwb"
    args = ("--timestamps", tmp_path / "times.npy", "--starting-time", 2.5, "-o", out, "--session-start-time", START)
    result = poseconv("convert", DLC_WITH_VIDEO, *args)
    assert result.returncode == 0, result.stderr
    for path in (from_spec, out):
        with NWBHDF5IO(str(path), "r") as io:
            series = next(iter(first_pose_estimation(io.read()).pose_estimation_series.values()))
            np.testing.assert_allclose(series.get_timestamps()[:], times + 2.5, rtol=0, atol=1e-9)
    # Not a number of seconds: said with the option, and nothing written.
    result = poseconv("convert", DLC_WITH_VIDEO, "--fps", 30, "--starting-time", "nan", "-o", tmp_path / "b.nwb")
    assert result.returncode == 1 and "--starting-time nan: " in result.stderr and not (tmp_path / "b.nwb").exists()


# -- a new format is one reader module plus one catalog entry -------------------------------------------

TOY_MODULE = '''
"""A toy pose format: one line per frame, "x0 y0 x1 y1" for two nodes of one animal."""

from pathlib import Path

import numpy as np

from poseconv.catalog import Format
from poseconv.model import PoseData, PoseTrack, Skeleton, VideoInfo


def is_toy_file(path):
    return Path(path).read_text().startswith("# toy pose")


def read_toy(path):
    values = np.loadtxt(path, comments="#", ndmin=2).reshape(-1, 2, 2)
    return PoseData.from_tracks(
        source_software="ToyTracker",
        source_file=Path(path),
        skeletons=[Skeleton(name="toy", nodes=("head", "tail"), edges=((0, 1),))],
        videos=[VideoInfo(key="cam", n_frames=len(values))],
        tracks=[PoseTrack(name="animal", skeleton="toy", video="cam", positions=values)],
    )


FORMAT = Format(
    name="Toy",
    source_software="ToyTracker",
    kind="predictions",
    aliases=("toy",),
    suffixes=frozenset({".toy"}),
    reader="toyformat:read_toy",
    sniffer="toyformat:is_toy_file",
    description="Toy tracker output (.toy)",
)
'''


def test_a_format_published_by_another_package_converts_from_the_cli_and_a_spec(tmp_path):
    import os

    plugin = tmp_path / "plugin"
    (plugin / "toy_format-1.0.dist-info").mkdir(parents=True)
    (plugin / "toyformat.py").write_text(textwrap.dedent(TOY_MODULE), encoding="utf-8")
    (plugin / "toy_format-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: toy-format\nVersion: 1.0\n"
    )
    (plugin / "toy_format-1.0.dist-info" / "entry_points.txt").write_text(
        "[poseconv.formats]\ntoy = toyformat:FORMAT\n"
    )
    data = tmp_path / "run1.toy"
    data.write_text("# toy pose\n1 2 3 4\n5 6 7 8\n9 10 11 12\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin), os.environ.get("PYTHONPATH", "")])}

    out = tmp_path / "cli.nwb"
    result = poseconv("convert", data, "--fps", 10, "-o", out, "--session-start-time", START, env=env)
    assert result.returncode == 0, result.stderr
    spec = {
        "output_folder": str(tmp_path / "nwb"),
        "sessions": [
            {
                "session_id": "s1",
                "session_start_time": START,
                "pose": [{"file_path": str(data), "sampling_frequency": 10.0}],
            }
        ],
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = poseconv("run", tmp_path / "spec.yaml", "--jobs", "1", env=env)
    assert result.returncode == 0, result.stderr

    from poseconv import read_nwb

    for path in (out, tmp_path / "nwb" / "s1.nwb"):
        (pose,) = read_nwb(path)
        assert pose.source_software == "ToyTracker"
        (track,) = pose.tracks
        np.testing.assert_array_equal(np.asarray(track.positions), np.arange(1, 13, dtype=float).reshape(3, 2, 2))
        assert pose.timing["cam"].rate == 10.0 if "cam" in pose.timing else True


def test_a_start_time_in_the_future_is_an_error_from_every_entry_point(tmp_path):
    # Before, a mistyped year (2042) was written; nwbinspector then reports it as CRITICAL.
    from poseconv import PoseNWBConverter, SLEAPPoseInterface

    future = "2042-05-01T10:00:00+00:00"
    result = poseconv("convert", FLIES, "--fps", 30, "--session-start-time", future, "-o", tmp_path / "a.nwb")
    assert result.returncode == 1 and "is in the future" in result.stderr, result.stderr
    metadata = {"NWBFile": {"session_start_time": datetime.fromisoformat(future)}}
    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    with pytest.raises(MetadataError, match="is in the future"):
        interface.run_conversion(nwbfile_path=tmp_path / "b.nwb", metadata=metadata)

    class Converter(PoseNWBConverter):
        data_interface_classes = dict(Pose=SLEAPPoseInterface)

    converter = Converter(source_data=dict(Pose=dict(file_path=str(FLIES), sampling_frequency=30.0)))
    with pytest.raises(MetadataError, match="is in the future"):
        converter.run_conversion(nwbfile_path=tmp_path / "c.nwb", metadata=metadata)
    result, out = run_spec(tmp_path, {"file_path": str(FLIES), "sampling_frequency": 30.0}, session_start_time=future)
    assert result.returncode == 1 and "sessions[0].session_start_time" in result.stderr, result.stderr
    assert "is in the future" in result.stderr
    assert not [p for p in tmp_path.rglob("*.nwb")]


def test_the_start_time_is_checked_the_same_everywhere(tmp_path):
    from poseconv import SLEAPPoseInterface

    interface = SLEAPPoseInterface(file_path=FLIES, sampling_frequency=30.0)
    naive = {"NWBFile": {"session_start_time": datetime(2024, 5, 1, 10)}}
    with pytest.raises(MetadataError, match="has no time zone"):
        interface.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=naive)
    aware = {"NWBFile": {"session_start_time": datetime(2024, 5, 1, 10, tzinfo=UTC)}}
    interface.run_conversion(nwbfile_path=tmp_path / "a.nwb", metadata=aware)
    assert (tmp_path / "a.nwb").is_file()


@needs_shared_data
def test_two_files_of_one_video_get_the_same_names_from_the_cli_and_a_spec(tmp_path):
    # Both name the files' inputs by the files; before, a spec named them Pose0, Pose1, and the containers
    # (renamed apart by their input's name, the video being shared) were named otherwise than by the CLI.
    videos = SHARED_DATA / "deeplabcut/TEST-Alex-2019-11-04/videos"
    files = [videos / "reachingvideo1shortDLC_resnet50_TESTNov4shuffle1_10.h5"]
    files.append(files[0].with_name(files[0].stem + "filtered.h5"))
    out = tmp_path / "cli.nwb"
    result = poseconv("convert", *files, "--source", "dlc", "-o", out, "--session-start-time", START, "-q")
    assert result.returncode == 0, result.stderr
    spec = {
        "output_folder": str(tmp_path / "nwb"),
        "sessions": [{"session_id": "s1", "session_start_time": START, "pose": [{"file_path": str(f)} for f in files]}],
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert poseconv("run", tmp_path / "spec.yaml", "--jobs", "1").returncode == 0
    assert behavior_types(out) == behavior_types(tmp_path / "nwb/s1.nwb")
    with NWBHDF5IO(str(out), "r") as a, NWBHDF5IO(str(tmp_path / "nwb/s1.nwb"), "r") as b:
        names = set(a.read().processing["behavior"].data_interfaces)
        assert names == set(b.read().processing["behavior"].data_interfaces)
    assert {f"PoseEstimation_{f.stem}" for f in files} <= names


@needs_shared_data
def test_video_for_a_session_file_says_how_to_give_its_cameras_videos(tmp_path):
    # Before, --video on a session .slp failed with pydantic's "video_file_paths: Input should be a valid
    # dictionary", which names nothing a command-line user can change.
    video = SESSION_SLP.parent.parent.parent / "videos/min_session_back.mp4"
    out = tmp_path / "s.nwb"
    result = poseconv("convert", SESSION_SLP, "--video", video, "--fps", 30, "--session-start-time", START, "-o", out)
    assert result.returncode == 1 and "one video per camera" in result.stderr, result.stderr
    assert "video_file_paths: {camera: path}" in result.stderr and not out.exists()
