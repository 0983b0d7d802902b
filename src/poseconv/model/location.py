"""Where a file was read from: a local path, or the URL of a remote NWB file; whether its content is here.

A URL cannot be a :class:`pathlib.Path` (``Path("https://host/a.nwb")`` is ``https:/host/a.nwb``),
so the models keep a URL as the string it was given and a local file as a Path; messages and
output names use :func:`location_name` for both.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import InvalidSourceFileError
from .path_hints import not_found_here, shown_path

__all__ = [
    "SourceNamed",
    "broken_link",
    "content_not_here",
    "input_not_here",
    "dandi_reference",
    "dandiset_link_problem",
    "empty_file",
    "file_url_path",
    "is_absolute_anywhere",
    "is_credential",
    "is_url",
    "locked_by_writer",
    "location",
    "location_name",
    "named_file",
    "recorded_file_name",
    "recorded_location",
    "require_content",
    "require_file",
    "same_content",
    "url_as_path",
    "url_name",
    "where_linked",
]

_SCHEMES = ("http://", "https://", "s3://")


def recorded_file_name(recorded: str) -> str:
    r"""Return the last component of a path recorded on any system (tools mix ``/`` and ``\``)."""
    return re.split(r"[\\/]", recorded.rstrip("\\/"))[-1]


def is_url(value: Any) -> bool:
    """Whether ``value`` is an ``http(s)://`` or ``s3://`` URL (not a local path)."""
    return isinstance(value, str) and value.lower().startswith(_SCHEMES)


def url_name(url: str) -> str:
    """Return the last part of the path of ``url`` (the file name), for messages and output names."""
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[-1] or url


def recorded_location(value: str | Path) -> str:
    """Return ``value`` as written into an output: a URL without its credentials and fragment, a path as it is.

    A presigned URL's query holds its signature and credential (``X-Amz-Signature``, ``X-Amz-Credential``),
    which let anyone holding the exported file read the data until it expires (:func:`is_credential`).
    """
    text = str(value)
    if not is_url(text):
        return text
    parts = urlsplit(text)
    # Only the credentials go: a query may be what names the file (.../download?file=session7.nwb).
    kept = [item for item in parts.query.split("&") if item and not is_credential(item.split("=", 1)[0])]
    return urlunsplit(parts._replace(query="&".join(kept), fragment=""))


# Query parameters of signed URLs that grant access: S3 (X-Amz-*), Google Cloud (X-Goog-*, GoogleAccessId),
# CloudFront (Signature, Policy, Key-Pair-Id, Expires), Azure SAS (sig, se, st, sp, sv, sr, spr), bearer tokens.
_CREDENTIAL = re.compile(
    r"^(?:x-amz-.*|x-goog-.*|googleaccessid|signature|policy|key-pair-id|expires|sig|se|st|sp|sv|sr|spr|"
    r"token|access_token)$",
    re.IGNORECASE,
)


def is_credential(parameter: str) -> bool:
    """Return True when the query parameter ``parameter`` of a signed URL grants access (its signature, expiry)."""
    return bool(_CREDENTIAL.match(unquote(parameter)))


def location(value: str | Path) -> str | Path:
    """Return ``value`` as the readers take it: a URL stays a str, anything else becomes a Path (``~`` expanded).

    A ``file://`` URL is the local path it names.
    """
    if is_url(value):
        return str(value)
    return file_url_path(value) or Path(value).expanduser()


def file_url_path(value: str | Path) -> Path | None:
    """Return the local path a ``file://`` URL names (also as ``Path`` leaves it, ``file:/...``), or None.

    ``file:///data/a.nwb`` and ``file://localhost/data/a.nwb`` are ``/data/a.nwb``; ``%20`` is a space.
    """
    text = str(value)
    if not text.lower().startswith("file:/"):
        return None
    rest = text[len("file:") :]
    if rest.lower().startswith("//localhost/"):
        rest = rest[len("//localhost") :]
    elif rest.startswith("//") and not rest.startswith("///"):
        return None  # file://host/...: a file on another machine
    return Path("/" + unquote(rest).lstrip("/"))


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


# What a data repository leaves in place of a file whose content was not downloaded.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_ANNEX_KEY = re.compile(rb"^/?(?:\.\./)*(?:\.git/)?annex/objects/")


