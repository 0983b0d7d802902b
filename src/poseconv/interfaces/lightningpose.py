"""neuroconv interfaces for LightningPose predictions and labeled data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import DirectoryPath, FilePath, validate_call

from ..catalog.builtin import builtin_format
from ..errors import InvalidOptionError
from ..model.multicamera import MultiCameraPoseData
from ..model.training import TrainingData
from ..readers.lightningpose import find_model_labels, read_lightning_pose, read_lightning_pose_labels
from ..readers.lightningpose_multiview import names_view, read_lightning_pose_multiview
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .docstrings import FrameRateArg, NamesArg, fill_parameters
from .mixin import init_arguments
from .multicamera import BaseMultiCameraPoseInterface
from .training import BaseTrainingDataInterface, TrainingDataMixin

__all__ = ["LightningPoseMultiViewInterface", "LightningPosePoseInterface", "LightningPoseTrainingDataInterface"]


class LightningPosePoseInterface(TrainingDataMixin, BasePoseInterface):
    """Convert LightningPose predictions (a video_preds ``.csv``, EKS output too) to ndx-pose.

    The keypoints become one ``PoseEstimation`` (x, y and the likelihood as confidence,
    ``source_software`` "LightningPose", the model's scorer such as ``heatmap_tracker``).
    Ensemble columns (``x_ens_median``, ``x_ens_var``, ``x_posterior_var``, ... and any
    other extra column) go to the ``BehavioralTimeSeries`` ``<PoseEstimation name>ExtraCoords``
    beside it, one ``TimeSeries`` per keypoint and column group. Frame times and size come
    from the video (found by name next to the predictions or in the video folders of the model's config,
    or given).
    """

    display_name = "LightningPose (poseconv)"
    keywords = (*BasePoseInterface.keywords, "LightningPose", "Lightning Pose", "EKS")
    associated_suffixes = (".csv", ".mp4", ".yaml")
    info = "Interface for LightningPose predictions (.csv), with ensemble (EKS) columns when present."
    reader = staticmethod(read_lightning_pose)
    reader_options = builtin_format("LightningPose").reader_options

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        video_file_path: OptionalFilePathArg = None,
        config_file_path: OptionalFilePathArg = None,
        sampling_frequency: FrameRateArg | None = None,
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
            The video the predictions were made on; found by name next to the predictions, or in the model
            config's ``eval.test_videos_directory`` / ``data.video_dir``, when not given.
        config_file_path : FilePath, optional
            The model's config (.hydra/config.yaml); its keypoint_names must match. Found in the model folder.
        {sampling_frequency_lightning_pose}
        find_side_files : bool, default: True
            Look for the model's config next to the predictions, and the video there and in the config's folders.
        include_training_data : bool, default: False
            Also write the project's human labels (CollectedData.csv) as PoseTraining.
        labeled_data_path : FilePath, optional
            The labels CSV; the config's data.data_dir/data.csv_file when not given (with
            ``include_training_data=True``).
        {metadata_key_of_file}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _read_training_data(self) -> TrainingData:
        labeled_data_path = self.source_data["labeled_data_path"]
        config_path = self._original.notes.get("config_file")
        if labeled_data_path is None and config_path is not None:
            # A LightningPose config names its labels (data.data_dir / data.csv_file, copied into the model folder).
            labeled_data_path = find_model_labels(Path(config_path))
        if labeled_data_path is None:
            raise InvalidOptionError(
                f"{self.input_path}: include_training_data=True, but no labels file was found (neither where the "
                "model's config names it nor in the model folder); give the CollectedData.csv as "
                "labeled_data_path=... (--labeled-data on the command line)."
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
    reader = staticmethod(read_lightning_pose_labels)
    reader_options = ("config_file_path",)

    @validate_call
    @fill_parameters
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
        {verbose}
        """
        super().__init__(**init_arguments(locals()))


class LightningPoseMultiViewInterface(BaseMultiCameraPoseInterface):
    """Convert the per-view predictions of a Lightning Pose multi-view session to ndx-pose.

    Lightning Pose's multi-view models (and EKS multi-camera smoothing) write one predictions CSV
    per view, ``<session>_<view>.csv`` (EKS: ``multicam_<view>_results.csv``). They become one
    ``Device`` camera per view (named by the view) and one ``MultiCameraPoseEstimation`` holding a
    2D ``PoseEstimation`` per view, with the 3D series when EKS wrote ``multicam_3d_results.csv``.
    Frame times come from the videos (``<session>_<view>.mp4`` beside the predictions) or the rate.
    """

    display_name = "LightningPose multi-view (poseconv)"
    keywords = (*BaseMultiCameraPoseInterface.keywords, "LightningPose", "Lightning Pose", "EKS", "multi-view")
    associated_suffixes = (".csv", ".mp4", ".yaml")
    info = "Interface for the per-view predictions (.csv) of a Lightning Pose multi-view model or EKS multi-camera."
    reader = staticmethod(read_lightning_pose_multiview)
    reader_options = (
        "view_file_paths",
        "view_names",
        "config_file_path",
        "points_3d_file_path",
        "calibration_file_path",
        "find_side_files",
    )

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePath | DirectoryPath,
        *,
        view_file_paths: list[FilePathArg] | None = None,
        view_names: NamesArg | None = None,
        config_file_path: OptionalFilePathArg = None,
        points_3d_file_path: OptionalFilePathArg = None,
        calibration_file_path: OptionalFilePathArg = None,
        video_file_paths: dict[str, FilePathArg] | list[FilePathArg] | None = None,
        sampling_frequency: FrameRateArg | None = None,
        find_side_files: bool = True,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read every view of one Lightning Pose session.

        Parameters
        ----------
        file_path : FilePath or DirectoryPath
            One view's predictions, <session>_<view>.csv (the other views are found beside it by name), or
            the folder of one session's views (video_preds, an EKS output folder).
        view_file_paths : list of FilePath, optional
            Every view's predictions (file_path among them).
        view_names : list of str, optional
            The views, as the model's config names them (data.view_names); they name the cameras. From the
            model's config or the file names when not given.
        config_file_path : FilePath, optional
            The model's config (config.yaml or .hydra/config.yaml); found in the model folder.
        points_3d_file_path : FilePath, optional
            EKS's multicam_3d_results.csv (x, y, z per keypoint); found beside the views when not given.
        calibration_file_path : FilePath, optional
            The session's Anipose calibration (.toml, one [cam_N] per view) written as CalibratedCamera devices;
            found as Lightning Pose finds it (data.data_dir/calibrations/<session>.toml) when not given.
        video_file_paths : dict of str to FilePath, or list of FilePath, optional
            Each view's video, by view name, or a list in the order of the view files of view_file_paths (EKS's
            3D file among them takes none; without them, of view_names, the config's data.view_names or the views'
            file names, sorted); found beside the predictions by name (<session>_<view>.mp4) when not given.
        {sampling_frequency_lightning_pose}
        find_side_files : bool, default: True
            Look for the config, the other views, the 3D file and the videos beside the predictions.
        {metadata_key_of_session}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _match_video_paths(self, data: MultiCameraPoseData, given: Any) -> dict[str, Path]:  # type: ignore[override]
        if isinstance(given, list):
            given = self._videos_by_view(data, [Path(v) for v in given])
        return self._camera_videos(data, given)

    def _videos_by_view(self, data: MultiCameraPoseData, given: list[Path]) -> dict[str, Path]:
        """Give each view its video of a list: in the order of the view files given, else of the views."""
        views = list(data.notes["view_files"])
        # Views named by their files only are in the order of the names, sorted, not of the cameras: a list
        # goes to them only when each video's name names its view, as it is checked below.
        by_file_names = not self.source_data["view_file_paths"] and data.notes.get("view_order") is None
        how = _how_by_view_name(views, by_file_names)
        if self.source_data["view_file_paths"]:
            order, videos = self._videos_by_file(data, given, how)
        else:
            # A folder or one view's file: the views are in the order of view_names, of the config's
            # data.view_names, or of their files' names (sorted, as a folder lists them).
            order = {"view_names": "view_names", "config": "the model config's data.view_names"}.get(
                data.notes.get("view_order") or "", f"the names of {data.notes['views_from']}"
            )
            each = ", each named for its view (<session>_<view>.mp4)" if by_file_names else ""
            if len(given) != len(views):
                raise InvalidOptionError(
                    f"{self.input_path}: {len(given)} video(s) for the {len(views)} views {views} (in the order of "
                    f"{order}); give one video per view{each}, in that order, or {how}."
                )
            videos = dict(zip(views, given, strict=True))
        _check_video_names(videos, order, how)
        if by_file_names:
            _check_named_for_their_views(self.input_path, videos, order, how)
        return videos

    def _videos_by_file(self, data: MultiCameraPoseData, given: list[Path], how: str) -> tuple[str, dict[str, Path]]:
        """Return the order of the view files given and their videos, one each (EKS's 3D file is no view: none)."""
        files = [Path(f) for f in self.source_data["view_file_paths"]]
        if self.input_path.resolve() not in {f.resolve() for f in files}:
            files = [self.input_path, *files]
        view_of = {Path(f).resolve(): view for view, f in data.notes["view_files"].items()}
        # The 3D file (and any metrics file given) is among the inputs, but no view: it takes no video.
        view_files = [f for f in files if f.resolve() in view_of]
        others = [f.name for f in files if f.resolve() not in view_of]
        if len(given) != len(view_files):
            not_views = f"; {', '.join(others)}: no view, no video" if others else ""
            raise InvalidOptionError(
                f"{len(given)} video(s) for {len(view_files)} view file(s) ({', '.join(f.name for f in view_files)}"
                f"{not_views}); give one video per view file, in their order, or {how}."
            )
        order = f"the view files given ({', '.join(f.name for f in view_files)})"
        return order, {view_of[f.resolve()]: v for f, v in zip(view_files, given, strict=True)}


