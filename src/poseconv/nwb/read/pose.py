"""Read the poses back out of an NWB file, whoever wrote it.

Every ``PoseEstimation`` group of the file (ndx-pose 0.1 to 0.4) becomes one
track of a :class:`~poseconv.model.PoseData`; :mod:`poseconv.nwb.read.pose_containers`
says how tracks, videos, skeletons and frames are recovered. The ``<container>ExtraCoords``
time series poseconv writes beside a container (LightningPose ensembles;
:mod:`poseconv.nwb.write.extra_coords`) become the track's ``extra_coords``; the
``<container>_instance_score``, ``_tracking_score`` and ``_user_labeled`` series
(:mod:`poseconv.nwb.write.scores`) its ``instance_scores``, ``tracking_scores`` and
``user_labeled``. A ``<container>_replaced_predictions`` beside a container (SLEAP predictions
its user instances replaced; :mod:`poseconv.nwb.write.replaced_predictions`) becomes the track's
``replaced_predictions`` when both are read and its description says so
(:mod:`poseconv.nwb.read.replaced_predictions`). Containers come in the order of their tracks: the one poseconv records
(:mod:`poseconv.nwb.write.track_order`), else natural order of their names.

The containers written from one pose file form one :class:`PoseData` (:mod:`poseconv.nwb.read.inputs`);
those of files that do not record it, containers of one processing module with the same source
software, version and scorer. The camera views
of ``MultiCameraPoseEstimation`` containers count as containers of the module that
holds those (a SLEAP session's tracks come back together, each camera's video with
every track, as in the ``.slp``).

Laziness and lifetime: :func:`open_nwb` returns an :class:`NWBPoseFile` that
keeps the file (HDF5, Zarr store or URL: :func:`~poseconv.nwb.read.store.open_store`) open
until it is closed (use it as a context manager). Its
:attr:`~NWBPoseFile.containers` describe every container (names, nodes,
frame counts, timing) after reading only small datasets and timestamps; no
coordinate is read until :meth:`NWBPoseFile.read` loads the containers asked
for, or :meth:`NWBPoseFile.series` hands out the h5py datasets of one node
(valid while the file is open). :func:`read_nwb` opens, reads and closes;
the arrays it returns are plain numpy arrays that outlive the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...errors import InvalidOptionError, InvalidSourceFileError
from ...model import FrameTiming, PoseData, PoseTrack, Skeleton, VideoInfo
from ..layout import view_extra_coords_owner
from .extra_coords import read_extra_coords
from .pose_containers import ContainerScanner, PoseContainerInfo
from .pose_crops import video_crops
from .replaced_predictions import replaced_containers
from .scores import ordered_container_keys, read_instance_series, recorded_tracks
from .skeletons import container_symmetries
from .store import damage_named, is_url, member, neurodata_type, nwb_location, open_store

__all__ = ["NWBPoseFile", "PoseContainerInfo", "SeriesHandle", "open_nwb", "read_nwb", "replaced_containers"]


@dataclass(frozen=True)
class SeriesHandle:
    """The h5py datasets of one ``PoseEstimationSeries``; valid while the file is open.

    Attributes
    ----------
    node : str
        Node the series holds.
    path : str
        HDF5 path of the series group.
    data : h5py.Dataset
        ``(frames, 2|3)`` coordinates as stored (before ``conversion``/``offset``).
    confidence : h5py.Dataset or None
        ``(frames,)`` confidence, when stored.
    conversion, offset : float
        Stored value * conversion + offset gives the value in ``unit``.
    """

    node: str
    path: str
    data: Any
    confidence: Any | None
    conversion: float = 1.0
    offset: float = 0.0

    def load(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Read the coordinates (in ``unit``) and the confidence into numpy arrays."""
        values = np.asarray(self.data[()], dtype="float64")
        if values.ndim == 1:
            values = values[:, None]
        if self.conversion != 1.0 or self.offset != 0.0:
            values = values * self.conversion + self.offset
        confidence = None
        if self.confidence is not None:
            confidence = np.asarray(self.confidence[()], dtype="float64").reshape(-1)
        return values, confidence


