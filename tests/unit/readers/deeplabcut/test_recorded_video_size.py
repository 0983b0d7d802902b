"""The frame size and count a _meta.pickle records are said when no video is linked, where nothing else holds them."""

from __future__ import annotations

import pickle
import shutil
import warnings

import pytest
import yaml

from poseconv.metadata.defaults import MISSING_VIDEO_PATTERN, default_pose_metadata
from poseconv.readers.deeplabcut import read_deeplabcut
from tests.fixtures.deeplabcut import MULTI_ANIMAL_DIR, MULTI_ANIMAL_H5, write_dlc_file
from tests.fixtures.deeplabcut_side_files import HEIGHT, N_FRAMES, SCORER, WIDTH, write_top_down_outputs
from tests.fixtures.paths import needs_shared_data

TF_SCORER = "DLC_resnet50_testJan1shuffle1_100"


def _descriptions(pose, *, linked: bool = False) -> list[str]:
    known = set(pose.videos) if linked else set()
    entries = default_pose_metadata(pose, video_paths_known=known)["Pose"]["PoseEstimations"].values()
    return [entry["description"] for entry in entries]


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_deeplabcut(path)


def _tensorflow_outputs(folder, *, nframes: object = 4860, dims: object = (1350, 1500)):
    """A DeepLabCut 2 single-animal .h5 and its _meta.pickle ((height, width), as the TensorFlow engine records)."""
    import numpy as np

    path = write_dlc_file(folder / f"mouse{TF_SCORER}.h5", {"nose": np.zeros((5, 2))}, scorer=TF_SCORER)
    data = {"fps": 30.0, "frame_dimensions": dims, "nframes": nframes, "cropping": False}
    (folder / f"mouse{TF_SCORER}_meta.pickle").write_bytes(pickle.dumps({"data": data}))
    return path


def test_no_video_beside_the_predictions_the_recorded_size_is_said(tmp_path):
    path = _tensorflow_outputs(tmp_path)
    (description,) = _descriptions(_read(path))
    assert description.endswith(
        f"No video file of 'mouse' is linked; DeepLabCut recorded it in mouse{TF_SCORER}_meta.pickle as "
        "1500 x 1350 pixels (width x height), 4860 frames."
    )


def test_pytorch_engine_size_is_width_first(tmp_path):
    path = write_top_down_outputs(tmp_path)
    descriptions = _descriptions(_read(path))
    assert all(f"as {WIDTH} x {HEIGHT} pixels (width x height), {N_FRAMES} frames." in d for d in descriptions)
    assert all(f"in session{SCORER}_meta.pickle" in d for d in descriptions)


def test_a_linked_video_holds_the_size_and_the_description_does_not_say_it(tmp_path):
    path = _tensorflow_outputs(tmp_path)
    (description,) = _descriptions(_read(path), linked=True)
    assert "recorded it in" not in description and "1500" not in description


def test_only_what_is_recorded_is_said(tmp_path):
    path = _tensorflow_outputs(tmp_path, dims=None)
    (description,) = _descriptions(_read(path))
    assert description.endswith(f"recorded it in mouse{TF_SCORER}_meta.pickle as 4860 frames.")
    other = tmp_path / "other"
    other.mkdir()
    path = _tensorflow_outputs(other, dims=None, nframes=None)
    (description,) = _descriptions(_read(path))
    assert "recorded it in" not in description


def test_without_a_meta_pickle_nothing_is_said(tmp_path):
    path = write_top_down_outputs(tmp_path, meta=False)
    assert not any("recorded it in" in d for d in _descriptions(_read(path)))


@needs_shared_data
@pytest.mark.parametrize("video_beside", [True, False], ids=["video-beside", "video-moved"])
def test_a_config_recording_a_video_not_here_says_its_path_then_its_size(tmp_path, video_beside):
    project = tmp_path / "project"
    videos = project / "videos"
    videos.mkdir(parents=True)
    for name in ("m3v1mp4short.mp4", *(p.name for p in MULTI_ANIMAL_DIR.glob(f"{MULTI_ANIMAL_H5.stem[:-3]}_*"))):
        if video_beside or not name.endswith(".mp4"):
            shutil.copy(MULTI_ANIMAL_DIR / name, videos / name)
    config = yaml.safe_load((MULTI_ANIMAL_DIR.parent / "config.yaml").read_text(encoding="utf-8"))
    config["video_sets"] = {"/lab/machine/videos/m3v1mp4short.mp4": {"crop": "0, 640, 0, 480"}}
    (project / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    pose = _read(videos / MULTI_ANIMAL_H5.name)
    descriptions = _descriptions(pose, linked=pose.videos["m3v1mp4short"].local_files is not None)
    if video_beside:
        assert not any("recorded it in" in d for d in descriptions)
        return
    sentence = (
        "The tool recorded the video as '/lab/machine/videos/m3v1mp4short.mp4', which does not exist on the machine "
        "that wrote this file. DeepLabCut recorded it in m3v1mp4shortDLC_effnet_b0_multi_mouseApr12shuffle1_5_"
        "meta.pickle as "
    )
    assert all(sentence in d for d in descriptions)
    # Read back, the recorded path is still found in the description.
    assert MISSING_VIDEO_PATTERN.search(descriptions[0])["path"] == "/lab/machine/videos/m3v1mp4short.mp4"