def _how_by_view_name(views: list[str], by_file_names: bool) -> str:
    """Return how to give the videos of ``views`` by view name, or a list in an order that holds."""
    by_name = "video_file_paths={" + ", ".join(f"'{view}': ..." for view in views) + "}"
    paths = ", ".join(f"{view}: PATH" for view in views)
    # Views named by their files only take a list in their order only when each video names its view: the
    # view names set an order that holds whatever the videos' names.
    in_order = (
        f"or view_names in the cameras' order (-O 'view_names=[{', '.join(views)}]') and a --video per view, in "
        "that order"
        if by_file_names
        else "or after the folder a --video per view, in the views' order"
    )
    return (
        f"give them by view name: {by_name} (a spec's source_data: {{video_file_paths: {{{paths}}}}}; on the "
        f"command line -O 'video_file_paths={{{paths}}}', or a --video per view file given as an input, in "
        f"their order, {in_order})"
    )


def _check_video_names(videos: dict[str, Path], order: str, how: str) -> None:
    """Refuse a list of videos out of order: a video whose name names another view, not its own.

    Lightning Pose names a session's videos ``<session>_<view>.mp4``; a list goes by order only, so a video
    named for another view is surely in the wrong place (names that name no view are not checked).
    """
    views = list(videos)
    for view, video in videos.items():
        named = [other for other in views if names_view(video.stem, other)]
        if named and view not in named:
            raise InvalidOptionError(
                f"{video}: given for view {view!r} (the videos go to the views in the order of {order}: "
                f"{', '.join(views)}), but its name names the view {named[0]!r}; give the videos in that order, "
                f"or {how}."
            )


def _check_named_for_their_views(path: Path, videos: dict[str, Path], order: str, how: str) -> None:
    """Refuse a list of videos for views named by their files only, unless each video's name names its view.

    Such views (EKS's ``multicam_<view>_results.csv``) are in the order of their file names, sorted, which
    says nothing of the order the user meant the videos in: only the videos' own names can confirm it.
    """
    unnamed = [f"{video.name} (for {view!r})" for view, video in videos.items() if not names_view(video.stem, view)]
    if unnamed:
        raise InvalidOptionError(
            f"{path}: a list of videos goes to views named by their files only (in the order of {order}, sorted: "
            f"{', '.join(videos)}) only when each video's name names its view (<session>_<view>.mp4), as that "
            f"order need not be the cameras'; {', '.join(unnamed)} name(s) no view: {how}."
        )
