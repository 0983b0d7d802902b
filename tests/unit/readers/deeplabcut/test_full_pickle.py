"""DeepLabCut's _full.pickle: the detector's boxes and identity scores no pose series holds are said, not dropped."""

from __future__ import annotations

import dbm.dumb
import json
import os
import pickle
import re
import shelve
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from poseconv.errors import PoseconvWarning
from poseconv.metadata.defaults import default_pose_metadata
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.full_pickle import count_full_pickle, find_full_pickle
from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5, write_dlc_file
from tests.fixtures.deeplabcut_side_files import (
    ANIMALS,
    BODYPARTS,
    N_BOX_FRAMES,
    N_BOXES,
    N_FRAMES,
    SCORER,
    full_pickle_content,
    write_top_down_outputs,
)
from tests.fixtures.paths import needs_shared_data


def _read_quietly_about_full_pickle(path, **options):
    """Read ``path``; return the pose and the warnings that name its _full.pickle."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_deeplabcut(path, **options)
    return pose, [str(w.message) for w in caught if "_full.pickle" in str(w.message)]


def test_top_down_boxes_are_counted_warned_and_in_every_description(tmp_path):
    path = write_top_down_outputs(tmp_path)
    full = f"session{SCORER}_full.pickle"
    pose, said = _read_quietly_about_full_pickle(path)
    assert len(said) == 1
    # The pads (-1 rows for animals the detector did not find) are not boxes.
    assert said[0].startswith(
        f"{N_BOXES} detector bounding boxes (x0, y0, width, height and a score each, in {N_BOX_FRAMES} frames) "
        f"in {full} are not written: ndx-pose has no place for them"
    )
    sentence = f"DeepLabCut's {full} also holds {N_BOXES} detector bounding boxes"
    descriptions = [e["description"] for e in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()]
    assert len(descriptions) == len(ANIMALS)
    assert all(sentence in description for description in descriptions)


def test_identity_scores_are_counted_without_the_unique_bodyparts_pads(tmp_path):
    content = full_pickle_content(boxes=False, identity=True, n_unique=2)
    path = write_top_down_outputs(tmp_path, full_pickle=content)
    pose, said = _read_quietly_about_full_pickle(path)
    n_scores = N_FRAMES * len(ANIMALS) * len(BODYPARTS)
    assert len(said) == 1 and "bounding box" not in said[0]
    assert said[0].startswith(
        f"The identity head's scores of {n_scores} keypoint predictions (one for each of {len(ANIMALS)} animals, "
        f"in {N_FRAMES} frames) in session{SCORER}_full.pickle are not written"
    )
    assert f"scores of {n_scores} keypoint predictions" in pose.notes["model"]


def test_boxes_and_identity_scores_in_one_warning(tmp_path):
    path = write_top_down_outputs(tmp_path, full_pickle=full_pickle_content(identity=True))
    _, said = _read_quietly_about_full_pickle(path)
    assert len(said) == 1
    assert re.match(rf"{N_BOXES} detector bounding boxes .* and the identity head's scores of \d+ keypoint", said[0])


def test_a_deeplabcut_2_full_pickle_without_boxes_or_identity_says_nothing(tmp_path):
    path = write_top_down_outputs(tmp_path, full_pickle=full_pickle_content(boxes=False))
    pose, said = _read_quietly_about_full_pickle(path)
    assert said == []
    assert "_full.pickle" not in pose.notes.get("model", "")


@pytest.mark.parametrize(
    "raw",
    [
        b"not a pickle at all",
        pickle.dumps({"frame0": {"bboxes": os.getcwd}}),  # names a global the safe loader refuses
        pickle.dumps(["a list", "not DeepLabCut's layout"]),
        pickle.dumps({"frame0": {"bboxes": "text", "identity": 3}, "frame1": None}),
    ],
    ids=["damaged", "refused", "a-list", "other-values"],
)
def test_a_full_pickle_damaged_or_of_another_layout_is_left_alone(tmp_path, raw):
    path = write_top_down_outputs(tmp_path, full_pickle=raw)
    pose, said = _read_quietly_about_full_pickle(path)
    assert said == []
    assert len(pose.tracks) == len(ANIMALS)


def test_without_looking_for_side_files_the_full_pickle_is_not_read(tmp_path):
    path = write_top_down_outputs(tmp_path)
    _, said = _read_quietly_about_full_pickle(path, find_side_files=False)
    assert said == []


def test_the_full_pickle_of_a_tracked_file_is_that_of_its_scorer(tmp_path):
    path = write_top_down_outputs(tmp_path)
    tracked = path.with_name(f"{path.stem}_el_filtered.h5")
    tracked.write_bytes(path.read_bytes())
    assert find_full_pickle(tracked, SCORER) == tmp_path / f"session{SCORER}_full.pickle"
    assert find_full_pickle(tracked, "DLC_other_scorer") is None


def test_count_of_another_layout_is_zero():
    assert count_full_pickle(None).boxes == 0
    assert count_full_pickle({"frame0": {"bboxes": [[1.0, 2.0]]}}).boxes == 0  # not (x0, y0, w, h)


@needs_shared_data
def test_real_deeplabcut_2_identity_scores_are_said():
    pose, said = _read_quietly_about_full_pickle(MULTI_ANIMAL_H5)
    assert len(said) == 1
    assert re.match(
        r"The identity head's scores of \d+ keypoint predictions \(one for each of 3 animals, in 31 ", said[0]
    )
    assert "identity head's scores" in pose.notes["model"]


def test_the_warning_is_a_poseconv_warning(tmp_path):
    path = write_top_down_outputs(tmp_path)
    with pytest.warns(PoseconvWarning, match="detector bounding boxes"):
        read_deeplabcut(path)


def test_a_full_pickle_too_big_to_read_for_a_warning_is_not_read(tmp_path, monkeypatch):
    # DeepLabCut writes one beside every multi-animal analysis, hundreds of MB for an hour of video: loading it
    # for a warning cost seconds and its size in memory twice. A top-down model's boxes are said from its scorer.
    from poseconv.readers.deeplabcut import full_pickle

    path = write_top_down_outputs(tmp_path)
    monkeypatch.setattr(full_pickle, "READ_LIMIT", 100)
    monkeypatch.setattr(full_pickle, "load_metadata_pickle", lambda path: pytest.fail("read"))
    pose, said = _read_quietly_about_full_pickle(path)
    assert len(said) == 1 and said[0].startswith("The detector bounding boxes of this top-down model (x0, y0")
    # Another model's: nothing to say without reading it.
    bottom_up = "DLC_Resnet50_testJan1shuffle1_snapshot_200"
    other = write_dlc_file(tmp_path / f"s{bottom_up}.h5", {("a", "nose"): np.ones((3, 2))}, scorer=bottom_up)
    other.with_name(f"s{bottom_up}_full.pickle").write_bytes(b"x" * 200)
    assert _read_quietly_about_full_pickle(other)[1] == []


SUPERANIMAL = "superanimal_topviewmouse_hrnet_w32_fasterrcnn_resnet50_fpn_v2"


def _model_zoo_outputs(tmp_path, suffix=""):
    """The model zoo's video inference: <video>_<scorer>.h5 and its per-frame <video>_<scorer><suffix>.json."""
    positions = {(f"animal{i}", part): np.ones((3, 2)) for i in range(2) for part in ("nose", "tail")}
    path = write_dlc_file(tmp_path / f"v_{SUPERANIMAL}.h5", positions, scorer=SUPERANIMAL)
    # pose_estimation_pytorch/modelzoo/inference.py dumps video_inference's predictions: a frame without a
    # detection has no box.
    boxes = [[[1, 2, 30, 40], [5, 6, 30, 40]], [[1, 2, 30, 40]], []]
    frames = [{"bodyparts": np.ones((2, 2, 3)).tolist(), "bboxes": b, "bbox_scores": [0.9] * len(b)} for b in boxes]
    side = path.with_name(f"v_{SUPERANIMAL}{suffix}.json")
    side.write_text(json.dumps(frames))
    return path, side


