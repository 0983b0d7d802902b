"""A spec's paths: environment variables named when a path holding one is missing; DANDI references kept whole."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

from poseconv.batch.paths import missing_path, resolve_path
from poseconv.batch.plan import plan_spec

START = "2024-05-01T10:30:00+02:00"


def test_a_missing_path_naming_an_environment_variable_says_it_is_not_expanded(tmp_path):
    for written, variable in (
        ("$DATA/a.h5", "$DATA"),
        ("${HOME}/a.h5", "${HOME}"),
        ("%USERPROFILE%/a", "%USERPROFILE%"),
    ):
        problem = missing_path(resolve_path(tmp_path, written), "file")
        assert problem is not None and problem.startswith("file not found:")
        assert f"environment variables such as {variable} are not expanded in a spec's paths" in problem
    # A path without one says nothing of variables; an existing file named with a $ is no problem.
    assert "variables" not in missing_path(tmp_path / "a.h5", "file")
    (tmp_path / "$DATA.h5").write_bytes(b"x")
    assert missing_path(resolve_path(tmp_path, "$DATA.h5"), "file") is None


def test_a_spec_whose_pose_file_names_a_variable_is_told_so(tmp_path):
    spec = {
        "sessions": [
            {
                "session_id": "a",
                "session_start_time": START,
                "subject": {"subject_id": "a", "species": "Mus musculus", "sex": "M", "age": "P90D"},
                "pose": [{"file_path": "${POSE_DATA}/predictions.h5", "interface": "dlc"}],
            }
        ]
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    messages = [p.message for p in plan_spec(path).problems if p.location == "sessions[0].pose[0].file_path"]
    assert len(messages) == 1 and "${POSE_DATA} are not expanded" in messages[0]


def test_a_dandi_reference_is_kept_as_written_and_said(tmp_path):
    for written in ("dandi://DANDI/000123/sub-1/sub-1.nwb", "DANDI:000123/draft"):
        path = resolve_path(tmp_path, written)
        assert path == Path(written)
        problem = missing_path(path, "file")
        assert problem is not None and problem.startswith(f"{written}: is a DANDI reference")


def test_a_data_folder_naming_a_variable_is_told_so(tmp_path):
    # The spec-wide data_folder said only "folder not found", as the sessions' paths did before.
    session = {"session_id": "a", "session_start_time": START, "pose": [{"file_path": "a.h5"}]}
    spec = {"data_folder": "$H3DATA", "sessions": [session]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (problem,) = [p for p in plan_spec(path).problems if p.location == "data_folder"]
    assert problem.message.startswith("folder not found:") and "$H3DATA are not expanded" in problem.message


def test_a_data_folder_given_as_a_url_is_said_to_be_one(tmp_path):
    # "folder not found: https:/lab.example.org/data": the URL check was skipped for folders.
    session = {"session_id": "a", "session_start_time": START, "pose": [{"file_path": "a.h5"}]}
    spec = {"data_folder": "https://lab.example.org/data", "sessions": [session]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (problem,) = [p for p in plan_spec(path).problems if p.location == "data_folder"]
    assert problem.message.startswith("https://lab.example.org/data: is a URL;") and "local folder" in problem.message


def _made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_missing_path_whose_name_on_disk_differs_by_end_spaces_form_or_case_is_said(tmp_path):
    # Before, each said only "file not found: <path>" although the file was there under a near name.
    nfc, nfd = unicodedata.normalize("NFC", "Mäuse"), unicodedata.normalize("NFD", "Mäuse")
    _made(tmp_path / "plain" / "a.h5")
    _made(tmp_path / nfd / "a.h5")
    _made(tmp_path / "Case" / "a.h5")
    _made(tmp_path / "spaced " / "b.h5")
    for written, meant, said in (
        (
            "plain/a.h5 ",
            tmp_path / "plain" / "a.h5",
            "'a.h5 ' in the spec is 'a.h5' on disk: the spec's name has spaces",
        ),
        (
            f"{nfc}/a.h5",
            tmp_path / nfd / "a.h5",
            "'M\\xe4use' in the spec is 'Ma\\u0308use' on disk: the same letters in "
            "another Unicode normalization (NFC vs NFD",
        ),
        ("case/a.h5", tmp_path / "Case" / "a.h5", "'case' in the spec is 'Case' on disk: the letter case differs"),
        (
            "spaced/b.h5",
            tmp_path / "spaced " / "b.h5",
            "'spaced' in the spec is 'spaced ' on disk: the name on disk has",
        ),
    ):
        problem = missing_path(resolve_path(tmp_path, written), "file")
        assert problem.startswith(f"file not found: {tmp_path / written} (did you mean {meant}? {said}"), problem
        assert problem.endswith("correct the spec: poseconv uses no other name in its place)")
    # Each level: a near folder and a near file name are both said; a folder given as a folder too.
    problem = missing_path(resolve_path(tmp_path, "CASE/A.h5"), "file")
    assert f"did you mean {tmp_path / 'Case' / 'a.h5'}?" in problem
    assert "'CASE' in the spec is 'Case' on disk" in problem and "'A.h5' in the spec is 'a.h5' on disk" in problem
    assert f"did you mean {tmp_path / 'Case'}?" in missing_path(tmp_path / "case", "folder")
    # A near folder whose file is not there: the folder is said, no path to mean.
    problem = missing_path(resolve_path(tmp_path, "case/missing.h5"), "file")
    assert "did you mean" not in problem and "'case' in the spec is 'Case' on disk" in problem
    # Nothing near: the message is as before.
    assert missing_path(tmp_path / "other" / "a.h5", "file") == f"file not found: {tmp_path / 'other' / 'a.h5'}"


def test_a_yaml_escape_in_double_quotes_is_said(tmp_path):
    # "plain\brief.h5" in YAML double quotes is "plain", a backspace, "rief.h5": it said "file not found" with the
    # backspace printed as is (a terminal then erases the letter before it).
    _made(tmp_path / "plain" / "brief.h5")
    spec = (
        "sessions:\n  - session_id: a\n    session_start_time: 2024-05-01T10:30:00+02:00\n"
        '    pose: [{file_path: "plain\\brief.h5", interface: dlc}]\n'
    )
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    (message,) = [p.message for p in plan_spec(path).problems if p.location == "sessions[0].pose[0].file_path"]
    assert "\b" not in message and message.startswith(f"file not found: {tmp_path}/plain\\x08rief.h5 ")
    assert "control character: U+0008 (backspace); a YAML \\-escape in double quotes" in message
    assert "write the path in single quotes, or with / between folders" in message
    assert message.endswith(f"did you mean {tmp_path / 'plain' / 'brief.h5'}?)")
    # A control character with no file behind it: said, nothing meant.
    problem = missing_path(tmp_path / "x\ty.h5", "file")
    assert problem.startswith(f"file not found: {tmp_path}/x\\ty.h5 (the path holds a control character: U+0009 (tab)")
    assert "did you mean" not in problem


def test_a_folder_is_listed_once_for_all_the_missing_paths_in_it(tmp_path, monkeypatch):
    # A spec of hundreds of sessions whose files are not there yet, in a flat folder of 100,000 files:
    # listing and normalising the folder for every missing path made `run --check` 15 times slower.
    import os

    from poseconv.batch import paths

    for i in range(50):
        (tmp_path / f"mouse{i:03d}_cam.mp4").touch()
    listed = []
    real_listdir = os.listdir
    monkeypatch.setattr(paths.os, "listdir", lambda folder: listed.append(folder) or real_listdir(folder))
    for i in range(50):
        paths.missing_path(tmp_path / f"mouse{i:03d}_camDLC.h5", "file")
    assert listed == [str(tmp_path)]
    # A folder that changed is listed again: a near name added since is found.
    (tmp_path / "Mouse999_camDLC.h5").touch()
    os.utime(tmp_path, ns=(0, tmp_path.stat().st_mtime_ns + 10**9))
    assert "did you mean" in paths.missing_path(tmp_path / "mouse999_camDLC.h5", "file")
