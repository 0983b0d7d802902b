"""``poseconv convert`` (config found or given with --config) and ``poseconv metadata`` keep the DeepLabCut project's
task and experimenter (config.yaml ``Task`` and ``scorer``), which neuroconv's DeepLabCutInterface writes too."""

from __future__ import annotations

import yaml
from pynwb import NWBHDF5IO

from tests.fixtures.cli import poseconv_in_process
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.training import OPENFIELD_PROJECT

SENTENCE = "The DeepLabCut project's config.yaml names the task 'openfield' and the experimenter (scorer) 'Pranav'."
START = "2024-05-01T10:30:00+00:00"


@needs_shared_data
def test_convert_and_metadata_say_the_openfield_project_s_task_and_experimenter(tmp_path):
    printed = poseconv_in_process("metadata", SINGLE_ANIMAL_H5)
    assert printed.returncode == 0, printed.stderr
    shown = yaml.safe_load(printed.stdout)["Pose"]["PoseEstimations"]["PoseEstimation"]["description"]
    assert shown.endswith(SENTENCE), shown
    for given in ([], ["--config", OPENFIELD_PROJECT / "config.yaml"]):
        out = tmp_path / f"out{len(given)}.nwb"
        result = poseconv_in_process("convert", SINGLE_ANIMAL_H5, *given, "-o", out, "--session-start-time", START)
        assert result.returncode == 0, result.stderr
        with NWBHDF5IO(out, "r") as io:
            nwbfile = io.read()
            written = nwbfile.processing["behavior"]["PoseEstimation"].description
            # Where neuroconv's DeepLabCutInterface writes them too.
            assert nwbfile.experimenter == ("Pranav",)
            assert nwbfile.session_description.endswith(" Task: openfield."), nwbfile.session_description
        assert written == shown


@needs_shared_data
def test_the_user_s_experimenter_and_description_replace_the_project_s(tmp_path):
    metadata = tmp_path / "metadata.yaml"
    metadata.write_text(
        yaml.safe_dump({"NWBFile": {"experimenter": ["Mathis, Alexander"], "session_description": "Open field."}})
    )
    out = tmp_path / "out.nwb"
    result = poseconv_in_process("convert", SINGLE_ANIMAL_H5, "-m", metadata, "-o", out, "--session-start-time", START)
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(out, "r") as io:
        nwbfile = io.read()
        assert (nwbfile.experimenter, nwbfile.session_description) == (("Mathis, Alexander",), "Open field.")


@needs_shared_data
def test_labels_of_the_project_name_its_labeler_and_task_too(tmp_path):
    out = tmp_path / "labels.nwb"
    result = poseconv_in_process(
        "convert", OPENFIELD_PROJECT, "--source", "dlc-labels", "-o", out, "--session-start-time", START
    )
    assert result.returncode == 0, result.stderr
    with NWBHDF5IO(out, "r") as io:
        nwbfile = io.read()
        assert nwbfile.experimenter == ("Pranav",)
        assert nwbfile.session_description.endswith(" Task: openfield."), nwbfile.session_description
