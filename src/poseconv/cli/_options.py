"""``--option KEY=VALUE``: any argument of an input's interface, given on the command line as a spec gives it.

With them, the options whose value is one of a list (``--untracked``, ``--source``), checked where they are
typed: a value not in the list is a usage error (exit code 2) naming the option and what it takes.

The flags (``--fps``, ``--individuals``, ``--config``, ...) cover what most conversions need; the
other arguments of a format's interface (SLEAP's ``predicted_only``, a Lightning Pose session's
``calibration_file_path``, ``metadata_key``, ...) are given by name with ``--option``. Each value is
read as YAML and checked by :func:`poseconv.batch.source_data.check_source_data`, as a spec's
``source_data`` is, so that ``poseconv convert``, ``poseconv run`` and Python convert a file alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

__all__ = [
    "OptionsOption",
    "Untracked",
    "checked_source",
    "checked_options",
    "option_pairs",
    "option_words",
    "refuse_keys",
    "renamed_error",
    "source_options",
]

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


#: What ``--untracked`` takes (convert, metadata, export --training); the library checks it again for Python callers.
Untracked = Literal["error", "by_order"]


def checked_source(value: str | None) -> str | None:
    """Check ``--source`` (or ``schema``'s SOURCE) names a format where it is typed, so that a typo is a usage error.

    The formats are the catalog's, plug-ins included: looked up when a command runs, not when ``--help``
    is built. The message says the name meant when one is close, and every name taken.
    """
    if value is None:
        return None
    from ..catalog import get_format
    from ..errors import UnsupportedFormatError

    try:
        get_format(value)
    except UnsupportedFormatError as err:
        raise typer.BadParameter(str(err)) from None
    return value


def checked_options(values: list[str] | None) -> list[str] | None:
    """Check each ``--option`` is ``KEY=VALUE`` and no KEY is given twice, where they are typed (a usage error)."""
    if values:
        try:
            option_pairs(values)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--option") from None
    return values


OptionsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--option",
        "-O",
        metavar="KEY=VALUE",
        help="Any other argument of the input's interface, as a spec's source_data or Python gives it, e.g. "
        "predicted_only=true, 'video_indices=[0, 2]', metadata_key=cam1; repeatable. VALUE is read as YAML (a key "
        "that takes text gets it as typed); relative paths start at the working folder. It applies to every input: "
        "an input whose interface does not take KEY is an error that lists the keys it takes.",
        callback=checked_options,
    ),
]


def option_pairs(values: list[str] | None) -> dict[str, str]:
    """Return the ``--option KEY=VALUE`` given, VALUE as typed, by KEY.

    Raises
    ------
    ValueError
        When one is not ``KEY=VALUE`` with KEY a name, or a KEY is given twice.
    """
    pairs: dict[str, str] = {}
    for text in values or []:
        key, equals, value = text.partition("=")
        key = key.strip()
        if not equals or not _KEY.fullmatch(key):
            raise ValueError(f"{text!r}: give KEY=VALUE, e.g. predicted_only=true.")
        if key in pairs:
            raise ValueError(f"{key} is given twice ({key}={pairs[key]} and {text}); give it once.")
        pairs[key] = value
    return pairs


def option_words(pairs: Mapping[str, str]) -> list[str]:
    """Return the command-line words that give ``pairs`` (``["--option", "KEY=VALUE", ...]``)."""
    return [word for key, value in pairs.items() for word in ("--option", f"{key}={value}")]


def _takes_text(prop: Mapping[str, Any]) -> bool:
    """Whether a source-schema property takes text only (a path, a name), so VALUE is that text as typed."""
    branches = prop.get("anyOf") or [prop]
    return all(branch.get("type") == "string" for branch in branches)


def _value(key: str, text: str, prop: Mapping[str, Any]) -> Any:
    """Return ``--option key=text`` as its interface argument: YAML, or the text itself for an argument of text."""
    import yaml

    from ..documents import document_loader
    from ..errors import InvalidOptionError

    try:
        # The reader of specs and metadata files: 5e-05 is a number, as in source_data, a date is text.
        value = yaml.load(text, Loader=document_loader())  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as err:
        if _takes_text(prop):
            return text
        reason = str(err).splitlines()[0]
        raise InvalidOptionError(
            f"--option {key}={text}: not a YAML value ({reason}); give e.g. true, 3, [0, 2] or {{a: b}}."
        ) from None
    # A name or path that YAML reads as a number, a date or a boolean (metadata_key=01, a folder 2024-05-03) is text.
    return text if _takes_text(prop) and not isinstance(value, str) else value


#: Words for what a flag gives (``-O fps=30``), by the flag that gives it.
_FLAG_WORDS = {
    **dict.fromkeys(("fps", "rate", "frame_rate", "framerate", "sampling_rate"), "--fps"),
    **dict.fromkeys(("video", "video_path", "video_file", "videos", "video_paths"), "--video"),
    **dict.fromkeys(("config", "config_path", "config_file", "config_yaml"), "--config"),
    **dict.fromkeys(("tracks", "individuals", "animals", "track_names"), "--individuals"),
}


def _refused(key: str, flags: Mapping[str, str], properties: Mapping[str, Any], label: str) -> str | None:
    """Return why ``--option key`` is refused for this input (None: it is an argument --option gives)."""
    import difflib

    from ..interfaces.neuroconv_names import neuroconv_name_message

    if key in flags:
        return f"it is given by {flags[key]}, not by --option."
    if key in properties:
        return None
    # neuroconv's name for an argument (frames_per_second): the flag or argument poseconv takes for it.
    if (said := neuroconv_name_message(key, properties, given_by=flags)) is not None:
        return f"{label} takes no {key}: {said}."
    # What a user of the tools calls a flag's value (DeepLabCut's fps, a video) is the flag, not the key meant.
    if (flag := _FLAG_WORDS.get(key.lower())) in flags.values():
        return f"{label} takes no {key}; give it with {flag}."
    close = difflib.get_close_matches(key, list(properties), n=1, cutoff=0.6)
    hint = ""
    if close:
        hint = f"did you mean {close[0]}" + (f" (given by {flags[close[0]]})" if close[0] in flags else "") + "? "
    takes = [name for name in properties if name not in flags]
    return f"{label} takes no {key}; {hint}--option takes for it: {', '.join(takes) or 'nothing'}."


def refuse_keys(
    cls: type, path: Path, fmt_name: str, pairs: Mapping[str, str], flags: Mapping[str, str]
) -> dict[str, Any]:
    """Refuse an ``--option`` KEY a flag gives or the interface does not take; return the interface's properties.

    Raises
    ------
    InvalidOptionError
        Naming the input, the KEY and what to give instead (the flag; the argument meant and those --option gives).
    """
    from ..errors import InvalidOptionError

    properties = cls.get_source_schema().get("properties", {})
    label = f"{cls.__name__} ({fmt_name})"
    for key in pairs:
        if (reason := _refused(key, flags, properties, label)) is not None:
            raise InvalidOptionError(f"{path}: --option {key}: {reason}")
    return properties


def source_options(
    cls: type, path: Path, fmt_name: str, pairs: Mapping[str, str], own: Mapping[str, Any], flags: Mapping[str, str]
) -> dict[str, Any]:
    """Return the ``--option`` values as interface arguments, checked as a spec's ``source_data``.

    Parameters
    ----------
    cls : type
        The interface of the input.
    path : pathlib.Path
        The input (named by every error).
    fmt_name : str
        Its format's name.
    pairs : Mapping
        ``--option`` KEY -> VALUE as typed.
    own : Mapping
        The arguments the input and the flags give (checked with the options).
    flags : Mapping
        Interface argument -> what gives it on the command line (``"--fps"``, ``"INPUT"``): refused as options.

    Returns
    -------
    dict
        KEY -> value, paths made absolute from the working folder.

    Raises
    ------
    InvalidOptionError
        For a KEY a flag gives, a KEY the interface does not take (with the one meant and those it takes),
        a VALUE that is not YAML, and every problem :func:`~poseconv.batch.source_data.check_source_data`
        finds (a missing file, a value of the wrong type).
    """
    from ..batch.source_data import check_source_data
    from ..errors import InvalidOptionError

    properties = refuse_keys(cls, path, fmt_name, pairs, flags)
    values = {key: _value(key, text, properties[key]) for key, text in pairs.items()}

    def locate(key: str | None) -> str:
        if key in values:
            return f"--option {key}"
        return flags.get(key, key) if key is not None else "INPUT"

    arguments, problems = check_source_data(cls, values, own, Path.cwd(), locate, None)
    if problems:
        raise InvalidOptionError(f"{path}: " + "; ".join(f"{p.location}: {p.message}" for p in problems))
    return {key: arguments[key] for key in values}


def renamed_error(err: Exception, keys: list[str]) -> Exception | None:
    """Return ``err`` saying ``--option KEY`` where it names a KEY given with --option (None when it names none).

    The interfaces name their arguments (``session_index 1 is out of range``); on the command line
    they are options.
    """
    text = str(err)
    pattern = re.compile(r"(?<![-\w])(" + "|".join(re.escape(key) for key in keys) + r")(?!\w)")
    renamed = pattern.sub(lambda match: _as_option(text, match), text) if keys else text
    return None if renamed == text else type(err)(renamed)


#: What comes before a KEY already written as the command line or a spec writes it (``-O 'KEY=...'``, ``{KEY: ...}``).
_WRITTEN = re.compile(r"(?:(?:-O|--option)\s+['\"]?|\{\s*)$")


def _as_option(text: str, match: re.Match[str]) -> str:
    """Return the KEY of ``match`` as ``--option KEY``, unless ``text`` writes it as an option or a spec does."""
    return match[1] if _WRITTEN.search(text, 0, match.start()) else f"--option {match[1]}"
