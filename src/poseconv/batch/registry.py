"""Find neuroconv-style interface classes by name: poseconv's, plug-ins', and neuroconv's own.

poseconv registers its interfaces in the entry-point group
``neuroconv.interfaces`` (see ``pyproject.toml``)::

    [project.entry-points."neuroconv.interfaces"]
    DeepLabCutPoseInterface = "poseconv.interfaces.deeplabcut:DeepLabCutPoseInterface"
    SLEAPPoseInterface = "poseconv.interfaces.sleap:SLEAPPoseInterface"

Any package can add its own interfaces to the same group, and any tool finds
them all without importing the packages first::

    from importlib.metadata import entry_points

    classes = {ep.name: ep.load() for ep in entry_points(group="neuroconv.interfaces")}

neuroconv itself does not read the group (its YAML runner and NWB GUIDE look
names up in ``neuroconv.datainterfaces``), so :func:`register_with_neuroconv`
adds the group's classes there; ``docs/neuroconv.md`` shows it with
``run_conversion_from_yaml``.
"""

from __future__ import annotations

import difflib
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from ..errors import PoseconvError

__all__ = [
    "ENTRY_POINT_GROUP",
    "POSE_INTERFACES",
    "UnknownInterfaceError",
    "available_interfaces",
    "get_interface_class",
    "interface_for_source_software",
    "is_pose_interface",
    "register_with_neuroconv",
]

#: The entry-point group that poseconv (and any other package) registers interfaces in.
ENTRY_POINT_GROUP = "neuroconv.interfaces"


def _pose_interfaces() -> dict[str, str]:
    """Poseconv's interfaces from the catalog: class name -> ``"module:Class"`` (or the format, for made ones)."""
    from ..catalog import formats

    return {fmt.interface_name: fmt.interface or fmt.name for fmt in formats().values()}


#: poseconv's built-in interfaces: name -> "module:Class". Known without installed metadata, so a source
#: checkout that was never pip-installed still resolves them. Formats registered later are found too.
POSE_INTERFACES: dict[str, str] = _pose_interfaces()


class UnknownInterfaceError(PoseconvError, LookupError):
    """No interface class is known by the name asked for, or it cannot be imported."""


def _load(target: str, name: str) -> type:
    """Import ``module:Class`` (or ``module.Class``)."""
    if ":" in target:
        module_name, _, attribute = target.partition(":")
    else:
        module_name, _, attribute = target.rpartition(".")
    if not module_name or not attribute:
        raise UnknownInterfaceError(f"Interface {name!r}: {target!r} is not 'package.module:Class'.")
    try:
        module = import_module(module_name)
    except ImportError as err:
        raise UnknownInterfaceError(
            f"Interface {name!r}: cannot import {module_name} ({type(err).__name__}: {err})."
        ) from None
    try:
        value = module
        for part in attribute.split("."):
            value = getattr(value, part)
    except AttributeError:
        raise UnknownInterfaceError(f"Interface {name!r}: {module_name} has no {attribute!r}.") from None
    return value


def _entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _neuroconv_names() -> list[str]:
    from neuroconv import datainterfaces

    return [cls.__name__ for cls in datainterfaces.interface_list]


def available_interfaces() -> dict[str, str]:
    """Name every interface :func:`get_interface_class` resolves, with where it comes from.

    Returns
    -------
    dict of str to str
        Name -> ``"poseconv"``, ``"entry point (<distribution>)"`` or ``"neuroconv"``.
    """
    found: dict[str, str] = dict.fromkeys(_pose_interfaces(), "poseconv")
    for name, ep in _entry_points().items():
        dist = getattr(getattr(ep, "dist", None), "name", None) or "unknown distribution"
        found.setdefault(name, f"entry point ({dist})")
    for name in _neuroconv_names():
        found.setdefault(name, "neuroconv")
    return found


