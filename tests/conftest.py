"""Shared test fixtures: an isolated recordings folder, a CLI runner, and cached espeak-ng speech."""

from __future__ import annotations

import hashlib
import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockvoice.audio import AudioClip, load_audio, write_wav

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).parent / "artifacts"
_TTS_CACHE = Path(os.environ.get("MOCKVOICE_TEST_CACHE", Path(__file__).parent / ".cache"))


@pytest.fixture(autouse=True)
def _isolated_recordings(tmp_path, monkeypatch):
    """Every test writes sessions under its own temp folder, never into ./recordings."""
    root = tmp_path / "recordings"
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(root))
    return root


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `mockvoice ARGS` in-process and capture its exit code and output."""
    from mockvoice.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def speak(parts: list, rate: int = 150) -> Path:
    """Synthesise spoken parts (strings and pause lengths in seconds) to a cached WAV file."""
    from mockvoice.speech import synthesize_parts

    key = hashlib.sha256(repr((parts, rate)).encode()).hexdigest()[:16]
    path = _TTS_CACHE / f"tts-{key}.wav"
    if not path.exists():
        clip = synthesize_parts(parts, rate=rate)
        write_wav(path, clip.samples)
    return path


@pytest.fixture
def tts():
    return speak


def clip_of(path: Path) -> AudioClip:
    return load_audio(path)
