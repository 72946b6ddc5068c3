"""Several scoping questions in one spoken sentence count as several; alternatives, narrowing and lead-ins do not."""

from __future__ import annotations

import pytest

from mockvoice import score_text
from mockvoice.audio import load_audio
from mockvoice.questions import question_count
from mockvoice.scoring import score_transcript
from mockvoice.spoken import clean


@pytest.mark.parametrize("text, n", [
    ("how many users do we have , and what is the read to write ratio , and do we need strong consistency ?", 3),
    ("how many hosts . how many series per host", 2),  # a wh-question after a pause is a new one
    ("so first how many users and how big can a group get", 2),
    ("how many customers are affected and since when", 2),
    ("first i want to ask , how many sensors we have and how often each one is sending", 2),  # the lead-in asks nothing
    ("is this per user or per api key or per ip", 1),  # alternatives of one question
    ("is it hourly ? or is it daily ?", 1),
    ("how fresh does the data need to be , is a few seconds of lag okay", 1),  # narrows the question before it
    ("how many users do we expect , and does that make sense", 1),  # a check-in is not a question
    ("how many users , and what's the team like", 1),  # nor a question about the employer
    ("how many users , how many groups , how many messages , and how many regions , and which devices", 3),  # at most 3
    ("i'm assuming two regions , is that right", 1),
    ("how many users , is that right", 1),  # a confirmation of the question before
    # as speech-to-text writes them: no commas, or a list of short wh-questions, or yes/no questions after pauses
    ("how many users do we have and what is the read write ratio and do we need strong consistency", 3),
    ("how many users , what read write ratio , what latency budget , and what consistency ?", 3),
    ("what is the expected qps , is it global , and must it be strongly consistent ?", 3),
    ("do group chats go up to 10 people or 10000 , is end-to-end encryption required , and what latency is acceptable ?", 3),
    ("what privacy rules are we under , i assume hipaa , which changes where we can log", 1),  # "which": a relative clause
    # a topic named first, or the question said again in other words: one question
    ("when you say real time , do you mean under a second ?", 1),
    ("what about consistency , do we need it strong ?", 1),
    ("how many users do we have ? or rather , how many daily actives ?", 1),
    ("before i begin , may i ask roughly how many new links a day , and what the read to write ratio is ?", 2),
    ("what latency budget , what availability target , what retention ?", 3),  # no question word order at all
    ("then i'd ask when did it start , which endpoints , and did anything change recently ?", 2),
    ("we have a lot of users , and how many are on mobile ?", 1),  # a statement, then one question
])
def test_question_count(text, n):
    assert question_count(clean(text)) == n


def test_a_sentence_of_three_questions_meets_the_three_question_target():
    card = score_text("How many users do we have, and what is the read to write ratio, and do we need strong consistency? "
                      "Then I'd put a cache in front of the database.")
    cq = card.features["clarifying_question"]
    assert cq.count == 3 and cq.met and len(cq.evidence) == 1  # one quote, three questions
    assert card.structure.requirements_first is True and card.structure.questions_before_design == 3


def test_questions_asked_after_the_design_started_count_half_each():
    early = score_text("How many users do we have, and how big can a group get? We'll use a message queue.")
    late = score_text("We'll use a message queue. How many users do we have, and how big can a group get?")
    assert early.features["clarifying_question"].count == late.features["clarifying_question"].count == 2
    assert early.features["clarifying_question"].score == pytest.approx(2 / 3, abs=0.01)
    assert late.features["clarifying_question"].score == pytest.approx(1 / 3, abs=0.01)  # 2 x 0.5 of 3


@pytest.fixture(scope="module")
def whisper():
    from mockvoice.transcriber import get_transcriber

    return get_transcriber()


@pytest.mark.slow
def test_spoken_questions_are_counted_once_each_on_real_audio(tts, whisper):
    """Speech-to-text often ends a sentence at each "and" ("How many devices do we have? And how often..."):
    each question is then its own utterance and must still count once, not again inside its neighbour."""
    card = score_transcript(whisper.transcribe(load_audio(tts([
        "How many devices do we have, and how often does each one report?", 0.8,
        "Then I'd put the readings on a queue.",
    ]))))
    cq = card.features["clarifying_question"]
    assert cq.count == 2, [e.text for e in cq.evidence]
