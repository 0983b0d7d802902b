"""Read SLEAP files: ``.slp`` predictions and labels, analysis exports, sessions, CSV, sleap-anipose 3D points.

One module per kind of file, each with one public reader:

========================  ===================================================================
module                    reads
========================  ===================================================================
:mod:`.slp`               ``.slp`` / ``.pkg.slp`` predictions (:func:`read_sleap`; it also
                          passes analysis ``.h5`` files to :mod:`.analysis`)
:mod:`.analysis`          SLEAP analysis ``.h5`` exports, every layout
:mod:`.session`           multi-camera recording sessions (:func:`read_sleap_session`)
:mod:`.labels`            user-labeled instances as training data (:func:`read_sleap_labels`)
:mod:`.csv`               SLEAP's analysis CSV export (:func:`read_sleap_csv`)
:mod:`.anipose`           sleap-anipose's triangulated ``points3d.h5``
========================  ===================================================================

The ``.slp`` reader reads poses from the file's tables as arrays (:mod:`.slp_index`,
:mod:`.slp_points`), and from sleap-io's objects (:mod:`.slp_objects`) only for the
file variants the index names. :mod:`.common` holds what they share (names, confidence
definitions, the untracked-instance rule, sniffers), :mod:`.provenance` what made the
poses and :mod:`.videos` how recorded videos are described.
"""

from .anipose import POINTS_3D_FILE_NAME, find_points_3d_file, is_points_3d_file, read_points_3d
from .common import (
    ANALYSIS_CONFIDENCE_DEFINITION,
    SLEAP_REFERENCE_FRAME,
    SLP_CONFIDENCE_DEFINITION,
    UNTRACKED_TRACK_NAME,
    is_sleap_analysis_file,
    is_sleap_file,
    is_slp_file,
)
from .csv import is_sleap_csv_file, read_sleap_csv
from .labels import read_sleap_labels
from .session import (
    SLEAP_3D_CONFIDENCE_DEFINITION,
    SLEAP_3D_REFERENCE_FRAME,
    has_recording_session,
    read_sleap_session,
)
from .slp import read_sleap

__all__ = [
    "ANALYSIS_CONFIDENCE_DEFINITION",
    "POINTS_3D_FILE_NAME",
    "SLEAP_3D_CONFIDENCE_DEFINITION",
    "SLEAP_3D_REFERENCE_FRAME",
    "SLEAP_REFERENCE_FRAME",
    "SLP_CONFIDENCE_DEFINITION",
    "UNTRACKED_TRACK_NAME",
    "find_points_3d_file",
    "has_recording_session",
    "is_points_3d_file",
    "is_sleap_analysis_file",
    "is_sleap_csv_file",
    "is_sleap_file",
    "is_slp_file",
    "read_points_3d",
    "read_sleap",
    "read_sleap_csv",
    "read_sleap_labels",
    "read_sleap_session",
]
