"""Our metadata JSON Schemas in a real schema-driven form: react-jsonschema-form in headless Chromium.

``tests/forms/run_form.mjs`` (node, playwright-core, Debian's Chromium; ``make forms-deps`` installs
them) bundles a page with ``@rjsf/core`` and the ajv8 validator, renders each interface's schema with
its metadata as the form data, fills pose fields in as a person would, submits, and hands the
submitted metadata back; here it must validate and convert. The browser runs once for every case.

The rules NWB GUIDE sets for form schemas are checked on the same schemas without a browser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from pynwb import NWBHDF5IO

from poseconv import DeepLabCutPoseInterface, SLEAPPoseInterface
from poseconv.batch.spec import to_json
from poseconv.metadata.schema import form_schema
from tests.fixtures.deeplabcut import SINGLE_ANIMAL_H5
from tests.fixtures.nwb import user_metadata
from tests.fixtures.paths import REPO_ROOT
from tests.fixtures.sleap import SLP_PROVENANCE

FORMS = REPO_ROOT / "tests" / "forms"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def dlc_interface():
    return DeepLabCutPoseInterface(file_path=SINGLE_ANIMAL_H5)


def sleap_interface():
    return SLEAPPoseInterface(file_path=SLP_PROVENANCE, sampling_frequency=30.0)


def field(*path: str) -> str:
    """CSS selector of the rjsf input at ``path`` (rjsf ids join the path with '_')."""
    return '[id="' + "_".join(("root", *path)) + '"]'


CONTAINER = ("Pose", "PoseEstimations", "PoseEstimation")
SLEAP_CONTAINER = ("Pose", "PoseEstimations", "PoseEstimation_track_1")


def _cases() -> list[dict]:
    dlc, sleap = dlc_interface(), sleap_interface()
    camera = next(iter(sleap.get_metadata()["Devices"]))
    return [
        {
            # The schema exactly as the interface publishes it (Devices typed ["object", "array"]).
            "name": "deeplabcut",
            "schema": dlc.get_metadata_schema(),
            "formData": to_json(user_metadata(dlc)),
            "actions": [
                {"fill": field(*CONTAINER, "name"), "value": "Top/Camera"},  # "/" is not allowed in NWB names
                {"submit": True},
                {"fill": field(*CONTAINER, "name"), "value": "PoseEstimationTopCamera"},
                {
                    "fill": field(*CONTAINER, "PoseEstimationSeries", "snout", "description"),
                    "value": "Tip of the nose.",
                },
                {"fill": field("Subject", "subject_id"), "value": "mouse-7"},
                {"submit": True},
            ],
        },
        {
            # The form-tool export (no type lists), as NWB GUIDE would take it.
            "name": "sleap",
            "schema": form_schema(sleap.get_metadata_schema()),
            "formData": to_json(user_metadata(sleap, species="Drosophila melanogaster")),
            "actions": [
                {"fill": field(*SLEAP_CONTAINER, "name"), "value": "PoseEstimationMale"},
                {"fill": field(*SLEAP_CONTAINER, "PoseEstimationSeries", "head", "description"), "value": "Head."},
                {"fill": field("Devices", camera, "description"), "value": "Camera above the arena."},
                {"submit": True},
            ],
        },
    ]


@pytest.fixture(scope="module")
def browser_results(tmp_path_factory) -> dict[str, dict]:
    """Run every case in one Chromium; return the results by case name."""
    missing = []
    if shutil.which("node") is None:
        missing.append("node")
    if not (FORMS / "node_modules" / "@rjsf" / "core").is_dir():
        missing.append("tests/forms/node_modules (npm ci --prefix tests/forms)")
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        pytest.fail(f"The browser form test needs {', '.join(missing)}: run `make forms-deps`.")
    folder = tmp_path_factory.mktemp("forms")
    cases, result = folder / "cases.json", folder / "result.json"
    cases.write_text(json.dumps(_cases()), encoding="utf-8")
    run = subprocess.run(
        ["node", str(FORMS / "run_form.mjs"), str(cases), str(result), str(folder / "screenshots")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, f"run_form.mjs failed:\n{run.stdout}\n{run.stderr}"
    return {item["name"]: item for item in json.loads(result.read_text(encoding="utf-8"))}


def _rendered_cleanly(result: dict) -> None:
    assert result["loadError"] is None and result["actionError"] is None, result
    assert result["pageErrors"] == [] and result["consoleErrors"] == []
    # Every field has a widget: rjsf draws "Unsupported field schema" for types it cannot render.
    assert result["unsupported"] == []
    assert result["fields"] > 100


def _converts(interface, metadata: dict, path: Path):
    interface.validate_metadata(metadata)
    interface.run_conversion(nwbfile_path=path, metadata=metadata)
    io = NWBHDF5IO(path, "r")
    return io, io.read()


def test_deeplabcut_schema_renders_validates_and_the_filled_form_converts(browser_results, tmp_path):
    result = browser_results["deeplabcut"]
    _rendered_cleanly(result)
    first, second = result["submits"]
    # The browser's own validation refuses the bad name, at the right field, before anything is sent.
    assert [e["property"] for e in first["errors"]] == [".Pose.PoseEstimations.PoseEstimation.name"]
    metadata = second["formData"]
    assert metadata["Pose"]["PoseEstimations"]["PoseEstimation"]["name"] == "PoseEstimationTopCamera"

    io, nwbfile = _converts(dlc_interface(), metadata, tmp_path / "form.nwb")
    with io:
        container = nwbfile.processing["behavior"]["PoseEstimationTopCamera"]
        assert container.pose_estimation_series["snout"].description == "Tip of the nose."
        assert container.device.name == metadata["Devices"]["video_m3v1mp4_camera"]["name"]
        assert nwbfile.subject.subject_id == "mouse-7"


def test_sleap_form_schema_renders_validates_and_the_filled_form_converts(browser_results, tmp_path):
    result = browser_results["sleap"]
    _rendered_cleanly(result)
    (submit,) = result["submits"]
    metadata = submit["formData"]
    (camera,) = metadata["Devices"].values()
    assert camera["description"] == "Camera above the arena."

    io, nwbfile = _converts(sleap_interface(), metadata, tmp_path / "form.nwb")
    with io:
        container = nwbfile.processing["behavior"]["PoseEstimationMale"]
        assert container.pose_estimation_series["head"].description == "Head."
        assert nwbfile.devices[camera["name"]].description == "Camera above the arena."


# -- NWB GUIDE's rules, on the schemas themselves ------------------------------------------------------


def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


@pytest.mark.parametrize("make_interface", [dlc_interface, sleap_interface], ids=["deeplabcut", "sleap"])
def test_form_schemas_follow_nwb_guide_rules(make_interface):
    interface = make_interface()
    schema = interface.get_metadata_schema()
    form = form_schema(schema)
    Draft7Validator.check_schema(form)
    for path, node in _walk(form):
        if not isinstance(node, dict):
            continue
        assert not isinstance(node.get("type"), list), path
        for name, prop in (node.get("properties") or {}).items():
            assert prop.get("title") and prop.get("description"), (*path, name)
    assert "DEPRECATED" not in json.dumps(form).upper()
    # The export changes no answer for the metadata the interface produces...
    metadata = to_json(user_metadata(interface))
    assert list(Draft7Validator(form).iter_errors(metadata)) == []
    assert list(Draft7Validator(schema).iter_errors(metadata)) == []
    # ...and the interface's own schema is left as NWBConverter needs it.
    assert schema["properties"]["Devices"]["type"] == ["object", "array"]
    assert form["properties"]["Devices"]["type"] == "object"

    source = form_schema(type(interface).get_source_schema())
    assert source["properties"]["file_path"]["format"] == "file-path"
    assert source["properties"]["video_file_path"]["format"] == "file-path"
    for path, node in _walk(source):
        if isinstance(node, dict):
            assert not isinstance(node.get("type"), list), path
            assert "DEPRECATED" not in str(node.get("description", "")).upper(), path
