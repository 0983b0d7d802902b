"""DeepLabCut 3.x (PyTorch) outputs: the model named by the scorer, the metadata pickle and pytorch_config.yaml."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.model_info import describe_model, is_model_zoo
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_CSV, write_dlc_file
from tests.fixtures.paths import needs_shared_data

TOP_DOWN_SCORER = "DLC_HrnetW32_openfieldOct30shuffle1_detector_best-90_snapshot_best-200"
BOTTOM_UP_SCORER = "DLC_Resnet50_openfieldOct30shuffle2_snapshot_200"
# What DeepLabCut 3.x keeps of the model in pytorch_config.yaml (and in _meta.pickle's "pytorch-config").
TOP_DOWN_CONFIG = {
    "net_type": "top_down_hrnet_w32",
    "method": "td",
    "detector": {"model": {"type": "FasterRCNN", "variant": "fasterrcnn_mobilenet_v3_large_fpn"}},
    "metadata": {"bodyparts": ["nose", "tail"], "unique_bodyparts": [], "individuals": ["animal"]},
}


def _write_predictions(folder, scorer):
    rng = np.random.default_rng(3)
    positions = {"nose": rng.uniform(0, 640, (5, 2)), "tail": rng.uniform(0, 480, (5, 2))}
    likelihood = {key: rng.uniform(0, 1, 5) for key in positions}
    return write_dlc_file(folder / f"m3v1mp4{scorer}.h5", positions, likelihood=likelihood, scorer=scorer), positions


def _write_meta(path, scorer, config):
    # As deeplabcut.pose_estimation_pytorch's analyze_videos writes it (_generate_metadata).
    data = {
        "Scorer": scorer,
        "pytorch-config": config,
        "fps": 30.0,
        "batch_size": 1,
        "frame_dimensions": (640, 480),  # (width, height) in the PyTorch engine
        "nframes": 5,
        "iteration (active-learning)": 0,
        "training set fraction": 0.95,
        "cropping": False,
        "cropping_parameters": [0, 640, 0, 480],
        "individuals": config["metadata"]["individuals"],
        "bodyparts": config["metadata"]["bodyparts"],
        "unique_bodyparts": [],
    }
    with path.with_name(path.stem + "_meta.pickle").open("wb") as handle:
        pickle.dump({"data": data}, handle)


def test_top_down_model_from_meta_pickle_is_recorded(tmp_path):
    path, positions = _write_predictions(tmp_path, TOP_DOWN_SCORER)
    _write_meta(path, TOP_DOWN_SCORER, TOP_DOWN_CONFIG)
    pose = read_deeplabcut(path)
    assert pose.scorer == TOP_DOWN_SCORER
    assert pose.source_software_version.startswith("3.x")
    model = pose.notes["model"]
    for fact in ("PyTorch", "top_down_hrnet_w32", "top-down", "snapshot best-200", "FasterRCNN", "best-90"):
        assert fact in model
    # The PyTorch engine records (width, height); the model keeps (height, width).
    assert pose.videos["m3v1mp4"].frame_size == (480, 640)
    np.testing.assert_array_equal(pose.tracks[0].positions[:, 0], positions["nose"])
    (estimation,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert model in estimation["description"] and estimation["scorer"] == TOP_DOWN_SCORER


def test_model_from_pytorch_config_beside_the_file_without_meta(tmp_path):
    path, _ = _write_predictions(tmp_path, BOTTOM_UP_SCORER)
    config = {"net_type": "resnet_50", "method": "bu", "metadata": {}}
    (tmp_path / "pytorch_config.yaml").write_text(yaml.safe_dump(config))
    model = describe_model(path, BOTTOM_UP_SCORER, None)
    assert (model.engine, model.net_type, model.method, model.snapshot, model.shuffle, model.detector) == (
        "pytorch",
        "resnet_50",
        "bottom-up",
        "200",
        2,
        None,
    )
    assert "resnet_50" in read_deeplabcut(path).notes["model"]


def test_scorer_alone_names_the_pytorch_network(tmp_path):
    path, _ = _write_predictions(tmp_path, BOTTOM_UP_SCORER)
    assert "network Resnet50" in read_deeplabcut(path, find_side_files=False).notes["model"]


@needs_shared_data
def test_tensorflow_scorer_keeps_its_frame_dimensions_and_names_its_iterations():
    pose = read_deeplabcut(SINGLE_ANIMAL_CSV)
    assert pose.source_software_version is None
    assert "TensorFlow" in pose.notes["model"] and "training iterations 100000" in pose.notes["model"]


@pytest.mark.parametrize("scorer", ["DLC_3D", "Alex"])
def test_scorers_that_name_no_model(tmp_path, scorer):
    assert describe_model(tmp_path / "x.h5", scorer, None) is None


@pytest.mark.parametrize(
    ("name", "untracked"),
    [
        ("vid_superanimal_topviewmouse_hrnet_w32_fasterrcnn_resnet50_fpn_v2.h5", "SuperAnimal video inference"),
        ("vidDLC_DlcrnetStride16Ms5_maprojDec1shuffle1_snapshot_200.h5", "before tracking"),
        ("vidDLC_DlcrnetStride16Ms5_maprojDec1shuffle1_snapshot_200_el.h5", None),
        ("vidDLC_DlcrnetStride16Ms5_maprojDec1shuffle1_snapshot_200_el_filtered.h5", None),
        # Conditional top-down models track as they predict: analyze_videos writes <video><scorer>_ctd.h5.
        ("vidDLC_CtdPrenetRtmposeS_maprojDec1shuffle3_snapshot_best-50_ctd.h5", None),
        ("vidDLC_CtdPrenetRtmposeS_maprojDec1shuffle3_snapshot_best-50_ctd_filtered.h5", None),
        ("vidDLC_DlcrnetStride16Ms5_maprojDec1shuffle1_snapshot_200_tr.h5", None),  # transformer tracking
        ("vidDLC_dlcrnetms5_maprojDec1shuffle1_200000.h5", None),  # TensorFlow engine: not known to save untracked
        ("vid_DLC_fmpose3d_humans.h5", None),  # FMPose3D: a model of the zoo, not save_as_df before tracking
    ],
)
def test_untracked_multi_animal_predictions_say_their_columns_are_not_animals(tmp_path, name, untracked):
    # SuperAnimal video inference and DeepLabCut 3's save_as_df write the k-th detection of each frame as
    # animal k; before, they were written as animals with nothing said.
    import warnings

    from poseconv.errors import PoseconvWarning

    positions = {(animal, part): np.ones((3, 2)) for animal in ("animal0", "animal1") for part in ("nose", "tail")}
    positions[("single", "corner")] = np.ones((3, 2))  # a unique bodypart: one per frame, detected or not
    likelihood = {key: np.full(3, 0.5) for key in positions}
    # The scorer is the file name after the video's, without the tracker's suffix (SuperAnimal: the model).
    scorer = name.removeprefix("vid").removeprefix("_").removesuffix(".h5").removesuffix("_filtered")
    scorer = re.sub(r"_(?:el|ctd|tr)$", "", scorer)
    path = write_dlc_file(tmp_path / name, positions, likelihood=likelihood, scorer=scorer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PoseconvWarning)
        pose = read_deeplabcut(path, find_side_files=False)
    said = [str(w.message) for w in caught if "NOT follow one animal" in str(w.message)]
    if untracked is None:
        assert not said and "untracked_detections" not in pose.notes
    else:
        assert untracked in said[0] and "'animal0', 'animal1', ..." in said[0]
        containers = default_pose_metadata(pose)["Pose"]["PoseEstimations"]
        assert "do NOT follow one animal over time" in containers["PoseEstimation_animal0"]["description"]
        assert "do NOT follow" not in containers["PoseEstimation_single"]["description"]


@pytest.mark.parametrize(
    ("scorer", "said"),
    [
        (
            "superanimal_topviewmouse_hrnet_w32_fasterrcnn_resnet50_fpn_v2",
            "Model: DeepLabCut model zoo, SuperAnimal-topviewmouse, PyTorch engine (network hrnet_w32, top-down "
            "model, detector fasterrcnn_resnet50_fpn_v2).",
        ),
        (
            "superanimal_humanbody_rtmpose_x_fasterrcnn_mobilenet_v3_large_fpn",
            "Model: DeepLabCut model zoo, SuperAnimal-humanbody, PyTorch engine (network rtmpose_x, top-down "
            "model, detector fasterrcnn_mobilenet_v3_large_fpn).",
        ),
        (
            "superanimal_quadruped_resnet_50",
            "Model: DeepLabCut model zoo, SuperAnimal-quadruped, PyTorch engine (network resnet_50).",
        ),
        # Adapted to the video (video_inference_superanimal(video_adapt=True)): the scorer names the snapshots
        # it saved, snapshot-<model>-<epoch>; before, the two were described as one network.
        (
            "superanimal_topviewmouse_snapshot-hrnet_w32-004_snapshot-fasterrcnn_resnet50_fpn_v2-004",
            "Model: DeepLabCut model zoo, SuperAnimal-topviewmouse, PyTorch engine (network hrnet_w32, top-down "
            "model, snapshot 004, adapted to the video, detector fasterrcnn_resnet50_fpn_v2, snapshot 004, adapted "
            "to the video).",
        ),
        # DeepLabCut 3.0.1's FMPose3D, its 2D and its 3D file; before, no model was said.
        ("DLC_fmpose3d_humans", "Model: DeepLabCut model zoo, FMPose3D-humans, PyTorch engine."),
        ("DLC_fmpose3d_humans_3d", "Model: DeepLabCut model zoo, FMPose3D-humans, PyTorch engine."),
        (
            "superanimal_quadruped_snapshot-resnet_50-best-010",
            "Model: DeepLabCut model zoo, SuperAnimal-quadruped, PyTorch engine (network resnet_50, snapshot best-010, "
            "adapted to the video).",
        ),
    ],
)
def test_model_zoo_predictions_name_the_superanimal_models(tmp_path, scorer, said):
    # The model zoo's video inference names its scorer after the dataset, the pose model and the detector.
    assert describe_model(tmp_path / f"vid_{scorer}.h5", scorer, None).describe() == said


UNTRACKED_SCORER = "DLC_DlcrnetStride16Ms5_identDec3shuffle1_snapshot_best-200"
# A DeepLabCut 3 multi-animal project (config.yaml), with or without identity.
IDENTITY_PROJECT = {
    "Task": "ident",
    "multianimalproject": True,
    "individuals": ["mus1", "mus2"],
    "multianimalbodyparts": ["snout", "tail"],
    "uniquebodyparts": [],
    "bodyparts": "MULTI!",
    "skeleton": [],
}


def _multi_animal(path, key="df_with_missing"):
    """A multi-animal table as analyze_videos(save_as_df=True) writes it, or under stitch_tracklets' key."""
    positions = {(animal, part): np.ones((3, 2)) for animal in ("mus1", "mus2") for part in ("snout", "tail")}
    likelihood = {key: np.full(3, 0.5) for key in positions}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_dlc_file(path, positions, likelihood=likelihood, scorer=UNTRACKED_SCORER)
    if key != "df_with_missing":
        import pandas as pd

        frame = pd.read_hdf(path)
        frame.to_hdf(path, key=key, format="table", mode="w")
    return path


