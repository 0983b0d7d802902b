"""Reading NWB files and Zarr stores from a URL fetches only what is read (a local server counts the bytes)."""

from __future__ import annotations

import shutil
import socket
from datetime import UTC, datetime

import numpy as np
import pytest

from poseconv import DeepLabCutPoseInterface, open_nwb, read_nwb
from poseconv.errors import InvalidSourceFileError
from poseconv.nwb.read.remote import http_url, is_url, url_name
from tests.fixtures.deeplabcut import write_dlc_file
from tests.fixtures.paths import needs_shared_data
from tests.fixtures.remote_failures import assert_same_poses, with_damaged_header

N_FRAMES = 200_000
INDIVIDUALS = ("mouse0", "mouse1", "mouse2", "mouse3")
BODYPARTS = ("nose", "ear", "tail")


@pytest.fixture(scope="module")
def large_nwb(tmp_path_factory):
    """A DeepLabCut file of 200k frames, 4 individuals x 3 bodyparts, converted: 4 PoseEstimations, 12 MB."""
    folder = tmp_path_factory.mktemp("large")
    rng = np.random.default_rng(0)
    # Sixteenths of a pixel and 1/256 likelihoods: exact in float32, as DeepLabCut's values often are.
    positions = {(i, p): rng.integers(0, 640 * 16, size=(N_FRAMES, 2)) / 16 for i in INDIVIDUALS for p in BODYPARTS}
    likelihood = {key: rng.integers(0, 256, size=N_FRAMES) / 256 for key in positions}
    source = write_dlc_file(folder / "bigDLC_resnet50_testJan1shuffle1_100.h5", positions, likelihood=likelihood)
    interface = DeepLabCutPoseInterface(file_path=source, sampling_frequency=30.0)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    path = folder / "large.nwb"
    interface.run_conversion(nwbfile_path=path, metadata=metadata)
    return path, positions, likelihood


def test_one_series_of_a_large_file_fetches_a_small_fraction_of_it(large_nwb, range_server):
    path, positions, likelihood = large_nwb
    shutil.copy(path, range_server.root / "large.nwb")
    size = path.stat().st_size
    # Through a redirect, as DANDI's api/assets/<id>/download/ URLs are.
    with open_nwb(range_server.url("large.nwb", redirect=True)) as nwb:
        assert sorted(nwb.containers) == [f"PoseEstimation_{i}" for i in INDIVIDUALS]
        opened = range_server.bytes_served()
        values, confidence = nwb.series("PoseEstimation_mouse2", "ear").load()
    np.testing.assert_array_equal(values, positions[("mouse2", "ear")])
    np.testing.assert_array_equal(confidence, likelihood[("mouse2", "ear")])
    assert opened < 0.1 * size, f"opening fetched {opened} of {size} bytes"
    assert range_server.bytes_served() < 0.2 * size, f"{range_server.bytes_served()} of {size} bytes"


def test_a_container_read_from_a_url_equals_the_file_read_from_disk(large_nwb, range_server):
    path, _, _ = large_nwb
    shutil.copy(path, range_server.root / "large.nwb")
    remote = read_nwb(range_server.url("large.nwb"), containers=["PoseEstimation_mouse0"])
    local = read_nwb(path, containers=["PoseEstimation_mouse0"])
    np.testing.assert_array_equal(remote[0].tracks[0].positions, local[0].tracks[0].positions)
    np.testing.assert_array_equal(remote[0].tracks[0].confidence, local[0].tracks[0].confidence)
    assert remote[0].skeletons == local[0].skeletons and remote[0].timing == local[0].timing
    # Three of the twelve series, and the file's metadata.
    assert range_server.bytes_served() < 0.4 * path.stat().st_size


