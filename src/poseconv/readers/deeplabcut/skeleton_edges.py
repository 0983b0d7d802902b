"""The skeleton edges of a DeepLabCut project's ``config.yaml``, as index pairs into a table's bodyparts.

DeepLabCut's config takes any pair of bodypart names as an edge and draws each line it lists: an edge
listed twice, or from a bodypart to itself, is drawn and forgotten. A skeleton holds each edge once,
between two nodes (the metadata check refuses the rest), so those are left out, with a warning naming
them in the config; so are edges naming a bodypart neither the table nor the config lists (a typo, or a
bodypart renamed), and edges joining an animal's bodypart to a unique one, which neither skeleton holds.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ...errors import PoseconvWarning

__all__ = ["config_edges", "cross_edges", "cross_edges_sentence", "skeleton_pairs", "warn_dropped_edges"]


def skeleton_pairs(pairs: Any) -> list[tuple[str, str]]:
    """Return a config's ``skeleton`` as pairs of bodypart names, as text; other entries left out.

    YAML reads ``[1, 2]`` as numbers, and DeepLabCut builds its tables' columns from them, which
    poseconv reads as text: the config's names are compared as text, as the tables' are.
    """
    return [(str(pair[0]), str(pair[1])) for pair in pairs or [] if isinstance(pair, (list, tuple)) and len(pair) == 2]


def config_edges(pairs: Any, nodes: list[str]) -> list[tuple[int, int]]:
    """Return the skeleton ``pairs`` of bodypart names as index pairs into ``nodes``, each edge once.

    Pairs naming other bodyparts, joining a bodypart to itself or repeating an earlier pair are left
    out (:func:`warn_dropped_edges` names them). A pair reversed (``[b, a]`` after ``[a, b]``) is kept:
    SLEAP's skeletons, which NWB files share, have directed edges.
    """
    index = {str(name): i for i, name in enumerate(nodes)}
    edges: dict[tuple[int, int], None] = {}
    for a, b in skeleton_pairs(pairs):
        if a in index and b in index and a != b:
            edges.setdefault((index[a], index[b]), None)
    return list(edges)


def warn_dropped_edges(
    config: dict[str, Any], config_path: Path, file_parts: list[str], config_parts: list[str], source: str
) -> None:
    """Warn of the config's skeleton edges :func:`config_edges` leaves out that the user may not expect.

    Parameters
    ----------
    config, config_path, source
        As in :func:`~.project.project_edges`, which calls it.
    file_parts : list of str
        Every bodypart of the table (the animals' and the unique ones).
    config_parts : list of str
        Every bodypart the config lists: an edge naming one the table lacks was warned of with it (a
        bodypart added to the project after the table was made).
    """
    known, listed = set(file_parts), set(config_parts)
    loops, repeats, unknown, seen = [], [], [], set()
    for a, b in skeleton_pairs(config.get("skeleton")):
        if not {a, b} <= known:
            if not {a, b} <= known | listed:
                unknown.append([a, b])
        elif a == b:
            loops.append([a, b])
        elif (a, b) in seen:
            repeats.append([a, b])
        seen.add((a, b))
    said = [f"{loops} join a bodypart to itself"] * bool(loops) + [f"{repeats} repeat an edge"] * bool(repeats)
    if said:
        warnings.warn(
            f"{config_path}: skeleton edges {' and '.join(said)}; DeepLabCut draws them, but a skeleton holds each "
            "edge once, between two bodyparts, so they are left out.",
            PoseconvWarning,
            stacklevel=4,
        )
    if unknown:
        missing = list(dict.fromkeys(part for pair in unknown for part in pair if part not in known | listed))
        warnings.warn(
            f"{config_path}: skeleton edges {unknown} name bodyparts {missing} that neither {source} nor the config's "
            "bodyparts have (a typo, or a bodypart renamed?); they are left out.",
            PoseconvWarning,
            stacklevel=4,
        )


def cross_edges(config: dict[str, Any] | None, animal_parts: list[str], unique_parts: list[str]) -> list[list[str]]:
    """Return the config's skeleton edges that join an animal bodypart to a unique bodypart, as the config names them.

    DeepLabCut's config takes any pair of bodyparts as an edge; the animals' and the unique bodyparts'
    skeletons (:func:`~.project.project_skeletons`) can hold neither such edge.
    """
    animal, unique = {str(part) for part in animal_parts}, {str(part) for part in unique_parts}
    return [
        [a, b] for a, b in skeleton_pairs((config or {}).get("skeleton")) if ({a, b} & animal) and ({a, b} & unique)
    ]


def cross_edges_sentence(config: dict[str, Any] | None, animal_parts: list[str], unique_parts: list[str]) -> str:
    """Return the sentence a description says of the config's :func:`cross_edges` ("" when there are none)."""
    crossing = cross_edges(config, animal_parts, unique_parts)
    if not crossing:
        return ""
    return (
        f"The project's config.yaml skeleton also joins animal and unique bodyparts by the edges {crossing}, "
        "which no skeleton here holds: each PoseEstimation has the skeleton of its own bodyparts, the animals' "
        "and the unique bodyparts' apart."
    )
