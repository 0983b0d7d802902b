"""Sessions that repeat another's session ID or output file: said with what to do."""

from __future__ import annotations

from poseconv.batch.plan import plan_spec
from tests.unit.batch.test_spec import session, write_spec


def _two_animals_day1(session_ids, **metadata):
    sessions = []
    for animal, session_id in zip(("m1", "m2"), session_ids, strict=True):
        entry = session(session_id, nwbfile_name=f"sub-{animal}/sub-{animal}_ses-day1.nwb", **metadata)
        entry["subject"]["subject_id"] = animal
        sessions.append(entry)
    return {"sessions": sessions}


def test_one_session_id_for_two_animals_says_how_to_write_it_in_both_files(tmp_path):
    # DANDI's sub-m1_ses-day1 and sub-m2_ses-day1: the refusal said only "'day1' is also sessions[0]."
    plan = plan_spec(write_spec(tmp_path, _two_animals_day1(["day1", "day1"])))
    [message] = [p.message for p in plan.problems if p.location == "sessions[1].session_id"]
    assert message.startswith("'day1' is also sessions[0]. A spec's session_id names one session of the spec")
    assert message.endswith(
        "give this session its own (session_id: m2-day1) and the one to write in its metadata: "
        "{NWBFile: {session_id: day1}}."
    )
    # The way it says works: no problem of the session IDs.
    ids = _two_animals_day1(["m1-day1", "m2-day1"], metadata={"NWBFile": {"session_id": "day1"}})
    assert [p for p in plan_spec(write_spec(tmp_path, ids)).problems if "session_id" in p.location] == []


def _outputs_said(tmp_path, *sessions):
    plan = plan_spec(write_spec(tmp_path, {"output_folder": "nwb", "sessions": list(sessions)}))
    return {p.location: p.message for p in plan.problems if p.location.endswith(("nwbfile_name", "session_id"))}


def test_names_in_another_unicode_form_are_one_output_file(tmp_path):
    # Before, 'día1.nwb' typed on Linux (NFC) and pasted from a macOS folder listing (NFD) were two outputs: both
    # were written, one file on macOS (the second replaced the first), and dandi organize named them alike.
    nfc, nfd = "d\u00eda1.nwb", "di\u0301a1.nwb"
    said = _outputs_said(tmp_path, session("s1", nwbfile_name=nfc), session("s2", nwbfile_name=nfd))
    nwb = tmp_path / "nwb"
    assert said == {
        "sessions[1].nwbfile_name": (
            f"writes {ascii(str(nwb / nfd))}, and sessions[0] writes {ascii(str(nwb / nfc))}: the names differ only "
            "in Unicode normalization (NFC vs NFD: an accented letter as one character or as a letter and an accent, "
            "as macOS writes names), which makes them one file on macOS; name them apart."
        )
    }
    # The escapes show what prints alike; case and form both differing are said together.
    said = _outputs_said(tmp_path, session("s1", nwbfile_name=nfc), session("s2", nwbfile_name="DI\u0301A1.nwb"))
    assert "differ only in letter case and Unicode normalization" in said["sessions[1].nwbfile_name"]
    # A session ID in either form names the same default file (día1.nwb).
    said = _outputs_said(tmp_path, session("d\u00eda1"), session("di\u0301a1"))
    assert "differ only in Unicode normalization" in said["sessions[1].session_id"]


def test_names_differing_in_case_alone_are_said_as_before(tmp_path):
    said = _outputs_said(tmp_path, session("s1", nwbfile_name="Día1.nwb"), session("s2", nwbfile_name="día1.nwb"))
    nwb = tmp_path / "nwb"
    assert said == {
        "sessions[1].nwbfile_name": (
            f"writes {nwb / 'día1.nwb'}, and sessions[0] writes {nwb / 'Día1.nwb'}: the names differ only in case, "
            "which makes them one file on macOS and Windows; name them apart."
        )
    }
