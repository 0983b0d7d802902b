"""The columns LightningPose and its Ensemble Kalman Smoother (EKS) write beside x, y and likelihood.

Each ``<axis>_<name>`` column of every keypoint belongs to the group ``<name>`` (``x_ens_var`` and
``y_ens_var`` to ``ens_var``); any other label is a group of its own. :data:`KNOWN_EXTRA_COORDS`
says what EKS's groups hold; an unknown group is kept as written, with no unit.

EKS run on a subset of the keypoints (``--bodypart-list`` of its v1 scripts, ``populate_output_dataframe``
of v2) copies x, y and likelihood of every keypoint from its input but adds its own columns (``zscore``;
``nll``, ``x_var``, ``y_var``) for the smoothed keypoints only, after all the others. :func:`parse_columns`
reads such a header: the pose columns must be the same for every keypoint, and each extra group names the
keypoints that have it.

Lightning Pose's bounding boxes (``litpose create_bbox``) are a table of their own, :data:`BBOX_COLUMNS`
per frame or labeled image, which :func:`is_bbox_header` tells from the one-row headers of its metrics;
:func:`one_header_row_table` says what a table of one header row given as predictions is.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidSourceFileError, PoseconvWarning
from ..model import ExtraCoords
from ..model.frame_tables import FrameTable
from ..model.frames import ColumnView
from .deeplabcut.model_info import WRITER_NOTES, written_confidence
from .deeplabcut.table import SINGLE_ANIMAL_NAME, bodypart_coords, common_coords, single_scorer

__all__ = [
    "BBOX_COLUMNS",
    "EKS_CONFIDENCE_DEFINITION",
    "HEATMAP_CONFIDENCE_DEFINITION",
    "IBL_PAW_CONFIDENCE_DEFINITION",
    "IBL_PAW_RIGHT_REFERENCE_FRAME",
    "KNOWN_EXTRA_COORDS",
    "POSE_COORDS",
    "REGRESSION_CONFIDENCE_DEFINITION",
    "LightningPoseColumns",
    "confidence_definition",
    "eks_placeholder_parts",
    "extra_coords_of",
    "extra_group",
    "ibl_paw_camera",
    "is_bbox_header",
    "one_header_row_table",
    "parse_columns",
    "without_eks_placeholders",
]

#: The columns of Lightning Pose's bounding boxes (``cropzoom.generate_bbox``): top-left corner, height, width.
BBOX_COLUMNS = ("x", "y", "h", "w")

#: The pose columns (z: the 3D latent positions EKS multi-camera smoothing writes, multicam_3d_results.csv,
#: without likelihood); every other column is an extra one.
POSE_COORDS = ("x", "y", "z", "likelihood")

#: Extra coord groups of LightningPose / EKS: name -> (description, unit relative to the pose unit). ``{axes}``
#: in a description is the group's axes as its columns name them ("x and y"; "x, y and z" in EKS's 3D file).
KNOWN_EXTRA_COORDS: dict[str, tuple[str, str]] = {
    "ens_median": (
        "Median of the {axes} predictions of the members of a LightningPose ensemble (the input of the "
        "Ensemble Kalman Smoother).",
        "{unit}",
    ),
    "ens_var": ("Variance of the {axes} predictions across the members of a LightningPose ensemble.", "{unit}^2"),
    "posterior_var": (
        "Posterior variance of the {axes} estimates of the Ensemble Kalman Smoother (EKS).",
        "{unit}^2",
    ),
    # The columns of EKS before its 2025 rewrite (x_var, y_var, zscore, nll, ensemble_std).
    "var": (
        "Posterior variance of the {axes} estimates of the Ensemble Kalman Smoother (EKS before 2025: x_var, y_var).",
        "{unit}^2",
    ),
    "zscore": (
        "EKS z-score: the distance of the smoothed estimate from the ensemble's, in ensemble standard deviations.",
        "n.a.",
    ),
    "nll": ("EKS negative log-likelihood of the ensemble's predictions given the smoothed estimate.", "n.a."),
    "ensemble_std": ("Standard deviation of the predictions of the members of the ensemble EKS smoothed.", "{unit}"),
}


#: The likelihood of Lightning Pose's heatmap models (``heatmap``, ``heatmap_mhcrnn``,
#: ``heatmap_multiview_transformer``): ``run_subpixelmaxima`` -> ``evaluate_heatmaps_at_location``.
HEATMAP_CONFIDENCE_DEFINITION = (
    "LightningPose likelihood of a heatmap model (0 to 1): the spatial softmax of the keypoint's heatmap summed "
    "over the 5 x 5 heatmap pixels (two heatmap standard deviations) around the predicted location, the share of "
    "the heatmap near the prediction. A heatmap_mhcrnn (context) model writes that of its single-frame or its "
    "context head, whichever is higher: the head whose location is written."
)
#: Lightning Pose's regression models write 0 as every likelihood (``RegressionTracker.predict_step``).
REGRESSION_CONFIDENCE_DEFINITION = (
    "LightningPose regression model (regression_tracker): no confidence. A regression model has no notion of "
    "confidence and LightningPose writes 0 as the likelihood of every keypoint in every frame; the value says "
    "nothing of the prediction."
)
#: EKS (since its v3 output, ``x_ens_median`` ... columns): the members' mean likelihood (``eks.core`` ``ensemble``).
EKS_CONFIDENCE_DEFINITION = (
    "Ensemble Kalman Smoother (EKS) likelihood (0 to 1): the mean of the likelihoods the members of the ensemble "
    "gave the keypoint in the frame (each member's own likelihood, for LightningPose's heatmap models their "
    "heatmap confidence; in multi-camera smoothing, their likelihoods in this view), not a confidence of the "
    "smoothed position."
)
# EKS before its v3 output (late 2024 for one camera, 2025 for several) wrote x_var, y_var, zscore (nll,
# ensemble_std) and a placeholder likelihood: NaN from its smoothers, 1.0 from its v2 scripts'
# make_output_dataframe, the constant its pupil smoother was given.
_EKS_BEFORE_V3_CONFIDENCE_DEFINITION = (
    "Ensemble Kalman Smoother (EKS) before its 2025 output format (x_var, y_var, zscore columns): EKS wrote no "
    "likelihood; the column holds a placeholder (NaN, 1.0 in the files of its v2 scripts, or a constant given to "
    "its pupil smoother), not a confidence."
)
_EKS_GROUPS = frozenset({"ens_median", "ens_var", "posterior_var"})
_EKS_BEFORE_V3_GROUPS = frozenset({"var", "zscore", "nll", "ensemble_std"})
#: EKS's IBL paw smoother (``ibl_paw_multicam_smoother``) gives EKS an empty likelihood field (zeros).
IBL_PAW_CONFIDENCE_DEFINITION = (
    "Ensemble Kalman Smoother (EKS) IBL paw smoother (ibl_paw_multicam_smoother, cameras left and right): no "
    "confidence. It gives EKS no likelihoods of the ensemble's predictions (an empty likelihood field), so the "
    "column is 0 for every keypoint in every frame; the value says nothing of the prediction."
)
#: Where the IBL paw smoother's right camera positions are: mirrored to match the left camera.
IBL_PAW_RIGHT_REFERENCE_FRAME = (
    "The right camera's image mirrored left to right, as EKS's IBL paw smoother writes it to match the left camera: "
    "x is the image width (the smoother's img_width, 128 pixels by default) minus x in the right camera's image, "
    "y increases downward from the top, in pixels. Its paw_l and paw_r are what the right camera's model named "
    "paw_r and paw_l (swapped to match the left camera's names)."
)
_IBL_PAW_KEYPOINTS = ("paw_l", "paw_r")
_IBL_PAW_FILE = re.compile(r"multicam_(?P<camera>left|right)_results")


def ibl_paw_camera(table: FrameTable, header: LightningPoseColumns, path: Path) -> str | None:
    """Return the camera (``"left"``, ``"right"``, ``""`` if unnamed) of an output of EKS's IBL paw smoother, else None.

    ``ibl_paw_multicam_smoother`` (eks 4.2 and later, ``eks ibl_paw``) smooths ``paw_l`` and ``paw_r`` of IBL's
    cameras into ``multicam_left_results.csv`` and ``multicam_right_results.csv``, in EKS's columns
    (``x_ens_median`` ...). It stacks an empty likelihood field onto the ensemble's positions: the likelihood is
    0 in every row, which the mean of real models' likelihoods never is, so EKS multi-camera smoothing of other paw
    predictions is told from it. The right camera's rows are its predictions interpolated at the left camera's
    frame times, x mirrored (``img_width - x``) and paws swapped, to match the left camera.
    """
    eks = header.scorer == "ensemble-kalman_tracker" and "likelihood" in header.pose_coords
    if not eks or header.bodyparts != _IBL_PAW_KEYPOINTS or not set(header.groups) & _EKS_GROUPS:
        return None
    position = {tuple(str(level) for level in column): i for i, column in enumerate(table.columns)}
    indices = np.array([[position[(header.scorer, part, "likelihood")]] for part in header.bodyparts], "intp")
    values = np.asarray(ColumnView(table, indices), dtype="float64")
    if values.size == 0 or not (values == 0).all():
        return None
    match = _IBL_PAW_FILE.fullmatch(path.stem)
    return match["camera"] if match else ""


def _warn_ibl_paw(path: Path, camera: str) -> None:
    """Say what an output of EKS's IBL paw smoother holds beyond its poses (see :func:`ibl_paw_camera`)."""
    right = (
        f" {'This is the right camera' if camera else 'The right camera'}: EKS interpolated its predictions at the "
        "left camera's frame times, mirrored x (img_width - x, 128 pixels by default) and swapped paw_l and paw_r "
        "to match the left camera; it is written so, its reference_frame says it."
    )
    warnings.warn(
        f"{path}: output of EKS's IBL paw smoother (ibl_paw_multicam_smoother: paw_l and paw_r, likelihood 0 in "
        "every row): no confidence, EKS was given no likelihoods; the column is written as it is, with a "
        "confidence_definition that says so: do not filter these poses by it. Its rows are the left camera's frames "
        "within the right camera's recording (row 0 is not the left video's frame 0 when the left camera started "
        f"first), so both cameras' frame times are the left camera's.{right if camera != 'left' else ''}",
        PoseconvWarning,
        stacklevel=5,
    )


