"""The cheap prefilters in spoken.clean and numbers.digitise change nothing: same text as the plain rules."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from mockvoice import numbers, spoken

LABELLED = Path(__file__).parent / "data" / "labelled"

# the rules as they were before the prefilters, applied one after another to every text
_STOP = re.compile(r"(?<!\d)[.!;:](?!\d)")
_MARKS = re.compile(r"\?|,(?!\d)|(?<![a-z0-9])-|-(?![a-z0-9])")


def _space_mark(m: re.Match[str]) -> str:
    return " " if m.group(0) == "-" else f" {m.group(0)} "


def plain_digitise(text: str) -> str:
    text = numbers._DIGIT_SCALE.sub(numbers._replace_digit_scale, text.lower())
    text = numbers._RUN.sub(numbers._replace_run, text)
    return numbers._DIGITS.sub(numbers._replace_digits, text)


def plain_clean(text: str) -> str:
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u2014", ", ").replace("\u2013", "-")
    t = spoken._FILLER.sub("", t)
    t = spoken._REPEATS.sub(" ", t)
    t = spoken._BARE_RX.sub(lambda m: spoken._BARE[m.group(0)], t)
    t = plain_digitise(t)
    for _, rx, repl in spoken._HOMOPHONES:
        t = rx.sub(repl, t)
    t = spoken._PUNCT.sub(" ", t)
    t = _STOP.sub(" . ", t)
    t = _MARKS.sub(_space_mark, t)
    return " ".join(t.split())


# pieces that trip every rule, near misses of them, and characters that only match case-insensitively
_PIECES = (
    "read write rights right writes per a second heavy right-heavy cash cashed cashing register flow q p s q.p.s q. p. s "
    "qps's qps queries second requests p 99 p99 p95 ninety-nine ninety five fifty latency s.l.o s l a sla's slo's sl i "
    "item potent idem i dem potency dead letter cue cues fail-over fail over time-outs time out back-off back off "
    "trade-offs trade off tradeoffs graph ana graphana coffee cafka on-call on call pager duty page or duty per cent % "
    "um uh, umm er erm hmm mm mhm ah (uh) um. a and point hundred thousand million billion trillion dozen one two "
    "twelve twenty twenty-five thirty forty fourty fourteen sixty 12k 1,200 2.5 3.14 gb 10 5 m bn mm 100 1 0 12.5k "
    "5hundred 3-thousand . , ? ! ; : - -- \u2014 \u2013 ' \u2019 \u2018 \" ( ) idempotent go go's it's s 's "
    "whats dont thats theyre cant im ive wont whats_ _dont whats' édont its id lets well were "
    "Redis. Kafka? PostgreSQL! 5xx 99.9 1.5k 40% x 2x _one one_ \u017fix \u0131 \u212a \u00e9 caf\u00e9 e\u0301 \u00a0"
).split() + [
    "p fifty latency", "pfifty latency", "p 50 latency", "pninety-nine", "pninety five", "s. l. o", "q. p. s", "q p s",
    "a hundred and twenty five thousand", "read to rights", "read and writes", "rights per second", "cash flow",
    "dead letter cue", "dead letter q", "item potent", "i dem potency", "graph ana", "pager duty", "page or duty",
    "per cent", "on call", "time out", "back off", "fail over", "trade off", "right heavy", "queries per second",
    "requests per second", "s l a", "sl i", "p ninety-nine", "p ninety five", "p50 latency", "p99 latency", "p95",
]
_SEPS = (" ", " ", " ", "  ", "-", ", ", ". ", " , ", "\n", "")


def _fuzz(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = []
        for _ in range(rng.randint(1, 18)):
            w = rng.choice(_PIECES)
            if rng.random() < 0.15:
                w = w.upper() if rng.random() < 0.5 else w.capitalize()
            words.append(w)
            if rng.random() < 0.12:  # repeats, as speech-to-text loops make them
                words += [w] * rng.randint(1, 3)
        out.append("".join(w + rng.choice(_SEPS) for w in words))
    return out


def _labelled() -> list[str]:
    lines = []
    for f in sorted(LABELLED.glob("*.txt")):
        lines += [ln.split(" | ", 1)[1] for ln in f.read_text(encoding="utf-8").splitlines()
                  if " | " in ln and not ln.startswith(("#", "## "))]
    return lines


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _labelled() + _fuzz(4000)


def test_fuzz_trips_every_rule(texts):
    """Guards the test itself: each rule whose prefilter could be wrong fires on some text."""
    lowered = [t.lower() for t in texts]
    rules = [spoken._FILLER, spoken._REPEATS, spoken._BARE_RX, numbers._RUN, numbers._DIGITS, numbers._DIGIT_SCALE, _STOP, _MARKS]
    rules += [rx for _, rx, _ in spoken._HOMOPHONES]
    for rx in rules:
        assert any(rx.search(t) for t in lowered), rx.pattern
    both = lowered + [plain_digitise(t) for t in lowered]
    for triggers, rx, _ in spoken._HOMOPHONES:  # every trigger is the one that lets a match through somewhere
        for trig in triggers:
            assert any(trig in t and rx.search(t) for t in both), trig
    assert any(not t.isascii() and numbers._RUN.search(t) for t in lowered)


def test_clean_equals_plain_rules(texts):
    diffs = [(t, spoken.clean(t), plain_clean(t)) for t in texts if spoken.clean(t) != plain_clean(t)]
    assert not diffs, diffs[:3]


def test_digitise_equals_plain_rules(texts):
    diffs = [(t, numbers.digitise(t), plain_digitise(t)) for t in texts if numbers.digitise(t) != plain_digitise(t)]
    assert not diffs, diffs[:3]


def test_word_runs_are_what_regex_word_boundaries_delimit(texts):
    every_ascii = "".join(map(chr, range(128)))
    for t in texts + [every_ascii, every_ascii[::-1], "a\u00e9b c"]:
        runs = numbers.word_runs(t)
        assert runs == (re.findall(r"\w+", t) if t.isascii() else None)


def test_trigger_gate_finds_exactly_the_texts_holding_a_trigger(texts):
    triggers = {t for ts, _, _ in spoken._HOMOPHONES for t in ts}
    for t in texts + [plain_digitise(t) for t in texts] + sorted(triggers) + [t[:-1] for t in triggers]:
        assert bool(spoken._ANY_TRIGGER.search(t)) == any(tr in t for tr in triggers), t
