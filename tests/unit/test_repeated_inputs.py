"""Inputs that would write the same poses twice (:mod:`poseconv.repeated_inputs`), refused from every entry point.

DeepLabCut writes each analysis as .h5 and (``save_as_csv=True``) the same table as .csv beside it: a shell glob
gave both to ``poseconv convert``, which wrote two PoseEstimation containers of the same values without a word.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
import yaml

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter, SLEAPPoseInterface
from poseconv.batch.plan import plan_spec
from poseconv.errors import InvalidOptionError
from poseconv.interfaces import (
    DeepLabCutTrainingDataInterface,
    LightningPosePoseInterface,
    PoseConverterPipe,
    SLEAPSessionPoseInterface,
    SLEAPTrainingDataInterface,
)
from poseconv.repeated_inputs import Repeats, input_use, repeats
from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import COLLECTED_DATA_H5, write_dlc_file
from tests.fixtures.paths import needs_shared_data

NAME = "mouseDLC_resnet50_testJan1shuffle1_100"
START = "2024-05-01T10:30:00+02:00"


def _analysis(folder, *, csv: bool = True, animals: tuple[str, ...] = ()):
    """Write one DeepLabCut analysis as DeepLabCut does with save_as_csv: the .h5 and its .csv copy."""
    rng = np.random.default_rng(0)
    keys = [(animal, part) for animal in animals for part in ("nose", "tail")] if animals else ["nose", "tail"]
    positions = {key: rng.uniform(0, 100, size=(5, 2)) for key in keys}
    likelihood = {key: rng.uniform(0, 1, size=5) for key in keys}
    h5 = write_dlc_file(folder / f"{NAME}.h5", positions, likelihood=likelihood)
    if csv:
        write_dlc_file(folder / f"{NAME}.csv", positions, likelihood=likelihood)
    return h5, folder / f"{NAME}.csv"


def _use(label, cls, path, **source_data):
    return input_use(label, cls, {cls.input_argument: str(path), **source_data})


# -- which inputs repeat ------------------------------------------------------------------------


def test_the_same_file_by_another_path_or_a_link_is_a_repeat(tmp_path):
    h5, _ = _analysis(tmp_path, csv=False)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.h5").symlink_to(h5)
    uses = [
        _use("a", DeepLabCutPoseInterface, h5),
        _use("b", DeepLabCutPoseInterface, tmp_path / "sub" / ".." / h5.name),
        _use("c", DeepLabCutPoseInterface, tmp_path / "link.h5"),
    ]
    found = repeats(uses)
    assert [(r.earlier.label, r.later.label, r.twin) for r in found] == [("a", "b", False), ("a", "c", False)]


def test_a_deeplabcut_h5_and_its_csv_copy_are_a_repeat_and_other_files_are_not(tmp_path):
    h5, csv = _analysis(tmp_path)
    filtered = write_dlc_file(tmp_path / f"{NAME}_filtered.h5", {"nose": np.zeros((5, 2))})
    (found,) = repeats([_use("h5", DeepLabCutPoseInterface, h5), _use("csv", DeepLabCutPoseInterface, csv)])
    assert (found.earlier.label, found.later.label, found.twin) == ("h5", "csv", True)
    # The filtered analysis holds other values; a Lightning Pose CSV of the name is no DeepLabCut copy.
    assert repeats([_use("h5", DeepLabCutPoseInterface, h5), _use("f", DeepLabCutPoseInterface, filtered)]) == []
    assert repeats([_use("h5", DeepLabCutPoseInterface, h5), _use("lp", LightningPosePoseInterface, csv)]) == []


def test_inputs_that_select_parts_with_nothing_in_common_do_not_repeat(tmp_path):
    h5, _ = _analysis(tmp_path, csv=False)

    def dlc(label, **given):
        return _use(label, DeepLabCutPoseInterface, h5, **given)

    # A multi-animal file split per subject (DANDI wants one subject per file).
    assert repeats([dlc("a", individuals=["m1"]), dlc("b", individuals=["m2", "single"])]) == []
    # Animals in common, or one input taking every animal, repeat.
    assert len(repeats([dlc("a", individuals=["m1", "m2"]), dlc("b", individuals=["m2"])])) == 1
    assert len(repeats([dlc("a"), dlc("b", individuals=["m2"])])) == 1
    assert len(repeats([dlc("a", individuals=[]), dlc("b", individuals=["m2"])])) == 1
    slp = tmp_path / "labels.slp"
    slp.touch()
    # A SLEAP project of several videos, one per session; a .slp of several recording sessions (0 by default).
    assert (
        repeats(
            [
                _use("a", SLEAPPoseInterface, slp, video_indices=[0]),
                _use("b", SLEAPPoseInterface, slp, video_indices=[1]),
            ]
        )
        == []
    )
    assert (
        repeats([_use("a", SLEAPSessionPoseInterface, slp), _use("b", SLEAPSessionPoseInterface, slp, session_index=1)])
        == []
    )
    assert (
        len(
            repeats(
                [_use("a", SLEAPSessionPoseInterface, slp), _use("b", SLEAPSessionPoseInterface, slp, session_index=0)]
            )
        )
        == 1
    )


def test_predictions_and_training_labels_of_one_file_are_not_compared(tmp_path):
    slp = tmp_path / "labels.slp"
    slp.touch()
    assert repeats([_use("p", SLEAPPoseInterface, slp), _use("t", SLEAPTrainingDataInterface, slp)]) == []
    # Two training inputs of one label file write its frames twice.
    assert len(repeats([_use("t", SLEAPTrainingDataInterface, slp), _use("u", SLEAPTrainingDataInterface, slp)])) == 1
    labels = tmp_path / "CollectedData_me.h5"
    labels.touch()
    (tmp_path / "CollectedData_me.csv").touch()
    found = repeats(
        [
            _use("h5", DeepLabCutTrainingDataInterface, labels),
            _use("csv", DeepLabCutTrainingDataInterface, tmp_path / "CollectedData_me.csv"),
        ]
    )
    assert [r.twin for r in found] == [True]


def test_find_compares_with_what_was_added_only(tmp_path):
    h5, _ = _analysis(tmp_path, csv=False)
    seen = Repeats()
    first, second = _use("a", DeepLabCutPoseInterface, h5), _use("b", DeepLabCutPoseInterface, h5)
    assert seen.find(first) is None and seen.find(second) is None
    seen.add(first)
    assert seen.find(second).earlier is first
    assert input_use("x", DeepLabCutPoseInterface, {"file_path": ""}) is None


# -- every entry point refuses them, before anything is written -----------------------------------


def test_a_converter_refuses_one_file_given_twice_naming_it_the_inputs_and_what_to_do(tmp_path):
    h5, csv = _analysis(tmp_path)
    made = [DeepLabCutPoseInterface(file_path=p, sampling_frequency=30.0) for p in (h5, h5, csv)]
    with pytest.raises(InvalidOptionError) as raised:
        PoseConverterPipe({"top": made[0], "again": made[1]})
    message = str(raised.value)
    assert f"{h5} is given twice (inputs 'top' and 'again'): its poses would be written twice" in message
    assert "Give it once; a file of several animals can be split: give each input its own animals (individuals)" in (
        message
    )
    with pytest.raises(InvalidOptionError, match=r"DeepLabCut's \.csv is a copy of the \.h5: give one") as raised:
        PoseConverterPipe({"h5": made[0], "csv": made[2]})
    assert f"{NAME}.h5 and {NAME}.csv (inputs 'h5' and 'csv')" in str(raised.value)

    class Converter(PoseNWBConverter):
        data_interface_classes = {"A": DeepLabCutPoseInterface, "B": DeepLabCutPoseInterface}

    source = {"file_path": str(h5), "sampling_frequency": 30.0}
    with pytest.raises(InvalidOptionError, match="inputs 'A' and 'B'"):
        Converter(source_data={"A": source, "B": {**source, "file_path": str(csv)}})
    assert not list(tmp_path.glob("*.nwb"))


def test_one_multi_animal_file_split_between_inputs_converts(tmp_path):
    h5, _ = _analysis(tmp_path, csv=False, animals=("m1", "m2"))
    inputs = {
        name: DeepLabCutPoseInterface(file_path=h5, individuals=[name], sampling_frequency=30.0)
        for name in ("m1", "m2")
    }
    converter = PoseConverterPipe(inputs)
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    converter.run_conversion(nwbfile_path=tmp_path / "both.nwb", metadata=metadata)
    assert (tmp_path / "both.nwb").exists()


def test_convert_refuses_a_glob_giving_the_h5_and_its_csv_copy(tmp_path):
    h5, csv = _analysis(tmp_path)
    out = tmp_path / "out.nwb"
    for inputs in ((h5, csv), (h5, h5)):
        result = poseconv_in_process("convert", *inputs, "-o", out, "--fps", "30", "--session-start-time", START)
        assert result.returncode != 0
        assert "written twice" in result.stderr and "Traceback" not in result.stderr
        assert not out.exists()
    result = poseconv_in_process("convert", h5, csv, "-o", out, "--fps", "30", "--session-start-time", START)
    assert "DeepLabCut's .csv is a copy of the .h5: give one" in result.stderr


@needs_shared_data
def test_labels_given_twice_are_said_as_labels_at_the_argument_that_gives_them(tmp_path):
    # DeepLabCut's labeling GUI writes CollectedData_<scorer>.h5 and its .csv copy: one table of labels.
    labels = [DeepLabCutTrainingDataInterface(labeled_data_path=str(path)) for path in (COLLECTED_DATA_H5,) * 2]
    with pytest.raises(InvalidOptionError) as raised:
        PoseConverterPipe({"labels": labels[0], "again": labels[1]})
    assert f"{COLLECTED_DATA_H5} is given twice (inputs 'labels' and 'again'): its labels would be written" in str(
        raised.value
    )
    spec = {
        "sessions": [
            {
                "session_id": "s1",
                "subject": {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"},
                "session_start_time": START,
                "interfaces": {
                    name: {"interface": "dlc-labels", "source_data": {"labeled_data_path": str(path)}}
                    for name, path in (("Labels", COLLECTED_DATA_H5), ("Copy", COLLECTED_DATA_H5.with_suffix(".csv")))
                },
            }
        ]
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    said = {problem.location: problem.message for problem in plan_spec(tmp_path / "spec.yaml").problems}
    assert list(said) == ["sessions[0].interfaces.Copy.source_data.labeled_data_path"]
    assert said["sessions[0].interfaces.Copy.source_data.labeled_data_path"] == (
        "CollectedData_Alex.csv and sessions[0].interfaces.Labels's CollectedData_Alex.h5 are one table of labels: "
        "DeepLabCut's .csv is a copy of the .h5: give one; given both, its labels would be written twice, in two "
        "containers of one file."
    )
