r"""A Lightning Pose model trained on Windows: its config's video folders are Windows paths.

Its ``.hydra/config.yaml`` records ``data.video_dir: C:\Users\lab\...\videos`` and
``eval.test_videos_directory: D:/lp/videos``. Before, with the video not beside the predictions, the
error asking for a rate said only "looked for it in .../video_preds": the config's folders were dropped
unnamed (a drive path was even joined to the model's folder as one odd name), and a relative path written
with ``\`` (``data\videos``) was read as one file name, so a video that is here was not found.
"""

from __future__ import annotations

import os
import shutil

import pytest

from poseconv.errors import MetadataError
from poseconv.interfaces.lightningpose import LightningPosePoseInterface
from poseconv.readers.lightningpose import read_lightning_pose
from tests.fixtures.lightningpose import LP_VIDEO
from tests.fixtures.paths import needs_shared_data
from tests.unit.readers.test_lightningpose_videos import lp_model

pytestmark = needs_shared_data

posix_only = pytest.mark.skipif(os.sep != "/", reason="Windows reads these paths as its own")

WINDOWS_DATA = r"C:\Users\lab\lp\data\mirror-mouse-example"


@posix_only
def test_windows_folders_of_the_config_are_named_in_the_error(tmp_path):
    predictions = lp_model(
        tmp_path, None, data_dir=WINDOWS_DATA, video_dir=WINDOWS_DATA + r"\videos", test_videos_directory="D:/lp/videos"
    )
    pose = read_lightning_pose(predictions)
    assert pose.videos["test_vid"].path is None
    assert pose.notes["videos"]["test_vid"]["looked_in"] == [
        str(predictions.parent),
        "D:/lp/videos (eval.test_videos_directory of the model's config)",
        WINDOWS_DATA + r"\videos (data.video_dir of the model's config)",
    ]
    with pytest.raises(MetadataError) as raised:
        LightningPosePoseInterface(file_path=predictions).get_original_timestamps()
    said = str(raised.value)
    assert (
        f"(looked for it in {predictions.parent}; D:/lp/videos (eval.test_videos_directory of the model's config) "
        rf"and {WINDOWS_DATA}\videos (data.video_dir of the model's config) are Windows paths, which this "
        "computer cannot open)"
    ) in said, said
    assert "video_file_path= (--video)" in said and "--fps" in said


@posix_only
def test_a_folder_relative_to_a_windows_data_dir_is_named_as_windows_joined_it(tmp_path):
    # video_dir as Lightning Pose's example writes it (${data.data_dir}/videos), on a Windows data_dir.
    predictions = lp_model(tmp_path, None, data_dir=WINDOWS_DATA, video_dir="videos", test_videos_directory=None)
    assert read_lightning_pose(predictions).notes["videos"]["test_vid"]["looked_in"][1:] == [
        WINDOWS_DATA + r"\videos (data.video_dir of the model's config)"
    ]


@posix_only
def test_relative_paths_written_with_backslashes_are_found(tmp_path):
    # Relative to three folders above the model folder (data_dir, test videos), video_dir to data_dir.
    predictions = lp_model(
        tmp_path, "data/mm/clips", data_dir=r"data\mm", video_dir="clips", test_videos_directory=None
    )
    assert read_lightning_pose(predictions).videos["test_vid"].path == tmp_path / "data/mm/clips/test_vid.mp4"
    other = tmp_path / "other"
    predictions = lp_model(other, "to predict/day 1", data_dir="data", test_videos_directory=r"to predict\day 1")
    assert read_lightning_pose(predictions).videos["test_vid"].path == other / "to predict/day 1/test_vid.mp4"


@posix_only
def test_a_backslash_name_that_exists_as_written_is_taken_as_written(tmp_path):
    # Here "\" may be a letter of a folder's name: the name as written wins, as a batch spec's does.
    predictions = lp_model(tmp_path, "a\\b", data_dir="data", test_videos_directory="a\\b")
    assert read_lightning_pose(predictions).videos["test_vid"].path == tmp_path / "a\\b/test_vid.mp4"


def test_the_notes_stay_empty_when_the_video_is_found(tmp_path):
    predictions = lp_model(tmp_path, None, data_dir=WINDOWS_DATA, video_dir="videos", test_videos_directory=None)
    shutil.copy(LP_VIDEO, predictions.with_suffix(".mp4"))
    pose = read_lightning_pose(predictions)
    assert pose.videos["test_vid"].path == predictions.with_suffix(".mp4") and "videos" not in pose.notes
    assert pose.notes["config_file"].endswith(".hydra/config.yaml")
