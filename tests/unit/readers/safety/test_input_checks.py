"""The reader boundary: damaged files fail with poseconv's error naming them."""

from __future__ import annotations

import pathlib
import re

import pytest

from poseconv.errors import InvalidOptionError, InvalidSourceFileError
from poseconv.readers.safety.input_checks import check_input_file, reads_source


@reads_source("test file")
def _read(file_path, *, fail_with=None):
    if fail_with is not None:
        raise fail_with
    return file_path


def test_a_library_error_becomes_an_error_naming_the_file():
    with pytest.raises(
        InvalidSourceFileError, match=r"^broken.slp: cannot be read as a test file \(KeyError: 'dataset'\)"
    ):
        _read("broken.slp", fail_with=KeyError("dataset"))


def test_running_out_of_memory_names_the_file():
    with pytest.raises(InvalidSourceFileError, match=r"^huge.slp: reading it as a test file ran out of memory"):
        _read("huge.slp", fail_with=MemoryError())


def test_poseconv_errors_and_wrong_calls_pass_through():
    own = InvalidSourceFileError("x.slp: already clear.")
    with pytest.raises(InvalidSourceFileError) as caught:
        _read("x.slp", fail_with=own)
    assert caught.value is own
    with pytest.raises(TypeError):
        _read("x.slp", unknown_option=True)
    assert _read("fine.slp") == "fine.slp"


def test_an_argument_that_is_not_a_path_is_named_not_called_a_damaged_file():
    # None or a list of paths failed in the library with a TypeError, reported as a damaged file to send in.
    with pytest.raises(
        InvalidOptionError, match=r"^_read: file_path must be a path \(str or pathlib.Path\), got None\.$"
    ):
        _read(None)
    with pytest.raises(InvalidOptionError, match=r"got list \['a.slp'\]; read one file per call"):
        _read(["a.slp"])
    assert _read(pathlib.Path("fine.slp")) == pathlib.Path("fine.slp")


@pytest.mark.parametrize("given", [None, ["a.nwb", "b.nwb"]])
def test_the_public_functions_that_take_one_file_name_an_argument_that_is_not_one(given):
    # detect_format and validate_nwb ended with a plain TypeError from pathlib, naming no argument.
    from poseconv import detect_format, validate_nwb

    for function in (detect_format, validate_nwb):
        with pytest.raises(InvalidOptionError, match=r"must be a path \(str or pathlib.Path\), got "):
            function(given)


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_saved_again_by_a_spreadsheet_is_named_for_what_it_is(tmp_path, separator, named):
    # A DeepLabCut CSV opened and saved by Excel with a European locale: semicolons, decimal commas.
    rows = ["scorer;DLC_resnet50_aJan1shuffle1_10;DLC_resnet50_aJan1shuffle1_10", "bodyparts;nose;nose", "coords;x;y"]
    path = tmp_path / "videoDLC_resnet50_aJan1shuffle1_10.csv"
    path.write_text("\n".join([*rows, "0;1,5;2,5"]).replace(";", separator) + "\n")
    from poseconv import read_pose
    from poseconv.catalog import detect_format

    for attempt in (lambda: detect_format(path), lambda: read_pose(path, source_software="dlc")):
        with pytest.raises(InvalidSourceFileError, match=rf"{path.name}: its cells are separated by {named}") as err:
            attempt()
        # A tab-separated file was said to come of a European locale's semicolons.
        assert ("semicolons" in str(err.value)) is (separator == ";")


def test_a_trailing_comma_on_the_data_rows_only_is_named(tmp_path):
    # Rows written one by one by a script, each ending in ",": pandas' 'Length of new names must be 1, got 3'.
    header = ["scorer,S,S", "bodyparts,nose,nose", "coords,x,y"]
    path = tmp_path / "videoDLC_resnet50_aJan1shuffle1_10.csv"
    path.write_text("\n".join([*header, "0,1.5,2.5,", "1,1.5,2.5,"]) + "\n")
    said = "its data rows \\(not its header rows\\) end in 1 empty cell\\(s\\) \\(a trailing comma\\)"
    with pytest.raises(InvalidSourceFileError, match=said):
        check_input_file(path, suffixes={".csv"}, what="DeepLabCut predictions")
    # Data rows as long as the header (an empty last value) are no trailing comma.
    path.write_text("\n".join([*header, "0,1.5,", "1,1.5,2.5"]) + "\n")
    assert check_input_file(path, suffixes={".csv"}, what="DeepLabCut predictions") == path


LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:a64dc87cf58817e4fee0c70103fcc026564c11c79460b0181e09f1dc1167d268\nsize 19923140\n"
)
ANNEX_KEY = "SHA256E-s19923140--a64dc87cf58817e4fee0c70103fcc026564c11c79460b0181e09f1dc1167d268.slp"


