"""neuroconv interfaces for multi-camera (3D) pose sessions: DeepLabCut 3D and SLEAP recording sessions.

Both write ndx-pose's multi-camera object graph through
:func:`poseconv.nwb.write.multicamera.write_multicamera_pose_estimation`: a
``CalibratedCamera`` per camera and, per animal, one ``MultiCameraPoseEstimation``
holding the 3D series and one 2D ``PoseEstimation`` per camera view.

They reuse :class:`~poseconv.interfaces.base.BasePoseInterface` for schemas,
metadata validation and the atomic ``run_conversion``; what differs is that a
session has one frame clock for every camera (the cameras are synchronized),
so the temporal alignment methods take and give one array of frame times.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any, Literal

import numpy as np
from neuroconv.basetemporalalignmentinterface import BaseTemporalAlignmentInterface
from neuroconv.utils import DeepDict
from pydantic import validate_call

from .. import timing
from ..catalog.builtin import builtin_format
from ..errors import InvalidOptionError
from ..metadata.multicamera import default_multicamera_metadata
from ..metadata.session_fields import project_session_fields
from ..model import FrameTiming, PoseData
from ..model.location import require_file
from ..model.multicamera import MultiCameraPoseData
from ..nwb.write.multicamera import write_multicamera_pose_estimation
from ..pose_source import fit_to_video
from ..readers.deeplabcut.three_d import read_deeplabcut_3d
from ..readers.sleap import read_sleap_session
from ..readers.sleap.session import CameraRatesWarning, each_video_advice
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .docstrings import FrameRateArg, IndexArg, NamesArg, fill_parameters
from .mixin import init_arguments, user_stacklevel

__all__ = ["DeepLabCut3DPoseInterface", "SLEAPSessionPoseInterface"]


def _camera_rates(
    data: MultiCameraPoseData, probed: dict[str, tuple[FrameTiming, str]]
) -> dict[str, tuple[float, str]]:
    """Return each camera's frame rate and where it comes from: its video's, else what its pose file records."""
    found = {c: (t, t.source) for c, v in data.views.items() for k in v.videos if (t := v.timing.get(k)) is not None}
    rates = {camera: (timing.nominal_rate(times), name) for camera, (times, name) in {**found, **probed}.items()}
    return {camera: (rate, name) for camera, (rate, name) in rates.items() if rate is not None}


def _different_rates(rates: dict[str, tuple[float, str]]) -> str | None:
    """Name the cameras and their rates when they are not one clock's (beyond a measure's error), else None."""
    first_camera, (first_rate, first_name) = next(iter(rates.items()), (None, (None, None)))
    if first_rate is None:
        return None
    others = {c: (r, n) for c, (r, n) in rates.items() if abs(r - first_rate) > timing.SAME_CLOCK_RTOL * first_rate}
    listed = ", ".join(f"'{camera}' ({name}, {rate:g} fps)" for camera, (rate, name) in others.items())
    return f"'{first_camera}' ({first_name}, {first_rate:g} fps) and {listed}" if others else None


def _one_clock_refusal(source_name: str, listed: str, advice: str) -> str:
    """Say why a session whose cameras run at different rates (``listed``) has no frame times, and what to do.

    The session is written on one clock: the first camera's rate would put the others' poses at wrong times.
    """
    return (
        f"{source_name}: the videos of the cameras run at different rates: {listed}. A session is written on one "
        "clock (every camera's poses and the 3D points on the same frame times), so no camera's rate is taken for "
        "the others. If frame i of every camera was taken at one instant (synchronized cameras), give the session's "
        "frame rate (sampling_frequency=..., poseconv convert --fps) or frame times (set_aligned_timestamps, "
        f"poseconv convert --timestamps); otherwise {advice}"
    )


class BaseMultiCameraPoseInterface(BasePoseInterface):
    """Shared machinery of the multi-camera interfaces: a subclass names its :attr:`reader` of a session."""

    keywords = (*BasePoseInterface.keywords, "3D", "multi-camera", "calibration")
    #: Frame times the user aligned (one clock for every camera), or None.
    _aligned: FrameTiming | None = None
    #: Why the session has no frame times of its own (cameras at different rates, no rate given), or None.
    _clock_refusal: str | None = None

    # The base matches videos, resolves timing and selects through these hooks.

    def _match_video_paths(self, data: MultiCameraPoseData, given: Any) -> dict[str, Path]:  # type: ignore[override]
        return self._camera_videos(data, given)

    def _resolve_timing(self, data: MultiCameraPoseData) -> MultiCameraPoseData:  # type: ignore[override]
        return self._resolve_session_timing(data)

    def _select(self, data: MultiCameraPoseData, names: list[str]) -> MultiCameraPoseData:  # type: ignore[override]
        return data.select_individuals(names)

    def _keep(self, original: MultiCameraPoseData, selected: MultiCameraPoseData) -> None:  # type: ignore[override]
        self._original_session = original
        self._session = selected

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _camera_videos(data: MultiCameraPoseData, given: dict[str, Path] | None) -> dict[str, Path]:
        """Map user-given videos (by camera name) to the view video keys the writer uses."""
        paths: dict[str, Path] = {}
        for camera, path in (given or {}).items():
            if camera not in data.cameras:
                raise InvalidOptionError(
                    f"video_file_paths names camera {camera!r}; the cameras are {list(data.cameras)}."
                )
            view = data.views.get(camera)
            if view is None or not view.tracks:
                raise InvalidOptionError(f"Camera {camera!r} has no 2D poses, so no video to link.")
            require_file(Path(path), "video", InvalidOptionError)
            paths[view.tracks[0].video] = Path(path)
        return paths

    def _resolve_session_timing(self, data: MultiCameraPoseData) -> MultiCameraPoseData:
        """Choose the session's frame times by the order of trust of :mod:`poseconv.timing`.

        The cameras are synchronized, so the first camera whose video is on this machine speaks for all.
        Cameras whose videos (else the rates their files record) run at different rates give no frame times:
        the session is written on one clock, so the rate the user gives is used, else the times the user
        sets (:meth:`set_aligned_timestamps`), else using the times is refused (:meth:`_used_session`).
        """
        views = dict(data.views)
        probed: dict[str, tuple[FrameTiming, str]] = {}
        for camera, view in data.views.items():
            probe = self._camera_probe(view)
            if probe is None:
                continue
            key, probe = probe
            # Rows past the video with no pose (DeepLabCut 2's all-0 rows too) are left out, as for one camera,
            # and the video has its frame count: the writer gives it a time for every frame it has.
            views[camera] = fit_to_video(view, key, probe, where=f"{view.source_name} (video '{key}')")
            if probe.timing() is not None:
                probed[camera] = (probe.timing(), probe.path.name)
        stated = timing.user_rate(self._sampling_frequency)
        listed = _different_rates(_camera_rates(data, probed))
        self._clock_refusal = None
        if listed is not None and stated is None:
            self._clock_refusal = _one_clock_refusal(data.source_name, listed, self._each_camera_advice(data))
            return dataclasses.replace(data, views=views).with_timing(None)
        video_timing, video_name = next(iter(probed.values()), (None, None))
        chosen, note = timing.choose_timing(
            source_name=data.source_name,
            stated=stated,
            video=video_timing,
            recorded=data.timing,
            video_name=video_name,
        )
        if listed is not None:
            note = (
                f"{data.source_name}: the videos of the cameras run at different rates: {listed}; a session is "
                f"written on one clock, so your frame times ({stated.rate:g} fps, {stated.source}) are used for every "
                "camera's poses and the 3D points."
            )
        if note is not None:
            self._timing_notes["session"] = note  # said when these times are used (_used_session)
        return dataclasses.replace(data, views=views).with_timing(chosen)

    def _camera_probe(self, view: PoseData) -> tuple[str, Any] | None:
        """Return the key and probe of the first video of a camera's view that is on this machine, or None."""
        from ..video import probe_found_video, probe_video

        for key, info in view.videos.items():
            path = self._video_file_paths.get(key, info.path)
            if path is None:
                continue
            # A view read from its own file (Lightning Pose: one CSV per view) is named by that file.
            where = f"{view.source_name} (video '{key}')"
            probe = (
                probe_video(path)
                if key in self._video_file_paths
                else probe_found_video(path, where, stacklevel=user_stacklevel())
            )
            if probe is not None:
                return key, probe
        return None

    def _each_camera_advice(self, data: MultiCameraPoseData) -> str:
        """Say how to convert each camera's poses on their own, each at its video's rate, in the format's words.

        Lightning Pose's (lightningpose.py): its views are single-view prediction files. The other formats
        say theirs.
        """
        return (
            "convert each camera's 2D poses on their own (one interface per file, e.g. LightningPosePoseInterface; "
            "poseconv convert without --source lp-multiview), each with its video."
        )

    @property
    def session(self) -> MultiCameraPoseData:
        """The session to write, with the chosen individuals and the aligned timing."""
        return self._session if self._aligned is None else self._session.with_timing(self._aligned)

    def _used_session(self) -> MultiCameraPoseData:
        """Return :attr:`session` for its frame times to be used (handed out, shifted, written).

        Where the sources of frame times disagree, the first use warns which one's times are used; reading
        :attr:`session` does not, as a caller may give its own times next (``poseconv convert --timestamps``).
        Cameras at different rates give no times: refused until the user gives some.
        """
        if self._clock_refusal is not None and self._aligned is None:
            raise InvalidOptionError(self._clock_refusal)
        self._say_timing_choice()
        return self.session

    @property
    def pose(self) -> PoseData:
        """The 3D poses (or, without 3D, the first camera's 2D poses), for tools that expect one PoseData."""
        session = self._used_session()
        pose = session.pose_3d if session.pose_3d is not None else next(iter(session.views.values()))
        if session.timing is None:
            return pose
        return dataclasses.replace(pose, timing={key: session.timing for key in pose.videos})

    def _videos(self) -> list[str]:
        return ["session"]

    def _poses(self) -> list[PoseData]:
        return list(self._session.views.values())

    def forget_blocks(self) -> None:
        """Drop the pose values (each camera's and the 3D ones) kept from earlier reads."""
        super().forget_blocks()
        if self._session.pose_3d is not None:
            for track in self._session.pose_3d.tracks:
                track.forget_blocks()

    # -- metadata -----------------------------------------------------------------------------

    def get_metadata(self) -> DeepDict:
        """Return the metadata this interface would write, ready to edit.

        Returns
        -------
        DeepDict
            ``NWBFile`` defaults plus ``Pose.CalibratedCameras``, ``Pose.Skeletons``,
            ``Pose.MultiCameraPoseEstimations`` and ``Behavior.ExternalVideos``.
        """
        metadata = BaseTemporalAlignmentInterface.get_metadata(self)
        session = self._session
        description = (
            f"Multi-camera pose estimation with {session.source_software} (cameras {', '.join(session.cameras)}; "
            f"{', '.join(session.individuals())})."
        )
        poses = [*([session.pose_3d] if session.pose_3d is not None else []), *session.views.values()]
        notes = [session.notes, *(pose.notes for pose in poses)]
        metadata["NWBFile"].update(project_session_fields(notes, description))
        metadata.deep_update(default_multicamera_metadata(session, video_paths_known=set(self._video_paths())))
        return DeepDict(metadata)

    # -- timing -------------------------------------------------------------------------------

    def _session_times(self, session: MultiCameraPoseData) -> np.ndarray:
        if session.timing is None:
            # The one-video advice (video_file_path=, --video) is refused by a session: its videos go by camera.
            by_camera = f"{{{next(iter(session.cameras))}: path, ...}}"
            each_video = (
                f"each camera's video, from which its frame times are read, with video_file_paths={{camera: path}} "
                f"(cameras {', '.join(session.cameras)}; -O 'video_file_paths={by_camera}' on the command line, "
                f"a spec's source_data: {{video_file_paths: {by_camera}}})"
            )
            raise timing.missing_timing_error(session.source_name, "this session", each_video=each_video)
        # A copy, as the pose interfaces give: times shifted in place (ts += offset) stay the caller's.
        return np.array(session.timing.times(session.n_frames))

    def get_original_timestamps(self) -> np.ndarray:
        """Return the frame times in seconds before any alignment (one clock for every camera).

        Returns
        -------
        numpy.ndarray
            One time per frame of the session (the longest view or 3D series).
        """
        if self._clock_refusal is not None:
            raise InvalidOptionError(self._clock_refusal)
        self._say_timing_choice()
        return self._session_times(self._original_session)

    def get_timestamps(self) -> np.ndarray:
        """Return the frame times in seconds after any alignment.

        Returns
        -------
        numpy.ndarray
            As :meth:`get_original_timestamps`.
        """
        return self._session_times(self._used_session())

    def set_aligned_timestamps(self, aligned_timestamps: np.ndarray) -> None:
        """Replace the frame times of every camera and of the 3D poses.

        Parameters
        ----------
        aligned_timestamps : numpy.ndarray
            One time (seconds) per frame of the session, or per frame of its longest video file when the
            poses end before it (the poses take the first ones, the videos keep theirs). They are copied.
        """
        self._set_aligned([aligned_timestamps], [timing.GIVEN_TIMESTAMPS])

    def _set_aligned(self, arrays: list[np.ndarray], sources: list[str]) -> None:
        # One clock for every camera: one array.
        array = timing.check_timestamps(
            arrays[0],
            self._session.n_frames,
            "the session",
            known=self._session.timing,
            stacklevel=user_stacklevel(),
            video_frames=self._video_frames(),
        )
        self._aligned = FrameTiming(timestamps=array, source=sources[0])
        self._forget_timing_choice("session")

    def _video_frames(self) -> int | None:
        """Return the frames of the session's longest video file whose length is known, or None."""
        views = self._session.views.values()
        return max((info.n_frames for view in views for info in view.videos.values() if info.n_frames), default=None)

    def _frames_to_align(self) -> list[tuple[FrameTiming, int, int | None]]:
        session = self._used_session()
        if session.timing is None:
            self._session_times(session)  # the error naming the ways to give frame times
        return [(session.timing, session.n_frames, self._video_frames())]

    def set_aligned_starting_time(self, aligned_starting_time: float) -> None:
        """Shift every frame time by ``aligned_starting_time`` seconds.

        Parameters
        ----------
        aligned_starting_time : float
            Start of the session's frames relative to the session start, in seconds (one finite number).

        Raises
        ------
        InvalidOptionError
            When ``aligned_starting_time`` is not one finite number.
        """
        offset = timing.check_offset(aligned_starting_time)
        current = self._used_session().timing
        if current is None:
            self._session_times(self.session)
            return
        self._aligned = timing.shift_timing(current, offset)

    # -- writing ------------------------------------------------------------------------------

    _container_block = "MultiCameraPoseEstimations"

    def _source_name(self) -> str:
        return self._session.source_name

    def _writer(self) -> Any:
        # The cameras and one MultiCameraPoseEstimation per chosen individual.
        return write_multicamera_pose_estimation

    def _data_to_write(self) -> Any:
        return self._used_session()


