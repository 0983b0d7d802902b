"""How Lightning Pose and EKS name the per-view files of a session, and the view names read from those names.

Lightning Pose names a session's videos, hence its predictions, ``<session>_<view>``, and matches a file to a
view by the view name standing in the file name between non-alphanumeric characters
(``io.collect_video_files_by_view``). EKS multi-camera smoothing writes ``multicam_<view>_results.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import InvalidSourceFileError

__all__ = ["EKS_VIEW", "names_view", "session_of", "view_in_name", "view_names_of_files"]

#: The name of a view's file of EKS multi-camera smoothing, without its ``.csv``.
EKS_VIEW = re.compile(r"multicam_(?P<view>.+)_results")


def view_in_name(view: str) -> re.Pattern[str]:
    """Return the pattern of ``view`` in a file name: between non-alphanumeric characters, as Lightning Pose matches."""
    return re.compile(rf"(?<![0-9a-zA-Z]){re.escape(view)}(?![0-9a-zA-Z])")


def session_of(path: Path, view: str) -> str:
    """Return the file name of ``path`` with its view as ``<view>``: the same for the views of one session."""
    return view_in_name(view).sub("<view>", path.stem)


def names_view(stem: str, view: str) -> bool:
    """Whether the file stem names ``view`` between non-alphanumeric characters (``io.collect_video_files_by_view``)."""
    return view_in_name(view).search(stem) is not None


def view_names_of_files(paths: Sequence[Path]) -> list[str]:
    """Return the view name of each file from the names alone.

    ``multicam_<view>_results.csv`` (EKS) names its view; otherwise the parts, separated by ``_``
    or ``.``, every name shares at its start and at its end are the session (``<session>_<view>.csv``,
    ``<session>.<model>.<view>.csv``) and what differs is the view.

    Raises
    ------
    InvalidSourceFileError
        When fewer than two files are given, or the names do not tell the views apart.
    """
    stems = [Path(path).stem for path in paths]
    eks = [EKS_VIEW.fullmatch(stem) for stem in stems]
    if all(eks):
        names = [match["view"] for match in eks if match]
    else:
        # Words and the separators between them (re.split keeps them): [word, sep, word, ...].
        parts = [re.split(r"([_.])", stem) for stem in stems]
        first = parts[0]
        start = 0  # shared leading [word, separator] pairs
        while all(len(p) > start + 2 and p[start : start + 2] == first[start : start + 2] for p in parts):
            start += 2
        end = 0  # shared trailing [separator, word] pairs

        def tail(p: list[str]) -> list[str]:
            return p[len(p) - end - 2 : len(p) - end]

        while all(len(p) > start + end + 2 and tail(p) == tail(first) for p in parts):
            end += 2
        names = ["".join(p[start : len(p) - end]) for p in parts]
    if len(paths) < 2 or len(set(names)) != len(names) or not all(names):
        raise InvalidSourceFileError(
            f"Cannot tell the views of {[Path(p).name for p in paths]} from their names (Lightning Pose names "
            "them <session>_<view>.csv); name the views (view_names=[...]; on the command line -O "
            '"view_names=[...]"; or the model\'s config next to the files) or give one file per view.'
        )
    if not all(eks) and (grid := _sessions_by_views(names)):
        sessions, views = grid
        raise InvalidSourceFileError(
            f"{[Path(p).name for p in paths]}: their names look like {len(sessions)} sessions x {len(views)} views "
            f"({', '.join(sessions)} x {', '.join(views)}; Lightning Pose names a session's files "
            "<session>_<view>.csv), not one session's views. Give one session's files (a session is one NWB file), "
            "or name the views if these are one session's (view_names=[...], -O view_names=[...] on the command line)."
        )
    return names


def _sessions_by_views(names: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """Return the sessions and views when ``names`` are every ``<session>_<view>`` of two or more of each; else None.

    ``s1_top, s1_bot, s2_top, s2_bot`` (a glob of ``video_preds``) would be one session of four cameras on one clock.
    """
    parts = [re.split(r"([_.])", name) for name in names]  # [word, sep, word, ...]
    words = min(len(p) for p in parts) // 2
    # The session's first words, or the view's last words (sessions named with more words than others).
    splits = [2 * word - 1 for word in range(1, words + 1)] + [-2 * word for word in range(1, words + 1)]
    for split in splits:
        pairs = [("".join(p[:split]), "".join(p[split + 1 :])) for p in parts]  # around the separator at `split`
        sessions = list(dict.fromkeys(session for session, _ in pairs))
        views = list(dict.fromkeys(view for _, view in pairs))
        if len(sessions) > 1 and len(views) > 1 and len(set(pairs)) == len(sessions) * len(views) == len(names):
            return sessions, views
    return None
