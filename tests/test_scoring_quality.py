"""Scoring quality: stronger answers score higher, structure and timing, and feedback that quotes the answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mockvoice import score_text
from mockvoice.api import read_transcript_file
from mockvoice.scoring import score_transcript
from mockvoice.transcript import Segment, Transcript, Word
from mockvoice.utterances import split_utterances

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from labelled import load_answers, strong_weak_pairs  # noqa: E402

ANSWERS = {a.id: a for a in load_answers()}
PAIRS = sorted(p for p in {a.id.rsplit("-", 1)[0] for a in ANSWERS.values()} if f"{p}-strong" in ANSWERS and f"{p}-weak" in ANSWERS)


@pytest.mark.parametrize("pair", PAIRS)
def test_stronger_answer_scores_higher(pair):
    strong, weak = ANSWERS[f"{pair}-strong"], ANSWERS[f"{pair}-weak"]
    s = score_transcript(Transcript.from_text(strong.text), strong.rubric, question=strong.question)
    w = score_transcript(Transcript.from_text(weak.text), weak.rubric, question=weak.question)
    assert s.overall > w.overall + 30, (s.overall, w.overall)


HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"
HELDOUT_PAIRS = [(p, s, w) for p in sorted(HELDOUT.glob("answers-*.txt")) for s, w in strong_weak_pairs(p)]


def test_heldout_files_list_strong_weak_pairs():
    assert len(HELDOUT_PAIRS) >= 10


@pytest.mark.parametrize("path,strong,weak", HELDOUT_PAIRS, ids=[f"{s}/{w}" for _, s, w in HELDOUT_PAIRS])
def test_stronger_heldout_answer_scores_higher(path, strong, weak):
    """Pairs written blind (the weak answer long, confident and full of technology names): scored as typed text."""
    answers = {a.id: a for a in load_answers(path)}
    s, w = (score_transcript(Transcript.from_text(a.text), a.rubric, question=a.question).overall
            for a in (answers[strong], answers[weak]))
    assert s > w + 30, (s, w)


def test_long_confident_name_dropping_answer_loses_to_a_short_careful_one():
    weak = ANSWERS["url-weak"].text * 3  # three times as long, still no substance
    careful = (
        "How many links a day, and is it read heavy? Do links expire? "
        "I'd use a key value store rather than Postgres because we never join, the cost is no ad hoc queries. "
        "If the cache goes down the database takes every read, so we keep a replica and shed load."
    )
    assert len(weak.split()) > 4 * len(careful.split())
    assert score_text(careful).overall > score_text(weak).overall


def test_default_call_still_works_and_keeps_the_json_shape():
    card = score_text("How many users do we expect? We could cache, but reads would be stale.")
    dump = card.model_dump(mode="json")
    assert {"rubric", "overall", "features", "delivery", "structure"} <= set(dump)
    cq = dump["features"]["clarifying_question"]
    assert {"count", "score", "evidence", "feedback"} <= set(cq)
    assert {"text", "start", "end"} <= set(cq["evidence"][0])
    assert 0 <= dump["overall"] <= 100


def _timed(parts: list[tuple[str, float]]) -> Transcript:
    """A Whisper-like transcript: each (sentence, start seconds) spoken at 150 wpm."""
    segments = []
    for text, t in parts:
        words = []
        for tok in text.split():
            words.append(Word(text=tok, start=round(t, 2), end=round(t + 0.3, 2)))
            t += 0.4
        segments.append(Segment(text=text, start=words[0].start, end=words[-1].end, words=tuple(words)))
    return Transcript(text=" ".join(p for p, _ in parts), segments=tuple(segments))


def test_requirements_first_and_time_to_first_question():
    first = _timed([("Okay, let me think about this.", 0.0), ("How many users do we expect per day?", 4.0),
                    ("Is it read heavy?", 8.0), ("We'll use a key value store for the mapping.", 12.0)])
    late = _timed([("We'll use Cassandra and Redis for this.", 0.0), ("The API servers sit behind a load balancer.", 4.0),
                   ("How many users do we expect per day?", 9.0)])
    a, b = score_transcript(first), score_transcript(late)
    assert a.structure.requirements_first is True and a.structure.first_question_at == pytest.approx(4.0)
    assert a.structure.questions_before_design == 2
    assert b.structure.requirements_first is False and b.structure.questions_after_design == 1
    assert b.structure.first_question_at == pytest.approx(9.0)
    # the same question counts less once the boxes are drawn
    assert a.features["clarifying_question"].score > b.features["clarifying_question"].score
    assert any("before your first scoping question" in f or "before asking" in f for f in b.feedback + (b.features["clarifying_question"].feedback,))
    positions = [m.position for m in a.structure.timeline]
    assert positions == sorted(positions) and a.structure.order[0] == "clarifying_question"


def test_time_to_first_question_counts_the_silence_before_the_first_word_like_evidence_times():
    """A candidate who thinks for 6 s before speaking asked their first question 10 s in, and replay marks it there."""
    card = score_transcript(_timed([("Okay, let me think about this.", 6.0), ("How many users do we expect per day?", 10.0),
                                    ("We'll use a key value store for the mapping.", 14.0)]))
    (question,) = card.features["clarifying_question"].evidence
    assert card.structure.first_question_at == pytest.approx(10.0) == question.start


def test_a_transcript_written_one_thought_per_line_is_scored_line_by_line(tmp_path):
    """Exported or hand-typed transcripts often have a line per thought and no full stops: each line is an utterance."""
    path = tmp_path / "answer.txt"
    path.write_text("okay so how many messages a day are we talking about\n\n"
                    "  i'd use kafka because it's the industry standard  \n"
                    "the database won't go down because it's managed\n"
                    "we'd put a dashboard on consumer lag and page someone if it goes over five minutes\n")
    t = read_transcript_file(path)
    assert t.text.splitlines()[1] == "i'd use kafka because it's the industry standard" and len(t.text.splitlines()) == 4
    card = score_transcript(t)
    assert [ev.text for ev in card.features["clarifying_question"].evidence] == [
        "okay so how many messages a day are we talking about"]
    assert card.features["monitoring"].count == 1 and card.features["failure_mode"].count == 0
    assert card.structure.requirements_first is True


def test_an_unpunctuated_paste_is_cut_into_clauses_as_speech_is():
    """A pasted transcript with no punctuation and no line breaks: run-ons are cut before clause openers, as in speech."""
    text = ("okay so before i jump in how many messages a day are we talking about and do we need delivery receipts "
            "alright so i'd use kafka because it's the industry standard and it's really fast and we'll have like 500 "
            "million users and the database won't go down because it's managed so we'd put a dashboard on consumer lag "
            "and page someone if it goes over five minutes")
    utts = split_utterances(Transcript.from_text(text))
    assert len(utts) > 2 and all(len(u.text.split()) < 60 for u in utts)
    assert " ".join(u.text for u in utts) == text
    assert len({u.sentence for u in utts}) == 1  # clauses of one sentence: judged joined as well (detection._split_sentences)
    card = score_transcript(Transcript.from_text(text))
    assert card.features["monitoring"].count == 1 and card.features["failure_mode"].count == 0
    assert card.features["clarifying_question"].count == 2  # how many messages, and do we need receipts: two questions


def test_a_rubric_with_no_clarifying_questions_passes_no_requirements_first_verdict():
    """A behavioral story has nothing to scope: its card must not say "you started designing before asking"."""
    story = _timed([("We had a memory leak in the checkout service.", 0.0), ("I would restart the pods first.", 4.0),
                    ("How did we find it? With a heap profile.", 8.0)])
    assert score_transcript(story, "system-design").structure.requirements_first is False
    card = score_transcript(story, "behavioral")
    assert card.structure.requirements_first is None
    assert not any("before your first scoping question" in f for f in card.feedback)


def test_a_reply_to_a_probe_is_not_held_to_the_opening_rules():
    """Answering "what if the database is down?" starts with the design by nature: no "ask first" advice, no halved questions."""
    reply = _timed([("If the database is down, cached links keep working and the rest fail fast with a timeout.", 0.0),
                    ("We retry with backoff and alert on the error rate.", 6.0), ("How long can redirects be stale?", 70.0)])
    opening, follow_up = score_transcript(reply), score_transcript(reply, follow_up=True)
    assert opening.structure.requirements_first is False and follow_up.structure.requirements_first is None
    assert follow_up.structure.first_design_index == opening.structure.first_design_index is not None
    said = " ".join(opening.feedback + (opening.features["clarifying_question"].feedback,))
    assert "before your first scoping question" in said or "before asking" in said
    assert "first clarifying question came" in said
    said = " ".join(follow_up.feedback + (follow_up.features["clarifying_question"].feedback,))
    assert "before asking" not in said and "before your first" not in said and "Structure:" not in said
    # the late question counts in full; the features the probe asked for are judged as before
    assert follow_up.features["clarifying_question"].score > opening.features["clarifying_question"].score
    for fid in ("failure_mode", "monitoring", "trade_off"):
        assert follow_up.features[fid] == opening.features[fid]
    # nothing tells a reply to a probe to open with scoping questions
    bare = _timed([("If the database is down, cached links keep working and the rest fail fast with a timeout.", 0.0)])
    assert any(f.startswith("Clarifying questions") for f in score_transcript(bare).feedback)
    assert not any(f.startswith("Clarifying questions") for f in score_transcript(bare, follow_up=True).feedback)
    # the feature the probe asked about is the reply's feature feedback, met or not
    led = score_transcript(bare, follow_up=True, probed="monitoring").feedback
    assert [f.split(":")[0] for f in led] == ["Monitoring"] and "none" in led[0]  # typed: no delivery lines
    met = score_transcript(reply, follow_up=True, probed="failure_mode")
    names = {f.name for f in met.features.values()}
    assert met.features["failure_mode"].met and [f.split(":")[0] for f in met.feedback if f.split(":")[0] in names] == ["Failure modes"]
    assert "Best:" in met.feedback[0]


def test_feedback_quotes_evidence_and_names_near_misses():
    card = score_text(
        "We'll use Kafka, it's the industry standard. It won't go down, it's on AWS. Does that make sense? "
        "If the primary fails we fail over to a replica in another zone.",
        question="Design a notification service",
    )
    fm = card.features["failure_mode"]
    assert "If the primary fails" in fm.feedback  # quotes the best evidence
    assert fm.best is not None and fm.best.cue
    trade = card.features["trade_off"]
    assert "industry standard" in trade.feedback and trade.missing
    cq = card.features["clarifying_question"]
    assert "Does that make sense" in cq.feedback and "check-in" in cq.feedback
    assert "channels" in cq.feedback  # specific to a notification service


def test_feedback_differs_by_question():
    text = "We'll store everything in Postgres."
    a = score_text(text).features["trade_off"].feedback
    b = score_transcript(Transcript.from_text(text), question="Design a rate limiter for an API").features["trade_off"].feedback
    c = score_transcript(Transcript.from_text(text), question="Design a URL shortener").features["trade_off"].feedback
    assert a != b != c and "token bucket" in b and "counter-based ids" in c


@pytest.mark.parametrize("said, counts", [
    ("p99 went from 800 ms to 200 ms and the bill fell by 30 percent.", True),  # the rubric's own example
    ("Memory went from 8 GB to 1 GB per pod.", True),
    ("Error rate dropped to 0.1% after the fix.", True),
    ("It made checkout twice as fast.", True),
    ("We cut the build time in half.", True),
    ("We had 30 engineers on the team.", False),  # a number, no outcome
    ("The project took 6 months.", False),
])
def test_a_behavioral_outcome_in_numbers_is_a_measured_change_not_arithmetic(said, counts):
    """A story's result is "from 800 to 200 ms", not a sizing derivation: the scale-estimate rule wanted arithmetic."""
    f = score_transcript(Transcript.from_text(said), "behavioral").features["scale_estimate"]
    assert (f.count == 1) is counts
    if not counts:
        assert "no change behind it" in f.near_misses[0].cue


