"""Single-key commands during practice (Enter, r, s, q) read from a terminal without blocking the loop.

With no terminal (stdin closed, a pipe, a test) there are no keys and the loop runs on its own.
"""

from __future__ import annotations

import os
import queue
import sys
import threading

__all__ = ["KeyReader", "KEYS"]

KEYS = {"\n": "enter", "\r": "enter", "r": "r", "s": "s", "q": "q"}


class KeyReader:
    """Reads keys in cbreak mode on a background thread; `poll()` returns 'enter', 'r', 's', 'q' or None."""

    def __init__(self, stream=None):
        self._q: queue.Queue[str] = queue.Queue()
        self._stream = stream if stream is not None else sys.stdin
        self._saved = None
        self._stop = threading.Event()
        self.active = False
        try:
            self.active = self._stream is not None and not self._stream.closed and self._stream.isatty()
        except (ValueError, AttributeError):
            self.active = False

    def __enter__(self) -> "KeyReader":
        if self.active:
            import termios
            import tty

            fd = self._stream.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            threading.Thread(target=self._loop, args=(fd,), daemon=True, name="keys").start()
        return self

    def _loop(self, fd: int) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            ch = os.read(fd, 1).decode(errors="ignore").lower()
            if not ch:
                return
            if ch in KEYS:
                self._q.put(KEYS[ch])

    def poll(self) -> str | None:
        try:
            return self._q.get_nowait()
        except queue.Empty:
            return None

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._stream.fileno(), termios.TCSADRAIN, self._saved)
