"""What validate says when pynwb cannot read a file that poseconv reads."""

from __future__ import annotations

from poseconv.validation.run import _unreadable_message


def test_a_file_pynwb_cannot_read_is_one_line_naming_the_failure():
    # hdmf's ConstructError puts a dump of every builder of the object on its lines after the first.
    error = RuntimeError("Could not construct SkeletonInstance object\n" + "GroupBuilder {...}\n" * 200)
    message = _unreadable_message(object(), error)
    assert message.importance.name == "ERROR" and message.check_function_name == "nwbinspector could not read the file"
    assert message.message == "pynwb failed with RuntimeError: Could not construct SkeletonInstance object"
