"""PoseNWBConverter: what it refuses before anything is read."""

from __future__ import annotations

import pytest

from poseconv import PoseNWBConverter, SLEAPPoseInterface
from poseconv.errors import InvalidOptionError


def test_source_data_naming_no_interface_is_refused_not_passed_over(tmp_path):
    """neuroconv passes over source_data keys it has no interface for: the file would lack those inputs."""

    class Converter(PoseNWBConverter):
        data_interface_classes = {"SLEAP": SLEAPPoseInterface}

    with pytest.raises(InvalidOptionError, match=r"source_data names \['Sleap'\].*are \['SLEAP'\]"):
        Converter(source_data={"Sleap": {"file_path": str(tmp_path / "a.slp")}})
    with pytest.raises(InvalidOptionError, match="PoseConverterPipe"):
        PoseNWBConverter(source_data={"A": {"file_path": str(tmp_path / "a.slp")}})
    # Naming a subset of the interfaces is what neuroconv allows: nothing is refused (and nothing read).
    assert Converter(source_data={}).data_interface_objects == {}
