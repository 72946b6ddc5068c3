"""Terminal replay: play a session's answers through sounddevice while an annotated transcript follows along.

The audio device's sample position is the clock. Keys (read in cbreak mode, restored on exit): space
pause/resume, left/right seek 5 s, n/p next/previous annotation, q quit. With no TTY or no output
device the CLI prints the annotated transcript instead (see replayview.annotated_lines).
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import threading
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .annotate import TurnNotes, annotate_session, word_marks
from .audio import SAMPLE_RATE, load_audio
from .catalog import turn_audio_path
from .errors import DeviceError, InputFileError, SessionError
from .scorecard import Scorecard
from .session import Session, Turn

__all__ = ["SEEK_S", "ReplayTurn", "Replay", "DevicePlayer", "KeyReader", "output_available", "replay_turns", "run_replay"]

SEEK_S = 5.0
HOLD_S = 2.5  # how long the probe and feedback stay up between turns
KEYS = {b" ": "space", b"\x1b[C": "right", b"\x1b[D": "left", b"\x1bOC": "right", b"\x1bOD": "left",
        b"n": "next", b"p": "prev", b"q": "quit", b"Q": "quit", b"\x03": "quit"}


@dataclass
class ReplayTurn:
    """One answer to replay: the stored turn, its annotations, and its audio samples (None if missing)."""

    turn: Turn
    notes: TurnNotes
    samples: np.ndarray | None
    marks: list = field(default_factory=list)

    @property
    def duration(self) -> float:
        if self.samples is not None:
            return len(self.samples) / SAMPLE_RATE
        return self.turn.transcript.duration or 0.0


def replay_turns(folder: Path, session: Session, turn: int | None = None, load: bool = True,
                 turn_scores: bool = True) -> list[ReplayTurn]:
    """The turns to replay (all, or only `turn`), with their annotations and, if `load`, their audio.

    `session` may be a score view's (scoreview.choose); `turn_scores=False` for one whose answers
    carry only their share of a whole-interview card.
    """
    if not session.turns:
        raise SessionError(f"{folder}: the session has no answers to replay")
    if turn is not None and not 1 <= turn <= len(session.turns):
        raise SessionError(f"{folder}: the session has {len(session.turns)} turn(s); pick --turn 1 to {len(session.turns)}")
    notes = annotate_session(session, turn_scores=turn_scores)
    out = []
    for pos, (t, n) in enumerate(zip(session.turns, notes), start=1):
        if turn is not None and pos != turn:
            continue
        samples = None
        path = turn_audio_path(folder, t.audio)
        if load and path is not None and path.is_file():
            try:
                samples = load_audio(path).samples
            except InputFileError:
                samples = None
        out.append(ReplayTurn(t, n, samples, word_marks(t.transcript, t.scorecard)))
    return out


def output_available(device: int | str | None = None) -> bool:
    """True when PortAudio has an output device (the given one, or the default)."""
    try:
        import sounddevice as sd

        sd.query_devices(device, kind="output")
        return True
    except Exception:
        return False


class DevicePlayer:
    """Plays mono 16 kHz samples on an output device; the frames handed to the device are the clock."""

    def __init__(self, device: int | str | None = None) -> None:
        import sounddevice as sd

        self._lock = threading.Lock()
        self._samples = np.zeros(0, dtype=np.float32)
        self._pos = 0
        self.paused = False
        self._ratio = 1.0
        try:
            self._stream = sd.OutputStream(samplerate=SAMPLE_RATE, channels=1, dtype="float32", device=device, callback=self._fill)
        except Exception:
            try:  # a device that refuses 16 kHz: play at its own rate, resampling on load
                rate = float(sd.query_devices(device, kind="output")["default_samplerate"])
                self._ratio = rate / SAMPLE_RATE
                self._stream = sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=device, callback=self._fill)
            except Exception as exc:
                raise DeviceError(f"cannot open the audio output ({exc}); use --no-audio, or pick a device with --output-device") from exc
        self._stream.start()

    def _fill(self, outdata, frames, _time, _status) -> None:
        with self._lock:
            if self.paused or self._pos >= len(self._samples):
                outdata.fill(0)
                return
            chunk = self._samples[self._pos : self._pos + frames]
            outdata[: len(chunk), 0] = chunk
            outdata[len(chunk) :].fill(0)
            self._pos += len(chunk)

    def load(self, samples: np.ndarray, start: float = 0.0) -> None:
        if self._ratio != 1.0:
            n = int(len(samples) * self._ratio)
            samples = np.interp(np.arange(n) / self._ratio, np.arange(len(samples)), samples).astype(np.float32)
        with self._lock:
            self._samples = np.asarray(samples, dtype=np.float32)
            self._pos = 0
        self.seek(start)

    @property
    def rate(self) -> float:
        return SAMPLE_RATE * self._ratio

    @property
    def position(self) -> float:
        return self._pos / self.rate

    @property
    def finished(self) -> bool:
        return self._pos >= len(self._samples)

    def seek(self, seconds: float) -> None:
        with self._lock:
            self._pos = int(min(max(seconds, 0.0) * self.rate, len(self._samples)))

    def close(self) -> None:
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:
            pass


class KeyReader:
    """Single key presses from the terminal: cbreak mode (no echo, no line buffering) restored on exit."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdin
        self._saved = None

    def __enter__(self) -> "KeyReader":
        if self.stream.isatty():
            fd = self.stream.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)

    def read(self, timeout: float) -> list[str]:
        """Keys pressed within `timeout` seconds, decoded (arrows, space, letters)."""
        fd = self.stream.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return []
        data = os.read(fd, 64)
        keys, i = [], 0
        while i < len(data):
            for seq in sorted(KEYS, key=len, reverse=True):
                if data.startswith(seq, i):
                    keys.append(KEYS[seq])
                    i += len(seq)
                    break
            else:
                i += 1
        return keys