def confidence_definition(header: LightningPoseColumns, path: Path, ibl_paw: str | None = None) -> str | None:
    """Return what the likelihood column of a predictions file means, from its scorer and columns.

    The one place that decides it for every reader of Lightning Pose predictions: the scorer names the model
    type (``<model_type>_tracker``) or EKS (``ensemble-kalman_tracker``, whose columns tell its versions apart).
    A regression model's likelihood and that of EKS's IBL paw smoother, 0 throughout, are kept as written, warning.

    Parameters
    ----------
    header : LightningPoseColumns
        The file's header (:func:`parse_columns`).
    path : pathlib.Path
        The file, for the warning.
    ibl_paw : str, optional
        The camera, when the file is EKS's IBL paw smoother's (:func:`ibl_paw_camera`), whose zeros are warned of.

    Returns
    -------
    str or None
        The definition; None when the file has no likelihood column (EKS's 3D file).
    """
    if "likelihood" not in header.pose_coords:
        return None
    scorer, groups = header.scorer, set(header.groups)
    if scorer in WRITER_NOTES:
        # movement's to_lp_file writes any tool's scores (SLEAP's exceed 1) and names none.
        return written_confidence("likelihood values of the file", scorer)
    if scorer.startswith("regression"):
        warnings.warn(
            f"{path}: predictions of a LightningPose regression model (scorer {scorer}): no confidence; the "
            "likelihood column is what LightningPose writes for such a model (0 throughout), not a score. It is "
            "written as it is, with a confidence_definition that says so: do not filter these poses by it.",
            PoseconvWarning,
            stacklevel=4,
        )
        return REGRESSION_CONFIDENCE_DEFINITION
    if scorer.startswith("heatmap"):
        return HEATMAP_CONFIDENCE_DEFINITION
    if ibl_paw is not None:
        _warn_ibl_paw(path, ibl_paw)
        return IBL_PAW_CONFIDENCE_DEFINITION
    if groups & _EKS_BEFORE_V3_GROUPS and not groups & _EKS_GROUPS:
        return _EKS_BEFORE_V3_CONFIDENCE_DEFINITION
    if scorer == "ensemble-kalman_tracker" or groups & _EKS_GROUPS:
        return EKS_CONFIDENCE_DEFINITION
    return (
        f"Likelihood column of scorer {scorer}, a LightningPose model type this converter does not know, as "
        "written; what it measures is not known here."
    )


