"""Delivery metrics from word timings: pace against the conversational band, fillers, pauses and hedging."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from .prefilter import gated
from .transcript import Joined, Transcript, word_times

__all__ = ["Delivery", "Pause", "measure_delivery", "FILLERS", "is_filler", "find_hedges", "PACE_BAND"]

FILLERS = frozenset({"um", "uh", "umm", "uhm", "uhh", "er", "erm", "ah", "hmm", "hm", "mm", "mhm", "mmhmm"})
PACE_BAND = (130.0, 160.0)  # conversational words per minute for interviews
_HEDGES = gated(re.compile(  # behind its literal prefilter: most answers hold no hedge
    r"\b(?:i guess|maybe (?:i'd|i'll|i|we'd|we|it's|it|that's|that|this)(?: (?:could|can|should|would|will|might|just))?|i think maybe|should probably|"
    r"i think (?:that |it |this )?should (?:work|fix it|fix that|solve it|solve that|do it)|(?<!what )(?<!which )kind of(?! \w+ (?:is|are|do))|"
    r"(?<!what )sort of|probably just|i'm not (?:really )?sure|not sure|i suppose|i'm not certain|possibly|perhaps|hopefully|"
    r"i don't know|i'd imagine|more or less)\b"
), regroup=True)
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
    pace: str | None = None  # "slow", "in band" or "fast" against 130-160 wpm
    fillers: int = 0
    fillers_per_min: float | None = None
    filler_times: tuple[float, ...] = ()
    longest_pause_s: float | None = None
    long_pauses: tuple[Pause, ...] = ()
    first_word_s: float | None = None  # silence before the first word (from the start of the audio, when listening began)
    hedges: int = 0
    hedge_phrases: tuple[str, ...] = ()


def is_filler(token: str) -> bool:
    t = token.lower().strip(" .,?!;:\"'()-\u2014\u2026")
    return t in FILLERS or (t.isalpha() is False and _WORD.sub("", t) in FILLERS)


_FILLER_MEMO: dict[str, bool] = {}  # is_filler of tokens seen in this process (a transcript repeats most words)


def _fillers(words: list[tuple[str, float | None, float | None]]) -> list[tuple[str, float | None, float | None]]:
    """The words (text, start, end) that are fillers, `is_filler` remembered per token text."""
    memo = _FILLER_MEMO
    if len(memo) > 100_000:
        memo.clear()
    out = []
    for w in words:
        flag = memo.get(w[0])
        if flag is None:
            flag = memo[w[0]] = is_filler(w[0])
        if flag:
            out.append(w)
    return out


def find_hedges(text: str) -> list[str]:
    """Hedging phrases in the text, in order ("I guess", "maybe we could", "I'm not sure")."""
    return _HEDGES.findall(text.lower().replace("\u2019", "'"))


def _pace(wpm: float, band: tuple[float, float]) -> str:
    return "slow" if wpm < band[0] else "fast" if wpm > band[1] else "in band"


def _pauses(timed: list[tuple[str, float, float]], long_pause_s: float,
            answer_starts: tuple[float, ...] = ()) -> tuple[float, tuple[Pause, ...], float]:
    """The longest silence between consecutive timed words (0.0 when none), those of `long_pause_s` or more,
    and the seconds between answers: a silence across an answer's start is no pause and is not counted."""
    longest, long_pauses, between = 0.0, [], 0.0
    near = long_pause_s - 0.001  # a gap 1 ms short of the threshold cannot round up to it: most skip round()
    end = timed[0][2]
    for _, start, w_end in timed[1:]:
        gap = start - end
        if answer_starts and gap > 0 and any(end <= s <= start for s in answer_starts):
            between += gap
        elif gap > 0:
            if gap > longest:
                longest = gap
            if gap >= near and round(gap, 3) >= long_pause_s:
                long_pauses.append(Pause(start=end, end=start))
        end = w_end
    return longest, tuple(long_pauses), between


def measure_delivery(transcript: Transcript | Joined, long_pause_s: float = 3.0, band: tuple[float, float] = PACE_BAND) -> Delivery:
    """Words per minute over the span of speech, fillers per minute, pauses between words, and hedges."""
    words = word_times(transcript)  # (text, start, end) of each
    fillers = _fillers(words)
    hedges = find_hedges(transcript.text)
    content_words = len(words) - len(fillers)
    timed = [w for w in words if w[1] is not None and w[2] is not None]
    if len(timed) < 2:
        return Delivery(words=content_words, fillers=len(fillers), hedges=len(hedges), hedge_phrases=tuple(hedges))
    longest, long_pauses, between = _pauses(timed, long_pause_s, transcript.answer_starts)
    span = max(timed[-1][2] - timed[0][1] - between, 1e-6)  # the time spent answering
    minutes = span / 60.0
    wpm = round(content_words / minutes, 1)
    return Delivery(
        words=content_words,
        speaking_s=round(span, 2),
        wpm=wpm,
        pace=_pace(wpm, band),
        fillers=len(fillers),
        fillers_per_min=round(len(fillers) / minutes, 2),
        filler_times=tuple(round(w[1], 2) for w in fillers if w[1] is not None),
        longest_pause_s=round(longest, 2),
        long_pauses=long_pauses,
        first_word_s=round(timed[0][1], 2),
        hedges=len(hedges),
        hedge_phrases=tuple(hedges),
    )
