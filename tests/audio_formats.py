"""Encode test audio into other containers and layouts with PyAV (no extra system tools)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# container suffix -> (format, codec, sample format)
FORMATS = {
    ".wav": ("wav", "pcm_s16le", "s16"),
    ".flac": ("flac", "flac", "s16"),
    ".mp3": ("mp3", "libmp3lame", "fltp"),
    ".ogg": ("ogg", "libopus", "flt"),
    ".m4a": ("ipod", "aac", "fltp"),
}


def encode(samples: np.ndarray, path: Path, rate: int = 16_000, channels: int = 1) -> Path:
    """Write mono float samples to `path` in its suffix's format, resampled/duplicated as asked."""
    fmt, codec, sample_fmt = FORMATS[path.suffix]
    if rate != 16_000:
        n = int(len(samples) * rate / 16_000)
        samples = np.interp(np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples).astype(np.float32)
    if codec == "libopus" and rate not in (8000, 12000, 16000, 24000, 48000):
        rate = 48_000
    layout = "mono" if channels == 1 else "stereo"
    data = np.tile(samples.astype(np.float32), (channels, 1))
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = layout
        stream.format = sample_fmt
        frame_size = 1024
        for start in range(0, data.shape[1], frame_size):
            chunk = data[:, start : start + frame_size]
            if sample_fmt == "s16":
                arr = (np.clip(chunk, -1, 1) * 32767).astype(np.int16).T.reshape(1, -1)
            elif sample_fmt == "flt":
                arr = chunk.T.reshape(1, -1).copy()
            else:  # planar float
                arr = chunk.copy()
            frame = av.AudioFrame.from_ndarray(arr, format=sample_fmt, layout=layout)
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def cut_off(wav: Path, path: Path, keep: float) -> Path:
    """Write a copy of `wav` holding only the first `keep` share of its samples under the original header: a
    recording cut off by a full disk or an interrupted copy, whose header still declares the whole length."""
    data = wav.read_bytes()
    start = data.index(b"data") + 8  # write_wav's files have no chunk after the samples
    n = int((len(data) - start) * keep) // 2 * 2  # whole 16-bit samples
    path.write_bytes(data[: start + n])
    return path
