"""The literal prefilters and regrouped alternations of the rule regexes (prefilter.py) change nothing: same matches, same detector output."""

from __future__ import annotations

import random
import re
from re import _constants as C  # noqa: N812
from re import _parser
from pathlib import Path

import pytest

from mockvoice import delivery, detectors, prefilter, questions
from mockvoice.detection import signals
from mockvoice.spoken import clean

LABELLED = Path(__file__).parent / "data" / "labelled"
FAST = {f"{mod.__name__.rsplit('.', 1)[1]}.{name}": obj for mod in (detectors, questions, delivery)
        for name, obj in vars(mod).items() if isinstance(obj, (prefilter.Gated, prefilter.Regrouped))}
GATED = {name: obj for name, obj in FAST.items() if isinstance(obj, prefilter.Gated)}
# each pattern's necessary literals (gated or not): samples are drawn until each is in a match
LITERALS = {name: lits for name, obj in FAST.items() if (lits := prefilter.necessary_literals(obj.rx)) is not None}
_WORD = "abcdefghijklmnopqrstuvwxyz0123456789_'"
_SPACE = " \t\n"


def _sample(items, rng: random.Random) -> str:
    """A random string built along the pattern (look-arounds ignored, so not every sample matches)."""
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.NOT_LITERAL or op is C.ANY:  # half of them spaces: a "\b" after ".{1,80}?" needs one to match
            out.append(" " if rng.random() < 0.5 else rng.choice(_WORD + " ,."))
        elif op is C.IN:
            out.append(_one_of(av, rng))
        elif op is C.BRANCH:
            out.append(_sample(rng.choice(av[1]), rng))
        elif op is C.SUBPATTERN:
            out.append(_sample(av[3], rng))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, hi, p = av
            out.extend(_sample(p, rng) for _ in range(rng.randint(lo, min(hi, lo + 2))))
    return "".join(out)


def _one_of(av, rng: random.Random) -> str:
    chars = []
    for op, a in av:
        if op is C.LITERAL:
            chars.append(chr(a))
        elif op is C.RANGE:
            chars += [chr(c) for c in range(a[0], a[1] + 1)]
        elif op is C.CATEGORY:
            chars += {C.CATEGORY_DIGIT: "0123456789", C.CATEGORY_SPACE: _SPACE, C.CATEGORY_WORD: _WORD}.get(a, "x!")
        elif op is C.NEGATE:
            return rng.choice(_WORD + " ,.?")
    return rng.choice(chars or "x")


def _labelled() -> list[str]:
    lines = []
    for f in sorted(LABELLED.glob("*.txt")):
        lines += [ln.split(" | ", 1)[1] for ln in f.read_text(encoding="utf-8").splitlines()
                  if " | " in ln and not ln.startswith("#")]
    return lines


def _mutate(text: str, rng: random.Random) -> str:
    """Drop, double, swap or re-space characters and words: near misses of whatever the text matched."""
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(words))
        w = words[k]
        r = rng.random()
        if r < 0.25 and len(w) > 1:
            i = rng.randrange(len(w))
            words[k] = w[:i] + w[i + 1:]
        elif r < 0.45:
            words[k] = w + rng.choice(["s", "ed", "ing", "'s", ",", ".", "?", "-"])
        elif r < 0.6:
            words.insert(k, rng.choice(words))
        elif r < 0.75:
            words[k] = w.upper() if rng.random() < 0.5 else w.replace(" ", "")
        else:
            words[k] = w + rng.choice(["", " ", "  "]) + rng.choice(words)
    return rng.choice([" ", "", ". ", ", "]).join(words)


def _covering_samples(rx: re.Pattern, literals: frozenset[str], rng: random.Random, tries: int = 5000) -> list[str]:
    """Matches of the pattern, sampled until each of its necessary literals is in one (a gate that lost a
    literal lets one of these through unmatched; they also walk most branches of a regrouped pattern)."""
    tree = list(_parser.parse(rx.pattern))
    todo, out = set(literals), []
    for k in range(tries):
        s = _sample(tree, rng)
        m = rx.search(s)
        if m is None:
            continue
        new = {lit for lit in todo if lit in m.group(0)}
        if new or k % 50 == 0:
            todo -= new
            out.append(s)
        if not todo and len(out) >= 40:
            break
    # a literal the sampler missed among many ("wouldn't really have outages"): swap it into a sample for
    # another literal of the pattern, which usually stands in the same place
    found = [(s, lit) for s in out for lit in literals if lit in rx.search(s).group(0)]
    for lit in sorted(todo):
        for s, other in found:
            t = s.replace(other, lit, 1)
            m = rx.search(t)
            if m is not None and lit in m.group(0):
                out.append(t)
                break
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rng = random.Random(6)
    raw = _labelled()
    out = [clean(t) for t in raw[::3]]
    out += [_mutate(rng.choice(out), rng) for _ in range(1000)]
    for name, lits in sorted(LITERALS.items()):  # matches of every pattern, alone, inside labelled text, and mutated
        for s in _covering_samples(FAST[name].rx, lits, rng):
            host = clean(rng.choice(raw)).split(" ")
            at = rng.randrange(len(host) + 1)
            out += [s, " ".join(host[:at] + [s] + host[at:]), _mutate(s, rng)]
    for name, g in sorted(FAST.items()):  # and of the patterns with no necessary literals
        if name not in LITERALS:
            tree = list(_parser.parse(g.pattern))
            out += [s for s in (_sample(tree, rng) for _ in range(600)) if g.rx.search(s)][:150]
    return out


