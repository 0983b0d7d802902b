"""The YAML and JSON documents users write (:mod:`poseconv.documents`): keys given twice, YAML merge keys, lines."""

from __future__ import annotations

import pytest
import yaml

from poseconv.documents import load_document

# A spec sharing a session's fields with a YAML anchor; the second session overrides two of them.
MERGED_SPEC = """\
output_folder: out
sessions:
  - &base
    session_id: s1
    subject: &m1 {subject_id: m1, species: Mus musculus, sex: M}
    pose:
      - {file_path: a.h5}
  - <<: *base
    session_id: s2
    subject: {<<: *m1, sex: F}
    pose:
      - {file_path: b.h5}
"""


def _write(tmp_path, text: str, name: str = "spec.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_merge_keys_with_overrides_read_as_yaml_reads_them(tmp_path):
    # Before, the override of a merged key was refused: "sessions[1].session_id is given twice (lines 4 and 9)".
    document, lines = load_document(_write(tmp_path, MERGED_SPEC), ValueError, "spec")
    assert document == yaml.safe_load(MERGED_SPEC)
    second = document["sessions"][1]
    assert second["session_id"] == "s2" and second["pose"] == [{"file_path": "b.h5"}]
    assert second["subject"] == {"subject_id": "m1", "species": "Mus musculus", "sex": "F"}
    # Lines point where each value the document holds was written: the override, or the anchor's.
    assert lines[("sessions", 1, "session_id")] == 9
    assert lines[("sessions", 1, "pose", 0, "file_path")] == 12
    assert lines[("sessions", 1, "subject", "sex")] == 10
    assert lines[("sessions", 1, "subject", "species")] == 5
    assert lines[("sessions", 0, "session_id")] == 4


def test_merge_of_a_list_of_mappings_lets_the_first_win(tmp_path):
    text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n"
    document, lines = load_document(_write(tmp_path, text), ValueError, "spec")
    assert document == yaml.safe_load(text)
    assert document["c"] == {"x": 1, "y": 1, "z": 3}
    assert (lines[("c", "x")], lines[("c", "y")], lines[("c", "z")]) == (1, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # A key written twice beside a merge key is still two values for one key.
        (
            "s: &s {id: 1}\nt:\n  <<: *s\n  id: 2\n  id: 3\n",
            r"spec.yaml: t.id is given twice \(lines 4 and 5\); keep one.",
        ),
        # So is one written twice in the merged mapping itself.
        ("t:\n  <<: {sex: U, sex: F}\n  id: 2\n", r"spec.yaml: t.sex is given twice \(lines 2 and 2\); keep one."),
        ("a: 1\nb: 2\na: 3\n", r"spec.yaml: a is given twice \(lines 1 and 3\); keep one."),
    ],
)
def test_a_key_written_twice_in_one_mapping_is_refused_with_its_lines(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_document(_write(tmp_path, text), ValueError, "spec")


def test_a_json_key_spelled_like_a_merge_key_is_an_ordinary_key(tmp_path):
    path = _write(tmp_path, '{"<<": 1, "<<": 2}', "meta.json")
    with pytest.raises(ValueError, match=r'meta.json: \["<<"\] is given twice \(lines 1 and 1\)'):
        load_document(path, ValueError, "metadata")


def test_an_alias_to_the_list_it_is_in_does_not_loop(tmp_path):
    # Before, the line index followed the alias without end (RecursionError).
    document, lines = load_document(_write(tmp_path, "a: &x [1, *x]\n"), ValueError, "spec")
    assert document["a"][0] == 1 and document["a"][1] is document["a"]
    assert lines[("a", 1)] == 1


@pytest.mark.parametrize("what", ["spec", "metadata"])
def test_a_tab_indent_is_said_to_be_one_with_what_to_do(tmp_path, what):
    # Before, only the parser's words: "found character '\t' that cannot start any token", which does not say that
    # YAML indents with spaces.
    path = tmp_path / f"{what}.yaml"
    path.write_text("Subject:\n\tsubject_id: m1\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_document(path, ValueError, what)
    assert str(raised.value) == (
        f"{path}: not valid YAML (line 2: found character '\\t' that cannot start any token); indent with spaces, "
        "not tabs (YAML takes no tab in an indent)."
    )
