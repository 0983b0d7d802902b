"""What a file given instead of a pose file is, and what to give: the hints of the catalog's refusals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["extra_column_hint", "suffix_hint", "video_problem"]


# What users give instead of a pose file, and what to give: DeepLabCut's intermediate pickles
# (_full, _assemblies, _el/_sk/_bx tracklets, _meta) beside its tables, an NWB file already, a project config.
_PROJECT_CONFIG_HINT = (
    " A .yaml is a project's configuration: give the predictions made with it (the .h5, .csv or .slp); the "
    "configuration is found beside them or one folder up (or given as config_file_path=). With --source "
    "dlc-labels, the project folder gives its labeled frames."
)
# Label files of other tools sleap-io reads (COCO keypoints, AlphaTracker and Label Studio JSON, LEAP .mat).
_OTHER_LABELS_HINT = (
    " sleap-io reads keypoint labels in COCO, AlphaTracker and Label Studio .json files and LEAP .mat files: "
    "sleap_io.save_slp(sleap_io.load_file(path), 'labels.slp'), then convert labels.slp (--source sleap-labels "
    "for labels placed by hand)."
)
_ARCHIVE_HINT = " This is an archive: unpack it and convert the pose file inside."
# SLEAP's labels before .slp (LabelsJsonAdaptor: labels.json, or zipped as labels.json.zip): SLEAP still reads
# them, sleap-io's load_file does not (it takes them for COCO and finds no annotations).
_SLEAP_JSON_HINT = (
    " This is a SLEAP project saved in SLEAP's older JSON labels format, which only SLEAP reads: open it in "
    "SLEAP and save it as .slp (File > Save As, or sleap.load_file(path).save('labels.slp')), then convert "
    "labels.slp."
)
# SLEAP's "Export Analysis" to NIX (sleap-convert --format nix): the same poses as the analysis HDF5.
_NIX_HINT = (
    " A .nix is SLEAP's NIX analysis export: export the analysis HDF5 instead (SLEAP: File > Export Analysis "
    "HDF5; or sleap-convert --format analysis labels.slp) and convert that .h5, or convert the .slp."
)

_SUFFIX_HINTS = {
    ".pickle": (
        " A DeepLabCut .pickle beside the predictions (_full, _assemblies, _el tracklets, _meta) is an "
        "intermediate file: convert the table DeepLabCut writes from it, the .h5 (for multi-animal projects the "
        "tracked <video><scorer>_el.h5, written by deeplabcut.stitch_tracklets or "
        "analyze_videos(auto_track=True))."
    ),
    ".nwb": (
        " This is an NWB file already: 'poseconv inspect', 'validate' and 'export' read it; to add poses to it, "
        "convert their pose file with --append."
    ),
    ".yaml": _PROJECT_CONFIG_HINT,
    ".yml": _PROJECT_CONFIG_HINT,
    ".json": _OTHER_LABELS_HINT,
    ".mat": _OTHER_LABELS_HINT,
    ".nix": _NIX_HINT,
    **dict.fromkeys((".zip", ".gz", ".tgz", ".tar", ".7z", ".bz2", ".xz"), _ARCHIVE_HINT),
}


# DeepLabCut's model zoo names its outputs <video>_<scorer>: SuperAnimal's scorer superanimal_<dataset>_...,
# FMPose3D's DLC_fmpose3d_<model>.
_MODEL_ZOO_NAME = re.compile(r"_(?:superanimal_|DLC_fmpose3d)", re.IGNORECASE)


def _model_zoo_json_hint(path: Path) -> str | None:
    """Say what a .json of DeepLabCut's model zoo is, naming the tables beside it; None for other files.

    Video inference (SuperAnimal, FMPose3D) writes each frame's predictions as JSON (also
    ``_before_adapt`` / ``_after_adapt`` with video adaptation) beside the ``<video>_<scorer>.h5`` table
    poseconv reads; sleap-io cannot read that JSON.
    """
    match = _MODEL_ZOO_NAME.search(path.name) if path.suffix.lower() == ".json" else None
    if match is None:
        return None
    video = path.name[: match.start()]
    tables = sorted(p.name for p in path.parent.glob("*.h5") if p.name.startswith(f"{video}_"))
    named = ", ".join(tables) if tables else f"{video}_<scorer>.h5"
    return (
        " This is the per-frame JSON of DeepLabCut's model zoo video inference (SuperAnimal, FMPose3D); it writes "
        f"the same predictions as a table beside it: convert that .h5 ({named})."
    )


#: SLEAP's JSON labels: top-level keys no other tool's JSON (COCO, AlphaTracker, Label Studio) has, written
#: before the labels themselves (sleap/io/format/labels_json.py ``write``), so the start of the file shows them.
_SLEAP_JSON_KEYS = tuple(re.compile(rf'"{key}"\s*:'.encode()) for key in ("skeletons", "nodes", "videos"))
_JSON_START = 1 << 20


def _is_sleap_json(path: Path) -> bool:
    """Whether ``path`` (a ``.json``, or a ``.zip`` holding one) is SLEAP's JSON labels; never raises."""
    import zipfile

    try:
        if path.suffix.lower() == ".json":
            with path.open("rb") as handle:
                start = handle.read(_JSON_START)
        elif path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if m.lower().endswith(".json")]
                if len(members) != 1:
                    return False
                with archive.open(members[0]) as handle:
                    start = handle.read(_JSON_START)
        else:
            return False
    except (OSError, zipfile.BadZipFile, RuntimeError):  # a hint says what it can, or nothing
        return False
    return start.lstrip().startswith(b"{") and all(key.search(start) for key in _SLEAP_JSON_KEYS)


def suffix_hint(path: Path) -> str:
    """Say what a file of ``path``'s suffix, which no format reads, is and what to give (" ..."); "" when unknown."""
    if _is_sleap_json(path):
        return _SLEAP_JSON_HINT
    return _model_zoo_json_hint(path) or _SUFFIX_HINTS.get(path.suffix.lower(), "")


def video_problem(path: Path, known: Iterable[str]) -> str | None:
    """Say that ``path`` is a video and to give the pose file made from it (``known``: its suffixes); else None."""
    from ..video import is_video_path

    if not is_video_path(path):
        return None
    return (
        f"is a video, not a pose file; poseconv reads the pose files ({', '.join(sorted(known))}) made from it. "
        "Give the pose file as the input and the video next to it (--video on the command line, video_file_path "
        "in a spec's pose entry)."
    )


# DeepLabCut's header rows with one more column before them: pandas' row numbers, written again by to_csv
# after a read without index_col=0.
_SHIFTED_HEADER = re.compile(rb"^(?:\xef\xbb\xbf)?[^,\n]*,(?:scorer|bodyparts|individuals),")


def extra_column_hint(path: Path) -> str:
    """Say so when a CSV's first column stands before DeepLabCut's header column (a table saved again)."""
    if path.suffix.lower() != ".csv":
        return ""
    with path.open("rb") as handle:
        first = handle.readline(4096)
    if not _SHIFTED_HEADER.match(first):
        return ""
    return (
        " Its header rows start one column late, after a column DeepLabCut never writes: pandas' row numbers, "
        "saved when the table was read without index_col=0 and written again. Convert the tool's original "
        "file, or delete that first column."
    )
