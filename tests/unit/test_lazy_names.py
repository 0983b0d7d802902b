"""Names packages export without importing their modules until first use."""

from __future__ import annotations

import sys
import types

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
    from poseconv.interfaces import PoseConverterPipe
    from poseconv.readers.registry import read_pose

    assert poseconv.read_pose is read_pose and poseconv.batch.run_batch is run_batch
    # PoseNWBConverter's error names it: the users who read it have `import poseconv`.
    assert poseconv.PoseConverterPipe is PoseConverterPipe
    assert dir(poseconv) == sorted(poseconv.__all__)
    with pytest.raises(AttributeError, match="module 'poseconv.batch' has no attribute 'nope'"):
        _ = poseconv.batch.nope


def test_a_computed_name_is_computed_on_first_use_once_and_kept_in_the_package(monkeypatch):
    package = types.ModuleType("computed_pkg")
    monkeypatch.setitem(sys.modules, "computed_pkg", package)
    calls = []

    def version() -> str:
        calls.append(1)
        return "1.2"

    package.__getattr__, _ = lazy_attributes("computed_pkg", {}, ["__version__"], computed={"__version__": version})
    assert calls == []
    assert package.__version__ == "1.2" and package.__version__ == "1.2"
    assert calls == [1] and vars(package)["__version__"] == "1.2"


def test_the_version_is_the_installed_one():
    from importlib.metadata import version

    assert poseconv.__version__ == version("poseconv")
