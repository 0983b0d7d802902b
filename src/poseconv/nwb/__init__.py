"""NWB files with ndx-pose: :mod:`poseconv.nwb.write` builds them, :mod:`poseconv.nwb.read` reads them back."""
