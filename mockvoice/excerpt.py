"""Evidence excerpts: where a hit's cue was said inside a long utterance, and the quote window around it.

Speech-to-text can leave a long stretch of speech as one utterance (no sentence breaks), so a hit on
its last words would be timed and quoted from its first. A detector's cue is text of the cleaned
utterance (spoken.clean): the words its rule matched ("alert", "collides but needs"), or a reason that
quotes them ("learned from 'alert on', 'error rate'"). `excerpt` finds those words among the
utterance's own words, loosely, since cleaning changed some ("one hundred" is "100", fillers are
gone), and returns the window of words around them that fits a quote, with "…" where it was cut.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Sequence

from .numbers import NUMBER_WORDS
from .utterances import Utterance

__all__ = ["excerpt", "WINDOW_CHARS"]

WINDOW_CHARS = 110  # an excerpt's length, ellipses included (render.MAX_QUOTE shows that much whole)
_LEAD_CHARS = 40  # said before the cue, kept so the quote says what the cue is about ("a counter never collides")
_GAP = 8  # words between two cue words: a filler, a number said in words, or the stretch a contrast spans ("fast to
# read but uses a lot of storage" is cued "fast but storage")
_QUOTED = re.compile(r"(?<![\w'])'(.+?)'(?![\w'])")  # 'won't go down' is one quote, its apostrophe inside it
_NON_WORD = re.compile(r"[^a-z0-9 ]+")

Word = tuple[str, "float | None", "float | None"]


def _norms(texts: list[str]) -> list[str]:
    """Each word lower-cased with only its letters and digits ("Trade-off," is "tradeoff", "can't" "cant"), as a cue's."""
    norm = _NON_WORD.sub("", " ".join(texts).lower()).split(" ")
    return norm if len(norm) == len(texts) else [_NON_WORD.sub("", t.lower().replace(" ", "")) for t in texts]


def _phrases(cue: str) -> list[list[str]]:
    """The cue's words to look for: each quoted part of a reason, or the whole cue when nothing is quoted."""
    parts = _QUOTED.findall(cue) or [cue]
    return [toks for p in parts if (toks := [t for t in _norms(p.split()) if t])]


def _find(toks: list[str], where: dict[str, list[int]]) -> tuple[int, int, int] | None:
    """(matched, first, last): the in-order match of the most of `toks` (`where` each word was said), the tightest
    and earliest of equals. A cue word not said within _GAP words after the one before is skipped."""
    best: tuple[int, int, int] | None = None
    for k0, tok in enumerate(toks):
        for p in where.get(tok, ()):
            count, last = 1, p
            for nxt in toks[k0 + 1:]:
                at = where.get(nxt)
                if at and (j := bisect_right(at, last)) < len(at) and at[j] <= last + _GAP + 1:
                    count, last = count + 1, at[j]
            if best is None or (count, p - last) > (best[0], best[1] - best[2]):
                best = (count, p, last)
        if best is not None and best[0] == len(toks):
            break  # every word, starting from the first: a match starting later is no better
    return best


def _located(toks: list[str], where: dict[str, list[int]]) -> tuple[int, int] | None:
    """Where the cue words were said: all of them in order, or at least half of them when at most one of the
    others is never said (a reason that describes the hit, "a number with no arithmetic behind it", is not found)."""
    found = _find(toks, where)
    if found is None:
        return None
    count, first, last = found
    if count == len(toks) or (count >= 2 and 2 * count >= len(toks) and sum(t not in where for t in toks) <= 1):
        return first, last
    return None


def _window(texts: list[str], lo: int) -> tuple[int, int]:
    """The words [a, b) of a quote around the cue starting at word `lo`: up to _LEAD_CHARS said before it, then as
    many after it as fit. The cue stays near the start, so a view that shortens the quote further still shows it."""
    budget = WINDOW_CHARS - 2  # room for an ellipsis at each end
    a, lead = lo, 0
    while a > 0 and lead + len(texts[a - 1]) + 1 <= _LEAD_CHARS:
        a -= 1
        lead += len(texts[a]) + 1
    length = lead + len(texts[lo])
    b = lo + 1
    while b < len(texts) and length + 1 + len(texts[b]) <= budget:
        length += 1 + len(texts[b])
        b += 1
    return a, b


def excerpt(utts: Sequence[Utterance], cue: str | None) -> tuple[str, float | None, float | None] | None:
    """(text, start, end) of the window of `utts`' words around where `cue` was said, or None when it is not found.

    `text` has "…" at each end where words were cut; `start` is when the cue's first word is said and `end` when
    the window's last word ends (None for typed text, whose words have no times).
    """
    if not cue:
        return None
    words: Sequence[Word] = utts[0].words if len(utts) == 1 else [w for u in utts for w in u.words]
    if not words:  # typed text: its words, untimed
        words = [(t, None, None) for u in utts for t in u.text.split()]
    texts = [w[0].strip() for w in words]
    norm = _norms(texts)
    line = " " + " ".join(norm) + " "
    where: dict[str, list[int]] | None = None
    spots = []
    for toks in _phrases(cue):
        at = line.find(" " + " ".join(toks) + " ")
        if at >= 0:  # said as is (most cues are the words a rule matched): no need to look word by word
            first = line.count(" ", 0, at)
            spots.append((first, first + len(toks) - 1))
            continue
        if sum(f" {t} " not in line for t in toks if not t.isdigit()) > 1:
            continue  # two of its words never said: a reason that describes the hit (see _located)
        if where is None:  # each word's places, and each pair's said as one ("time out" is cleaned to "timeout")
            where = {}
            for i, n in enumerate(norm):
                where.setdefault(n, []).append(i)
            for i in range(len(norm) - 1):
                where.setdefault(norm[i] + norm[i + 1], []).append(i)
        for tok in {t for t in toks if t.isdigit()}:  # cleaning wrote a number said in words in digits
            where[tok] = sorted({*where.get(tok, ()), *(i for n, said in where.items() if n in NUMBER_WORDS for i in said)})
        if (found := _located(toks, where)) is not None:
            spots.append(found)
    if not spots:
        return None
    lo = min(spots)[0]  # the first of the reason's quoted words said
    a, b = _window(texts, lo)
    shown = texts[a:b]
    if b < len(texts):
        shown[-1] = shown[-1].rstrip(",;:.") + "\u2026"
    text = ("\u2026" if a > 0 else "") + " ".join(shown)
    start, end = words[lo][1], words[b - 1][2]
    return text, start, end
