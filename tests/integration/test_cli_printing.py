"""What the CLI prints of the files' own text: names as written, and no page-long scorer.

rich reads ``[word]`` as a style tag: ``[left]paw`` was printed as ``paw``, and a node named
``[/x]tail`` made ``poseconv inspect`` fail with an internal error.
"""

from __future__ import annotations

import numpy as np
import sleap_io as sio

from tests.fixtures.cli import one_session_spec
from tests.fixtures.sleap import one_instance_per_frame
from tests.integration.test_cli import START, poseconv

NAMES = ("[left]paw", "[/x]tail")


def _slp(tmp_path, names=NAMES):
    skeleton = sio.Skeleton(list(names), name="[bold]body")
    video = sio.Video(filename=str(tmp_path / "missing.mp4"))
    track = sio.Track("[red]m1")
    labels = one_instance_per_frame(
        video, skeleton, range(3), np.ones((2, 2)), point_scores=np.ones(2), score=0.9, track=track
    )
    path = tmp_path / "[cam]session.slp"
    labels.save(str(path))
    return path


def test_inspect_prints_bracketed_names_as_written(tmp_path):
    slp = _slp(tmp_path)
    nwb = tmp_path / "out.nwb"
    poseconv("convert", slp, "-o", nwb, "--fps", "30", "--session-start-time", START)
    for target in (slp, nwb):
        result = poseconv("inspect", target)
        for name in (*NAMES, "[bold]body", "[red]m1"):
            assert name in result.stdout, result.stdout
    assert "[cam]session.slp" in poseconv("inspect", slp).stdout


def test_the_run_report_prints_bracketed_session_ids_as_written(tmp_path):
    slp = _slp(tmp_path)
    pose = f"{{file_path: '{slp}', sampling_frequency: 30}}"
    spec = one_session_spec(tmp_path, pose, session_id="'[day1]m1'", start=f"'{START}'")
    result = poseconv("run", spec, "--jobs", "1")
    assert "[day1]m1" in result.stdout and (tmp_path / "nwb" / "[day1]m1.nwb").is_file(), result.stdout


def test_a_scorer_holding_a_whole_provenance_record_is_cut_in_the_text_summary(tmp_path):
    # sleap-io's NWB writer stores str(labels.provenance) as the scorer: the model's arguments, paths, times.
    import warnings

    labels = sio.load_slp(str(_slp(tmp_path, names=("paw", "tail"))))
    labels.provenance = {"sleap_version": "1.4.1", "args": {f"tracking.option_{i}": None for i in range(80)}}
    nwb = tmp_path / "sleap_io.nwb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sio.save_nwb(labels, str(nwb), nwb_format="predictions")
    scorer = str(labels.provenance)
    text = poseconv("inspect", nwb).stdout
    assert f"({len(scorer)} characters; --json shows all)" in text and scorer not in text
    assert scorer in poseconv("inspect", nwb, "--json").stdout