def content_not_here(path: Path) -> str | None:
    """Say so when ``path`` stands for a file whose content is in a data repository but not downloaded.

    Git LFS leaves a small pointer file (``version https://git-lfs.github.com/spec/v1 ...``); git-annex and
    DataLad (GIN, DANDI's datasets) a link into ``.git/annex/objects`` that leads nowhere, or in an
    unlocked checkout a one-line ``/annex/objects/...`` file.
    """
    if (reference := dandi_reference(path)) is not None:
        return (
            "is a DANDI reference, which poseconv does not look up. An NWB file is read from its asset download "
            f"URL, https://api.dandiarchive.org/api/assets/<asset id>/download/ (`dandi ls '{reference}'` prints "
            "its asset_id; on the dandiset's Files page, the file's menu has the URL); or download the file "
            f"(dandi download '{reference}') and give its path."
        )
    if (url := url_as_path(path)) is not None:
        return _url_problem(url)
    if path.is_symlink() and not path.exists() and "annex/objects/" in os.readlink(path):
        return (
            "is a git-annex (DataLad) link whose content is not downloaded. Get it first: datalad get "
            f"'{path}' (or git annex get)."
        )
    try:
        if not path.is_file() or path.stat().st_size > 1024:
            return None
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return None
    if head.startswith(_LFS_POINTER):
        return "is a Git LFS pointer, not the file: its content was not downloaded. Run git lfs pull in its repository."
    if _ANNEX_KEY.match(head.strip()):
        return (
            "is a git-annex (DataLad) pointer, not the file: its content was not downloaded. Get it first: "
            f"datalad get '{path}' (or git annex get)."
        )
    return None


def input_not_here(path: Path) -> str | None:
    r"""Say why the input ``path`` names nothing to read here; None when nothing is wrong that way.

    It may be a URL or DANDI reference, content not downloaded (:func:`content_not_here`), a symbolic
    link that leads nowhere (:func:`broken_link`), a Windows path, or a missing path with more to say
    than "not found" (a near name on disk, ``\`` between folders: :func:`~.path_hints.not_found_here`, the
    diagnosis a spec's paths get). Every check that an input exists asks this first, so that none of these
    is said as only "not found".
    """
    return content_not_here(path) or broken_link(path) or not_found_here(path)


def empty_file(path: Path) -> str | None:
    """Say so when ``path`` is a file of 0 bytes, what an interrupted copy or export leaves; else None.

    Pose files and videos alike: no reader or decoder would say more than that it cannot read it.
    """
    try:
        empty = path.is_file() and path.stat().st_size == 0
    except OSError:
        return None
    return (
        "is empty (0 bytes), as an interrupted copy or export leaves a file; copy or export it again."
        if empty
        else None
    )


def broken_link(path: Path) -> str | None:
    """Say why ``path`` names nothing when a symbolic link on it loops or leads to a missing file; else None.

    Such a link is listed (``ls``) yet opens nothing, so "not found" would contradict what the user sees.
    A link in one of its folders counts too.
    """
    if _stat_error(path) not in (errno.ELOOP, errno.ENOENT):
        return None
    for link in (*reversed(path.parents), path):
        if not link.is_symlink() or link.exists():
            continue
        if _stat_error(link) == errno.ELOOP:
            what = "a symbolic link that loops (it leads back to itself through other links)"
        else:
            what = f"a symbolic link to {os.readlink(link)}, which does not exist (moved or deleted)"
        if link != path:
            return f"is in {link}, {what}; point that link at the folder, or give the file's own path."
        return f"is {what}; point the link at the file, or give the file's own path."
    return None


def _stat_error(path: Path) -> int | None:
    """Return the error number of following ``path`` to what it names (None when it is there)."""
    try:
        os.stat(path)
    except OSError as err:
        return err.errno
    return None


def locked_by_writer(error_text: str) -> str | None:
    """Say so when an HDF5 error is the file lock of another program writing the file; else None.

    HDF5 locks a file a program has open for writing (h5py or pynwb mode "a" in a notebook, a running
    conversion); reading it elsewhere fails with "unable to lock file". The file is not damaged.
    """
    if "unable to lock file" not in error_text.lower() and "blockingioerror" not in error_text.lower():
        return None
    return "another program has it open for writing (HDF5 locks such a file); close it there, then run this again."


def is_absolute_anywhere(recorded: str) -> bool:
    """Whether a path a tool recorded is absolute on the machine that wrote it: POSIX, a Windows drive or share."""
    return recorded.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", recorded) is not None


def named_file(path: Path) -> bool:
    """Whether ``path`` is a file, or a git-annex link to a file whose content is not downloaded yet.

    A finder counts both: the second is the file the dataset names, and reading it then says how to
    get it (:func:`content_not_here`) instead of the file seeming absent.
    """
    try:
        return path.is_file() or (path.is_symlink() and content_not_here(path) is not None)
    except OSError:
        return False


def url_as_path(path: Path) -> str | None:
    """Return the URL a path was made from (``Path("https://h/a.h5")`` is ``https:/h/a.h5``), or None.

    Any scheme of two letters or more (``gs://``, ``ftp://``, ``file://``; a Windows drive, ``C:/``, is one letter);
    a DANDI reference is :func:`dandi_reference`'s.
    """
    text = str(path).replace("\\", "/")
    match = re.match(r"^([a-z][a-z0-9+.-]+):/+(?=[^/])", text, flags=re.IGNORECASE)
    if match is None or match[1].lower() == "dandi":
        return None
    if match[1].lower() == "file":
        return f"file:///{text[len('file:') :].lstrip('/')}"
    return f"{match[1]}://{text[match.end() :]}"


