"""The LLM probe writer and narrative feedback over a real loopback server: used when good, the rules otherwise, reason recorded."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from mockvoice import load_rubric, score_text
from mockvoice.llm import ChatClient, LLMConfig, LLMProbeWriter, write_feedback
from mockvoice.llm.loopback import Behaviour
from mockvoice.probes import ProbeContext
from mockvoice.prompts import Question
from mockvoice.session import ProbeRecord, Session, Turn, load_session, new_session_dir, now_iso, save_session
from mockvoice.transcript import Transcript

from .conftest import API_KEY

ANSWER = "We put Redis in front of the ledger so reads are fast, and Postgres holds the payments."
RULE_PROBE = "What is the most likely way this fails in production?"
LLM_PROBE = "You put Redis in front of the ledger. What happens to a payment if Redis loses a write?"


QUESTION = Question(
    id="payments-ledger", topic="system-design", rubric="system-design", text="Design the ledger for a payments service.",
    probes={"scope": ("How many payments a second at peak?",), "failure_mode": (RULE_PROBE,),
            "alternatives": ("Why a relational database rather than an event log?",)},
)


class Rules:
    """A stand-in rule writer with a fixed answer, so tests can tell its probe from the model's."""

    def write(self, ctx: ProbeContext) -> ProbeRecord:
        return ProbeRecord(text=RULE_PROBE, feature=ctx.scorecard.missing()[0], family="failure_mode", source="rules",
                           reason="rule reason")


rules = Rules()


@pytest.fixture(scope="module")
def ctx():
    card = score_text(ANSWER, load_rubric("system-design"))
    return ProbeContext(
        question=QUESTION, scorecard=card, transcripts=(Transcript.from_text(ANSWER),),
        asked=(ProbeRecord(text="How many payments a second at peak?"),),
    )


def reply(probe=LLM_PROBE, feature="failure_mode", family="failure_mode", **extra) -> str:
    return json.dumps({"feature": feature, "family": family, "probe": probe, **extra})


def test_model_probe_is_used_and_prompt_carries_the_context(llm, ctx):
    server, client = llm
    server.script(Behaviour(content=reply()))
    stream = LLMProbeWriter(client, rules).stream(ctx)
    spoken = list(stream.sentences())
    assert spoken == ["You put Redis in front of the ledger.", "What happens to a payment if Redis loses a write?"]
    rec = stream.record
    assert (rec.source, rec.text, rec.feature, rec.family) == ("llm", LLM_PROBE, "failure_mode", "failure_mode")
    assert rec.reason.startswith("test-model answered in")
    user = server.requests[-1].body["messages"][1]["content"]
    for needle in ("Design the ledger", "Candidate: We put Redis", "failure_mode (Failure modes): 0 of 2-4, MISSING",
                   "How many payments a second at peak?", "Missing, most important first: clarifying_question"):
        assert needle in user
    assert "Example probes for this question: " + RULE_PROBE in user  # the bank's probe for the top gap, unasked
    schema = server.requests[-1].body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["feature"]["enum"] == list(ctx.scorecard.features)


def test_first_sentence_arrives_before_the_reply_is_finished(llm, ctx):
    server, client = llm
    gate = threading.Event()
    text = reply()
    # the server sends up to the end of the first sentence, then holds the rest until the gate opens
    server.script(Behaviour(content=text, chunk_chars=4, gate_after=text.index("ledger.") + 12, gate=gate))
    stream = LLMProbeWriter(client, rules, budget_s=20).stream(ctx)
    sentences = stream.sentences()
    assert next(sentences) == "You put Redis in front of the ledger."
    assert not stream.reply._done and "loses a write" not in stream.reply.text  # the model is still writing
    gate.set()
    assert list(sentences) == ["What happens to a payment if Redis loses a write?"]
    assert stream.record.source == "llm" and stream.first_sentence_s <= stream.total_s


FALLBACKS = [
    ("slow", Behaviour(content=reply(), delay_s=2.0), "llm timeout"),
    ("stuck", Behaviour(mode="hang"), "llm timeout"),
    ("500", Behaviour(mode="status", status=500), "llm http: HTTP 500"),
    ("404", Behaviour(mode="status", status=404), "llm http: HTTP 404"),
    ("malformed-sse", Behaviour(mode="malformed"), "llm malformed"),
    ("not-json", Behaviour(content="Sure! Here is a follow-up: what breaks first"), "llm malformed"),
    ("empty", Behaviour(mode="empty"), "llm empty"),
    ("truncated", Behaviour(content=reply(probe="What happens to a payment if Redis loses a write in a failover?"), mode="truncated"), "llm truncated"),
    ("unknown-feature", Behaviour(content=reply(feature="vibes")), "llm invalid: feature 'vibes'"),
    ("bad-family", Behaviour(content=reply(family="gotcha")), "llm invalid: family"),
    ("missing-field", Behaviour(content=json.dumps({"feature": "failure_mode", "family": "cost"})), "llm invalid: probe"),
    ("too-short", Behaviour(content=reply(probe="Why?")), "llm invalid: probe"),
    ("repeat", Behaviour(content=reply(probe="How many payments a second at peak?")), "llm repeat"),
]


