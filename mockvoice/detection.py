"""Final feature detection: the rule detectors' evidence, checked and completed by the learned model.

`detect_features` runs every rule detector over an answer's cleaned utterances, turns what they
said about each utterance into signals, lets the model (learned.py) decide, and returns one
Analysis per feature. Each hit keeps the rule's cue when a rule found it, or names the words
that carried the model's decision; a rule hit the model overruled becomes a near miss that says so.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

import numpy as np

from .detectors import analyse
from .learned import FEATURES, Model, denials, load_model, utterance_features
from .questions import Analysis, Hit, clarifying_question

__all__ = ["detect_features", "signals", "FEATURES"]

_NAMES = {"clarifying_question": "clarifying question", "trade_off": "trade-off", "failure_mode": "failure mode",
          "scale_estimate": "scale estimate", "monitoring": "monitoring"}


def _rules(texts: list[str], notes: list[set[str]]) -> dict[str, Analysis]:
    out = {"clarifying_question": clarifying_question(texts, (), notes)}
    for f in FEATURES[1:]:
        out[f] = analyse(f, texts, (), frozenset(), notes)  # raw: no question exclusion, so the model sees every rule's view
    return out


def signals(texts: list[str]) -> tuple[list[set[str]], dict[str, Analysis]]:
    """What the rules said about each utterance, as model inputs, and the rules' own analyses.

    Signals: each rule's verdict ("R:trade_off"), its near misses and why ("N:failure_mode:denies failure"),
    and the cues it saw on the way ("Q" question form, "C:handling", "NUMS:2", "OP" arithmetic...).
    """
    notes: list[set[str]] = [set() for _ in texts]
    rules = _rules(texts, notes)
    for f, a in rules.items():
        for h in a.hits:
            notes[h.index].add("R:" + f)
        for h in a.near_misses:
            notes[h.index].update(("N:" + f, "N:" + f + ":" + h.cue.split(":")[0][:24]))
    return notes, rules


def _covered(hits: list[Hit], group: list[int]) -> bool:
    """Whether a hit found so far already spans an utterance of the group."""
    return any(h.index <= i <= (h.through or h.index) for h in hits for i in group)


def _learned_cue(words: list[str]) -> str:
    return "learned from " + ", ".join(f"'{w}'" for w in words) if words else "learned from the whole sentence"


def _split_sentences(sentences: list[int] | None) -> list[list[int]]:
    """Runs of utterances that were one sentence split at clause pauses (utterances.py), two or more long."""
    if not sentences:
        return []
    groups: list[list[int]] = []
    for i, sent in enumerate(sentences):
        if sent >= 0 and groups and sentences[groups[-1][-1]] == sent and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    return [g for g in groups if len(g) > 1]


def _judge(texts: list[str], model: Model, spoken: bool) -> tuple[list[set[str]], dict[str, Analysis], np.ndarray]:
    """Model inputs, the rules' analyses and the model's verdicts (utterance x feature) for some texts."""
    notes, rules = signals(texts)
    feats = [utterance_features(t, s) for t, s in zip(texts, notes)]
    return feats, rules, model.found(model.scores(feats), spoken, denials(feats) if spoken else None)


# speech-to-text often ends a question at each alternative or aside ("is it new? or has it always done that?
# like since a release?"): a question that only continues the one before is part of it, not a new question
_CONTINUES_QUESTION = re.compile(r"(?:or|like|i mean|say)\b")


def _fold_adjacent(hits: list[Hit], joins: Callable[[int, int], bool]) -> list[Hit]:
    """Hits sorted by utterance, each run of adjacent ones that `joins(end of the last, next)` made one hit spanning them."""
    kept: list[Hit] = []
    for h in hits:
        end = (kept[-1].through or kept[-1].index) if kept else -2
        if end + 1 == h.index and joins(end, h.index):
            kept[-1] = Hit(kept[-1].index, kept[-1].cue, through=h.through or h.index)
        else:
            kept.append(h)
    return kept


def _fold_alternatives(hits: list[Hit], texts: list[str]) -> list[Hit]:
    return _fold_adjacent(hits, lambda _end, i: _CONTINUES_QUESTION.match(texts[i]) is not None)


# Features one spoken sentence seldom holds twice: an estimate. Not failure modes or trade-offs, which
# speech-to-text runs together in one "sentence" (folding them cost held-out spoken answers failure-mode
# count F1 0.87 -> 0.85), nor monitoring (counts 0.85 -> 0.87 but answer lines 0.84 -> 0.82).
_ONE_PER_SENTENCE = frozenset({"scale_estimate"})


def _fold_clauses(hits: list[Hit], sentences: list[int]) -> list[Hit]:
    """Hits in adjacent clauses of one spoken sentence are one hit spanning them: speech-to-text splits a
    sentence at its comma pauses ("inventory is 50k hotels, 100 room types each," / "for 365 nights, so
    about 2 billion rows"), and one estimate spread over its clauses is still one."""
    return _fold_adjacent(hits, lambda end, i: sentences[end] == sentences[i] >= 0)


# An estimate is the one feature speech-to-text often splits over two sentences ("100000 hotels with 50 rooms
# each." / "this is 5000000 rooms."), neither a scale estimate alone: each adjacent pair of utterances that both
# hold a number is judged joined too (held-out B-G spoken answer lines, scale estimate F1 0.851 -> 0.874).
_ACROSS_SENTENCES = "scale_estimate"
_DIGIT = re.compile(r"\d")


def _number_pairs(texts: list[str], groups: list[list[int]]) -> list[list[int]]:
    """Adjacent utterances that both hold a number and are not already judged together as one sentence."""
    has = [_DIGIT.search(t) is not None for t in texts]
    joined = {(g[i], g[i + 1]) for g in groups for i in range(len(g) - 1)}
    return [[i, i + 1] for i in range(len(texts) - 1) if has[i] and has[i + 1] and (i, i + 1) not in joined]


def detect_features(texts: list[str], methods: Iterable[str] = FEATURES, model: Model | None = None,
                    sentences: list[int] | None = None, spoken: bool = False) -> dict[str, Analysis]:
    """One Analysis per requested built-in feature for an answer's cleaned utterances.

    `sentences` (Utterance.sentence of each text) marks clauses split from one sentence: a feature
    that only the whole sentence shows (a trade-off whose cost is in the next clause) is found on
    the joined sentence and its hit spans those clauses (`Hit.through`). `spoken` (a transcript of
    audio) judges by the model's speech thresholds.
    """
    wanted = [m for m in methods if m in FEATURES]
    if not texts or not wanted:
        return {m: Analysis() for m in wanted}
    model = model or load_model()
    feats, rules, found = _judge(texts, model, spoken)
    groups = _split_sentences(sentences)
    pairs = _number_pairs(texts, groups) if sentences and _ACROSS_SENTENCES in wanted else []
    groups += pairs
    if groups:
        g_feats, g_rules, g_found = _judge([" ".join(texts[i] for i in g) for g in groups], model, spoken)
    rows = found.tolist()  # Python bools: numpy scalar indexing per utterance and feature cost more than the rest
    columns = list(zip(*rows))
    g_columns = list(zip(*g_found.tolist())) if groups else []
    out: dict[str, Analysis] = {}
    for m in wanted:
        col = FEATURES.index(m)
        is_found = columns[col]
        rule_cue = {h.index: h.cue for h in rules[m].hits}
        hits: list[Hit] = []
        misses: list[Hit] = [h for h in rules[m].near_misses if not is_found[h.index]]
        for i, yes in enumerate(is_found):
            if yes:
                hits.append(Hit(i, rule_cue.get(i) or _learned_cue(model.reasons(feats[i], col))))
            elif i in rule_cue:
                other = [_NAMES[f] for k, f in enumerate(FEATURES) if k != col and rows[i][k]]
                why = f"reads as a {other[0]} instead" if other else "the rest of the sentence does not bear it out"
                misses.append(Hit(i, f"'{rule_cue[i]}' looked like a {_NAMES[m]}, but {why}"))
        for k, g in enumerate(groups):
            if k >= len(groups) - len(pairs) and m != _ACROSS_SENTENCES:
                break
            if g_columns[col][k] and not any(is_found[i] for i in g) and not _covered(hits, g):
                cue = next((h.cue for h in g_rules[m].hits if h.index == k), None) or _learned_cue(model.reasons(g_feats[k], col))
                hits.append(Hit(g[0], cue, through=g[-1]))
        hits.sort(key=lambda h: h.index)
        if m == "clarifying_question":
            hits = _fold_alternatives(hits, texts)
        elif sentences and m in _ONE_PER_SENTENCE:
            hits = _fold_clauses(hits, sentences)
        out[m] = Analysis(tuple(hits), tuple(sorted(misses, key=lambda h: h.index)))
    return out