_AXIS_COLUMN = re.compile(r"(?P<axis>[xyz])_(?P<group>.+)")


def extra_group(coord: str) -> str:
    """Return the group of an extra coord label: ``x_ens_var`` -> ``ens_var``, ``quality`` -> ``quality``."""
    match = _AXIS_COLUMN.fullmatch(coord)
    return match["group"] if match else coord


def _axes(columns: Sequence[str]) -> str:
    """Return the axes of a group's columns as a description names them: ``x_var, y_var`` -> ``x and y``."""
    axes = [match["axis"] for column in columns if (match := _AXIS_COLUMN.fullmatch(column))]
    return " and ".join([", ".join(axes[:-1]), axes[-1]] if len(axes) > 1 else axes) or "columns"


def extra_coords_of(
    groups: Mapping[str, tuple[str, ...]],
    partial: Mapping[str, tuple[str, ...]],
    view: Callable[..., Any],
    pose_unit: str | None,
) -> list[ExtraCoords]:
    """Return the :class:`~poseconv.model.ExtraCoords` of each group (name -> its column labels).

    ``partial`` names the keypoints of the groups only some keypoints have; ``view(columns[, keypoints])``
    gives the lazy ``(frames, keypoints, columns)`` values of column labels; ``pose_unit`` is the unit of
    x and y (None: unknown, as for EKS's 3D latents, whose unit is the calibration's).
    """
    extra_coords = []
    for group, columns in groups.items():
        holders = "the keypoints that have them" if group in partial else "every keypoint"
        if group in KNOWN_EXTRA_COORDS:
            # The axes from the columns: EKS's 3D file has x_posterior_var, y_posterior_var and z_posterior_var.
            template, unit = KNOWN_EXTRA_COORDS[group]
            description = template.format(axes=_axes(columns))
        else:
            description, unit = f"Column(s) {', '.join(columns)} of {holders}, as LightningPose wrote them.", "n.a."
        extra_coords.append(
            ExtraCoords(
                name=group,
                columns=columns,
                values=view(columns, partial[group]) if group in partial else view(columns),
                description=description,
                unit=unit.format(unit=pose_unit) if pose_unit is not None else "n.a.",
                nodes=partial.get(group),
            )
        )
    return extra_coords


