"""Exact prefilters for rule regexes: a cheap literal test that skips a search when no match is possible.

`necessary_literals(pattern)` reads a compiled pattern's syntax tree and returns strings of which
every match must contain at least one (or None when it cannot say). `gated(pattern)` wraps the
pattern so `search`, `match`, `findall`, `finditer` and `sub` first look for those strings with one
fast literal search and return the no-match answer at once when none occurs; the answer is always
the pattern's own. Most rule patterns open with `\\b` and a long alternation, which the regex engine
tries at every position of every utterance; the literal search skips ahead by first character.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 (the parser's opcodes)
from re import _parser
from typing import Iterable

__all__ = ["necessary_literals", "literal_trie", "gated", "Gated"]

_MAX_EXACT = 256  # largest set of exact strings tracked through a concatenation before it becomes factors
_ZERO_WIDTH = {C.AT, C.ASSERT, C.ASSERT_NOT}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


class _Info:
    """What a sub-pattern can match: `exact` (every string it matches, when few) and/or `factors`
    (strings one of which is a substring of everything it matches); None where unknown."""

    __slots__ = ("exact", "factors")

    def __init__(self, exact: frozenset[str] | None = None, factors: frozenset[str] | None = None):
        self.exact, self.factors = exact, factors

    def as_factors(self) -> frozenset[str] | None:
        f = self.exact if self.exact is not None else self.factors
        return None if f is None or "" in f else f


def _minimal(fs: Iterable[str]) -> frozenset[str]:
    """Drop every string that contains another one: containing it implies containing the shorter."""
    out: list[str] = []
    for s in sorted(set(fs), key=len):
        if not any(o in s for o in out):
            out.append(s)
    return frozenset(out)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two factor sets: longer shortest string, then fewer strings."""
    if a is None:
        return b
    if b is None:
        return a
    key = lambda f: (min(map(len, f)), -len(f))  # noqa: E731
    return a if key(a) >= key(b) else b


def _seq(items: list) -> _Info:
    run: frozenset[str] | None = frozenset({""})  # exact strings of the current run of exact items
    best: frozenset[str] | None = None
    all_exact = True
    for op, av in items:
        info = _node(op, av)
        if info.exact is not None and run is not None and len(run) * len(info.exact) <= _MAX_EXACT:
            run = frozenset(a + b for a in run for b in info.exact)
            continue
        all_exact = False
        best = _better(best, _Info(run).as_factors())  # the run so far is a contiguous piece of every match
        run = info.exact  # start a new run (None when this item is not exact)
        best = _better(best, info.as_factors())
        if run is None:
            run = frozenset({""})
    if all_exact:
        return _Info(exact=run)
    return _Info(factors=_better(best, _Info(run).as_factors()))


def _node(op, av) -> _Info:
    if op is C.LITERAL:
        return _Info(exact=frozenset({chr(av)}))
    if op in _ZERO_WIDTH:
        return _Info(exact=frozenset({""}))
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, p = av
        if add_flags & (re.IGNORECASE | re.VERBOSE):
            return _Info()
        return _seq(list(p))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq(list(av))
    if op is C.BRANCH:
        infos = [_seq(list(b)) for b in av[1]]
        if all(i.exact is not None for i in infos) and sum(len(i.exact) for i in infos) <= _MAX_EXACT:
            return _Info(exact=frozenset().union(*(i.exact for i in infos)))
        parts = [i.as_factors() for i in infos]
        return _Info(factors=None if any(p is None for p in parts) else _minimal(frozenset().union(*parts)))
    if op in _REPEATS:
        lo, hi, p = av
        inner = _seq(list(p))
        if lo == 0:
            return _Info(exact=inner.exact | {""}) if hi == 1 and inner.exact is not None else _Info()
        if lo == hi == 1:
            return inner
        return _Info(factors=inner.as_factors())  # one or more copies: each holds a factor
    if op is C.IN:
        chars = set()
        for iop, iav in av:
            if iop is C.LITERAL:
                chars.add(chr(iav))
            elif iop is C.RANGE and iav[1] - iav[0] < 26:
                chars.update(map(chr, range(iav[0], iav[1] + 1)))
            else:  # NEGATE, CATEGORY, a wide range: any of many characters
                return _Info()
        return _Info(exact=frozenset(chars))
    return _Info()  # ANY, NOT_LITERAL, GROUPREF, ...: some unknown text


def necessary_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains, or None when the pattern gives no such set."""
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    info = _seq(list(_parser.parse(pattern.pattern, pattern.flags)))
    f = info.as_factors()
    return None if f is None else _minimal(f)


def literal_trie(words: Iterable[str]) -> str:
    """A pattern matching exactly `words`, shared prefixes factored out (2x faster to search than a|b|c)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return ("(?:" + body + ")?" if alts else "") if "" in node else body

    return build(trie)


class Gated:
    """A compiled pattern that answers "no match" without searching when none of its necessary literals occurs."""

    __slots__ = ("rx", "pattern", "literals", "_gate")

    def __init__(self, rx: re.Pattern[str], literals: frozenset[str]):
        self.rx, self.pattern, self.literals = rx, rx.pattern, literals
        self._gate = re.compile(literal_trie(sorted(literals))).search

    def __repr__(self) -> str:
        return f"gated({self.rx!r})"

    def search(self, string: str, pos: int = 0, endpos: int = 2**63 - 1):
        return self.rx.search(string, pos, endpos) if self._gate(string, pos, endpos) else None

    def match(self, string: str, pos: int = 0, endpos: int = 2**63 - 1):
        return self.rx.match(string, pos, endpos) if self._gate(string, pos, endpos) else None

    def findall(self, string: str, pos: int = 0, endpos: int = 2**63 - 1) -> list:
        return self.rx.findall(string, pos, endpos) if self._gate(string, pos, endpos) else []

    def finditer(self, string: str, pos: int = 0, endpos: int = 2**63 - 1):
        return self.rx.finditer(string, pos, endpos) if self._gate(string, pos, endpos) else iter(())

    def sub(self, repl, string: str, count: int = 0) -> str:
        return self.rx.sub(repl, string, count) if self._gate(string) else string


def gated(rx: re.Pattern[str]) -> "Gated | re.Pattern[str]":
    """`rx` behind its literal prefilter, or `rx` itself when it has no usable necessary literals."""
    lits = necessary_literals(rx)
    return rx if lits is None else Gated(rx, lits)
