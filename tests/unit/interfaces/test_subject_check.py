"""Subject values DANDI refuses, and a date of birth after the session start, through neuroconv's own NWBConverter.

NWB GUIDE converts with ``NWBConverter``, which checks the metadata against neuroconv's schema only: poseconv's
interfaces say there, once per file, what PoseNWBConverter says (and refuse what it refuses), in its words.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from neuroconv import NWBConverter
from pynwb import NWBFile

from poseconv import DeepLabCutPoseInterface, PoseNWBConverter
from poseconv.errors import MetadataError
from tests.fixtures.deeplabcut import write_dlc_file

START = datetime(2024, 5, 1, 10, tzinfo=UTC)
SUBJECT = {"subject_id": "m1", "species": "Mus musculus", "sex": "M", "age": "P90D"}
REFUSED_BY_DANDI = {
    "age": {"age": "90 days"},
    "species": {"species": "Mus musculus (C57BL/6J)"},
    "subject_id": {"subject_id": "m1/a"},
    "sex": {"sex": "XX"},
}


def _table(folder: Path, name: str) -> str:
    positions = {part: np.linspace(0, 50, 12).reshape(6, 2) for part in ("nose", "tail")}
    return str(write_dlc_file(folder / f"{name}DLC_resnet50_testJan1shuffle1_100.h5", positions))


def _converter(base: type, tmp_path: Path, inputs: int = 2):
    class Converter(base):
        data_interface_classes = {f"Pose{i}": DeepLabCutPoseInterface for i in range(inputs)}

    source = {
        f"Pose{i}": {"file_path": _table(tmp_path, f"cam{i}"), "sampling_frequency": 30.0, "metadata_key": f"cam{i}"}
        for i in range(inputs)
    }
    return Converter(source_data=source)


def _metadata(converter, **subject) -> dict:
    metadata = converter.get_metadata()
    metadata["NWBFile"]["session_start_time"] = START
    metadata["Subject"] = {**SUBJECT, **subject}
    return metadata


def _subject_warnings(record) -> list[str]:
    return [str(w.message) for w in record if str(w.message).startswith("metadata['Subject']")]


@pytest.mark.parametrize("field", list(REFUSED_BY_DANDI))
@pytest.mark.parametrize("base", [NWBConverter, PoseNWBConverter])
def test_a_subject_value_dandi_refuses_is_said_once_by_every_converter(tmp_path, base, field):
    # neuroconv's NWBConverter wrote them without a word; two pose inputs, one file: said once.
    converter = _converter(base, tmp_path)
    metadata = _metadata(converter, **REFUSED_BY_DANDI[field])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata, overwrite=True)
    (said,) = _subject_warnings(record)
    assert said.startswith(f"metadata['Subject'][{field!r}]: ")


def test_the_words_are_poseconv_s_pipeline_s(tmp_path):
    said = {}
    for base in (NWBConverter, PoseNWBConverter):
        (tmp_path / base.__name__).mkdir()
        converter = _converter(base, tmp_path / base.__name__, inputs=1)
        metadata = _metadata(converter, age="90 days", sex="XX")
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            converter.run_conversion(nwbfile_path=tmp_path / f"{base.__name__}.nwb", metadata=metadata)
        said[base] = _subject_warnings(record)
    assert said[NWBConverter] == said[PoseNWBConverter] and len(said[NWBConverter]) == 2


@pytest.mark.parametrize("base", [NWBConverter, PoseNWBConverter])
def test_a_date_of_birth_after_the_session_start_is_refused_by_every_converter(tmp_path, base):
    # It passes dandi validate and nwbinspector: poseconv is the only check.
    converter = _converter(base, tmp_path, inputs=1)
    metadata = _metadata(converter, date_of_birth=datetime(2024, 6, 1, tzinfo=UTC))
    out = tmp_path / "out.nwb"
    with pytest.raises(MetadataError) as refused:
        converter.run_conversion(nwbfile_path=out, metadata=metadata)
    assert str(refused.value) == (
        "Invalid metadata for cam0DLC_resnet50_testJan1shuffle1_100.h5:\n  metadata['Subject']['date_of_birth']: "
        "2024-06-01T00:00:00+00:00 is after the session start time 2024-05-01T10:00:00+00:00; check both dates."
    )
    assert not out.exists()


def test_an_interface_s_run_conversion_and_add_to_nwbfile_say_it_once(tmp_path):
    first, second = (
        DeepLabCutPoseInterface(file_path=_table(tmp_path, name), sampling_frequency=30.0, metadata_key=name)
        for name in ("a", "b")
    )
    metadata = _metadata(first, age="90 days")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    assert len(_subject_warnings(record)) == 1
    nwbfile = NWBFile("s", "i", START)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first.add_to_nwbfile(nwbfile, metadata)
        second.add_to_nwbfile(nwbfile, _metadata(second, age="90 days"))  # the same file: nothing again
    (said,) = [w for w in record if str(w.message).startswith("metadata['Subject']")]
    assert said.filename == __file__  # the user's line
    with pytest.raises(MetadataError, match=r"'date_of_birth'\]: 2024-06-01T00:00:00\+00:00 is after the session"):
        first.add_to_nwbfile(NWBFile("s", "i", START), _metadata(first, date_of_birth="2024-06-01"))


def test_a_value_the_metadata_error_refuses_is_not_warned_of_too(tmp_path):
    # PoseNWBConverter warned of 'mouse' as a species DANDI refuses, then refused it in its MetadataError.
    converter = _converter(PoseNWBConverter, tmp_path, inputs=1)
    metadata = _metadata(converter, species="mouse", age="90 days")
    with warnings.catch_warnings(record=True) as record, pytest.raises(MetadataError, match=r"'species'\]: 'mouse'"):
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    assert [said.partition("]:")[0] for said in _subject_warnings(record)] == ["metadata['Subject']['age'"]


@pytest.mark.parametrize("base", [NWBConverter, PoseNWBConverter])
def test_training_labels_alone_say_it_once_too(tmp_path, base):
    # A training-data interface alone in neuroconv's NWBConverter wrote age '90 days' without a word.
    import sleap_io as sio

    from poseconv import SLEAPTrainingDataInterface

    skeleton = sio.Skeleton(["head", "tail"])
    video = sio.Video(filename="v.mp4", backend_metadata={"shape": (3, 8, 8, 1)}, open_backend=False)
    frame = sio.LabeledFrame(video, 0, [sio.Instance.from_numpy(np.ones((2, 2)), skeleton=skeleton)])
    sio.save_slp(sio.Labels([frame], videos=[video], skeletons=[skeleton]), str(tmp_path / "l.slp"))

    class Converter(base):
        data_interface_classes = {"Labels": SLEAPTrainingDataInterface}

    converter = Converter(source_data={"Labels": {"file_path": str(tmp_path / "l.slp")}})
    metadata = _metadata(converter, age="90 days")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        converter.run_conversion(nwbfile_path=tmp_path / "out.nwb", metadata=metadata)
    (said,) = _subject_warnings(record)
    assert said.startswith("metadata['Subject']['age']: ")
