"""Fixtures for the language-model tests: a real chat-completions server on 127.0.0.1, and no stray settings."""

from __future__ import annotations

import pytest

from mockvoice.llm import ChatClient, LLMConfig
from mockvoice.llm.loopback import LoopbackLLM

API_KEY = "sk-test-7f3a9c1e2b8d4f60a5e9"


@pytest.fixture(autouse=True)
def _no_llm_settings(monkeypatch, tmp_path):
    """Ignore the developer's own $MOCKVOICE_LLM_* and ~/.config: each test sets what it needs."""
    for name in ("MOCKVOICE_LLM_URL", "MOCKVOICE_LLM_MODEL", "MOCKVOICE_LLM_API_KEY", "MOCKVOICE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.fixture(scope="module")
def server():
    with LoopbackLLM() as srv:
        yield srv


@pytest.fixture
def llm(server):
    """A server with an empty script and request log, and a client with the test key."""
    server._scripted.clear()
    server.requests.clear()
    with ChatClient(LLMConfig(url=server.url, model="test-model", api_key=API_KEY)) as client:
        yield server, client
