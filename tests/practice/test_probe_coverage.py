"""Probes on a partly covered feature acknowledge what was said and ask for the rest; skipped probes are stored."""

from __future__ import annotations

import json

import pytest

from mockvoice.interviewer import Interviewer, PracticeOptions
from mockvoice.microphone import ClipMicrophone
from mockvoice.player import NullSpeaker
from mockvoice.probes import ProbeContext, choose_probe
from mockvoice.prompts import find_question
from mockvoice.rubric import load_rubric
from mockvoice.scoring import score_transcript
from mockvoice.session import ProbeRecord, Session, Turn, load_session, save_session
from mockvoice.transcript import Transcript

URL = find_question("url-shortener")
CHECKOUT = find_question("checkout-500s")

# Everything on the system-design rubric except one of the three scoping questions.
TWO_SCOPING = (
    "Who creates the links, marketers or anyone? How many clicks per day do we expect? "
    "I would use a counter rather than hashing, because it never collides but needs coordination. "
    "A cache is faster than the database but costs memory. "
    "If the database is down, redirects fail, so we serve hot links from the cache. "
    "If the cache node crashes we fall back to the database and retry with backoff. "
    "One hundred million clicks a day is about twelve hundred per second. "
    "I would alert on p99 latency and error rate against an SLO."
)
# Everything except a second failure mode; the one named is the bank's failure probe (database down).
ONE_FAILURE = (
    "How many links per day? What is the read to write ratio? Do links expire? "
    "I would use a counter rather than hashing, because it never collides but needs coordination. "
    "A cache is faster than the database but costs memory. "
    "If the database is down, redirects fail, so we serve hot links from the cache. "
    "One hundred million clicks a day is about twelve hundred per second. "
    "I would alert on p99 latency and error rate against an SLO."
)
# Debugging: one scoping question (when it started) of the two wanted.
ONE_INCIDENT_QUESTION = (
    "When did it start? Then I would open the error rate dashboard and read the logs for the failing endpoint. "
    "A recent deploy could be the cause, so I would roll back first. Rolling back is fast but loses the new feature. "
    "Five percent of a thousand requests a second is fifty failures a second."
)
# No failure modes at all, one trade-off (counter versus hashing: what the bank's alternatives probe asks).
ONE_TRADE_OFF = (
    "How many links per day? What is the read to write ratio? Do links expire? "
    "I would use a counter rather than hashing, because it never collides but needs coordination. "
    "One hundred million clicks a day is about twelve hundred per second. "
    "I would alert on p99 latency and error rate against an SLO."
)


def context(question, text: str, rubric: str, asked=(), skipped=()) -> ProbeContext:
    card = score_transcript(Transcript.from_text(text), rubric)
    return ProbeContext(question=question, scorecard=card, asked=tuple(asked), skipped=tuple(skipped))


def _ask_part(text: str) -> str:
    """The question after the acknowledgement (the probe's last sentence)."""
    return text.rsplit(". ", 1)[-1]


def test_two_of_three_scoping_questions_are_acknowledged_and_the_rest_asked_for():
    ctx = context(URL, TWO_SCOPING, "system-design")
    assert ctx.scorecard.missing() == ["clarifying_question"]
    probe = choose_probe(ctx)
    assert (probe.feature, probe.family) == ("clarifying_question", "scope")
    assert probe.text not in URL.probes["scope"]  # not asked as if no question had been asked
    low = probe.text.lower()
    assert "who creates the links" in low and "how many clicks per day" in low  # what they asked, quoted
    assert "url shortener" in low  # this question's system, not a generic one
    ask = _ask_part(low)
    assert "what else" in ask and ("read to write" in ask or "latency" in ask or "expire" in ask)
    assert "who" not in ask and "how many" not in ask  # no example of what was already asked
    assert "partly" in probe.reason and "2 of 3" in probe.reason
    assert choose_probe(context(URL, TWO_SCOPING, "system-design")) == probe  # deterministic


