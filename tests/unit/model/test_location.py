"""Where a file was read from, and whether its content is here (poseconv.model.location)."""

from __future__ import annotations

from poseconv.model.location import content_not_here


def test_small_files_that_are_no_placeholder_are_left_to_the_readers(tmp_path):
    (tmp_path / "tiny.csv").write_text("scorer,a\nbodyparts,b\n")
    (tmp_path / "elsewhere.slp").symlink_to(tmp_path / "missing.slp")
    assert content_not_here(tmp_path / "tiny.csv") is None
    assert content_not_here(tmp_path / "elsewhere.slp") is None


def test_a_url_made_into_a_path_is_recognised_and_given_back_whole(tmp_path):
    from pathlib import Path

    import pytest

    from poseconv.errors import InvalidOptionError
    from poseconv.model.location import require_file, url_as_path

    assert url_as_path(Path("https://host.org/a/b.h5")) == "https://host.org/a/b.h5"
    assert url_as_path(Path("S3://bucket/key.slp")) == "S3://bucket/key.slp"
    assert url_as_path(Path("https_data/b.h5")) is None and url_as_path(tmp_path / "http:/x") is None
    assert "curl -LO 'http://host.org/b.csv'" in content_not_here(Path("http://host.org/b.csv"))
    with pytest.raises(InvalidOptionError, match=r"^s3://bucket/v\.mp4: is a URL.*aws s3 cp --no-sign-request"):
        require_file(Path("s3://bucket/v.mp4"), "video", InvalidOptionError)
    with pytest.raises(InvalidOptionError, match=r"missing\.npy: timestamps file not found\.$"):
        require_file(tmp_path / "missing.npy", "timestamps", InvalidOptionError)


def test_a_folder_given_for_a_file_is_said_to_be_a_folder_not_missing(tmp_path):
    # --video, --timestamps, --metadata, a spec and --video-path given a folder were "file not found".
    import pytest

    from poseconv.errors import InvalidOptionError
    from poseconv.model.location import require_file

    (tmp_path / "videos").mkdir()
    with pytest.raises(InvalidOptionError, match=r"videos: is a folder, not a video file; give the video file inside"):
        require_file(tmp_path / "videos", "video", InvalidOptionError)


def test_a_file_url_is_its_path_and_other_schemes_are_urls_poseconv_does_not_read(tmp_path):
    # file:///... was "file:/...: file not found" though the file was there; gs:// and ftp:// were
    # "gs:/bucket/...: file not found".
    from pathlib import Path

    from poseconv.model.location import location, url_as_path

    there = tmp_path / "a b.nwb"
    there.write_bytes(b"x")
    assert location(f"file://{there}") == there and location(Path(f"file://{there}")) == there
    assert location(f"file://localhost{there}".replace(" ", "%20")) == there
    said = content_not_here(Path(f"file://{there}"))
    assert said == f"is a file:// URL; give its path, {there}."
    for url in ("gs://bucket/session1.h5", "ftp://host.org/a.nwb"):
        assert url_as_path(Path(url)) == url
        said = content_not_here(Path(url))
        assert said.startswith(f"is a URL ({url.split(':')[0]}://), which poseconv does not read") and "s3://" in said
    assert url_as_path(Path("C:/data/a.h5")) is None and url_as_path(Path("dandi://DANDI/000123")) is None


def test_a_url_is_recorded_without_its_query_and_fragment(tmp_path):
    from poseconv.model.location import recorded_location

    assert recorded_location("https://h.org/a.nwb?X-Amz-Signature=abc#x") == "https://h.org/a.nwb"
    # Only the credentials go: a query may name the file.
    signed = "https://h.org/download?file=s7.nwb&X-Amz-Credential=K%2F1&X-Amz-Signature=abc&sig=x&token=t"
    assert recorded_location(signed) == "https://h.org/download?file=s7.nwb"
    assert recorded_location("s3://b/k.nwb") == "s3://b/k.nwb" and recorded_location(tmp_path) == str(tmp_path)
