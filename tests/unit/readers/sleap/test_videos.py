"""The videos SLEAP files record (readers/sleap/videos.py): what is linked, for the layouts SLEAP and sleap-io write."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from poseconv.readers.sleap import read_sleap

sio = pytest.importorskip("sleap_io")


def _skeleton():
    return sio.Skeleton(["head", "thorax"], edges=[("head", "thorax")], name="fly")


def _predictions_on_package(folder: Path):
    """sleap-nn ``track -i labels.v001.pkg.slp`` with embedding, and its analysis export.

    sleap_nn/inference/run.py ``save_predictions``: ``labels.save(path, embed=..., restore_original_videos=False)``
    and ``sio.save_analysis_h5``; the package is SLEAP's training package (``embed="user"``) of ``clip.mp4``.
    """
    sio.save_video(np.zeros((30, 32, 32, 1), np.uint8), str(folder / "clip.mp4"), fps=25)
    video = sio.load_video(str(folder / "clip.mp4"))
    skeleton = _skeleton()
    frames = [
        sio.LabeledFrame(video=video, frame_idx=f, instances=[sio.Instance.from_numpy(np.full((2, 2), f), skeleton)])
        for f in (3, 11)
    ]
    package = folder / "labels.v001.pkg.slp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton]).save(str(package), embed="user")
        video.close()
        labels = sio.load_slp(str(package))
        predicted = [
            sio.LabeledFrame(
                video=labels.videos[0],
                frame_idx=lf.frame_idx,
                instances=[
                    sio.PredictedInstance.from_numpy(
                        np.full((2, 2), lf.frame_idx + 0.5), point_scores=[0.9, 0.8], score=0.9, skeleton=skeleton
                    )
                ],
            )
            for lf in labels
        ]
        predictions = sio.Labels(labeled_frames=predicted, videos=[labels.videos[0]], skeletons=[skeleton])
        slp = folder / "labels.v001.pkg.predictions.slp"
        predictions.save(str(slp), embed=True, restore_original_videos=False)
        analysis = folder / "labels.v001.pkg.predictions.analysis.h5"
        sio.save_analysis_h5(predictions, str(analysis), video=0, labels_path=str(slp))
    return package, slp, analysis


def test_predictions_on_a_package_link_the_video_its_frames_came_from(tmp_path):
    _, slp, analysis = _predictions_on_package(tmp_path)
    for path in (slp, analysis):
        pose = read_sleap(path)
        (video,) = pose.videos.values()
        assert video.path == tmp_path / "clip.mp4", path.name
        assert (video.key, video.n_frames, video.fps, video.frame_size) == ("clip", 30, 25.0, (32, 32)), path.name
        np.testing.assert_array_equal(pose.tracks[0].positions[[3, 11], 0], [[3.5, 3.5], [11.5, 11.5]])


def test_an_analysis_export_of_predictions_on_a_missing_package_links_no_video(tmp_path):
    package, _, analysis = _predictions_on_package(tmp_path)
    package.unlink()
    (video,) = read_sleap(analysis).videos.values()
    # The package is recorded, not linked, and the number of frames it held is not the video's.
    assert video.local_files is None
    assert video.original_path == str(package)
    assert (video.n_frames, video.fps) == (None, 25.0)
