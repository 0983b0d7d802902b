"""What ``poseconv validate`` says of one file (validation/report.py)."""

from __future__ import annotations

from poseconv.validation.report import FileReport, Problem

SIGNED = "https://bucket.example/s.nwb?X-Amz-Credential=AKIASECRET&X-Amz-Signature=deadbeef&versionId=3"


def test_a_signed_urls_signature_and_credential_are_not_in_the_report():
    # validate --json wrote the whole URL as "file" (its signature and credential), where inspect's
    # source_file and every export leave them out (model/location.recorded_location).
    report = FileReport(SIGNED, [Problem("CRITICAL", "poseconv:check", "wrong")])
    for said in (report.to_dict("CRITICAL")["file"], report.summary(), FileReport(SIGNED).summary()):
        assert "AKIASECRET" not in said and "deadbeef" not in said, said
        assert "https://bucket.example/s.nwb?versionId=3" in said, said


def test_a_local_path_is_said_as_it_is(tmp_path):
    report = FileReport(tmp_path / "s.nwb")
    assert report.to_dict("CRITICAL")["file"] == str(tmp_path / "s.nwb")
    assert report.summary() == f"{tmp_path / 's.nwb'}: OK"
