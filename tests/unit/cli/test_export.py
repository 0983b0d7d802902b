"""``poseconv export`` of several videos: one file each, named as the tools name theirs (cli/export.py)."""

from __future__ import annotations

import os

import pytest

from tests.fixtures.sleap import write_two_video_predictions
from tests.integration.test_cli import poseconv

sio = pytest.importorskip("sleap_io")

START = "2024-05-01T10:30:00+02:00"


@pytest.mark.parametrize(
    ("to", "name", "written"),
    [
        # SLEAP's endings of two suffixes stay whole: the video goes before them.
        ("sleap-analysis", "session1.analysis.h5", ["session1_cam1.analysis.h5", "session1_cam2.analysis.h5"]),
        ("sleap-analysis", "session1.h5", ["session1_cam1.h5", "session1_cam2.h5"]),
        ("movement", "session1.nc", ["session1_cam1.nc", "session1_cam2.nc"]),
    ],
)
def test_the_files_of_several_videos_keep_the_outputs_ending(tmp_path, to, name, written):
    source = write_two_video_predictions(tmp_path / "two.slp")
    out = tmp_path / "out"
    out.mkdir()
    poseconv("export", source, "--to", to, out / name)
    assert sorted(p.name for p in out.iterdir()) == written


def test_a_3d_session_to_slp_says_its_3d_poses_are_not_written(tmp_path, generated_dlc_3d_session):
    # A .slp session holds the cameras and their 2D poses: the triangulated points were left out without a word,
    # while --to sleap-analysis and --to slp --container said so.
    nwb = tmp_path / "s.nwb"
    poseconv("convert", generated_dlc_3d_session["path"], "--fps", 30, "-o", nwb, "--session-start-time", START)
    result = poseconv("export", nwb, "--to", "slp", tmp_path / "o.slp")
    assert "3D poses (mouse1, mouse2) are not written: --to slp holds 2D poses" in result.stderr, result.stderr
    assert (tmp_path / "o.slp").exists()


def _predictions(path, tracks_by_video: dict[str, tuple[str, ...]]):
    """Write a .slp of predictions (three frames) of the named tracks on each video (not on disk)."""
    import numpy as np

    from tests.fixtures.sleap import predictions_per_frame

    skeleton = sio.Skeleton(["head", "tail"])
    tracks = {name: sio.Track(name) for names in tracks_by_video.values() for name in names}
    videos, frames = [], []
    for video_name, names in tracks_by_video.items():
        video = sio.Video(filename=video_name, open_backend=False)
        videos.append(video)
        frames += predictions_per_frame(
            video,
            skeleton,
            range(3),
            np.array([[1.0, 2.0], [3.0, 4.0]]),
            point_scores=np.array([0.9, 0.8]),
            tracks=[tracks[name] for name in names],
        ).labeled_frames
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=videos, tracks=list(tracks.values())), str(path))
    return path


@pytest.mark.parametrize(
    ("tracks_by_video", "written"),
    [
        # A video holding one animal of a multi-animal file: its file was o_side.csv, the animal named nowhere.
        (
            {"top.mp4": ("m1", "m2"), "side.mp4": ("m1",)},
            ["o_side_m1.csv", "o_top_m1.csv", "o_top_m2.csv"],
        ),
        ({"top.mp4": ("m1",), "side.mp4": ("m1",)}, ["o_side.csv", "o_top.csv"]),
    ],
)
def test_lp_names_the_animal_whenever_the_file_holds_several(tmp_path, tracks_by_video, written):
    nwb = tmp_path / "s.nwb"
    poseconv(
        "convert",
        _predictions(tmp_path / "p.slp", tracks_by_video),
        "--fps",
        30,
        "-o",
        nwb,
        "--session-start-time",
        START,
        "-q",
    )
    out = tmp_path / "out"
    out.mkdir()
    poseconv("export", nwb, "--to", "lp", out / "o.csv", "-q")
    assert sorted(p.name for p in out.iterdir()) == written


