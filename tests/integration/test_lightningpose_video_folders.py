"""A Lightning Pose model folder converts from every entry point with the video its config's folders hold.

Lightning Pose keeps the videos in ``data.video_dir`` / ``eval.test_videos_directory``, not beside
``video_preds/<video>.csv``. Before, every entry point stopped with "no frame rate ... no video was
found" although the model's config, which poseconv had read, named the folder holding ``<video>.mp4``.
The trees are built in ``tmp_path`` from the real example config, predictions and video.
"""

from __future__ import annotations

import shutil

import pytest
import yaml
from pynwb import NWBHDF5IO

from poseconv import LightningPoseMultiViewInterface, LightningPosePoseInterface, PoseNWBConverter, read_nwb
from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.lightningpose import LP_CONFIG, LP_CSV, LP_SESSION, LP_VIDEO, LP_VIEWS, write_lp_multiview_session
from tests.fixtures.nwb import user_metadata
from tests.fixtures.paths import needs_shared_data

pytestmark = needs_shared_data

START = "2024-05-01T10:30:00+02:00"


@pytest.fixture
def model(tmp_path):
    """A hydra model folder whose config (saved unresolved) names the data folder holding the video."""
    data_dir = tmp_path / "data/mirror mouse"
    config = yaml.safe_load(LP_CONFIG.read_text())
    config["data"]["data_dir"] = str(data_dir)  # video_dir: ${data.data_dir}/videos
    folder = tmp_path / "outputs/2024-05-01/12-00-00"
    (folder / ".hydra").mkdir(parents=True)
    (folder / "video_preds").mkdir()
    (folder / ".hydra/config.yaml").write_text(yaml.safe_dump(config))
    predictions = folder / "video_preds/test vid.csv"
    shutil.copy(LP_CSV, predictions)
    (data_dir / "videos").mkdir(parents=True)
    shutil.copy(LP_VIDEO, data_dir / "videos/test vid.mp4")
    return predictions


def linked_video(path):
    with NWBHDF5IO(path, "r") as io:
        return io.read().acquisition["Video test vid"].external_file[0]


def assert_timed_by_the_config_s_video(path):
    (pose,) = read_nwb(path)
    assert pose.timing["test vid"].rate == 250.0
    assert linked_video(path).endswith("data/mirror mouse/videos/test vid.mp4")


def test_interface_and_converter_use_the_video_of_the_config_s_folder(tmp_path, model):
    interface = LightningPosePoseInterface(file_path=model)
    interface.run_conversion(nwbfile_path=tmp_path / "interface.nwb", metadata=user_metadata(interface))
    assert_timed_by_the_config_s_video(tmp_path / "interface.nwb")
    converter_class = type(
        "Converter", (PoseNWBConverter,), {"data_interface_classes": {"LP": LightningPosePoseInterface}}
    )
    converter = converter_class(source_data={"LP": {"file_path": str(model)}})
    converter.run_conversion(nwbfile_path=tmp_path / "converter.nwb", metadata=user_metadata(converter))
    assert_timed_by_the_config_s_video(tmp_path / "converter.nwb")


def test_a_video_given_wins_over_the_config_s(tmp_path, model):
    given = tmp_path / "given.mp4"
    shutil.copy(LP_VIDEO, given)
    interface = LightningPosePoseInterface(file_path=model, video_file_path=given)
    interface.run_conversion(nwbfile_path=tmp_path / "given.nwb", metadata=user_metadata(interface))
    assert linked_video(tmp_path / "given.nwb").endswith("given.mp4")


def test_convert_and_run_use_the_video_of_the_config_s_folder(tmp_path, model):
    output = tmp_path / "convert.nwb"
    result = poseconv_in_process("convert", model, "-o", output, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert_timed_by_the_config_s_video(output)
    spec = one_session_spec(tmp_path, f"{{file_path: '{model}', interface: lp}}", start=f"'{START}'")
    result = poseconv_in_process("run", spec, "-j", "1")
    assert result.returncode == 0, result.stderr
    assert_timed_by_the_config_s_video(tmp_path / "nwb/s1.nwb")


def test_multiview_views_take_their_videos_from_the_config_s_folder(tmp_path):
    files = write_lp_multiview_session(tmp_path / "model", with_videos=False, with_metrics=False)
    config = tmp_path / "model/config.yaml"
    config.write_text(config.read_text().replace("data:\n", "data:\n  video_dir: videos\n", 1))
    videos = tmp_path / "project/videos"  # the config's data_dir, and video_dir relative to it
    videos.mkdir(parents=True)
    for view in LP_VIEWS:
        shutil.copy(LP_VIDEO, videos / f"{LP_SESSION}_{view}.mp4")
    interface = LightningPoseMultiViewInterface(file_path=files["top"])
    path = tmp_path / "session.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=user_metadata(interface))
    with NWBHDF5IO(path, "r") as io:
        acquisition = io.read().acquisition
        for view in LP_VIEWS:
            assert (
                acquisition[f"Video {LP_SESSION}_{view}"].external_file[0].endswith(f"videos/{LP_SESSION}_{view}.mp4")
            )


def test_a_video_in_none_of_the_config_s_folders_is_refused_naming_where_it_was_looked_for(tmp_path, model):
    video_dir = model.parents[4] / "data/mirror mouse/videos"
    (video_dir / "test vid.mp4").unlink()
    result = poseconv_in_process("convert", model, "-o", tmp_path / "x.nwb", "--session-start-time", START)
    assert result.returncode == 1
    said = " ".join(result.stderr.split())
    assert "no video was found to read one from (looked for it in" in said and str(video_dir) in said, said
