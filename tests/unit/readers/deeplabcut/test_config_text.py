"""DeepLabCut configs written on a Western European Windows (``open(path, "w")``: Windows-1252), read as such."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import yaml

from poseconv.errors import InvalidSourceFileError, PoseconvWarning
from poseconv.readers.deeplabcut import read_deeplabcut
from poseconv.readers.deeplabcut.config_text import read_config_text
from poseconv.readers.deeplabcut.model_info import describe_model
from poseconv.readers.deeplabcut.project import load_project_config
from poseconv.readers.deeplabcut.three_d import find_3d_config_file
from tests.fixtures.deeplabcut import write_dlc_file

SCORER = "DLC_resnet50_testJan1shuffle1_100"
PYTORCH_SCORER = "DLC_Resnet50_testJan1shuffle1_snapshot_200"
# As DeepLabCut writes it (ruamel, CRLF on Windows): the user's name in project_path, a bodypart with an umlaut.
CONFIG = (
    "Task: test\r\nscorer: J\u00fcrgen\r\ndate: Jan1\r\n"
    "project_path: C:\\Users\\J\u00fcrgen\\DLC\\test-J\u00fcrgen-2024-01-01\r\n"
    "bodyparts:\r\n- Nase-\u00fc\r\n- tail\r\nskeleton:\r\n- - Nase-\u00fc\r\n  - tail\r\n"
)
NOT_UTF8 = re.escape("is not UTF-8 (byte 0xFC at position")


def _project(folder, scorer=SCORER):
    """A project whose config.yaml is Windows-1252 and one predictions table of its bodyparts in videos/."""
    (folder / "videos").mkdir()
    (folder / "config.yaml").write_bytes(CONFIG.encode("cp1252"))
    positions = {"Nase-\u00fc": np.full((4, 2), 10.0), "tail": np.full((4, 2), 20.0)}
    likelihood = {part: np.full(4, 0.9) for part in positions}
    return write_dlc_file(folder / "videos" / f"vid{scorer}.h5", positions, likelihood=likelihood, scorer=scorer)


def test_a_utf8_config_is_read_without_a_warning(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(CONFIG.encode("utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_project_config(config)["bodyparts"] == ["Nase-\u00fc", "tail"]


def test_a_windows_1252_config_is_read_with_a_warning_naming_the_file(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(CONFIG.encode("cp1252"))
    with pytest.warns(
        PoseconvWarning, match=f"{re.escape(str(config))}: this DeepLabCut config.yaml {NOT_UTF8}"
    ) as caught:
        read = load_project_config(config)
    said = str(caught[0].message)
    assert "read as Windows-1252" in said and "non-ASCII letters" in said and "re-save the file as UTF-8" in said
    assert read["scorer"] == "J\u00fcrgen" and read["bodyparts"] == ["Nase-\u00fc", "tail"]
    assert read["project_path"] == "C:\\Users\\J\u00fcrgen\\DLC\\test-J\u00fcrgen-2024-01-01"


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_bytes_windows_1252_leaves_undefined_keep_the_utf8_error(tmp_path, byte):
    config = tmp_path / "config.yaml"
    config.write_bytes(CONFIG.encode("cp1252") + bytes([byte]))
    with pytest.raises(InvalidSourceFileError, match=r"cannot be read as a DeepLabCut config.yaml \('utf-8' codec"):
        load_project_config(config)
    with pytest.raises(UnicodeDecodeError):
        read_config_text(config, "DeepLabCut config.yaml")


def test_predictions_of_a_windows_1252_project_keep_its_bodyparts_and_skeleton(tmp_path):
    path = _project(tmp_path)
    with pytest.warns(PoseconvWarning, match=NOT_UTF8):
        pose = read_deeplabcut(path)
    (skeleton,) = pose.skeletons.values()
    assert skeleton.nodes == ("Nase-\u00fc", "tail") and skeleton.edges == ((0, 1),)
    assert pose.notes["project_identity"] == {"task": "test", "experimenter": "J\u00fcrgen"}


def test_a_windows_1252_pytorch_config_beside_the_predictions_names_the_model(tmp_path):
    path = _project(tmp_path, PYTORCH_SCORER)
    model_config = {"net_type": "resnet_50", "method": "bu", "metadata": {"bodyparts": ["Nase-\u00fc", "tail"]}}
    beside = path.with_name("pytorch_config.yaml")
    beside.write_bytes(yaml.safe_dump(model_config, allow_unicode=True).encode("cp1252"))
    with pytest.warns(PoseconvWarning, match=f"{re.escape(str(beside))}: this DeepLabCut model config {NOT_UTF8}"):
        model = describe_model(path, PYTORCH_SCORER, None)
    assert (model.net_type, model.method) == ("resnet_50", "bottom-up")


def test_a_windows_1252_3d_project_config_is_found(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(
        "Task: t\r\nscorer: J\u00fcrgen\r\ncamera_names:\r\n- camera-1\r\n- camera-2\r\n".encode("cp1252")
    )
    # Found without a word: the config found is read again, and its code page said, then (once, not twice).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert find_3d_config_file(tmp_path / "vid_DLC_3D.h5") == config


def test_a_utf16_file_with_its_byte_order_mark_is_read_as_utf16(tmp_path):
    # It was read as Windows-1252, with a warning, then failed in YAML ("unacceptable character #x0000").
    path = tmp_path / "config.yaml"
    path.write_bytes("bodyparts: [Nase-\u00fc]\n".encode("utf-16"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_config_text(path, "DeepLabCut config.yaml") == "bodyparts: [Nase-\u00fc]\n"


def test_a_utf32_file_with_its_byte_order_mark_is_read_as_utf32(tmp_path):
    # UTF-32's little-endian mark begins with UTF-16's: it was decoded as UTF-16, text full of NULs.
    path = tmp_path / "config.yaml"
    path.write_bytes("bodyparts: [Nase-\u00fc]\n".encode("utf-32"))
    assert read_config_text(path, "DeepLabCut config.yaml") == "bodyparts: [Nase-\u00fc]\n"