def _model_config(with_identity):
    metadata = {"bodyparts": ["snout", "tail"], "individuals": ["mus1", "mus2"], "with_identity": with_identity}
    return {"net_type": "dlcrnet_stride16_ms5", "method": "bu", "metadata": metadata}


def _read_saying(path):
    import warnings

    from poseconv.errors import PoseconvWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PoseconvWarning)
        pose = read_deeplabcut(path)
    said = [str(w.message) for w in caught if "NOT follow one animal" in str(w.message)]
    containers = default_pose_metadata(pose)["Pose"]["PoseEstimations"]
    return pose, said, containers["PoseEstimation_mus1"]["description"]


@pytest.mark.parametrize("where", ["meta", "pytorch_config", "project"])
def test_a_model_with_an_identity_head_orders_its_animals_by_identity(tmp_path, where):
    # DeepLabCut 3 orders each frame's animals by the identity head's prediction (AssignIndividualIdentities):
    # before, the file was said to be untracked detections, in every container's description.
    project = tmp_path / "ident-me-2025-12-03"
    path = _multi_animal(project / "videos" / f"mouse{UNTRACKED_SCORER}.h5")
    if where == "meta":
        _write_meta(path, UNTRACKED_SCORER, _model_config(True))
    elif where == "pytorch_config":
        (path.parent / "pytorch_config.yaml").write_text(yaml.safe_dump(_model_config(True)))
    (project / "config.yaml").write_text(yaml.safe_dump({**IDENTITY_PROJECT, "identity": where == "project"}))
    pose, said, description = _read_saying(path)
    assert not said and "untracked_detections" not in pose.notes and "do NOT follow" not in description
    assert "identity head: each frame's animals ordered by the identity it predicts" in description