@dataclass(frozen=True)
class LightningPoseColumns:
    """What the header of a LightningPose predictions CSV holds.

    Attributes
    ----------
    scorer : str
        The one scorer (``heatmap_tracker``, ``ensemble-kalman_tracker``, ...).
    bodyparts : tuple of str
        The keypoints, in header order.
    pose_coords : tuple of str
        The pose columns every keypoint has, of :data:`POSE_COORDS`, in that order.
    groups : dict of str to tuple of str
        Each extra group (see :func:`extra_group`) and its column labels, in header order.
    holders : dict of str to tuple of str
        Each extra group and the keypoints that have it, in header order: every keypoint, but for EKS
        run on a subset of them, only the smoothed ones.
    """

    scorer: str
    bodyparts: tuple[str, ...]
    pose_coords: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    holders: dict[str, tuple[str, ...]]

    def partial_groups(self) -> dict[str, tuple[str, ...]]:
        """Return the extra groups that only some keypoints have, with those keypoints."""
        return {group: parts for group, parts in self.holders.items() if len(parts) != len(self.bodyparts)}


def parse_columns(columns: Any, path: Path) -> LightningPoseColumns:
    """Read the header of a single-animal LightningPose predictions table.

    Parameters
    ----------
    columns : pandas.MultiIndex
        The table's columns (``scorer / bodyparts / coords``).
    path : pathlib.Path
        The file, for messages.

    Returns
    -------
    LightningPoseColumns
        The scorer, keypoints, pose columns and extra groups.

    Raises
    ------
    InvalidSourceFileError
        When the header names several scorers, a keypoint's columns repeat, the pose columns (x, y,
        likelihood) differ between keypoints or lack x or y, or a group's columns differ between the
        keypoints that have it (``x_ens_var`` without ``y_ens_var``).
    """
    expected = "LightningPose writes x, y and likelihood, and each of its other columns, alike for every keypoint."
    scorer = single_scorer(columns, path)
    parts = bodypart_coords(columns)[SINGLE_ANIMAL_NAME]
    for part, coords in parts.items():
        # One keypoint at a time, so that only repeated columns (x, x.1), not a subset's extras, are refused.
        common_coords({SINGLE_ANIMAL_NAME: {part: coords}}, path, expected)
    pose = {part: tuple(c for c in coords if c in POSE_COORDS) for part, coords in parts.items()}
    coords = common_coords({SINGLE_ANIMAL_NAME: pose}, path, expected)
    if "x" not in coords or "y" not in coords:
        raise InvalidSourceFileError(
            f"{path}: coordinate columns are {list(coords)}; LightningPose predictions have x, y and likelihood."
        )
    by_group: dict[str, dict[tuple[str, ...], dict[str, None]]] = {}  # group -> its columns -> keypoints
    for part, part_coords in parts.items():
        part_groups: dict[str, tuple[str, ...]] = {}
        for coord in part_coords:
            if coord not in POSE_COORDS:
                group = extra_group(coord)
                part_groups[group] = (*part_groups.get(group, ()), coord)
        for group, group_columns in part_groups.items():
            by_group.setdefault(group, {}).setdefault(group_columns, {})[part] = None
    for found in by_group.values():
        # A group's columns differ between keypoints: a damaged table, not a subset EKS smoothed.
        common_coords({SINGLE_ANIMAL_NAME: {p: c for c, holders in found.items() for p in holders}}, path, expected)
    # Checked: each group now has one set of columns, and the keypoints that have it.
    only = {group: next(iter(found.items())) for group, found in by_group.items()}
    return LightningPoseColumns(
        scorer=scorer,
        bodyparts=tuple(parts),
        pose_coords=tuple(c for c in POSE_COORDS if c in coords),
        groups={group: group_columns for group, (group_columns, _) in only.items()},
        holders={group: tuple(holders) for group, (_, holders) in only.items()},
    )