def test_a_platitude_is_not_a_reflection():
    reflection = lambda said: score_transcript(Transcript.from_text(said), "behavioral").features["reflection"].count  # noqa: E731
    assert reflection("I learned a lot about teamwork.") == 0
    assert reflection("I learned to write the rollback plan before the migration.") == 1


@pytest.mark.parametrize("said, credit", [
    ("My teammate Ana found the race and I made sure she presented it.", True),
    ("I paired with Sam on the migration, he wrote the backfill.", True),
    ("We split the work: I owned the API and Priya owned the migration.", True),
    ("The SRE team caught it in the canary before it reached customers.", True),
    ("We picked Postgres because the team knew it.", False),  # the team as background, not who did what
    ("The team was small, just three of us.", False),
    ("I did everything myself over a weekend.", False),
])
def test_credit_to_the_team_is_who_else_did_what(said, credit):
    f = score_transcript(Transcript.from_text(said), "behavioral").features["team_credit"]
    assert (f.count == 1) is credit, (said, f.evidence)
    if "the team" in said.lower() and not credit:
        assert "background" in f.near_misses[0].cue


@pytest.mark.parametrize("qid, feature, expected, wrong", [
    ("ride-matching", "trade_off", "geohash", "chunks"),  # "drivers" is not "drive" (file storage)
    ("checkout-500s", "clarifying_question", "what changed recently", "double charge"),  # an incident, not payment design
    ("production-incident", "scale_estimate", "outcome with numbers", "failures per second"),  # a story, not debugging
    ("dns-outage", "failure_mode", "likely causes ranked", "exhausted pool"),  # no topic of its own: general incident advice
    ("stale-cache", "monitoring", "confirm or rule out", "error-rate dashboard"),  # old prices, no errors
])
def test_question_advice_is_for_the_question_and_its_kind_of_round(qid, feature, expected, wrong):
    from mockvoice.prompts import find_question

    q = find_question(qid)
    f = score_transcript(Transcript.from_text("We keep it simple."), q.rubric, question=q.text).features[feature]
    advice = f.feedback + " " + (f.strong or "")
    assert expected in advice and (wrong is None or wrong not in advice), advice


