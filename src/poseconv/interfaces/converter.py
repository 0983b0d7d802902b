"""An ``NWBConverter`` that compresses every pose dataset, confidence included."""

from __future__ import annotations

from typing import Any

from neuroconv import NWBConverter

from ..nwb.storage import get_pose_backend_configuration

__all__ = ["PoseNWBConverter"]


def _is_poseconv(interface: Any) -> bool:
    """Whether ``interface`` writes poses or training data with poseconv's writer (links to videos)."""
    from .base import BasePoseInterface
    from .training import BaseTrainingDataInterface

    return isinstance(interface, BasePoseInterface | BaseTrainingDataInterface)


def _relative_external_files(nwbfile: Any, folder: Any) -> None:
    """Store every absolute external video path relative to ``folder`` (in place), as DANDI expects.

    neuroconv's video interfaces store paths as given; the poses link to those ImageSeries, so the
    file is only portable once their paths are relative too.
    """
    import os
    from pathlib import Path

    from pynwb.image import ImageSeries

    for obj in nwbfile.all_children():
        if isinstance(obj, ImageSeries) and obj.external_file is not None and obj.container_source is None:
            paths = [str(p) for p in obj.external_file]
            if any(Path(p).is_absolute() for p in paths):
                # pynwb fields are write-once; this object is still in memory only, not yet written.
                obj.fields["external_file"] = [
                    os.path.relpath(Path(p).resolve(), folder) if Path(p).is_absolute() else p for p in paths
                ]


class PoseNWBConverter(NWBConverter):
    """``NWBConverter`` whose default storage also chunks and compresses pose confidence.

    Use it exactly like ``NWBConverter`` (set ``data_interface_classes``); with a plain
    ``NWBConverter`` the files are equally valid but ``confidence`` is stored uncompressed.
    """

    def add_to_nwbfile(self, nwbfile: Any, metadata: dict | None = None, conversion_options: dict | None = None):
        """Add every interface's data, the pose interfaces last.

        Pose links to the video and camera that a video interface writes; running it last means a
        video named by both is written once, by the video interface, and linked from the poses.
        """
        order = sorted(self.data_interface_objects.items(), key=lambda item: _is_poseconv(item[1]))
        original = self.data_interface_objects
        self.data_interface_objects = dict(order)
        try:
            super().add_to_nwbfile(nwbfile=nwbfile, metadata=metadata, conversion_options=conversion_options)
        finally:
            self.data_interface_objects = original

    def get_default_backend_configuration(self, nwbfile: Any, backend: str = "hdf5") -> Any:
        """Return the default backend configuration, with pose confidence compressed."""
        return get_pose_backend_configuration(nwbfile, backend=backend)

    def _write_nwbfile(
        self,
        nwbfile_path: Any,
        nwbfile: Any,
        metadata: dict,
        backend: str | None,
        backend_configuration: Any,
        conversion_options: dict | None,
    ) -> None:
        from pathlib import Path

        # poseconv's writer streams every series chunk by chunk and compresses on every core.
        from ..nwb.storage import configure_and_write_nwbfile

        # External video paths are stored relative to the NWB file, as DANDI expects.
        conversion_options = dict(conversion_options or {})
        folder = Path(nwbfile_path).resolve().parent
        for name, interface in self.data_interface_objects.items():
            if _is_poseconv(interface):
                options = dict(conversion_options.get(name) or {})
                options.setdefault("external_files_relative_to", folder)
                conversion_options[name] = options
        if nwbfile is None:
            nwbfile = self.create_nwbfile(metadata=metadata, conversion_options=conversion_options)
        else:
            self.add_to_nwbfile(nwbfile=nwbfile, metadata=metadata, conversion_options=conversion_options)
        _relative_external_files(nwbfile, folder)
        if backend_configuration is None:
            backend_configuration = self.get_default_backend_configuration(nwbfile=nwbfile, backend=backend or "hdf5")
        configure_and_write_nwbfile(
            nwbfile=nwbfile, nwbfile_path=nwbfile_path, backend_configuration=backend_configuration
        )
