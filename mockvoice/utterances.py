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


def _from_words(words: tuple[Word, ...] | tuple[WordAt, ...]) -> list[Utterance]:
    out: list[Utterance] = []
    current: list[Word] = []

    def flush() -> None:
        if current:
            text = " ".join(w.text for w in current)
            out.append(Utterance(len(out), text, current[0].start, current[-1].end))
            current.clear()

    for i, w in enumerate(words):
        if current and w.start is not None and current[-1].end is not None and w.start - current[-1].end >= GAP_BREAK_S:
            flush()
        current.append(w)
        if w.text.rstrip("\"')]").endswith((".", "?", "!")):
            flush()
    flush()
    return out


def split_utterances(transcript: Transcript | Joined) -> list[Utterance]:
    """Utterances of a timed transcript (by punctuation and pauses) or of plain text."""
    if transcript.timed:
        return _from_words(transcript.words)
    parts = [p.strip() for line in transcript.text.splitlines() for p in _SENTENCE_SPLIT.split(line)]
    return [Utterance(i, p, None, None) for i, p in enumerate(x for x in parts if x)]
