"""`mockvoice score --llm-url`: narrative feedback after the scorecard, from a real loopback server; failures never fail the command."""

from __future__ import annotations

import json

from mockvoice.llm.loopback import Behaviour

from .conftest import API_KEY

ANSWER = "How many users do we expect? I would put a cache in front of the database because reads dominate."
FEEDBACK = "You asked about users but never said what happens when the cache is down [or cold], and that matters."


def _answer(tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER)
    return path


def test_score_prints_narrative_feedback(cli, server, tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKVOICE_LLM_API_KEY", API_KEY)
    server.script(Behaviour(content=json.dumps({"feedback": FEEDBACK, "priority": "Name two failure modes."})))
    res = cli("score", _answer(tmp_path), "--llm-url", server.url, "--llm-model", "llama3.2")
    assert res.code == 0, res.err
    out = " ".join(res.out.split())
    assert "overall" in out and FEEDBACK in out and "Practise next: Name two failure modes." in out
    assert "audio is never sent" in res.err and API_KEY not in res.out + res.err
    req = server.requests[-1]
    assert req.headers["authorization"] == f"Bearer {API_KEY}" and req.body["model"] == "llama3.2"
    assert ANSWER in req.body["messages"][1]["content"]


def test_score_survives_a_failing_server(cli, server, tmp_path):
    server.script(Behaviour(mode="status", status=503))
    res = cli("score", _answer(tmp_path), "--llm-url", server.url)
    assert res.code == 0 and "overall" in res.out
    assert "No narrative feedback (llm http: HTTP 503" in " ".join(res.err.split())


def test_score_sends_nothing_without_a_url(cli, server, tmp_path):
    before = len(server.requests)
    res = cli("score", _answer(tmp_path))
    assert res.code == 0 and len(server.requests) == before and "language model" not in res.err


def test_bad_url_is_one_line(cli, tmp_path):
    res = cli("score", _answer(tmp_path), "--llm-url", "localhost:11434")
    assert res.code == 2 and res.err.startswith("LLMError: --llm-url: llm.url") and len(res.err.strip().splitlines()) == 1
    assert res.out == ""  # said before any work, not after a scorecard the exit code then calls a failure
