"""Read NWB files back: every reader walks the stored groups through the h5py-style API (``store``).

``pose`` (``read_nwb``, ``open_nwb``; ``pose_containers`` and ``pose_names`` recover tracks,
videos, skeletons and frames from any writer), ``stored_series`` (lazy arrays over stored
series), ``extra_coords``, ``multicamera`` (``read_multicamera``), ``training`` (``read_training``).
``store`` opens an HDF5 file, an NWB Zarr store (``zarr_groups``: hdmf-zarr's links read as soft
links) or a URL of either (``remote``; ``http_cache`` fetches only the blocks read).
"""
