"""DeepLabCut export of predictions on a folder's images: each row keeps the label DeepLabCut gave it.

DeepLabCut 2's ``analyze_time_lapse_frames`` labels each row by the image's file name; DeepLabCut 3's PyTorch
engine runs ``analyze_images``, which labels it by the image's path, ``str(path)`` of ``Path(folder).iterdir()``
(``parse_images_and_image_folders``), and writes ``image_predictions_<scorer>.h5`` with ``to_hdf(key="predictions")``
(fixed format). A table exported back joins its source on these labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from poseconv.errors import PoseconvWarning
from poseconv.exporters.deeplabcut import to_deeplabcut_dataframe, write_deeplabcut
from poseconv.readers.deeplabcut import read_deeplabcut

DLC3_SCORER = "DLC_Resnet50_openfieldOct30shuffle1_snapshot_200"
DLC2_SCORER = "DLC_resnet50_lapseJan1shuffle1_1000"
# Numbered without padding, in an order Path.iterdir may list them: analyze_images keeps it.
LISTED = ["frame_3.jpg", "frame_1.jpg", "frame_10.jpg", "frame_0.jpg", "frame_2.jpg"]
NATURAL = ["frame_0.jpg", "frame_1.jpg", "frame_2.jpg", "frame_3.jpg", "frame_10.jpg"]
START = "2024-05-01T10:00:00+00:00"


def _images(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(NATURAL):
        Image.fromarray(np.full((24, 32), 40 * k, dtype="uint8")).save(folder / name)


def _predictions(rows, scorer, individuals):
    """A predictions table as build_predictions_dataframe lays it out, x the image's number to tell rows apart."""
    levels = [[scorer], individuals, ["snout", "tail"], ["x", "y", "likelihood"]]
    names = ["scorer", "individuals", "bodyparts", "coords"]
    if not individuals:
        levels.pop(1)
        names.remove("individuals")
    columns = pd.MultiIndex.from_product(levels, names=names)
    rng = np.random.default_rng(0)
    values = rng.random((len(rows), len(columns)))
    values[:, 0] = [float(str(row).rsplit("_", 1)[-1].split(".")[0]) for row in rows]
    return pd.DataFrame(values, columns=columns, index=rows)


def _analyze_images(folder, rows):
    """Write what DeepLabCut 3's analyze_images(images=folder, output_dir=folder) writes for ``rows``."""
    table = _predictions(rows, DLC3_SCORER, ["individual0", "individual1"])
    path = folder / f"image_predictions_{DLC3_SCORER}.h5"
    table.to_hdf(path, key="predictions")
    table.to_csv(path.with_suffix(".csv"))
    return table, path


def _convert_and_export(tmp_path, predictions):
    from tests.fixtures.cli import poseconv_in_process

    nwb, back = tmp_path / "o.nwb", tmp_path / "rt.h5"
    args = ("convert", predictions, "--fps", "1", "-o", nwb, "--session-start-time", START)
    result = poseconv_in_process(*args)
    assert result.returncode == 0, result.stderr
    result = poseconv_in_process("export", nwb, "--to", "dlc", back)
    assert result.returncode == 0, result.stderr
    return pd.read_hdf(back)


def _same_rows(source, back):
    # Every row of the source is found by its label, with its values; the rows are the images' natural order.
    assert sorted(back.index) == sorted(source.index)
    assert len(source.index.intersection(back.index)) == len(source)
    pd.testing.assert_frame_equal(back, source.loc[back.index], check_names=False)


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_deeplabcut_3_image_predictions_export_back_with_the_image_paths_it_wrote(tmp_path, suffix):
    folder = tmp_path / "imgs"
    _images(folder)
    source, path = _analyze_images(folder, [str(folder / name) for name in LISTED])
    back = _convert_and_export(tmp_path, path.with_suffix(suffix))
    assert list(back.index) == [str(folder / name) for name in NATURAL]
    _same_rows(source, back)


def test_deeplabcut_3_image_predictions_read_directly_export_with_their_paths(tmp_path):
    folder = tmp_path / "imgs"
    _images(folder)
    source, path = _analyze_images(folder, [str(folder / name) for name in LISTED])
    with pytest.warns(PoseconvWarning, match="without tracking"):
        pose = read_deeplabcut(path)
    write_deeplabcut(pose, tmp_path / "rt.h5")
    _same_rows(source, pd.read_hdf(tmp_path / "rt.h5"))


def test_deeplabcut_3_predictions_on_images_not_here_keep_the_paths_as_written(tmp_path):
    # The images were analysed on another machine: their folder is the one each row label names.
    folder = tmp_path / "preds"
    folder.mkdir()
    source, path = _analyze_images(folder, [f"/data/session 1/imgs/{name}" for name in LISTED])
    with pytest.warns(PoseconvWarning, match="without tracking"):
        pose = read_deeplabcut(path)
    write_deeplabcut(pose, tmp_path / "rt.h5")
    back = pd.read_hdf(tmp_path / "rt.h5")
    assert list(back.index) == [f"/data/session 1/imgs/{name}" for name in NATURAL]
    _same_rows(source, back)


@pytest.mark.parametrize("with_images", [True, False], ids=["images", "no-images"])
def test_deeplabcut_2_time_lapse_exports_back_with_the_image_names(tmp_path, with_images):
    # analyze_time_lapse_frames of the TensorFlow engine: rows the sorted bare names, key df_with_missing.
    folder = tmp_path / "plate"
    if with_images:
        _images(folder)
    folder.mkdir(exist_ok=True)
    source = _predictions(sorted(LISTED), DLC2_SCORER, [])
    path = folder / f"plate{DLC2_SCORER}.h5"
    source.to_hdf(path, key="df_with_missing", format="table", mode="w")
    write_deeplabcut(read_deeplabcut(path), tmp_path / "direct.h5")
    _same_rows(source, pd.read_hdf(tmp_path / "direct.h5"))
    if with_images:
        back = _convert_and_export(tmp_path, path)
        assert list(back.index) == NATURAL
        _same_rows(source, back)


def test_deeplabcut_3_image_paths_noted_as_written_are_kept(tmp_path):
    # analyze_images given a relative folder labels the rows relative to where it ran: only a reader noting the
    # labels as written keeps them; the images here otherwise give their absolute paths.
    import dataclasses

    folder = tmp_path / "imgs"
    _images(folder)
    source, path = _analyze_images(folder, [f"imgs/{name}" for name in LISTED])
    with pytest.warns(PoseconvWarning, match="without tracking"):
        pose = read_deeplabcut(path)
    assert list(to_deeplabcut_dataframe(pose).index) == [str(folder / name) for name in NATURAL]
    written = {"videos": {"imgs": {"image_files": [f"imgs/{name}" for name in NATURAL]}}}
    _same_rows(source, to_deeplabcut_dataframe(dataclasses.replace(pose, notes={**pose.notes, **written})))