def test_one_failure_mode_is_acknowledged_and_the_bank_probe_on_it_is_not_asked():
    probe = choose_probe(context(URL, ONE_FAILURE, "system-design"))
    assert probe.feature == "failure_mode"
    assert probe.text not in URL.probes["failure_mode"]  # that probe asks about the database being down: covered
    low = probe.text.lower()
    assert "the database is down" in low
    ask = _ask_part(low)
    assert "url shortener" in ask and "database" not in ask


def test_debugging_scoping_asks_for_what_else_not_when_it_started():
    probe = choose_probe(context(CHECKOUT, ONE_INCIDENT_QUESTION, "debugging"))
    assert probe.feature == "clarifying_question" and probe.text not in CHECKOUT.probes["scope"]
    low = probe.text.lower()
    assert "when did it start" in low and "checkout service" in low
    ask = _ask_part(low)
    assert "when" not in ask and ("changed" in ask or "affected" in ask or "region" in ask)


def test_nothing_said_on_a_feature_still_gets_the_question_bank_probe():
    probe = choose_probe(context(URL, "We use Redis.", "system-design"))
    assert probe.text == URL.probes["scope"][0] and "missing" in probe.reason


def test_an_acknowledging_probe_uses_up_its_family_once():
    # the two questions asked are not the ones the bank's scope probe asks about (who creates links, how often clicked)
    answer = TWO_SCOPING.replace("Who creates the links, marketers or anyone? How many clicks per day do we expect?",
                                 "What is the read to write ratio? What latency do redirects need?")
    first = choose_probe(context(URL, answer, "system-design"))
    assert first.family == "scope" and first.text not in URL.probes["scope"]
    second = choose_probe(context(URL, answer, "system-design", asked=[first]))
    assert second is not None and second.family != "scope" and second.text != first.text
    assert second.text not in URL.probes["scope"]  # the bank's scope probe is not asked after it either
    asked = [first]
    for _ in range(12):  # asked to exhaustion: the scope probe never comes back
        nxt = choose_probe(context(URL, answer, "system-design", asked=asked))
        if nxt is None:
            break
        assert nxt.family != "scope" and nxt.text not in [p.text for p in asked]
        asked.append(nxt)
    else:
        pytest.fail("probes never ran out")


def test_the_replacement_for_a_skipped_probe_does_not_ask_what_was_covered():
    skipped = choose_probe(context(URL, ONE_TRADE_OFF, "system-design"))
    assert skipped.family == "failure_mode"
    replacement = choose_probe(context(URL, ONE_TRADE_OFF, "system-design", asked=[skipped], skipped=[skipped.text]))
    assert replacement.feature == "trade_off"
    # the bank's alternatives probe asks why a counter over hashing: the candidate already said
    assert replacement.text not in URL.probes["alternatives"]
    assert "counter rather than hashing" in replacement.text.lower()


def test_deepening_skips_a_probe_the_answer_already_covered():
    answer = ONE_FAILURE + " If a link goes viral one key gets hot, so we replicate the cache to spread the reads."
    ctx = context(URL, answer, "system-design")
    assert ctx.scorecard.missing() == []
    probe = choose_probe(ctx)
    assert probe.feature is None and probe.family != "alternatives"  # counter versus hashing was weighed already
    assert probe.text not in URL.probes["alternatives"]


# --- item 2: a skipped probe's text is stored -----------------------------------------------------------

def test_a_session_saved_before_skipped_probes_were_stored_still_loads(tmp_path):
    session = Session(id="old", created_at="2026-11-01T10:00:00+00:00", rubric="system-design", turns=[
        Turn(index=1, prompt=URL.text, transcript=Transcript(text=""), probe=ProbeRecord(text="What breaks first?"))])
    save_session(tmp_path, session)
    raw = json.loads((tmp_path / "session.json").read_text())
    raw["turns"][0]["probe"].pop("skipped", None)
    (tmp_path / "session.json").write_text(json.dumps(raw))
    assert load_session(tmp_path).turns[0].probe.skipped == ()