def test_question_advice_leaves_out_what_the_answer_already_said_on_that_feature():
    """Weighing hashing against a counter, then told a strong answer covers "hash-based versus counter-based ids":
    advice that repeats the answer reads as if nobody listened. What was said elsewhere does not count."""
    from mockvoice.prompts import find_question

    q = find_question("url-shortener")
    card = score_transcript(Transcript.from_text(
        "How many links are created a day, and do links expire? For ids we could hash the long url or use a global "
        "counter. Hashing needs no coordination but two urls can collide, a counter never collides but it is one more "
        "thing to run, so I'd go with a counter handed out in ranges. If two servers got the same range they would "
        "mint the same code and overwrite a link. Reads go to a cache and writes go to the primary."), question=q.text)
    f = card.features
    assert "covers the read/write ratio and whether custom aliases are needed." in f["clarifying_question"].feedback
    assert "covers a key-value store versus a relational database for the mapping." in f["trade_off"].feedback
    assert "hash-based versus counter-based" not in f["trade_off"].feedback + (f["trade_off"].strong or "")
    # "links a day" was a question, not an estimate; "cache" and "writes" were said, but not as a failure or a signal
    assert "links per day to writes per second" in f["scale_estimate"].feedback
    assert "the cache in front of the mapping going down" in f["failure_mode"].feedback


