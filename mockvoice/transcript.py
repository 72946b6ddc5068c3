"""Transcripts with word timings: the typed output of speech-to-text, stored in sessions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Word", "Segment", "Transcript", "WordAt", "Joined", "word_times"]


class Word(BaseModel):
    """One recognised word with its time in the audio (seconds)."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: float | None = None
    end: float | None = None
    probability: float | None = None


class Segment(BaseModel):
    """A stretch of speech Whisper decoded as one unit (roughly a sentence)."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: float | None = None
    end: float | None = None
    words: tuple[Word, ...] = ()


class Transcript(BaseModel):
    """The text of one answer, with segments and words; times are None for typed text."""

    model_config = ConfigDict(frozen=True)

    text: str
    segments: tuple[Segment, ...] = ()
    duration: float | None = Field(default=None, description="length of the audio in seconds")
    model: str | None = None
    language: str | None = "en"
    # Where each answer after the first starts, when several answers are merged for one card (not stored):
    # the silence across such a point is the end of one answer and the start of the next, not a pause.
    answer_starts: tuple[float, ...] = Field(default=(), exclude=True, repr=False)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def timed(self) -> bool:
        return any(w.start is not None for s in self.segments for w in s.words)  # stops at the first word

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @classmethod
    def from_text(cls, text: str) -> "Transcript":
        """A transcript of typed text, no times. Spacing is normalised, but line breaks are kept: each
        line is at least one utterance, as a transcript written one thought per line with no full stops
        means (utterances.split_utterances)."""
        text = "\n".join(filter(None, (" ".join(line.split()) for line in text.splitlines())))
        words = tuple(Word(text=t) for t in text.split())
        segments = (Segment(text=text, words=words),) if text else ()
        return cls(text=text, segments=segments, model=None)


def _round_ms(v: float) -> float:
    """round(v, 3), without its decimal conversion where that is exact.

    When y = v * 1000 lies within 0.4999 of an integer n (and 0 < y < 1e12, so y's own error is under
    2**-13), v is less than half a unit from n / 1000, which round(v, 3) returns as the nearest float,
    n / 1000.0. Otherwise (near a tie) it rounds.
    """
    y = v * 1000.0
    return n / 1000.0 if 0.0 < y < 1e12 and -0.4999 < y - (n := round(y)) < 0.4999 else round(v, 3)


class WordAt(NamedTuple):
    """A word and its time, as plain data (what scoring reads of a Word)."""

    text: str
    start: float | None = None
    end: float | None = None
    probability: float | None = None


@dataclass(frozen=True)
class Joined:
    """Several transcripts placed one after another as one answer, for scoring.

    Reads like a Transcript where scoring looks (text, words, timed, duration) but keeps its words as
    columns (text, start, end, probability) instead of rebuilding pydantic models, which made merging
    the largest cost of a re-score; `word_times` reads the columns, `words` makes WordAt tuples on demand.
    Word times are rounded as `listener.merge_chunks` rounds them, so both score the same.
    """

    text: str
    columns: tuple[tuple[str, ...], tuple[float | None, ...], tuple[float | None, ...], tuple[float | None, ...]]
    duration: float | None = None
    answer_starts: tuple[float, ...] = ()  # as Transcript.answer_starts

    @cached_property
    def words(self) -> tuple[WordAt, ...]:
        return tuple(map(tuple.__new__, repeat(WordAt), zip(*self.columns)))  # WordAt(*w) without its Python __new__

    @property
    def timed(self) -> bool:
        return any(start is not None for start in self.columns[1])

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @classmethod
    def of(cls, chunks: Sequence[tuple[float, Transcript]], duration: float, answers: bool = False) -> "Joined":
        """`chunks` are (start offset in seconds, transcript) pairs in order; `answers`: each is a whole answer."""
        texts: list[str] = []
        text: list[str] = []
        times: list[float | None] = []  # every start, then every end
        ends: list[float | None] = []
        prob: list[float | None] = []
        offs: list[float] = []  # each word's offset
        for off, t in chunks:
            texts.extend([s.text for s in t.segments])
            ws = [w for s in t.segments for w in s.words]
            if not ws:
                continue
            if set(map(type, ws)) == {WordAt}:  # a SessionSummary's words: plain tuples
                cols = zip(*ws)
            else:
                cols = zip(*[(w.text, w.start, w.end, w.probability) for w in ws])
            for into, col in zip((text, times, ends, prob), cols):
                into.extend(col)
            offs.extend([off] * len(ws))
        n = len(text)
        times += ends
        shifted = _shift_ms(times, offs + offs)
        columns = (tuple(text), tuple(shifted[:n]), tuple(shifted[n:]), tuple(prob))
        return cls(" ".join(texts), columns, round(duration, 3), tuple(off for off, _ in chunks[1:]) if answers else ())


_TIMES = attrgetter("text", "start", "end")


def word_times(transcript: Transcript | Joined) -> list[tuple[str, float | None, float | None]]:
    """(text, start, end) of each word in order: what splitting and delivery read of the words."""
    if isinstance(transcript, Joined):
        return list(zip(*transcript.columns[:3]))
    return list(map(_TIMES, transcript.words))


def _shift_ms(times: list[float | None], offs: list[float]) -> list[float | None]:
    """`round(v + off, 3)` of each time and its offset (None stays None), bit for bit: `_round_ms` over arrays.

    numpy does the same IEEE double operations as `_round_ms` (np.rint is round-half-even like round()
    of a float, and n / 1000.0 is exact-int-over-float division either way), and the few times outside
    its shortcut (near a tie, <= 0, huge, inf, nan) get round() itself. Times holding a None (untimed
    words) take the word-by-word way.
    """
    if None in times:
        return [None if v is None else _round_ms(v + off) for v, off in zip(times, offs)]
    with np.errstate(invalid="ignore", over="ignore"):
        v = np.array(times, dtype=np.float64) + np.array(offs, dtype=np.float64)
        y = v * 1000.0
        n = np.rint(y)
        exact = (y > 0.0) & (y < 1e12) & (np.abs(y - n) < 0.4999)
        out = (n / 1000.0).tolist()
    if not exact.all():
        for i in np.flatnonzero(~exact).tolist():
            out[i] = round(float(v[i]), 3)
    return out
