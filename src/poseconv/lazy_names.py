"""Names a package exports without importing their modules until first use (PEP 562).

A package lists ``name -> module`` and sets its module-level ``__getattr__`` and ``__dir__``
from :func:`lazy_attributes`, so ``import poseconv`` (or ``poseconv.batch``) stays cheap.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str,
    names: Mapping[str, str],
    exported: Sequence[str],
    *,
    computed: Mapping[str, Callable[[], Any]] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__`` for names loaded on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``, for the error message.
    names : mapping of str to str
        Each lazy name and the absolute name of the module that defines it.
    exported : sequence of str
        The package's ``__all__``, which ``dir()`` lists.
    computed : mapping of str to callable, optional
        Names whose value a function without arguments gives (``__version__``): called on first use,
        and the value kept in the package, so it is computed once.

    Returns
    -------
    tuple of callable
        ``__getattr__(name)``, which imports the module of a lazy name (or computes a computed one) and
        raises AttributeError for any other, and ``__dir__()``, the sorted exported names.
    """

    def __getattr__(name: str) -> Any:
        if name in names:
            return getattr(import_module(names[name]), name)
        if computed is not None and name in computed:
            value = computed[name]()
            # Kept as a module global: Python finds it there next time, without calling __getattr__.
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(exported)

    return __getattr__, __dir__
