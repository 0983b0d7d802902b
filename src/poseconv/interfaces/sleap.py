"""neuroconv interfaces for SLEAP labels (``.slp``) and SLEAP analysis exports (``.h5``, ``.csv``)."""

from __future__ import annotations

import warnings
from typing import Literal

from pydantic import validate_call

from ..catalog.builtin import builtin_format
from ..errors import PoseconvWarning
from ..model.training import TrainingData
from ..model.unlinked_videos import UNLINKED
from ..readers.sleap import read_sleap, read_sleap_csv
from ..readers.sleap.labels import read_sleap_labels_with_poses
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .docstrings import FrameRateArg, IndicesArg, NamesArg, fill_parameters
from .mixin import init_arguments, user_stacklevel
from .training import TrainingDataMixin

__all__ = ["SLEAPCSVPoseInterface", "SLEAPPoseInterface"]


class SLEAPPoseInterface(TrainingDataMixin, BasePoseInterface):
    """Convert SLEAP predictions and proofread labels (``.slp``, ``.pkg.slp``, analysis ``.h5``) to ndx-pose.

    Every SLEAP track becomes its own ``PoseEstimation`` (one set per video of a multi-video
    ``.slp``), linked to its own skeleton; a user instance replaces the prediction of its track
    in that frame. Frames where an animal is absent are NaN on the frame-index time base.
    """

    display_name = "SLEAP (poseconv)"
    keywords = (*BasePoseInterface.keywords, "SLEAP", "sleap-io")
    associated_suffixes = (".slp", ".h5")
    info = "Interface for SLEAP labels (.slp, .pkg.slp) and analysis exports (.h5) with every track and video."
    reader = staticmethod(read_sleap)
    reader_options = builtin_format("SLEAP").reader_options
    individuals_argument = builtin_format("SLEAP").individuals_argument

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        tracks: NamesArg | None = None,
        video_indices: IndicesArg | None = None,
        predicted_only: bool = False,
        untracked: Literal["error", "by_order"] = "error",
        video_file_path: OptionalFilePathArg = None,
        sampling_frequency: FrameRateArg | None = None,
        include_training_data: bool = False,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a SLEAP labels file or analysis export.

        Parameters
        ----------
        file_path : FilePath
            SLEAP labels (.slp or .pkg.slp) or a SLEAP analysis export (.h5, any layout).
        {tracks}
        video_indices : list of int, optional
            Write only these videos of a multi-video .slp (indices into the file's video list).
        predicted_only : bool, default: False
            Write predicted instances only; by default a user (human-placed) instance replaces the
            prediction of its track in that frame.
        {untracked_instances}
        video_file_path : FilePath, optional
            The video the poses were estimated on, when the file's recorded path does not exist on this
            machine; only for a file (or selection) with one video.
        sampling_frequency : float, optional
            Frame rate in Hz, used when the SLEAP file records none (it usually does not).
        include_training_data : bool, default: False
            Also write the user-labeled (human-placed) instances of a .slp as PoseTraining (training data).
        {metadata_key_of_file}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _read_training_data(self) -> TrainingData:
        training = read_sleap_labels_with_poses(self.input_path)
        self._warn_unlinked_with_training(training)
        return training

    def _warn_unlinked(self) -> None:
        # With the training data, said once the labels are read, of their videos and the poses' together.
        if not self.source_data.get("include_training_data"):
            super()._warn_unlinked()

    def _warn_unlinked_with_training(self, training: TrainingData) -> None:
        """Say once why videos converted have no file (:data:`.UNLINKED`): the poses' and the training frames'.

        A video of one name with others links none of the file of that name beside the ``.slp``
        (:mod:`poseconv.readers.sleap.videos_by_name`): said of the poses' videos given no file, and of the videos
        of training frames left without one (the video given with the poses of one video is theirs too), in the
        words of the labels read with their poses, whose way out gives both their file.
        """
        given = self._pose_video_paths()
        left = {track.video for pose in self._poses() for track in pose.tracks if track.video not in given}
        left |= {frame.video for frame in training.frames if frame.video not in given}
        notes = training.notes.get("videos", {})
        said = [facts.get(UNLINKED) for key, facts in notes.items() if key in left]
        stacklevel = user_stacklevel(here=True)
        for message in dict.fromkeys(message for message in said if message):
            warnings.warn(message, PoseconvWarning, stacklevel=stacklevel)

    @staticmethod
    def get_available_tracks(file_path: FilePathArg) -> list[str]:
        """Return the track names in a SLEAP file ("untracked" holds instances without a track)."""
        return read_sleap(file_path, untracked="by_order").track_names()

    @staticmethod
    def get_available_videos(file_path: FilePathArg) -> list[str]:
        """Return the video keys of a SLEAP file, in the order ``video_indices`` counts them."""
        return list(read_sleap(file_path, untracked="by_order").videos)


class SLEAPCSVPoseInterface(BasePoseInterface):
    """Convert SLEAP's analysis CSV export (one row per instance) to ndx-pose.

    Every SLEAP track becomes its own ``PoseEstimation``; point scores are the confidence.
    The file holds no frame rate: give ``sampling_frequency`` or the video.
    """

    display_name = "SLEAP analysis CSV (poseconv)"
    keywords = (*BasePoseInterface.keywords, "SLEAP", "sleap-io")
    associated_suffixes = (".csv",)
    info = "Interface for SLEAP analysis CSV exports (track, frame_idx, instance.score, <node>.x/.y/.score)."
    reader = staticmethod(read_sleap_csv)
    reader_options = builtin_format("SLEAP CSV").reader_options

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        video_file_path: OptionalFilePathArg = None,
        individuals: NamesArg | None = None,
        untracked: Literal["error", "by_order"] = "error",
        sampling_frequency: FrameRateArg | None = None,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a SLEAP analysis CSV export.

        Parameters
        ----------
        file_path : FilePath
            The .csv SLEAP or sleap-io (save_csv) exported.
        {video_file_path_analysed}
        individuals : list of str, optional
            Write only these tracks ("untracked" holds instances without a track).
        {untracked_instances}
        sampling_frequency : float, optional
            Frame rate in Hz; the file records none.
        {metadata_key_of_file}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))