def _check_is_interface(cls: Any, name: str) -> type:
    from neuroconv.basedatainterface import BaseDataInterface

    if not (isinstance(cls, type) and issubclass(cls, BaseDataInterface)):
        raise UnknownInterfaceError(f"Interface {name!r} resolves to {cls!r}, which is not a neuroconv data interface.")
    return cls


def get_interface_class(name: str) -> type:
    """Return the interface class called ``name``.

    Looked up, in order: poseconv's interfaces (and the aliases ``dlc``, ``deeplabcut``,
    ``sleap``, ``dlc-labels``, ``sleap-labels``); the ``neuroconv.interfaces`` entry-point group;
    ``neuroconv.datainterfaces``; and ``package.module:Class`` paths (for a lab's own interfaces).

    Parameters
    ----------
    name : str
        Class name, alias, entry-point name or import path.

    Returns
    -------
    type
        A subclass of neuroconv's ``BaseDataInterface``.

    Raises
    ------
    UnknownInterfaceError
        When nothing has that name (the message suggests close names) or its module fails to import.
    """
    from ..catalog import get_format, interface_class
    from ..errors import UnsupportedFormatError

    key = name.strip()
    try:
        # A format's name, alias or interface class name.
        return _check_is_interface(interface_class(get_format(key)), name)
    except UnsupportedFormatError as err:
        if "cannot be converted" in str(err):
            raise UnknownInterfaceError(f"Interface {name!r}: {err}") from None
    points = _entry_points()
    if key in points:
        try:
            cls = points[key].load()
        except ImportError as err:
            raise UnknownInterfaceError(
                f"Interface {name!r} (entry point {points[key].value}) cannot be imported: {err}."
            ) from None
        return _check_is_interface(cls, name)
    from neuroconv import datainterfaces

    if key in _neuroconv_names():
        return _check_is_interface(getattr(datainterfaces, key), name)
    if ":" in key or "." in key:
        return _check_is_interface(_load(key, name), name)
    aliases = [alias for fmt in _formats() for alias in fmt.aliases]
    close = difflib.get_close_matches(key, [*available_interfaces(), *aliases], n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownInterfaceError(
        f"Unknown interface {name!r}: not a poseconv interface, not in the {ENTRY_POINT_GROUP!r} entry-point "
        f"group and not in neuroconv.datainterfaces.{hint} A lab's own interface is named 'package.module:Class'."
    )


def interface_for_source_software(source_software: str) -> str:
    """Return the name of poseconv's interface for a format (name or alias; a tool's name gives its predictions).

    Raises
    ------
    UnknownInterfaceError
        When poseconv has no format of that name.
    """
    from ..catalog import get_format
    from ..errors import UnsupportedFormatError

    try:
        return get_format(source_software).interface_name
    except UnsupportedFormatError as err:
        raise UnknownInterfaceError(str(err)) from None


def _formats() -> list[Any]:
    from ..catalog import formats

    return list(formats().values())


def is_pose_interface(cls: type) -> bool:
    """Whether ``cls`` is one of poseconv's pose interfaces (keyed metadata, one input per file)."""
    from ..interfaces.base import BasePoseInterface

    return isinstance(cls, type) and issubclass(cls, BasePoseInterface)


def register_with_neuroconv() -> list[str]:
    """Make the entry-point group's interfaces (and poseconv's) attributes of ``neuroconv.datainterfaces``.

    neuroconv's ``run_conversion_from_yaml`` looks every ``data_interfaces`` class up there, so
    after this call a neuroconv YAML spec can name ``DeepLabCutPoseInterface``. Names neuroconv
    already has are left alone; ``interface_list`` (what NWB GUIDE lists) is not changed.

    Returns
    -------
    list of str
        The names added.
    """
    from neuroconv import datainterfaces

    added = []
    names = {**dict.fromkeys(_pose_interfaces()), **dict.fromkeys(_entry_points())}
    for name in names:
        if hasattr(datainterfaces, name):
            continue
        setattr(datainterfaces, name, get_interface_class(name))
        added.append(name)
    return added
