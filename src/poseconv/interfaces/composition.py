"""What a conversion of several inputs checks of them together: views given twice, labels read twice."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import PoseconvWarning
from ..metadata.training import labels_identity
from ..model.location import is_url
from ..model.multicamera import MultiCameraPoseData

__all__ = ["include_training_once", "warn_views_given_apart"]


def warn_views_given_apart(interfaces: Iterable[Any]) -> None:
    """Warn of a 2D input that is a camera view of a session given beside it: its poses are written twice.

    ``poseconv convert videos/*.h5`` on DeepLabCut's 3D output folder gives the 3D file, which reads both
    cameras' 2D files as its views, and those files again: each view is written in the session's
    ``MultiCameraPoseEstimation`` and as a ``PoseEstimation`` of its own.
    """
    views: dict[Path, tuple[str, str]] = {}
    for interface in interfaces:
        if isinstance(session := getattr(interface, "session", None), MultiCameraPoseData):
            for camera, view in session.views.items():
                if isinstance(view.source_file, Path):
                    views[view.source_file.resolve()] = (camera, session.source_name)
    for interface in interfaces:
        source = (getattr(interface, "source_data", None) or {}).get("file_path")
        if isinstance(getattr(interface, "session", None), MultiCameraPoseData) or not source or is_url(str(source)):
            continue
        if (found := views.get(Path(source).resolve())) is not None:
            warnings.warn(
                f"{Path(source).name} is camera {found[0]!r}'s view of the session {found[1]}, given too: its poses "
                "are written twice, in the session's MultiCameraPoseEstimation and in a PoseEstimation of their "
                "own. Give the session file alone to convert each view once.",
                PoseconvWarning,
                stacklevel=4,
            )


def include_training_once(interfaces: Iterable[Any]) -> None:
    """Leave the training data to the first of ``interfaces`` that includes the same labels.

    Predictions of one DeepLabCut project (several cameras, or a file and its filtered copy) each read the
    project's labels; a file holds them once, whichever entry point builds the conversion.
    """
    included: set[tuple[str, ...]] = set()
    for interface in interfaces:
        if (training := getattr(interface, "training_data", None)) is None:
            continue
        key = labels_identity(training)
        if key in included:
            interface.exclude_training_data()
        included.add(key)
