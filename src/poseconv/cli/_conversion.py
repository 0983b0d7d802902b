"""Metadata files and a converter over already-read inputs, for ``convert`` and ``metadata``.

Several inputs go into one :class:`~poseconv.interfaces.converter.PoseNWBConverter`.
Each input keeps its own metadata (its interface's ``get_metadata()``, with the
user's file deep-merged over it), because poseconv's interfaces key their
containers by track (``PoseEstimation``, ``PoseEstimation_<track>``) and two
inputs may well use the same keys. Names that would clash in the file are made
unique by appending the video (then the tool) before the user's metadata is
applied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["build_converter", "input_metadata", "load_metadata_file", "parse_session_start_time", "to_plain"]


def load_metadata_file(path: Path) -> dict[str, Any]:
    """Read a metadata YAML or JSON file into a dict.

    Raises
    ------
    MetadataError
        When the file is missing, not YAML/JSON, or not a mapping.
    """
    from ..errors import MetadataError

    if not path.is_file():
        raise MetadataError(f"{path}: metadata file not found.")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            content = json.loads(text)
        else:
            import yaml

            content = yaml.safe_load(text)
    except Exception as err:  # noqa: BLE001 - yaml and json raise different types
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise MetadataError(
            f"{path}: cannot be parsed as {'JSON' if path.suffix == '.json' else 'YAML'} ({first})."
        ) from err
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise MetadataError(
            f"{path}: metadata must be a mapping (NWBFile:, Subject:, Pose: ...), found {type(content).__name__}."
        )
    return content


def parse_session_start_time(text: str) -> datetime:
    """Parse an ISO-8601 date and time with a time zone.

    Raises
    ------
    InvalidOptionError
        When the text is not ISO-8601 or has no time zone.
    """
    from ..errors import InvalidOptionError

    try:
        value = datetime.fromisoformat(text)
    except ValueError as err:
        raise InvalidOptionError(
            f"--session-start-time {text!r} is not an ISO-8601 date and time, e.g. 2024-05-03T11:26:42+02:00."
        ) from err
    if value.tzinfo is None:
        raise InvalidOptionError(
            f"--session-start-time {text!r} has no time zone; NWB needs one, e.g. {text}+00:00 or {text}Z."
        )
    return value


def to_plain(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Return metadata with JSON types only (datetimes as ISO strings, arrays as lists)."""
    from neuroconv.utils.json_schema import _NWBMetaDataEncoder

    return json.loads(_NWBMetaDataEncoder().encode(dict(metadata)))


def _skeleton_videos(interface: Any, key: str) -> list[str]:
    """Return the videos whose poses or labels follow skeleton ``key``, to name a skeleton that clashes."""
    pose = getattr(interface, "pose", None)
    if pose is not None:
        videos = [t.video for t in pose.tracks if t.skeleton == key]
        if videos:
            return videos
    training = getattr(interface, "training_data", None)
    if training is None:
        return []
    return list(dict.fromkeys(f.video for f in training.frames if any(i.skeleton == key for i in f.instances)))


def _disambiguate(interfaces: Mapping[str, Any], metadata: dict[str, dict[str, Any]]) -> None:
    """Rename containers (and differing skeletons) whose names clash across inputs, in place."""
    from ..metadata.defaults import track_for_container_key

    taken: dict[str, str] = {}
    skeletons: dict[str, list[str]] = {}
    for name, interface in interfaces.items():
        # Training-data interfaces have labels but no poses.
        pose = getattr(interface, "pose", None)
        tracks = track_for_container_key(pose) if pose is not None else {}
        block = metadata[name].get("Pose", {})
        for key, entry in block.get("PoseEstimations", {}).items():
            candidates = [entry["name"]]
            if key in tracks:
                candidates += [
                    f"{entry['name']}_{tracks[key].video}",
                    f"{entry['name']}_{tracks[key].video}_{pose.source_software}",
                ]
            candidates.append(f"{entry['name']}_{name}")
            entry["name"] = next(c for c in candidates if c not in taken)
            taken[entry["name"]] = name
        if entry := block.get("PoseTraining"):
            # Each input's labels are their own PoseTraining (e.g. one .slp per camera), in the same namespace.
            training = getattr(interface, "training_data", None)
            videos = training.video_keys()[:1] if training is not None else []
            candidates = [entry["name"], *(f"{entry['name']}_{v}" for v in videos), f"{entry['name']}_{name}"]
            entry["name"] = next(c for c in candidates if c not in taken)
            taken[entry["name"]] = name
        for key, entry in block.get("Skeletons", {}).items():
            nodes = list(entry["nodes"])
            videos = _skeleton_videos(interface, key)
            candidates = [entry["name"], *(f"{entry['name']}_{v}" for v in videos[:1]), f"{entry['name']}_{name}"]
            # A skeleton with the same nodes is shared; one with other nodes needs its own name.
            entry["name"] = next(c for c in candidates if skeletons.get(c, nodes) == nodes)
            skeletons.setdefault(entry["name"], nodes)