def test_advice_whose_every_item_was_said_is_left_out():
    from mockvoice.advice import advice_for

    q = "Design a URL shortener."
    assert advice_for("trade_off", q) == ("For this question a strong answer covers hash-based versus counter-based ids, "
                                          "or a key-value store versus a relational database for the mapping.")
    said = "hashing or a counter for ids, and a key value store rather than a relational database for the mapping"
    assert advice_for("trade_off", q, said=said) is None
    assert advice_for("failure_mode", q, said="a hotel spike") == advice_for("failure_mode", q)  # "hot" is not "hotel"


def test_a_rubric_file_of_ones_own_keeps_the_bundled_questions_kind_of_round(tmp_path):
    """A copy of the debugging rubric under another id: checkout-500s is still an incident, not payment design."""
    from pathlib import Path

    import mockvoice
    from mockvoice.prompts import find_question

    mine = tmp_path / "my-debugging.yaml"
    bundled = Path(mockvoice.__file__).resolve().parents[1] / "rubrics" / "debugging.yaml"
    mine.write_text(bundled.read_text().replace("id: debugging", "id: my-debugging", 1))
    q = find_question("checkout-500s")
    f = score_transcript(Transcript.from_text("We keep it simple."), str(mine), question=q.text).features["clarifying_question"]
    assert "what changed recently" in f.feedback and "double charge" not in f.feedback, f.feedback


