"""An OpenAI-compatible chat-completions client on httpx: SSE streaming, arrival-stamped deltas, strict deadlines.

A reply runs in a worker thread that reads the HTTP stream and queues each text delta with the
time it arrived; the caller pulls deltas with a deadline and gives up the moment it passes, so a
slow or stuck server costs at most the budget. Every failure is an `LLMReplyError` whose `reason`
is a short code (timeout, connection, http, malformed, empty, truncated, server-error). The API key
goes only into the `Authorization: Bearer` header: it is never logged or put in a message.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import LLMError
from .config import LLMConfig

__all__ = ["ChatClient", "ChatReply", "LLMReplyError", "REASONS"]

log = logging.getLogger("mockvoice.llm")

REASONS = ("timeout", "connection", "http", "malformed", "empty", "truncated", "server-error", "invalid", "repeat", "skipped")
MAX_REPLY_CHARS = 20_000


class LLMReplyError(LLMError):
    """A reply that failed; `reason` is one of REASONS, the message says what happened in one line."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason


@dataclass(frozen=True)
class _Event:
    t: float  # time.monotonic() when it arrived
    kind: str  # "delta" | "done" | "error"
    text: str = ""
    error: LLMReplyError | None = None


class ChatReply:
    """One streaming reply: pull text deltas with `next_delta(deadline)` until it returns None (complete)."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.text = ""
        self._queue: queue.Queue[_Event] = queue.Queue()
        self._cancel = threading.Event()
        self._done = False

    # --- worker side ---
    def _put(self, kind: str, text: str = "", error: LLMReplyError | None = None) -> None:
        self._queue.put(_Event(time.monotonic(), kind, text, error))

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # --- caller side ---
    def cancel(self) -> None:
        """Stop reading: the worker closes the connection at its next chunk (or its read timeout)."""
        self._cancel.set()

    def next_delta(self, deadline: float) -> str | None:
        """The next text delta that arrived before `deadline` (monotonic), None when complete; raises on failure."""
        if self._done:
            return None
        try:
            ev = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            ev = None
        if ev is None or ev.t > deadline:
            self.cancel()
            waited = deadline - self.started
            raise LLMReplyError("timeout", f"no complete reply within the {waited:.1f} s budget")
        if ev.kind == "error":
            self._done = True
            assert ev.error is not None
            raise ev.error
        if ev.kind == "done":
            self._done = True
            return None
        self.text += ev.text
        return ev.text

    def collect(self, deadline: float) -> str:
        """The whole reply text, or LLMReplyError (timeout past the deadline)."""
        while self.next_delta(deadline) is not None:
            pass
        return self.text


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChatClient:
    """Talks to one OpenAI-compatible server; thread-safe; `close()` (or `with`) releases connections."""

    def __init__(self, config: LLMConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._key = config.api_key.get_secret_value() if config.api_key else None
        # A loopback server never goes through a proxy from the environment.
        self._http = httpx.Client(transport=transport, trust_env=not config.is_loopback, follow_redirects=False)

    def __enter__(self) -> "ChatClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    def request_body(self, messages: list[dict[str, str]], schema: dict[str, Any] | None, name: str) -> dict[str, Any]:
        """The JSON body: messages, streaming, and structured output as `json_mode` asks."""
        cfg = self.config
        body: dict[str, Any] = {
            "messages": messages,
            "stream": cfg.stream,
            "temperature": cfg.temperature,
            "max_tokens": cfg.max_tokens,
        }
        if cfg.model:
            body["model"] = cfg.model
        if cfg.json_mode == "schema" and schema is not None:
            body["response_format"] = {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
        elif cfg.json_mode in ("schema", "object"):
            body["response_format"] = {"type": "json_object"}
        return body

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def start(
        self, messages: list[dict[str, str]], timeout_s: float, schema: dict[str, Any] | None = None, name: str = "reply"
    ) -> ChatReply:
        """Send the request in a worker thread and return at once; read the reply with `next_delta`."""
        reply = ChatReply(time.monotonic())
        body = self.request_body(messages, schema, name)
        worker = threading.Thread(target=self._run, args=(reply, body, timeout_s), name="mockvoice-llm", daemon=True)
        worker.start()
        return reply

    def complete(self, messages: list[dict[str, str]], budget_s: float, schema: dict[str, Any] | None = None, name: str = "reply") -> str:
        """The whole reply text within `budget_s`, or LLMReplyError."""
        reply = self.start(messages, budget_s, schema, name)
        return reply.collect(reply.started + budget_s)

    # --- worker thread ---
    def _run(self, reply: ChatReply, body: dict[str, Any], timeout_s: float) -> None:
        cfg = self.config
        try:
            timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0))
            with self._http.stream("POST", cfg.endpoint, json=body, headers=self._headers(), timeout=timeout) as resp:
                if resp.status_code >= 400:
                    detail = _short(resp.read().decode("utf-8", "replace"))
                    raise LLMReplyError("http", f"HTTP {resp.status_code} from {cfg.host}: {detail or resp.reason_phrase}")
                if "text/event-stream" in resp.headers.get("content-type", ""):
                    self._read_sse(reply, resp)
                else:
                    self._read_json(reply, resp.read())
        except LLMReplyError as exc:
            reply._put("error", error=self._clean(exc))
        except httpx.TimeoutException:
            reply._put("error", error=LLMReplyError("timeout", f"{cfg.host} did not answer within {timeout_s:.1f} s"))
        except httpx.ConnectError as exc:
            why = _short(str(exc)) or type(exc).__name__
            reply._put("error", error=self._clean(LLMReplyError("connection", f"cannot connect to {cfg.host} ({why}); is the server running?")))
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            reply._put("error", error=LLMReplyError("truncated", f"{cfg.host} closed the connection mid-reply ({type(exc).__name__})"))
        except httpx.HTTPError as exc:
            reply._put("error", error=self._clean(LLMReplyError("connection", f"{cfg.host}: {type(exc).__name__}: {_short(str(exc))}")))
        except Exception as exc:  # never let the worker die silently: the caller would wait out the budget
            reply._put("error", error=self._clean(LLMReplyError("malformed", f"{type(exc).__name__}: {_short(str(exc))}")))

    def _clean(self, exc: LLMReplyError) -> LLMReplyError:
        return LLMReplyError(exc.reason, self._redact(str(exc)).split(": ", 1)[-1])

    def _read_json(self, reply: ChatReply, raw: bytes) -> None:
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise LLMReplyError("malformed", f"the server's reply is not JSON ({exc.__class__.__name__})") from None
        if isinstance(data, dict) and "error" in data:
            raise LLMReplyError("server-error", _short(json.dumps(data["error"])))
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMReplyError("malformed", "the reply has no choices[0].message.content") from None
        if not isinstance(content, str) or not content.strip():
            raise LLMReplyError("empty", "the model returned no text")
        reply._put("delta", content[:MAX_REPLY_CHARS])
        reply._put("done")

    def _read_sse(self, reply: ChatReply, resp: httpx.Response) -> None:
        finished = False
        got = 0
        for line in resp.iter_lines():
            if reply.cancelled:
                return
            if not line.startswith("data:"):
                continue  # comments (":"), event:/id: lines, blank separators
            payload = line[5:].strip()
            if payload == "[DONE]":
                finished = True
                break
            try:
                chunk = json.loads(payload)
            except json.JSONDecodeError:
                raise LLMReplyError("malformed", f"a stream event is not JSON: {_short(payload, 60)!r}") from None
            if not isinstance(chunk, dict):
                raise LLMReplyError("malformed", "a stream event is not a JSON object")
            if "error" in chunk:
                raise LLMReplyError("server-error", _short(json.dumps(chunk["error"])))
            for choice in chunk.get("choices") or ():
                delta = (choice.get("delta") or {}) if isinstance(choice, dict) else {}
                text = delta.get("content") if isinstance(delta, dict) else None
                if isinstance(text, str) and text:
                    got += len(text)
                    if got > MAX_REPLY_CHARS:
                        raise LLMReplyError("malformed", f"the reply is longer than {MAX_REPLY_CHARS} characters")
                    reply._put("delta", text)
                if isinstance(choice, dict) and choice.get("finish_reason"):
                    finished = True
        if not finished:
            raise LLMReplyError("truncated", "the stream ended before the reply was finished")
        if got == 0:
            raise LLMReplyError("empty", "the model returned no text")
        reply._put("done")