class NWBPoseFile:
    """An NWB file opened for reading poses; see the module docstring for what is lazy.

    Use :func:`open_nwb` to make one, preferably as a context manager::

        with open_nwb("session.nwb") as nwb:
            print(list(nwb.containers))
            poses = nwb.read(["PoseEstimation_individual1"])

    Attributes
    ----------
    path : pathlib.Path or str
        The NWB file or Zarr store (a str for a URL).
    containers : dict of str to PoseContainerInfo
        Every ``PoseEstimation``, by name (``module/name`` when two modules use one name).
    """

    def __init__(self, path: str | Path) -> None:
        from ...readers.safety.input_checks import require_path

        require_path(path, "open_nwb: path")  # None or a list failed in pathlib with a bare TypeError
        self.path = nwb_location(path)
        self._file = open_store(self.path)
        self._closed = False
        # Each module's track-order table, read once: (tracks by container, whether "" means none).
        self._recorded: dict[str, tuple[dict[str, str], bool]] = {}
        try:
            # The root's attributes too are read where damage is named (its header may be what is damaged).
            with damage_named(self.path):
                if "nwb_version" not in self._file.attrs and "general" not in self._file:
                    # A pose file (a DeepLabCut .h5, a .slp) at a URL: the readers take local files only.
                    remote = (
                        " poseconv reads pose files on this computer: download it first." if is_url(self.path) else ""
                    )
                    raise InvalidSourceFileError(
                        f"{self.path}: an HDF5 file or Zarr store, but not an NWB file.{remote}"
                    )
                scanned = ContainerScanner(self._file, self.path).scan()
                # HDF5 lists groups by name; the containers go in the order of their tracks.
                self.containers = {key: scanned[key] for key in ordered_container_keys(self._file, scanned)}
        except BaseException:
            # The file stays open only for a caller that gets the object back.
            self._file.close()
            raise

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file; datasets handed out by :meth:`series` become invalid."""
        self._file.close()
        self._closed = True

    def _check_open(self) -> None:
        """Refuse a read of the closed file in poseconv's words (h5py says 'invalid identifier type')."""
        if self._closed:
            raise InvalidOptionError(
                f"{self.path}: the file is closed (close() or the end of its with block); "
                "open it again with open_nwb() to read from it."
            )

    def __enter__(self) -> NWBPoseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- access -------------------------------------------------------------------------------

    def _info(self, container: str) -> PoseContainerInfo:
        self._check_open()
        if container in self.containers:
            return self.containers[container]
        for info in self.containers.values():
            if container in (info.path, info.path.lstrip("/")):
                return info
        raise InvalidOptionError(
            f"{self.path}: no PoseEstimation named {container!r}; the file holds {sorted(self.containers)}."
        )

    def series(self, container: str, node: str) -> SeriesHandle:
        """Return the h5py datasets of ``node`` in ``container``, without reading them.

        Parameters
        ----------
        container : str
            A key of :attr:`containers` (or the container's HDF5 path).
        node : str
            A node of the container's skeleton.

        Returns
        -------
        SeriesHandle
            Valid while this file is open.
        """
        info = self._info(container)
        if node not in info.skeleton.nodes:
            raise InvalidOptionError(f"{container!r} has no node {node!r}; its nodes are {list(info.skeleton.nodes)}.")
        path = info._series[info.skeleton.nodes.index(node)]
        if path is None:
            raise InvalidOptionError(f"{container!r}: node {node!r} is in the skeleton but has no series.")
        group = self._file[path]
        data = group["data"]
        return SeriesHandle(
            node=node,
            path=path,
            data=data,
            confidence=member(group, "confidence"),
            conversion=float(data.attrs.get("conversion", 1.0)),
            offset=float(data.attrs.get("offset", 0.0)),
        )

    def load_track(self, container: str, *, lazy: bool = False) -> PoseTrack:
        """Read one container's coordinates and confidence into a :class:`PoseTrack`.

        With ``lazy=True`` (and series sharing one time base) the arrays are
        :class:`~poseconv.nwb.read.stored_series.StoredSeriesArray` views, read when indexed, valid
        while the file is open.
        """
        info = self._info(container)
        n_nodes = len(info.skeleton.nodes)
        if lazy and all(frames is None for frames in info._frames):
            positions, confidence = self._stored_arrays(container, info)
        else:
            positions = np.full((info.n_frames, n_nodes, info.n_dims), np.nan)
            confidence = np.full((info.n_frames, n_nodes), np.nan) if info.has_confidence else None
        for j, (node, path) in enumerate(zip(info.skeleton.nodes, info._series, strict=True)):
            if path is None or not isinstance(positions, np.ndarray):
                continue
            values, scores = self.series(container, node).load()
            frames = info._frames[j]
            rows = slice(None) if frames is None else frames
            # Data longer than its timestamps (pynwb < 3 only warned) is read for the times it has, and a
            # confidence of another length than the data for the samples it has, as the lazy path reads them
            # (the length checks in pose_containers warn of both).
            n_rows = info.n_frames if frames is None else len(frames)
            values, scores = values[:n_rows], None if scores is None else scores[:n_rows]
            positions[_first(rows, len(values)), j, : values.shape[1]] = values
            if confidence is not None and scores is not None:
                confidence[_first(rows, len(scores)), j] = scores
        module, owner = self._owner(info)
        if module.name not in self._recorded:
            self._recorded[module.name] = recorded_tracks(module)
        tracks, said = self._recorded[module.name]
        file_track = tracks.get(owner)
        return PoseTrack(
            name=info.track,
            # The track as the pose file named it, when recorded beside the containers.
            track_name=file_track if said or file_track != info.track else None,
            skeleton=info.skeleton.name,
            video=info.video,
            positions=positions,
            confidence=confidence,
            confidence_definition=info.confidence_definition if info.has_confidence else None,
            # Values ndx-pose has no place for (LightningPose ensembles), written beside the container.
            extra_coords=read_extra_coords(module, owner, info.skeleton.nodes, info.n_frames),
            # SLEAP's instance scores, tracking scores and user/predicted kinds, written beside the container.
            **read_instance_series(module, owner, info.n_frames),
        )

    def _owner(self, info: PoseContainerInfo) -> tuple[Any, str]:
        """Return the processing module holding what is written beside a container, and the name it goes under.

        A camera view of a ``MultiCameraPoseEstimation`` has it beside that container, under
        :func:`~poseconv.nwb.layout.view_extra_coords_owner`.
        """
        parent = PurePosixPath(info.path).parent
        group = self._file[str(parent)]
        if neurodata_type(group) == "MultiCameraPoseEstimation":
            return self._file[str(parent.parent)], view_extra_coords_owner(parent.name, info.name)
        return group, info.name

    def _empty_view(self, info: PoseContainerInfo) -> bool:
        """Whether a container is a camera view of a ``MultiCameraPoseEstimation`` that holds no series."""
        return all(path is None for path in info._series) and self._owner(info)[1] != info.name

    def _stored_arrays(self, container: str, info: PoseContainerInfo) -> tuple[Any, Any]:
        from .stored_series import StoredSeriesArray

        handles = [
            None if path is None else self.series(container, node)
            for node, path in zip(info.skeleton.nodes, info._series, strict=True)
        ]
        scales = [(1.0, 0.0) if h is None else (h.conversion, h.offset) for h in handles]
        positions = StoredSeriesArray([h and h.data for h in handles], info.n_frames, info.n_dims, scales)
        confidence = None
        if info.has_confidence:
            confidence = StoredSeriesArray([h and h.confidence for h in handles], info.n_frames, None)
        return positions, confidence

    def sessions(self) -> list[Any]:
        """Read every ``MultiCameraPoseEstimation`` of the open file, as :func:`.multicamera.read_multicamera` does.

        Returns
        -------
        list of MultiCameraPoseData
            Empty when the file holds none.
        """
        from .multicamera import read_sessions

        self._check_open()
        return read_sessions(self._file, self.path)

    def read(self, containers: str | Sequence[str] | None = None, *, lazy: bool = False) -> list[PoseData]:
        """Load the containers asked for (all by default) into PoseData, grouped as the module docstring says.

        Parameters
        ----------
        containers : str or sequence of str, optional
            Keys of :attr:`containers` (or HDF5 paths), or one; all when None.
        lazy : bool, default: False
            Give tracks whose positions and confidence are read when indexed (valid while
            the file is open), for tools that go through long recordings in blocks.

        Returns
        -------
        list of PoseData
            One per group of containers, in file order; arrays are numpy copies unless ``lazy``.
        """
        self._check_open()
        # One name given as a str is that name, not its letters.
        names = (
            list(self.containers)
            if containers is None
            else [containers]
            if isinstance(containers, str)
            else list(containers)
        )
        # A camera view of a MultiCameraPoseEstimation without series records only that camera (an animal it
        # did not see): no track to read, and two such views of one camera would be one track twice.
        infos = {name: info for name in names if not self._empty_view(info := self._info(name))}
        names = list(infos)
        # SLEAP predictions a user instance replaced go with the track of that user instance.
        replaced = replaced_containers(names, infos)
        grouped: dict[tuple, list[str]] = {}
        for name, info in infos.items():
            if name not in replaced.values():
                # The camera views of a session's MultiCameraPoseEstimation containers (one per track) go by
                # the processing module holding those, as the session's file holds every track of each video.
                grouped.setdefault(self._group_key(info), []).append(name)
        return [self._pose(members, infos, replaced, lazy) for members in grouped.values()]

    def _group_key(self, info: PoseContainerInfo) -> tuple:
        """Return what one PoseData's containers share: their group (:mod:`.inputs`), or a session's software."""
        module, owner = self._owner(info)
        # A 2D container of a video a session's view also shows (its source file converted beside the
        # session) is another PoseData: one PoseData holds a track once per video.
        if owner != info.name:
            return (module.name, True, info.source_software, info.source_software_version, info.scorer)
        return (module.name, False, info.group)

    def _pose(
        self,
        members: list[str],
        infos: dict[str, PoseContainerInfo],
        replaced: Mapping[str, str],
        lazy: bool = False,
    ) -> PoseData:
        replaced = {name: replaced[name] for name in members if name in replaced}
        first = infos[members[0]]
        skeletons: dict[str, Skeleton] = {}
        tracks = []
        for name in members:
            info = infos[name]
            # Its symmetries (SLEAP's), which ndx-pose's Skeleton has no field for, are in a table beside it.
            symmetries = container_symmetries(self._file, info.path, info.skeleton.nodes)
            skeleton = dataclasses.replace(info.skeleton, symmetries=symmetries)
            existing = skeletons.get(skeleton.name)
            if existing is not None and existing != skeleton:
                # Two containers name different skeletons alike (e.g. 0.1 files): keep both apart.
                skeleton = dataclasses.replace(skeleton, name=f"{skeleton.name}_{info.name}")
            skeletons[skeleton.name] = skeleton
            track = self.load_track(name, lazy=lazy)
            track.skeleton = skeleton.name
            if name in replaced:
                # SLEAP predictions the track's user instances replaced: the same animal, skeleton and video.
                predictions = self.load_track(replaced[name], lazy=lazy)
                predictions.name, predictions.skeleton, predictions.video = track.name, track.skeleton, track.video
                track.replaced_predictions = predictions
            tracks.append(track)
        videos, timing = _videos([infos[name] for name in members])
        kwargs: dict[str, Any] = {
            "source_software_version": first.source_software_version,
            "scorer": first.scorer,
            "unit": first.unit,
            "notes": {
                "nwb_containers": {f"{infos[n].video}/{infos[n].track}": infos[n].path for n in members},
                "descriptions": {infos[n].track: infos[n].description for n in members},
            },
        }
        planar = {infos[n].track: list(infos[n].planar_nodes) for n in members if infos[n].planar_nodes}
        if planar:
            # Nodes stored as x, y in a 3D container: NaN z, yet not missing (exporters.files.planar_nodes).
            kwargs["notes"]["planar_nodes"] = planar
        if replaced:
            kwargs["notes"]["replaced_predictions_containers"] = {
                f"{infos[n].video}/{infos[n].track}": infos[r].path for n, r in replaced.items()
            }
        if first.reference_frame:
            kwargs["reference_frame"] = first.reference_frame
        # Poses in a crop's pixels, as the pose readers note them: the exports that link the whole video move them.
        if crops := video_crops((infos[n].video, infos[n].reference_frame) for n in members):
            kwargs["notes"]["videos"] = crops
        try:
            return PoseData.from_tracks(
                source_software=first.source_software or "unknown",
                source_file=self.path,
                skeletons=list(skeletons.values()),
                videos=list(videos.values()),
                tracks=tracks,
                timing=timing,
                **kwargs,
            )
        except ValueError as exc:
            # The model names a track only: the file and containers say where to look.
            paths = [infos[n].path for n in [*members, *replaced.values()]]
            raise InvalidSourceFileError(
                f"{self.path}: the PoseEstimation containers {paths}, read as the poses of one file, do not "
                f"fit together: {exc} Read them one at a time (--container NAME, or read_nwb(..., containers=...)), "
                "or write the NWB file again from its pose files."
            ) from exc


