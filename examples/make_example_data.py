"""Write the small example DeepLabCut project used by ``make demo``.

Two mice and the arena's corners (a multi-animal project with unique bodyparts),
300 frames at 30 fps, written the way DeepLabCut 2.3 writes them: predictions
``.h5`` (pandas table under ``df_with_missing``) and ``.csv``, the ``_meta.pickle``
next to them and the project's ``config.yaml``. Mouse 2 leaves the camera's view
for frames 100-149 (NaN) and the tail tip of mouse 1 is never detected.

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


if __name__ == "__main__":
    main()