@needs_shared_data
def test_a_zarr_store_is_read_from_a_url(tmp_path, range_server):
    from tests.fixtures.deeplabcut import OLD_PICKLE_H5

    interface = DeepLabCutPoseInterface(file_path=OLD_PICKLE_H5)
    metadata = interface.get_metadata()
    metadata["NWBFile"]["session_start_time"] = datetime(2024, 5, 1, tzinfo=UTC)
    store = tmp_path / "session.nwb.zarr"
    interface.run_conversion(nwbfile_path=store, metadata=metadata, backend="zarr")
    shutil.copytree(store, range_server.root / "session.nwb.zarr")
    # DANDI names Zarr assets by id, without a suffix: zarr/<id>/.
    shutil.copytree(store, range_server.root / "zarr" / "0123")
    local = read_nwb(store)
    for url in (range_server.url("session.nwb.zarr"), range_server.url("zarr/0123") + "/"):
        remote = read_nwb(url)
        np.testing.assert_array_equal(remote[0].tracks[0].positions, local[0].tracks[0].positions)
        np.testing.assert_array_equal(remote[0].tracks[0].confidence, local[0].tracks[0].confidence)
        # The video is beside the store on the server, not here.
        assert remote[0].videos[remote[0].tracks[0].video].path is None


def test_urls_that_cannot_be_read_are_clear_errors(range_server):
    (range_server.root / "notes.txt").write_text("not an NWB file")
    with pytest.raises(InvalidSourceFileError, match=r"not found \(HTTP 404\)"):
        read_nwb(range_server.url("missing.nwb"))
    with pytest.raises(InvalidSourceFileError, match="neither an HDF5 NWB file nor an NWB Zarr store"):
        read_nwb(range_server.url("notes.txt"))
    # A port nothing listens on: a failed connection, not a missing file.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InvalidSourceFileError, match="could not be read") as caught:
        read_nwb(f"http://127.0.0.1:{port}/session.nwb")
    # The port is random and may itself hold the digits 404.
    assert "HTTP 404" not in str(caught.value) and "not found" not in str(caught.value)
    assert "Check the URL and the network (behind a proxy, set HTTPS_PROXY" in str(caught.value)


def test_a_host_name_that_does_not_resolve_says_what_to_check():
    url = "http://nwb-host.invalid/session.nwb"
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: could not be read: no connection to the server") and "HTTP_PROXY" in message
    assert "download the file" in message


def test_the_proxy_of_http_proxy_is_used(small_nwb, range_server, monkeypatch):
    # On clusters a proxy is the only way out; poseconv's aiohttp session ignored HTTP_PROXY (no trust_env) and
    # failed on the DNS lookup curl and dandi get through. The test server answers absolute-URI requests as one.
    shutil.copy(small_nwb["s.nwb"], range_server.root / "s.nwb")
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{range_server.port}")
    assert_same_poses(read_nwb("http://nwb-host.invalid/s.nwb"), read_nwb(small_nwb["s.nwb"]))
    assert range_server.requests


