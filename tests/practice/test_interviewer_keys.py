"""The interview loop's keys (Enter ends, s skips a probe, q quits and saves), with a scripted mic and no speaker."""

from __future__ import annotations

import json
import queue

from mockvoice.interviewer import Interviewer, PracticeOptions
from mockvoice.microphone import ClipMicrophone
from mockvoice.player import NullSpeaker
from mockvoice.prompts import find_question
from mockvoice.rubric import load_rubric
from mockvoice.session import load_session


class NoSpeechTranscriber:
    """Never called when nothing is said; here to prove that."""

    model_name = "none"

    def transcribe(self, clip, hotwords=()):
        raise AssertionError("nothing was said, so nothing should be transcribed")


def _keyed_interview(folder, probe_keys: dict[int, str]) -> tuple:
    """Three silent answers through the real loop, keys pressed as a candidate would: Enter ends answer 1,
    `s` skips the probe during answer 2, `q` quits in answer 3; `probe_keys[n]` is pressed when the n-th
    probe is asked. Returns the session and the (kind, text) events reported."""
    q = find_question("url-shortener")
    keys: queue.Queue[str] = queue.Queue()
    events: list[tuple[str, str]] = []

    def report(kind: str, text: str) -> None:
        events.append((kind, text))
        if kind == "listening":
            keys.put({"answer 1": "enter", "answer 2": "s", "answer 3": "q"}[text[:8]])
        elif kind == "probe" and (key := probe_keys.get(sum(k == "probe" for k, _ in events))):
            keys.put(key)

    def poll():
        try:
            return keys.get_nowait()
        except queue.Empty:
            return None

    interviewer = Interviewer(q, load_rubric(q.rubric), ClipMicrophone([]), NullSpeaker(realtime=False),
                              NoSpeechTranscriber(), folder, PracticeOptions(turns=3, keys=True), poll_key=poll,
                              report=report)
    return interviewer.run(), events


def test_enter_skip_and_quit(tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    session, events = _keyed_interview(folder, {2: "enter"})  # the replacement probe was asked: end this answer
    assert [t for k, t in events if k == "listening"][0] == "answer 1 of 3: speak; Enter or a 1.2 s pause ends your answer"

    assert session.status == "interrupted"
    saved = load_session(folder)
    assert [t.end_reason for t in saved.turns] == ["key", "key", "quit"]
    assert [t.status for t in saved.turns] == ["complete", "complete", "interrupted"]
    first_probe, replacement, third = [text for kind, text in events if kind == "probe"]
    assert len({first_probe, replacement, third}) == 3  # no probe asked twice, the skipped one included
    assert saved.turns[0].probe.text == replacement and "skipped" in saved.turns[0].probe.reason
    assert saved.turns[1].prompt == replacement and saved.turns[1].prompt_kind == "probe"
    assert saved.turns[1].probe.text == third == saved.turns[2].prompt
    assert all(t.transcript.is_empty for t in saved.turns)
    assert (folder / "turn-03.wav").is_file()


def test_a_skipped_probe_is_stored_on_the_probe_that_replaced_it(tmp_path):
    _, events = _keyed_interview(tmp_path, {2: "s", 3: "enter"})  # skip the replacement too, then answer
    first, second, third = [text for kind, text in events if kind == "probe"][:3]
    saved = load_session(tmp_path)
    assert saved.turns[0].probe.text == third == saved.turns[1].prompt
    assert saved.turns[0].probe.skipped == (first, second)
    raw = json.loads((tmp_path / "session.json").read_text())
    assert raw["turns"][0]["probe"]["skipped"] == [first, second]


def test_without_keys_the_answer_prompt_does_not_offer_enter(tmp_path):
    """No terminal (stdin piped): a pause ends each answer, so the prompt must not say Enter does."""
    q = find_question("url-shortener")
    said: list[str] = []
    interviewer = Interviewer(q, load_rubric(q.rubric), ClipMicrophone([]), NullSpeaker(realtime=False),
                              NoSpeechTranscriber(), tmp_path, PracticeOptions(turns=1), poll_key=lambda: "q",
                              report=lambda kind, text: said.append(text) if kind == "listening" else None)
    interviewer.run()
    assert said == ["answer 1 of 1: speak; a 1.2 s pause ends your answer"]


class FixedTranscriber:
    """Hears every stretch of speech as the same scoping question."""

    model_name = "fixed"

    def transcribe(self, clip, hotwords=()):
        from mockvoice.transcript import Segment, Transcript, Word

        text = "How many users do we expect per day?"
        words = tuple(Word(text=w, start=0.1 + 0.3 * i, end=0.35 + 0.3 * i, probability=0.9) for i, w in enumerate(text.split()))
        return Transcript(text=text, segments=(Segment(text=text, start=0.1, end=words[-1].end, words=words),),
                          duration=clip.duration, model=self.model_name)


def test_quitting_mid_answer_scores_what_was_said(tmp_path):
    """q during the first answer: the words said so far are saved and the session's card covers them."""
    from support import speak

    from mockvoice.audio import load_audio

    q = find_question("url-shortener")
    said = load_audio(speak(["How many users do we expect per day, and how many links do they create?"]))
    polls = iter(range(10**6))

    def poll():  # q near the end of the speech, before a pause could end the answer (a poll per 32 ms frame)
        return "q" if next(polls) > int((0.4 + said.duration - 0.5) / 0.032) else None

    interviewer = Interviewer(q, load_rubric(q.rubric), ClipMicrophone([said], realtime=False),
                              NullSpeaker(realtime=False), FixedTranscriber(), tmp_path, PracticeOptions(turns=2),
                              poll_key=poll)
    session = interviewer.run()
    assert session.status == "interrupted" and session.turns[0].end_reason == "quit"
    assert not session.turns[0].transcript.is_empty
    assert session.scorecard is not None and session.scorecard.features["clarifying_question"].count >= 1
    assert load_session(tmp_path).scorecard == session.scorecard
    # scored as the question's answer, as `rescore` scores it: the feedback says what a strong answer to it covers
    assert session.scorecard.question == q.text
    assert any("For this question a strong answer covers" in line for line in session.scorecard.feedback)