def test_a_debugging_answer_that_reads_the_dashboards_first_is_not_told_it_designed_first():
    """DOMAIN.md: a debugging round wants logs and metrics first; looking is not designing."""
    looks = score_text("I'd check the dashboard for error rate by endpoint. Then I'd look at the logs. When did it start? "
                       "Did anything ship today? Which regions are affected?", "debugging")
    assert looks.structure.requirements_first is True
    assert not any(line.startswith("Structure: you") for line in looks.feedback)
    acts = score_text("I'd restart the payment service and add two more servers. When did it start? Did anything ship "
                      "today? Which regions are affected?", "debugging")
    assert acts.structure.requirements_first is False
    assert any("you went to the system" in line and "since when" in line for line in acts.feedback), acts.feedback
    assert "You acted on the system" in acts.features["clarifying_question"].feedback
    assert "designing" not in " ".join(acts.feedback)


@pytest.mark.parametrize("first, acts", [
    ("I'd restart the pods.", True),
    ("First I'd roll back the last deploy.", True),
    ("I'd flip the feature flag off.", True),
    ("I'd drain traffic away from the bad region.", True),
    ("I'd scale out the service and add more replicas to handle the load.", True),
    ("I'd check whether the database is up and the connection pool isn't exhausted.", False),  # looking, not acting
    ("If it turns out to be the deploy, we roll back.", False),  # a plan for later
])
def test_a_debugging_round_is_out_of_order_when_it_acts_before_scoping(first, acts):
    card = score_text(first + " When did it start, and what changed?", "debugging")
    assert card.structure.requirements_first is (not acts)
    assert "designing" not in " ".join(card.feedback) + card.features["clarifying_question"].feedback


# Speech-to-text can write 14 s of speech as one sentence (the demo's reply to its probe): a hit on its last words
RUN_ON = ("If the database is down redirects for cached links keep working and the rest fail fast with a timeout "
          "and retries with backoff while we alert on the error rate of redirects")


def test_a_hit_in_a_long_utterance_is_timed_and_quoted_where_its_cue_was_said():
    """Monitoring cued by "alert" 10 s into a 13 s utterance: marked at 10 s (not 0), quoted around "alert" (not cut
    before it), and the same in the feedback; the quote says where it was cut, and is what was said."""
    t = _timed([(RUN_ON, 0.0)])
    (u,) = split_utterances(t)
    assert len(u.text) > 140 and u.start == 0.0
    card = score_transcript(t)
    (mon,) = card.features["monitoring"].evidence
    assert mon.cue == "alert" and mon.start == pytest.approx(10.0)  # the 26th word, at 0.4 s a word
    assert mon.end == pytest.approx(u.end) and "we alert on the error rate of redirects" in mon.text
    assert mon.text.startswith("\u2026") and mon.text.strip("\u2026") in t.text and len(mon.text) <= 110
    assert "alert on the error rate" in card.features["monitoring"].feedback
    # a cue at the start of the utterance keeps its start; the cut end is marked
    (down,) = card.features["failure_mode"].evidence
    assert down.start == pytest.approx(1.2) and down.text.startswith("If the database is down") and down.text.endswith("\u2026")
    # typed text: the same quote, no times
    typed = score_transcript(Transcript.from_text(RUN_ON)).features["monitoring"].evidence[0]
    assert typed.text == mon.text and typed.start is None
    # a reason that names no words said ("a number with no arithmetic behind it") keeps the whole utterance and its start
    lone = _timed([("So we would run about 500 servers in each region and put the mapping in a key value store with a "
                    "cache in front of it for the hot links", 3.0)])
    (miss,) = score_transcript(lone).features["scale_estimate"].near_misses
    assert miss.cue == "a number with no arithmetic behind it" and miss.start == 3.0 and miss.text == lone.text