class DeepLabCut3DPoseInterface(BaseMultiCameraPoseInterface):
    """Convert a DeepLabCut 3D session (triangulated poses, camera views, stereo calibration) to ndx-pose.

    Writes one ``CalibratedCamera`` per camera (intrinsics, distortion and extrinsics from the
    stereo calibration in the 3D file's metadata pickle) and, per individual, one
    ``MultiCameraPoseEstimation`` with the 3D series and each camera's 2D predictions.
    """

    display_name = "DeepLabCut 3D (poseconv)"
    keywords = (*BaseMultiCameraPoseInterface.keywords, "DeepLabCut", "DLC")
    associated_suffixes = (".h5", ".csv", ".pickle", ".yaml")
    info = "Interface for DeepLabCut 3D output with its camera views and stereo calibration."
    reader = staticmethod(read_deeplabcut_3d)
    reader_options = ("config_file_path", "metadata_file_path", "camera_file_paths", "find_side_files")

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        config_file_path: OptionalFilePathArg = None,
        metadata_file_path: OptionalFilePathArg = None,
        camera_file_paths: dict[str, FilePathArg] | None = None,
        video_file_paths: dict[str, FilePathArg] | None = None,
        individuals: NamesArg | None = None,
        sampling_frequency: FrameRateArg | None = None,
        find_side_files: bool = True,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a DeepLabCut 3D output with its per-camera 2D predictions and calibration.

        Parameters
        ----------
        file_path : FilePath
            The triangulated file, ``<video>_<scorername_3d>.h5`` or ``.csv`` (x, y, z per bodypart).
        config_file_path : FilePath, optional
            The 3D project's config.yaml (camera names, skeleton); found next to the file or one folder up.
        metadata_file_path : FilePath, optional
            The 3D file's _meta.pickle / _includingmetadata.pickle with the stereo calibration; found by name.
        camera_file_paths : dict of str to FilePath, optional
            The 2D predictions each camera's 3D poses were triangulated from, by camera name; found next
            to the 3D file by DeepLabCut's naming when not given.
        video_file_paths : dict of str to FilePath, optional
            The video of each camera, by camera name, when it is not next to its 2D predictions.
        individuals : list of str, optional
            Write only these individuals.
        sampling_frequency : float, optional
            Frame rate in Hz, used when neither the videos nor the DeepLabCut files give one.
        find_side_files : bool, default: True
            Look for the config, metadata pickles, 2D predictions and videos next to the 3D file.
        {metadata_key_of_session}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _each_camera_advice(self, data: MultiCameraPoseData) -> str:
        files = ", ".join(f"'{camera}': {view.source_name}" for camera, view in data.views.items())
        return (
            "convert each camera's 2D predictions on their own with DeepLabCutPoseInterface (poseconv convert "
            f"<camera's file>; {files}), each with its video."
        )


