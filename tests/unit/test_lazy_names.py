"""Names packages export without importing their modules until first use."""

from __future__ import annotations

import pytest

import poseconv
import poseconv.batch
from poseconv.lazy_names import lazy_attributes


def test_a_lazy_name_loads_from_its_module_and_an_unknown_one_is_an_attribute_error():
    getattr_, dir_ = lazy_attributes("pkg", {"dedent": "textwrap"}, ["dedent", "__version__"])
    import textwrap

    assert getattr_("dedent") is textwrap.dedent
    assert dir_() == ["__version__", "dedent"]
    with pytest.raises(AttributeError, match="module 'pkg' has no attribute 'nope'"):
        getattr_("nope")


def test_the_packages_export_their_names_lazily():
    from poseconv.batch.runner import run_batch
    from poseconv.readers.registry import read_pose

    assert poseconv.read_pose is read_pose and poseconv.batch.run_batch is run_batch
    assert dir(poseconv) == sorted(poseconv.__all__)
    with pytest.raises(AttributeError, match="module 'poseconv.batch' has no attribute 'nope'"):
        _ = poseconv.batch.nope
