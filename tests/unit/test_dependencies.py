"""Every package the code imports is one ``pip install poseconv`` installs, or an extra it names."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Imported only behind an ImportError that names the extra to install.
EXTRAS = {"movement": "movement", "distributed": "dask"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported_modules() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "poseconv").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "poseconv"}


def test_every_imported_package_is_a_dependency_or_a_named_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for module in sorted(_imported_modules()):
        if module in EXTRAS:
            extra = project["optional-dependencies"][EXTRAS[module]]
            assert any(_name(r) in (module, "dask") for r in extra), f"{module}: not in the {EXTRAS[module]} extra"
            continue
        names = {_name(d) for d in distributions.get(module, [module])}
        if not names & declared:
            missing.append(f"{module} ({', '.join(sorted(names))})")
    assert not missing, f"imported but not in [project] dependencies: {missing}"
