"""poseconv: pose-estimation output (DeepLabCut, SLEAP, LightningPose) to NWB with ndx-pose.

Importing the package is cheap: the names below load their modules on first use.
"""

from __future__ import annotations

from .lazy_names import lazy_attributes


def _installed_version() -> str:
    """Return the installed distribution's version, ``__version__``: asked on first use, not on ``import poseconv``.

    importlib.metadata (email, zipfile, csv, ...) takes about 45 ms to import, a sixth of ``poseconv --help``,
    which never shows the version.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("poseconv")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


def _format_names() -> dict[str, str]:
    """Each built-in format's interface class and reader functions, from the catalog."""
    from .catalog import BUILTIN_FORMATS

    names = {}
    for fmt in BUILTIN_FORMATS:
        if fmt.interface is not None:
            names[fmt.interface_name] = fmt.interface.partition(":")[0]
        for name in fmt.public_names:
            names[name] = fmt.reader.partition(":")[0]
    return names


_LAZY = {
    **_format_names(),
    # The one SLEAP reader, which the catalog's "SLEAP" format also reads with.
    "read_sleap": "poseconv.readers.sleap",
    "PoseNWBConverter": "poseconv.interfaces.converter",
    "PoseConverterPipe": "poseconv.interfaces.converter",
    "read_multicamera": "poseconv.nwb.read.multicamera",
    "write_multicamera_pose_estimation": "poseconv.nwb.write.multicamera",
    "CameraCalibration": "poseconv.model.multicamera",
    "MultiCameraPoseData": "poseconv.model.multicamera",
    "get_pose_backend_configuration": "poseconv.nwb.write.storage",
    "PoseData": "poseconv.model",
    "PoseTrack": "poseconv.model",
    "Skeleton": "poseconv.model",
    "FrameTiming": "poseconv.model",
    "ExtraCoords": "poseconv.model",
    "VideoInfo": "poseconv.model",
    "read_pose": "poseconv.readers.registry",
    "infer_source_software": "poseconv.readers.registry",
    "supported_formats": "poseconv.readers.registry",
    "Format": "poseconv.catalog",
    "formats": "poseconv.catalog",
    "detect_format": "poseconv.catalog",
    "register_format": "poseconv.catalog",
    "write_pose_estimation": "poseconv.nwb.write.pose_estimation",
    "read_nwb": "poseconv.nwb.read.pose",
    "open_nwb": "poseconv.nwb.read.pose",
    "TrainingData": "poseconv.model.training",
    "write_pose_training": "poseconv.nwb.write.training",
    "read_training": "poseconv.nwb.read.training",
    "validate_nwb": "poseconv.validation",
    "write_sleap_analysis": "poseconv.exporters.sleap_analysis",
}

__all__ = ["__version__", *_LAZY]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__, computed={"__version__": _installed_version})