def test_every_pattern_is_tested_on_matches_through_each_literal(texts):
    """Guards the test itself: each necessary literal is in some real match, so a gate missing one would show."""
    assert len(GATED) >= 15 and len(LITERALS) >= 25
    for name, lits in LITERALS.items():
        rx = FAST[name].rx
        seen = {lit for t in texts for m in rx.finditer(t) for lit in lits if lit in m.group(0)}
        assert lits <= seen, (name, sorted(lits - seen)[:10])


def test_each_match_holds_a_necessary_literal(texts):
    for name, lits in LITERALS.items():
        bad = [(t, m.group(0)) for t in texts for m in FAST[name].rx.finditer(t) if not any(lit in m.group(0) for lit in lits)]
        assert not bad, (name, bad[:3])


def _same(a: re.Match | None, b: re.Match | None) -> bool:
    return (a is None) == (b is None) and (a is None or (a.span(), a.groups()) == (b.span(), b.groups()))


def test_gated_and_regrouped_patterns_answer_as_the_plain_ones(texts):
    rng = random.Random(2)
    assert sum(g._fast is not g.rx for g in GATED.values()) >= 5 and len(FAST) > len(GATED)
    for name, g in FAST.items():
        for t in texts:
            assert _same(g.search(t), g.rx.search(t)), (name, t)
        for t in texts[::2]:
            assert g.findall(t) == g.rx.findall(t) and g.sub(" ", t) == g.rx.sub(" ", t), (name, t)
        for t in texts[::7]:  # the other entry points, from a position
            pos = rng.randrange(len(t) + 1)
            assert _same(g.search(t, pos), g.rx.search(t, pos)) and _same(g.match(t, pos), g.rx.match(t, pos)), (name, t, pos)
            assert [m.span() for m in g.finditer(t, pos)] == [m.span() for m in g.rx.finditer(t, pos)], (name, t)


def test_quantities_skip_only_texts_without_digits(texts):
    plain = [detectors._NUMS.findall(detectors._NOT_QUANTITY.rx.sub(" ", t)) for t in texts]
    assert [detectors._quantities(t) for t in texts] == plain
    assert sum(map(bool, plain)) > 500


def test_detectors_give_the_same_signals_as_the_plain_regexes(texts, monkeypatch):
    answers = [texts[i:i + 13] for i in range(0, len(texts), 26)]  # every other answer of 13
    methods = ("clarifying_question", "trade_off", "failure_mode", "scale_estimate", "monitoring")

    def run() -> tuple[list, list]:
        return [signals(a) for a in answers], [[detectors.strength(m, t) for m in methods] for t in texts]

    gated = run()
    for name, g in FAST.items():  # every gate and regrouping off: the plain patterns, and no digit test
        module, attr = name.split(".")
        monkeypatch.setattr({"detectors": detectors, "questions": questions, "delivery": delivery}[module], attr, g.rx)
    monkeypatch.setattr(detectors, "_STRENGTH", {k: tuple(getattr(p, "rx", p) for p in v) for k, v in detectors._STRENGTH.items()})
    monkeypatch.setattr(detectors, "_DIGIT", re.compile(r"(?:)"))
    plain = run()
    assert gated == plain
    assert sum(len(n) for notes, _ in plain[0] for n in notes) > 5_000  # the rules said plenty


def test_necessary_literals_of_small_patterns():
    lit = prefilter.necessary_literals
    assert lit(re.compile(r"\b(?:at the (?:cost|price) of|fail(?:s|ed)?)\b")) == {"at the cost of", "at the price of", "fail"}
    assert lit(re.compile(r"\b\w+ or (?:\w+ )?\w+")) == {" or "}
    assert lit(re.compile(r"[kmg]b|tb")) == {"kb", "mb", "gb", "tb"}
    assert lit(re.compile(r"(?:^|[.?] )why\b")) == {"why"}
    for none in (r"\w+", r"a|\d", r"(?:x)?", r"(?i)fail", r"a*b?"):
        assert lit(re.compile(none)) is None, none
    assert isinstance(prefilter.gated(re.compile(r"\d+")), re.Pattern)  # nothing to gate on: the pattern itself
