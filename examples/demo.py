"""Convert the example DeepLabCut project in ``examples/data`` to NWB and say what was written.

Run with ``make demo`` (or ``python examples/demo.py`` inside the virtual environment).
The NWB file goes to ``examples/output/``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ndx_pose import PoseEstimation
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface

HERE = Path(__file__).parent
PREDICTIONS = (
    HERE / "data/openfield-demo-2024-05-01/videos/mouse_pair_session1DLC_resnet50_openfieldMay1shuffle1_50000_el.h5"
)
OUTPUT = HERE / "output" / "mouse_pair_session1.nwb"


def main() -> None:
    interface = DeepLabCutPoseInterface(file_path=PREDICTIONS)
    metadata = interface.get_metadata()
    metadata["NWBFile"].update(
        session_start_time=datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        session_description="Two mice in an open field (poseconv demo data).",
        experimenter=["Demo, Ada"],
        institution="poseconv",
        experiment_description="Example conversion of a multi-animal DeepLabCut project.",
        keywords=["pose estimation", "DeepLabCut"],
    )
    metadata["Subject"] = dict(
        subject_id="mouse1", species="Mus musculus", sex="F", age="P90D", description="Demo mouse."
    )
    OUTPUT.parent.mkdir(exist_ok=True)
    interface.run_conversion(nwbfile_path=OUTPUT, metadata=metadata, overwrite=True)

    print(f"Wrote {OUTPUT} ({OUTPUT.stat().st_size / 1024:.0f} KiB) from {PREDICTIONS.name}")
    with NWBHDF5IO(OUTPUT, "r") as io:
        behavior = io.read().processing["behavior"]
        for name, skeleton in behavior["Skeletons"].skeletons.items():
            print(f"  Skeleton {name}: {len(skeleton.nodes)} nodes, {len(skeleton.edges or [])} edges")
        for name, container in behavior.data_interfaces.items():
            # The module also holds the skeletons and the table of the individuals' order.
            if not isinstance(container, PoseEstimation):
                continue
            series = list(container.pose_estimation_series.values())
            first = series[0]
            print(
                f"  {name}: {len(series)} body parts x {first.data.shape[0]} frames "
                f"at {first.rate:g} fps, scorer {container.scorer}"
            )


if __name__ == "__main__":
    main()