@dataclass
class Replay:
    """Replay state over a list of turns: which turn, paused or not, and the key actions."""

    turns: list[ReplayTurn]
    player: object
    wrap_up: str | None = None
    whole: Scorecard | None = None  # the whole-interview card, shown after the last answer
    current: int = 0
    hold_until: float | None = None
    done: bool = False
    marks: list[tuple[int, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.marks = sorted((i, a.start) for i, rt in enumerate(self.turns) for a in rt.notes.annotations if a.start is not None)

    @property
    def turn(self) -> ReplayTurn:
        return self.turns[self.current]

    def start(self, turn_index: int = 0, at: float = 0.0) -> None:
        self.current = turn_index
        self.hold_until = None
        self.player.load(self.turn.samples, at)

    def position(self) -> float:
        return self.player.position

    def handle(self, key: str) -> None:
        if key == "quit":
            self.done = True
        elif key == "space":
            self.player.paused = not self.player.paused
        elif key in ("left", "right"):
            if self.hold_until is not None and key == "left":
                self.hold_until = None
                self.player.seek(self.turn.duration - SEEK_S)
            elif self.hold_until is None:
                self.player.seek(self.position() + (SEEK_S if key == "right" else -SEEK_S))
        elif key in ("next", "prev"):
            here = (self.current, self.turn.duration if self.hold_until is not None else self.position())
            if key == "next":
                target = next((m for m in self.marks if m > (here[0], here[1] + 0.3)), None)
            else:
                target = next((m for m in reversed(self.marks) if m < (here[0], here[1] - 1.0)), None)
            if target is not None:
                if target[0] != self.current:
                    self.start(target[0], target[1])
                else:
                    self.hold_until = None
                    self.player.seek(target[1])

    def tick(self, now: float) -> None:
        """Advance between turns: hold the probe and feedback on screen, then start the next answer."""
        if self.done or not self.player.finished:
            return
        if self.hold_until is None:
            self.hold_until = now + HOLD_S
        elif now >= self.hold_until:
            if self.current + 1 < len(self.turns):
                self.start(self.current + 1)
            else:
                self.done = True


@contextlib.contextmanager
def _alsa_muted():
    """Send fd 2 to /dev/null: ALSA prints "underrun occurred" there, which would tear the live view."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def run_replay(turns: list[ReplayTurn], console, start: float = 0.0, device: int | str | None = None,
               wrap_up: str | None = None, frame=None, key_stream=None, whole: Scorecard | None = None) -> None:
    """Play `turns` on the output device with a live, annotated view until the end or `q`."""
    from rich.live import Live

    from .replayview import live_frame

    frame = frame or live_frame
    playable = [rt for rt in turns if rt.samples is not None]
    if not playable:
        raise SessionError("no audio to replay in these turns; use --no-audio to read the annotated transcript")
    with _alsa_muted():
        player = DevicePlayer(device)
        state = Replay(playable, player, wrap_up, whole)
        try:
            state.start(0, min(start, max(playable[0].duration - 0.1, 0.0)))
            with KeyReader(key_stream) as keys, Live(frame(state), console=console, refresh_per_second=12, transient=False) as live:
                while not state.done:
                    for key in keys.read(0.05):
                        state.handle(key)
                    state.tick(time.monotonic())
                    live.update(frame(state))
        finally:
            player.close()
