"""Where a file was read from: a local path, or the URL of a remote NWB file.

A URL cannot be a :class:`pathlib.Path` (``Path("https://host/a.nwb")`` is ``https:/host/a.nwb``),
so the models keep a URL as the string it was given and a local file as a Path; messages and
output names use :func:`location_name` for both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SourceNamed", "is_url", "location", "location_name", "url_name"]

_SCHEMES = ("http://", "https://", "s3://")


def is_url(value: Any) -> bool:
    """Whether ``value`` is an ``http(s)://`` or ``s3://`` URL (not a local path)."""
    return isinstance(value, str) and value.lower().startswith(_SCHEMES)


def url_name(url: str) -> str:
    """Return the last part of the path of ``url`` (the file name), for messages and output names."""
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[-1] or url


def location(value: str | Path) -> str | Path:
    """Return ``value`` as the readers take it: a URL stays a str, anything else becomes a Path."""
    return str(value) if is_url(value) else Path(value)


def location_name(value: str | Path) -> str:
    """Return the file name of a path or URL (for messages and progress)."""
    return url_name(str(value)) if is_url(value) else Path(value).name


class SourceNamed:
    """Gives a model read from one file (poses, a session, labels) its :attr:`source_name`."""

    source_file: str | Path

    @property
    def source_name(self) -> str:
        """The name of :attr:`source_file` (its last part, for a URL too), for messages and output names."""
        return location_name(self.source_file)