def test_slp_files_of_two_cameras_are_named_by_their_videos(tmp_path):
    # --to slp wrote o_0.slp and o_1.slp where --to dlc wrote o_cam1.h5 and o_cam2.h5: which camera was which?
    import numpy as np

    from tests.fixtures.deeplabcut import write_dlc_file

    inputs = []
    for camera, shuffle in (("cam1", 1), ("cam2", 2)):
        # Two scorers: the NWB file's poses are read back as two PoseData, one .slp each.
        scorer = f"DLC_resnet50_testJan1shuffle{shuffle}_100"
        positions, likelihood = {"nose": np.ones((3, 2))}, {"nose": np.full(3, 0.9)}
        inputs.append(
            write_dlc_file(tmp_path / f"{camera}{scorer}.h5", positions, likelihood=likelihood, scorer=scorer)
        )
    nwb = tmp_path / "s.nwb"
    poseconv("convert", *inputs, "--fps", 30, "-o", nwb, "--session-start-time", START, "-q")
    out = tmp_path / "out"
    out.mkdir()
    poseconv("export", nwb, "--to", "slp", out / "o.slp", "-q")
    poseconv("export", nwb, "--to", "dlc", out / "o.h5", "-q")
    assert sorted(p.name for p in out.iterdir()) == ["o_cam1.h5", "o_cam1.slp", "o_cam2.h5", "o_cam2.slp"]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--to", "slp"), "not to --to slp without --training"),
        (("--to", "dlc"), "not to --to dlc without --training"),
        (("--training", "--to", "slp"), "not to --to slp"),
        # Lightning Pose's labels hold one animal: animals named by order would only be refused there.
        (("--training", "--to", "lp"), "Lightning Pose's holds one animal), not to --to lp"),
    ],
)
def test_untracked_is_refused_where_it_does_nothing(tmp_path, options, said):
    # It was taken without a word: only --training --to dlc names untracked animals by their order.
    from tests.integration.test_cli import assert_one_line_error

    output = tmp_path / ("o.slp" if "slp" in options else "o.h5")
    result = poseconv("export", tmp_path / "s.nwb", *options, "--untracked", "by_order", output, check_rc=None)
    assert_one_line_error(result, "--untracked by_order applies to --training --to dlc only", said)
    assert not output.exists()


@pytest.mark.parametrize("to", ["movement", "sleap-analysis"])
def test_training_refusal_names_every_format_it_takes(tmp_path, to):
    # It said "--training exports to dlc or slp", yet --to lp writes Lightning Pose's CollectedData.csv.
    from tests.integration.test_cli import assert_one_line_error

    output = tmp_path / ("o.nc" if to == "movement" else "o.h5")
    result = poseconv("export", tmp_path / "s.nwb", "--training", "--to", to, output, check_rc=None)
    assert_one_line_error(result, "--training exports to dlc, lp or slp;")


