"""The shared parameter descriptions reach every interface's docstring and source schema."""

from __future__ import annotations

import inspect

import pytest

import poseconv.interfaces as interfaces
from poseconv.interfaces.docstrings import SHARED_PARAMETERS

INTERFACES = [getattr(interfaces, name) for name in interfaces.__all__ if name.endswith("Interface")]


@pytest.mark.parametrize("cls", INTERFACES, ids=lambda cls: cls.__name__)
def test_every_source_schema_property_has_its_description(cls):
    schema = cls.get_source_schema()
    assert "{" not in inspect.getdoc(cls.__init__).replace('{"error", "by_order"}', "")
    missing = [name for name, prop in schema["properties"].items() if not prop.get("description")]
    assert missing == []


def test_every_shared_entry_is_used():
    docs = "\n".join(inspect.getdoc(cls.__init__) for cls in INTERFACES)
    for entry in SHARED_PARAMETERS.values():
        assert inspect.cleandoc(entry).splitlines()[1].strip() in docs


# Each bounded argument, a value the interface refuses and one it takes.
_BOUNDED = {"sampling_frequency": (0.0, 30.0), "session_index": (-1, 0), "video_indices": ([-1], [0])}


@pytest.mark.parametrize("interface", INTERFACES, ids=lambda cls: cls.__name__)
def test_the_source_schema_refuses_the_values_its_interface_refuses(interface):
    # The source schema (what NWB GUIDE validates source_data with) took a frame rate of 0 or -30 and a session
    # index of -1, which the interface then refused: the form said nothing at the field.
    from jsonschema import Draft7Validator

    properties = interface.get_source_schema()["properties"]
    for name, (refused, taken) in _BOUNDED.items():
        if name in properties:
            field = Draft7Validator({"type": "object", "properties": {name: properties[name]}})
            assert not field.is_valid({name: refused}), (name, properties[name])
            assert field.is_valid({name: taken}), name
    assert "sampling_frequency" in properties or interface.poseconv_writes == "labels"


def test_a_bounded_argument_is_refused_in_the_interfaces_words_not_pydantics():
    from poseconv import DeepLabCutPoseInterface
    from poseconv.errors import InvalidOptionError
    from tests.fixtures.deeplabcut import MULTI_ANIMAL_H5

    with pytest.raises(InvalidOptionError, match="sampling_frequency must be a positive number"):
        DeepLabCutPoseInterface(file_path=MULTI_ANIMAL_H5, sampling_frequency=-30.0)
