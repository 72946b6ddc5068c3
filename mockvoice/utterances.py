"""Split a transcript into utterances (roughly sentences) that keep their time in the audio.

Speech-to-text punctuation is unreliable, so a long gap between words also ends an utterance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .transcript import Joined, Transcript, Word, WordAt

__all__ = ["Utterance", "split_utterances", "normalise"]

GAP_BREAK_S = 0.8
_SENTENCE_SPLIT = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class Utterance:
    """One sentence-like stretch of the answer."""

    index: int
    text: str
    start: float | None
    end: float | None

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation other than ?'% spaced out."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^a-z0-9'?%.\s-]", " ", text)
    text = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", text)
    return " ".join(text.split())


_ENDS = frozenset(".?!")
_CLOSERS = frozenset("\"')]")  # a sentence end may sit inside quotes or brackets


def _from_words(words: tuple[Word, ...] | tuple[WordAt, ...]) -> list[Utterance]:
    out: list[Utterance] = []
    current: list[Word] = []
    last_end = None  # end of current[-1]
    for w in words:
        start = w.start
        if current and start is not None and last_end is not None and start - last_end >= GAP_BREAK_S:
            out.append(Utterance(len(out), " ".join([x.text for x in current]), current[0].start, last_end))
            current = []
        current.append(w)
        last_end = w.end
        last = w.text[-1:]
        if last in _ENDS or (last in _CLOSERS and w.text.rstrip("\"')]").endswith((".", "?", "!"))):
            out.append(Utterance(len(out), " ".join([x.text for x in current]), current[0].start, last_end))
            current = []
    if current:
        out.append(Utterance(len(out), " ".join([x.text for x in current]), current[0].start, last_end))
    return out


def split_utterances(transcript: Transcript | Joined) -> list[Utterance]:
    """Utterances of a timed transcript (by punctuation and pauses) or of plain text."""
    if transcript.timed:
        return _from_words(transcript.words)
    parts = [p.strip() for line in transcript.text.splitlines() for p in _SENTENCE_SPLIT.split(line)]
    return [Utterance(i, p, None, None) for i, p in enumerate(x for x in parts if x)]