def eks_placeholder_parts(columns: Any) -> dict[str, str]:
    """Return the bodyparts of a header that look like EKS v2's placeholders, each with the keypoint it stands for.

    EKS v2 (``eks/utils.py`` ``make_output_dataframe``, up to v2.1) names its output's bodyparts by splitting
    the flat ``<keypoint>_<coord>`` columns of its input at ``_``: a keypoint with a one-word name, ``nose``,
    becomes the bodypart ``nose_`` (x and y NaN, likelihood 1.0), and ``populate_output_dataframe`` then
    appends the smoothed ``nose`` (x, y, zscore, nll, x_var, y_var; no likelihood) after every placeholder.
    By the header alone: a ``<keypoint>_`` with x, y and likelihood beside a ``<keypoint>`` without likelihood.
    Whether their values are empty is the reader's to check.
    """
    parts = bodypart_coords(columns)[SINGLE_ANIMAL_NAME] if "individuals" not in columns.names else {}
    return {
        part: part[:-1]
        for part, coords in parts.items()
        if part.endswith("_")
        and coords == ("x", "y", "likelihood")
        and part[:-1] in parts
        and {"x", "y"} <= set(parts[part[:-1]])
        and "likelihood" not in parts[part[:-1]]
    }


def without_eks_placeholders(table: FrameTable, path: Path) -> Any:
    """Return the table's columns without EKS v2's placeholders (see :func:`eks_placeholder_parts`), warning.

    Only placeholders whose x and y are NaN in every row are left out; one holding any position stays, and the
    header is refused as before, since its values would otherwise be lost. EKS v2 splits a keypoint with several
    words (``ear_l``) into its own name, so that keypoint keeps x, y and the placeholder likelihood (1.0) beside
    its smoothed columns, while a one-word keypoint has no likelihood: beside one-word keypoints, that 1.0 is left
    out too (only when it is 1.0 in every row), so that every keypoint is read alike, without a likelihood. The
    keypoints keep the order of EKS's input, the placeholders' order.
    """
    columns = table.columns
    candidates = eks_placeholder_parts(columns)
    if not candidates:
        return columns
    scorer = single_scorer(columns, path)
    position = {tuple(str(level) for level in column): i for i, column in enumerate(columns)}

    def values(parts: Sequence[str], coords: tuple[str, ...]) -> np.ndarray:
        indices = np.array([[position[(scorer, part, coord)] for coord in coords] for part in parts], "intp")
        return np.asarray(ColumnView(table, indices), dtype="float64")

    if not np.isnan(values(list(candidates), ("x", "y"))).all():
        return columns
    bodyparts = columns.get_level_values("bodyparts")
    kept = columns[~bodyparts.isin(list(candidates))]
    scored = [part for part, coords in bodypart_coords(kept)[SINGLE_ANIMAL_NAME].items() if "likelihood" in coords]
    message = (
        f"{path}: the bodyparts {list(candidates)} are the empty placeholders EKS v2 writes for keypoints with "
        "one-word names (make_output_dataframe: x and y NaN in every row, likelihood 1.0); they are left out and "
        f"the smoothed keypoints {list(candidates.values())} are read, without a likelihood (EKS wrote none)."
    )
    if scored and not (values(scored, ("likelihood",)) == 1.0).all():
        return columns  # a likelihood, not EKS v2's constant: refused whole, no value lost
    if scored:
        kept = kept[
            ~(kept.get_level_values("bodyparts").isin(scored) & (kept.get_level_values("coords") == "likelihood"))
        ]
        message += (
            f" The likelihood of {scored} (names of several words, which EKS v2 keeps) is the same placeholder, "
            "1.0 in every row, not a confidence; it is left out too, so that no keypoint has a likelihood."
        )
    warnings.warn(message, PoseconvWarning, stacklevel=4)
    # EKS's input order: each placeholder stands where its keypoint was, the smoothed columns come after all.
    order: dict[str, int] = {}
    for part in dict.fromkeys(bodyparts):
        order.setdefault(candidates.get(part, part), len(order))
    return kept[np.argsort([order[part] for part in kept.get_level_values("bodyparts")], kind="stable")]


