"""`mockvoice demo --llm-url`: the whole spoken loop (espeak-ng candidate, VAD, tiny.en, scoring) with probes from a loopback model."""

from __future__ import annotations

import json

import pytest

from mockvoice.llm.loopback import Behaviour
from mockvoice.session import load_session

from .conftest import API_KEY

pytestmark = pytest.mark.slow

FEEDBACK = "You scoped traffic first and chose a counter over hashing, but you never said what fails when the store is down."
PROBE = "You cache the hot links in front of the key value store. What happens to redirects when that store is down?"


@pytest.fixture(autouse=True)
def _fast_demo(monkeypatch):
    """The same pipeline, without waiting in real time for the scripted candidate or the speaker."""
    import mockvoice.cli.demo as demo
    from mockvoice.microphone import ClipMicrophone
    from mockvoice.player import NullSpeaker

    monkeypatch.setattr(demo, "ClipMicrophone", lambda answers: ClipMicrophone(answers, realtime=False))
    monkeypatch.setattr(demo, "open_speaker", lambda spec: NullSpeaker(realtime=False))


def _session(root):
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    return folder, load_session(folder)


def test_demo_asks_the_models_probe(cli, server, tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKVOICE_LLM_API_KEY", API_KEY)
    server.requests.clear()
    server.script(
        Behaviour(content=json.dumps({"feature": "failure_mode", "family": "failure_mode", "probe": PROBE})),
        Behaviour(content=json.dumps({"feedback": FEEDBACK, "priority": "Say what fails first."})),
    )
    res = cli("demo", "--turns", "2", "--recordings", tmp_path / "rec", "--llm-url", server.url, "--llm-model", "loop")
    assert res.code == 0, res.err
    folder, session = _session(tmp_path / "rec")
    first, second = session.turns
    assert (first.probe.source, first.probe.text, first.probe.feature) == ("llm", PROBE, "failure_mode")
    assert first.probe.reason.startswith("loop answered in")
    assert second.prompt == PROBE and second.prompt_kind == "probe"
    # what the model saw is the transcribed first answer, not audio
    req, feedback_req = [r for r in server.requests if r.path.endswith("/chat/completions")]
    user = req.body["messages"][1]["content"]
    assert f"Candidate: {' '.join(first.transcript.text.split())}" in user  # the whole first answer
    assert "how many new links" in user.lower()
    assert req.headers["authorization"] == f"Bearer {API_KEY}"
    # after the scorecard, the model's narrative feedback on the whole interview
    assert FEEDBACK in " ".join(res.out.split()) and "Practise next: Say what fails first." in res.out
    assert "feedback" in feedback_req.body["response_format"]["json_schema"]["name"]
    assert API_KEY not in (folder / "session.json").read_text() and API_KEY not in res.out + res.err