def _read_quietly_about(path, name):
    """Read ``path``; return the pose and the warnings that name the side file ``name``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pose = read_deeplabcut(path)
    return pose, [str(w.message) for w in caught if name in str(w.message)]


@pytest.mark.parametrize("suffix", ["", "_before_adapt", "_after_adapt"])
def test_the_model_zoo_json_boxes_are_counted_warned_and_in_every_description(tmp_path, suffix):
    # The model zoo writes its detector's boxes to a .json only, no _full.pickle: before, they went unsaid.
    path, side = _model_zoo_outputs(tmp_path, suffix)
    pose, said = _read_quietly_about(path, side.name)
    assert said == [
        f"3 detector bounding boxes (x0, y0, width, height and a score each, in 2 frames) in {side.name} are not "
        "written: ndx-pose has no place for them (the poses are written; DeepLabCut keeps them in that file)."
    ]
    for container in default_pose_metadata(pose)["Pose"]["PoseEstimations"].values():
        assert f"DeepLabCut's {side.name} also holds 3 detector bounding boxes" in container["description"]


@pytest.mark.parametrize("raw", [b"[{", b"\xff\xfe", b'{"frames": 3}', b"[1, 2]"])
def test_a_model_zoo_json_damaged_or_of_another_layout_is_left_alone(tmp_path, raw):
    path, side = _model_zoo_outputs(tmp_path)
    side.write_bytes(raw)
    assert _read_quietly_about(path, side.name)[1] == []


def test_a_model_zoo_json_too_big_to_read_for_a_warning_is_not_read(tmp_path, monkeypatch):
    from poseconv.readers.deeplabcut import full_pickle

    path, side = _model_zoo_outputs(tmp_path)
    monkeypatch.setattr(full_pickle, "READ_LIMIT", 100)
    monkeypatch.setattr(full_pickle.json, "loads", lambda text: pytest.fail("read"))
    said = _read_quietly_about(path, side.name)[1]
    assert len(said) == 1 and said[0].startswith("The detector bounding boxes of this top-down model (x0, y0")


def _write_dumb_shelve(full: Path) -> None:
    """Write what analyze_videos(use_shelve=True) writes under ``full`` on a Python whose dbm is dbm.dumb."""
    with shelve.Shelf(dbm.dumb.open(str(full), "c")) as database:
        database["metadata"] = {"nframes": N_FRAMES}
        database["frame0"] = {"bboxes": np.zeros((2, 4)), "bbox_scores": np.zeros(2)}


# gdbm's magic number, as dbm.whichdb reads it: gdbm keeps the database in a file of the _full.pickle's name.
_GDBM_HEADER = struct.pack("=l", 0x13579ACE) + bytes(60)


@pytest.mark.parametrize("kind", ["dumb", "gdbm", "sqlite"])
def test_a_top_down_models_shelve_full_pickle_says_its_boxes_uncounted(tmp_path, kind, monkeypatch):
    # analyze_videos(use_shelve=True) writes a shelve database: before, the safe loader refused it (or found no
    # _full.pickle beside dbm.dumb's .dat/.dir) and the boxes were not said at all.
    from poseconv.readers.deeplabcut import full_pickle

    path = write_top_down_outputs(tmp_path)
    full = tmp_path / f"session{SCORER}_full.pickle"
    full.unlink()
    if kind == "dumb":
        _write_dumb_shelve(full)
    else:
        full.write_bytes(_GDBM_HEADER if kind == "gdbm" else b"SQLite format 3\x00" + bytes(84))
    # shelve's values are pickles loaded unchecked: the database is never opened.
    monkeypatch.setattr(full_pickle, "load_metadata_pickle", lambda path: pytest.fail("read"))
    pose, said = _read_quietly_about_full_pickle(path)
    assert len(said) == 1
    assert said[0].startswith(
        f"The detector bounding boxes of this top-down model (x0, y0, width, height and a score each) in "
        f"session{SCORER}_full.pickle are not written"
    )
    assert f"DeepLabCut's session{SCORER}_full.pickle also holds the detector bounding boxes" in pose.notes["model"]


def test_a_bottom_up_models_shelve_full_pickle_says_nothing(tmp_path):
    bottom_up = "DLC_Resnet50_testJan1shuffle1_snapshot_200"
    path = write_dlc_file(tmp_path / f"s{bottom_up}.h5", {("a", "nose"): np.ones((3, 2))}, scorer=bottom_up)
    _write_dumb_shelve(tmp_path / f"s{bottom_up}_full.pickle")
    assert _read_quietly_about_full_pickle(path)[1] == []
