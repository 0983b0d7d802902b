"""No code from input files: pickles in DeepLabCut side files and in pandas ``.h5`` attributes."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from poseconv import DeepLabCutPoseInterface
from poseconv.errors import InvalidSourceFileError
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.labels import read_deeplabcut_labels
from poseconv.readers.safety.safe_pickle import check_hdf5_attribute_pickles
from tests.fixtures.paths import SHARED_DATA

PREDICTIONS = (
    SHARED_DATA
    / "neuroconv/behavior_testing_data/DLC/open_field_without_video/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
)
MULTI_ANIMAL_FIXED = (
    SHARED_DATA
    / "deeplabcut/multi_mouse-dlc_team-2022-04-12/videos/m3v1mp4shortDLC_effnet_b0_multi_mouseApr12shuffle1_5_el.h5"
)
LABELS = SHARED_DATA / "deeplabcut/MontBlanc-Daniel-2019-12-16/labeled-data/montblanc/CollectedData_Daniel.h5"


class _Command:
    """Pickles to ``os.system(<command>)``: what an attacker would put in a file."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def _plant(source: Path, folder: Path, marker: Path) -> Path:
    """Copy ``source`` and replace the first pickled attribute pandas reads with one that runs a command."""
    path = folder / source.name
    shutil.copy(source, path)
    with h5py.File(path, "r+") as file:
        group = file[next(iter(file))]
        group.attrs["pandas_version"] = np.bytes_(pickle.dumps(_Command(f"touch {marker}"), protocol=0))
        for name in ("non_index_axes", "data_columns", "info"):
            if name in group.attrs:
                group.attrs[name] = np.bytes_(pickle.dumps([_Command(f"touch {marker}")], protocol=0))
    return path


@pytest.mark.parametrize("source", [PREDICTIONS, MULTI_ANIMAL_FIXED], ids=["table", "fixed"])
def test_pandas_itself_runs_the_planted_pickle(tmp_path, source):
    """The threat is real: pandas (PyTables) unpickles ``.h5`` attributes when it opens the file."""
    marker = tmp_path / "ran"
    path = _plant(source, tmp_path, marker)
    with pytest.raises(Exception):  # noqa: B017, PT011 - what pandas raises after running it does not matter
        pd.read_hdf(path)
    assert marker.exists()


@pytest.mark.parametrize("source", [PREDICTIONS, MULTI_ANIMAL_FIXED], ids=["table", "fixed"])
def test_predictions_with_a_planted_pickle_are_refused_without_running_it(tmp_path, source):
    marker = tmp_path / "ran"
    path = _plant(source, tmp_path, marker)
    with pytest.raises(InvalidSourceFileError, match=rf"{path.name}: not read because an attribute holds a pickle"):
        read_deeplabcut(path)
    with pytest.raises(InvalidSourceFileError, match="poseconv never runs code from input files"):
        DeepLabCutPoseInterface(file_path=path, sampling_frequency=30.0)
    assert not marker.exists()


def test_labeled_data_with_a_planted_pickle_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "ran"
    folder = tmp_path / "labeled-data" / "video"
    folder.mkdir(parents=True)
    path = _plant(LABELS, folder, marker)
    with pytest.raises(InvalidSourceFileError, match="not read because an attribute holds a pickle"):
        read_deeplabcut_labels(path)
    assert not marker.exists()


def test_every_real_pandas_h5_passes_the_check():
    """pandas' own attribute pickles build plain values, so real files are never refused."""
    files = [p for p in SHARED_DATA.rglob("*.h5") if h5py.is_hdf5(p) and _is_pandas(p)]
    assert len(files) >= 10
    for path in files:
        check_hdf5_attribute_pickles(path)


def _is_pandas(path: Path) -> bool:
    with h5py.File(path, "r") as file:
        return any("pandas_type" in item.attrs for item in file.values() if isinstance(item, h5py.Group))


