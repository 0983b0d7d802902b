"""DeepLabCut's files: predictions, human labels, 3D sessions, all tables in one column layout.

Modules, from the layout up:

* :mod:`.variants`: what a table in DeepLabCut's layout may look like when DeepLabCut did not
  write it as such (re-saved by pandas, renamed labels, other tools' tables); level names.
* :mod:`.table`: the layout itself (header levels, frame index, opening a table block-wise or
  whole); shared by every reader here and by :mod:`poseconv.readers.lightningpose`.
* :mod:`.project`: the project around a table (``config.yaml``, skeleton, videos).
* :mod:`.model_info`: which model made a predictions file (scorer, ``_meta.pickle``, ``pytorch_config.yaml``).
* :mod:`.predictions`: :func:`read_deeplabcut`, predictions on a video (2D or 3D).
* :mod:`.labels_table` and :mod:`.labels`: one table of human labels, and a project's labels.
* :mod:`.triangulation` and :mod:`.three_d`: a triangulated 3D file with its camera views and calibration.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Public names, imported from their module on first use: reading predictions does not load the
# labels and 3D readers (and what they import).
_PUBLIC = {
    "UNIQUE_BODYPARTS_INDIVIDUAL": "table",
    "DeepLabCutModel": "model_info",
    "describe_model": "model_info",
    "find_collected_data_files": "labels",
    "find_config_file": "project",
    "find_metadata_file": "predictions",
    "find_project_folder": "labels",
    "in_deeplabcut_project": "labels",
    "is_deeplabcut_3d_file": "three_d",
    "is_deeplabcut_file": "predictions",
    "is_deeplabcut_labels_file": "labels",
    "read_csv_rows": "variants",
    "read_deeplabcut": "predictions",
    "read_deeplabcut_3d": "three_d",
    "read_deeplabcut_labels": "labels",
    "read_deeplabcut_labels_table": "labels_table",
    "read_deeplabcut_table": "table",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(f"{__name__}.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
