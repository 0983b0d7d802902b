"""Shared machinery of poseconv's neuroconv interfaces.

The interfaces are thin: they hold their arguments, read the pose file once
(through :mod:`poseconv.readers`), turn the :class:`~poseconv.model.PoseData`
into metadata, keep the temporal alignment the user applies, and hand
everything to :func:`poseconv.nwb.writer.write_pose_estimation`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
import warnings
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from neuroconv.basetemporalalignmentinterface import BaseTemporalAlignmentInterface
from neuroconv.utils import DeepDict
from pydantic import WithJsonSchema

from ..errors import InvalidOptionError, MetadataError, PoseconvError, PoseconvWarning
from ..metadata.defaults import default_pose_metadata, merge_metadata
from ..metadata.schema import add_missing_titles, metadata_schema
from ..model import FrameTiming, PoseData
from ..nwb.storage import get_pose_backend_configuration
from ..nwb.writer import write_pose_estimation
from ..video import VideoProbe, probe_video

__all__ = ["BasePoseInterface", "FilePathArg", "OptionalFilePathArg"]

# A path argument shown to form tools as a file picker; existence is checked by the reader,
# which words the error for the user instead of pydantic.
FilePathArg = Annotated[Path, WithJsonSchema({"type": "string", "format": "file-path"})]
OptionalFilePathArg = Annotated[Path | None, WithJsonSchema({"type": "string", "format": "file-path"})]
STUB_FRAMES = 100


def _strip_nulls(schema: Any) -> Any:
    """Collapse ``anyOf: [X, null]`` to X and drop null defaults, for form tools."""
    if isinstance(schema, dict):
        any_of = schema.get("anyOf")
        if isinstance(any_of, list):
            rest = [s for s in any_of if s != {"type": "null"}]
            if len(rest) == 1 and len(rest) < len(any_of):
                merged = {k: v for k, v in schema.items() if k != "anyOf"}
                merged.update(rest[0])
                schema = merged
        if schema.get("default", 0) is None:
            schema = {k: v for k, v in schema.items() if k != "default"}
        return {k: _strip_nulls(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_strip_nulls(v) for v in schema]
    return schema


class BasePoseInterface(BaseTemporalAlignmentInterface):
    """Base of the pose interfaces; subclasses implement :meth:`_read_pose`."""

    keywords = ("behavior", "pose estimation", "ndx-pose")

    def __init__(
        self,
        *,
        individuals: list[str] | None = None,
        sampling_frequency: float | None = None,
        video_file_paths: dict[str, Path] | list[Path] | None = None,
        metadata_key: str | None = None,
        verbose: bool = False,
        **source_data: Any,
    ) -> None:
        super().__init__(verbose=verbose, **source_data)
        if sampling_frequency is not None and not (np.isfinite(sampling_frequency) and sampling_frequency > 0):
            raise InvalidOptionError(f"sampling_frequency must be a positive number, got {sampling_frequency!r}.")
        self._individuals = list(individuals) if individuals is not None else None
        self._sampling_frequency = sampling_frequency
        self._aligned_timing: dict[str, FrameTiming] = {}
        self._probes: dict[Path, VideoProbe | None] = {}
        pose = self._read_pose()
        if metadata_key is not None:
            pose = dataclasses.replace(pose, metadata_key=metadata_key)
        self._video_file_paths = self._match_video_paths(pose, video_file_paths)
        self._original = self._resolve_timing(pose)
        self._pose = self._original
        if self._individuals is not None:
            try:
                self._pose = self._original.select_tracks(self._individuals)
            except KeyError as err:
                raise InvalidOptionError(err.args[0]) from None

    # -- to implement -------------------------------------------------------------------------

    def _read_pose(self) -> PoseData:
        """Read the source file(s) into a PoseData."""
        raise NotImplementedError

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _match_video_paths(pose: PoseData, given: dict[str, Path] | list[Path] | None) -> dict[str, Path]:
        """Map user-given video files to the pose file's videos (by key, or in order)."""
        if not given:
            return {}
        videos = list(dict.fromkeys(track.video for track in pose.tracks)) or list(pose.videos)
        if isinstance(given, dict):
            unknown = [key for key in given if key not in pose.videos]
            if unknown:
                raise InvalidOptionError(
                    f"{pose.source_file.name}: videos {unknown} are not in the file; its videos are {videos}."
                )
            paths = {key: Path(value) for key, value in given.items()}
        else:
            if len(given) != len(videos):
                raise InvalidOptionError(
                    f"{pose.source_file.name}: {len(given)} video files given for {len(videos)} videos {videos}."
                )
            paths = {key: Path(value) for key, value in zip(videos, given, strict=True)}
        for path in paths.values():
            if not path.is_file():
                raise InvalidOptionError(f"{path}: video file not found.")
        return paths

    def _probe(self, path: Path) -> VideoProbe | None:
        if path not in self._probes:
            self._probes[path] = probe_video(path)
        return self._probes[path]

    def _resolve_timing(self, pose: PoseData) -> PoseData:
        """Choose each video's frame times, most trusted first, and check them against each other.

        Order of trust: timestamps the user sets (``set_aligned_timestamps``, applied later);
        the video container's frame times (with PyAV installed); the frame rate in the pose
        files; the ``sampling_frequency`` the user gives.
        """
        videos = dict(pose.videos)
        for key, info in pose.videos.items():
            n_frames = pose.n_frames(key)
            if n_frames == 0:
                continue
            from_file = pose.timing.get(key)
            path = self._video_file_paths.get(key, info.path)
            probe = self._probe(path) if path is not None else None
            chosen = from_file
            if probe is not None:
                if n_frames > probe.n_frames:
                    raise InvalidOptionError(
                        f"{pose.source_file.name} has poses for {n_frames} frames but the video {probe.path} has "
                        f"only {probe.n_frames}; is it the video these poses were estimated on? Pass the right one "
                        "with video_file_path=."
                    )
                if n_frames < probe.n_frames:
                    warnings.warn(
                        f"{pose.source_file.name} has poses for {n_frames} frames, the video {probe.path.name} has "
                        f"{probe.n_frames}; the poses are taken to be its first {n_frames} frames.",
                        PoseconvWarning,
                        stacklevel=3,
                    )
                video_timing = probe.timing()
                video_rate = video_timing.rate or (len(probe.timestamps) - 1) / float(np.ptp(probe.timestamps) or 1)
                # Even 0.1 % drifts by seconds over an hour, so any real disagreement is reported.
                if (
                    from_file is not None
                    and from_file.rate is not None
                    and not np.isclose(from_file.rate, video_rate, rtol=1e-5)
                ):
                    drift = n_frames * abs(1 / from_file.rate - 1 / video_rate)
                    warnings.warn(
                        f"{pose.source_file.name}: the pose files give {from_file.rate:g} fps ({from_file.source}) "
                        f"but the video {probe.path.name} runs at {video_rate:g} fps ({drift:.3g} s apart by the "
                        "last frame); the video's frame times are used.",
                        PoseconvWarning,
                        stacklevel=3,
                    )
                chosen = video_timing
                videos[key] = dataclasses.replace(
                    info,
                    path=path,
                    n_frames=info.n_frames or probe.n_frames,
                    frame_size=info.frame_size or probe.frame_size,
                    fps=info.fps or video_timing.rate,
                )
            if chosen is None and self._sampling_frequency is not None:
                chosen = FrameTiming(rate=self._sampling_frequency, source="sampling_frequency given by the user")
            elif (
                chosen is not None
                and self._sampling_frequency is not None
                and chosen.rate is not None
                and not np.isclose(chosen.rate, self._sampling_frequency, rtol=1e-3)
            ):
                warnings.warn(
                    f"{pose.source_file.name}: sampling_frequency={self._sampling_frequency} differs from the "
                    f"frame rate {chosen.rate:g} ({chosen.source}), which is used. Pass timestamps with "
                    "set_aligned_timestamps() to override it.",
                    PoseconvWarning,
                    stacklevel=3,
                )
            if chosen is not None:
                pose = pose.with_timing(key, chosen)
        return dataclasses.replace(pose, videos=videos)

    @property
    def pose(self) -> PoseData:
        """The poses to write, with the chosen individuals and the aligned timing."""
        pose = self._pose
        for video, timing in self._aligned_timing.items():
            pose = pose.with_timing(video, timing)
        return pose

    def _videos(self) -> list[str]:
        return list(dict.fromkeys(track.video for track in self._pose.tracks))

    def _video_paths(self) -> dict[str, Path]:
        paths = {key: info.path for key, info in self._pose.videos.items() if info.path is not None}
        paths.update(self._video_file_paths)
        return paths

    # -- metadata -----------------------------------------------------------------------------

    def get_metadata(self) -> DeepDict:
        """Return the metadata this interface would write, ready to edit.

        Returns
        -------
        DeepDict
            ``NWBFile`` defaults plus the ``Devices``, ``Behavior.ExternalVideos`` and
            ``Pose`` blocks for every individual/track chosen.
        """
        metadata = super().get_metadata()
        pose = self._pose
        metadata["NWBFile"]["session_description"] = (
            f"Pose estimation with {pose.source_software} ({', '.join(pose.track_names())})."
        )
        metadata.deep_update(default_pose_metadata(pose, video_paths_known=set(self._video_paths())))
        return metadata

    def get_metadata_schema(self) -> dict:
        """Return the JSON Schema (draft-07) of :meth:`get_metadata`'s result.

        Returns
        -------
        dict
            neuroconv's base metadata schema with poseconv's ``Pose`` and ``Behavior`` blocks.
        """
        return metadata_schema()

    @classmethod
    def get_source_schema(cls) -> dict:
        """Return the JSON Schema of the constructor arguments, in a form-tool-friendly shape."""
        from neuroconv.utils import get_json_schema_from_method_signature

        # neuroconv reads parameter descriptions from the docstring of what it is given; ours are on __init__.
        schema = get_json_schema_from_method_signature(cls.__init__, exclude=["source_data"])
        return add_missing_titles(_strip_nulls(schema))

    def get_conversion_options_schema(self) -> dict:
        """Return the JSON Schema of :meth:`add_to_nwbfile`'s options."""
        return add_missing_titles(_strip_nulls(super().get_conversion_options_schema()))

    def validate_metadata(self, metadata: dict, append_mode: bool = False) -> None:
        """Check ``metadata`` against the schema; raise MetadataError naming the field at fault.

        Parameters
        ----------
        metadata : dict
            The metadata.
        append_mode : bool, default: False
            Whether the NWB file already exists (then NWBFile fields are optional).
        """
        import json

        from jsonschema import Draft7Validator
        from neuroconv.utils.json_schema import _NWBMetaDataEncoder

        schema = self.get_metadata_schema()
        if append_mode:
            schema["properties"]["NWBFile"].pop("required", None)
        instance = json.loads(_NWBMetaDataEncoder().encode(metadata))
        errors = sorted(Draft7Validator(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            lines = []
            for error in errors[:10]:
                where = "metadata" + "".join(f"[{p!r}]" for p in error.absolute_path)
                lines.append(f"{where}: {error.message}")
            more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
            raise MetadataError(f"Invalid metadata for {self._source_name()}{more}:\n  " + "\n  ".join(lines))

    # -- timing -------------------------------------------------------------------------------

    def _timing(self, pose: PoseData, video: str) -> FrameTiming:
        timing = pose.timing.get(video)
        if timing is None:
            raise MetadataError(
                f"{pose.source_file.name}: the frame rate of video '{video}' is not recorded in the pose files. "
                "Pass sampling_frequency=... to the interface, or timestamps with set_aligned_timestamps()."
            )
        return timing

    def _times(self, pose: PoseData) -> np.ndarray | list[np.ndarray]:
        times = [self._timing(pose, video).times(pose.n_frames(video)) for video in self._videos()]
        return times[0] if len(times) == 1 else times

    def get_original_timestamps(self) -> np.ndarray | list[np.ndarray]:
        """Return frame times in seconds before any alignment.

        They come from the video container, the pose files or ``sampling_frequency``, in that
        order of trust (see the frame-time ``comments`` written on each series).

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            One time per frame; a list with one array per video when there are several videos.
        """
        return self._times(self._original)

    def get_timestamps(self) -> np.ndarray | list[np.ndarray]:
        """Return frame times in seconds after any alignment.

        Returns
        -------
        numpy.ndarray or list of numpy.ndarray
            As :meth:`get_original_timestamps`.
        """
        return self._times(self.pose)

    def set_aligned_timestamps(self, aligned_timestamps: np.ndarray | list[np.ndarray]) -> None:
        """Replace the frame times with times aligned to the session start.

        Parameters
        ----------
        aligned_timestamps : numpy.ndarray or list of numpy.ndarray
            One time (seconds) per frame; a list with one array per video when there are several.
        """
        videos = self._videos()
        arrays = [aligned_timestamps] if len(videos) == 1 else list(aligned_timestamps)
        if len(arrays) != len(videos):
            raise InvalidOptionError(f"Expected timestamps for {len(videos)} videos, got {len(arrays)}.")
        for video, array in zip(videos, arrays, strict=True):
            array = np.asarray(array, dtype="float64")
            n_frames = self._pose.n_frames(video)
            if array.shape != (n_frames,):
                raise InvalidOptionError(
                    f"Video '{video}' has {n_frames} frames but {array.shape[0] if array.ndim else 0} "
                    "timestamps were given; give one timestamp per frame."
                )
            if np.any(~np.isfinite(array)):
                raise InvalidOptionError(f"Timestamps for video '{video}' must be finite numbers (seconds).")
            if np.any(np.diff(array) < 0):
                warnings.warn(
                    f"Timestamps for video '{video}' go backwards in places; NWB readers expect ascending times.",
                    PoseconvWarning,
                    stacklevel=2,
                )
            self._aligned_timing[video] = FrameTiming(timestamps=array, source="timestamps given by the user")

    def set_aligned_starting_time(self, aligned_starting_time: float) -> None:
        """Shift every frame time by ``aligned_starting_time`` seconds.

        Parameters
        ----------
        aligned_starting_time : float
            Start of the pose data relative to the session start, in seconds.
        """
        pose = self.pose
        for video in self._videos():
            timing = self._timing(pose, video)
            if timing.rate is not None:
                shifted = FrameTiming(
                    rate=timing.rate,
                    starting_time=timing.starting_time + aligned_starting_time,
                    source=f"{timing.source}, shifted by {aligned_starting_time} s",
                )
            else:
                shifted = FrameTiming(
                    timestamps=timing.timestamps + aligned_starting_time,
                    source=f"{timing.source}, shifted by {aligned_starting_time} s",
                )
            self._aligned_timing[video] = shifted

    def align_by_interpolation(self, unaligned_timestamps: np.ndarray, aligned_timestamps: np.ndarray) -> None:
        """Map frame times onto the session clock by interpolating between known pairs of times.

        Parameters
        ----------
        unaligned_timestamps : numpy.ndarray
            Times of sync events on this interface's clock.
        aligned_timestamps : numpy.ndarray
            The same events on the session clock.
        """
        times = self.get_timestamps()
        arrays = times if isinstance(times, list) else [times]
        mapped = [np.interp(x=t, xp=unaligned_timestamps, fp=aligned_timestamps) for t in arrays]
        self.set_aligned_timestamps(mapped if isinstance(times, list) else mapped[0])

    # -- writing ------------------------------------------------------------------------------

    def add_to_nwbfile(
        self,
        nwbfile: Any,
        metadata: dict | None = None,
        *,
        stub_test: bool = False,
        external_files_relative_to: Path | None = None,
    ) -> None:
        """Add one PoseEstimation per chosen individual/track (and its skeleton, camera, video).

        Parameters
        ----------
        nwbfile : pynwb.NWBFile
            The file to add to.
        metadata : dict, optional
            Metadata as from :meth:`get_metadata`, edited; entries missing from it take the defaults.
        stub_test : bool, default: False
            Write only the first 100 frames, for a quick test file.
        external_files_relative_to : pathlib.Path, optional
            Folder the NWB file will be written to, so external video paths are stored
            relative to it (as DANDI expects); ``run_conversion`` sets it.
        """
        merged = self._metadata_for_writing(metadata)
        write_pose_estimation(
            nwbfile,
            self.pose,
            metadata=merged,
            video_paths=self._video_paths(),
            relative_to=external_files_relative_to,
            max_frames=STUB_FRAMES if stub_test else None,
        )

    #: The ``metadata["Pose"]`` block whose entries are this interface's containers.
    _container_block = "PoseEstimations"

    def _source_name(self) -> str:
        return self._pose.source_file.name

    def _check_container_keys(self, metadata: dict | None) -> None:
        """Refuse container entries that are not this interface's: alone, they can only be typos."""
        block = self._container_block
        given = ((metadata or {}).get("Pose") or {}).get(block) or {}
        own = self.get_metadata()["Pose"][block]
        unknown = [key for key in given if key not in own]
        if unknown:
            raise MetadataError(
                f"metadata['Pose']['{block}'] has entries {unknown} that match no individual/track of "
                f"{self._source_name()}; its containers are {sorted(own)}."
            )

    def _metadata_for_writing(self, metadata: dict | None) -> dict:
        """Return the defaults updated by ``metadata``, with only this interface's containers.

        In a converter the metadata also holds other interfaces' containers: this one's are kept.
        Of these, the ones the caller lists are written (all of them when none is listed).
        """
        defaults = self.get_metadata().to_dict()
        if metadata is None:
            return defaults
        block = self._container_block
        merged = merge_metadata(defaults, dict(metadata))
        own = defaults["Pose"][block]
        listed = (metadata.get("Pose") or {}).get(block) or {}
        given = {key: entry for key, entry in listed.items() if key in own}
        merged["Pose"][block] = {key: merge_metadata(own[key], entry) for key, entry in (given or own).items()}
        return merged

    def _write_nwbfile(
        self,
        nwbfile_path: Path,
        nwbfile: Any,
        metadata: dict,
        backend: str | None,
        backend_configuration: Any,
        conversion_options: dict,
    ) -> None:
        # neuroconv's default configuration leaves confidence uncompressed; ours covers it.
        # poseconv's writer streams every series chunk by chunk and compresses on every core.
        from ..nwb.storage import configure_and_write_nwbfile

        if nwbfile is not None:
            self.add_to_nwbfile(nwbfile=nwbfile, metadata=metadata, **conversion_options)
        else:
            nwbfile = self.create_nwbfile(metadata=metadata, **conversion_options)
        if backend_configuration is None:
            backend_configuration = get_pose_backend_configuration(nwbfile, backend=backend or "hdf5")
        configure_and_write_nwbfile(
            nwbfile=nwbfile, nwbfile_path=nwbfile_path, backend_configuration=backend_configuration
        )

    def run_conversion(
        self,
        nwbfile_path: Path,
        nwbfile: Any = None,
        metadata: dict | None = None,
        overwrite: bool = False,
        backend: str | None = None,
        backend_configuration: Any = None,
        append_on_disk_nwbfile: bool = False,
        **conversion_options: Any,
    ) -> None:
        """Write the NWB file; on any failure nothing is left at ``nwbfile_path``.

        Parameters
        ----------
        nwbfile_path : pathlib.Path
            The NWB file to write.
        nwbfile : pynwb.NWBFile, optional
            An in-memory file to add to before writing.
        metadata : dict, optional
            Metadata; :meth:`get_metadata` when not given.
        overwrite : bool, default: False
            Replace an existing file. Without it an existing file is an error.
        backend : {"hdf5", "zarr"}, optional
            Storage backend; HDF5 by default.
        backend_configuration : optional
            neuroconv backend configuration (chunking and compression).
        append_on_disk_nwbfile : bool, default: False
            Add to an existing file instead of writing a new one.
        **conversion_options
            Passed to :meth:`add_to_nwbfile`.
        """
        path = Path(nwbfile_path)
        self._check_container_keys(metadata)
        conversion_options.setdefault("external_files_relative_to", path.resolve().parent)
        if append_on_disk_nwbfile:
            super().run_conversion(
                nwbfile_path=path,
                nwbfile=nwbfile,
                metadata=metadata,
                overwrite=overwrite,
                backend=backend,
                backend_configuration=backend_configuration,
                append_on_disk_nwbfile=True,
                **conversion_options,
            )
            return
        if path.exists() and not overwrite:
            raise PoseconvError(f"{path}: already exists; pass overwrite=True to replace it.")
        if not path.parent.is_dir():
            raise PoseconvError(f"{path}: the folder {path.parent} does not exist; create it first.")
        partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.partial{path.suffix}")
        try:
            super().run_conversion(
                nwbfile_path=partial,
                nwbfile=nwbfile,
                metadata=metadata,
                overwrite=True,
                backend=backend,
                backend_configuration=backend_configuration,
                **conversion_options,
            )
            if path.is_dir():
                shutil.rmtree(path)
            os.replace(partial, path)
        finally:
            if partial.is_dir():
                shutil.rmtree(partial, ignore_errors=True)
            elif partial.exists():
                partial.unlink()
