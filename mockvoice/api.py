"""The high-level Python API: score text or audio in one call."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .audio import AudioClip, audio_kind, load_audio
from .errors import InputFileError, SilentAudioError
from .rubric import Rubric, load_rubric
from .scorecard import Scorecard
from .scoring import score_transcript
from .transcriber import Transcriber, get_transcriber
from .transcript import Transcript

__all__ = ["score_text", "score_audio", "transcribe_for_rubric", "read_transcript_file"]


def read_transcript_file(path: "str | os.PathLike") -> Transcript:
    """A typed transcript from a text file; a missing, unreadable or empty file is an InputFileError.

    UTF-8 is expected. A byte-order mark is honoured (Windows editors write one, and UTF-16 with it),
    so the mark never shows up in a quote.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; pass the transcript file (or the recording) itself")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read it ({exc.strerror or type(exc).__name__})") from exc
    if (kind := audio_kind(raw[:12])) is not None:  # checked first: a silent WAV's zeros would pass for text
        raise InputFileError(f"{path}: this is audio ({kind}), not a text transcript; give it its audio name "
                             f"(.{kind.lower()}) to have it transcribed")
    try:
        text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text; save it as UTF-8 (or a .wav/.mp3 for audio) and try again") from exc
    if _CUE_TIME.search(text) or text.lstrip().startswith("WEBVTT"):
        text = caption_text(text)
    if not text.strip():
        raise InputFileError(f"{path}: the transcript is empty; write or paste the answer into it")
    return Transcript.from_text(text)


_CUE_TIME = re.compile(r"^[ \t]*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}[ \t]*-->", re.M)
_CUE_INDEX = re.compile(r"^\d+$")
_CUE_TAG = re.compile(r"</?[a-z][^>]*>", re.I)


def caption_text(text: str) -> str:
    """The words of WebVTT or SRT captions (a Zoom or Teams transcript): no header, cue numbers, times or tags."""
    lines, skipping = [], False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            skipping = True  # a header or comment block runs to the next blank line
        elif not line:
            skipping = False
        elif not skipping and not _CUE_TIME.match(line) and not _CUE_INDEX.match(line):
            lines.append(_CUE_TAG.sub("", line))
    return "\n".join(lines)


def score_text(text: str, rubric: "Rubric | str | None" = None, question: str | None = None) -> Scorecard:
    """Score a typed or pasted transcript (no timings, so evidence times are None)."""
    return score_transcript(Transcript.from_text(text), rubric, question=question)


def transcribe_for_rubric(
    audio: "str | os.PathLike | AudioClip",
    rubric: "Rubric | str | None" = None,
    model: str | None = None,
    transcriber: Transcriber | None = None,
    extra_hotwords: tuple[str, ...] = (),
) -> Transcript:
    """Transcribe with decoding biased to the rubric's vocabulary; silence raises SilentAudioError."""
    rb = load_rubric(rubric)
    clip = audio if isinstance(audio, AudioClip) else load_audio(audio)
    engine = transcriber or get_transcriber(model)
    transcript = engine.transcribe(clip, tuple(extra_hotwords) + rb.vocabulary)
    if transcript.is_empty:
        where = clip.source or "the audio"
        heard = f"in {clip.duration:.1f} s of audio" if clip.duration >= 0.05 else "(the recording holds no audio)"
        raise SilentAudioError(
            f"{where}: no speech found {heard}; pick a recording with speech (when recording, check the microphone)"
        )
    return transcript


def score_audio(
    audio: "str | os.PathLike | AudioClip",
    rubric: "Rubric | str | None" = None,
    model: str | None = None,
    transcriber: Transcriber | None = None,
    question: str | None = None,
) -> Scorecard:
    """Transcribe a recording (any common format) and score it against a rubric."""
    rb = load_rubric(rubric)
    return score_transcript(transcribe_for_rubric(audio, rb, model, transcriber), rb, question=question)