@pytest.mark.parametrize("name, behaviour, reason", FALLBACKS, ids=[f[0] for f in FALLBACKS])
def test_rules_answer_when_the_model_fails(llm, ctx, name, behaviour, reason):
    server, client = llm
    server.script(behaviour, Behaviour(content=reply()))
    writer = LLMProbeWriter(client, rules, budget_s=0.3 if name in ("slow", "stuck") else 5.0)
    stream = writer.stream(ctx)
    assert list(stream.sentences()) == [RULE_PROBE]
    rec = stream.record
    assert (rec.source, rec.text, rec.feature) == ("rules", RULE_PROBE, ctx.scorecard.missing()[0])
    assert rec.reason.startswith(reason) and rec.reason.endswith("; rule reason"), rec.reason
    # the interview goes on: the next turn uses the model again
    assert writer.write(ctx).source == "llm"


def test_connection_refused_falls_back(ctx):
    cfg = LLMConfig(url="http://127.0.0.1:9/v1", api_key=API_KEY)
    with ChatClient(cfg) as client:
        rec = LLMProbeWriter(client, rules).write(ctx)
    assert rec.source == "rules" and rec.reason.startswith("llm connection: cannot connect to http://127.0.0.1:9")


def test_probe_before_labels_is_held_until_validated(llm, ctx):
    server, client = llm
    server.script(Behaviour(content=json.dumps({"probe": LLM_PROBE, "feature": "failure_mode", "family": "failure_mode"})))
    stream = LLMProbeWriter(client, rules).stream(ctx)
    assert list(stream.sentences()) == ["You put Redis in front of the ledger.", "What happens to a payment if Redis loses a write?"]
    assert stream.record.source == "llm"
    server.script(Behaviour(content=json.dumps({"probe": LLM_PROBE, "feature": "vibes", "family": "failure_mode"})))
    stream = LLMProbeWriter(client, rules).stream(ctx)
    assert list(stream.sentences()) == [RULE_PROBE] and stream.record.reason.startswith("llm invalid: feature")


def test_extra_keys_and_fences_are_tolerated(llm, ctx):
    server, client = llm
    server.script(Behaviour(content="```json\n" + reply(why="it targets the missing feature") + "\n```"))
    assert LLMProbeWriter(client, rules).write(ctx).source == "llm"


def test_cut_after_a_spoken_question_keeps_what_was_said(llm, ctx):
    server, client = llm
    text = reply(probe="What happens to a payment if Redis loses a write? Walk me through the recovery.")
    server.script(Behaviour(content=text, mode="truncated", cut_at=text.index("Walk me") + 4))
    stream = LLMProbeWriter(client, rules).stream(ctx)
    assert list(stream.sentences()) == ["What happens to a payment if Redis loses a write?"]
    assert stream.record.source == "llm" and "cut after speech started: truncated" in stream.record.reason


def test_cut_after_a_statement_adds_the_rule_probe(llm, ctx):
    server, client = llm
    server.script(Behaviour(content=reply(), mode="truncated", cut_at=reply().index("What happens") + 4))
    stream = LLMProbeWriter(client, rules).stream(ctx)
    assert list(stream.sentences()) == ["You put Redis in front of the ledger.", RULE_PROBE]
    rec = stream.record
    assert rec.source == "llm+rules" and rec.text == f"You put Redis in front of the ledger. {RULE_PROBE}"
    assert "rule probe added: truncated" in rec.reason


