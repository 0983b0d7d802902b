"""How every entry point reads a session start time's text: ISO 8601 as ``datetime.fromisoformat``, and RFC 3339."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

__all__ = ["normalize_start_time", "read_date_time"]


def read_date_time(text: str) -> dt.datetime:
    """Read an ISO 8601 date and time as every entry point does: ``datetime.fromisoformat``, and RFC 3339's ``z``.

    RFC 3339, which JSON Schema's ``date-time`` format follows (a form's date field may write it), takes a
    lower-case ``t`` and ``z``; ``fromisoformat`` takes the first only.

    Parameters
    ----------
    text : str
        The date and time.

    Returns
    -------
    datetime.datetime
        The parsed date and time.

    Raises
    ------
    ValueError
        When ``text`` is not such a date and time.
    """
    return dt.datetime.fromisoformat(text[:-1] + "Z" if text.endswith("z") else text)


def normalize_start_time(nwbfile: dict[str, Any]) -> None:
    """Write a session start time ending in RFC 3339's ``z`` with ``Z``, which neuroconv's parser reads.

    Parameters
    ----------
    nwbfile : dict
        The ``NWBFile`` block, changed in place.
    """
    value = nwbfile.get("session_start_time")
    if isinstance(value, str) and value.endswith("z"):
        with contextlib.suppress(ValueError):
            read_date_time(value)
            nwbfile["session_start_time"] = value[:-1] + "Z"
