"""`mockvoice import FILE...`: bring old recordings or typed transcripts into the session history."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputFileError, MockvoiceError
from ..importer import already_imported, folder_files, import_file, printable, resolve_question, source_digest
from ..rubric import load_rubric
from ..index import Index, read_session, session_row, stat_session
from ..session import check_recordings
from .app import app, console, err_console, tagged, warn


_NOTHING = "no audio files or .txt/.text/.md transcripts in it"


def _expand(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The files to import, each folder replaced by its answers (said as it is found), and a line per folder that
    has none; a missing path or a plain file stays as given (import_file words its problems)."""
    out, empty = [], []
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        found = folder_files(p)
        if not found.files:
            others = f" ({found.others} other file{'s' * (found.others != 1)})" if found.others else ""
            empty.append(f"{p}: {_NOTHING}{others}; nothing to import")
            continue
        left = (f" ({found.others} other file{'s' * (found.others != 1)} left out: not audio or a transcript)"
                if found.others else "")
        console.print(f"{p}: found {len(found.files)} file{'s' * (len(found.files) != 1)} to import{left}",
                      highlight=False, soft_wrap=True)
        out.extend(found.files)
    return out, empty


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="Audio recordings (WAV, FLAC, MP3, OGG, M4A, ...), .txt/.md transcripts, "
                                       "or folders of them (the files directly inside, by name)."),
    question: str = typer.Option(None, "--question", "-q", help="The question id they answer (see `mockvoice questions`)."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="Rubric to score with (default: the question's, else system-design)."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model for audio (default: the bundled tiny.en)."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
    again: bool = typer.Option(False, "--again", help="Import files again even when their content was imported before."),
    speaker: str = typer.Option(None, "--speaker", help="Captions (.vtt/.srt) that name speakers: whose words to import "
                                "(any case; a unique start of the name is enough). Default: the one who is not an interviewer."),
) -> None:
    """Import recordings or transcripts as scored sessions (source "import"); bad files are reported and skipped,
    and so is a file whose content was already imported (unless --again). A folder imports the audio files and
    transcripts directly inside it, by name; each session keeps its file's name."""
    ref = resolve_question(question)
    rb = load_rubric(rubric or ref.rubric)
    files, empty = _expand(files)
    if not files:  # only folders with nothing to import in them: one line, and no recordings folder made
        raise InputFileError(empty[0] if len(empty) == 1 else "; ".join(empty))
    for line in empty:
        err_console.print(tagged("skipped", "yellow", line), highlight=False, soft_wrap=True)
    # A recordings folder that cannot take any session stops the batch in one line, before any work;
    # a file whose session cannot be written (the disk fills up) is reported and skipped like a bad file.
    root = check_recordings(recordings)
    failed = dupes = imported = 0
    with Index(root) as idx:
        seen = {} if again else already_imported(idx)
        try:
            for f in files:
                try:
                    digest = source_digest(f)
                    if digest in seen:
                        dupes += 1
                        console.print(f"skipped {printable(f)}: already imported as {seen[digest]} (pass --again to import it again)",
                                      highlight=False, soft_wrap=True)
                        continue
                    folder = import_file(f, ref, rb, root=recordings, model=model, digest=digest, speaker=speaker, warn=warn)
                except MockvoiceError as exc:
                    failed += 1
                    err_console.print(tagged("failed", "red", f"{type(exc).__name__}: {exc}"), highlight=False, soft_wrap=True)
                    continue
                imported += 1
                s = read_session(folder)
                seen.setdefault(digest, folder)
                idx.put_session(session_row(folder, s), stat_session(folder))  # the next run need not read it again
                idx.commit()  # and another command reading the index meanwhile is not kept waiting
                console.print(f"imported {printable(f)} -> {folder}  overall {s.overall:.0f}/100  ({s.turns[0].transcript.text[:60]!r})",
                              highlight=False, soft_wrap=True)
        except KeyboardInterrupt:  # the file in hand is whole or absent (importer.py); say where the batch stopped
            left = len(files) - imported - failed - dupes
            err_console.print(f"Interrupted: imported {imported}, failed {failed}, already imported {dupes}, {left} not "
                              "done; run the same command again to finish (what was imported is skipped).",
                              highlight=False, soft_wrap=True)
            raise typer.Exit(130)
    console.print(f"imported {imported}, failed {failed}, already imported {dupes}", highlight=False)
    if failed:
        raise typer.Exit(1)
