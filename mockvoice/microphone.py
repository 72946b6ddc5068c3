"""Microphones: the `Microphone` protocol, a sounddevice one, and a scripted one that streams clips in real time.

Both deliver 16 kHz mono float32 blocks stamped with when their first sample was captured
(time.monotonic seconds). `resume()` is called when the interviewer starts listening: a
real microphone drops what it heard while the interviewer spoke (half-duplex); the scripted
one starts its next answer.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .audio import SAMPLE_RATE, AudioClip
from .errors import DeviceError

__all__ = ["Block", "Microphone", "SoundDeviceMicrophone", "ClipMicrophone", "BLOCK"]

BLOCK = 512  # 32 ms: one VAD frame per block


@dataclass(frozen=True)
class Block:
    """Captured samples and the monotonic time their first sample was captured."""

    samples: np.ndarray
    captured_at: float


@runtime_checkable
class Microphone(Protocol):
    """A source of live audio blocks."""

    def start(self) -> None: ...

    def read(self, timeout: float) -> Block | None: ...

    def resume(self) -> None: ...

    def close(self) -> None: ...


class SoundDeviceMicrophone:
    """A PortAudio input stream (sounddevice) feeding a queue; a dead device raises DeviceError on read."""

    def __init__(self, device: int | None = None, samplerate: int = SAMPLE_RATE):
        self.device = device
        self.samplerate = samplerate
        self._q: queue.Queue[Block] = queue.Queue()
        self._stream = None
        self._error: str | None = None
        self._last_block = 0.0

    def _callback(self, indata, frames, time_info, status) -> None:
        now = time.monotonic()
        adc, pa_now = time_info.inputBufferAdcTime, time_info.currentTime
        if adc and pa_now and 0 <= pa_now - adc < 2:
            captured = now - (pa_now - adc)
        else:
            captured = now - (self._stream.latency if self._stream else 0) - frames / self.samplerate
        self._last_block = now
        self._q.put(Block(indata[:, 0].copy(), captured))

    def _finished(self) -> None:
        self._error = self._error or "the input stream stopped"

    def start(self) -> None:
        import sounddevice as sd

        from .player import quiet_alsa

        quiet_alsa()
        try:
            self._stream = sd.InputStream(
                samplerate=self.samplerate, channels=1, dtype="float32", blocksize=BLOCK,
                device=self.device, callback=self._callback, finished_callback=self._finished,
            )
            self._stream.start()
        except Exception as exc:
            raise DeviceError(
                f"cannot open the microphone ({type(exc).__name__}: {exc}); pick another with --input-device "
                "(see `mockvoice devices`)"
            ) from exc
        self._last_block = time.monotonic()

    def read(self, timeout: float) -> Block | None:
        try:
            return self._q.get(timeout=timeout)
        except queue.Empty:
            if self._error or (self._stream is not None and time.monotonic() - self._last_block > 3.0):
                raise DeviceError(f"the microphone stopped delivering audio ({self._error or 'no data for 3 s'}); "
                                  "check the device and try --input-device") from None
            return None

    def resume(self) -> None:
        while True:
            try:
                self._q.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:
                pass
            self._stream = None


class ClipMicrophone:
    """A scripted candidate: streams one clip per `resume()` in real-time blocks, silence otherwise."""

    def __init__(self, answers: Sequence[AudioClip], lead_in_s: float = 0.4, realtime: bool = True):
        self._answers = list(answers)
        self.lead_in_s = lead_in_s
        self.realtime = realtime
        self._pending = np.zeros(0, dtype=np.float32)
        self._lock = threading.Lock()
        self._t0 = 0.0
        self._sent = 0

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._sent = 0

    def resume(self) -> None:
        with self._lock:
            lead = np.zeros(int(self.lead_in_s * SAMPLE_RATE), dtype=np.float32)
            nxt = self._answers.pop(0).samples if self._answers else np.zeros(0, dtype=np.float32)
            self._pending = np.concatenate([lead, nxt.astype(np.float32)])
            self._t0, self._sent = time.monotonic(), 0

    def read(self, timeout: float) -> Block | None:
        due = self._t0 + (self._sent + BLOCK) / SAMPLE_RATE
        wait = due - time.monotonic()
        if self.realtime and wait > 0:
            if wait > timeout:
                time.sleep(timeout)
                return None
            time.sleep(wait)
        with self._lock:
            chunk = self._pending[:BLOCK]
            self._pending = self._pending[BLOCK:]
        if len(chunk) < BLOCK:
            chunk = np.concatenate([chunk, np.zeros(BLOCK - len(chunk), dtype=np.float32)])
        captured = self._t0 + self._sent / SAMPLE_RATE
        self._sent += BLOCK
        return Block(chunk, captured)

    def close(self) -> None:
        pass
