"""DeepLabCut labels on a folder of photos (no video): an image sequence in NWB, exported to SLEAP and back to DLC.

DeepLabCut labels any ``labeled-data/<name>/`` folder of images; photos never extracted from a video have no
``video_sets`` entry, no video, and names other than ``img<index>``. sleap-io's ``load_dlc`` (io/dlc.py,
``_load_dlc_csv``) reads such a folder as an image video of its labeled images, frames 0 .. n-1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sleap_io as sio
import yaml
from pynwb import NWBHDF5IO

from poseconv.exporters.deeplabcut_training import write_deeplabcut_labels
from poseconv.exporters.sleap_training import write_sleap_labels
from poseconv.interfaces.training import DeepLabCutTrainingDataInterface
from poseconv.nwb.read.training import read_training
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels
from tests.fixtures.nwb import assert_inspector_clean, user_metadata

IMAGES = ["cage3_0007.jpg", "cage3_0001.jpg", "IMG_2231.JPG"]
VALUES = [[1.5, 2.0, 3.0, 4.0], [5.0, 6.0, np.nan, np.nan], [7.0, 8.0, 9.0, 10.0]]


def photo_project(root, *, with_images=True, images=IMAGES, values=VALUES):
    """A single-animal project labeling ``labeled-data/cage3/`` photos, as the DeepLabCut GUI saves them."""
    import imageio.v3 as iio

    folder = root / "labeled-data" / "cage3"
    folder.mkdir(parents=True)
    config = {"Task": "photos", "scorer": "me", "date": "Jan1", "multianimalproject": False, "video_sets": {}}
    config |= {"project_path": str(root), "bodyparts": ["nose", "tail"], "skeleton": [["nose", "tail"]]}
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    for i, image in enumerate(images if with_images else []):
        iio.imwrite(folder / image, np.full((40, 60, 3), 60 * i, dtype=np.uint8), extension=".jpg")
    index = pd.MultiIndex.from_tuples([("labeled-data", "cage3", image) for image in images])
    names = ["scorer", "bodyparts", "coords"]
    columns = pd.MultiIndex.from_product([["me"], ["nose", "tail"], ["x", "y"]], names=names)
    table = pd.DataFrame(values, index=index, columns=columns)
    table.to_hdf(folder / "CollectedData_me.h5", key="df_with_missing", mode="w")
    return table


def test_photos_are_an_image_sequence_in_row_order_that_exports_to_sleap_and_back_to_dlc(tmp_path):
    project = tmp_path / "photos-me-2024-01-01"
    table = photo_project(project)
    training = read_deeplabcut_labels(project)
    folder = (project / "labeled-data/cage3").resolve()
    assert training.videos["cage3"].image_files == tuple(folder / image for image in IMAGES)
    assert [(f.image, f.frame_index) for f in training.frames] == [
        (f"labeled-data/cage3/{image}", i) for i, image in enumerate(IMAGES)
    ]

    nwb_path = tmp_path / "labels.nwb"
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=project)
    interface.run_conversion(nwbfile_path=nwb_path, metadata=user_metadata(interface))
    assert_inspector_clean(nwb_path)
    with NWBHDF5IO(nwb_path, "r") as io:
        training_frames = io.read().processing["behavior"]["PoseTraining"].training_frames.training_frames
        linked = {f.source_video.external_file[f.source_video_frame_index] for f in training_frames.values()}
    assert {str(folder / image) for image in IMAGES} == {str((nwb_path.parent / f).resolve()) for f in linked}

    back = read_training(nwb_path)
    labels = sio.load_slp(str(write_sleap_labels(back, tmp_path / "back.slp")))
    assert labels.videos[0].filename == [str(folder / image) for image in IMAGES]
    for frame, values in zip(labels.labeled_frames, VALUES, strict=True):
        np.testing.assert_array_equal(frame.instances[0].numpy(), np.reshape(values, (2, 2)))
    assert int(labels.labeled_frames[2].image[0, 0, 0]) > 100  # IMG_2231.JPG, the third photo
    (written,) = [p for p in write_deeplabcut_labels(back, tmp_path / "dlc") if p.suffix == ".h5"]
    pd.testing.assert_frame_equal(pd.read_hdf(written), table)


def test_photos_not_here_get_no_frame_index(tmp_path):
    project = tmp_path / "photos-me-2024-01-01"
    photo_project(project, with_images=False)
    training = read_deeplabcut_labels(project)
    assert training.videos["cage3"].image_files is None
    assert all(frame.frame_index is None for frame in training.frames)


def test_one_labeled_photo_reads_back_as_an_image_not_a_video(tmp_path):
    # One external file was read back as a video path: the .slp export named the photo by its path relative to
    # the NWB file, as a video sleap-io could not open.
    project = tmp_path / "photos-me-2024-01-01"
    table = photo_project(project, images=IMAGES[:1], values=VALUES[:1])
    nwb_path = tmp_path / "labels.nwb"
    interface = DeepLabCutTrainingDataInterface(labeled_data_path=project)
    interface.run_conversion(nwbfile_path=nwb_path, metadata=user_metadata(interface))
    back = read_training(nwb_path)
    photo = (project / "labeled-data/cage3" / IMAGES[0]).resolve()
    assert (back.videos["cage3"].path, back.videos["cage3"].image_files) == (None, (photo,))
    labels = sio.load_slp(str(write_sleap_labels(back, tmp_path / "back.slp")))
    assert labels.videos[0].filename == [str(photo)]
    np.testing.assert_array_equal(labels.labeled_frames[0].instances[0].numpy(), np.reshape(VALUES[0], (2, 2)))
    (written,) = [p for p in write_deeplabcut_labels(back, tmp_path / "dlc") if p.suffix == ".h5"]
    pd.testing.assert_frame_equal(pd.read_hdf(written), table)
