"""Text to speech: pyttsx3 (driving espeak-ng on Linux) rendered to a clip, never straight to a device.

Rendering to a clip lets the caller play it through sounddevice on a chosen device, stop it
at once, and save exactly what the interviewer said. Tests use it to synthesise answers.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from .audio import SAMPLE_RATE, AudioClip, load_audio
from .errors import DeviceError

__all__ = ["synthesize", "synthesize_parts", "silence", "DEFAULT_VOICE", "DEFAULT_RATE"]

log = logging.getLogger("mockvoice.speech")

DEFAULT_VOICE = "gmw/en-us"  # espeak-ng's US English: Whisper understands it best
DEFAULT_RATE = 150  # words per minute, inside the 130-160 conversational band
_LOCK = threading.Lock()  # pyttsx3 engines are not thread-safe
_ENGINE = None


def _engine():
    global _ENGINE
    if _ENGINE is None:
        try:
            import pyttsx3

            _ENGINE = pyttsx3.init()
            driver = sys.modules.get("pyttsx3.drivers.espeak")
            if driver is not None:  # its save_to_file prints "Audio saved to ..." on stdout
                driver.print = lambda *args, **kwargs: None
            atexit.register(_shutdown)
        except Exception as exc:
            raise DeviceError(
                f"text-to-speech is unavailable ({type(exc).__name__}: {exc}); install espeak-ng "
                "(scripts/setup.sh does) and try again"
            ) from exc
    return _ENGINE


def _split(text: str) -> list[str]:
    """Sentences, and long sentences at their commas (pyttsx3's espeak driver drops some long inputs)."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", text.strip()):
        if len(sentence) <= 110:
            out.append(sentence)
            continue
        piece = ""
        for part in re.split(r"(?<=,)\s+", sentence):
            if piece and len(piece) + len(part) > 110:
                out.append(piece)
                piece = ""
            piece = f"{piece} {part}".strip()
        out.append(piece)
    return [p for p in out if p.strip()]


def _pyttsx3_to_file(text: str, path: str, rate: int | None, voice: str | None) -> bool:
    engine = _engine()
    engine.setProperty("rate", rate or DEFAULT_RATE)
    try:
        engine.setProperty("voice", voice or DEFAULT_VOICE)
    except (ValueError, KeyError):
        log.debug("voice %r not available; using espeak-ng's default", voice or DEFAULT_VOICE)
    # No redirect_stdout here: it swaps sys.stdout for the whole process, and this runs on the speech
    # thread while the interview prints, so lines printed meanwhile ("You said: ...") were lost.
    # The driver's own "Audio saved to ..." is silenced in _engine().
    engine.save_to_file(text, path)
    engine.runAndWait()
    return Path(path).stat().st_size > 44


def _espeak_to_file(text: str, path: str, rate: int | None, voice: str | None) -> bool:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return False
    cmd = [exe, "-w", path, "-s", str(rate or DEFAULT_RATE), "-v", (voice or DEFAULT_VOICE).split("/")[-1], text]
    return subprocess.run(cmd, capture_output=True, timeout=60).returncode == 0 and Path(path).stat().st_size > 44


def _synthesize_piece(text: str, rate: int | None, voice: str | None) -> np.ndarray:
    fd, tmp = tempfile.mkstemp(suffix=".wav", prefix="mockvoice-tts-")
    os.close(fd)
    try:
        ok = _pyttsx3_to_file(text, tmp, rate, voice) or _espeak_to_file(text, tmp, rate, voice)
        if not ok:
            raise DeviceError("text-to-speech produced no audio; check that espeak-ng works (`espeak-ng hello`)")
        return load_audio(tmp).samples
    finally:
        Path(tmp).unlink(missing_ok=True)


def _shutdown() -> None:
    """Drop the engine before interpreter teardown, when pyttsx3's __del__ would fail noisily."""
    global _ENGINE
    if _ENGINE is not None:
        _ENGINE = None
        gc.collect()


def synthesize(text: str, rate: int | None = None, voice: str | None = None) -> AudioClip:
    """Speak `text` into a 16 kHz mono clip (pyttsx3 driving espeak-ng), sentence by sentence."""
    pieces = _split(text)
    if not pieces:
        return AudioClip(samples=np.zeros(0, dtype=np.float32), source="tts")
    with _LOCK:
        samples = np.concatenate([_synthesize_piece(p, rate, voice) for p in pieces])
    return AudioClip(samples=samples.astype(np.float32), source="tts")


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.float32)


def synthesize_parts(parts: list[str | float], rate: int | None = None) -> AudioClip:
    """Concatenate spoken strings and pauses (floats, in seconds) into one clip."""
    chunks = [silence(p) if isinstance(p, (int, float)) else synthesize(p, rate=rate).samples for p in parts]
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return AudioClip(samples=samples.astype(np.float32), source="tts")
