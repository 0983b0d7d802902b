"""Write the small example data used by ``make demo``: a DeepLabCut project and a SLEAP file.

Two mice and the arena's corners (a multi-animal project with unique bodyparts),
300 frames at 30 fps, written the way DeepLabCut 2.3 writes them: predictions
``.h5`` (pandas table under ``df_with_missing``) and ``.csv``, the ``_meta.pickle``
next to them and the project's ``config.yaml``. Mouse 2 leaves the camera's view
for frames 100-149 (NaN) and the tail tip of mouse 1 is never detected.

The SLEAP file (``data/sleap-demo/flies.slp``, written with sleap-io) holds predictions
for two tracked flies with 5 nodes over 200 frames; fly 2 is not found in frames
60-79 and no instance at all is in frame 150. Its video is not shipped.

Run from the repository root: ``python examples/make_example_data.py``.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent / "data" / "openfield-demo-2024-05-01"
SCORER = "DLC_resnet50_openfieldMay1shuffle1_50000"
VIDEO = "mouse_pair_session1"
N_FRAMES, FPS = 300, 30.0
BODYPARTS = ["snout", "leftear", "rightear", "tailbase", "tailtip"]
UNIQUE = ["corner_nw", "corner_se"]


def trajectories(rng: np.random.Generator) -> dict[tuple[str, str], np.ndarray]:
    t = np.arange(N_FRAMES) / FPS
    columns = {}
    for m, (cx, cy, phase) in enumerate([(200, 240, 0.0), (440, 240, np.pi)], start=1):
        centre = np.column_stack([cx + 80 * np.cos(0.5 * t + phase), cy + 80 * np.sin(0.5 * t + phase)])
        for k, part in enumerate(BODYPARTS):
            offset = np.array([12 - 9 * k, (-1) ** k * 4.0])
            xy = np.round(centre + offset + rng.normal(0, 0.8, size=(N_FRAMES, 2)), 3)
            likelihood = np.round(rng.uniform(0.6, 1.0, size=N_FRAMES), 6)
            if m == 2:
                xy[100:150] = np.nan
                likelihood[100:150] = np.nan
            if m == 1 and part == "tailtip":
                xy[:] = np.nan
                likelihood[:] = np.nan
            columns[(f"mouse{m}", part)] = np.column_stack([xy, likelihood])
    for part, corner in zip(UNIQUE, [(20.0, 20.0), (620.0, 460.0)], strict=True):
        xy = np.tile(corner, (N_FRAMES, 1)) + np.round(rng.normal(0, 0.3, size=(N_FRAMES, 2)), 3)
        columns[("single", part)] = np.column_stack([xy, np.full(N_FRAMES, 0.99)])
    return columns


def write_sleap_example(rng: np.random.Generator) -> Path:
    import sleap_io as sio

    folder = HERE.parent / "sleap-demo"
    folder.mkdir(parents=True, exist_ok=True)
    nodes = ["head", "thorax", "abdomen", "wingL", "wingR"]
    skeleton = sio.Skeleton(
        nodes=nodes,
        edges=[("head", "thorax"), ("thorax", "abdomen"), ("thorax", "wingL"), ("thorax", "wingR")],
        name="fly",
    )
    video = sio.Video(filename="flies.mp4", open_backend=False)
    tracks = [sio.Track(name="fly1"), sio.Track(name="fly2")]
    frames = []
    for index in range(200):
        if index == 150:
            continue
        instances = []
        for k, track in enumerate(tracks):
            if k == 1 and 60 <= index < 80:
                continue
            centre = np.array([300.0 + 200 * k + 50 * np.cos(index / 20), 300.0 + 50 * np.sin(index / 20)])
            points = np.round(centre + np.arange(5)[:, None] * np.array([0.0, 12.0]) + rng.normal(0, 1, (5, 2)), 2)
            scores = np.round(rng.uniform(0.5, 1.0, 5), 4)
            instances.append(
                sio.PredictedInstance.from_numpy(
                    points,
                    skeleton=skeleton,
                    point_scores=scores,
                    score=float(scores.mean()),
                    track=track,
                    tracking_score=0.9,
                )
            )
        frames.append(sio.LabeledFrame(video=video, frame_idx=index, instances=instances))
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton], tracks=tracks)
    path = folder / "flies.slp"
    sio.save_slp(labels, str(path))
    return path


def main() -> None:
    (HERE / "videos").mkdir(parents=True, exist_ok=True)
    columns = trajectories(np.random.default_rng(2024))
    index = pd.MultiIndex.from_tuples(
        [(SCORER, ind, part, coord) for (ind, part) in columns for coord in ("x", "y", "likelihood")],
        names=["scorer", "individuals", "bodyparts", "coords"],
    )
    frame = pd.DataFrame(np.column_stack(list(columns.values())), columns=index)
    stem = HERE / "videos" / f"{VIDEO}{SCORER}_el"
    frame.to_hdf(stem.with_suffix(".h5"), key="df_with_missing", format="table", mode="w")
    frame.to_csv(stem.with_suffix(".csv"))
    meta = {
        "data": {
            "Scorer": SCORER,
            "fps": FPS,
            "nframes": N_FRAMES,
            "frame_dimensions": (480, 640),
            "cropping": False,
            "cropping_parameters": [0, 640, 0, 480],
        }
    }
    (HERE / "videos" / f"{VIDEO}{SCORER}_meta.pickle").write_bytes(pickle.dumps(meta))
    config = f"""Task: openfield
scorer: demo
date: May1
multianimalproject: true
identity: false
project_path: /home/lab/dlc/openfield-demo-2024-05-01
video_sets:
  /home/lab/dlc/openfield-demo-2024-05-01/videos/{VIDEO}.mp4:
    crop: 0, 640, 0, 480
individuals:
- mouse1
- mouse2
uniquebodyparts:
{chr(10).join("- " + p for p in UNIQUE)}
multianimalbodyparts:
{chr(10).join("- " + p for p in BODYPARTS)}
bodyparts: MULTI!
skeleton:
- [snout, leftear]
- [snout, rightear]
- [leftear, tailbase]
- [rightear, tailbase]
- [tailbase, tailtip]
"""
    (HERE / "config.yaml").write_text(config)
    print(f"wrote {HERE}")
    print(f"wrote {write_sleap_example(np.random.default_rng(7))}")


if __name__ == "__main__":
    main()
