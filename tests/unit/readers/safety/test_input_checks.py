"""The reader boundary: damaged files fail with poseconv's error naming them."""

from __future__ import annotations

import pytest

from poseconv.errors import InvalidSourceFileError
from poseconv.readers.safety.input_checks import reads_source


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


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_saved_again_by_a_spreadsheet_is_named_for_what_it_is(tmp_path, separator, named):
    # A DeepLabCut CSV opened and saved by Excel with a European locale: semicolons, decimal commas.
    rows = ["scorer;DLC_resnet50_aJan1shuffle1_10;DLC_resnet50_aJan1shuffle1_10", "bodyparts;nose;nose", "coords;x;y"]
    path = tmp_path / "videoDLC_resnet50_aJan1shuffle1_10.csv"
    path.write_text("\n".join([*rows, "0;1,5;2,5"]).replace(";", separator) + "\n")
    from poseconv import read_pose
    from poseconv.catalog import detect_format

    for attempt in (lambda: detect_format(path), lambda: read_pose(path, source_software="dlc")):
        with pytest.raises(InvalidSourceFileError, match=rf"{path.name}: its cells are separated by {named}"):
            attempt()
