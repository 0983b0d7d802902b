"""The formats poseconv reads itself; other packages add theirs through the ``poseconv.formats`` entry points."""

from __future__ import annotations

from .format import Format

__all__ = ["BUILTIN_FORMATS", "builtin_format"]

_DLC = "poseconv.readers.deeplabcut.predictions"
_SLEAP = "poseconv.readers.sleap"
_LP = "poseconv.readers.lightningpose"
# The exported readers: each checks that the file is its format's, as the interfaces do, then reads it.
_PUBLIC = "poseconv.readers.public"

BUILTIN_FORMATS = (
    Format(
        name="DeepLabCut",
        source_software="DeepLabCut",
        kind="predictions",
        aliases=("dlc", "deeplabcut"),
        suffixes=frozenset({".h5", ".hdf5", ".csv"}),
        reader=f"{_PUBLIC}:read_deeplabcut",
        interface="poseconv.interfaces.deeplabcut:DeepLabCutPoseInterface",
        sniffer=f"{_DLC}:is_deeplabcut_file",
        reader_options=("config_file_path", "metadata_file_path", "find_side_files"),
        description="DeepLabCut predictions, single- or multi-animal, 2D or 3D (.h5 / .csv; DeepLabCut-live .hdf5)",
        public_names=("read_deeplabcut",),
    ),
    Format(
        name="DeepLabCut 3D",
        source_software="DeepLabCut",
        kind="session",
        aliases=("dlc3d", "dlc-3d", "deeplabcut-3d"),
        suffixes=frozenset({".h5", ".csv"}),
        reader=f"{_PUBLIC}:read_deeplabcut_3d",
        interface="poseconv.interfaces.multicamera:DeepLabCut3DPoseInterface",
        sniffer="poseconv.readers.deeplabcut.three_d:is_deeplabcut_3d_file",
        refines=("DeepLabCut",),
        description="DeepLabCut 3D: triangulated x, y, z with the camera views and stereo calibration",
        public_names=("read_deeplabcut_3d",),
    ),
    Format(
        name="DeepLabCut labels",
        source_software="DeepLabCut",
        kind="labels",
        aliases=("dlc-labels", "deeplabcut-labels"),
        suffixes=frozenset({".h5", ".csv"}),
        reader=f"{_PUBLIC}:read_deeplabcut_labels",
        interface="poseconv.interfaces.training:DeepLabCutTrainingDataInterface",
        individuals_argument=None,
        sniffer="poseconv.readers.deeplabcut.labels:is_deeplabcut_labels_file",
        refines=("DeepLabCut",),
        input_argument="labeled_data_path",
        accepts_folder=True,
        description="DeepLabCut human labels: a project, its labeled-data folder or a CollectedData file",
        public_names=("read_deeplabcut_labels",),
    ),
    Format(
        name="SLEAP",
        source_software="SLEAP",
        kind="predictions",
        aliases=("sleap",),
        suffixes=frozenset({".slp", ".h5"}),
        reader=f"{_SLEAP}:read_sleap",
        interface="poseconv.interfaces.sleap:SLEAPPoseInterface",
        reader_options=("video_indices", "predicted_only", "untracked"),
        individuals_argument="tracks",
        sniffer=f"{_SLEAP}:is_sleap_file",
        description="SLEAP predictions and proofread tracks (.slp, .pkg.slp, SLEAP 1.0 labels .h5, analysis .h5)",
    ),
    Format(
        name="SLEAP CSV",
        source_software="SLEAP",
        kind="predictions",
        aliases=("sleap-csv",),
        suffixes=frozenset({".csv"}),
        reader=f"{_PUBLIC}:read_sleap_csv",
        interface="poseconv.interfaces.sleap:SLEAPCSVPoseInterface",
        reader_options=("untracked",),
        sniffer=f"{_SLEAP}:is_sleap_csv_file",
        description=(
            "SLEAP analysis CSV export and sleap-io's instances CSV: one row per instance, with instance and point "
            "scores (.csv)"
        ),
        public_names=("read_sleap_csv",),
    ),
    Format(
        name="SLEAP session",
        source_software="SLEAP",
        kind="session",
        aliases=("sleap-session",),
        suffixes=frozenset({".slp"}),
        reader=f"{_PUBLIC}:read_sleap_session",
        interface="poseconv.interfaces.multicamera:SLEAPSessionPoseInterface",
        reader_options=("session_index", "predicted_only", "untracked", "points_3d_file_path"),
        individuals_argument="tracks",
        sniffer=f"{_SLEAP}:has_recording_session",
        refines=("SLEAP",),
        description="SLEAP multi-camera recording session: calibrated cameras, 2D views and 3D points (.slp)",
        public_names=("read_sleap_session",),
    ),
    Format(
        name="SLEAP labels",
        source_software="SLEAP",
        kind="labels",
        aliases=("sleap-labels",),
        suffixes=frozenset({".slp", ".h5"}),
        reader=f"{_PUBLIC}:read_sleap_labels",
        interface="poseconv.interfaces.training:SLEAPTrainingDataInterface",
        individuals_argument=None,
        description="SLEAP human labels: the user instances of a .slp (chosen, never detected)",
        public_names=("read_sleap_labels",),
    ),
    Format(
        name="LightningPose",
        source_software="LightningPose",
        kind="predictions",
        aliases=("lp", "lightningpose", "lightning-pose"),
        suffixes=frozenset({".csv"}),
        reader=f"{_PUBLIC}:read_lightning_pose",
        interface="poseconv.interfaces.lightningpose:LightningPosePoseInterface",
        reader_options=("config_file_path", "find_side_files"),
        individuals_argument=None,
        sniffer=f"{_LP}:is_lightning_pose_file",
        # Its predictions CSVs have DeepLabCut's header: both sniffers claim them, this one wins.
        refines=("DeepLabCut",),
        # movement's to_lp_file writes DeepLabCut's layout with the scorer "movement": chosen, it is read as such.
        also_reads="poseconv.readers.deeplabcut.csv_header:names_no_tool",
        description="Lightning Pose predictions, any model and the Ensemble Kalman Smoother (.csv)",
        public_names=("read_lightning_pose",),
    ),
    Format(
        name="LightningPose multi-view",
        source_software="LightningPose",
        kind="session",
        aliases=("lp-multiview", "lightningpose-multiview", "lightning-pose-multiview"),
        suffixes=frozenset({".csv"}),
        reader=f"{_PUBLIC}:read_lightning_pose_multiview",
        interface="poseconv.interfaces.lightningpose:LightningPoseMultiViewInterface",
        individuals_argument=None,
        # One view's CSV is a single-view file by content: the session is always a choice.
        accepts_folder=True,
        inputs_argument="view_file_paths",
        description="Lightning Pose multi-view: the per-view .csv of one session (EKS multi-camera too), as cameras",
        public_names=("read_lightning_pose_multiview",),
    ),
    Format(
        name="LightningPose labels",
        source_software="LightningPose",
        kind="labels",
        aliases=("lp-labels", "lightningpose-labels", "lightning-pose-labels"),
        suffixes=frozenset({".csv"}),
        reader=f"{_PUBLIC}:read_lightning_pose_labels",
        interface="poseconv.interfaces.lightningpose:LightningPoseTrainingDataInterface",
        individuals_argument=None,
        sniffer=f"{_LP}:is_lightning_pose_labels_file",
        refines=("DeepLabCut",),
        description="Lightning Pose human labels: CollectedData.csv",
        public_names=("read_lightning_pose_labels",),
    ),
)


def builtin_format(name: str) -> Format:
    """Return the built-in format called ``name`` (its interface takes its declarations from it)."""
    return next(fmt for fmt in BUILTIN_FORMATS if fmt.name == name)
