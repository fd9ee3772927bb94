"""Length-prefixed pickle frames: how the crawl process and its article worker talk.

Both ends are our own code in one installation, so pickle is safe here; it never reads
anything that came from outside.
"""

from __future__ import annotations

import pickle
import struct
from typing import IO, Any

_LENGTH = struct.Struct("!I")


def pack(message: Any) -> bytes:
    """One frame: 4-byte big-endian length, then the pickled message."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def read(stream: IO[bytes]) -> Any | None:
    """The next message from a blocking stream; None at end of stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)


class Decoder:
    """Reassembles messages from the chunks a non-blocking reader receives."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        """The messages completed by ``data`` (possibly none)."""
        self.buffer += data
        messages = []
        while len(self.buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.buffer)
            end = _LENGTH.size + length
            if len(self.buffer) < end:
                break
            messages.append(pickle.loads(self.buffer[_LENGTH.size : end]))
            del self.buffer[:end]
        return messages
