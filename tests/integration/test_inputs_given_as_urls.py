"""A pose file, video, timestamps or metadata file given as a URL: each entry point says to download it.

poseconv reads NWB files from URLs, not the files it converts. Before, ``Path("https://host/a.h5")``
(``https:/host/a.h5``) was reported as "file not found", and a spec joined the URL to its data folder.
"""

from __future__ import annotations

import pytest

from poseconv import PoseNWBConverter, SLEAPPoseInterface
from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from tests.fixtures.cli import one_session_spec
from tests.fixtures.paths import REPO_ROOT
from tests.integration.test_cli import START, assert_one_line_error, poseconv

FLIES = REPO_ROOT / "examples/data/sleap-demo/flies.slp"
URL = "https://lab.example.org/data/session1/flies.slp"
SAYS_SO = ("is a URL", "Download it first")


def test_convert_names_each_url_given_whole(tmp_path):
    out = tmp_path / "a.nwb"
    result = poseconv("convert", URL, "-o", out, "--session-start-time", START, check_rc=None)
    assert_one_line_error(result, f"{URL}: is a URL", f"curl -LO '{URL}'")
    given = {"--video": "https://lab.example.org/v.mp4", "--timestamps": "s3://bucket/t.npy"}
    for option, url in given.items():
        result = poseconv("convert", FLIES, option, url, "-o", out, "--session-start-time", START, check_rc=None)
        assert_one_line_error(result, f"{url}: is a URL", *SAYS_SO)
    result = poseconv("convert", FLIES, "-m", "https://lab.example.org/m.yaml", "-o", out, check_rc=None)
    assert_one_line_error(result, "https://lab.example.org/m.yaml: is a URL")
    assert (
        "aws s3 cp --no-sign-request 's3://bucket/t.npy'"
        in poseconv("convert", FLIES, "--timestamps", "s3://bucket/t.npy", "-o", out, check_rc=None).stderr
    )
    assert not out.exists()


def test_a_spec_keeps_the_url_instead_of_joining_it_to_its_folder(tmp_path):
    spec = one_session_spec(tmp_path, f"{{file_path: '{URL}'}}", start=f"'{START}'")
    result = poseconv("run", spec, check_rc=1)
    assert f"sessions[0].pose[0].file_path (line 5): {URL}: is a URL" in result.stderr, result.stderr
    assert str(tmp_path) not in result.stderr.split("is a URL")[0]


def test_the_interface_and_the_converter_say_so_too():
    with pytest.raises(InvalidSourceFileError, match=r"https://lab\.example\.org/data/session1/flies\.slp: is a URL"):
        SLEAPPoseInterface(file_path=URL)

    class SessionConverter(PoseNWBConverter):
        data_interface_classes = {"Pose": SLEAPPoseInterface}

    with pytest.raises(InvalidSourceFileError, match="is a URL"):
        SessionConverter(source_data={"Pose": {"file_path": URL}})
    with pytest.raises(InvalidOptionError, match=r"https://lab\.example\.org/v\.mp4: is a URL"):
        SLEAPPoseInterface(file_path=FLIES, video_file_path="https://lab.example.org/v.mp4").get_metadata()


def test_inspect_of_a_pose_file_at_a_url_says_to_download_it(range_server):
    # inspect reads NWB files from URLs; a .slp (HDF5, but no NWB file) there is a pose file to download.
    import shutil

    shutil.copy(FLIES, range_server.root / "flies.slp")
    url = range_server.url("flies.slp")
    result = poseconv("inspect", url, check_rc=None)
    assert_one_line_error(result, f"{url}: an HDF5 file or Zarr store, but not an NWB file.", "download it first")