@pytest.mark.slow
def test_a_hit_in_a_long_spoken_sentence_is_timed_at_its_word(tts):
    """Real speech and Whisper's own word times, as one long run-on (speech-to-text often writes no stops; here its
    punctuation is taken out, since where tiny.en puts a comma varies from run to run): the monitoring hit is at the
    time Whisper gives the word "alert", and its quote holds it."""
    from mockvoice.api import transcribe_for_rubric
    from mockvoice.excerpt import WINDOW_CHARS

    said = ("The cached redirects keep working while the other requests fail fast with a timeout and a retry with "
            "backoff which is why we alert on the error rate of the redirect service.")
    heard = transcribe_for_rubric(tts([said], rate=190), "system-design")
    words = tuple(Word(text=w.text.strip(",.?!"), start=w.start, end=w.end) for w in heard.words)
    t = Transcript(text=" ".join(w.text for w in words), segments=(Segment(text=" ".join(w.text for w in words),
                   start=words[0].start, end=words[-1].end, words=words),))
    alert = next(w for w in t.words if w.text.lower() == "alert")
    (u,) = [u for u in split_utterances(t) if u.start <= alert.start <= u.end]
    assert len(u.text) > WINDOW_CHARS and alert.start - u.start > 4, (u.text, u.start, alert.start)  # one long run-on
    (mon,) = score_transcript(t, "system-design").features["monitoring"].evidence
    assert mon.start == alert.start and "alert" in mon.text


def test_the_rubrics_examples_of_what_is_missing_leave_out_what_the_evidence_gave():
    """One failure mode, a timeout: "name ... (a dependency down, timeouts, ...)" would ask for what was just said."""
    f = score_text("If the payment provider is slow the call hits a timeout after two seconds and we retry with backoff. "
                   "We use Postgres.").features["failure_mode"]
    assert f.count == 1 and "(a dependency down, replication lag, and a hot key)" in f.feedback, f.feedback
    none = score_text("We use Postgres.").features["failure_mode"]
    assert "(a dependency down, timeouts, replication lag, a hot key)" in none.feedback  # nothing said: all examples


@pytest.mark.parametrize("said, feature, word", [
    # a contrast's cue names words some way apart ("fast but storage")
    ("For the home feed of each user there are two options so we could precompute the feed which is fast to read but "
     "uses a lot of storage or build it on read", "trade_off", "fast"),
    # cleaning joined two words ("time out" is cued "timeout")
    ("Charging goes through the payment provider and the provider can time out after actually charging the card so "
     "every charge carries an idempotency key", "failure_mode", "time"),
    # and wrote numbers said in words in digits ("... 5 years and 100000000 new links a day is")
    ("For storage we keep every link for five years and one hundred million new links a day is roughly twelve hundred "
     "writes a second at peak", "scale_estimate", "every"),
])
def test_a_cue_is_found_among_the_words_as_said(said, feature, word):
    t = _timed([(said, 0.0)])
    assert len(split_utterances(t)) == 1
    (ev,) = score_transcript(t).features[feature].evidence
    at = next(w.start for w in t.words if w.text == word)
    assert ev.start == at > 0 and word in ev.text.split(), (ev.cue, ev.text)
