"""The high-level Python API: score text or audio in one call; read a transcript file (typed, or a call's captions)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .audio import AudioClip, audio_kind, decode_text, is_binary, load_audio
from .captions import CUE_TIME, caption_text
from .errors import InputFileError, SilentAudioError
from .rubric import Rubric, load_rubric
from .scorecard import Scorecard
from .scoring import score_transcript
from .transcriber import Transcriber, get_transcriber
from .transcript import Transcript

__all__ = ["score_text", "score_audio", "transcribe_for_rubric", "read_transcript_file"]


def read_transcript_file(path: "str | os.PathLike", speaker: str | None = None,
                         warn: Callable[[str], None] | None = None) -> Transcript:
    """A typed transcript from a text file; a missing, unreadable, binary or empty file is an InputFileError.

    UTF-8 is expected. A byte-order mark is honoured (Windows editors write one, and UTF-16 with it),
    so the mark never shows up in a quote. Captions (.vtt, .srt) give their words (`caption_text`): when
    they name speakers, only one speaker's, `speaker` or else the one who is not an interviewer. `warn`
    is given a line for what is left out or unused that the caller should know about.
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
    text = decode_text(raw)
    if text is None and is_binary(raw):
        raise InputFileError(f"{path}: not a text file (it holds binary data); save the transcript as UTF-8 text, "
                             "or give a recording its audio name (.wav, .m4a, ...)")
    if text is None:
        raise InputFileError(f"{path}: not UTF-8 text; save it as UTF-8 (or a .wav/.mp3 for audio) and try again")
    if CUE_TIME.search(text) or text.lstrip().startswith("WEBVTT"):
        text = caption_text(text, speaker, str(path), warn)
    if not text.strip():
        raise InputFileError(f"{path}: the transcript is empty; write or paste the answer into it")
    return Transcript.from_text(text)


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
