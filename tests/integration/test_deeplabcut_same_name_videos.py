"""Labs name every session's video alike in its own folder (``day1/cam.mp4``, ``day2/cam.mp4``), and the project's
config.yaml ``video_sets`` records the labeled one only: every entry point links the video beside the predictions
(DeepLabCut writes them beside the video it analysed), not the other session's video of that name."""

from __future__ import annotations

import shutil
import warnings
from datetime import UTC, datetime

import pytest
import yaml
from pynwb import NWBHDF5IO

from poseconv import PoseNWBConverter
from poseconv.batch.runner import run_batch
from poseconv.errors import PoseconvWarning
from poseconv.interfaces import DeepLabCutPoseInterface
from tests.fixtures.cli import one_session_spec, poseconv_in_process
from tests.fixtures.deeplabcut import DLC, OPEN_FIELD, SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data

pytestmark = needs_shared_data

START = "2024-01-01T10:00:00+00:00"
WARNING = "the video of that name beside it"


@pytest.fixture
def day2(tmp_path):
    """The predictions of day2 (2330 frames, beside day2/cam.mp4), and the project's config recording day1/cam.mp4
    (12 frames), with a crop."""
    project = tmp_path / "openfield-Lab-2024-01-01"
    for day, video in (("day1", DLC / "TEST-Alex-2019-08-16/videos/brief.mp4"), ("day2", OPEN_FIELD / "m3v1mp4.mp4")):
        (project / "sessions" / day).mkdir(parents=True)
        shutil.copy(video, project / "sessions" / day / "cam.mp4")
    config = yaml.safe_load((OPEN_FIELD / "config.yaml").read_text())
    config["project_path"] = str(project)
    config["video_sets"] = {str(project / "sessions" / "day1" / "cam.mp4"): {"crop": "0, 640, 0, 480"}}
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    predictions = project / "sessions" / "day2" / SINGLE_ANIMAL_H5.name.replace("m3v1mp4", "cam")
    shutil.copy(SINGLE_ANIMAL_H5, predictions)
    return predictions, project / "config.yaml"


def _linked(nwb_path) -> list[str]:
    """The video files the NWB file links, with / between folders."""
    with NWBHDF5IO(nwb_path, "r") as io:
        series = [o for o in io.read().acquisition.values() if hasattr(o, "external_file")]
        return [str(name).replace("\\", "/") for o in series for name in o.external_file[:]]


def _write(interface_or_converter, nwb_path) -> None:
    metadata = interface_or_converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interface_or_converter.run_conversion(nwbfile_path=nwb_path, metadata=metadata, overwrite=True)


def test_interface_links_the_video_beside_the_predictions(day2, tmp_path):
    predictions, config = day2
    with pytest.warns(PoseconvWarning, match=WARNING):
        interface = DeepLabCutPoseInterface(file_path=predictions, config_file_path=config)
    _write(interface, tmp_path / "out.nwb")
    assert _linked(tmp_path / "out.nwb") == ["openfield-Lab-2024-01-01/sessions/day2/cam.mp4"]


def test_pose_converter_links_the_video_beside_the_predictions(day2, tmp_path):
    predictions, config = day2

    class Converter(PoseNWBConverter):
        data_interface_classes = {"DeepLabCutPose": DeepLabCutPoseInterface}

    with pytest.warns(PoseconvWarning, match=WARNING):
        converter = Converter({"DeepLabCutPose": {"file_path": str(predictions), "config_file_path": str(config)}})
    _write(converter, tmp_path / "out.nwb")
    assert _linked(tmp_path / "out.nwb") == ["openfield-Lab-2024-01-01/sessions/day2/cam.mp4"]


def test_convert_links_the_video_beside_the_predictions_and_says_so(day2, tmp_path):
    # Before, refused: "the video .../day1/cam.mp4 has only 12; is it the video these poses were estimated on?"
    predictions, config = day2
    out = predictions.parent.parent / "out.nwb"
    result = poseconv_in_process("convert", predictions, "--config", config, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(WARNING) == 1, result.stderr
    assert _linked(out) == ["day2/cam.mp4"]


def test_run_links_the_video_beside_the_predictions(day2, tmp_path):
    predictions, config = day2
    pose = f"{{file_path: '{predictions}', source_data: {{config_file_path: '{config}'}}}}"
    spec = one_session_spec(tmp_path, pose, start=f"'{START}'")
    report = run_batch(spec, jobs=1)
    assert report.ok, report.to_dict()
    (session,) = report.sessions
    assert any(WARNING in w for w in session.warnings), session.warnings
    assert _linked(tmp_path / "nwb" / "s1.nwb") == ["../openfield-Lab-2024-01-01/sessions/day2/cam.mp4"]


def test_a_video_the_user_gives_is_linked(day2, tmp_path):
    predictions, config = day2
    given = tmp_path / "given.mp4"
    shutil.copy(OPEN_FIELD / "m3v1mp4.mp4", given)
    out = tmp_path / "out.nwb"
    result = poseconv_in_process(
        "convert", predictions, "--config", config, "--video", given, "-o", out, "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    assert _linked(out) == ["given.mp4"]