def _session_with_skip() -> Session:
    card = score_transcript(Transcript.from_text(ONE_FAILURE), "system-design")
    probe = ProbeRecord(text="Which metric would page you?", family="measurement",
                        skipped=("What breaks first at ten times the traffic?",))
    return Session(id="s", created_at="2026-11-01T10:00:00+00:00", rubric="system-design", question=URL.text, turns=[
        Turn(index=1, prompt=URL.text, transcript=Transcript.from_text(ONE_FAILURE), scorecard=card, probe=probe),
        Turn(index=2, prompt=probe.text, prompt_kind="probe", transcript=Transcript.from_text("We alert on errors."))])


def test_replay_and_report_show_the_skipped_probe(tmp_path):
    from rich.console import Console

    from mockvoice.replay import replay_turns
    from mockvoice.replayview import annotated_lines
    from mockvoice.report import build_report

    session = _session_with_skip()
    console = Console(record=True, width=200)
    for line in annotated_lines(replay_turns(tmp_path, session, load=False)):
        console.print(line)
    printed = console.export_text()
    assert "Skipped: What breaks first at ten times the traffic?" in printed
    html = build_report([(tmp_path, session)])
    assert "Skipped</span>What breaks first at ten times the traffic?" in html


def test_a_feature_still_partly_covered_after_its_bank_probe_is_acknowledged_once():
    """The failure probe was asked when no failure mode had been named; the reply named one of the two wanted."""
    bank_probe = ProbeRecord(text=URL.probes["failure_mode"][0], feature="failure_mode", family="failure_mode")
    answer = ONE_FAILURE.replace("If the database is down", "If the cache is down")
    probe = choose_probe(context(URL, answer, "system-design", asked=[bank_probe]))
    assert probe.feature == "failure_mode" and "the cache is down" in probe.text.lower()
    again = choose_probe(context(URL, answer, "system-design", asked=[bank_probe, probe]))
    assert again is None or again.feature != "failure_mode"  # acknowledged once, not again and again


def test_a_partly_covered_feature_is_acknowledged_once_even_as_the_answer_grows():
    one = "Who creates the links, marketers or anyone? " + TWO_SCOPING.split("? ", 2)[2]  # one scoping question of the three
    first = choose_probe(context(URL, one, "system-design"))
    assert first.feature == "clarifying_question" and "who creates the links" in first.text.lower()
    two = choose_probe(context(URL, TWO_SCOPING, "system-design", asked=[first]))  # the reply added a second
    assert two.text not in URL.probes["scope"] and "You asked" not in two.text


@pytest.mark.slow
def test_spoken_partial_answer_gets_a_probe_quoting_what_whisper_heard(tmp_path):
    """Through the loop with real espeak-ng speech and tiny.en: every gap in this answer is partly covered, so
    whichever is heaviest, the probe must quote the candidate's own (transcribed) words and not be a bank probe."""
    import re

    from support import speak

    from mockvoice.audio import load_audio
    from mockvoice.transcriber import get_transcriber

    answer = load_audio(speak([
        "Who creates the links, marketers or anyone?", 0.5, "How many clicks per day do we expect?", 0.5,
        "I would use a counter rather than hashing, because it never collides but needs coordination.", 0.4,
        "If the database is down, redirects fail, so we serve hot links from the cache.", 0.4,
        "One hundred million clicks a day is about twelve hundred per second.", 0.4,
        "I would alert on the error rate against an SLO.",
    ]))
    interviewer = Interviewer(URL, load_rubric(URL.rubric), ClipMicrophone([answer], realtime=False),
                              NullSpeaker(realtime=False), get_transcriber(), tmp_path,
                              PracticeOptions(turns=2, reply_budget_s=60),  # the mic outruns real time: wait for all words
                              poll_key=lambda: None)
    interviewer.poll_key = lambda: "q" if len(interviewer.session.turns) > 1 else None  # stop at answer 2
    interviewer.run()
    turn = load_session(tmp_path).turns[0]
    card, probe = turn.scorecard, turn.probe
    assert probe is not None and probe.feature in card.features, probe
    fs = card.features[probe.feature]
    assert 0 < fs.count < fs.target_min, (turn.transcript.text, {k: f.count for k, f in card.features.items()})
    assert "partly covered" in probe.reason and probe.text not in URL.probes.get(probe.family, ())
    quoted = re.findall(r'"([^"]+)"', probe.text)
    heard = re.sub(r"[^a-z0-9' ]+", " ", turn.transcript.text.lower())
    assert quoted and all(" ".join(q.lower().split()) in " ".join(heard.split()) for q in quoted), (quoted, heard)


