"""Shared test configuration: fixture modules under tests/fixtures are loaded as plugins."""

from pathlib import Path

# `paths` first: the other fixture modules import it.
pytest_plugins = ["tests.fixtures.paths"] + [
    f"tests.fixtures.{path.stem}"
    for path in sorted((Path(__file__).parent / "fixtures").glob("*.py"))
    if path.stem not in ("__init__", "paths")
]
