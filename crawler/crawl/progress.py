"""Which page the article worker is handling: a 16-byte slot both processes map.

The worker writes (batch id, page index) into the slot before each page (no system
call: a store into shared memory), ``STORING`` while it writes a batch to the store and
``IDLE`` between batches. The crawl process reads it only when the worker has died, to
tell which page was being handled: a page over its time budget is then recorded as too
complex, and a page that killed the worker alone is named. Nothing else goes this way;
replies still come through the worker's stdout.
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile

_SLOT = struct.Struct("=qq")
IDLE = -2  # between batches
STORING = -1  # writing a batch to the store
FD_ENV = "LEADWATCH_WORKER_PROGRESS_FD"  # the slot's file descriptor in the worker


class ProgressSlot:
    """The crawl process's side: an unlinked temporary file the worker inherits."""

    def __init__(self) -> None:
        fd, path = tempfile.mkstemp(prefix="leadwatch-progress-")
        os.unlink(path)
        os.ftruncate(fd, _SLOT.size)
        self.fd = fd

    def read(self) -> tuple[int, int] | None:
        """(batch id, page index or STORING) of the last thing the worker started, or
        None when it was idle."""
        batch_id, index = _SLOT.unpack(os.pread(self.fd, _SLOT.size, 0))
        return None if index == IDLE or batch_id == 0 else (batch_id, index)

    def reset(self) -> None:
        os.pwrite(self.fd, _SLOT.pack(0, IDLE), 0)

    def close(self) -> None:
        os.close(self.fd)


class ProgressWriter:
    """The worker's side: writes into the inherited slot (no-op without one)."""

    def __init__(self, fd: int | None):
        self.map = mmap.mmap(fd, _SLOT.size) if fd is not None else None

    @classmethod
    def from_environment(cls) -> ProgressWriter:
        value = os.environ.get(FD_ENV, "")
        return cls(int(value) if value.isdigit() else None)

    def mark(self, batch_id: int, index: int) -> None:
        if self.map is not None:
            _SLOT.pack_into(self.map, 0, batch_id, index)
