"""Audio in and out: decode any file to the one internal format, and write WAV safely.

The internal format is 16 kHz mono float32 in [-1, 1] (what Whisper and Silero VAD take).
Files on disk are 16-bit PCM WAV, written atomically.
"""

from __future__ import annotations

import io
import os
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AudioError, InputFileError
from .writes import RECORDINGS_HINT, write_atomic

SAMPLE_RATE = 16_000

__all__ = ["SAMPLE_RATE", "AudioClip", "audio_kind", "load_audio", "write_wav", "to_int16"]


@dataclass(frozen=True)
class AudioClip:
    """A mono 16 kHz float32 waveform and where it came from."""

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    source: str | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate)

    def rms(self) -> float:
        if len(self.samples) == 0:
            return 0.0
        return float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))


_MAGIC = ((b"RIFF", "WAV"), (b"fLaC", "FLAC"), (b"OggS", "OGG"), (b"ID3", "MP3"), (b"\xff\xfb", "MP3"), (b"\xff\xf3", "MP3"))


def audio_kind(head: bytes) -> str | None:
    """The audio format a file's first bytes announce (WAV, FLAC, OGG, MP3, M4A), or None."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "M4A" if head[4:8] == b"ftyp" else None


def _looks_like_text(p: Path) -> bool:
    """Whether a file that would not decode as audio is plain text (a transcript under an audio name, a .vtt)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
        head.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(head.strip()) and b"\x00" not in head


def load_audio(path: str | os.PathLike) -> AudioClip:
    """Decode WAV/FLAC/MP3/OGG/M4A (any rate, any channel count) to a 16 kHz mono clip."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise InputFileError(f"{p}: is a folder, not an audio file")
    if p.stat().st_size == 0:
        raise AudioError(f"{p}: the file is empty (0 bytes); record or pick another file")
    try:
        from faster_whisper.audio import decode_audio

        samples = decode_audio(str(p), sampling_rate=SAMPLE_RATE)
    except PermissionError as exc:
        raise InputFileError(f"{p}: cannot read the file ({exc.strerror}); check its permissions") from exc
    except Exception as exc:  # PyAV raises many types for corrupt input (--debug shows which)
        if _looks_like_text(p):
            raise AudioError(f"{p}: this is text, not audio; name it .txt (captions .vtt or .srt) to score it as a transcript") from exc
        raise AudioError(
            f"{p}: cannot decode audio; the file is corrupt or not audio (WAV, FLAC, MP3, OGG and M4A are supported)"
        ) from exc
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1:
        samples = samples.reshape(-1)
    return AudioClip(samples=samples, source=str(p))


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Convert float samples in [-1, 1] to 16-bit PCM, clipping what is outside."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")


def write_wav(path: str | os.PathLike, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write mono float samples as 16-bit WAV, atomically (`writes.write_atomic`: never half-written);
    a failed write is one StorageError line."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(to_int16(np.asarray(samples, dtype=np.float32)).tobytes())
    write_atomic(path, buf.getvalue(), "write the audio", RECORDINGS_HINT)
    return Path(path)
