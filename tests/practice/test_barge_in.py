"""Barge-in loses nothing: the answer that interrupted the interviewer is saved whole, even when saving is slow."""

from __future__ import annotations

import time

import numpy as np

from mockvoice.audio import load_audio
from mockvoice.interviewer import Interviewer, PracticeOptions
from mockvoice.microphone import BLOCK, Block
from mockvoice.player import NullSpeaker
from mockvoice.prompts import find_question
from mockvoice.rubric import load_rubric
from mockvoice.session import load_session
from mockvoice.transcript import Transcript

from support import speak

RATE = 16_000


class LiveMic:
    """A live device in miniature: blocks arrive by the wall clock whether or not anyone reads them, and
    `resume()` drops what has queued up (as the PortAudio microphone does). The candidate starts talking
    `start_s` after `start()`."""

    def __init__(self, answer: np.ndarray, start_s: float):
        lead = np.zeros(int(start_s * RATE), dtype=np.float32)
        tail = np.zeros(3 * RATE, dtype=np.float32)
        self.timeline = np.concatenate([lead, answer.astype(np.float32), tail])
        self._t0 = 0.0
        self._next = 0  # index of the next block to hand out

    def start(self) -> None:
        self._t0 = time.monotonic()

    def _captured(self) -> int:
        return int((time.monotonic() - self._t0) * RATE) // BLOCK

    def read(self, timeout: float) -> Block | None:
        deadline = time.monotonic() + timeout
        while self._next >= self._captured():
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)
        i, self._next = self._next, self._next + 1
        samples = self.timeline[i * BLOCK:(i + 1) * BLOCK]
        if samples.size < BLOCK:
            samples = np.concatenate([samples, np.zeros(BLOCK - samples.size, dtype=np.float32)])
        return Block(samples, self._t0 + i * BLOCK / RATE)

    def resume(self) -> None:
        self._next = max(self._next, self._captured())

    def close(self) -> None:
        pass


class QuestionOnlySpeaker(NullSpeaker):
    """Plays the question in real time (so it can be interrupted); later clips finish at once."""

    def play(self, clip):
        self.realtime = not hasattr(self, "_played")
        self._played = True
        return super().play(clip)


class FixedTranscriber:
    model_name = "fixed"

    def transcribe(self, clip, hotwords=()):
        return Transcript(text="if the database is down", duration=clip.duration)


def test_barge_in_keeps_the_answer_whole_when_saving_is_slow(tmp_path, monkeypatch):
    answer = load_audio(speak(["If the database is down, cached links keep working."])).samples
    q = find_question("url-shortener")
    folder = tmp_path / "session"
    folder.mkdir()
    real_save = Interviewer._save

    def slow_save(self):  # a slow disk: fsync takes a while
        real_save(self)
        time.sleep(0.4)

    monkeypatch.setattr(Interviewer, "_save", slow_save)
    events: list[str] = []
    interviewer = Interviewer(q, load_rubric(q.rubric), LiveMic(answer, start_s=1.0), QuestionOnlySpeaker(),
                              FixedTranscriber(), folder, PracticeOptions(turns=1, barge_in=True),
                              report=lambda kind, text: events.append(kind))
    interviewer.run()

    assert "barge_in" in events  # the candidate spoke over the question
    saved = load_audio(folder / load_session(folder).turns[0].audio).samples
    voiced = np.flatnonzero(np.abs(answer) > 0.02)
    first, last = voiced[0], voiced[-1]
    # The saved answer holds every sample from the first voiced one to the last, in one piece.
    needle = answer[first:first + 800]
    hits = [i for i in range(saved.size - needle.size) if np.abs(saved[i:i + 800] - needle).max() < 1e-3]
    assert hits, "the start of the answer is missing"
    start = hits[0]
    body = answer[first:last + 1]
    assert saved.size >= start + body.size, "the answer was cut short"
    gap = np.abs(saved[start:start + body.size] - body).max()
    assert gap < 1e-3, f"the saved answer differs from what was said (max difference {gap:.3f}): audio was dropped"
