"""Fixtures for driving `mockvoice practice` through real PortAudio in a subprocess, against a private
PulseAudio server (see pulse.py): a pipe-source microphone fed from a FIFO, a null-sink speaker."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from .pulse import PulseRig, start_pulse


def _pulse_rig():
    try:
        with start_pulse() as rig:
            yield rig
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def pulse():
    """One PulseAudio server for the practice tests, stopped at the end of the session."""
    yield from _pulse_rig()


class Practice:
    """`mockvoice practice` in a subprocess against the rig; reads its output line by line."""

    def __init__(self, rig: PulseRig, args: list[str], recordings: Path):
        env = {**rig.env, "PYTHONUNBUFFERED": "1", "MOCKVOICE_RECORDINGS": str(recordings), "COLUMNS": "200"}
        self.recordings = recordings
        self.proc = subprocess.Popen([sys.executable, "-m", "mockvoice", "practice", *args], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []

    def wait_for(self, text: str, timeout: float = 90) -> str:
        """Read output until a line contains `text`; fail with the output so far if it never comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip())
            if text in line:
                return line
        self.proc.kill()
        pytest.fail(f"never saw {text!r}; output:\n" + "\n".join(self.lines[-40:]))

    def finish(self, timeout: float = 120) -> int:
        out, _ = self.proc.communicate(timeout=timeout)
        self.lines.extend(out.splitlines())
        return self.proc.returncode

    def session_dir(self) -> Path:
        found = sorted(p for p in self.recordings.iterdir() if p.is_dir())
        assert len(found) == 1, found
        return found[0]


def _runner(rig: PulseRig, tmp_path: Path):
    runs: list[Practice] = []

    def start(*args: str) -> Practice:
        rig.feeder.hush()
        run = Practice(rig, list(args), tmp_path / "recordings")
        runs.append(run)
        return run

    yield start
    for run in runs:
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


@pytest.fixture
def practice_run(pulse, tmp_path):
    yield from _runner(pulse, tmp_path)


@pytest.fixture
def fresh_pulse():
    """A PulseAudio server of the test's own: nothing buffered or queued from earlier runs."""
    yield from _pulse_rig()


@pytest.fixture
def fresh_practice_run(fresh_pulse, tmp_path):
    yield from _runner(fresh_pulse, tmp_path)


def speaker_audio(path: Path) -> np.ndarray:
    return np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float32) / 32768.0