def is_bbox_header(row: Sequence[str]) -> bool:
    """Return whether a CSV's first row is that of Lightning Pose's bounding boxes; never raises.

    ``litpose create_bbox`` writes ``video_preds/<video>_bbox.csv`` and, for labeled frames,
    ``image_preds/<labels csv>/bbox.csv``: :data:`BBOX_COLUMNS`, after the frame or image index
    pandas writes (an empty first cell).
    """
    cells = [cell.strip() for cell in row]
    return cells[-len(BBOX_COLUMNS) :] == list(BBOX_COLUMNS) and len(cells) <= len(BBOX_COLUMNS) + 1


# A flat table's column of one keypoint's coordinate: <keypoint>_x, <keypoint>_y, <keypoint>_likelihood.
_FLAT_COLUMN = re.compile(r"^(?P<name>.+)_(?P<coord>x|y|likelihood)$")
# EKS's flat table of SLEAP predictions (eks/utils.py convert_slp_dlc): <instance number>_<keypoint>_<coord>.
_EKS_SLEAP_COLUMN = re.compile(r"^\d+_.+_(?:x|y|likelihood)$")


def one_header_row_table(path: Path, row: Sequence[str]) -> str:
    """Say what a CSV with one header row ``row``, given as Lightning Pose predictions, is and what to do.

    Lightning Pose writes such tables beside its predictions: metrics (a column per keypoint, and ``set`` for
    labeled frames) and bounding boxes. A header of ``<keypoint>_x``, ``<keypoint>_y`` columns is a flat table
    of positions, which no Lightning Pose writer makes; EKS writes one from a SLEAP file
    (``convert_slp_dlc``: ``<file>.slp.csv``, one row per labeled frame of the .slp, instances in the frame's
    order, a missing point as 0 and ``score + 1e-6`` as the likelihood), which loses the frame numbers,
    the tracks and the missing points, so it is not converted: the .slp it was made from is.

    Parameters
    ----------
    path : pathlib.Path
        The CSV (named in the sentence to follow it).
    row : sequence of str
        Its first row.

    Returns
    -------
    str
        The sentence, after "has one header row (...), not LightningPose's three (...);".
    """
    cells = [cell.strip() for cell in row if cell.strip()]
    if is_bbox_header(row):
        return (
            "it is the bounding boxes (x, y, h, w) Lightning Pose's create_bbox writes, which hold no keypoint "
            "positions: convert the predictions they were computed from"
        )
    if cells and all(_EKS_SLEAP_COLUMN.match(cell) for cell in cells):
        slp = path.name.removesuffix(path.suffix) if path.name.lower().endswith(".slp.csv") else "the .slp"
        return (
            "it is the flat table EKS writes from SLEAP predictions (eks.utils.convert_slp_dlc: "
            "<instance>_<keypoint>_<x|y|likelihood> columns, one row per labeled frame of the .slp, instances in "
            "the frame's order rather than by track, a missing point written as 0), which has lost the frame "
            f"numbers, the tracks and which points are missing. Convert the SLEAP file it was made from ({slp}) "
            "with poseconv convert, or EKS's smoothed output (the CSV with three header rows it writes)"
        )
    names = [match["name"] for cell in cells if (match := _FLAT_COLUMN.match(cell)) and match["coord"] == "x"]
    if names and all(f"{name}_y" in cells for name in names):
        return (
            "it is a flat table of positions (<keypoint>_x, <keypoint>_y columns), which no Lightning Pose writer "
            "makes. Convert the tool's own output (Lightning Pose's video_preds/<video>.csv, with its scorer, "
            "bodyparts and coords rows)"
        )
    return "LightningPose metrics files (temporal norm, PCA errors) hold no keypoint positions"