def _videos(infos: Sequence[PoseContainerInfo]) -> tuple[dict[str, VideoInfo], dict[str, FrameTiming]]:
    """Return the videos of a PoseData's containers and their frame times, by video key (the first container's)."""
    videos: dict[str, VideoInfo] = {}
    timing: dict[str, FrameTiming] = {}
    for info in infos:
        if info.video not in videos:
            videos[info.video] = VideoInfo(
                key=info.video,
                original_path=info.original_video,
                path=info.video_path,
                frame_size=info.frame_size,
                fps=info.timing.rate if info.timing is not None else None,
                image_files=info.image_files,
                linked_in_nwb=info.video_linked,
            )
            if info.timing is not None:
                timing[info.video] = info.timing
    return videos, timing


def _first(rows: slice | np.ndarray, n: int) -> slice | np.ndarray:
    """Return the first ``n`` of a series' rows (all of a time base, or one frame per sample): its values' rows."""
    return slice(0, n) if isinstance(rows, slice) else rows[:n]


def open_nwb(path: str | Path) -> NWBPoseFile:
    """Open an NWB file for reading poses lazily; close it (or use ``with``) when done.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB file stored in HDF5, an NWB Zarr store, or the ``http(s)://`` / ``s3://`` URL of
        either (only the datasets read are fetched).

    Returns
    -------
    NWBPoseFile
        The open file; see the module docstring for what is read when.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing, not an NWB file, or the URL cannot be read.
    """
    return NWBPoseFile(path)


