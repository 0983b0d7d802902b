"""The texts the exporters' docstrings share reach each docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import poseconv.exporters as exporters
from poseconv.exporters.docstrings import EXPORT_DOCS


def _exporter_docs() -> list[tuple[str, str]]:
    docs = []
    for info in pkgutil.iter_modules(exporters.__path__, f"{exporters.__name__}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == info.name and value.__doc__:
                docs.append((f"{info.name}.{name}", value.__doc__))
    return docs


def test_no_exporter_docstring_keeps_a_placeholder():
    placeholder = re.compile(rf"^\s*\{{({'|'.join(EXPORT_DOCS)})\}}\s*$", re.MULTILINE)
    left = [name for name, doc in _exporter_docs() if placeholder.search(doc)]
    assert left == []
