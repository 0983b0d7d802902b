"""A plug-in format's interface checks its arguments as the built-in formats' interfaces do."""

from __future__ import annotations

import pydantic
import pytest

from poseconv import catalog


@pytest.fixture
def toy_interface(monkeypatch):
    monkeypatch.setattr(catalog, "_CATALOG", dict(catalog.formats()))
    fmt = catalog.register_format(
        catalog.Format(
            name="Generic Toy",
            source_software="Toy",
            kind="predictions",
            aliases=("generic-toy",),
            suffixes=frozenset({".gentoy"}),
            reader="poseconv.readers.deeplabcut:read_deeplabcut",
        )
    )
    return catalog.interface_class(fmt)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        # Without validate_call a blank path became Path(""), the working folder ("is a directory"), and a frame
        # rate given as text reached numpy ("ufunc 'isfinite' not supported").
        ({"file_path": ""}, "is empty; give the path of the file"),
        ({"file_path": "poses.gentoy", "sampling_frequency": "thirty"}, "sampling_frequency"),
        ({"file_path": "poses.gentoy", "individuals": "mouse1"}, "individuals"),
    ],
)
def test_arguments_are_checked_before_the_reader_runs(toy_interface, arguments, says):
    with pytest.raises(pydantic.ValidationError, match=says):
        toy_interface(**arguments)


def test_a_path_starting_with_a_tilde_is_the_user_s_home(toy_interface, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(Exception) as raised:
        toy_interface(file_path="~/poses.gentoy")
    assert str(tmp_path / "poses.gentoy") in str(raised.value)
