"""LightningPoseMultiViewInterface: a list of videos goes to the view files given, or by the views' order."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidOptionError
from poseconv.interfaces import LightningPoseMultiViewInterface
from tests.fixtures.lightningpose import LP_VIDEO, write_eks_multicam
from tests.fixtures.paths import needs_shared_data
from tests.unit.readers.test_lightningpose_multiview_sessions import write_view

pytestmark = pytest.mark.filterwarnings("ignore::poseconv.errors.PoseconvWarning")


def write_session(tmp_path, view_names=("top", "bot"), stems=("sess_top", "sess_bot"), config=True):
    preds, videos = tmp_path / "preds", tmp_path / "videos"
    preds.mkdir()
    videos.mkdir()
    if config:
        (preds / "config.yaml").write_text(f"data:\n  view_names: [{', '.join(view_names)}]\n")
    files, movies = [], []
    for i, stem in enumerate(stems):
        files.append(write_view(preds / f"{stem}.csv", offset=i))
        movies.append(videos / f"camera{i}.mp4")
        movies[-1].symlink_to(LP_VIDEO)
    return preds, files, movies


@pytest.mark.parametrize("given", ["folder", "one view"])
def test_a_list_of_videos_goes_to_the_views_in_the_config_s_order(tmp_path, given):
    # Refused before: "2 video(s) for 1 predictions file(s)", though the session has two views.
    preds, files, movies = write_session(tmp_path, view_names=("bot", "top"), stems=("sess_top", "sess_bot"))
    file_path = preds if given == "folder" else files[0]
    interface = LightningPoseMultiViewInterface(file_path=file_path, video_file_paths=movies[::-1])
    # data.view_names is [bot, top]: the first video is bot's (camera1.mp4), the second top's.
    assert interface._video_paths() == {"sess_bot": movies[1], "sess_top": movies[0]}


def test_a_list_of_videos_of_the_wrong_length_names_the_views_and_their_order(tmp_path):
    preds, _, movies = write_session(tmp_path)
    with pytest.raises(
        InvalidOptionError, match=r"1 video\(s\) for the 2 views \['top', 'bot'\] \(in the order of the model config"
    ):
        LightningPoseMultiViewInterface(file_path=preds, video_file_paths=movies[:1])


def test_views_named_by_their_files_refuse_a_list_of_videos_that_name_no_view(tmp_path):
    # EKS multi-camera output names its views in its file names only, sorted bot, top: camera0.mp4 went to bot,
    # whichever camera it filmed.
    preds, _, movies = write_session(tmp_path, stems=("multicam_top_results", "multicam_bot_results"), config=False)
    with pytest.raises(
        InvalidOptionError,
        match=r"sorted: bot, top\) only when each video's name names its view \(<session>_<view>.mp4\), .*; "
        r"camera0.mp4 \(for 'bot'\), camera1.mp4 \(for 'top'\) name\(s\) no view: give them by view name: "
        r"video_file_paths=\{'bot': ..., 'top': ...\} .* or view_names in the cameras' order \(-O 'view_names=\[bot, "
        r"top\]'\)",
    ):
        LightningPoseMultiViewInterface(file_path=preds, video_file_paths=movies)
    by_name = {"top": movies[0], "bot": movies[1]}
    interface = LightningPoseMultiViewInterface(file_path=preds, video_file_paths=by_name)
    assert interface._video_paths() == {"multicam_top_results": movies[0], "multicam_bot_results": movies[1]}
    # The view names give the order: the list goes by it, whatever the videos' names.
    interface = LightningPoseMultiViewInterface(file_path=preds, view_names=["top", "bot"], video_file_paths=movies)
    assert interface._video_paths() == {"multicam_top_results": movies[0], "multicam_bot_results": movies[1]}


def test_a_video_named_for_another_view_than_its_place_in_the_list_is_refused(tmp_path):
    preds, _, movies = write_session(tmp_path, stems=("multicam_top_results", "multicam_bot_results"), config=False)
    top, bot = tmp_path / "videos" / "s1_top.mp4", tmp_path / "videos" / "s1_bot.mp4"
    top.symlink_to(LP_VIDEO)
    bot.symlink_to(LP_VIDEO)
    with pytest.raises(InvalidOptionError, match=r"s1_top.mp4: given for view 'bot' .*: bot, top\), but its name"):
        LightningPoseMultiViewInterface(file_path=preds, video_file_paths=[top, bot])
    interface = LightningPoseMultiViewInterface(file_path=preds, video_file_paths=[bot, top])
    assert interface._video_paths() == {"multicam_bot_results": bot, "multicam_top_results": top}
    # Named for its view or not, every video must say so: one that names no view is refused.
    with pytest.raises(InvalidOptionError, match=r"; camera1.mp4 \(for 'top'\) name\(s\) no view: give them"):
        LightningPoseMultiViewInterface(file_path=preds, video_file_paths=[bot, movies[1]])


@needs_shared_data
def test_eks_s_3d_file_among_the_view_files_takes_no_video(tmp_path):
    # A KeyError before: the 3D file was counted as a view to link a video to.
    views = write_eks_multicam(tmp_path / "eks")
    files = [views["top"], views["bot"], tmp_path / "eks" / "multicam_3d_results.csv"]
    # Named for no view: the view files given set the order.
    movies = [tmp_path / "camA.mp4", tmp_path / "camB.mp4"]
    for movie in movies:
        movie.symlink_to(LP_VIDEO)
    interface = LightningPoseMultiViewInterface(file_path=files[0], view_file_paths=files, video_file_paths=movies)
    assert interface._video_paths() == {"multicam_top_results": movies[0], "multicam_bot_results": movies[1]}
    with pytest.raises(
        InvalidOptionError,
        match=r"3 video\(s\) for 2 view file\(s\) \(multicam_top_results.csv, multicam_bot_results.csv; "
        r"multicam_3d_results.csv: no view, no video\); give one video per view file",
    ):
        LightningPoseMultiViewInterface(
            file_path=files[0], view_file_paths=files, video_file_paths=[*movies, movies[0]]
        )