def test_a_pickle_inside_a_string_array_attribute_is_refused(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / PREDICTIONS.name
    shutil.copy(PREDICTIONS, path)
    with h5py.File(path, "r+") as file:
        planted = np.bytes_(pickle.dumps(_Command(f"touch {marker}"), protocol=0))
        file["df_with_missing"].attrs["index_cols"] = np.array([planted])
    with pytest.raises(InvalidSourceFileError, match="refusing to load global"):
        read_deeplabcut(path)
    assert not marker.exists()


def test_deeplabcut_3_0_1_metadata_with_its_enums_and_paths_is_read_without_importing_deeplabcut(tmp_path):
    # DeepLabCut 3.0.1 pickles its PyTorch config with its own string enums and pathlib paths; before, the
    # whole pickle was refused (so its frame rate and crop were not used).
    import enum
    import sys
    import types

    from poseconv.readers.safety.safe_pickle import load_metadata_pickle

    module = types.ModuleType("deeplabcut.pose_estimation_pytorch.config.enums")

    class NetType(str, enum.Enum):  # noqa: UP042 - as DeepLabCut defines its enums
        HRNET_W32 = "hrnet_w32"

    NetType.__module__ = module.__name__
    NetType.__qualname__ = "NetType"
    module.NetType = NetType
    # The package and its parents, only while pickling (pickle imports the class's module to check it).
    parts = module.__name__.split(".")
    names = [".".join(parts[: i + 1]) for i in range(len(parts))]
    sys.modules.update({name: types.ModuleType(name) for name in names[:-1]} | {module.__name__: module})
    try:
        blob = pickle.dumps(
            {"data": {"fps": 40.0, "pytorch-config": {"net_type": NetType.HRNET_W32, "project": Path("/p/q")}}}
        )
    finally:
        for name in names:
            del sys.modules[name]
    path = tmp_path / "videoDLC_HrnetW32_meta.pickle"
    path.write_bytes(blob)
    loaded = load_metadata_pickle(path)
    assert loaded["data"]["fps"] == 40.0
    assert loaded["data"]["pytorch-config"] == {"net_type": "hrnet_w32", "project": "/p/q"}
    assert "deeplabcut" not in sys.modules


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_numpy_arrays_of_every_pickle_protocol_are_read(tmp_path, protocol):
    # DeepLabCut's triangulate saves its 3D metadata (OpenCV's stereo matrices) with pickle.HIGHEST_PROTOCOL:
    # 5 since Python 3.8, where numpy rebuilds an array from its bytes with `_frombuffer`, which was refused.
    from poseconv.readers.safety.safe_pickle import load_metadata_pickle

    stereo = {"cameraMatrix1": np.arange(9.0).reshape(3, 3), "roi1": (0, 0, 640, 480), "T": np.array([[-10.0]])}
    path = tmp_path / "trial1_DLC_3D_meta.pickle"
    path.write_bytes(pickle.dumps({"stereo_matrix": stereo, "fortran": np.asfortranarray(np.eye(2))}, protocol))
    loaded = load_metadata_pickle(path)
    np.testing.assert_array_equal(loaded["stereo_matrix"]["cameraMatrix1"], stereo["cameraMatrix1"])
    np.testing.assert_array_equal(loaded["fortran"], np.eye(2))
    assert loaded["stereo_matrix"]["roi1"] == (0, 0, 640, 480)


def test_an_object_array_in_a_protocol_5_pickle_builds_nothing(tmp_path):
    # `_frombuffer` only reinterprets bytes: an object dtype is refused by numpy, never called.
    from poseconv.readers.safety.safe_pickle import load_metadata_pickle

    path = tmp_path / "x_meta.pickle"
    path.write_bytes(pickle.dumps({"a": np.array([_Command("true")], dtype=object)}, 5))
    with pytest.raises(InvalidSourceFileError, match="x_meta.pickle"):
        load_metadata_pickle(path)


def test_bytes_of_pickle_protocol_0_are_read(tmp_path):
    # Protocols 0-2 pickle bytes as _codecs.encode(text, 'latin1') (b'' as bytes()): PyTables' protocol-0
    # attributes hold that for every numpy string scalar, e.g. numpy.str_ column labels. Before, refused.
    from poseconv.readers.safety.safe_pickle import load_metadata_pickle

    values = [np.str_("nose"), np.str_("é☃"), np.str_(""), np.bytes_(b"ab"), b"", b"\xff\x00"]
    path = tmp_path / "p0_meta.pickle"
    path.write_bytes(pickle.dumps({"labels": values}, protocol=0))
    loaded = load_metadata_pickle(path)["labels"]
    assert loaded == values and [type(v) for v in loaded] == [type(v) for v in values]


@pytest.mark.parametrize(
    "call",
    [b"c_codecs\nencode\n(Vabc\nVrot13\ntR", b"c_codecs\nencode\n(I1\nVlatin1\ntR", b"c__builtin__\nbytes\n(I10\ntR"],
    ids=["another-codec", "not-text", "sized-bytes"],
)
def test_only_the_bytes_of_pickle_protocol_0_are_built(tmp_path, call):
    # Another codec may be a third party's (codecs.register) and bytes(n) allocates what the file asks for.
    from poseconv.readers.safety.safe_pickle import load_metadata_pickle

    path = tmp_path / "x_meta.pickle"
    path.write_bytes(b"(dVa\n" + call + b"\ns.")
    with pytest.raises(InvalidSourceFileError, match="not a plain DeepLabCut metadata pickle"):
        load_metadata_pickle(path)


def test_table_h5_with_numpy_string_labels_is_read_with_plain_names(tmp_path):
    # pandas 'table' format (DeepLabCut's analyze_videos) pickles its column labels with protocol 0; labels taken
    # from a numpy array (list(np.array([...]))) are numpy.str_, whose bytes the pickle builds with _codecs.encode.
    # Before, the file was refused as a code-running pickle.
    individuals, bodyparts = list(np.array(["m1", "m2"])), list(np.array(["nose", "tail"]))
    columns = pd.MultiIndex.from_product(
        [
            [np.str_("DLC_resnet50_labMay1shuffle1_1000")],
            individuals,
            bodyparts,
            list(np.array(["x", "y", "likelihood"])),
        ],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    frame = pd.DataFrame(np.random.default_rng(0).uniform(0, 1, (5, 12)), columns=columns)
    path = tmp_path / "vidDLC_resnet50_labMay1shuffle1_1000_el.h5"
    frame.to_hdf(path, key="df_with_missing", format="table", mode="w")
    check_hdf5_attribute_pickles(path)
    pose = read_deeplabcut(path)
    assert [(type(t.name), t.name) for t in pose.tracks] == [(str, "m1"), (str, "m2")]
    for track in pose.tracks:
        nodes = pose.skeletons[track.skeleton].nodes
        assert [(type(n), n) for n in nodes] == [(str, "nose"), (str, "tail")]
        expected = frame.xs(track.name, axis=1, level="individuals")
        np.testing.assert_array_equal(track.positions[:, :, 0], expected.xs("x", axis=1, level="coords").to_numpy())
        np.testing.assert_array_equal(track.confidence, expected.xs("likelihood", axis=1, level="coords").to_numpy())
