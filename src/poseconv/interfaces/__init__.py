"""neuroconv interfaces; the only part of poseconv that imports neuroconv.

Each class is imported from its module on first use (PEP 562), so that importing one interface
does not import the others, nor the converter.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "DeepLabCut3DPoseInterface": ".multicamera",
    "DeepLabCutPoseInterface": ".deeplabcut",
    "DeepLabCutTrainingDataInterface": ".training",
    "LightningPoseMultiViewInterface": ".lightningpose",
    "LightningPosePoseInterface": ".lightningpose",
    "LightningPoseTrainingDataInterface": ".lightningpose",
    "PoseConverterPipe": ".converter",
    "PoseNWBConverter": ".converter",
    "SLEAPCSVPoseInterface": ".sleap",
    "SLEAPPoseInterface": ".sleap",
    "SLEAPSessionPoseInterface": ".multicamera",
    "SLEAPTrainingDataInterface": ".training",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