def test_key_not_in_session_or_logs(llm, ctx, caplog, tmp_path):
    server, client = llm
    caplog.set_level(logging.DEBUG)
    echo = json.dumps({"error": f"key {API_KEY} rejected"})
    server.script(Behaviour(mode="status", status=401, body=echo), Behaviour(content=reply()))
    writer = LLMProbeWriter(client, rules)
    turns = []
    for i in (1, 2):
        rec = writer.write(ctx)
        turns.append(Turn(index=i, prompt=ctx.question.text, transcript=Transcript.from_text(ANSWER), scorecard=ctx.scorecard, probe=rec))
    assert [t.probe.source for t in turns] == ["rules", "llm"]
    folder = new_session_dir(label="llm")
    save_session(folder, Session(id=folder.name, created_at=now_iso(), rubric=ctx.scorecard.rubric, turns=turns))
    saved = (folder / "session.json").read_text()
    assert API_KEY not in saved and "http: HTTP 401" in saved
    assert [t.probe.source for t in load_session(folder).turns] == ["rules", "llm"]
    assert "fell back to rules" in caplog.text and API_KEY not in caplog.text


FEEDBACK = "You chose Redis in front of the ledger for fast reads but never said what happens when it loses a write."


def test_narrative_feedback(llm, ctx):
    server, client = llm
    server.script(Behaviour(content=json.dumps({"feedback": FEEDBACK, "priority": "Name two failure modes and their fixes."})))
    n = write_feedback(client, ctx.scorecard, ANSWER, ctx.question.text)
    assert (n.source, n.text, n.priority) == ("llm", FEEDBACK, "Name two failure modes and their fixes.")
    user = server.requests[-1].body["messages"][1]["content"]
    assert ANSWER in user and "Design the ledger" in user


@pytest.mark.parametrize(
    "behaviour, budget, reason",
    [
        (Behaviour(content=json.dumps({"feedback": "Good job.", "priority": "More."})), 5.0, "llm invalid: feedback"),
        (Behaviour(delay_s=2.0), 0.3, "llm timeout"),
        (Behaviour(mode="status", status=502), 5.0, "llm http: HTTP 502"),
    ],
)
def test_feedback_falls_back_to_the_rule_lines(llm, ctx, behaviour, budget, reason):
    server, client = llm
    server.script(behaviour)
    n = write_feedback(client, ctx.scorecard, ANSWER, budget_s=budget)
    assert n.source == "rules" and n.reason.startswith(reason)
    assert n.priority == ctx.scorecard.feedback[0] and n.text.startswith(ctx.scorecard.feedback[0])


def test_the_real_rule_chooser_is_the_floor(llm):
    from mockvoice.probes import RuleProbeWriter
    from mockvoice.prompts import find_question

    server, client = llm
    q = find_question("url-shortener")
    card = score_text("I would store the mappings in a key value store with a cache in front.", load_rubric(q.rubric))
    context = ProbeContext(question=q, scorecard=card, transcripts=(Transcript.from_text("I would store ..."),))
    server.script(Behaviour(mode="status", status=500))
    writer = LLMProbeWriter(client)
    assert isinstance(writer.fallback, RuleProbeWriter) and writer.speculative is writer.fallback
    rec = writer.write(context)
    expected = RuleProbeWriter().write(context)
    assert (rec.source, rec.text, rec.feature, rec.family) == ("rules", expected.text, expected.feature, expected.family)
    assert rec.reason == f"llm http: HTTP 500 from {client.config.host}: {{\"error\": {{\"message\": \"scripted 500\"}}}}; {expected.reason}"


def test_nothing_left_to_ask_means_no_probe(llm, ctx):
    class Exhausted:
        def write(self, ctx):
            return None

    server, client = llm
    server.script(Behaviour(mode="status", status=500))
    stream = LLMProbeWriter(client, Exhausted()).stream(ctx)
    assert list(stream.sentences()) == [] and stream.record is None


def test_a_model_that_keeps_failing_is_left_out(server, ctx):
    server.script(*[Behaviour(mode="status", status=500)] * 2, Behaviour(content=reply()))
    with ChatClient(LLMConfig(url=server.url, max_failures=2)) as client:
        writer = LLMProbeWriter(client, rules)
        first, second, third = (writer.write(ctx) for _ in range(3))
    assert [r.source for r in (first, second, third)] == ["rules", "rules", "rules"]
    assert third.reason.startswith("llm skipped: not asked: 2 failed replies in a row (last: http: HTTP 500")
    assert len(server._scripted) == 1  # the third turn never reached the server


def test_a_success_resets_the_failure_count(llm, ctx):
    server, client = llm
    server.script(Behaviour(mode="empty"), Behaviour(content=reply()), Behaviour(mode="empty"), Behaviour(mode="empty"),
                  Behaviour(content=reply()))
    writer = LLMProbeWriter(client, rules)  # max_failures 3 by default
    assert [writer.write(ctx).source for _ in range(5)] == ["rules", "llm", "rules", "rules", "llm"]
