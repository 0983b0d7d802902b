"""A video interface with its own metadata key, predictions and separate training data of the same video.

NWB GUIDE's flow: a ``PoseNWBConverter``'s ``get_metadata()``, handed back unedited (a start time added), must
convert. Before, with two pose inputs the containers shown still named the pose input's own ``video_<stem>`` and
``video_<stem>_camera``, which the composition had left to the video interface's ``behcam`` entries: the
metadata was refused as naming keys it did not have.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from neuroconv.datainterfaces import ExternalVideoInterface, InternalVideoInterface
from pynwb import NWBHDF5IO

from poseconv import (
    DeepLabCutPoseInterface,
    DeepLabCutTrainingDataInterface,
    PoseNWBConverter,
    SLEAPPoseInterface,
    SLEAPTrainingDataInterface,
)
from tests.fixtures.deeplabcut import COLLECTED_DATA_H5, OLD_PICKLE_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.sleap import SLP_CLIP_PREDICTIONS, SLP_CLIP_PROOFREAD

CLIP = SLP_CLIP_PREDICTIONS.parent / "clip.mp4"
REACHING = OLD_PICKLE_H5.parent / "reachingvideo1short.avi"
SLEAP = dict(
    Pred=(SLEAPPoseInterface, lambda: dict(file_path=str(SLP_CLIP_PREDICTIONS), video_file_path=str(CLIP))),
    Lab=(SLEAPTrainingDataInterface, lambda: dict(file_path=str(SLP_CLIP_PROOFREAD))),
)
DLC = dict(
    Pred=(DeepLabCutPoseInterface, lambda: dict(file_path=str(OLD_PICKLE_H5))),
    Lab=(DeepLabCutTrainingDataInterface, lambda: dict(labeled_data_path=str(COLLECTED_DATA_H5))),
)


def _convert(tmp_path: Path, video_class: type, video: Path, inputs: dict, rename: str | None = None) -> Any:
    """Convert the video interface (key ``behcam``) and ``inputs`` with ``get_metadata()``; return the file read."""
    source = dict(Video=dict(file_paths=[str(video)], metadata_key="behcam"))
    if video_class is InternalVideoInterface:
        source = dict(Video=dict(file_path=str(video), metadata_key="behcam"))

    class Session(PoseNWBConverter):
        data_interface_classes = dict(Video=video_class, **{name: cls for name, (cls, _) in inputs.items()})

    converter = Session(source_data={**source, **{name: make() for name, (_, make) in inputs.items()}})
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 1, 1, tzinfo=UTC)
    if rename is not None:
        block = "InternalVideos" if video_class is InternalVideoInterface else "ExternalVideos"
        metadata["Behavior"][block]["behcam"]["name"] = rename
    options = {name: dict(stub_test=True) for name in inputs}
    if video_class is InternalVideoInterface:
        options["Video"] = dict(stub_test=True)
    path = tmp_path / "session.nwb"
    converter.run_conversion(nwbfile_path=path, metadata=metadata, overwrite=True, conversion_options=options)
    return path


def _linked(path: Path) -> tuple[list[str], list[str], set[str], set[str]]:
    """Return the file's ImageSeries names, camera devices, and the videos its poses and training frames link."""
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        videos = [name for name, obj in nwbfile.acquisition.items() if type(obj).__name__ == "ImageSeries"]
        cameras = sorted(name for name in nwbfile.devices if "Camera" in name)
        behavior = nwbfile.processing["behavior"].data_interfaces.values()
        poses = {c.source_video.name for c in behavior if type(c).__name__ == "PoseEstimation"}
        frames = {
            frame.source_video.name
            for training in behavior
            if type(training).__name__ == "PoseTraining"
            for frame in training.training_frames.training_frames.values()
            if frame.source_video is not None
        }
        return videos, cameras, poses, frames


@needs_shared_data
@pytest.mark.parametrize(
    ("inputs", "video_class", "rename"),
    [
        # The two reports: the metadata unedited (the SLEAP file is slow to read: one case of each video class).
        pytest.param(SLEAP, ExternalVideoInterface, None, id="sleap-external-unedited"),
        pytest.param(DLC, ExternalVideoInterface, None, id="deeplabcut-external-unedited"),
        # The video interface's entry renamed reaches the poses and the training frames.
        pytest.param(SLEAP, InternalVideoInterface, "BehaviorCam", id="sleap-internal-renamed"),
        pytest.param(DLC, ExternalVideoInterface, "BehaviorCam", id="deeplabcut-external-renamed"),
        pytest.param(DLC, InternalVideoInterface, "BehaviorCam", id="deeplabcut-internal-renamed"),
    ],
)
def test_the_metadata_handed_back_links_one_video_for_poses_and_training_frames(tmp_path, inputs, video_class, rename):
    video = CLIP if inputs is SLEAP else REACHING
    path = _convert(tmp_path, video_class, video, inputs, rename)
    videos, cameras, poses, frames = _linked(path)
    name = rename or f"Video {video.stem}"
    assert videos == [name]
    assert len(cameras) == 1
    assert poses == {name}
    assert frames == {name}


@needs_shared_data
@pytest.mark.parametrize("labels", [False, True], ids=["poses", "poses-and-labels"])
def test_a_spec_with_a_video_interface_of_its_own_key_checks_and_converts_as_the_converter(tmp_path, labels):
    # run's check wrote the poses alone to an in-memory file: the video interface's entry looked like one the
    # poses would write themselves, and the session was refused as invalid, the video's name not given.
    from tests.fixtures.cli import poseconv_in_process

    source = f"{{file_paths: ['{REACHING}'], metadata_key: behcam}}"
    interfaces = f"      Video: {{interface: ExternalVideoInterface, source_data: {source}}}\n"
    if labels:
        interfaces += (
            f"      Labels: {{interface: dlc-labels, source_data: {{labeled_data_path: '{COLLECTED_DATA_H5}'}}}}\n"
        )
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "output_folder: nwb\nsessions:\n  - session_id: s1\n    session_start_time: '2024-01-01T00:00:00+00:00'\n"
        f"    pose: [{{file_path: '{OLD_PICKLE_H5}'}}]\n    interfaces:\n{interfaces}",
        encoding="utf-8",
    )
    checked = poseconv_in_process("run", spec, "--check")
    assert checked.returncode == 0 and "invalid" not in checked.stdout, checked.stdout + checked.stderr
    assert poseconv_in_process("run", spec).returncode == 0
    videos, cameras, poses, frames = _linked(tmp_path / "nwb" / "s1.nwb")
    name = f"Video {REACHING.stem}"
    assert videos == [name] and len(cameras) == 1 and poses == {name}
    assert frames == ({name} if labels else set())
