"""The interview loop's keys (Enter ends, s skips a probe, q quits and saves), with a scripted mic and no speaker."""

from __future__ import annotations

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


def test_enter_skip_and_quit(tmp_path):
    q = find_question("url-shortener")
    keys: queue.Queue[str] = queue.Queue()
    events: list[tuple[str, str]] = []

    def report(kind: str, text: str) -> None:
        events.append((kind, text))
        if kind == "listening":
            keys.put({"answer 1": "enter", "answer 2": "s", "answer 3": "q"}[text[:8]])
        elif kind == "probe" and sum(k == "probe" for k, _ in events) == 2:
            keys.put("enter")  # the replacement probe was asked: end this answer

    def poll():
        try:
            return keys.get_nowait()
        except queue.Empty:
            return None

    folder = tmp_path / "session"
    folder.mkdir()
    interviewer = Interviewer(q, load_rubric(q.rubric), ClipMicrophone([]), NullSpeaker(realtime=False),
                              NoSpeechTranscriber(), folder, PracticeOptions(turns=3, keys=True), poll_key=poll,
                              report=report)
    session = interviewer.run()
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


def test_without_keys_the_answer_prompt_does_not_offer_enter(tmp_path):
    """No terminal (stdin piped): a pause ends each answer, so the prompt must not say Enter does."""
    q = find_question("url-shortener")
    said: list[str] = []
    interviewer = Interviewer(q, load_rubric(q.rubric), ClipMicrophone([]), NullSpeaker(realtime=False),
                              NoSpeechTranscriber(), tmp_path, PracticeOptions(turns=1), poll_key=lambda: "q",
                              report=lambda kind, text: said.append(text) if kind == "listening" else None)
    interviewer.run()
    assert said == ["answer 1 of 1: speak; a 1.2 s pause ends your answer"]
