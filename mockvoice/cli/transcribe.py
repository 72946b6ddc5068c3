"""`mockvoice transcribe AUDIO`: speech to text with word timings."""

from __future__ import annotations

from pathlib import Path

import typer

from ..audio import audio_kind, load_audio
from ..errors import InputFileError, SilentAudioError
from ..importer import TEXT_SUFFIXES
from ..transcriber import get_transcriber
from .app import app, console, warn


def _is_audio(path: Path) -> bool:
    """Whether a file's first bytes say it is audio, whatever its name (a recording saved as .txt)."""
    try:
        with open(path, "rb") as fh:
            return audio_kind(fh.read(12)) is not None
    except OSError:
        return False


@app.command()
def transcribe(
    audio: Path = typer.Argument(..., help="An audio file (WAV, FLAC, MP3, OGG, M4A; any rate or channels)."),
    model: str = typer.Option(None, "--model", "-m", help="tiny.en (bundled, default), a model name like base.en, or a local model folder."),
    hotword: list[str] = typer.Option([], "--hotword", help="A domain word to bias decoding toward (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the transcript with word timings as JSON."),
) -> None:
    """Transcribe a recording with the offline Whisper model."""
    if audio.suffix.lower() in TEXT_SUFFIXES and audio.is_file() and not _is_audio(audio):
        raise InputFileError(f"{audio}: a text transcript, not audio; score it with `mockvoice score {audio}`")
    clip = load_audio(audio, warn=warn)
    transcript = get_transcriber(model).transcribe(clip, tuple(hotword))
    if transcript.is_empty:
        raise SilentAudioError(f"{audio}: no speech found in {clip.duration:.1f} s of audio; pick a recording with speech")
    if as_json:
        console.print_json(transcript.model_dump_json())
    else:
        console.print(transcript.text, highlight=False, soft_wrap=True)
