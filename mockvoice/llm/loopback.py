"""A scripted chat-completions server on 127.0.0.1 (SSE streaming included) for tests, benchmarks and dry runs.

It speaks the OpenAI wire protocol for real over TCP, and misbehaves on request: slow, HTTP errors,
malformed events, empty or truncated streams. It records every request it receives so tests can
check what was sent (headers, body). It never runs a model: replies are the scripted text.

    with LoopbackLLM() as server:
        server.script(Behaviour(content='{"probe": "What breaks first?"}'))
        ... ChatClient(LLMConfig(url=server.url)) ...
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

__all__ = ["Behaviour", "LoopbackLLM", "Received"]

Mode = Literal["stream", "json", "status", "malformed", "empty", "truncated", "hang"]


@dataclass(frozen=True)
class Behaviour:
    """How the server answers one request: the text the "model" writes, and how it is delivered."""

    content: str = ""
    mode: Mode = "stream"
    status: int = 500
    delay_s: float = 0.0  # before the response starts (the model's time to first token)
    chunk_delay_s: float = 0.0  # between streamed chunks (the model's time per chunk)
    chunk_chars: int = 6
    body: str | None = None  # the error body for mode "status"
    cut_at: int | None = None  # mode "truncated": stop after this many characters (default: half the chunks)
    gate_after: int | None = None  # stream this many characters, then wait for `gate` before the rest
    gate: threading.Event | None = None


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: dict = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            body = {}
        owner = self.server.owner
        owner._record(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if not self.path.endswith("/chat/completions"):
            return self._send(404, "application/json", b'{"error": {"message": "not found"}}')
        if not isinstance(body.get("messages"), list):
            return self._send(400, "application/json", b'{"error": {"message": "messages is required"}}')
        b = owner._next()
        if owner._stop.wait(b.delay_s):
            return
        if b.mode == "hang":
            owner._stop.wait(60)
            return
        if b.mode == "status":
            text = b.body if b.body is not None else json.dumps({"error": {"message": f"scripted {b.status}"}})
            return self._send(b.status, "application/json", text.encode())
        if b.mode == "json" or not body.get("stream"):
            if b.mode == "malformed":
                return self._send(200, "application/json", b'{"choices": [ {"message": ')
            msg = {"id": "cmpl-loop", "object": "chat.completion", "model": body.get("model", "loopback"),
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": b.content}, "finish_reason": "stop"}]}
            return self._send(200, "application/json", json.dumps(msg).encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if b.mode == "malformed":
            self._event('{"choices": [{"delta": {"content": "half')
            self._event("[DONE]")
            return
        content = b.content[: b.cut_at] if b.mode == "truncated" and b.cut_at is not None else b.content
        pieces = [] if b.mode == "empty" else [content[i : i + b.chunk_chars] for i in range(0, len(content), b.chunk_chars)]
        if b.mode == "truncated" and b.cut_at is None:
            pieces = pieces[: max(1, len(pieces) // 2)]
        self._event(json.dumps(_chunk({"role": "assistant"}, None)))
        sent, gated = 0, b.gate is not None and b.gate_after is not None
        for piece in pieces:
            if owner._stop.wait(b.chunk_delay_s):
                return
            if gated and sent >= (b.gate_after or 0):
                gated = False
                b.gate.wait(30)  # type: ignore[union-attr]
            sent += len(piece)
            self._event(json.dumps(_chunk({"content": piece}, None)))
        if b.mode == "truncated":
            return  # close the connection with no finish_reason and no [DONE]
        self._event(json.dumps(_chunk({}, "stop")))
        self._event("[DONE]")

    def _event(self, payload: str) -> None:
        try:
            self.wfile.write(f"data: {payload}\n\n".encode())
            self.wfile.flush()
        except OSError:
            pass

    def _send(self, status: int, ctype: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _chunk(delta: dict, finish: str | None) -> dict:
    return {"id": "cmpl-loop", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: "LoopbackLLM"


class LoopbackLLM:
    """A chat-completions server on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, default: Behaviour | None = None) -> None:
        self.default = default or Behaviour(content='{"probe": "What is the most likely way this fails?"}')
        self.requests: list[Received] = []
        self._scripted: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="loopback-llm", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Answer the next requests with these behaviours, in order; then the default."""
        with self._lock:
            self._scripted.extend(behaviours)

    def _next(self) -> Behaviour:
        with self._lock:
            return self._scripted.popleft() if self._scripted else self.default

    def _record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def __enter__(self) -> "LoopbackLLM":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()  # releases handlers sleeping in delays
        self._server.shutdown()
        self._server.server_close()
