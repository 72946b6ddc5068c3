"""Delivery metrics from word timings: pace, fillers, pauses and hedging."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from .transcript import Transcript

__all__ = ["Delivery", "measure_delivery", "FILLERS", "is_filler"]

FILLERS = frozenset({"um", "uh", "umm", "uhm", "uhh", "er", "erm", "ah", "hmm", "mm", "mhm"})
_HEDGES = re.compile(r"\b(i guess|maybe we could|i think maybe|kind of|sort of|probably just|i'm not sure|not sure)\b")
_WORD = re.compile(r"[^a-z']")


class Pause(BaseModel):
    """A silence between two words, in seconds of the audio."""

    model_config = ConfigDict(frozen=True)

    start: float
    end: float

    @property
    def length(self) -> float:
        return round(self.end - self.start, 3)


class Delivery(BaseModel):
    """How the answer was spoken. Rates are None when the transcript has no timings."""

    model_config = ConfigDict(frozen=True)

    words: int
    speaking_s: float | None = None
    wpm: float | None = None
    fillers: int = 0
    fillers_per_min: float | None = None
    filler_times: tuple[float, ...] = ()
    longest_pause_s: float | None = None
    long_pauses: tuple[Pause, ...] = ()
    hedges: int = 0


def is_filler(token: str) -> bool:
    return _WORD.sub("", token.lower()) in FILLERS


def measure_delivery(transcript: Transcript, long_pause_s: float = 3.0) -> Delivery:
    """Words per minute over the span of speech, fillers per minute, and the pauses between words."""
    words = transcript.words
    fillers = [w for w in words if is_filler(w.text)]
    hedges = len(_HEDGES.findall(transcript.text.lower()))
    content_words = len(words) - len(fillers)
    timed = [w for w in words if w.start is not None and w.end is not None]
    if len(timed) < 2:
        return Delivery(words=content_words, fillers=len(fillers), hedges=hedges)
    span = max(timed[-1].end - timed[0].start, 1e-6)
    minutes = span / 60.0
    pauses = [Pause(start=a.end, end=b.start) for a, b in zip(timed, timed[1:]) if b.start - a.end > 0]
    longest = max((p.length for p in pauses), default=0.0)
    return Delivery(
        words=content_words,
        speaking_s=round(span, 2),
        wpm=round(content_words / minutes, 1),
        fillers=len(fillers),
        fillers_per_min=round(len(fillers) / minutes, 2),
        filler_times=tuple(round(w.start, 2) for w in fillers if w.start is not None),
        longest_pause_s=round(longest, 2),
        long_pauses=tuple(p for p in pauses if p.length >= long_pause_s),
        hedges=hedges,
    )
