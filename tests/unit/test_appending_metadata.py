"""Appending keeps the file's NWBFile and Subject metadata: another animal is refused, the rest said, not dropped.

Before, only the session start time was compared: a Subject of another animal (another subject_id or
species) was appended without a word, and the NWBFile and Subject values given were dropped silently.
"""

from __future__ import annotations

import hashlib
import warnings
from datetime import UTC, datetime

import numpy as np
import pytest
from pynwb import NWBHDF5IO
from pynwb.file import NWBFile, Subject

from poseconv import DeepLabCutPoseInterface
from poseconv.errors import InvalidOptionError, PoseconvWarning
from tests.fixtures.deeplabcut import write_dlc_file

STARTED = datetime(2024, 5, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(tmp_path):
    """An NWB file of mouse m1 (another pipeline's, without poses) and a small DeepLabCut table to append."""
    path = tmp_path / "session.nwb"
    nwbfile = NWBFile(
        session_description="ephys session",
        identifier="session-1",
        session_start_time=STARTED,
        experimenter=["Ann"],
        subject=Subject(
            subject_id="m1", species="Mus musculus", sex="M", age="P90D", date_of_birth=datetime(2024, 2, 1, tzinfo=UTC)
        ),
    )
    with NWBHDF5IO(path, "w") as io:
        io.write(nwbfile)
    rng = np.random.default_rng(0)
    table = write_dlc_file(
        tmp_path / "sessionDLC_resnet50_testJan1shuffle1_100.h5",
        {part: rng.uniform(0, 100, size=(5, 2)) for part in ("nose", "tail")},
        likelihood={part: rng.uniform(0, 1, size=5) for part in ("nose", "tail")},
    )
    return path, DeepLabCutPoseInterface(table, sampling_frequency=30.0)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _append(path, interface, **blocks):
    """Append with the interface's metadata edited by ``blocks``; return the PoseconvWarnings said."""
    metadata = interface.get_metadata()
    for block, fields in blocks.items():
        metadata.setdefault(block, {}).update(fields)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        interface.run_conversion(nwbfile_path=path, metadata=metadata, append_on_disk_nwbfile=True)
    return [str(w.message) for w in said if issubclass(w.category, PoseconvWarning)]


@pytest.mark.parametrize(
    ("field", "value", "held"),
    [("subject_id", "m2", "'m1'"), ("species", "Rattus norvegicus", "'Mus musculus'")],
)
def test_a_subject_of_another_animal_is_refused_before_writing(session, field, value, held):
    path, interface = session
    before = _digest(path)
    with pytest.raises(InvalidOptionError, match=f"its Subject.{field} is {held}, not '{value}' as given") as error:
        _append(path, interface, Subject={field: value})
    assert str(path) in str(error.value) and "leave Subject out of the metadata" in str(error.value)
    assert _digest(path) == before


def test_other_values_the_file_holds_or_lacks_are_said_and_the_file_keeps_its_own(session):
    path, interface = session
    said = _append(
        path,
        interface,
        NWBFile={"session_description": "poses", "experimenter": ["Bob"], "keywords": ["reaching"]},
        Subject={"subject_id": "m1", "sex": "F", "genotype": "wt"},
    )
    assert len(said) == 1, said
    assert str(path) in said[0] and "The file keeps its own" in said[0]
    assert "NWBFile.session_description is 'ephys session', not 'poses' as given" in said[0]
    assert "NWBFile.experimenter is ['Ann'], not ['Bob'] as given" in said[0]
    assert "Subject.sex is 'M', not 'F' as given" in said[0]
    assert "Not written, as the file has none: NWBFile.keywords, Subject.genotype." in said[0]
    assert "subject_id" not in said[0]  # the same as the file's
    with NWBHDF5IO(path, "r") as io:
        nwbfile = io.read()
        assert nwbfile.session_description == "ephys session" and nwbfile.subject.sex == "M"
        assert "PoseEstimation" in nwbfile.processing["behavior"].data_interfaces


def test_the_interfaces_own_metadata_passed_back_whole_says_nothing(session):
    # get_metadata's defaults (a fresh UUID identifier, the default session description) are not the user's.
    path, interface = session
    assert _append(path, interface) == []


def test_values_given_as_the_file_holds_them_say_nothing(session):
    path, interface = session
    same = {"session_description": "ephys session", "experimenter": ["Ann"], "session_start_time": STARTED.isoformat()}
    subject = {"subject_id": "m1", "age": "P90D", "date_of_birth": "2024-02-01T00:00:00"}  # no time zone: the same
    assert _append(path, interface, NWBFile=same, Subject=subject) == []