RIDES = find_question("ride-matching")
# Every feature met, so the ten-times probe comes by deepening; the answer has already said what a ten-times rush
# does (a hot cell, split smaller) and sized it.
RUSH = (
    "How many cities do we launch in? How often do drivers send their location? How fast must a match be? "
    "I'd keep positions in memory in a geo index rather than postgres, faster but we lose them on restart, which is fine "
    "because drivers ping again in four seconds. Geohash cells are simpler than a quadtree but dense cells get big. "
    "When a big concert ends ten times the usual riders request at once, so the downtown cell gets hot and its matcher "
    "overloads, so we split dense cells smaller and queue requests per cell. "
    "If the matcher crashes mid match the request is retried on another node. "
    "Fifty thousand drivers pinging every four seconds is twelve thousand writes a second, and at a ten times peak "
    "that is a hundred and twenty thousand, so about six nodes. "
    "I'd alert on match latency p99 and the share of requests with no driver found."
)


def test_the_ten_times_probe_is_not_asked_after_the_answer_described_that_rush():
    """A 10x probe ("a big concert ends and ten times the usual riders request at once") after the candidate
    described exactly that spike and what breaks sounds like nobody listened: the next probe is asked instead."""
    ctx = context(RIDES, RUSH, "system-design", asked=[ProbeRecord(text=t, family=f, source="rules") for f, texts in
                                                       RIDES.probes.items() if f not in ("scale_10x",) for t in texts])
    assert ctx.scorecard.missing() == [], ctx.scorecard.missing()
    probe = choose_probe(ctx)
    assert probe is None or probe.family != "scale_10x", probe
    # with another failure in place of the rush, and no peak in the sizing, the same probe is due
    calm = RUSH.replace("When a big concert ends ten times the usual riders request at once, so the downtown cell gets "
                        "hot and its matcher overloads, so we split dense cells smaller and queue requests per cell. ",
                        "If the geo index node dies we lose the positions, so we rebuild it from the next pings. ")
    calm = calm.replace(", and at a ten times peak that is a hundred and twenty thousand, so about six nodes", "")
    ctx = context(RIDES, calm, "system-design", asked=ctx.asked)
    assert choose_probe(ctx).family == "scale_10x"


def test_a_scoping_probe_does_not_suggest_asking_what_the_question_already_states():
    """checkout-500s says "about five percent of requests": "how bad is the error rate?" is not a question left."""
    assert "five percent" in CHECKOUT.text
    ask = _ask_part(choose_probe(context(CHECKOUT, ONE_INCIDENT_QUESTION, "debugging")).text.lower())
    assert "error rate" not in ask and "what changed recently" in ask, ask


def test_a_scoping_probe_does_not_ask_about_what_the_answer_assumed_out_loud():
    said = TWO_SCOPING + " I will assume links expire after a year and the read to write ratio is about a hundred to one."
    ctx = ProbeContext(question=URL, scorecard=score_transcript(Transcript.from_text(said), "system-design"),
                       transcripts=(Transcript.from_text(said),))
    ask = _ask_part(choose_probe(ctx).text.lower())
    assert "expires" not in ask and "read to write" not in ask and "what else" in ask, ask
    plain = ProbeContext(question=URL, scorecard=score_transcript(Transcript.from_text(TWO_SCOPING), "system-design"),
                         transcripts=(Transcript.from_text(TWO_SCOPING),))
    assert "expires" in _ask_part(choose_probe(plain).text.lower())  # without the assumption it is the next to ask
