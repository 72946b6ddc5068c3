"""Faster rule regexes with the same answers: a literal prefilter that skips hopeless searches, and alternations regrouped.

`necessary_literals(pattern)` reads a compiled pattern's syntax tree and returns strings of which
every match must contain at least one (or None when it cannot say). `gated(pattern)` wraps the
pattern so `search`, `match`, `findall`, `finditer` and `sub` first look for those strings with one
fast literal search and return the no-match answer at once when none occurs. Most rule patterns open
with `\\b` and a long alternation, which the regex engine tries at every word of every utterance;
the literal search skips ahead by first character. `regrouped(pattern)` compiles the same syntax tree
with alternatives that share a first character merged (`fail|fall|fell` -> `f(?:ail|all|ell)`), so
the engine rejects a group with one test instead of trying each alternative in turn.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 (the parser's opcodes)
from re import _compiler, _parser
from typing import Iterable

__all__ = ["necessary_literals", "literal_trie", "gated", "Gated", "regrouped", "Regrouped"]

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


_MAX_SPREAD = 64  # most alternatives one distributed group may become
_MAX_LEAD = 64  # most literal-led alternatives one alternative may become to join a group


def _lead(items: list) -> list[list] | None:
    """`items` as alternatives that each open with a literal, in the order the regex engine tries them
    ((A|B)C is AC|BC; X?C is XC|C, greedy), or None when that is not possible in a few."""
    if not items:
        return None
    op, av = items[0]
    if op is C.LITERAL:
        return [items]
    if op is C.SUBPATTERN and av[0] is None and not av[1] and not av[2]:
        return _lead(list(av[3]) + items[1:])
    if op is C.BRANCH:
        out: list[list] = []
        for alt in av[1]:
            led = _lead(list(alt) + items[1:])
            if led is None or len(out) + len(led) > _MAX_SPREAD:
                return None
            out += led
        return out
    if op is C.MAX_REPEAT and av[0] == 0 and av[1] == 1:  # greedy X?
        with_x, without = _lead(list(av[2]) + items[1:]), _lead(items[1:])
        if with_x is None or without is None or len(with_x) + len(without) > _MAX_SPREAD:
            return None
        return with_x + without
    return None


def _grouped(state, alts: list[list]) -> list[list] | None:
    """Alternatives sharing a first literal merged into one (c(?:x|y)): the engine skips a whole group on one
    character test. Exact: alternatives opening with different characters never match at the same place,
    and each group keeps its members in order. An alternative that cannot be led by a literal (`\\w+ lags`)
    stays where it is, and only the runs of alternatives between such ones are grouped. None: no change."""
    out: list[list] = []
    run: list[list] = []  # literal-led alternatives since the last one that is not
    changed = False
    for alt in alts + [None]:
        one = None if alt is None else _lead(list(alt))
        if one is not None and len(one) <= _MAX_LEAD:
            run += one
            continue
        if len(run) > 1:
            out += _group_run(state, run)
            changed = True
        else:
            out += run
        run = []
        if alt is not None:
            out.append(alt)
    return out if changed else None


def _group_run(state, led: list[list]) -> list[list]:
    groups: dict[int, list[list]] = {}
    for alt in led:
        groups.setdefault(alt[0][1], []).append(alt[1:])
    out = []
    for ch, rests in groups.items():
        if len(rests) == 1:
            out.append([(C.LITERAL, ch)] + rests[0])
            continue
        inner = _grouped(state, rests) if all(rests) else None
        branch = _parser.SubPattern(state, [(C.BRANCH, (None, [_parser.SubPattern(state, r) for r in (inner or rests)]))])
        out.append([(C.LITERAL, ch), (C.SUBPATTERN, (None, 0, 0, branch))])
    return out


def _regroup(state, items: list) -> list:
    """`items` with every alternation inside it grouped by first character where that is exact."""
    out = []
    for op, av in items:
        if op is C.BRANCH:
            alts = [_regroup(state, list(a)) for a in av[1]]
            grouped = _grouped(state, alts)
            av = (None, [_parser.SubPattern(state, a) for a in (grouped or alts)])
        elif op is C.SUBPATTERN:
            av = (av[0], av[1], av[2], _parser.SubPattern(state, _regroup(state, list(av[3]))))
        elif op in _REPEATS:
            av = (av[0], av[1], _parser.SubPattern(state, _regroup(state, list(av[2]))))
        elif op in (C.ASSERT, C.ASSERT_NOT):
            av = (av[0], _parser.SubPattern(state, _regroup(state, list(av[1]))))
        out.append((op, av))
    return out


def regrouped(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern with its alternations grouped by first character (same matches, found faster);
    `rx` itself when it has capturing groups or flags this does not handle."""
    if rx.groups or not isinstance(rx.pattern, str) or rx.flags & (re.IGNORECASE | re.VERBOSE):
        return rx
    tree = _parser.parse(rx.pattern, rx.flags)
    tree.data = _regroup(tree.state, list(tree.data))
    return _compiler.compile(tree, rx.flags)


class Gated:
    """A compiled pattern that answers "no match" without searching when none of its necessary literals occurs."""

    __slots__ = ("rx", "pattern", "literals", "_gate", "_fast")

    def __init__(self, rx: re.Pattern[str], literals: frozenset[str], fast: re.Pattern[str] | None = None):
        self.rx, self.pattern, self.literals = rx, rx.pattern, literals
        self._gate = re.compile(literal_trie(sorted(literals))).search
        self._fast = fast or rx  # what searches when the gate lets a text through (`regrouped(rx)` or rx)

    def __repr__(self) -> str:
        return f"gated({self.rx!r})"

    def search(self, string: str, pos: int = 0, endpos: int = 2**63 - 1):
        return self._fast.search(string, pos, endpos) if self._gate(string, pos, endpos) else None

    def match(self, string: str, pos: int = 0, endpos: int = 2**63 - 1):
        return self._fast.match(string, pos, endpos) if self._gate(string, pos, endpos) else None

    def findall(self, string: str, pos: int = 0, endpos: int = 2**63 - 1) -> list:
        return self._fast.findall(string, pos, endpos) if self._gate(string, pos, endpos) else []

    def finditer(self, string: str, pos: int = 0, endpos: int = 2**63 - 1):
        return self._fast.finditer(string, pos, endpos) if self._gate(string, pos, endpos) else iter(())

    def sub(self, repl, string: str, count: int = 0) -> str:
        return self._fast.sub(repl, string, count) if self._gate(string) else string


class Regrouped:
    """A pattern searched through `regrouped(rx)`: the same answers, with no Python in between."""

    __slots__ = ("rx", "pattern", "search", "match", "findall", "finditer", "sub")

    def __init__(self, rx: re.Pattern[str]):
        fast = regrouped(rx)
        self.rx, self.pattern = rx, rx.pattern
        self.search, self.match, self.findall, self.finditer, self.sub = fast.search, fast.match, fast.findall, fast.finditer, fast.sub

    def __repr__(self) -> str:
        return f"regrouped({self.rx!r})"


def gated(rx: re.Pattern[str], regroup: bool = False) -> "Gated | Regrouped | re.Pattern[str]":
    """`rx` behind its literal prefilter (searching with `regrouped(rx)` when `regroup`), or without one
    when it has no usable necessary literals. Which patterns gain from which is measured, not guessed:
    a gate costs about a microsecond and regrouping slows a few patterns down."""
    lits = necessary_literals(rx)
    if lits is None:
        return Regrouped(rx) if regroup else rx
    return Gated(rx, lits, regrouped(rx) if regroup else None)
