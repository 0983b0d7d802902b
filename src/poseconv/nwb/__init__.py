"""Writing (and reading back) NWB files with ndx-pose."""
