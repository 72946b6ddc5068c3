"""Narrative feedback on a scorecard, written by the language model within a budget; the rule-based lines are its floor."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..scorecard import Scorecard
from .client import ChatClient, LLMReplyError
from .prompts import PromptFile, describe_scorecard, load_prompt
from .sentences import json_object

__all__ = ["FeedbackReply", "Narrative", "write_feedback", "feedback_schema"]

log = logging.getLogger("mockvoice.llm")


class FeedbackReply(BaseModel):
    """The model's feedback as validated JSON; unknown extra keys are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    feedback: str = Field(min_length=40, max_length=2500)
    priority: str = Field(min_length=8, max_length=400)


@dataclass(frozen=True)
class Narrative:
    """Feedback to show after the scorecard, with who wrote it and why."""

    text: str
    priority: str
    source: str  # "llm" | "rules"
    reason: str
    elapsed_s: float


def feedback_schema() -> dict:
    return {
        "type": "object",
        "properties": {"feedback": {"type": "string"}, "priority": {"type": "string"}},
        "required": ["feedback", "priority"],
        "additionalProperties": False,
    }


def _rules(card: Scorecard) -> tuple[str, str]:
    lines = list(card.feedback)
    return " ".join(lines[:3]) or "Every rubric feature reached its target.", (lines[0] if lines else "Keep practising the same structure.")


def parse_feedback(text: str) -> FeedbackReply:
    """Validate a complete reply, or raise LLMReplyError."""
    data = json_object(text)
    try:
        return FeedbackReply.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "reply"
        raise LLMReplyError("invalid", f"{loc}: {err.get('msg')}") from None


def write_feedback(
    client: ChatClient,
    card: Scorecard,
    answer: str,
    question: str = "",
    budget_s: float | None = None,
    prompt: PromptFile | None = None,
) -> Narrative:
    """Narrative feedback from the model within the budget, else the scorecard's own feedback lines."""
    budget = budget_s if budget_s is not None else client.config.feedback_budget_s
    prompt = prompt or load_prompt("feedback", client.config.prompts)
    values = {
        "question": " ".join(question.split()) or "unknown",
        "rubric": card.rubric,
        "answer": " ".join(answer.split())[:8000] or "(empty)",
        "scorecard": describe_scorecard(card),
        "missing": ", ".join(card.missing()) or "nothing",
    }
    started = time.monotonic()
    try:
        text = client.complete(prompt.messages(values), budget, feedback_schema(), "feedback")
        reply = parse_feedback(text)
    except LLMReplyError as exc:
        log.info("LLM feedback fell back to rules: %s", exc)
        rules_text, priority = _rules(card)
        return Narrative(rules_text, priority, "rules", f"llm {exc}", round(time.monotonic() - started, 3))
    elapsed = round(time.monotonic() - started, 3)
    who = client.config.model or "the model"
    return Narrative(" ".join(reply.feedback.split()), " ".join(reply.priority.split()), "llm", f"{who} answered in {elapsed * 1000:.0f} ms", elapsed)
