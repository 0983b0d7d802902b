"""LightningPoseMultiViewInterface: a list of videos with a folder or one view's file goes by the views' order."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidOptionError
from poseconv.interfaces import LightningPoseMultiViewInterface
from tests.fixtures.lightningpose import LP_VIDEO
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


def test_without_an_order_of_the_views_the_message_asks_for_videos_by_view_name(tmp_path):
    # EKS multi-camera output names its views in its file names only: a list has no order to follow.
    preds, _, movies = write_session(tmp_path, stems=("multicam_top_results", "multicam_bot_results"), config=False)
    with pytest.raises(InvalidOptionError, match=r"in no order given: give them by view name: video_file_paths=\{"):
        LightningPoseMultiViewInterface(file_path=preds, video_file_paths=movies)
    by_name = {"top": movies[0], "bot": movies[1]}
    interface = LightningPoseMultiViewInterface(file_path=preds, video_file_paths=by_name)
    assert interface._video_paths() == {"multicam_top_results": movies[0], "multicam_bot_results": movies[1]}
