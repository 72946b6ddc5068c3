"""`mockvoice import FILE...`: bring old recordings or typed transcripts into the session history."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import MockvoiceError
from ..importer import import_file, resolve_question
from ..rubric import load_rubric
from ..index import read_session
from ..session import check_recordings
from .app import app, console, err_console, tagged


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="Audio recordings (WAV, FLAC, MP3, OGG, M4A, ...) or .txt transcripts."),
    question: str = typer.Option(None, "--question", "-q", help="The question id they answer (see `mockvoice questions`)."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="Rubric to score with (default: the question's, else system-design)."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model for audio (default: the bundled tiny.en)."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
) -> None:
    """Import recordings or transcripts as scored sessions (source "import"); bad files are reported and skipped."""
    ref = resolve_question(question)
    rb = load_rubric(rubric or ref.rubric)
    # A recordings folder that cannot take any session stops the batch in one line, before any work;
    # a file whose session cannot be written (the disk fills up) is reported and skipped like a bad file.
    check_recordings(recordings)
    failed = 0
    for f in files:
        try:
            folder = import_file(f, ref, rb, root=recordings, model=model)
        except MockvoiceError as exc:
            failed += 1
            err_console.print(tagged("skipped", "red", f"{type(exc).__name__}: {exc}"), highlight=False, soft_wrap=True)
            continue
        s = read_session(folder)
        console.print(f"imported {f} -> {folder}  overall {s.overall:.0f}/100  ({s.turns[0].transcript.text[:60]!r})",
                      highlight=False, soft_wrap=True)
    console.print(f"imported {len(files) - failed}, failed {failed}", highlight=False)
    if failed:
        raise typer.Exit(1)
