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

from .labels import (
    find_collected_data_files,
    find_project_folder,
    in_deeplabcut_project,
    is_deeplabcut_labels_file,
    read_deeplabcut_labels,
)
from .labels_table import read_deeplabcut_labels_table
from .model_info import DeepLabCutModel, describe_model
from .predictions import find_metadata_file, is_deeplabcut_file, read_deeplabcut
from .project import find_config_file
from .table import UNIQUE_BODYPARTS_INDIVIDUAL, read_deeplabcut_table
from .three_d import is_deeplabcut_3d_file, read_deeplabcut_3d
from .variants import read_csv_rows

__all__ = [
    "UNIQUE_BODYPARTS_INDIVIDUAL",
    "DeepLabCutModel",
    "describe_model",
    "find_collected_data_files",
    "find_config_file",
    "find_metadata_file",
    "find_project_folder",
    "in_deeplabcut_project",
    "is_deeplabcut_3d_file",
    "is_deeplabcut_file",
    "is_deeplabcut_labels_file",
    "read_csv_rows",
    "read_deeplabcut",
    "read_deeplabcut_3d",
    "read_deeplabcut_labels",
    "read_deeplabcut_labels_table",
    "read_deeplabcut_table",
]
