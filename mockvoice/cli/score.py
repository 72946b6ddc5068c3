"""`mockvoice score PATH`: score a recording or a .txt transcript against a rubric."""

from __future__ import annotations

from pathlib import Path

import typer

from ..api import transcribe_for_rubric
from ..errors import InputFileError
from ..render import render_scorecard
from ..rubric import load_rubric
from ..scoring import score_transcript
from ..transcript import Transcript
from .app import app, console

TEXT_SUFFIXES = {".txt", ".text", ".md"}


def read_transcript_file(path: Path) -> Transcript:
    """A typed transcript from a text file; empty files are an error."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file; check the path")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read it as UTF-8 text ({type(exc).__name__})") from exc
    if not text.strip():
        raise InputFileError(f"{path}: the transcript is empty; write or paste the answer into it")
    return Transcript.from_text(text)


@app.command()
def score(
    path: Path = typer.Argument(..., help="An audio recording, or a .txt transcript."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="A bundled rubric (system-design, debugging, behavioral) or a rubric file."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model for audio: tiny.en (bundled), a name, or a folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorecard as JSON."),
) -> None:
    """Score an answer: clarifying questions, trade-offs, failure modes, scale, monitoring, delivery."""
    rb = load_rubric(rubric)
    if path.suffix.lower() in TEXT_SUFFIXES:
        transcript = read_transcript_file(path)
    else:
        transcript = transcribe_for_rubric(path, rb, model)
    card = score_transcript(transcript, rb)
    if as_json:
        console.print_json(card.model_dump_json())
    else:
        render_scorecard(card, console, title=f"{path.name} · {rb.name}")