def test_a_file_cut_short_at_a_url_is_said_damaged_as_on_disk(small_nwb, range_server):
    # An upload that did not finish: it was "not an HDF5 NWB file (... truncated file: eof = ...)".
    data = small_nwb["s.nwb"].read_bytes()
    (range_server.root / "half.nwb").write_bytes(data[: len(data) // 2])
    url = range_server.url("half.nwb")
    with pytest.raises(InvalidSourceFileError) as caught:
        read_nwb(url)
    message = str(caught.value)
    assert (
        message.startswith(f"{url}: ")
        and "the file is damaged: reading its HDF5 structure fails" in message
        and "copy it again" in message
    )
    assert "not an HDF5" not in message


def test_a_server_that_fails_while_reading_is_named_with_what_to_do(large_nwb, range_server):
    # A server without Range support (python -m http.server) gave fsspec's "Open with block_size=0", naming
    # no URL; a connection that dropped mid-read was an internal error (aiohttp's ClientPayloadError).
    path, _, _ = large_nwb
    shutil.copy(path, range_server.root / "large.nwb")
    whole = range_server.url("whole/large.nwb")
    with pytest.raises(InvalidSourceFileError, match=f"{whole}: the server does not answer Range requests"):
        read_nwb(whole)
    cut = range_server.url("cut/large.nwb")
    with pytest.raises(InvalidSourceFileError, match=f"{cut}: the connection broke while reading it") as caught:
        read_nwb(cut)
    assert "try again later, or download the file" in str(caught.value)


def test_s3_urls_are_read_from_the_buckets_https_endpoint():
    assert http_url("s3://dandiarchive/blobs/a/b/c") == "https://dandiarchive.s3.amazonaws.com/blobs/a/b/c"
    assert http_url("https://example.org/x.nwb") == "https://example.org/x.nwb"
    # An S3 key may hold ?, # and %: all of it is the key, sent quoted.
    assert http_url("s3://lab-data/runs/run?1.nwb") == "https://lab-data.s3.amazonaws.com/runs/run%3F1.nwb"
    assert http_url("s3://lab-data/runs/run#1.nwb") == "https://lab-data.s3.amazonaws.com/runs/run%231.nwb"
    assert http_url("s3://lab-data/a%20b.nwb") == "https://lab-data.s3.amazonaws.com/a%2520b.nwb"
    # A dotted bucket in the host name would not match the *.s3.amazonaws.com certificate: path style.
    assert http_url("s3://lab.data/a.nwb") == "https://s3.amazonaws.com/lab.data/a.nwb"
    with pytest.raises(InvalidSourceFileError, match="names a bucket"):
        http_url("s3:///key")
    assert is_url("HTTPS://x") and not is_url("x.nwb") and not is_url(None)
    assert url_name("https://api.dandiarchive.org/api/assets/abc/download/") == "download"


def test_a_read_that_times_out_is_said_as_such(tmp_path):
    import io

    import h5py

    from poseconv.nwb.read.remote import _open_hdf5_stream

    with h5py.File(tmp_path / "x.h5", "w") as handle:
        handle.create_group("processing")

    class StallingStream(io.BytesIO):
        """An HDF5 file whose reads stop answering after its signature, as a stalled server's."""

        def read(self, size=-1):
            if self.tell() >= 8:
                raise TimeoutError()
            return super().read(size)

        def readinto(self, buffer):
            raise TimeoutError()

    stream = StallingStream((tmp_path / "x.h5").read_bytes())
    # Before, the reads' TimeoutError (an OSError) was said as "not an HDF5 NWB file ()".
    with pytest.raises(InvalidSourceFileError, match="the server did not answer in time") as caught:
        _open_hdf5_stream("https://example.org/x.nwb", stream)
    assert "not an HDF5" not in str(caught.value) and stream.closed


def test_a_damaged_file_at_a_url_is_refused_naming_it_not_read_without_what_was_damaged(small_nwb, range_server):
    # On disk the file is walked in a child first and refused; from a URL a damaged confidence was read as none (all
    # NaN, an empty DLC likelihood column, exit 0), and a damaged root group said h5py's words only, naming no file.
    (range_server.root / "conf.nwb").write_bytes(with_damaged_header(small_nwb["s.nwb"], "/confidence"))
    (range_server.root / "root.nwb").write_bytes(with_damaged_header(small_nwb["s.nwb"]))
    url = range_server.url("conf.nwb")
    with pytest.raises(InvalidSourceFileError, match=r"part of the file cannot be read .*damaged") as caught:
        read_nwb(url)
    assert str(caught.value).startswith(f"{url}: ")
    url = range_server.url("root.nwb")
    with pytest.raises(
        InvalidSourceFileError, match=r"the file is damaged: reading its HDF5 structure fails"
    ) as caught:
        open_nwb(url)
    assert str(caught.value).startswith(f"{url}: ") and "copy it again" in str(caught.value)


def test_a_file_at_a_url_is_read_with_the_small_chunk_cache_of_a_file_on_disk(small_nwb, range_server):
    # HDF5's default cache (8 MiB per dataset with HDF5 2) kept every pose series read whole, at a URL as on disk.
    from poseconv.nwb.read.store import READ_CHUNK_CACHE_BYTES, READ_CHUNK_CACHE_SLOTS, open_store

    shutil.copy(small_nwb["s.nwb"], range_server.root / "s.nwb")
    with open_store(range_server.url("s.nwb")) as root:
        _, slots, nbytes, _ = root.id.get_access_plist().get_cache()
    assert (slots, nbytes) == (READ_CHUNK_CACHE_SLOTS, READ_CHUNK_CACHE_BYTES)
