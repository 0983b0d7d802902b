"""DeepLabCut's time-lapse analysis (analyze_time_lapse_frames): predictions on the images of a folder.

The tables are written as DeepLabCut's ``auxiliaryfunctions.save_data`` writes them: a DataFrame indexed
by the sorted image names, ``to_hdf(key="df_with_missing", format="table")`` and ``to_csv``, saved in
the folder of the images.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut

SCORER = "DLC_resnet50_lapseJan1shuffle1_1000"
IMAGES = ["img0001.png", "img0002.png", "img0005.png"]


def _time_lapse(folder, *, images: bool = True, index=IMAGES):
    folder.mkdir(parents=True, exist_ok=True)
    if images:
        for k, name in enumerate(IMAGES):
            Image.fromarray(np.full((24, 32), 40 * k, dtype="uint8")).save(folder / name)
    columns = pd.MultiIndex.from_product(
        [[SCORER], ["nose", "tail"], ["x", "y", "likelihood"]], names=["scorer", "bodyparts", "coords"]
    )
    table = pd.DataFrame(np.arange(18, dtype=float).reshape(3, 6) / 4 + 0.5, columns=columns, index=index)
    table.to_hdf(folder / f"{folder.name}{SCORER}.h5", key="df_with_missing", format="table", mode="w")
    table.to_csv(folder / f"{folder.name}{SCORER}.csv")
    return table


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_rows_of_images_are_frames_of_the_image_folder_in_row_order(tmp_path, suffix):
    folder = tmp_path / "session1"
    table = _time_lapse(folder)
    pose = read_deeplabcut(folder / f"session1{SCORER}{suffix}")
    (track,) = pose.tracks
    positions = np.asarray(track.positions[:])
    assert positions.shape == (3, 2, 2)
    np.testing.assert_array_equal(positions[:, 1], table.xs("tail", axis=1, level="bodyparts").to_numpy()[:, :2])
    np.testing.assert_array_equal(np.asarray(track.confidence[:])[:, 0], table.iloc[:, 2].to_numpy())
    video = pose.videos[track.video]
    assert video.key == "session1" and video.n_frames == 3
    assert video.image_files == tuple(folder / name for name in IMAGES)
    assert pose.notes["videos"]["session1"]["image_files"] == IMAGES
    assert pose.timing == {}  # DeepLabCut records no rate for a time lapse: the user gives it


def test_a_time_lapse_converts_with_a_rate_and_links_its_images(tmp_path):
    import pynwb

    from tests.fixtures.cli import poseconv_in_process

    folder = tmp_path / "session1"
    table = _time_lapse(folder)
    out = tmp_path / "lapse.nwb"
    start = "2024-01-01T00:00:00+00:00"
    result = poseconv_in_process("convert", folder / f"session1{SCORER}.h5", "-o", out, "--session-start-time", start)
    assert result.returncode != 0 and "no frame rate is recorded" in result.stderr
    args = ("convert", folder / f"session1{SCORER}.h5", "--fps", "0.5", "-o", out, "--session-start-time", start)
    result = poseconv_in_process(*args)
    assert result.returncode == 0, result.stderr
    with pynwb.NWBHDF5IO(out, "r") as io:
        nwbfile = io.read()
        series = nwbfile.processing["behavior"]["PoseEstimation"].pose_estimation_series["nose"]
        np.testing.assert_array_equal(series.data[:], table.iloc[:, :2].to_numpy())
        assert series.rate == 0.5
        (images,) = [obj for obj in nwbfile.objects.values() if type(obj).__name__ == "ImageSeries"]
        assert list(images.external_file[:]) == [f"session1/{name}" for name in IMAGES]
        assert list(images.starting_frame[:]) == [0, 1, 2]


def test_a_time_lapse_without_its_images_names_them(tmp_path):
    from poseconv.metadata.defaults import default_pose_metadata

    folder = tmp_path / "session1"
    _time_lapse(folder, images=False)
    pose = read_deeplabcut(folder / f"session1{SCORER}.h5")
    assert pose.videos["session1"].image_files is None
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert "as 3 image files, the first 'img0001.png', which do not all exist" in container["description"]


@pytest.mark.parametrize(
    "index",
    [
        ["labeled-data/v1/img0001.png", "labeled-data/v1/img0002.png", "labeled-data/v1/img0005.png"],  # machine labels
        ["/data/imgs/b.png", "/data/imgs/a.png", "/data/imgs/c.png"],  # DLC 3's analyze_images
    ],
)
def test_predictions_on_images_named_by_path_are_still_refused(tmp_path, index):
    folder = tmp_path / "session1"
    _time_lapse(folder, index=index)
    with pytest.raises(InvalidSourceFileError, match="predictions on separate images"):
        read_deeplabcut(folder / f"session1{SCORER}.h5")


def test_a_time_lapse_exports_back_to_its_own_table(tmp_path):
    from poseconv import read_nwb
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from tests.fixtures.cli import poseconv_in_process

    folder = tmp_path / "session1"
    table = _time_lapse(folder)
    out = tmp_path / "lapse.nwb"
    start = "2024-01-01T00:00:00+00:00"
    args = ("convert", folder / f"session1{SCORER}.h5", "--fps", "0.5", "-o", out, "--session-start-time", start)
    assert poseconv_in_process(*args).returncode == 0
    (pose,) = read_nwb(out)
    write_deeplabcut(pose, tmp_path / "back.h5")
    pd.testing.assert_frame_equal(pd.read_hdf(tmp_path / "back.h5"), table, check_names=False)


DLC3_SCORER = "DLC_Resnet50_lapseJan1shuffle1_snapshot_best-200"
# The order Path.iterdir may list a folder in: DeepLabCut 3 keeps it (analyze_images.parse_images_and_image_folders).
DLC3_ORDER = ["img0005.png", "img0001.png", "img0002.png"]


def _dlc3_time_lapse(folder, rows):
    """analyze_time_lapse_frames of DeepLabCut 3: analyze_images(images=folder, output_dir=folder).

    Written as analyze_images writes it: rows str(path) in iterdir order, the 4-level header of
    build_predictions_dataframe, ``to_hdf(key="predictions")`` (fixed format) and ``to_csv``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(IMAGES):
        Image.fromarray(np.full((24, 32), 40 * k, dtype="uint8")).save(folder / name)
    columns = pd.MultiIndex.from_product(
        [[DLC3_SCORER], ["animal"], ["nose", "tail"], ["x", "y", "likelihood"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    table = pd.DataFrame(np.arange(18, dtype=float).reshape(3, 6) / 4 + 0.5, columns=columns, index=rows)
    table.to_hdf(folder / f"image_predictions_{DLC3_SCORER}.h5", key="predictions")
    table.to_csv(folder / f"image_predictions_{DLC3_SCORER}.csv")
    return table


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
@pytest.mark.parametrize("absolute", [True, False], ids=["absolute", "relative"])
def test_a_deeplabcut_3_time_lapse_puts_each_row_on_its_image(tmp_path, suffix, absolute):
    # DeepLabCut 3's analyze_time_lapse_frames writes image_predictions_<scorer>.h5, rows the images' paths in
    # iterdir order: before, refused as "predictions on separate images". The frames are the images by name,
    # as DeepLabCut 2 sorts them, each with the values of its own row.
    folder = tmp_path / "session1"
    rows = [str(folder / name) if absolute else f"session1/{name}" for name in DLC3_ORDER]
    table = _dlc3_time_lapse(folder, rows)
    pose = read_deeplabcut(folder / f"image_predictions_{DLC3_SCORER}{suffix}")
    (track,) = pose.tracks
    positions, confidence = np.asarray(track.positions[:]), np.asarray(track.confidence[:])
    for frame, name in enumerate(IMAGES):
        row = table.iloc[DLC3_ORDER.index(name)].to_numpy()
        np.testing.assert_array_equal(positions[frame].ravel(), row[[0, 1, 3, 4]])
        np.testing.assert_array_equal(confidence[frame], row[[2, 5]])
    video = pose.videos[track.video]
    assert video.key == "session1" and video.n_frames == 3
    assert video.image_files == tuple(folder / name for name in IMAGES)
    assert pose.notes["videos"]["session1"]["image_files"] == IMAGES


@pytest.mark.parametrize("output_dir", ["preds", "preds/session1"])
def test_deeplabcut_3_predictions_written_into_another_folder_are_the_images_folder(tmp_path, output_dir):
    # analyze_images(images=raw, output_dir=preds): the rows are the absolute paths of the images in raw/.
    # Before, refused as "predictions on separate images" while the same file beside the images converted;
    # in a folder of the images' folder's name, taken for it and the images not linked.
    raw = tmp_path / "session1"
    table = _dlc3_time_lapse(raw, [str(raw / name) for name in DLC3_ORDER])
    preds = tmp_path / output_dir
    preds.mkdir(parents=True)
    (raw / f"image_predictions_{DLC3_SCORER}.h5").rename(preds / f"image_predictions_{DLC3_SCORER}.h5")
    pose = read_deeplabcut(preds / f"image_predictions_{DLC3_SCORER}.h5")
    (track,) = pose.tracks
    video = pose.videos[track.video]
    assert video.key == "session1" and video.image_files == tuple(raw / name for name in IMAGES)
    positions = np.asarray(track.positions[:])
    for frame, name in enumerate(IMAGES):
        np.testing.assert_array_equal(
            positions[frame].ravel(), table.iloc[DLC3_ORDER.index(name)].to_numpy()[[0, 1, 3, 4]]
        )


def test_deeplabcut_3_predictions_on_images_of_a_folder_not_here_name_it(tmp_path):
    # The images' absolute folder is not on this machine: still that folder's frames, the images named.
    from poseconv.metadata.defaults import default_pose_metadata

    folder = tmp_path / "session1"
    _dlc3_time_lapse(folder, [f"/data/imgs/{name}" for name in DLC3_ORDER])
    pose = read_deeplabcut(folder / f"image_predictions_{DLC3_SCORER}.h5")
    video = pose.videos["imgs"]
    assert video.image_files is None and video.n_frames == 3
    (container,) = default_pose_metadata(pose)["Pose"]["PoseEstimations"].values()
    assert "which do not all exist" in container["description"]


def test_deeplabcut_3_predictions_on_images_of_another_relative_folder_are_still_refused(tmp_path):
    # A relative folder of another name: relative to where DeepLabCut ran, which the file does not record.
    folder = tmp_path / "session1"
    _dlc3_time_lapse(folder, [f"other/{name}" for name in DLC3_ORDER])
    with pytest.raises(InvalidSourceFileError, match="predictions on separate images"):
        read_deeplabcut(folder / f"image_predictions_{DLC3_SCORER}.h5")


# Images numbered without zero padding, as many acquisition scripts name them.
UNPADDED = [f"img{k}.png" for k in range(1, 13)]


@pytest.mark.parametrize("dlc3", [True, False], ids=["dlc3-iterdir", "dlc2-sorted"])
def test_images_numbered_without_padding_are_frames_in_their_numbers_order(tmp_path, dlc3):
    # Before, the rows were put in text order (img1, img10, img11, img12, img2, ...): with --timestamps or
    # --fps each pose got another image's time. DeepLabCut 2 writes its rows in that text order
    # (np.sort), DeepLabCut 3 in iterdir order: both are now the images in the order they were numbered.
    folder = tmp_path / "session1"
    folder.mkdir()
    for name in UNPADDED:
        Image.fromarray(np.zeros((24, 32), dtype="uint8")).save(folder / name)
    rows = sorted(UNPADDED) if not dlc3 else [str(folder / name) for name in UNPADDED[::-1]]
    levels = [[DLC3_SCORER], ["animal"]] if dlc3 else [[SCORER]]
    names = ["scorer", "individuals"] if dlc3 else ["scorer"]
    columns = pd.MultiIndex.from_product(
        [*levels, ["nose"], ["x", "y", "likelihood"]], names=[*names, "bodyparts", "coords"]
    )
    number = [float(re.sub(r"\D", "", str(row).rsplit("/", 1)[-1])) for row in rows]  # x = y = the image's number
    table = pd.DataFrame({columns[0]: number, columns[1]: number, columns[2]: 0.9}, index=rows)
    path = folder / (f"image_predictions_{DLC3_SCORER}.h5" if dlc3 else f"session1{SCORER}.h5")
    table.to_hdf(path, key="predictions" if dlc3 else "df_with_missing")
    pose = read_deeplabcut(path)
    (track,) = pose.tracks
    np.testing.assert_array_equal(np.asarray(track.positions[:])[:, 0, 0], np.arange(1, 13))
    assert pose.videos[track.video].image_files == tuple(folder / name for name in UNPADDED)
    assert pose.notes["videos"]["session1"]["image_files"] == UNPADDED


def test_image_order_is_natural_and_keeps_zero_padded_names_sorted():
    from poseconv.readers.deeplabcut.time_lapse import image_order

    names = ["img10.png", "img2.png", "img1.png", "img01.png"]
    assert [names[k] for k in image_order(names)] == ["img01.png", "img1.png", "img2.png", "img10.png"]
    padded = ["a-0010.png", "a0002.png", "a0010.png", "b0001.png", "a_0003.png"]
    assert [padded[k] for k in image_order(padded)] == sorted(padded)


def test_multi_animal_image_predictions_are_not_told_to_be_tracked(tmp_path):
    # analyze_images predicts each image on its own: before, the advice was to track them into an _el.h5,
    # which DeepLabCut does for videos only.
    import warnings

    from poseconv.errors import PoseconvWarning

    folder = tmp_path / "session1"
    folder.mkdir()
    for name in IMAGES:
        Image.fromarray(np.zeros((24, 32), dtype="uint8")).save(folder / name)
    columns = pd.MultiIndex.from_product(
        [[DLC3_SCORER], ["mus1", "mus2"], ["nose"], ["x", "y", "likelihood"]],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    table = pd.DataFrame(np.full((3, 6), 0.5), columns=columns, index=[str(folder / name) for name in IMAGES])
    table.to_hdf(folder / f"image_predictions_{DLC3_SCORER}.h5", key="predictions")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PoseconvWarning)
        pose = read_deeplabcut(folder / f"image_predictions_{DLC3_SCORER}.h5")
    (said,) = [str(w.message) for w in caught if "NOT follow one animal" in str(w.message)]
    assert "analyze_images predicts each image on its own" in said and "_el.h5" not in said
    assert pose.notes["untracked_detections"] in said


def test_a_time_lapse_given_its_times_in_seconds_minutes_apart_is_not_taken_for_milliseconds(tmp_path):
    # Times without a video to compare with are warned of below 1 frame per second (milliseconds read as seconds);
    # a time lapse's images are taken that slowly on purpose.
    from poseconv import DeepLabCutPoseInterface

    folder = tmp_path / "session1"
    _time_lapse(folder)
    interface = DeepLabCutPoseInterface(file_path=folder / f"session1{SCORER}.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoseconvWarning)
        interface.set_aligned_timestamps(np.arange(len(IMAGES)) * 300.0)
