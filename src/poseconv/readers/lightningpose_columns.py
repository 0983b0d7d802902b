"""The columns LightningPose and its Ensemble Kalman Smoother (EKS) write beside x, y and likelihood.

Each ``<axis>_<name>`` column of every keypoint belongs to the group ``<name>`` (``x_ens_var`` and
``y_ens_var`` to ``ens_var``); any other label is a group of its own. :data:`KNOWN_EXTRA_COORDS`
says what EKS's groups hold; an unknown group is kept as written, with no unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..model import ExtraCoords

__all__ = ["KNOWN_EXTRA_COORDS", "extra_coords_of", "extra_group"]

#: Extra coord groups of LightningPose / EKS: name -> (description, unit relative to the pose unit).
KNOWN_EXTRA_COORDS: dict[str, tuple[str, str]] = {
    "ens_median": (
        "Median of the x and y predictions of the members of a LightningPose ensemble (the input of the "
        "Ensemble Kalman Smoother).",
        "{unit}",
    ),
    "ens_var": ("Variance of the x and y predictions across the members of a LightningPose ensemble.", "{unit}^2"),
    "posterior_var": (
        "Posterior variance of the x and y estimates of the Ensemble Kalman Smoother (EKS).",
        "{unit}^2",
    ),
    # The columns of EKS before its 2025 rewrite (x_var, y_var, zscore, nll, ensemble_std).
    "var": (
        "Posterior variance of the x and y estimates of the Ensemble Kalman Smoother (EKS before 2025: x_var, y_var).",
        "{unit}^2",
    ),
    "zscore": (
        "EKS z-score: the distance of the smoothed estimate from the ensemble's, in ensemble standard deviations.",
        "n.a.",
    ),
    "nll": ("EKS negative log-likelihood of the ensemble's predictions given the smoothed estimate.", "n.a."),
    "ensemble_std": ("Standard deviation of the predictions of the members of the ensemble EKS smoothed.", "{unit}"),
}


def extra_group(coord: str) -> str:
    """Return the group of an extra coord label: ``x_ens_var`` -> ``ens_var``, ``quality`` -> ``quality``."""
    match = re.fullmatch(r"(?P<axis>[xyz])_(?P<group>.+)", coord)
    return match["group"] if match else coord


def extra_coords_of(
    groups: Mapping[str, tuple[str, ...]], view: Callable[[tuple[str, ...]], Any], pose_unit: str | None
) -> list[ExtraCoords]:
    """Return the :class:`~poseconv.model.ExtraCoords` of each group (name -> its column labels).

    ``view`` gives the lazy ``(frames, keypoints, columns)`` values of column labels; ``pose_unit``
    is the unit of x and y (None: unknown, as for EKS's 3D latents, whose unit is the calibration's).
    """
    extra_coords = []
    for group, columns in groups.items():
        description, unit = KNOWN_EXTRA_COORDS.get(
            group, (f"Column(s) {', '.join(columns)} of every keypoint, as LightningPose wrote them.", "n.a.")
        )
        extra_coords.append(
            ExtraCoords(
                name=group,
                columns=columns,
                values=view(columns),
                description=description,
                unit=unit.format(unit=pose_unit) if pose_unit is not None else "n.a.",
            )
        )
    return extra_coords
