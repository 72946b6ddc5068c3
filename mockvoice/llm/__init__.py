"""An optional language-model interviewer: OpenAI-compatible server, off unless configured, the rules as its floor.

Nothing is sent anywhere unless a URL is given (`--llm-url`, $MOCKVOICE_LLM_URL or the config file);
only text goes (question, transcript, scores), never audio.

    config.py       settings: flags > $MOCKVOICE_LLM_* > [llm] in ~/.config/mockvoice/config.toml
    client.py       chat-completions over httpx, SSE streaming, strict deadlines, LLMReplyError reasons
    prompts.py      the editable prompt files in prompts/llm/
    sentences.py    partial-JSON field reading and sentence cutting for early speech
    interviewer.py  LLMProbeWriter: the next follow-up, streamed, falling back to the rule-based probe
    feedback.py     write_feedback: narrative feedback for a scorecard, falling back to the rule lines
    loopback.py     a scripted chat-completions server on 127.0.0.1 for tests and benchmarks
"""

from __future__ import annotations

from .client import ChatClient, ChatReply, LLMReplyError
from .config import LLMConfig, resolve_config
from .feedback import Narrative, write_feedback
from .interviewer import LLMProbeWriter, ProbeStream

__all__ = [
    "ChatClient",
    "ChatReply",
    "LLMConfig",
    "LLMProbeWriter",
    "LLMReplyError",
    "Narrative",
    "ProbeStream",
    "resolve_config",
    "write_feedback",
]
