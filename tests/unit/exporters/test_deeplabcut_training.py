"""DeepLabCut label files written as a labeled-data tree (exporters/deeplabcut_training.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters import deeplabcut_training
from poseconv.exporters.deeplabcut_training import write_deeplabcut_labels
from poseconv.output import OutputError, disk_full

sio = pytest.importorskip("sleap_io")


def _sleap_labels(tmp_path):
    """User labels of one animal in a .slp, frames 0-2 of two videos; read as training data."""
    from poseconv.readers.sleap.labels import read_sleap_labels

    skeleton = sio.Skeleton(["head", "tail"])
    videos = [sio.Video(filename=str(tmp_path / f"cam{k}.mp4"), open_backend=False) for k in (1, 2)]
    frames = [
        sio.LabeledFrame(
            video=video,
            frame_idx=t,
            instances=[sio.Instance.from_numpy(np.array([[10.0 * k + t, 1.0], [2.0, 3.0]]), skeleton=skeleton)],
        )
        for k, video in enumerate(videos)
        for t in range(3)
    ]
    path = tmp_path / "labels.slp"
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=videos), str(path))
    return read_sleap_labels(path)


def test_sleap_labels_go_where_deeplabcut_looks_one_table_per_video(tmp_path):
    # They went to OUT/labels.h5 and .csv (the .slp's name), where DeepLabCut finds no labels.
    written = write_deeplabcut_labels(_sleap_labels(tmp_path), tmp_path / "project")
    relative = sorted(str(p.relative_to(tmp_path / "project")) for p in written)
    assert relative == [
        f"labeled-data/{video}/CollectedData_poseconv.{suffix}"
        for video in ("cam1", "cam2")
        for suffix in ("csv", "h5")
    ]
    for k, video in enumerate(("cam1", "cam2")):
        table = pd.read_hdf(tmp_path / "project" / "labeled-data" / video / "CollectedData_poseconv.h5")
        assert [row[1] for row in table.index] == [video] * 3
        np.testing.assert_array_equal(table.to_numpy()[:, 0], [10.0 * k + t for t in range(3)])


def test_a_failed_export_leaves_no_labeled_data_tree_and_the_folder_given_as_it_was(tmp_path, monkeypatch):
    training = _sleap_labels(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "config.yaml").write_text("Task: x\n")
    real, calls, refused_from = deeplabcut_training.write_pandas_table, [], [3]

    def refused(table, path, **kwargs):
        calls.append(path)
        if len(calls) >= refused_from[0]:
            raise disk_full(path)
        real(table, path, **kwargs)

    monkeypatch.setattr(deeplabcut_training, "write_pandas_table", refused)
    with pytest.raises(OutputError, match="no room"):
        write_deeplabcut_labels(training, project)
    # An empty labeled-data/<video>/ is a video with no labels to DeepLabCut; the tables written before go too.
    assert sorted(p.name for p in project.iterdir()) == ["config.yaml"]
    refused_from[0] = 0
    with pytest.raises(OutputError, match="no room"):
        write_deeplabcut_labels(training, tmp_path / "new" / "labels.h5")
    assert not (tmp_path / "new").exists()


def _from_two_label_files(training, split_at: int):
    """The same frames, the first ``split_at`` read from a.slp and the others from b.slp."""
    import dataclasses

    frames = [
        dataclasses.replace(frame, label_file="a.slp" if i < split_at else "b.slp")
        for i, frame in enumerate(training.frames)
    ]
    [layout] = list(training.label_files.values()) or [None]
    files = {name: dataclasses.replace(layout, name=name) for name in ("a.slp", "b.slp")} if layout else {}
    return dataclasses.replace(training, frames=frames, label_files=files or training.label_files)


def test_the_frames_of_the_label_file_asked_for_only(tmp_path):
    # label_file='a.slp' wrote every frame of its videos, b.slp's too.
    training = _from_two_label_files(_sleap_labels(tmp_path), split_at=2)
    written = write_deeplabcut_labels(training, tmp_path / "a", label_file="a.slp", file_format="h5")
    assert [p.relative_to(tmp_path / "a").as_posix() for p in written] == [
        "labeled-data/cam1/CollectedData_poseconv.h5"
    ]
    assert len(pd.read_hdf(written[0])) == 2


def test_two_label_files_of_one_video_are_not_merged_into_one_table(tmp_path):
    # Both went to labeled-data/<video>/CollectedData_<scorer>: the second table over the first, or images twice.
    training = _from_two_label_files(_sleap_labels(tmp_path), split_at=1)
    with pytest.raises(InvalidOptionError, match="the labels of video 'cam1' come from 'a.slp' and 'b.slp'"):
        write_deeplabcut_labels(training, tmp_path / "both")
    assert not (tmp_path / "both").exists()


@pytest.mark.parametrize(
    ("folder", "rows"),
    [
        # sleap-io's load_dlc keeps a project's images absolute: the rows are named from labeled-data/ on.
        (
            "proj/labeled-data/reach1",
            [("labeled-data", "reach1", "img005.png"), ("labeled-data", "reach1", "img020.png")],
        ),
        # Images elsewhere are put in labeled-data/<video>/, by their own names.
        ("frames", None),
    ],
)
def test_images_of_a_sleap_image_video_name_the_rows_dlc_finds_them_by(tmp_path, folder, rows):
    # They were refused ("not labeled-data/<video>/<image>") or, from sleap-io's NWB, named img00.png, img01.png.
    from PIL import Image

    from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels
    from poseconv.readers.sleap.labels import read_sleap_labels

    skeleton = sio.Skeleton(["head", "tail"])
    images = [str(tmp_path / folder / name) for name in ("img005.png", "img020.png")]
    (tmp_path / folder).mkdir(parents=True)
    for image in images:
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(image)
    video = sio.Video(filename=images)
    frames = [
        sio.LabeledFrame(
            video=video, frame_idx=t, instances=[sio.Instance.from_numpy(np.ones((2, 2)) * t, skeleton=skeleton)]
        )
        for t in range(2)
    ]
    sio.save_slp(sio.Labels(frames, skeletons=[skeleton], videos=[video]), str(tmp_path / "labels.slp"))
    training = read_sleap_labels(tmp_path / "labels.slp")
    (key,) = training.videos
    table = to_deeplabcut_labels(training)
    assert list(table.index) == (rows or [("labeled-data", key, "img005.png"), ("labeled-data", key, "img020.png")])


@pytest.mark.parametrize(
    ("image", "label_file", "row"),
    [
        # A label table's own rows stay as its writer wrote them (a Windows project's, one with ../).
        (
            r"C:\proj\labeled-data\v\img001.png",
            "labeled-data/v/CollectedData_me.h5",
            r"C:\proj\labeled-data\v\img001.png",
        ),
        ("../labeled-data/v/img001.png", "labeled-data/v/CollectedData_me.csv", "../labeled-data/v/img001.png"),
        # Elsewhere, the labeled-data folder is a folder, not a name ending so.
        ("/data/unlabeled-data/s1/img003.png", None, "labeled-data/v/img003.png"),
        ("/data/proj/labeled-data/s1/img003.png", "labels.slp", "labeled-data/s1/img003.png"),
    ],
)
def test_row_labels_of_label_tables_are_kept_and_others_are_put_in_labeled_data(image, label_file, row):
    from poseconv.exporters.deeplabcut_rows import row_label
    from poseconv.model import VideoInfo
    from poseconv.model.training import LabeledFrame, TrainingData

    frame = LabeledFrame(video="v", frame_index=1, image=image, label_file=label_file)
    training = TrainingData(
        source_software="DeepLabCut", source_file="x", skeletons={}, videos={"v": VideoInfo(key="v")}, frames=[frame]
    )
    assert row_label(training, frame) == row


def test_bodyparts_that_are_numbers_in_the_label_file_are_numbers_in_the_export(tmp_path):
    # config.yaml's bodyparts: [1, 2, 3] make integer column labels; the export gave them as text ('1'), so
    # df[scorer][1] failed and the table was not the file read.
    from poseconv.exporters.deeplabcut_training import to_deeplabcut_labels
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels

    columns = pd.MultiIndex.from_product([["me"], [1, 2, 3], ["x", "y"]], names=["scorer", "bodyparts", "coords"])
    index = pd.MultiIndex.from_tuples([("labeled-data", "v", f"img00{i}.png") for i in range(2)])
    table = pd.DataFrame(np.arange(12, dtype="float64").reshape(2, -1), columns=columns, index=index)
    (tmp_path / "v").mkdir()
    path = tmp_path / "v" / "CollectedData_me.h5"
    table.to_hdf(path, key="df_with_missing", mode="w")
    training = read_deeplabcut_labels(path, find_side_files=False)
    pd.testing.assert_frame_equal(to_deeplabcut_labels(training), table)
    assert training.label_files["CollectedData_me.h5"].bodyparts_dtype == "int64"
    assert training.skeletons["Skeleton"].nodes == ("1", "2", "3")