def dandi_reference(path: str | Path) -> str | None:
    """Return the DANDI resource identifier a path was made from (``dandi://DANDI/000123/...``, ``DANDI:000123``).

    ``Path("dandi://DANDI/000123/a.nwb")`` is ``dandi:/DANDI/000123/a.nwb``: the ``//`` is put back. None for
    any other path.
    """
    text = str(path).replace("\\", "/")
    match = re.match(r"^dandi:(/*)", text, flags=re.IGNORECASE)
    if match is None:
        return None
    return f"{text[:6]}//{text[match.end() :]}" if match[1] else text


def _url_problem(url: str) -> str:
    """Say why the URL ``url``, given where a file on this computer is read, cannot be read there."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "file":
        local = file_url_path(url)
        named = f"give its path, {local}" if local is not None else "give the file's path on this computer"
        return f"is a file:// URL; {named}."
    if not is_url(url):
        return (
            f"is a URL ({scheme}://), which poseconv does not read: it reads NWB files from http(s):// and s3:// URLs, "
            "and pose files, videos and labels from this computer. Download it first and give the local copy."
        )
    return (
        "is a URL: poseconv reads NWB files from URLs, but converts pose files, videos and labels from this "
        f"computer. Download it first ({_download_command(url)}) and give the local copy."
    )


def _download_command(url: str) -> str:
    if url.lower().startswith("s3://"):
        return f"for example aws s3 cp --no-sign-request '{url}' ."
    return f"for example curl -LO '{url}'"


def require_content(path: Path, error: type[Exception] = InvalidSourceFileError) -> None:
    """Raise ``error`` when ``path`` is a placeholder, a URL or a broken link (:func:`input_not_here`)."""
    if (absent := input_not_here(path)) is not None:
        raise error(f"{url_as_path(path) or dandi_reference(path) or shown_path(path)}: {absent}")


def require_file(path: Path, what: str, error: type[Exception] = InvalidSourceFileError) -> None:
    """Raise ``error`` naming ``path`` when it is a placeholder, a URL, a folder or no file (``<what> file not found``).

    Parameters
    ----------
    path : pathlib.Path
        The file a user named.
    what : str
        What it should be, for the message ("video", "timestamps", "metadata").
    error : type of Exception
        The error raised (the callers' own kind: a bad option or a bad source file).
    """
    if content_not_here(path) is None and broken_link(path) is None and (absent := not_found_here(path)):
        # Said as the <what> file's, as "not found" is: "C:\\v.avi: video file is a Windows path, ...".
        raise error(f"{shown_path(path)}: {what} file {absent}")
    require_content(path, error)
    if path.is_dir():
        raise error(f"{path}: is a folder, not a {what} file; give the {what} file inside it.")
    if not path.is_file():
        raise error(f"{path}: {what} file not found.")


def where_linked(path: str | Path) -> Path:
    """Return ``path`` with its folders resolved but not the file itself: a link stays the link.

    DataLad and git-annex datasets (GIN, DANDI's) hold every file as a link into
    ``.git/annex/objects``: what is beside a file, and the path to record for it, is where the link
    is, not where its content is stored. The folders are resolved so that relative paths between
    two such paths hold.
    """
    path = Path(path)
    return path.absolute().parent.resolve() / path.name


def dandiset_link_problem(video: str | Path, nwb_folder: str | Path) -> str | None:
    """Say that the linked ``video`` lies outside the Dandiset folder holding ``nwb_folder``; None when it does not.

    A Dandiset folder is the nearest one above the NWB file with a ``dandiset.yaml`` (``dandi download`` and
    ``dandi organize`` make it so). ``dandi upload`` sends only what is inside it, so a video linked from
    outside would point nowhere on the archive, and ``dandi validate`` does not say so.
    """
    folder = Path(nwb_folder).absolute().resolve()
    root = next((f for f in (folder, *folder.parents) if (f / "dandiset.yaml").is_file()), None)
    if root is None or is_url(video):
        return None
    linked = where_linked(Path(video) if Path(video).is_absolute() else folder / video)
    if linked.is_relative_to(root):
        return None
    return (
        f"the linked video {linked} lies outside the Dandiset {root} (the folder of its dandiset.yaml): "
        "`dandi upload` sends only what is inside it, so the link would point nowhere on DANDI. Write the NWB "
        "file outside the Dandiset and let `dandi organize --update-external-file-paths --media-files-mode copy` "
        "bring file and video in, or copy the video into the Dandiset and link it there."
    )


def same_content(recorded: str | Path, path: Path, probe: int = 1 << 20) -> bool:
    """Return True when the file at ``recorded`` is a copy of ``path``: the same size, the same first and last MiB.

    Cheap enough for videos of gigabytes, and a different recording differs in both.
    """
    try:
        size = os.path.getsize(recorded)
        if size != path.stat().st_size:
            return False
        with open(recorded, "rb") as one, path.open("rb") as other:
            if one.read(probe) != other.read(probe):
                return False
            one.seek(max(size - probe, 0))
            other.seek(max(size - probe, 0))
            return one.read(probe) == other.read(probe)
    except (OSError, ValueError):
        return False
