"""Telling a write refused for room from a writer's other errors (:mod:`poseconv.full_disk`)."""

from __future__ import annotations

import errno

from poseconv.full_disk import is_disk_full, storage_error


def test_a_refusal_for_room_is_known_in_every_writer_s_words():
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(RuntimeError("Can't write data (file write failed: ..., errno = 28, error message = ...)"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_only_a_failed_write_may_be_a_full_disk_that_said_nothing():
    from tables.exceptions import NoSuchNodeError

    assert storage_error(RuntimeError("NetCDF: HDF error")) and storage_error(NoSuchNodeError("/df_with_missing"))
    assert storage_error(OSError(errno.EIO, "Input/output error"))
    for said_what_is_wrong in (ValueError("bad"), KeyError("x"), TypeError("y"), PermissionError(13, "denied")):
        assert not storage_error(said_what_is_wrong)