@pytest.mark.skipif(os.sep != "/", reason="symbolic links need rights on Windows")
def test_an_output_folder_that_is_a_link_to_nothing_is_named_by_export_and_convert(tmp_path):
    # Before: export said "[Errno 17] File exists: 'dang'", and convert "the folder <target> does not exist",
    # naming the link's target, not the link.
    from tests.fixtures.cli import poseconv_in_process
    from tests.fixtures.nwb import write_source_frame_training

    dang = tmp_path / "dang"
    dang.symlink_to(tmp_path / "not_mounted")
    said = "a symbolic link to {}, which does not exist (a drive not mounted, a folder moved); mount it or point "
    said = said.format(tmp_path / "not_mounted")
    training = write_source_frame_training(tmp_path / "t.nwb")
    for command, named in (
        (("export", training, dang / "sub", "--to", "dlc", "--training"), f": is in {dang}, {said}"),
        (("export", training, dang / "out" / "CD.h5", "--to", "dlc", "--training"), f"{dang / 'out'}: is in {dang}"),
        (("convert", write_two_video_predictions(tmp_path / "two.slp"), "-o", dang / "x.nwb"), f"{dang}: is {said}"),
    ):
        result = poseconv_in_process(*command)
        assert result.returncode != 0 and named in result.stderr, result.stderr
        assert "Errno" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def _poses_in_cm(path) -> None:
    """Write another tool's NWB file of 2D poses in centimetres (a lab's own calibration)."""
    import datetime

    import numpy as np
    from ndx_pose import PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons
    from pynwb import NWBHDF5IO, NWBFile

    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    nwbfile = NWBFile(session_description="x", identifier="x", session_start_time=start)
    behavior = nwbfile.create_processing_module("behavior", "x")
    skeleton = Skeleton(name="sk", nodes=["nose", "tail"])
    behavior.add(Skeletons(skeletons=[skeleton]))
    series = [
        PoseEstimationSeries(
            name=node, data=np.full((5, 2), 12.5), unit="cm", reference_frame="arena corner", rate=30.0
        )
        for node in ("nose", "tail")
    ]
    behavior.add(PoseEstimation(name="PoseEstimation", pose_estimation_series=series, skeleton=skeleton))
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)


@pytest.mark.parametrize(("to", "name"), [("dlc", "o.h5"), ("slp", "o.slp"), ("lp", "o.csv"), ("movement", "o.nc")])
def test_2d_poses_not_in_pixels_are_said_to_be_read_as_pixels(tmp_path, to, name):
    # cm of an arena went where the format holds pixels of the video, without a word (convert refuses them).
    _poses_in_cm(tmp_path / "cm.nwb")
    result = poseconv("export", tmp_path / "cm.nwb", "--to", to, tmp_path / name)
    said = "its 2D poses are in 'cm', not pixels" in result.stderr
    assert said == (to != "movement"), result.stderr


def test_the_exporters_say_so_from_python_too(tmp_path):
    # The check was the command's only: write_deeplabcut and write_slp wrote cm as pixels without a word.
    from poseconv import read_nwb
    from poseconv.errors import PoseconvWarning
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.exporters.sleap import write_slp

    _poses_in_cm(tmp_path / "cm.nwb")
    [pose] = read_nwb(tmp_path / "cm.nwb")
    with pytest.warns(PoseconvWarning, match=r"in 'cm', not pixels; a DeepLabCut \(or Lightning Pose\) table"):
        write_deeplabcut(pose, tmp_path / "o.h5")
    with pytest.warns(PoseconvWarning, match=r"in 'cm', not pixels; a SLEAP \.slp file .*export --to movement"):
        write_slp(pose, tmp_path / "o.slp")


def test_lp_file_named_after_a_long_track_names_the_track_and_how_to_export_it(tmp_path):
    # It said "x_cam_TTT…csv: the name is 310 bytes long … Choose a shorter name.": OUT fits, the track does not.
    from tests.fixtures.cli import poseconv_in_process
    from tests.integration.test_cli import assert_one_line_error

    long_track = "T" * 300
    nwb = tmp_path / "s.nwb"
    source = _predictions(tmp_path / "p.slp", {"cam.mp4": ("m1", long_track)})
    poseconv("convert", source, "--fps", 30, "-o", nwb, "--session-start-time", START, "-q")
    result = poseconv_in_process("export", nwb, "--to", "lp", tmp_path / "x.csv")
    assert_one_line_error(
        result,
        f"{tmp_path / 'x.csv'}: the file for the track '{'T' * 40}…' would be named 'x_cam_TTT",
        "The track's name (300 characters) makes it long, not OUT. Export that animal on its own with --container",
    )
    assert "Choose a shorter name" not in result.stderr and not list(tmp_path.glob("x*"))
    # As the message says: that animal alone goes to OUT itself.
    alone = poseconv_in_process(
        "export", nwb, "--to", "lp", tmp_path / "x.csv", "--container", f"PoseEstimation_{long_track}"
    )
    assert alone.returncode == 0 and (tmp_path / "x.csv").exists(), alone.stderr
