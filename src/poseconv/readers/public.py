"""The reader functions ``poseconv`` exports (``poseconv.read_deeplabcut``, ...), checked as the interfaces are.

A reader called on another tool's file would read it and record the wrong software (a DeepLabCut CSV
read by :func:`~poseconv.readers.lightningpose.read_lightning_pose` says 'LightningPose'), or drop what
a richer format keeps (a 3D file's calibration). The interfaces and ``convert --source`` refuse such a
file with :func:`poseconv.catalog.check_format`; each public reader here runs that same check first,
then the format's own reader. Another tool's file is refused; a richer format of the reader's own tool,
which these functions read before they were checked (``read_deeplabcut`` of a 3D table), is read as
before with a warning naming the reader that keeps it all. The readers inside poseconv (a 3D reader reading
its views, an interface after its own check) call the unchecked functions, which this module does not replace.

Each name is made on first use (PEP 562), so that asking for one reader imports only its module.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..catalog import BUILTIN_FORMATS, Format, check_format, load

__all__ = ["READERS", "how_to_read"]

#: The function each exported reader calls once its file is known to be its format's.
READERS = {
    "read_deeplabcut": "poseconv.readers.deeplabcut.predictions:read_deeplabcut",
    "read_deeplabcut_3d": "poseconv.readers.deeplabcut.three_d:read_deeplabcut_3d",
    "read_deeplabcut_labels": "poseconv.readers.deeplabcut.labels:read_deeplabcut_labels",
    "read_sleap_csv": "poseconv.readers.sleap:read_sleap_csv",
    "read_sleap_session": "poseconv.readers.sleap:read_sleap_session",
    "read_sleap_labels": "poseconv.readers.sleap:read_sleap_labels",
    "read_lightning_pose": "poseconv.readers.lightningpose:read_lightning_pose",
    "read_lightning_pose_multiview": "poseconv.readers.lightningpose_multiview:read_lightning_pose_multiview",
    "read_lightning_pose_labels": "poseconv.readers.lightningpose:read_lightning_pose_labels",
}


def how_to_read(fmt: Format) -> str:
    """Say which reader takes a file of ``fmt`` (the way forward of a reader's refusal)."""
    detected = "poseconv.read_pose, which detects the format."
    return (
        f"Read it with poseconv.{fmt.public_names[0]}, or with {detected}"
        if fmt.public_names
        else f"Read it with {detected}"
    )


def _checked(name: str) -> Callable[..., Any]:
    """Return the public reader ``name``: the format check, then the format's reader."""
    fmt = next(fmt for fmt in BUILTIN_FORMATS if name in fmt.public_names)
    reader = load(READERS[name])
    first = next(iter(inspect.signature(reader).parameters))

    @functools.wraps(reader)
    def read(*args: Any, **kwargs: Any) -> Any:
        given = args[0] if args else kwargs.get(first)
        if not isinstance(given, str | Path):
            return reader(*args, **kwargs)
        # What the check says of a file read in part ("it is read as ...") is said once the reader has read it:
        # a reader that refuses the file itself (labels given to read_deeplabcut) would contradict it.
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            check_format(given, fmt, stacklevel=3, way_forward=how_to_read, partial_reads=True)
        result = reader(*args, **kwargs)
        for warning in said:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        return result

    read.reads_unchecked = reader  # type: ignore[attr-defined]
    return read


def __getattr__(name: str) -> Any:
    if name not in READERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = _checked(name)
    return globals()[name]
