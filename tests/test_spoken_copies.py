"""How spoken copies of labelled answers get their tags: utterances aligned back to the written lines."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "benchmarks")]

from accuracy import line_cover  # noqa: E402
from spoken_copies import _answer_tags  # noqa: E402

LINES = ["how many users do we expect per day",
         "if the primary dies we fail over to the replica",
         "i would alert on replication lag"]
LABELS = [frozenset({"clarifying_question"}), frozenset({"failure_mode"}), frozenset({"monitoring"})]


def _tags(spoken: list[str]) -> list[str]:
    cover, sizes = line_cover(spoken, LINES)
    aligned = [sum(c.get(j, 0) for c in cover) for j in range(len(LINES))]
    return [_answer_tags(c, aligned, sizes, LABELS) for c in cover]


def test_an_utterance_holding_two_whole_lines_carries_both_their_features():
    assert _tags(["how many users do we expect per day if the primary dies we fail over to the replica",
                  "i would alert on replication lag"]) == ["cq,fm", "mon"]


def test_a_clause_holding_part_of_a_line_leaves_that_lines_features_unknown():
    # the failure line was split at a pause: neither half is known to carry the failure on its own
    assert _tags(["how many users do we expect per day", "if the primary dies",
                  "we fail over to the replica", "i would alert on replication lag"]) == ["cq", "?fm", "?fm", "mon"]


def test_a_garbled_word_does_not_stop_a_line_counting_as_whole():
    # 'replica' misheard: the line's recognisable words are all in the one utterance
    assert _tags(["how many users do we expect per day", "if the primary dies we fail over to the rep liker",
                  "i would alert on replication lag"]) == ["cq", "fm", "mon"]


def test_an_utterance_with_no_recognisable_word_is_unknown_for_every_feature():
    tags = _tags(["how many users do we expect per day if the primary dies we fail over to the replica",
                  "idempotent idempotent balancer", "i would alert on replication lag"])
    assert tags[1] == "?cq,?to,?fm,?se,?mon"
