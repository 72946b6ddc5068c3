"""Drive `mockvoice replay` in a real pseudo-terminal (a private tmux server) and read its screen."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

STATUS = re.compile(r"(playing|paused|ended)\s+(\d+):(\d+\.\d) / ")
MOCKVOICE = str(Path(sys.executable).with_name("mockvoice"))


@dataclass
class Screen:
    text: str
    state: str | None
    pos: float | None


class Pane:
    """One tmux pane running a command; keys go in with send-keys, the screen comes back with capture-pane."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket, self.env = socket, env
        self.seen: list[Screen] = []
        self.name = ""
        self.count = 0

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10).stdout

    def start(self, *args: str) -> None:
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        cmd = f"env {env} {shlex.quote(MOCKVOICE)} {' '.join(shlex.quote(str(a)) for a in args)}; " \
              f"echo EXIT=$?; stty -a | grep -o -- '-\\?icanon'; sleep 600"
        if self.name:
            self._tmux("kill-session", "-t", self.name)
        self.count += 1
        self.name = f"replay{self.count}"
        out = subprocess.run(["tmux", "-L", self.socket, "new-session", "-d", "-s", self.name, "-x", "110", "-y", "45", cmd],
                             capture_output=True, text=True, timeout=10)
        assert out.returncode == 0, out.stderr
        self.seen = []

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def screen(self) -> Screen:
        text = self._tmux("capture-pane", "-p", "-t", self.name)
        if "EXIT=" not in text:  # the live frame only: up to its key help line
            text = text.split("q quit", 1)[0]
        m = STATUS.search(text)
        shot = Screen(text, m.group(1) if m else None, int(m.group(2)) * 60 + float(m.group(3)) if m else None)
        self.seen.append(shot)
        return shot

    def wait(self, cond, timeout: float = 15.0) -> Screen:
        """The first screen meeting `cond` on two captures in a row (a capture can catch a half-drawn frame)."""
        deadline = time.monotonic() + timeout
        prev = None
        while True:
            s = self.screen()
            if cond(s):
                if prev is not None:
                    return prev
                prev = s
                continue
            prev = None
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting; last screen:\n{s.text}")
            time.sleep(0.08)

    def close(self) -> None:
        self._tmux("kill-server")


def make_pane(pulse_server: str, recordings: Path) -> Pane:
    env = {"PULSE_SERVER": pulse_server, "MOCKVOICE_RECORDINGS": str(recordings), "TERM": "xterm-256color",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return Pane(f"mockvoice-replay-{os.getpid()}", env)


def line(a) -> str:
    """How the live view lists an evidence mark once playback has reached it."""
    from mockvoice.replayview import clock

    return f"{clock(a.start)} ● {a.label}"
