"""The interface of catalog formats that need no options of their own: their reader does the work."""

from __future__ import annotations

from pydantic import validate_call

from ..model import PoseData
from .base import BasePoseInterface, FilePathArg, OptionalFilePathArg
from .docstrings import FrameRateArg, NamesArg, fill_parameters
from .mixin import init_arguments

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

    # validate_call as on every interface: a plug-in format's arguments are checked (a blank path, a frame rate
    # given as text, ``~``) in the same words as a built-in format's, not deep inside its reader.
    @validate_call
    @fill_parameters
    def __init__(
        self,
        file_path: FilePathArg,
        *,
        video_file_path: OptionalFilePathArg = None,
        individuals: NamesArg | None = None,
        sampling_frequency: FrameRateArg | None = None,
        metadata_key: str | None = None,
        verbose: bool = False,
    ) -> None:
        """Read a pose file with its format's reader.

        Parameters
        ----------
        file_path : FilePath
            The pose file.
        {video_file_path_analysed}
        individuals : list of str, optional
            Write only these individuals/tracks.
        sampling_frequency : float, optional
            Frame rate in Hz; wins over the video's and the file's with a warning when they differ.
        {metadata_key_of_file}
        {verbose}
        """
        super().__init__(**init_arguments(locals()))

    def _read_input(self) -> PoseData:
        from ..catalog import get_format

        return get_format(self.format_name).read(self.input_path)
