"""Safety of input files: what every reader checks before and while it parses a file.

* :mod:`.input_checks`: the file exists, is readable and has a known suffix; frame counts are
  plausible; a reader's unforeseen failure on a damaged file becomes an
  :class:`~poseconv.errors.InvalidSourceFileError` naming the file (:func:`.input_checks.reads_source`).
* :mod:`.isolation`: HDF5 structure is first read in a forked child with bounded memory and time,
  so that a damaged header cannot crash or exhaust the session.
* :mod:`.safe_pickle`: DeepLabCut metadata pickles and the pickled attributes pandas keeps in
  ``.h5`` files are loaded without running code from the file.
"""
