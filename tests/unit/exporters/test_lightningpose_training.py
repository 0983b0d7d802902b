"""Training labels written as Lightning Pose's labels CSV (exporters/lightningpose_training.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from poseconv.errors import InvalidOptionError
from poseconv.exporters.lightningpose_training import to_lightning_pose_labels, write_lightning_pose_labels
from poseconv.model import Skeleton, VideoInfo
from poseconv.model.training import LabeledFrame, LabeledInstance, TrainingData
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.training import GOLDEN_MOUSE_PROJECT
from tests.unit.exporters.test_deeplabcut_training import _sleap_labels


def lightning_pose_reads(path):
    """The labels as Lightning Pose's BaseTrackingDataset reads them: image paths, float32 (frames, nodes, 2)."""
    data = pd.read_csv(path, header=[0, 1, 2], index_col=0)
    return list(data.index), np.asarray(data.to_numpy(), dtype="float32").reshape(len(data), -1, 2)


def test_the_frames_of_every_video_go_to_one_csv_lightning_pose_reads(tmp_path):
    # --to lp refused labels of several videos, advising a folder as OUT, which --to lp refuses: Lightning Pose
    # keeps every video's labels in one CSV.
    path = write_lightning_pose_labels(_sleap_labels(tmp_path), tmp_path / "CollectedData.csv")
    images, points = lightning_pose_reads(path)
    assert images == [f"labeled-data/cam{k}/img{t}.png" for k in (1, 2) for t in range(3)]
    expected = [[[10.0 * k + t, 1.0], [2.0, 3.0]] for k in range(2) for t in range(3)]
    np.testing.assert_array_equal(points, np.array(expected, dtype="float32"))
    assert path.read_text().splitlines()[:3] == ["scorer,poseconv,poseconv,poseconv,poseconv"] + [
        "bodyparts,head,head,tail,tail",
        "coords,x,y,x,y",
    ]


@needs_shared_data
def test_deeplabcut_labels_of_three_index_columns_become_one_column_of_image_paths():
    # They were written as read: three index columns, which Lightning Pose's index_col=0 takes for values.
    from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels, read_deeplabcut_labels_table

    (source,) = GOLDEN_MOUSE_PROJECT.glob("labeled-data/*/CollectedData_*.h5")
    original, layout = read_deeplabcut_labels_table(source)
    assert layout.row_labels == "multiindex"
    table = to_lightning_pose_labels(read_deeplabcut_labels(GOLDEN_MOUSE_PROJECT))
    assert list(table.index) == ["/".join(parts) for parts in original.index]
    assert list(table.columns.names) == ["scorer", "bodyparts", "coords"]
    np.testing.assert_array_equal(table.to_numpy(), original.to_numpy())


def _two_animals() -> TrainingData:
    skeleton = Skeleton(name="mouse", nodes=("nose", "tail"), edges=((0, 1),))
    instances = tuple(
        LabeledInstance("mouse", np.ones((2, 2)) * k, np.array([True, True]), individual=name)
        for k, name in enumerate(("a", "b"))
    )
    return TrainingData.from_frames(
        source_software="SLEAP",
        source_file="labels.slp",
        skeletons=[skeleton],
        videos=[VideoInfo(key="arena")],
        frames=[LabeledFrame(video="arena", frame_index=4, instances=instances)],
        individuals=["a", "b"],
    )


def test_labels_of_several_animals_are_refused_pointing_to_the_deeplabcut_export(tmp_path):
    # They were written with an individuals header row, which Lightning Pose reads as values (float32 fails).
    output = tmp_path / "CollectedData.csv"
    said = r"2 animals \(a, b\), 2 in frame 4 of video 'arena'.*holds one animal.*write_deeplabcut_labels"
    with pytest.raises(InvalidOptionError, match=said):
        write_lightning_pose_labels(_two_animals(), output)
    assert not output.exists()


def test_several_animals_on_a_labeled_image_are_said_by_the_image(tmp_path):
    # A frame of a folder of images has no frame index: the refusal said "in frame None".
    import dataclasses

    labels = _two_animals()
    frames = [dataclasses.replace(frame, frame_index=None, image="img00c00.png") for frame in labels.frames]
    with pytest.raises(InvalidOptionError, match=r"2 in image 'img00c00.png' of video 'arena'") as caught:
        write_lightning_pose_labels(dataclasses.replace(labels, frames=frames), tmp_path / "CollectedData.csv")
    assert "None" not in str(caught.value)
