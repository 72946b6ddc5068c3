"""Speakers: play the interviewer's clips on a kept-open output stream, stoppable at once, timing the first sample.

`SoundDeviceSpeaker` keeps one PortAudio output stream open for the whole session (no
open/close cost per reply) and reports when the first sample of each clip reaches the
device, from PortAudio's output time info. `NullSpeaker` is for machines with no sound
card: it plays nothing (the audio is saved to the session) but keeps real-time pacing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from .audio import SAMPLE_RATE, AudioClip
from .errors import DeviceError

__all__ = ["Playback", "Speaker", "SoundDeviceSpeaker", "NullSpeaker", "trim_leading_silence", "quiet_alsa"]

OUTPUT_LATENCY_S = 0.05  # small enough to answer fast, large enough not to underrun on a busy 2-core laptop
_ALSA_HANDLER = None


def quiet_alsa() -> None:
    """Stop libasound printing 'underrun occurred' and probe noise on stderr (only the CLI may print)."""
    global _ALSA_HANDLER
    if _ALSA_HANDLER is not None:
        return
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("asound")
        if not name:
            return
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
        _ALSA_HANDLER = handler_type(lambda *args: None)
        ctypes.CDLL(name).snd_lib_error_set_handler(_ALSA_HANDLER)
    except (OSError, AttributeError):
        pass


def trim_leading_silence(samples: np.ndarray, threshold: float = 2e-3, keep_s: float = 0.02) -> np.ndarray:
    """Drop the silent lead-in TTS engines put before speech (keeping `keep_s` of it)."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if len(loud) == 0:
        return samples
    return samples[max(0, int(loud[0]) - int(keep_s * SAMPLE_RATE)):]


@dataclass
class Playback:
    """One clip being played: when its first sample reached the device, and whether it finished."""

    duration: float
    first_sample_at: float | None = None  # time.monotonic seconds
    started: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    stopped: bool = False

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


@runtime_checkable
class Speaker(Protocol):
    """Somewhere the interviewer's voice goes."""

    def play(self, clip: AudioClip) -> Playback: ...

    def extend(self, playback: Playback, clip: AudioClip) -> Playback: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class SoundDeviceSpeaker:
    """A sounddevice OutputStream kept open; `play` queues a clip, `stop` silences it within one block."""

    def __init__(self, device: int | None = None, samplerate: int = SAMPLE_RATE, blocksize: int = 256):
        import sounddevice as sd

        quiet_alsa()
        self._lock = threading.Lock()
        self._buf = np.zeros(0, dtype=np.float32)
        self._pos = 0
        self._current: Playback | None = None
        self.samplerate = samplerate
        try:
            self._stream = sd.OutputStream(samplerate=samplerate, channels=1, dtype="float32", device=device,
                                           blocksize=blocksize, latency=OUTPUT_LATENCY_S, callback=self._callback)
        except Exception:
            try:  # some hardware devices refuse 16 kHz: use their own rate and resample
                self.samplerate = int(sd.query_devices(device, "output")["default_samplerate"])
                self._stream = sd.OutputStream(samplerate=self.samplerate, channels=1, dtype="float32", device=device,
                                               blocksize=blocksize, latency=OUTPUT_LATENCY_S, callback=self._callback)
            except Exception as exc:
                raise DeviceError(f"cannot open the speaker ({type(exc).__name__}: {exc}); pick another with "
                                  "--output-device (see `mockvoice devices`)") from exc
        self._stream.start()

    def _callback(self, outdata, frames, time_info, status) -> None:
        now = time.monotonic()
        with self._lock:
            pb = self._current
            n = min(frames, len(self._buf) - self._pos) if pb is not None else 0
            if n > 0:
                outdata[:n, 0] = self._buf[self._pos:self._pos + n]
                if self._pos == 0:
                    dac, pa_now = time_info.outputBufferDacTime, time_info.currentTime
                    ahead = dac - pa_now if dac and pa_now and 0 < dac - pa_now < 2 else self._stream.latency
                    pb.first_sample_at = now + ahead
                    pb.started.set()
                self._pos += n
            outdata[max(n, 0):, 0] = 0.0
            if pb is not None and self._pos >= len(self._buf):
                self._current = None
                pb.done.set()

    def _samples(self, clip: AudioClip) -> np.ndarray:
        samples = clip.samples.astype(np.float32)
        if self.samplerate != clip.sample_rate:
            n = int(len(samples) * self.samplerate / clip.sample_rate)
            samples = np.interp(np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples).astype(np.float32)
        return samples

    def extend(self, playback: Playback, clip: AudioClip) -> Playback:
        """Append to a clip still playing (no gap); if it already ended or was stopped, play anew."""
        with self._lock:
            if self._current is playback and not playback.done.is_set():
                self._buf = np.concatenate([self._buf, self._samples(clip)])
                playback.duration += clip.duration
                return playback
        return playback if playback.stopped else self.play(clip)

    def play(self, clip: AudioClip) -> Playback:
        samples = self._samples(clip)
        pb = Playback(duration=clip.duration)
        self.stop()
        with self._lock:
            self._buf, self._pos, self._current = samples, 0, pb
        if len(samples) == 0:
            pb.done.set()
        return pb

    def stop(self) -> None:
        with self._lock:
            pb, self._current = self._current, None
            self._buf, self._pos = np.zeros(0, dtype=np.float32), 0
        if pb is not None:
            pb.stopped = True
            pb.started.set()
            pb.done.set()

    def close(self) -> None:
        self.stop()
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:
            pass


class NullSpeaker:
    """No sound card: the clip is 'played' into nothing at real-time pace (the session keeps the audio)."""

    def __init__(self, realtime: bool = True):
        self.realtime = realtime
        self._current: Playback | None = None
        self._timer: threading.Timer | None = None

    def play(self, clip: AudioClip) -> Playback:
        self.stop()
        pb = Playback(duration=clip.duration, first_sample_at=time.monotonic())
        pb.started.set()
        self._current = pb
        if self.realtime and clip.duration > 0:
            self._timer = threading.Timer(clip.duration, pb.done.set)
            self._timer.daemon = True
            self._timer.start()
        else:
            pb.done.set()
        return pb

    def extend(self, playback: Playback, clip: AudioClip) -> Playback:
        if playback.stopped:
            return playback
        if playback is self._current and self._timer is not None and not playback.done.is_set():
            self._timer.cancel()
            remaining = playback.first_sample_at + playback.duration - time.monotonic()
            playback.duration += clip.duration
            self._timer = threading.Timer(max(0.0, remaining) + clip.duration, playback.done.set)
            self._timer.daemon = True
            self._timer.start()
            return playback
        return self.play(clip)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._current is not None and not self._current.done.is_set():
            self._current.stopped = True
            self._current.done.set()

    def close(self) -> None:
        self.stop()