def _placeholders(tmp_path):
    """What a data repository leaves where a file was not downloaded: an LFS pointer, annex pointer and link."""
    (tmp_path / "predsDLC_resnet50_xJan1shuffle1_100.csv").write_text(LFS_POINTER)
    (tmp_path / "unlocked.slp").write_text(f"/annex/objects/{ANNEX_KEY}\n")
    (tmp_path / "locked.slp").symlink_to(f"../.git/annex/objects/Xx/Yy/{ANNEX_KEY}/{ANNEX_KEY}")
    return {
        "predsDLC_resnet50_xJan1shuffle1_100.csv": "is a Git LFS pointer, not the file: .* git lfs pull",
        "unlocked.slp": "is a git-annex \\(DataLad\\) pointer, not the file: .* datalad get",
        "locked.slp": "is a git-annex \\(DataLad\\) link whose content is not downloaded. .* datalad get",
    }


def test_a_file_not_downloaded_from_its_data_repository_says_how_to_get_it(tmp_path):
    from poseconv import catalog
    from poseconv.readers.safety.input_checks import check_input_file
    from tests.fixtures.cli import poseconv_in_process

    for name, said in _placeholders(tmp_path).items():
        path = tmp_path / name
        with pytest.raises(InvalidSourceFileError, match=said):
            catalog.detect_format(path)
        with pytest.raises(InvalidSourceFileError, match=said):
            check_input_file(path, suffixes={".csv", ".slp"}, what="pose")
        for source in ((), ("--source", "sleap")):
            result = poseconv_in_process("convert", path, *source, "-o", tmp_path / "out.nwb")
            assert result.returncode != 0 and "Traceback" not in result.stderr
            assert re.search(said, result.stderr), result.stderr
    assert not (tmp_path / "out.nwb").exists()


def test_a_csv_with_a_trailing_comma_on_each_line_is_refused_saying_so(tmp_path):
    from poseconv import catalog
    from poseconv.readers.safety.input_checks import check_input_file

    header = "scorer,DLC_resnet50_xJan1shuffle1_100,DLC_resnet50_xJan1shuffle1_100,DLC_resnet50_xJan1shuffle1_100,\n"
    header += "bodyparts,nose,nose,nose,\ncoords,x,y,likelihood,\n0,1.5,2.5,0.9,\n"
    (tmp_path / "predsDLC_resnet50_xJan1shuffle1_100.csv").write_text(header)
    said = r"its lines end in 1 empty cell\(s\) \(a trailing comma\)"
    with pytest.raises(InvalidSourceFileError, match=said):
        check_input_file(tmp_path / "predsDLC_resnet50_xJan1shuffle1_100.csv", suffixes={".csv"}, what="pose")
    with pytest.raises(InvalidSourceFileError, match=said):
        from poseconv.readers.deeplabcut import read_deeplabcut

        read_deeplabcut(tmp_path / "predsDLC_resnet50_xJan1shuffle1_100.csv")
    # A last value left empty in a data row (a NaN likelihood) is no trailing comma.
    (tmp_path / "ok.csv").write_text(header.replace(",\n", "\n").replace("0.9", ""))
    check_input_file(tmp_path / "ok.csv", suffixes={".csv"}, what="pose")
    assert catalog.detect_format(tmp_path / "ok.csv").name == "DeepLabCut"


@pytest.mark.parametrize("cut", [None, 150], ids=["whole-then-zeros", "cut-then-zeros"])
def test_a_csv_that_ends_in_zeros_is_said_to_be_damaged_without_printing_them(tmp_path, cut):
    # A crash or power loss while a tool writes leaves the file's size and zeros for its last data: read
    # as text they were "rows labelled ..., times" or "values that are not numbers" with hundreds of NULs.
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.readers import read_pose
    from poseconv.testing.mock import mock_pose_data

    path = write_deeplabcut(mock_pose_data(n_frames=5), tmp_path / "posesDLC_x.csv")
    text = path.read_bytes()
    text = text[:cut] if cut else text
    path.write_bytes(text + b"\x00" * 300)
    with pytest.raises(
        InvalidSourceFileError, match=rf"posesDLC_x.csv: ends in zeros \(NUL bytes, from byte {len(text):,}"
    ) as err:
        read_pose(path)
    assert "\x00" not in str(err.value) and "\\x00" not in str(err.value)


@pytest.mark.parametrize(
    ("encoding", "said"),
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")],
)
def test_a_csv_saved_as_wide_unicode_text_is_said_to_be_so_not_cut_by_a_crash(tmp_path, encoding, said):
    # Excel's "Unicode Text" and Windows PowerShell 5's Out-File / Export-Csv save UTF-16: half its bytes are NUL.
    from poseconv.exporters.deeplabcut import write_deeplabcut
    from poseconv.readers import read_pose
    from poseconv.testing.mock import mock_pose_data

    path = write_deeplabcut(mock_pose_data(n_frames=5), tmp_path / "posesDLC_x.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(InvalidSourceFileError, match=rf"posesDLC_x.csv: is {said} text, not the UTF-8") as err:
        read_pose(path)
    assert "crash" not in str(err.value) and "CSV UTF-8" in str(err.value)


def test_a_csv_of_zeros_only_is_still_said_to_be_cut_by_a_crash(tmp_path):
    path = tmp_path / "posesDLC_x.csv"
    path.write_bytes(b"\x00" * 600)
    with pytest.raises(InvalidSourceFileError, match=r"posesDLC_x.csv: ends in zeros \(NUL bytes, from byte 0 "):
        check_input_file(path, suffixes={".csv"}, what="pose")
