"""The practice loop with the LLM writer: guesses while the candidate talks never call the model, and speech starts on the model's first sentence."""

from __future__ import annotations

import json
import threading

import pytest

from mockvoice.audio import load_audio
from mockvoice.interviewer import Interviewer, PracticeOptions
from mockvoice.llm import ChatClient, LLMConfig, LLMProbeWriter
from mockvoice.llm.loopback import Behaviour
from mockvoice.microphone import ClipMicrophone
from mockvoice.player import NullSpeaker
from mockvoice.prompts import find_question
from mockvoice.rubric import load_rubric
from mockvoice.session import load_session
from mockvoice.transcriber import get_transcriber

pytestmark = pytest.mark.slow

FIRST = "You generate codes from a counter."
SECOND = "What happens to new links when the counter service is down?"


class GatedSpeaker(NullSpeaker):
    """A silent speaker that logs what it is asked to play and opens `gate` once the first probe starts playing."""

    def __init__(self, gate: threading.Event):
        super().__init__(realtime=False)
        self.gate, self.calls = gate, []

    def play(self, clip):
        self.calls.append(("play", clip.duration))
        if len(self.calls) >= 2:  # the question was the first clip
            self.gate.set()
        return super().play(clip)

    def extend(self, playback, clip):
        self.calls.append(("extend", clip.duration))
        return super().extend(playback, clip)


def test_first_sentence_is_spoken_while_the_model_writes_the_rest(server, tts, tmp_path):
    server.requests.clear()
    gate = threading.Event()
    reply = json.dumps({"feature": "failure_mode", "family": "failure_mode", "probe": f"{FIRST} {SECOND}"})
    # The model streams its first sentence, then holds the rest until the interviewer starts speaking.
    server.script(Behaviour(content=reply, gate_after=reply.index(FIRST) + len(FIRST) + 2, gate=gate))
    # A real-time answer with a pause inside, so the loop guesses a reply (prerenders) while it is spoken.
    answer_1 = load_audio(tts(["How many links do we create a day?", 1.0,
                               "I would generate codes from a counter rather than hashing the long URL."]))
    answer_2 = load_audio(tts(["If the counter is down we hand out codes from a reserved block."]))
    q = find_question("url-shortener")
    speaker = GatedSpeaker(gate)
    with ChatClient(LLMConfig(url=server.url, model="loop", budget_s=10)) as client:
        interviewer = Interviewer(q, load_rubric(q.rubric), ClipMicrophone([answer_1, answer_2]), speaker,
                                  get_transcriber(), tmp_path / "s", PracticeOptions(turns=2),
                                  probe_writer=LLMProbeWriter(client))
        session = interviewer.run()
    probe = session.turns[0].probe
    assert (probe.source, probe.text) == ("llm", f"{FIRST} {SECOND}"), probe
    assert session.turns[1].prompt == probe.text
    # one request for the one probe: the guesses made during the answer used the rules
    assert len([r for r in server.requests if r.path.endswith("/chat/completions")]) == 1
    # the question, then the probe as two pieces: the first sentence played, the second appended
    kinds = [k for k, _ in speaker.calls]
    assert kinds[:3] == ["play", "play", "extend"], speaker.calls
    spoken = load_audio(tmp_path / "s" / "prompt-02.wav").duration
    assert spoken == pytest.approx(speaker.calls[1][1] + speaker.calls[2][1], abs=0.05)
    assert load_session(tmp_path / "s").turns[0].probe.source == "llm"
