"""WAV files written while they record: the header is valid after every flush, and a truncated one is repaired.

A `StreamingWav` appends 16-bit mono PCM and, on each flush (every half second by default),
rewrites the RIFF and data sizes and fsyncs, so a crash or SIGKILL loses at most the audio
since the last flush. `repair_wav` fixes the sizes of a file whose writer died mid-write.
"""

from __future__ import annotations

import os
import struct
import time
from pathlib import Path

import numpy as np

from .audio import SAMPLE_RATE, to_int16
from .writes import RECORDINGS_HINT, storage_error

__all__ = ["StreamingWav", "repair_wav", "HEADER_BYTES"]

HEADER_BYTES = 44


def _header(data_bytes: int, sample_rate: int) -> bytes:
    return (
        b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
        + b"data" + struct.pack("<I", data_bytes)
    )


class StreamingWav:
    """Append float samples to a 16-bit WAV; the header always describes what is safely on disk."""

    def __init__(self, path: str | os.PathLike, sample_rate: int = SAMPLE_RATE, flush_every_s: float = 0.5):
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.flush_every_s = flush_every_s
        self._data_bytes = self._safe_bytes = 0  # written; covered by the header on disk
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "wb")
            self._fh.write(_header(0, sample_rate))
        except OSError as exc:
            raise storage_error(self.path, exc, "record the answer", RECORDINGS_HINT) from exc
        self._last_flush = time.monotonic()
        self.closed = False

    @property
    def duration(self) -> float:
        return self._data_bytes / 2 / self.sample_rate

    def write(self, samples: np.ndarray) -> None:
        if self.closed or len(samples) == 0:
            return
        blob = to_int16(np.asarray(samples, dtype=np.float32)).tobytes()
        try:
            self._fh.write(blob)
        except OSError as exc:
            raise self._failed(exc) from exc
        self._data_bytes += len(blob)
        if time.monotonic() - self._last_flush >= self.flush_every_s:
            self.flush()

    def flush(self) -> None:
        """Push the audio to disk, then point the header at it (data first: the header never overclaims)."""
        if self.closed:
            return
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.seek(0)
            self._fh.write(_header(self._data_bytes, self.sample_rate))
            self._fh.seek(0, os.SEEK_END)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise self._failed(exc) from exc
        self._safe_bytes = self._data_bytes
        self._last_flush = time.monotonic()

    def _failed(self, exc: OSError) -> Exception:
        """A write failed (disk full, folder gone): keep the audio the header covers, drop the rest (freeing
        its space, so the session can still be saved), stop writing, and say so in one line."""
        self.closed = True
        try:
            self._fh.close()
        except OSError:
            pass  # the buffered tail could not be written either
        try:
            os.truncate(self.path, HEADER_BYTES + self._safe_bytes)
        except OSError:
            pass
        return storage_error(self.path, exc, "record the answer", RECORDINGS_HINT)

    def close(self) -> None:
        if not self.closed:
            self.flush()
            self._fh.close()
            self.closed = True

    def __enter__(self) -> "StreamingWav":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def repair_wav(path: str | os.PathLike) -> bool:
    """Make a 16-bit mono WAV's header match the bytes on disk; True if it had to change anything."""
    p = Path(path)
    size = p.stat().st_size
    with open(p, "r+b") as fh:
        head = fh.read(HEADER_BYTES)
        if len(head) < HEADER_BYTES or head[:4] != b"RIFF" or head[36:40] != b"data":
            return False  # not a file this module wrote; leave it alone
        data = size - HEADER_BYTES
        data -= data % 2
        riff, declared = struct.unpack("<I", head[4:8])[0], struct.unpack("<I", head[40:44])[0]
        if declared == data and riff == 36 + data and size == HEADER_BYTES + data:
            return False
        rate = struct.unpack("<I", head[24:28])[0]
        fh.seek(0)
        fh.write(_header(data, rate))
        fh.truncate(HEADER_BYTES + data)
    return True
