"""Normalise spoken or transcribed text for rule matching: case, fillers, ASR homophones, numbers as digits."""

from __future__ import annotations

import re

from .numbers import digitise

__all__ = ["clean", "FILLER_WORDS"]

FILLER_WORDS = ("um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "mhm", "ah")
_FILLER = re.compile(r"\b(?:" + "|".join(FILLER_WORDS) + r")\b[,.]?\s*")
# words speech-to-text mishears in interview answers, mapped back to the domain term
_HOMOPHONES = [  # (cheap trigger substring, pattern, replacement)
    ("read", re.compile(r"\bread (?:to |and )?(?:rights?|writes?)\b"), "read write"),
    ("right", re.compile(r"\brights? (?=per |a second|a day|heavy|path|throughput|ratio|volume|qps)"), "writes "),
    ("right", re.compile(r"\bright[- ]heavy\b"), "write heavy"),
    ("cash", re.compile(r"\bcash(?:e|ed|ing)?\b(?! (?:register|payment|flow|back))"), "cache"),
    ("q", re.compile(r"\bqueries per second\b|\bq\.? ?p\.? ?s\b|\bqps's\b"), "qps"),
    ("requests per second", re.compile(r"\brequests per second\b"), "rps requests per second"),
    ("p", re.compile(r"\bp ?(?:99|ninety[- ]nine)\b"), "p99"),
    ("p", re.compile(r"\bp ?(?:95|ninety[- ]five)\b"), "p95"),
    ("p", re.compile(r"\bp ?(?:50|fifty)\b(?= latency)"), "p50"),
    ("s", re.compile(r"\bs\.? ?l\.? ?(o|a|i)'?s?\b"), r"sl\1"),
    ("potent", re.compile(r"\b(?:item|idem|i dem) ?potent(cy)?\b"), r"idempotent\1"),
    ("dead letter", re.compile(r"\bdead letter (?:cue|q)\b"), "dead letter queue"),
    ("cues", re.compile(r"\bcues\b"), "queues"),
    ("fail", re.compile(r"\bfail[- ]over\b"), "failover"),
    ("time", re.compile(r"\btime[- ]outs?\b"), "timeout"),
    ("back", re.compile(r"\bback[- ]off\b"), "backoff"),
    ("trade", re.compile(r"\btrade[- ]offs?\b|\btradeoffs?\b"), "tradeoff"),
    ("graph", re.compile(r"\bgraph ?ana\b"), "grafana"),
    ("coffee", re.compile(r"\bcoffee\b"), "kafka"),
    ("cafka", re.compile(r"\bcafka\b"), "kafka"),
    ("on", re.compile(r"\bon[- ]call\b"), "oncall"),
    ("duty", re.compile(r"\bpage(?:r| or)? ?duty\b"), "pagerduty"),
    ("cent", re.compile(r"\bper cent\b"), " percent"),
    ("%", re.compile(r"%"), " percent"),
]
_PUNCT = re.compile(r"[^a-z0-9'?,.\s-]")
_STOP = re.compile(r"(?<!\d)[.!;:](?!\d)")


# speech-to-text loops ("idempotent, idempotent, idempotent") are hallucinations, not speech
_REPEATS = re.compile(r"\b([a-z']+)(?:\s*,?\s+\1\b){2,}")
_MARKS = re.compile(r"\?|,(?!\d)|(?<![a-z0-9])-|-(?![a-z0-9])")


def _space_mark(m: re.Match[str]) -> str:
    return " " if m.group(0) == "-" else f" {m.group(0)} "


def clean(text: str) -> str:
    """Lower-case text with fillers dropped, misheard terms fixed, numbers as digits, and , . ? spaced out."""
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u2014", ", ").replace("\u2013", "-")
    t = _FILLER.sub("", t)
    t = _REPEATS.sub(" ", t)
    t = digitise(t)
    for trigger, rx, repl in _HOMOPHONES:
        if trigger in t:
            t = rx.sub(repl, t)
    t = _PUNCT.sub(" ", t)
    t = _STOP.sub(" . ", t)
    t = _MARKS.sub(_space_mark, t)
    return " ".join(t.split())
