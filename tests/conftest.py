"""Shared test configuration: fixture modules under tests/fixtures are loaded as plugins."""

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

# `paths` first: the other fixture modules import it.
pytest_plugins = ["tests.fixtures.paths"] + [
    f"tests.fixtures.{path.stem}"
    for path in sorted((Path(__file__).parent / "fixtures").glob("*.py"))
    if path.stem not in ("__init__", "paths")
]

# Fuzz budgets (tests/fuzz): "ci" is the fixed, reproducible run of the suite, small enough to keep the suite
# under its 10 minutes (15 examples per target, about 2 minutes of CPU in all); `make fuzz` runs "fuzz" (random,
# FUZZ_EXAMPLES examples per target) for the search itself.
settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _under_shared_data(value: object) -> bool:
    from tests.fixtures.paths import SHARED_DATA

    if isinstance(value, Path | str):
        return str(value).startswith(str(SHARED_DATA))
    if isinstance(value, list | tuple | dict):
        values = value.values() if isinstance(value, dict) else value
        return any(_under_shared_data(v) for v in values)
    return False


def _code_names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _code_names(const)
    return names


def _is_test_code(value: object) -> bool:
    """Whether ``value`` is a function written in this test suite (a helper, a fixture, a factory)."""
    code = getattr(value, "__code__", None)
    return code is not None and Path(code.co_filename).resolve().is_relative_to(Path(__file__).resolve().parent)


def _uses_shared_data(function, seen: set) -> bool:
    """Whether ``function`` (a test, fixture or helper of the test suite) refers to a real file, directly or not."""
    # Hypothesis and decorators wrap the test: look at what they wrap.
    function = getattr(getattr(function, "hypothesis", None), "inner_test", function)
    function = getattr(function, "__wrapped__", function)
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    defaults = [
        *(getattr(function, "__defaults__", None) or ()),
        *(getattr(function, "__kwdefaults__", None) or {}).values(),
    ]
    if _under_shared_data(defaults):
        return True
    found = getattr(function, "__globals__", {})
    for name in _code_names(code):
        value = found.get(name)
        if _under_shared_data(value) or name == "SHARED_DATA":
            return True
        if _is_test_code(value) and _uses_shared_data(value, seen):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    """Skip, with a reason, every test that reads the real files of ../shared/data when the folder is absent."""
    import pytest

    from tests.fixtures.paths import SHARED_DATA

    if SHARED_DATA.is_dir():
        return
    reason = f"needs the real pose files at {SHARED_DATA} (see ../shared/data/MANIFEST.md), which this clone lacks"
    for item in items:
        seen: set = set()
        needs = _uses_shared_data(getattr(item, "function", None), seen)
        # neuroconv's test mixins take their files from class attributes.
        cls = getattr(item, "cls", None)
        needs = needs or (
            cls is not None and any(_under_shared_data(v) for k in dir(cls) for v in [getattr(cls, k, None)])
        )
        callspec = getattr(item, "callspec", None)
        params = dict(callspec.params) if callspec is not None else {}
        needs = needs or _under_shared_data(params)
        needs = needs or any(_is_test_code(v) and _uses_shared_data(v, seen) for v in params.values())
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        for name in getattr(item, "fixturenames", ()):
            for definition in definitions.get(name, ()):
                needs = needs or _uses_shared_data(definition.func, seen)
        if needs:
            item.add_marker(pytest.mark.skip(reason=reason))
