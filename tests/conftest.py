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

# Fuzz budgets (tests/fuzz): "ci" is the fixed, reproducible run of the suite; `make fuzz` runs "fuzz"
# (random, FUZZ_EXAMPLES examples per target).
settings.register_profile(
    "ci",
    max_examples=25,
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
