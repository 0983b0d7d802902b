"""Exceptions and warnings raised by poseconv.

Every message names the file (or metadata field) at fault, says what is wrong,
and says what to do, so that a user never has to read a traceback from inside
pandas or h5py to understand a failed conversion.
"""

from __future__ import annotations

__all__ = [
    "InvalidOptionError",
    "InvalidSourceFileError",
    "MetadataError",
    "PoseconvError",
    "PoseconvWarning",
    "UnsupportedFormatError",
]


class PoseconvError(Exception):
    """Base class of every error poseconv raises on purpose."""


class InvalidSourceFileError(PoseconvError, ValueError):
    """An input file is missing, unreadable, or not in the layout its reader expects."""


class InvalidOptionError(PoseconvError, ValueError):
    """An option does not fit the file (an unknown individual, a video index out of range, ...)."""


class UnsupportedFormatError(PoseconvError, ValueError):
    """No reader (or more than one) recognises an input file.

    Attributes
    ----------
    candidates : tuple of str
        The aliases of the formats that each claim the file, when more than one does (else empty):
        what to name with ``source_software=``, ``--source`` or a spec's ``interface``.
    """

    def __init__(self, *args: object, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(*args)
        self.candidates = tuple(candidates)


class MetadataError(PoseconvError, ValueError):
    """Metadata does not match the metadata schema, or refers to names that do not exist."""


class PoseconvWarning(UserWarning):
    """Something in the input was surprising but the conversion could go on."""
