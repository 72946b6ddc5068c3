"""Split a transcript into utterances (roughly sentences) that keep their time in the audio.

Speech-to-text punctuation is unreliable, so a long gap between words also ends an utterance, and
so does a shorter pause before a word speech-to-text capitalised as a sentence's first ("...from the
cache One hundred million...") or after a comma once the utterance is a clause long: speech-to-text often
writes a run of spoken sentences as one comma-joined sentence, which would count several
trade-offs or failure modes as one. A run-on with no punctuation at all is cut before a clause
opener ("so", "and", "if", ...) once a piece is 30 words long. Typed text (no times) is split by
its punctuation, its line breaks and the same run-on rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .transcript import Joined, Transcript, word_times

__all__ = ["Utterance", "split_utterances", "normalise"]

GAP_BREAK_S = 0.8
CLAUSE_GAP_S = 0.35  # a pause after a comma that ends a clause of at least CLAUSE_WORDS words
CLAUSE_WORDS = 8
# Speech-to-text at times drops every full stop for a minute of speech, leaving one 100+ word "sentence";
# such a run-on is cut before a word that usually opens a new clause once the piece is RUNON_WORDS long
RUNON_WORDS = 30
_CLAUSE_OPENERS = frozenset({"so", "and", "then", "for", "if", "now", "also", "okay", "ok", "plus", "but", "when", "once"})


# Speech-to-text that drops a full stop still capitalises the next sentence's first word ("...from the cache One
# hundred million clicks a day..."): after a pause, such an opener starts a sentence. Only words that are capitalised
# for no other reason count (not "Postgres" or "Kafka"), and "I" only after a word that does not need more.
_OPENERS = frozenset(
    "we we'll we'd we're it it's that that's this the so and but then if one two three four five six seven eight nine "
    "ten twenty fifty hundred a an there our my now also okay yeah maybe what how do does is are can should would when "
    "where why who which let's let first next".split())
_I = frozenset({"i", "i'm", "i'd", "i'll", "i've"})
_NEEDS_MORE = frozenset(
    "and or but so because that which if when then the a an to of for with in on at by from into than as is are was "
    "were be would could should will can do did think guess mean like".split())


def _starts_sentence(word: str, before: str) -> bool:
    """Whether a capitalised `word` after a pause opens a new sentence that speech-to-text did not end with a stop."""
    if not word[:1].isupper():
        return False
    low = word.lower().rstrip(",")
    if low in _I:
        return before.lower().strip(",") not in _NEEDS_MORE
    return low in _OPENERS


@dataclass(frozen=True)
class Utterance:
    """One sentence-like stretch of the answer."""

    index: int
    text: str
    start: float | None
    end: float | None
    sentence: int = -1  # number of the sentence it is part of: clauses split from one sentence share it (-1: unknown)
    words: tuple[tuple[str, float | None, float | None], ...] = ()  # (text, start, end) of each word, when timed

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


def _from_words(words: list[tuple[str, float | None, float | None]]) -> list[Utterance]:
    """Utterances of the words' (text, start, end)."""
    out: list[Utterance] = []
    texts: list[str] = []  # the words of the utterance being built
    first = last_end = None  # the start of its first word and the end of its last
    sentence = 0  # number of the sentence it belongs to
    at = 0  # index in `words` of the utterance's first word
    for k, (text, start, end) in enumerate(words):
        if texts:
            cut = None  # True: a sentence ends before this word; False: only a clause
            if start is not None and last_end is not None:
                gap = start - last_end
                if gap >= GAP_BREAK_S:
                    cut = True
                elif gap >= CLAUSE_GAP_S and len(texts) >= CLAUSE_WORDS and texts[-1][-1:] == ",":
                    cut = False
                elif gap >= CLAUSE_GAP_S and _starts_sentence(text, texts[-1]):
                    cut = True
            if cut is None and len(texts) >= RUNON_WORDS and text.strip(" ,").lower() in _CLAUSE_OPENERS:
                cut = False
            if cut is not None:
                out.append(Utterance(len(out), " ".join(texts), first, last_end, sentence, tuple(words[at:k])))
                texts = []
                sentence += cut
        if not texts:
            first, at = start, k
        texts.append(text)
        last_end = end
        last = text[-1:]
        if last in _ENDS or (last in _CLOSERS and text.rstrip("\"')]").endswith((".", "?", "!"))):
            out.append(Utterance(len(out), " ".join(texts), first, last_end, sentence, tuple(words[at:k + 1])))
            texts = []
            sentence += 1
    if texts:
        out.append(Utterance(len(out), " ".join(texts), first, last_end, sentence, tuple(words[at:])))
    return out


def split_utterances(transcript: Transcript | Joined) -> list[Utterance]:
    """Utterances of a timed transcript (by punctuation and pauses) or of plain text."""
    if transcript.timed:
        return _from_words(word_times(transcript))
    out: list[Utterance] = []
    for line in transcript.text.splitlines():  # typed: by punctuation, each line break, and run-ons as in speech
        base = out[-1].sentence + 1 if out else 0
        for u in _from_words([(w, None, None) for w in line.split()]):
            out.append(Utterance(len(out), u.text, None, None, base + u.sentence))
    return out
