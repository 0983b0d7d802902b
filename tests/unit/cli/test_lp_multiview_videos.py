"""``--source lp-multiview`` videos on the command line and in a spec: a --video per view, or by view name.

EKS multi-camera output names its views in its file names only (``multicam_<view>_results.csv``) and writes
its 3D poses beside them (``multicam_3d_results.csv``), which is no view and takes no video.
"""

from __future__ import annotations

import pytest

from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.lightningpose import LP_VIDEO, write_eks_multicam
from tests.fixtures.paths import needs_shared_data

pytestmark = [needs_shared_data, pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")]

START = "2024-05-01T10:00:00+00:00"


@pytest.fixture
def eks(tmp_path):
    """EKS output (views top and bot, the 3D file) and a video per view, named for its view; return them."""
    folder = tmp_path / "eks"
    views = write_eks_multicam(folder)
    videos = {view: tmp_path / f"s1_{view}.mp4" for view in views}
    for video in videos.values():
        video.symlink_to(LP_VIDEO)
    return folder, views, videos


def convert(tmp_path, *args):
    out = tmp_path / "out.nwb"
    result = poseconv_in_process(
        "convert", *args, "--source", "lp-multiview", "-o", out, "--session-start-time", START, "--overwrite"
    )
    return result, out


def linked(path):
    """Return the video file name each camera's ``Video <view file>`` links to in the NWB file at ``path``."""
    from pynwb import NWBHDF5IO

    with NWBHDF5IO(str(path), "r") as io:
        return {name: str(series.external_file[0]).rsplit("/", 1)[-1] for name, series in io.read().acquisition.items()}


LINKED = {"Video multicam_top_results": "s1_top.mp4", "Video multicam_bot_results": "s1_bot.mp4"}


def test_a_folder_and_a_video_per_view_in_the_order_of_its_files(tmp_path, eks):
    # Refused before: "the views ... were named by their files, in no order given".
    folder, _, videos = eks
    result, out = convert(tmp_path, folder, "--video", videos["bot"], "--video", videos["top"], "--stub")
    assert result.returncode == 0, result.stderr
    assert linked(out) == LINKED


def test_a_folder_and_videos_out_of_the_order_of_its_files_are_refused_naming_the_order(tmp_path, eks):
    folder, _, videos = eks
    result, out = convert(tmp_path, folder, "--video", videos["top"], "--video", videos["bot"])
    assert result.returncode == 1 and not out.exists()
    assert "s1_top.mp4: given for view 'bot'" in result.stderr
    assert "-O 'video_file_paths={bot: PATH, top: PATH}'" in result.stderr


@pytest.fixture
def unnamed(tmp_path):
    """Return videos of the top and bottom cameras named for no view (``s1_camA.mp4``, ``s1_camB.mp4``)."""
    videos = {view: tmp_path / f"s1_{cam}.mp4" for view, cam in (("top", "camA"), ("bot", "camB"))}
    for video in videos.values():
        video.symlink_to(LP_VIDEO)
    return videos


def test_a_folder_and_videos_that_name_no_view_are_refused_naming_the_views_order(tmp_path, eks, unnamed):
    # Before, camA (the top camera's, given first) was linked to bot, the first view by file name, without a word.
    folder, _, _ = eks
    result, out = convert(tmp_path, folder, "--video", unnamed["top"], "--video", unnamed["bot"], "--stub")
    assert result.returncode == 1 and not out.exists()
    said = " ".join(result.stderr.split())
    assert "(in the order of the names of the files of " in said and "sorted: bot, top) only when each video" in said
    assert "s1_camA.mp4 (for 'bot'), s1_camB.mp4 (for 'top') name(s) no view" in said
    assert "-O 'video_file_paths={bot: PATH, top: PATH}'" in said and "-O 'view_names=[bot, top]'" in said


def test_videos_that_name_no_view_go_by_the_view_names_or_the_view_files_given(tmp_path, eks, unnamed):
    folder, views, _ = eks
    videos = ("--video", unnamed["top"], "--video", unnamed["bot"], "--stub")
    linked_so = {"Video multicam_top_results": "s1_camA.mp4", "Video multicam_bot_results": "s1_camB.mp4"}
    result, out = convert(tmp_path, folder, "-O", "view_names=[top, bot]", *videos)
    assert result.returncode == 0, result.stderr
    assert linked(out) == linked_so
    result, out = convert(tmp_path, views["top"], views["bot"], *videos)
    assert result.returncode == 0, result.stderr
    assert linked(out) == linked_so


def test_the_videos_by_view_name_with_option(tmp_path, eks):
    # Refused before: "--option video_file_paths: it is given by --video, not by --option."
    folder, _, videos = eks
    by_name = f"video_file_paths={{top: {videos['top']}, bot: {videos['bot']}}}"
    result, out = convert(tmp_path, folder, "-O", by_name, "--stub")
    assert result.returncode == 0, result.stderr
    assert linked(out) == LINKED
    both, _ = convert(tmp_path, folder, "-O", by_name, "--video", videos["bot"], "--video", videos["top"])
    assert both.returncode == 1
    assert "--video and --option video_file_paths both give the videos; give them once" in both.stderr


def test_the_view_files_with_the_3d_file_take_a_video_per_view_file(tmp_path, eks):
    # "--video was given twice for 3 inputs" before; three videos were a KeyError naming the 3D file.
    folder, views, videos = eks
    files = [views["top"], views["bot"], folder / "multicam_3d_results.csv"]
    result, out = convert(tmp_path, *files, "--video", videos["top"], "--video", videos["bot"], "--stub")
    assert result.returncode == 0, result.stderr
    assert linked(out) == LINKED
    three, _ = convert(tmp_path, *files, *[w for v in (*videos.values(), videos["top"]) for w in ("--video", v)])
    assert three.returncode == 1
    assert "3 video(s) for 2 view file(s) (multicam_top_results.csv, multicam_bot_results.csv; " in three.stderr
    assert "multicam_3d_results.csv: no view, no video); give one video per view file, in their order" in three.stderr


def test_one_view_file_and_the_view_names_take_a_video_per_view(tmp_path, eks):
    # "--video was given twice for one input" before: the other views are found beside the file.
    _, views, videos = eks
    named = ("-O", "view_names=[top, bot]", "--video", videos["top"], "--video", videos["bot"], "--stub")
    result, out = convert(tmp_path, views["top"], *named)
    assert result.returncode == 0, result.stderr
    assert linked(out) == LINKED


def spec_of(tmp_path, files, videos):
    """Write a spec of one session: the view ``files`` and the ``videos`` as lists in its source_data."""
    listed = f"{{view_file_paths: [{', '.join(map(str, files))}], video_file_paths: [{', '.join(map(str, videos))}]}}"
    return one_session_spec(
        tmp_path, f"{{file_path: {files[0]}, interface: lp-multiview, source_data: {listed}}}", start=START
    )


def test_a_spec_s_view_files_with_the_3d_file_take_a_video_per_view_file(tmp_path, eks):
    folder, views, videos = eks
    files = [views["top"], views["bot"], folder / "multicam_3d_results.csv"]
    result = poseconv_in_process("run", spec_of(tmp_path, files, [videos["top"], videos["bot"]]), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    three = [videos["top"], videos["bot"], videos["top"]]
    result = poseconv_in_process("run", spec_of(tmp_path, files, three), "--check")
    said = result.stdout + result.stderr
    # A KeyError before, said as the 3D file's path alone.
    assert result.returncode != 0 and "3 video(s) for 2 view file(s)" in said, said
