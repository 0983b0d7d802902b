"""neuroconv interfaces for LightningPose predictions and labeled data."""

from __future__ import annotations

from pathlib import Path

from pydantic import validate_call

from ..errors import InvalidOptionError
from ..model import PoseData
from ..model.training import TrainingData
from ..readers.lightningpose import read_lightning_pose, read_lightning_pose_labels
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .training import BaseTrainingDataInterface, TrainingDataMixin

__all__ = ["LightningPosePoseInterface", "LightningPoseTrainingDataInterface"]


class LightningPosePoseInterface(TrainingDataMixin, BasePoseInterface):
    """Convert LightningPose predictions (a video_preds ``.csv``, EKS output too) to ndx-pose.

    The keypoints become one ``PoseEstimation`` (x, y and the likelihood as confidence,
    ``source_software`` "LightningPose", the model's scorer such as ``heatmap_tracker``).
    Ensemble columns (``x_ens_median``, ``x_ens_var``, ``x_posterior_var``, ... and any
    other extra column) go to the ``BehavioralTimeSeries`` ``<PoseEstimation name>ExtraCoords``
    beside it, one ``TimeSeries`` per keypoint and column group. Frame times and size come
    from the video (found next to the predictions by name, or given).
    """

    display_name = "LightningPose (poseconv)"
    keywords = (*BasePoseInterface.keywords, "LightningPose", "Lightning Pose", "EKS")
    associated_suffixes = (".csv", ".mp4", ".yaml")
    info = "Interface for LightningPose predictions (.csv), with ensemble (EKS) columns when present."

    @validate_call
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        video_file_path: OptionalFilePathArg = None,
        config_file_path: OptionalFilePathArg = None,
        sampling_frequency: float | None = None,
        find_side_files: bool = True,
        include_training_data: bool = False,
        labeled_data_path: OptionalFilePathArg = None,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a LightningPose predictions file.

        Parameters
        ----------
        file_path : FilePath
            LightningPose predictions on a video, .csv (scorer heatmap_tracker, ensemble-kalman_tracker, ...).
        video_file_path : FilePath, optional
            The video the predictions were made on; found next to the predictions by name when not given.
        config_file_path : FilePath, optional
            The model's config (.hydra/config.yaml); its keypoint_names must match. Found in the model folder.
        sampling_frequency : float, optional
            Frame rate in Hz, used when no video gives the frame times (LightningPose records none).
        find_side_files : bool, default: True
            Look for the video and the model's config next to the predictions.
        include_training_data : bool, default: False
            Also write the project's human labels (CollectedData.csv) as PoseTraining.
        labeled_data_path : FilePath, optional
            The labels CSV; the config's data.data_dir/data.csv_file when not given.
        metadata_key : str, optional
            Suffix for this file's metadata keys and default object names, needed when several pose files
            go into one NWB file: "lp" gives "PoseEstimation_lp", "Skeleton_lp".
        verbose : bool, default: False
            Print progress.
        """
        self._file_path = Path(file_path)
        self._config_file_path = config_file_path
        self._find_side_files = find_side_files
        super().__init__(
            sampling_frequency=sampling_frequency,
            verbose=verbose,
            file_path=file_path,
            video_file_path=video_file_path,
            config_file_path=config_file_path,
            find_side_files=find_side_files,
            include_training_data=include_training_data,
            labeled_data_path=labeled_data_path,
            metadata_key=metadata_key,
            video_file_paths=[video_file_path] if video_file_path is not None else None,
        )
        if include_training_data:
            self._training = self._find_training_data(labeled_data_path)

    def _read_pose(self) -> PoseData:
        return read_lightning_pose(
            self._file_path, config_file_path=self._config_file_path, find_side_files=self._find_side_files
        )

    def _find_training_data(self, labeled_data_path: Path | None) -> TrainingData:
        config_path = self._original.notes.get("config_file")
        if labeled_data_path is None and config_path is not None:
            # A LightningPose config names its labels: data.data_dir / data.csv_file.
            import yaml

            data = (yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}).get("data") or {}
            if data.get("data_dir") and data.get("csv_file"):
                candidate = Path(str(data["data_dir"])) / str(data["csv_file"])
                labeled_data_path = candidate if candidate.is_file() else None
        if labeled_data_path is None:
            raise InvalidOptionError(
                f"{self._file_path}: include_training_data=True, but no labels file was found (the model's config "
                "names none that exists here); give the CollectedData.csv as labeled_data_path=..."
            )
        return read_lightning_pose_labels(labeled_data_path, config_file_path=config_path)


class LightningPoseTrainingDataInterface(BaseTrainingDataInterface):
    """Convert the human labels of a LightningPose project (``CollectedData.csv``) to ndx-pose PoseTraining.

    Every row becomes a training frame with its labeler and image path; frames whose path is
    ``labeled-data/<video>/img<N>.png`` are linked to that video and frame. The images
    themselves are not needed. No predictions are needed.
    """

    display_name = "LightningPose training data (poseconv)"
    keywords = (*BaseTrainingDataInterface.keywords, "LightningPose", "Lightning Pose")
    associated_suffixes = (".csv", ".yaml")
    info = "Interface for the labeled frames of a LightningPose project (CollectedData.csv)."

    @validate_call
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        config_file_path: OptionalFilePathArg = None,
        verbose: bool = False,
    ) -> None:
        """Read the labels of a LightningPose project.

        Parameters
        ----------
        file_path : FilePath
            The labels, CollectedData.csv (DeepLabCut's labels layout, one file for all videos).
        config_file_path : FilePath, optional
            The project's LightningPose config; its keypoint_names must match the labels.
        verbose : bool, default: False
            Print progress.
        """
        self._file_path = Path(file_path)
        self._config_file_path = config_file_path
        super().__init__(verbose=verbose, file_path=file_path, config_file_path=config_file_path)

    def _read_training(self) -> TrainingData:
        return read_lightning_pose_labels(self._file_path, config_file_path=self._config_file_path)
