"""The question bank (validated like rubrics) and the rule-based probe choice (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockvoice.errors import PromptError, RubricError
from mockvoice.probes import FallbackProbeWriter, ProbeContext, RuleProbeWriter, choose_probe, wrap_up_text
from mockvoice.prompts import PROBE_FAMILIES, find_question, load_bank, load_questions, pick_question
from mockvoice.rubric import load_rubric
from mockvoice.scoring import score_transcript
from mockvoice.session import ProbeRecord
from mockvoice.transcript import Transcript


def test_bank_has_enough_questions_across_topics_with_real_rubrics():
    qs = load_questions()
    assert len(qs) >= 30
    assert {q.topic for q in qs} == {"system-design", "debugging", "architecture-review", "behavioral"}
    for q in qs:
        load_rubric(q.rubric)
        assert set(q.probes) <= set(PROBE_FAMILIES) and len(q.probes) >= 3
    assert len({q.id for q in qs}) == len(qs)


@pytest.mark.parametrize("body, field", [
    ("questions:\n  - id: x1\n    topic: debugging\n    rubric: debugging\n    text: What now, on call?\n    probes: {scope: [a], cost: [b], rollout: [c]}\n    colour: red\n", "questions[0].colour"),
    ("questions:\n  - id: x1\n    topic: gossip\n    rubric: debugging\n    text: What now, on call?\n    probes: {scope: [a], cost: [b], rollout: [c]}\n", "questions[0].topic"),
    ("questions:\n  - id: x1\n    topic: debugging\n    rubric: debugging\n    text: What now, on call?\n    probes: {scope: [a], vibes: [b], rollout: [c]}\n", "questions[0].probes.vibes"),
    ("questions:\n  - id: x1\n    topic: debugging\n    rubric: nope\n    text: What now, on call?\n    probes: {scope: [a], cost: [b], rollout: [c]}\n", "questions[0].rubric"),
    ("questions: [\n", "not valid YAML"),
])
def test_a_broken_bank_file_is_one_line_naming_file_and_field(tmp_path, body, field):
    path = tmp_path / "mine.yaml"
    path.write_text(body)
    with pytest.raises(PromptError) as err:
        load_bank(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and field in msg, msg


def test_duplicate_ids_unknown_question_and_topic(tmp_path):
    body = "questions:\n  - id: dup\n    topic: debugging\n    rubric: debugging\n    text: What now, on call?\n    probes: {scope: [a], cost: [b], rollout: [c]}\n"
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text(body)
    with pytest.raises(PromptError, match="dup.*unique"):
        load_questions(tmp_path)
    with pytest.raises(PromptError, match="mockvoice questions"):
        find_question("no-such-question")
    with pytest.raises(PromptError, match="unknown topic"):
        pick_question("gossip")
    assert pick_question("behavioral").topic == "behavioral"


URL = find_question("url-shortener")
SCOPED_NO_FAILURES = (
    "How many links per day? What is the read to write ratio? Do links expire? "
    "I would use a counter rather than hashing, because it never collides but needs coordination. "
    "A cache is faster but costs memory."
)


def ctx(text: str, asked: tuple[str, ...] = (), question=URL, rubric="system-design") -> ProbeContext:
    card = score_transcript(Transcript.from_text(text), rubric)
    records = tuple(ProbeRecord(text=t) for t in asked)
    return ProbeContext(question=question, scorecard=card, asked=records)


PAY = find_question("payment-service")


@pytest.mark.parametrize("question, text, asked, feature, family", [
    (URL, SCOPED_NO_FAILURES, (), "failure_mode", "failure_mode"),
    (PAY, SCOPED_NO_FAILURES, (PAY.probes["failure_mode"][0],), "failure_mode", "rollback"),
    (URL, SCOPED_NO_FAILURES, (URL.probes["failure_mode"][0],), "scale_estimate", "scale_10x"),
    (URL, "We use Redis.", (), "clarifying_question", "scope"),
], ids=["failure-first", "next-family-no-repeat", "next-gap-when-family-used-up", "scope-first"])
def test_probe_goes_after_the_heaviest_gap_without_repeats(question, text, asked, feature, family):
    probe = choose_probe(ctx(text, asked, question=question))
    assert (probe.feature, probe.family) == (feature, family)
    assert probe.text in question.probes[family] and probe.text not in asked and probe.source == "rules"
    assert "missing" in probe.reason


def test_every_probe_is_asked_once_then_none():
    asked: list[str] = []
    for _ in range(sum(len(v) for v in URL.probes.values())):
        probe = choose_probe(ctx("We use Redis.", tuple(asked)))
        assert probe is not None and probe.text not in asked
        asked.append(probe.text)
    assert choose_probe(ctx("We use Redis.", tuple(asked))) is None


def test_fallback_writer_uses_rules_and_says_why():
    class Broken:
        def write(self, context):
            raise TimeoutError("model too slow")

    probe = FallbackProbeWriter(Broken()).write(ctx(SCOPED_NO_FAILURES))
    assert probe.family == "failure_mode" and "TimeoutError" in probe.reason
    assert isinstance(RuleProbeWriter().write(ctx(SCOPED_NO_FAILURES)), ProbeRecord)


def test_wrap_up_names_the_top_gap():
    card = score_transcript(Transcript.from_text(SCOPED_NO_FAILURES), "system-design")
    text = wrap_up_text(card, load_rubric("system-design"))
    assert text.startswith("Thanks, that's all the time we have.")
    assert card.features[card.missing()[0]].name.lower() in text


def test_unknown_rubric_override_is_a_rubric_error():
    with pytest.raises(RubricError):
        load_rubric(Path("nope.yaml"))