def test_a_model_without_identity_in_a_project_with_identity_stays_untracked(tmp_path):
    # The model's own config wins over the project's: a model trained without the identity head.
    project = tmp_path / "ident-me-2025-12-03"
    path = _multi_animal(project / "videos" / f"mouse{UNTRACKED_SCORER}.h5")
    _write_meta(path, UNTRACKED_SCORER, _model_config(False))
    (project / "config.yaml").write_text(yaml.safe_dump({**IDENTITY_PROJECT, "identity": True}))
    _pose, said, description = _read_saying(path)
    assert said and "do NOT follow one animal over time" in description and "identity head" not in description


@pytest.mark.parametrize(("key", "untracked"), [("tracks", False), ("df_with_missing", True)])
def test_a_renamed_stitched_file_is_tracked_by_its_key(tmp_path, key, untracked):
    # stitch_tracklets saves under the key 'tracks'; a lab's pipeline renames the _el.h5 (sub-01_ses-01_pose.h5).
    # Before, the name alone decided, and a stitched file was said to be untracked detections.
    path = _multi_animal(tmp_path / "sub-01_ses-01_pose.h5", key=key)
    _pose, said, description = _read_saying(path)
    assert bool(said) is untracked and ("do NOT follow" in description) is untracked


@pytest.mark.parametrize(
    ("name", "scorer", "said"),
    [
        # DeepLabCut 3 before tracking pads an animal it did not find with -1.
        (f"vid{UNTRACKED_SCORER}.h5", UNTRACKED_SCORER, "-1, with x = y = -1, where DeepLabCut 3 found no such animal"),
        # Tracking and DeepLabCut 2 leave NaN there: before, the -1 sentence was written for them too.
        (f"vid{UNTRACKED_SCORER}_el.h5", UNTRACKED_SCORER, None),
        # CTD tracking (analyze_videos(ctd_tracking=True)) writes the top-down postprocessor's -1 pads as they
        # are: before, '_ctd' counted as tracked and the definition left the -1 unexplained.
        (
            f"vid{UNTRACKED_SCORER}_ctd.h5",
            UNTRACKED_SCORER,
            "-1, with x = y = -1, where DeepLabCut 3 found no such animal",
        ),
        (f"vid{UNTRACKED_SCORER}_ctd_filtered.h5", UNTRACKED_SCORER, "-1, with x = y = -1"),
        ("vidDLC_resnet50_maprojDec1shuffle1_200000.h5", "DLC_resnet50_maprojDec1shuffle1_200000", None),
        # FMPose3D's 2D file leaves a frame without a detection as zeros.
        ("vid_DLC_fmpose3d_humans.h5", "DLC_fmpose3d_humans", "0, with x = y = 0, where FMPose3D detected no one"),
    ],
)
def test_the_confidence_definition_names_the_no_detection_mark_its_writer_puts(tmp_path, name, scorer, said):
    positions = {(animal, "nose"): np.ones((3, 2)) for animal in ("mus1", "mus2")}
    path = write_dlc_file(tmp_path / name, positions, likelihood={k: np.full(3, 0.5) for k in positions}, scorer=scorer)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        definition = read_deeplabcut(path, find_side_files=False).tracks[0].confidence_definition
    assert definition.startswith("DeepLabCut likelihood: the network's score-map confidence (0 to 1)")
    if said is None:
        assert definition.endswith("at the predicted location.") and "-1" not in definition
    else:
        assert said in definition


