"""poseconv's line in the provenance record neuroconv writes into an NWB file's ``general/source_script``.

neuroconv records its own version and the user's script; a file poseconv wrote would otherwise not say
so (from the command line, neuroconv names no script at all: ``source_script_file_name`` is
``neuroconv``). The record is extended, not replaced: a ``source_script`` the user gave (NWB GUIDE
gives its own) is kept as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["with_poseconv_provenance"]

#: The first line of neuroconv's record (``neuroconv.tools.nwb_helpers._provenance.RECORD_HEADER``).
_NEUROCONV_RECORD = "NeuroConv provenance record"


def _command() -> str | None:
    """Return ``poseconv <command>`` when poseconv's command line is running; None from Python.

    Only the command is recorded, never its arguments: they may hold paths and signed URLs.
    """
    argv = sys.argv or [""]
    entry = Path(argv[0])
    if entry.name != "poseconv" and not (entry.name == "__main__.py" and entry.parent.name == "poseconv"):
        return None
    command = next((argument for argument in argv[1:] if not argument.startswith("-")), None)
    return f"poseconv {command}" if command else "poseconv"


def with_poseconv_provenance(blocks: dict[str, Any]) -> dict[str, Any]:
    """Return the metadata ``blocks`` with poseconv's version (and command) added to neuroconv's record.

    Parameters
    ----------
    blocks : dict
        The metadata blocks a new NWBFile is made from (``NWBFile``, ``Subject``, ...).

    Returns
    -------
    dict
        The same blocks; ``NWBFile`` copied with ``source_script`` extended (and, from the command line,
        ``source_script_file_name`` ``poseconv``) when it holds neuroconv's record.
    """
    from .. import __version__

    nwbfile = blocks.get("NWBFile")
    record = nwbfile.get("source_script") if isinstance(nwbfile, dict) else None
    if not isinstance(record, str) or not record.startswith(_NEUROCONV_RECORD) or "\nposeconv_version:" in record:
        return blocks
    lines = record.split("\n")
    command = _command()
    ours = [f"poseconv_version: {__version__}"] + ([f"poseconv_command: {command}"] if command else [])
    # neuroconv's last line names the record's format; the keys come before it.
    at = len(lines) - 1 if lines[-1].startswith("neuroconv_provenance_format") else len(lines)
    nwbfile = {**nwbfile, "source_script": "\n".join(lines[:at] + ours + lines[at:])}
    if command:
        # neuroconv names no script for the console command, and poseconv's own __main__.py for
        # ``python -m poseconv`` from a source checkout: the script is poseconv's command line either way.
        nwbfile["source_script_file_name"] = "poseconv"
    return {**blocks, "NWBFile": nwbfile}
