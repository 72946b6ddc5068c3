"""Delivery metrics: fillers, pace, pauses and hedging, on word timings and on real audio through tiny.en."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockvoice.audio import load_audio
from mockvoice.delivery import find_hedges, measure_delivery
from mockvoice.scoring import score_transcript
from mockvoice.transcript import Segment, Transcript, Word

AUDIO = Path(__file__).parent / "data" / "audio"
FILLER_PARTS = [
    "Um, so the first thing I'd ask is, uh, how many users we expect per day.", 0.5,
    "Uh, I think we could put a cache in front of the database, um, to take the reads.", 0.5,
    "So, um, if the primary goes down, uh, we fail over to the replica.",
]
SPOKEN_FILLERS = 6


def _words(spec: list[tuple[str, float]]) -> Transcript:
    words = tuple(Word(text=t, start=s, end=s + 0.3) for t, s in spec)
    return Transcript(text=" ".join(t for t, _ in spec), segments=(Segment(text="x", words=words),))


def test_fillers_pace_and_pauses_from_word_timings():
    spec = [(w, i * 0.4) for i, w in enumerate("um so we shard by user uh and then cache reads".split())]
    spec.append(("done", spec[-1][1] + 4.0))  # a four-second silence before the last word
    d = measure_delivery(_words(spec), long_pause_s=3.0)
    assert d.fillers == 2 and d.words == 10
    assert d.longest_pause_s == pytest.approx(3.7, abs=0.01) and len(d.long_pauses) == 1
    assert d.wpm == pytest.approx(10 / ((spec[-1][1] + 0.3) / 60), rel=0.01)
    assert d.pace == "slow"


@pytest.mark.parametrize("wpm,band", [(120, "slow"), (145, "in band"), (175, "fast")])
def test_pace_band(wpm, band):
    step = 60.0 / wpm
    spec = [("word", i * step) for i in range(60)]
    d = measure_delivery(_words([(w, s) for w, s in spec]))
    assert d.pace == band


def test_hedges_but_not_questions_about_kinds():
    assert find_hedges("I guess maybe we could shard it, I'm not sure") == ["i guess", "maybe we could", "i'm not sure"]
    assert find_hedges("what kind of latency budget do we have") == []
    # a tester's debugging answer: none of these were counted
    assert find_hedges("Maybe I would check the code. I think that should solve it. Maybe it's the payment service.") == [
        "maybe i would", "i think that should solve it", "maybe it's"]
    assert find_hedges("we should probably add a replica") == ["should probably"]


@pytest.fixture(scope="module")
def whisper():
    from mockvoice.transcriber import get_transcriber

    return get_transcriber()


@pytest.mark.slow
def test_fillers_survive_transcription_of_speech_that_has_them(tts, whisper):
    clip = load_audio(tts(FILLER_PARTS))
    d = measure_delivery(whisper.transcribe(clip))
    assert d.fillers >= SPOKEN_FILLERS - 1, d
    assert d.fillers_per_min > 3  # hesitant speech is flagged


@pytest.mark.slow
def test_real_recording_pace_and_pauses_without_invented_fillers(whisper):
    entry = next(e for e in json.loads((AUDIO / "manifest.json").read_text())["files"] if e["file"] == "asr-reference.wav")
    t = whisper.transcribe(load_audio(AUDIO / "asr-reference.wav"))
    d = measure_delivery(t)
    reference_words = len(" ".join(entry["sentences"]).split())
    expected_wpm = reference_words / (d.speaking_s / 60)
    assert d.wpm == pytest.approx(expected_wpm, rel=0.1)
    assert d.pace == "fast"  # about 195 words a minute, above the 130-160 band
    assert d.fillers <= 1  # a fluent speaker: the filler prompt must not invent "um"s
    assert 0.5 < d.longest_pause_s < 3.0 and not d.long_pauses  # natural pauses between sentences


@pytest.mark.slow
def test_ordering_and_time_to_first_question_on_audio(tts, whisper):
    from mockvoice.speech import synthesize

    opening = "Okay, let me think about this for a second."
    lead_s = synthesize(opening).duration + 2.0
    first = score_transcript(whisper.transcribe(load_audio(tts([
        opening, 2.0, "How many users do we expect per day?", 0.8, "Is it read heavy or write heavy?", 0.8,
        "Then we will use a key value store for the mapping.",
    ]))))
    s = first.structure
    assert s.requirements_first is True and s.questions_before_design == 2
    assert s.first_question_at == pytest.approx(lead_s, abs=0.8)
    late = score_transcript(whisper.transcribe(load_audio(tts([
        "We will use Cassandra and Redis for the links.", 0.8, "How many users do we expect per day?",
    ]))))
    assert late.structure.requirements_first is False and late.structure.questions_after_design == 1


def test_the_silence_between_two_answers_is_not_a_pause_of_the_interview():
    """The interview's card scores its answers merged: the end of one answer and the start of the next
    (the endpoint's silence, the question asked, the lead-in) is no pause, and no time spent answering."""
    from mockvoice.listener import merge_chunks
    from mockvoice.transcript import Joined

    def answer(n: int) -> Transcript:  # n words at 150 wpm from 0.5 s, in an 8 s recording
        words = tuple(Word(text=f"w{i}", start=0.5 + 0.4 * i, end=0.8 + 0.4 * i) for i in range(n))
        return Transcript(text=" ".join(w.text for w in words), segments=(Segment(text="x", words=words),), duration=8.0)

    chunks = [(0.0, answer(12)), (8.0, answer(12))]
    as_answers = measure_delivery(merge_chunks(chunks, 16.0, answers=True))
    assert as_answers.long_pauses == () and as_answers.longest_pause_s < 0.2
    assert as_answers.wpm == pytest.approx(24 / ((5.2 - 0.5) * 2 / 60), rel=0.01)  # each answer's own pace
    assert measure_delivery(Joined.of(chunks, 16.0, answers=True)) == as_answers
    as_one = measure_delivery(merge_chunks(chunks, 16.0))  # chunks of one answer: that silence is a pause
    assert len(as_one.long_pauses) == 1 and as_one.wpm < as_answers.wpm


@pytest.mark.slow
def test_a_long_silence_before_the_first_word_is_measured_and_named(tts, whisper):
    """12 s of dead air before answering is what an interviewer notices first; a 1 s think is not worth a word."""
    late = score_transcript(whisper.transcribe(load_audio(tts([8.0, "How many users do we expect per day?", 0.6,
                                                               "Then we will use a key value store."]))))
    assert late.delivery.first_word_s == pytest.approx(8.0, abs=0.8)
    assert any(line.startswith("Start: 8 s of silence before your first word") for line in late.feedback), late.feedback
    prompt = score_transcript(whisper.transcribe(load_audio(tts([1.0, "How many users do we expect per day?"]))))
    assert prompt.delivery.first_word_s < 2.0 and not any(line.startswith("Start:") for line in prompt.feedback)