class SLEAPSessionPoseInterface(BaseMultiCameraPoseInterface):
    """Convert a SLEAP multi-camera recording session (``.slp`` with cameras and calibration) to ndx-pose.

    Writes one ``CalibratedCamera`` per session camera and, per track, one
    ``MultiCameraPoseEstimation`` with the 3D points of the session's instance groups (when
    the file has them) and the 2D poses of each camera's video.
    """

    display_name = "SLEAP multi-camera session (poseconv)"
    keywords = (*BaseMultiCameraPoseInterface.keywords, "SLEAP", "sleap-io")
    associated_suffixes = (".slp",)
    info = "Interface for SLEAP .slp files with a recording session: calibrated cameras, 2D views and 3D points."
    reader = staticmethod(read_sleap_session)
    reader_options = builtin_format("SLEAP session").reader_options
    individuals_argument = builtin_format("SLEAP session").individuals_argument

    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        session_index: IndexArg = 0,
        tracks: NamesArg | None = None,
        predicted_only: bool = False,
        untracked: Literal["error", "by_order"] = "error",
        video_file_paths: dict[str, FilePathArg] | None = None,
        points_3d_file_path: OptionalFilePathArg = None,
        sampling_frequency: FrameRateArg | None = None,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read one recording session of a multi-camera SLEAP file.

        Parameters
        ----------
        file_path : FilePath
            A SLEAP .slp file with a recording session (cameras with calibration, one video per camera).
        session_index : int, default: 0
            Which recording session of the file to convert.
        {tracks}
        predicted_only : bool, default: False
            Write predicted 2D instances only; by default a user instance replaces the prediction of its
            track in that frame.
        untracked : {"error", "by_order"}, default: "error"
            When a frame holds several instances (or 3D groups) without a track: raise an error, or name
            them by their order in the frame ("untracked_<k>"; such a container does not follow one animal).
        video_file_paths : dict of str to FilePath, optional
            The video of each camera, by camera name, when the path the file records does not exist here.
        points_3d_file_path : FilePath, optional
            sleap-anipose's triangulated points3d.h5 of this session, written as its 3D series when the .slp
            holds no 3D points; found next to the .slp when not given.
        sampling_frequency : float, optional
            Frame rate in Hz of the session (one clock for every camera), used over the videos' and the
            SLEAP file's; needed when the cameras' videos run at different rates.
        {metadata_key_of_session}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _read_input(self, **overrides: Any) -> Any:
        # What the reader's CameraRatesWarning says, the interface says with the rate the user gave in view.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CameraRatesWarning)
            return super()._read_input(**overrides)

    def _each_camera_advice(self, data: MultiCameraPoseData) -> str:
        videos = {camera: data.notes.get("camera_videos", {}).get(camera) for camera in data.views}
        facts = {camera: view.notes.get("videos", {}).get(videos[camera], {}) for camera, view in data.views.items()}
        indices = {camera: fact["index"] for camera, fact in facts.items() if fact.get("index") is not None}
        return each_video_advice(Path(data.source_file), indices)
