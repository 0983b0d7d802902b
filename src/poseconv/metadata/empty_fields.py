"""Fields a form (NWB GUIDE, a metadata template) left empty: taken as not given, by every entry point.

NWB GUIDE and metadata templates write ``""`` for a field not filled in, ``[""]`` for a list whose
item was cleared, and ``[]`` for a camera's calibration arrays the pose files give. Written as they
are, they are values that say nothing (nwbinspector reports some as critical); they are removed, so
the interfaces' defaults apply.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "FORM_BLOCKS",
    "FORM_EMPTY_CAMERA_ARRAYS",
    "TEXT_LIST_BLOCKS",
    "drop_empty_text",
    "drop_form_empty_text",
    "is_given",
]

# The calibration arrays a camera takes from the pose files when not given: get_metadata() leaves them out, so a
# form (NWB GUIDE) shows them as empty lists. Other lists keep [] as a value (edges: [] is a skeleton without edges).
FORM_EMPTY_CAMERA_ARRAYS = ("translation_vector", "distortion_coefficients", "image_size")


def drop_empty_text(block: dict[str, Any]) -> None:
    """Remove the fields of ``block`` that a form left empty: they say nothing.

    NWB GUIDE and metadata templates write ``""`` for a field not filled in; written as it is, an
    empty weight or description is a value that says nothing, and nwbinspector reports some as
    critical. The field is then absent, as if not given (the interfaces' defaults apply). So is
    ``[]`` in a calibrated camera's optional arrays (:data:`FORM_EMPTY_CAMERA_ARRAYS`), which the form
    shows empty when the pose files give them.
    """
    for key in [key for key, value in block.items() if isinstance(value, str) and not value.strip()]:
        del block[key]
    cameras = block.get("CalibratedCameras")
    for camera in cameras.values() if isinstance(cameras, dict) else ():
        for key in FORM_EMPTY_CAMERA_ARRAYS if isinstance(camera, dict) else ():
            if isinstance(camera.get(key), list) and not camera[key]:
                del camera[key]
    for value in block.values():
        # Nested entries alike (a camera's, a video's, a container's or a series' description).
        if isinstance(value, dict):
            drop_empty_text(value)


#: The blocks of a user's metadata a form fills (and may leave fields of empty).
FORM_BLOCKS = ("NWBFile", "Subject", "Devices", "Behavior", "Pose")


def is_given(value: Any) -> bool:
    """Whether a field holds a value: empty text is a form's field left empty, not a value (drop_empty_text)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


#: The blocks whose lists of text a form shows as lists of fields (experimenter, keywords, related_publications).
TEXT_LIST_BLOCKS = ("NWBFile", "Subject")


def drop_form_empty_text(metadata: dict[str, Any]) -> None:
    """Apply :func:`drop_empty_text` to every block of ``metadata`` a form fills (in place).

    A cleared item of a list of text in ``NWBFile`` or ``Subject`` (``experimenter: [""]``) goes too,
    and the list with it when none is left: written, it was an experimenter of no name.
    """
    for block in FORM_BLOCKS:
        if isinstance(metadata.get(block), dict):
            drop_empty_text(metadata[block])
    for block in TEXT_LIST_BLOCKS:
        fields = metadata.get(block)
        for key, value in list(fields.items()) if isinstance(fields, dict) else ():
            if isinstance(value, list | tuple) and value and all(isinstance(item, str) for item in value):
                kept = [item for item in value if item.strip()]
                if not kept:
                    del fields[key]
                elif len(kept) < len(value):
                    fields[key] = kept
