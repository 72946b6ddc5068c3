"""Import existing recordings (any audio format) or typed transcripts as sessions with source "import".

An imported session looks like a one-turn practice session: the audio converted to 16-bit WAV
(`turn-01.wav`), the transcript from the default model with word timings, and its scorecard.
Its date is the file's modification time, so old practice lands in the right place in the history.
Everything that can fail (decoding, speech-to-text, scoring) runs before the folder is created,
and a failure while writing removes the folder: an import is whole or absent.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .api import read_transcript_file, transcribe_for_rubric
from .audio import load_audio, write_wav
from .errors import InputFileError, PromptError
from .rubric import Rubric, load_rubric
from .scoring import score_transcript
from .session import Session, Turn, new_session_dir, save_session
from .transcriber import Transcriber

__all__ = ["TEXT_SUFFIXES", "QuestionRef", "resolve_question", "import_file"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}


@dataclass(frozen=True)
class QuestionRef:
    """The question an import answers: its id, text and rubric (from the question bank when it is there)."""

    id: str | None
    text: str = ""
    rubric: str | None = None


def resolve_question(question_id: str | None) -> QuestionRef:
    """Look the id up in the question bank; an id the bank does not know is a PromptError.

    Without a bank (no `mockvoice.prompts` or no question files) the id is kept as given.
    """
    if not question_id:
        return QuestionRef(None)
    try:
        from .prompts import find_question, load_questions
    except ImportError:
        return QuestionRef(question_id)
    try:
        questions = load_questions()
    except PromptError:
        return QuestionRef(question_id)
    q = find_question(question_id, questions)
    return QuestionRef(q.id, q.text, q.rubric)


def import_file(
    path: str | os.PathLike,
    question: QuestionRef | None = None,
    rubric: "Rubric | str | None" = None,
    root: str | os.PathLike | None = None,
    model: str | None = None,
    transcriber: Transcriber | None = None,
) -> Path:
    """Turn one recording or .txt transcript into a scored session folder; returns the folder."""
    src = Path(path)
    question = question or QuestionRef(None)
    if not src.exists():
        raise InputFileError(f"{src}: no such file; check the path")
    if src.is_dir():
        raise InputFileError(f"{src}: is a folder; pass audio files or .txt transcripts")
    rb = load_rubric(rubric or question.rubric)
    clip = None
    if src.suffix.lower() in TEXT_SUFFIXES:
        transcript = read_transcript_file(src)
    else:
        clip = load_audio(src)
        transcript = transcribe_for_rubric(clip, rb, model, transcriber)
    card = score_transcript(transcript, rb, question=question.text or None)
    when = datetime.fromtimestamp(src.stat().st_mtime, tz=timezone.utc)
    folder = new_session_dir(root, label=question.id or src.stem, now=when.astimezone())
    try:
        audio_name = None
        if clip is not None:
            audio_name = "turn-01.wav"
            write_wav(folder / audio_name, clip.samples)
        session = Session(
            id=folder.name, created_at=when.isoformat(timespec="seconds"), source="import", status="complete",
            question_id=question.id, question=question.text, rubric=rb.id, rubric_hash=rb.content_hash,
            model=transcript.model,
            turns=[Turn(index=1, prompt=question.text or f"(imported from {src.name})", audio=audio_name,
                        transcript=transcript, scorecard=card)],
        )
        save_session(folder, session)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