@pytest.mark.parametrize("pytorch", [True, False])
def test_cropped_analysis_gives_no_frame_size_for_the_whole_video(tmp_path, pytorch):
    # analyze_videos(cropping=...) records the crop's size as frame_dimensions (TensorFlow: checkcropping's
    # (ny, nx); PyTorch: the cropped iterator's box); before, it became the whole video's ImageSeries.dimension.
    path, _ = _write_predictions(tmp_path, TOP_DOWN_SCORER if pytorch else "DLC_resnet50_openfieldOct30shuffle1_1000")
    meta = {"Scorer": "x", "fps": 30.0, "nframes": 5, "cropping": True, "cropping_parameters": [100, 500, 50, 400]}
    meta["frame_dimensions"] = (400, 350) if pytorch else (350, 400)
    if pytorch:
        meta["pytorch-config"] = TOP_DOWN_CONFIG
    with path.with_name(path.stem + "_meta.pickle").open("wb") as handle:
        pickle.dump({"data": meta}, handle)
    pose = read_deeplabcut(path)
    (video,) = pose.videos.values()
    assert video.frame_size is None
    assert "[100, 500, 50, 400]" in pose.reference_frame


def test_cropped_analysis_recording_the_whole_videos_size_keeps_it(tmp_path):
    # TensorFlow's AnalyzeVideo records the size it read before cropping (movement's DLC_sample_metadata.pickle:
    # 1088 x 1456, crop 1128 x 1054): dropping every cropped analysis's size lost the video's.
    path, _ = _write_predictions(tmp_path, "DLC_resnet50_openfieldOct30shuffle1_1000")
    meta = {"Scorer": "x", "fps": 30.0, "nframes": 5, "cropping": True, "cropping_parameters": [285, 1413, 12, 1066]}
    meta["frame_dimensions"] = (1088, 1456)
    with path.with_name(path.stem + "_meta.pickle").open("wb") as handle:
        pickle.dump({"data": meta}, handle)
    (video,) = read_deeplabcut(path).videos.values()
    assert video.frame_size == (1088, 1456)


@pytest.mark.parametrize(
    ("scorer", "weights"),
    [
        # A project's own model whose task starts with superanimal_ (fine-tuning experiments).
        (
            "DLC_resnet50_superanimal_finetuneJan1shuffle1_1000",
            "/p/superanimal_finetune-me-2023-01-01/dlc-models/iteration-0/superanimal_finetuneJan1-trainset95shuffle1"
            "/train/snapshot-1000",
        ),
        # A project kept under a folder named superanimal_<anything>.
        ("DLC_resnet50_openfieldOct30shuffle1_1000", "/data/superanimal_experiments/openfield/train/snapshot-1000"),
        # The snapshot-only scorer of a model trained elsewhere, not the model zoo's weights folder.
        ("DLC_snapshot-1000", "/data/superanimal_experiments/train/snapshot-1000"),
    ],
)
def test_a_project_s_model_named_superanimal_is_not_the_model_zoo(scorer, weights):
    meta = {"Scorer": scorer, "DLC-model-config file": {"init_weights": weights, "net_type": "resnet_50"}}
    assert not is_model_zoo(scorer, meta)
    model = describe_model(Path("x.h5"), scorer, meta)
    assert model is None or model.superanimal is None
