"""Normalise spoken or transcribed text for rule matching: case, fillers, ASR homophones, numbers as digits."""

from __future__ import annotations

import re

from .numbers import digitise_lower, word_runs
from .prefilter import literal_trie

__all__ = ["clean", "FILLER_WORDS"]

FILLER_WORDS = ("um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "mhm", "ah")
_FILLER = re.compile(r"\b(?:" + "|".join(FILLER_WORDS) + r")\b[,.]?\s*")
# words speech-to-text mishears in interview answers, mapped back to the domain term
_HOMOPHONES = [  # (substrings one of which any match holds, pattern, replacement): the test is ~20x cheaper
    (("read ",), re.compile(r"\bread (?:to |and )?(?:rights?|writes?)\b"), "read write"),
    (("right",), re.compile(r"\brights? (?=per |a second|a day|heavy|path|throughput|ratio|volume|qps)"), "writes "),
    (("right-heavy", "right heavy"), re.compile(r"\bright[- ]heavy\b"), "write heavy"),
    (("cash",), re.compile(r"\bcash(?:e|ed|ing)?\b(?! (?:register|payment|flow|back))"), "cache"),
    (("queries per second", "qp", "q.p", "q p", "q. p"), re.compile(r"\bqueries per second\b|\bq\.? ?p\.? ?s\b|\bqps's\b"), "qps"),
    (("requests per second",), re.compile(r"\brequests per second\b"), "rps requests per second"),
    (("p99", "p 99", "pninety", "p ninety"), re.compile(r"\bp ?(?:99|ninety[- ]nine)\b"), "p99"),
    (("p95", "p 95", "pninety", "p ninety"), re.compile(r"\bp ?(?:95|ninety[- ]five)\b"), "p95"),
    (("p50", "p 50", "pfifty", "p fifty"), re.compile(r"\bp ?(?:50|fifty)\b(?= latency)"), "p50"),
    (("sl", "s.l", "s l", "s. l"), re.compile(r"\bs\.? ?l\.? ?(o|a|i)'?s?\b"), r"sl\1"),
    (("potent",), re.compile(r"\b(?:item|idem|i dem) ?potent(cy)?\b"), r"idempotent\1"),
    (("dead letter",), re.compile(r"\bdead letter (?:cue|q)\b"), "dead letter queue"),
    (("cues",), re.compile(r"\bcues\b"), "queues"),
    (("fail-over", "fail over"), re.compile(r"\bfail[- ]over\b"), "failover"),
    (("time-out", "time out"), re.compile(r"\btime[- ]outs?\b"), "timeout"),
    (("back-off", "back off"), re.compile(r"\bback[- ]off\b"), "backoff"),
    (("trade-off", "trade off", "tradeoff"), re.compile(r"\btrade[- ]offs?\b|\btradeoffs?\b"), "tradeoff"),
    (("graphana", "graph ana"), re.compile(r"\bgraph ?ana\b"), "grafana"),
    (("coffee",), re.compile(r"\bcoffee\b"), "kafka"),
    (("cafka",), re.compile(r"\bcafka\b"), "kafka"),
    (("on-call", "on call"), re.compile(r"\bon[- ]call\b"), "oncall"),
    (("duty",), re.compile(r"\bpage(?:r| or)? ?duty\b"), "pagerduty"),
    (("per cent",), re.compile(r"\bper cent\b"), " percent"),
    (("%",), re.compile(r"%"), " percent"),
]
_PUNCT = re.compile(r"[^a-z0-9'?,.\s-]")
# patterns open with the character they match (the look-behind after it), so the regex engine skips ahead to
# candidates instead of trying every position: same matches as (?<!\d)[.!;:](?!\d) and (?<![a-z0-9])-
_STOP = re.compile(r"[.!;:](?<!\d[.!;:])(?!\d)")


# speech-to-text loops ("idempotent, idempotent, idempotent") are hallucinations, not speech
_REPEATS = re.compile(r"\b([a-z']+)(?:\s*,?\s+\1\b){2,}")
# , ? and stray hyphens spaced out (as one pass of \?|,(?!\d)|(?<![a-z0-9])-|-(?![a-z0-9]) would, 3x faster)
_COMMA = re.compile(r",(?!\d)")  # not inside a number
_HYPHEN = re.compile(r"-(?<![a-z0-9]-)|-(?![a-z0-9])")  # not joining two words
_FILLER_SET = frozenset(FILLER_WORDS)
# contractions typed without their apostrophe ("whats the traffic", "we dont") written as speech-to-text writes
# them, so rules and the model see one word; only the unambiguous ones ("its", "were", "well", "id", "lets" are words)
_BARE = {w.replace("'", ""): w for w in (
    "what's that's there's here's who's where's how's don't doesn't didn't isn't aren't wasn't weren't won't can't "
    "wouldn't shouldn't couldn't hasn't haven't i'm i've you're they're we've they've you've you'll they'll "
    "that'll you'd they'd would've could've should've").split()}
_BARE_RX = re.compile(r"\b(?:" + "|".join(_BARE) + r")\b")


# any rule's trigger: when none is in the text, no rule fires (one search instead of ~45 substring tests)
_ANY_TRIGGER = re.compile(literal_trie({t for ts, _, _ in _HOMOPHONES for t in ts}))


def _may_repeat(t: str) -> bool:
    """False when `_REPEATS` cannot match: it needs whitespace-separated tokens a, w, c (commas aside) with a
    ending in w and c starting with w, since the middle copy of a repeat is a whole token."""
    toks = t.replace(",", " ").split()
    mids = toks[1:-1]
    return any(map(str.startswith, toks[2:], mids)) and any(map(str.endswith, toks, mids)) and any(
        a.endswith(w) and c.startswith(w) for a, w, c in zip(toks, mids, toks[2:]))


def clean(text: str) -> str:
    """Lower-case text with fillers dropped, misheard terms fixed, numbers as digits, and , . ? spaced out."""
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u2014", ", ").replace("\u2013", "-")
    runs = word_runs(t)  # a filler is a whole word: skip the pattern when no word is one
    if runs is None or not _FILLER_SET.isdisjoint(runs):
        new = _FILLER.sub("", t)
        if new != t:
            t, runs = new, word_runs(new)
    if _may_repeat(t):
        new = _REPEATS.sub(" ", t)
        if new != t:
            t, runs = new, word_runs(new)
    if runs is None or not _BARE.keys().isdisjoint(runs):
        new = _BARE_RX.sub(lambda m: _BARE[m.group(0)], t)
        if new != t:
            t, runs = new, word_runs(new)
    t = digitise_lower(t, runs)
    if _ANY_TRIGGER.search(t):
        for triggers, rx, repl in _HOMOPHONES:
            for trigger in triggers:
                if trigger in t:
                    t = rx.sub(repl, t)
                    break
    t = _PUNCT.sub(" ", t)
    t = _STOP.sub(" . ", t)
    if "-" in t:
        t = _HYPHEN.sub(" ", t)
    if "," in t:
        t = _COMMA.sub(" , ", t)
    return " ".join(t.replace("?", " ? ").split())
