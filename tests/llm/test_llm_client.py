"""The chat-completions client against a real HTTP server on 127.0.0.1: replies, streaming, and every failure's reason."""

from __future__ import annotations

import json
import logging

import pytest

from mockvoice.llm import ChatClient, LLMConfig, LLMReplyError
from mockvoice.llm.loopback import Behaviour

from .conftest import API_KEY

MSGS = [{"role": "user", "content": "hello"}]


def test_streamed_reply_and_what_is_sent(llm):
    server, client = llm
    server.script(Behaviour(content='{"probe": "Why Kafka over SQS here?"}', chunk_chars=3))
    assert client.complete(MSGS, 5.0, {"type": "object"}, "probe") == '{"probe": "Why Kafka over SQS here?"}'
    (req,) = server.requests
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == f"Bearer {API_KEY}"
    assert req.body["stream"] is True and req.body["model"] == "test-model" and req.body["messages"] == MSGS
    assert req.body["response_format"]["type"] == "json_schema"
    assert req.body["response_format"]["json_schema"]["schema"] == {"type": "object"}
    # only text goes out: no field beyond the chat-completions basics
    assert set(req.body) == {"messages", "stream", "temperature", "max_tokens", "model", "response_format"}


@pytest.mark.parametrize("mode, expected", [("object", {"type": "json_object"}), ("off", None)])
def test_json_modes(server, mode, expected):
    server.requests.clear()
    with ChatClient(LLMConfig(url=server.url, json_mode=mode)) as client:
        client.complete(MSGS, 5.0, {"type": "object"})
    body = server.requests[-1].body
    assert body.get("response_format") == expected and "model" not in body
    assert "authorization" not in server.requests[-1].headers


def test_plain_json_reply_when_not_streaming(server):
    server.script(Behaviour(content="whole reply", mode="json"))
    with ChatClient(LLMConfig(url=server.url, stream=False)) as client:
        assert client.complete(MSGS, 5.0) == "whole reply"
    assert server.requests[-1].body["stream"] is False


FAILURES = [
    (Behaviour(mode="status", status=500), "http", "HTTP 500"),
    (Behaviour(mode="status", status=503), "http", "HTTP 503"),
    (Behaviour(mode="status", status=401, body='{"error": "bad key"}'), "http", "HTTP 401"),
    (Behaviour(mode="status", status=400, body="x" * 5000), "http", "HTTP 400"),
    (Behaviour(mode="malformed"), "malformed", "not JSON"),
    (Behaviour(mode="empty"), "empty", "no text"),
    (Behaviour(content='{"probe": "What breaks first at ten times the load?"}', mode="truncated"), "truncated", "ended before"),
    (Behaviour(delay_s=2.0), "timeout", "0.3 s budget"),
    (Behaviour(mode="hang"), "timeout", "0.3 s budget"),
    (Behaviour(content="x" * 100, chunk_chars=1, chunk_delay_s=0.05), "timeout", "budget"),
]


@pytest.mark.parametrize("behaviour, reason, text", FAILURES, ids=lambda v: getattr(v, "mode", None) or str(v)[:12])
def test_failures_have_a_reason(llm, behaviour, reason, text):
    server, client = llm
    server.script(behaviour)
    with pytest.raises(LLMReplyError) as info:
        client.complete(MSGS, 0.3)
    assert info.value.reason == reason and text in str(info.value)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_malformed_plain_json(server):
    server.script(Behaviour(mode="malformed"))
    with ChatClient(LLMConfig(url=server.url, stream=False)) as client, pytest.raises(LLMReplyError) as info:
        client.complete(MSGS, 2.0)
    assert info.value.reason == "malformed"


def test_connection_refused(server):
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with ChatClient(LLMConfig(url=f"http://127.0.0.1:{port}/v1", api_key=API_KEY)) as client, pytest.raises(LLMReplyError) as info:
        client.complete(MSGS, 1.0)
    assert info.value.reason == "connection" and "is the server running" in str(info.value)


def test_key_never_in_errors_or_logs(llm, caplog):
    server, client = llm
    caplog.set_level(logging.DEBUG)  # everything: mockvoice, httpx and httpcore debug logs
    echo = json.dumps({"error": {"message": f"invalid key Bearer {API_KEY}"}})
    server.script(Behaviour(mode="status", status=401, body=echo), Behaviour(content="fine"))
    with pytest.raises(LLMReplyError) as info:
        client.complete(MSGS, 2.0)
    assert API_KEY not in str(info.value) and "***" in str(info.value)
    assert client.complete(MSGS, 2.0) == "fine"
    assert caplog.records and API_KEY not in caplog.text
    assert server.requests[-1].headers["authorization"] == f"Bearer {API_KEY}"  # the key was sent, only as a header
