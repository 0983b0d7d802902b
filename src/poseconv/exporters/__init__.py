"""Exporters: a :class:`~poseconv.model.PoseData` out to other tools' formats, one module each.

* :mod:`.deeplabcut`: a DeepLabCut table (``to_deeplabcut_dataframe``, ``write_deeplabcut``);
* :mod:`.sleap`: a sleap-io ``Labels`` / ``.slp`` (``to_sleap_labels``, ``write_slp``);
* :mod:`.sleap_analysis`: a SLEAP analysis ``.h5`` of one video (``write_sleap_analysis``);
* :mod:`.movement`: a movement poses dataset (``to_movement_dataset``);
* :mod:`.summary`: the facts ``poseconv inspect`` prints (``summarize_pose``);
* :mod:`.quicklook`: the figure ``poseconv plot`` draws (``write_quicklook_figure``).

:mod:`.files` holds the check every writer makes of its output file first (``export_path``).

Each module imports its heavy dependency (pandas, sleap-io, movement, matplotlib)
inside its functions, so importing one costs little.
"""
