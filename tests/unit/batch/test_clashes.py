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
