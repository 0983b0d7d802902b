"""What the exporters' docstrings say alike, written once.

Every exporter that writes a file checks it with :func:`~poseconv.exporters.files.export_path` (which
``overwrite`` allows to replace one) and returns what it wrote; every exporter of one video's poses
picks the video with :func:`~poseconv.exporters.files.video_tracks`. Their docstrings name such a text
by a line holding only ``{name}``, which :func:`fill_export_docs` replaces when the function is defined
(:func:`poseconv.docstrings.docstring_filler`, the same filler the interfaces use).
"""

from __future__ import annotations

from ..docstrings import docstring_filler

__all__ = ["EXPORT_DOCS", "fill_export_docs"]

#: numpydoc text (a parameter entry, or a whole section) by placeholder name.
EXPORT_DOCS: dict[str, str] = {
    "one_video": "video : str, optional\n    Video key; needed only when ``pose`` holds several videos.",
    "overwrite": "overwrite : bool, default: False\n    Replace an existing file.",
    "file_written": "Returns\n-------\npathlib.Path\n    The file written.",
    "files_written": "Returns\n-------\nlist of pathlib.Path\n    The files written.",
}


#: Replace each ``{name}`` line of a docstring by :data:`EXPORT_DOCS` ``[name]`` (see
#: :func:`poseconv.docstrings.docstring_filler`).
fill_export_docs = docstring_filler(EXPORT_DOCS)