def read_nwb(path: str | Path, *, containers: str | Iterable[str] | None = None) -> list[PoseData]:
    """Read the poses of an NWB file written by poseconv or another tool.

    Parameters
    ----------
    path : str or pathlib.Path
        An NWB file stored in HDF5, an NWB Zarr store, or the ``http(s)://`` / ``s3://`` URL of
        either (only the containers read are fetched).
    containers : str or iterable of str, optional
        Names of the ``PoseEstimation`` containers to read, or one (all when None); only their
        coordinates are read from disk.

    Returns
    -------
    list of PoseData
        One per pose file written to the NWB file (else per processing module, source software,
        version and scorer), each holding one track per container; empty when the file holds none.
        The arrays are numpy arrays that stay valid after the file is closed.

    Raises
    ------
    InvalidSourceFileError
        When the file is missing, not an NWB file, or the URL cannot be read.
    InvalidOptionError
        When a container asked for does not exist; the message lists those that do.

    Examples
    --------
    >>> poses = read_nwb("session.nwb")  # doctest: +SKIP
    >>> poses[0].track_names()  # doctest: +SKIP
    ['individual1', 'individual2', 'individual3', 'single']
    """
    with open_nwb(path) as nwb:
        return nwb.read(containers if containers is None or isinstance(containers, str) else list(containers))
