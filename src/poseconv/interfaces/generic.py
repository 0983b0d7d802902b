"""The interface of catalog formats that need no options of their own: their reader does the work."""

from __future__ import annotations

from pathlib import Path

from ..model import PoseData
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg

__all__ = ["ReaderPoseInterface"]


class ReaderPoseInterface(BasePoseInterface):
    """Interface of a catalog format that needs no options of its own: its reader does the work.

    :func:`poseconv.catalog.interface_class` makes one subclass per such format, with
    ``format_name`` set. It takes the options every pose file has.
    """

    #: The catalog name of the format this interface reads.
    format_name: str = ""
    display_name = "Pose estimation (poseconv)"
    associated_suffixes: tuple[str, ...] = ()
    info = "Interface for pose estimation output read by a poseconv catalog reader."

    def __init__(
        self,
        file_path: FilePathArg,
        *,
        video_file_path: OptionalFilePathArg = None,
        individuals: list[str] | None = None,
        sampling_frequency: float | None = None,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a pose file with its format's reader.

        Parameters
        ----------
        file_path : FilePath
            The pose file.
        video_file_path : FilePath, optional
            The analysed video (frame times, frame count and size).
        individuals : list of str, optional
            Write only these individuals/tracks.
        sampling_frequency : float, optional
            Frame rate in Hz; wins over the video's and the file's with a warning when they differ.
        metadata_key : str, optional
            Suffix for this input's metadata keys and default names, for several inputs in one file.
        verbose : bool, default: False
            Print progress.
        """
        self._file_path = Path(file_path)
        super().__init__(
            individuals=individuals,
            sampling_frequency=sampling_frequency,
            video_file_paths=[video_file_path] if video_file_path is not None else None,
            metadata_key=metadata_key,
            verbose=verbose,
            file_path=file_path,
            video_file_path=video_file_path,
        )

    def _read_pose(self) -> PoseData:
        from ..catalog import get_format

        return get_format(self.format_name).read(self._file_path)
