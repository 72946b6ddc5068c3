"""Audio in and out: decode any file to the one internal format, and write WAV safely; and telling audio,
text and binary apart by a file's bytes (a transcript under an audio name, a recording under a text name).

The internal format is 16 kHz mono float32 in [-1, 1] (what Whisper and Silero VAD take).
Files on disk are 16-bit PCM WAV, written atomically.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import AudioError, InputFileError
from .writes import RECORDINGS_HINT, write_atomic

SAMPLE_RATE = 16_000

__all__ = ["SAMPLE_RATE", "AudioClip", "audio_kind", "decode_text", "is_binary", "load_audio", "write_wav", "to_int16"]


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


# Characters no text file holds: C0 controls other than tab and line breaks, DEL, C1 controls, private use.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")


def decode_text(raw: bytes, partial: bool = False) -> str | None:
    """The text `raw` holds, or None when it is not text.

    Text is UTF-8 (a byte-order mark allowed) or UTF-16 with its mark, with no NUL and at most one odd
    character (a control or private-use character) in a hundred. UTF-16 decodes almost any even run of
    bytes to something, so there at least a quarter of the characters must be ASCII too: an English
    transcript nearly all is, and binary read as UTF-16 is CJK-looking noise with almost none.
    `partial`: `raw` is only the start of a file, so a character cut off at its end is no error.
    """
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    try:
        text = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")().decode(raw, final=not partial)
    except UnicodeDecodeError:
        return None
    odd = _NOT_TEXT.findall(text)
    if "\x00" in odd or len(odd) * 100 > len(text):
        return None
    if utf16 and len(text.encode("ascii", "ignore")) * 4 < len(text):
        return None
    return text


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])


def is_binary(raw: bytes) -> bool:
    """Whether bytes that are not UTF-8 or UTF-16 text are binary data rather than text in another encoding
    (Latin-1, Windows-1252): a NUL, or more than one control byte in a hundred."""
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    return b"\x00" in raw or controls * 100 > len(raw)


def _looks_like_text(p: Path) -> bool:
    """Whether a file that would not decode as audio is plain text (a transcript under an audio name, a .vtt)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    text = decode_text(head, partial=True)
    return bool(text and text.strip())


def load_audio(path: str | os.PathLike, warn: Callable[[str], None] | None = None) -> AudioClip:
    """Decode WAV/FLAC/MP3/OGG/M4A (any rate, any channel count) to a 16 kHz mono clip.

    `warn` is given a line for each thing about the file that makes the result worse without stopping it:
    a WAV shorter than its header says (cut off), a sample rate below 16 kHz (phone quality)."""
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
    if warn is not None:
        for line in _doubts(p, len(samples) / SAMPLE_RATE):
            warn(line)
    return AudioClip(samples=samples, source=str(p))


def _seconds(s: float) -> str:
    return f"{s:.0f}" if s >= 10 else f"{s:.1f}"


def _doubts(p: Path, have: float) -> list[str]:
    """What makes a decoded file a worse answer than it looks: cut off, or phone-quality audio."""
    out = []
    want = _wav_declared_seconds(p)
    if want is not None and have < want - 0.1:  # FFmpeg reads what is there and says nothing
        out.append(f"{p}: the file is shorter than its header says ({_seconds(have)} s of {_seconds(want)} s); "
                   "it was probably cut off; only what is there is used")
    rate = _source_rate(p)
    if rate is not None and rate < SAMPLE_RATE:
        out.append(f"{p}: its sample rate is {rate / 1000:g} kHz (phone quality); it is resampled to 16 kHz and "
                   "transcription will be less accurate; record at 16 kHz or more")
    return out


def _source_rate(p: Path) -> int | None:
    """The sample rate of the file's first audio stream, from its header (None when it cannot be read)."""
    try:
        import av

        with av.open(str(p)) as container:
            return int(container.streams.audio[0].sample_rate) or None
    except Exception:  # it decoded a moment ago; a probe failing only costs the warning
        return None


def _wav_declared_seconds(p: Path) -> float | None:
    """The length a RIFF WAV file's header declares (its data chunk's size over the byte rate), or None when
    it is not a WAV or declares no size (0 or 0xFFFFFFFF: a streaming writer's placeholder)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(12)
            if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            byte_rate = 0
            for _ in range(64):  # chunks before "data": fmt, fact, LIST, ...
                chunk = fh.read(8)
                if len(chunk) < 8:
                    return None
                cid, size = chunk[:4], int.from_bytes(chunk[4:], "little")
                if cid == b"data":
                    return size / byte_rate if byte_rate and size not in (0, 0xFFFFFFFF) else None
                body = fh.read(min(size, 16)) if cid == b"fmt " else b""
                if len(body) >= 12:
                    byte_rate = int.from_bytes(body[8:12], "little")
                fh.seek(size - len(body) + (size & 1), 1)  # chunks are padded to an even length
    except OSError:
        return None
    return None


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
