"""Import existing recordings (any audio format) or typed transcripts as sessions with source "import".

An imported session looks like a one-turn practice session: the audio converted to 16-bit WAV
(`turn-01.wav`), the transcript from the default model with word timings, and its scorecard.
Its date is the file's modification time, so old practice lands in the right place in the history.
Everything that can fail (decoding, speech-to-text, scoring) runs before the folder is created,
and a failure while writing removes the folder: an import is whole or absent. The session keeps the
SHA-256 of the source file's bytes, so a re-run over the same files can skip them (`already_imported`),
and its name, so an instructor importing a class's answers can tell whose each session is (`folder_files` lists
the answers in a folder). From captions that name speakers only one speaker's words are imported (`speaker`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .api import read_transcript_file, transcribe_for_rubric
from .audio import load_audio, write_wav
from .errors import InputFileError, PromptError
from .index import Index
from .rubric import Rubric, load_rubric
from .scoring import score_transcript
from .session import Session, Turn, new_session_dir, save_session
from .transcriber import Transcriber

__all__ = ["TEXT_SUFFIXES", "AUDIO_SUFFIXES", "QuestionRef", "FolderFiles", "printable", "resolve_question", "folder_files",
           "source_digest", "already_imported", "import_file"]

TEXT_SUFFIXES = {".txt", ".text", ".md", ".vtt", ".srt"}  # captions (a Zoom or Teams transcript) read as text
# What `load_audio` decodes (PyAV/FFmpeg), by the names recorders and phones give: what a folder import picks up.
AUDIO_SUFFIXES = {".wav", ".wave", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".mp4", ".webm", ".wma",
                  ".aif", ".aiff", ".amr", ".3gp", ".caf"}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class QuestionRef:
    """The question an import answers: its id, text and rubric (from the question bank when it is there)."""

    id: str | None
    text: str = ""
    rubric: str | None = None


def printable(name: str | os.PathLike) -> str:
    """A file name as it can be shown on one line: control characters (a newline in a name) written as escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), str(name))


def resolve_question(question_id: str | None) -> QuestionRef:
    """Look the id up in the question bank; an id the bank does not know is a PromptError.

    Without a bank (no question files at all) the id is kept as given. A bank file with a mistake is its
    PromptError (naming the file and field), not a silent fall back to the default rubric.
    """
    if question_id is None:
        return QuestionRef(None)
    if not question_id.strip():
        raise PromptError("--question is empty; pass a question id (see `mockvoice questions`) or leave it out")
    from .prompts import bank_files, find_question, load_questions

    if not bank_files():
        return QuestionRef(question_id)
    try:
        questions = load_questions()
    except PromptError as e:
        raise PromptError(f"{e} (the question bank is needed for --question {question_id!r})") from None
    q = find_question(question_id, questions)
    return QuestionRef(q.id, q.text, q.rubric)


@dataclass(frozen=True)
class FolderFiles:
    """What a folder holds for an import: its answers (audio and transcripts, by name) and how many other files."""

    folder: Path
    files: tuple[Path, ...]
    others: int


def folder_files(folder: str | os.PathLike) -> FolderFiles:
    """The audio files and transcripts directly inside `folder`, sorted by name; hidden files and sub-folders are
    left out, other files counted. An unreadable folder is one InputFileError line."""
    folder = Path(folder)
    try:
        entries = sorted((e for e in os.scandir(folder) if not e.name.startswith(".")), key=lambda e: (e.name.casefold(), e.name))
        files = [e for e in entries if e.is_file()]
    except OSError as exc:
        raise InputFileError(f"{folder}: cannot read the folder ({exc.strerror or type(exc).__name__})") from exc
    keep = tuple(Path(e.path) for e in files if Path(e.name).suffix.lower() in AUDIO_SUFFIXES | TEXT_SUFFIXES)
    return FolderFiles(folder, keep, len(files) - len(keep))


def _check_source(src: Path) -> None:
    if not src.exists():
        raise InputFileError(f"{src}: no such file; check the path")
    if src.is_dir():
        raise InputFileError(f"{src}: is a folder; pass audio files or .txt transcripts")


def source_digest(path: str | os.PathLike) -> str:
    """The SHA-256 (hex) of a source file's bytes: the same recording under any name or folder has the same one."""
    src = Path(path)
    _check_source(src)
    try:
        with open(src, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:
        raise InputFileError(f"{src}: cannot read it ({exc.strerror or type(exc).__name__})") from exc


def already_imported(index: Index) -> dict[str, Path]:
    """Source file hash -> the session folder that imported it, for every import under the index's root that
    kept one (sessions imported before hashes were kept have none). Reads only folders changed since the index
    last looked; keep it current with `Index.put_session` as sessions are added."""
    index.refresh()
    return {digest: Path(path) for digest, path in index.imported_sources().items()}


def import_file(
    path: str | os.PathLike,
    question: QuestionRef | None = None,
    rubric: "Rubric | str | None" = None,
    root: str | os.PathLike | None = None,
    model: str | None = None,
    transcriber: Transcriber | None = None,
    digest: str | None = None,
    speaker: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path:
    """Turn one recording or .txt transcript into a scored session folder; returns the folder.

    `digest` is the file's `source_digest` when the caller already has it (it is stored with the session).
    `speaker`: whose words to take from captions that name speakers (`captions.caption_text`). `warn` is given a
    line for each doubt about the file that does not stop the import (audio cut off, phone quality)."""
    src = Path(path)
    question = question or QuestionRef(None)
    digest = digest or source_digest(src)
    rb = load_rubric(rubric or question.rubric)
    clip = None
    if src.suffix.lower() in TEXT_SUFFIXES:
        transcript = read_transcript_file(src, speaker, warn)
    else:
        clip = load_audio(src, warn)
        transcript = transcribe_for_rubric(clip, rb, model, transcriber)
    card = score_transcript(transcript, rb, question=question.text or None)
    # dated by the file, but never in the future (a clock set wrong, a copied file): that would make it `last` for years
    when = min(datetime.fromtimestamp(src.stat().st_mtime, tz=timezone.utc), datetime.now(timezone.utc))
    folder = new_session_dir(root, label=(question.id, src.stem), now=when.astimezone())
    try:
        audio_name = None
        if clip is not None:
            audio_name = "turn-01.wav"
            write_wav(folder / audio_name, clip.samples)
        session = Session(
            id=folder.name, created_at=when.isoformat(timespec="seconds"), source="import", status="complete",
            question_id=question.id, question=question.text, rubric=rb.id, rubric_hash=rb.content_hash,
            model=transcript.model, source_sha256=digest, source_file=printable(src.name),
            turns=[Turn(index=1, prompt=question.text or f"(imported from {src.name})", audio=audio_name,
                        transcript=transcript, scorecard=card)],
        )
        save_session(folder, session)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