def input_metadata(
    interfaces: Mapping[str, Any], user_metadata: Mapping[str, Any], session_start_time: datetime | None
) -> dict[str, dict[str, Any]]:
    """Return the metadata each input will be written with.

    Parameters
    ----------
    interfaces : mapping of str to BasePoseInterface
        The inputs, by converter name.
    user_metadata : mapping
        The user's metadata file, deep-merged over every input's defaults; its
        ``Pose.PoseEstimations`` entries apply to the inputs that have those keys.
    session_start_time : datetime, optional
        ``--session-start-time``; wins over the file.

    Returns
    -------
    dict of str to dict
        Metadata per input.

    Raises
    ------
    MetadataError
        When no session start time is given, or it has no time zone.
    """
    from ..errors import MetadataError
    from ..metadata.defaults import merge_metadata

    defaults = {name: interface.get_metadata().to_dict() for name, interface in interfaces.items()}
    if len(interfaces) > 1:
        _disambiguate(interfaces, defaults)
    user = dict(user_metadata)
    user_containers = (user.get("Pose") or {}).get("PoseEstimations") or {}
    result = {}
    for name, default in defaults.items():
        override = {k: v for k, v in user.items() if k != "Pose"}
        if "Pose" in user:
            override["Pose"] = {k: v for k, v in (user["Pose"] or {}).items() if k != "PoseEstimations"}
            # Training-data inputs have no PoseEstimations.
            own = {k: v for k, v in user_containers.items() if k in default["Pose"].get("PoseEstimations", {})}
            if own:
                override["Pose"]["PoseEstimations"] = own
        merged = merge_metadata(default, override)
        if own_keys := set((override.get("Pose") or {}).get("PoseEstimations") or {}):
            # As in the interface: listing containers chooses which are written.
            merged["Pose"]["PoseEstimations"] = {
                k: v for k, v in merged["Pose"]["PoseEstimations"].items() if k in own_keys
            }
        if session_start_time is not None:
            merged.setdefault("NWBFile", {})["session_start_time"] = session_start_time
        result[name] = merged
    for merged in result.values():
        start = merged.get("NWBFile", {}).get("session_start_time")
        if start is None:
            raise MetadataError(
                "NWB files need a session start time: pass --session-start-time 2024-05-03T11:26:42+02:00 "
                "or set NWBFile.session_start_time in the --metadata file."
            )
        if isinstance(start, str):
            try:
                start = datetime.fromisoformat(start)
            except ValueError as err:
                raise MetadataError(f"NWBFile.session_start_time {start!r} is not an ISO-8601 date and time.") from err
            merged["NWBFile"]["session_start_time"] = start
        if isinstance(start, datetime) and start.tzinfo is None:
            raise MetadataError(
                f"NWBFile.session_start_time {start.isoformat()} has no time zone; add one (e.g. +00:00)."
            )
    return result


def build_converter(interfaces: Mapping[str, Any], metadata: Mapping[str, dict[str, Any]]) -> Any:
    """Return a PoseNWBConverter over the already-read ``interfaces``, each written with its own metadata.

    Parameters
    ----------
    interfaces : mapping of str to BasePoseInterface
        The inputs, by name.
    metadata : mapping of str to dict
        From :func:`input_metadata`.

    Returns
    -------
    PoseNWBConverter
        Call ``run_conversion(nwbfile_path=..., metadata=first_metadata, overwrite=True)``.
    """
    from ..interfaces.converter import PoseNWBConverter

    class InputsConverter(PoseNWBConverter):
        """PoseNWBConverter over interfaces already built, each with its own metadata."""

        def __init__(self) -> None:
            # The interfaces have read their files already; NWBConverter's __init__ would read them again.
            self.verbose = False
            self.data_interface_objects = dict(interfaces)
            self.data_interface_classes = {name: type(i) for name, i in interfaces.items()}

        def validate_metadata(self, metadata: dict, append_mode: bool = False) -> None:
            for name, interface in self.data_interface_objects.items():
                interface.validate_metadata(to_plain(metadata_by_input[name]), append_mode=append_mode)

        def add_to_nwbfile(
            self, nwbfile: Any, metadata: dict | None = None, conversion_options: dict | None = None
        ) -> None:
            options = conversion_options or {}
            for name, interface in self.data_interface_objects.items():
                interface.add_to_nwbfile(nwbfile=nwbfile, metadata=metadata_by_input[name], **options.get(name, {}))

        def _write_nwbfile(
            self,
            nwbfile_path: Any,
            nwbfile: Any,
            metadata: dict,
            backend: str | None,
            backend_configuration: Any,
            conversion_options: dict | None,
        ) -> None:
            from pynwb import NWBHDF5IO

            from ..interfaces.base import BasePoseInterface
            from ..interfaces.training import BaseTrainingDataInterface

            # PoseNWBConverter stores the video paths of pose interfaces relative to the NWB file (as DANDI
            # expects); training-data interfaces take the same option.
            options = {name: dict(value or {}) for name, value in (conversion_options or {}).items()}
            folder = Path(nwbfile_path).resolve().parent
            for name, interface in self.data_interface_objects.items():
                if isinstance(interface, BaseTrainingDataInterface):
                    options.setdefault(name, {}).setdefault("external_files_relative_to", folder)
            labels_only = not any(isinstance(i, BasePoseInterface) for i in self.data_interface_objects.values())
            if not labels_only or backend not in (None, "hdf5") or backend_configuration is not None:
                super()._write_nwbfile(nwbfile_path, nwbfile, metadata, backend, backend_configuration, options)
                return
            # Training datasets are a few numbers each: choosing chunks and compression for them builds the
            # file three more times (seconds per thousand instances) and buys nothing, so labels alone are
            # written directly, as BaseTrainingDataInterface.run_conversion does.
            if nwbfile is None:
                nwbfile = self.create_nwbfile(metadata=metadata, conversion_options=options)
            else:
                self.add_to_nwbfile(nwbfile=nwbfile, metadata=metadata, conversion_options=options)
            with NWBHDF5IO(str(nwbfile_path), mode="w") as io:
                io.write(nwbfile)

    metadata_by_input = dict(metadata)
    return InputsConverter()
