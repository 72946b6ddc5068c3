"""The language-model probe writer: streams the next follow-up sentence by sentence, within a strict budget, with the rules as its floor.

    stream = writer.stream(context)
    for sentence in stream.sentences():   # the first arrives as soon as the model has written it
        speak(sentence)
    turn.probe = stream.record            # ProbeRecord: source "llm" | "rules" | "llm+rules", and why

Speech starts only after the reply's `feature` and `family` (asked for first) have arrived and
passed validation, so a spoken sentence is never discarded for a bad label.
Budget: the first complete sentence must arrive within `budget_s` of the request (that is when
speech would start), and the rest of the reply within `budget_s` after it. Past that, or on any
error or invalid reply, the rule-based probe is spoken instead and the reason recorded. If the model
already had a sentence spoken and then failed, what was spoken stands (and, if it asked nothing, the
rule-based probe follows it).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..rubric import Rubric
from ..scorecard import Scorecard
from ..session import ProbeRecord
from .client import ChatClient, ChatReply, LLMReplyError
from .prompts import PromptFile, describe_conversation, describe_scorecard, load_prompt
from .sentences import json_object, partial_field, split_sentences

__all__ = ["FAMILIES", "ProbeContext", "ProbeReply", "ProbeStream", "LLMProbeWriter", "parse_probe", "probe_schema"]

log = logging.getLogger("mockvoice.llm")

FAMILIES = (
    "failure_mode", "rollout", "rollback", "measurement", "cost", "security",
    "alternatives", "scale", "constraint_change", "clarify", "estimate", "other",
)
MAX_SENTENCE_CHARS = 300
MIN_PROBE_CHARS = 8

Fallback = Callable[["ProbeContext"], ProbeRecord]


@dataclass(frozen=True)
class ProbeContext:
    """What the interviewer knows when choosing a follow-up: the question, the talk so far, the scores."""

    question: str
    rubric: Rubric
    scorecard: Scorecard
    turns: tuple[tuple[str, str], ...] = ()  # (what the interviewer said, what the candidate answered)
    asked: tuple[str, ...] = ()  # follow-ups already asked, never to be repeated
    hints: tuple[str, ...] = ()  # example probes from the question bank

    @property
    def missing(self) -> list[str]:
        return self.scorecard.missing()

    def prompt_values(self) -> dict[str, str]:
        return {
            "question": " ".join(self.question.split()) or "unknown",
            "rubric": self.rubric.name,
            "conversation": describe_conversation(self.turns) or "(nothing yet)",
            "scorecard": describe_scorecard(self.scorecard),
            "missing": ", ".join(self.missing) or "nothing (probe deeper on their weakest area)",
            "asked": " | ".join(self.asked) or "nothing yet",
            "features": ", ".join(f.id for f in self.rubric.features),
            "families": ", ".join(FAMILIES),
            "hints": " | ".join(self.hints[:6]) or "none",
        }


class ProbeReply(BaseModel):
    """The model's follow-up as validated JSON; unknown extra keys are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    probe: str = Field(min_length=MIN_PROBE_CHARS, max_length=400)
    feature: str
    family: Literal[FAMILIES]  # type: ignore[valid-type]


def probe_schema(rubric: Rubric) -> dict:
    """The JSON schema sent as `response_format` (servers that support it constrain decoding to it)."""
    return {
        "type": "object",
        "properties": {  # labels first: they are checked before any of the probe is spoken
            "feature": {"type": "string", "enum": [f.id for f in rubric.features]},
            "family": {"type": "string", "enum": list(FAMILIES)},
            "probe": {"type": "string"},
        },
        "required": ["feature", "family", "probe"],
        "additionalProperties": False,
    }


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def parse_probe(text: str, ctx: ProbeContext) -> ProbeReply:
    """Validate a complete reply against the schema and the context, or raise LLMReplyError."""
    data = json_object(text)
    try:
        reply = ProbeReply.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "reply"
        raise LLMReplyError("invalid", f"{loc}: {err.get('msg')}") from None
    if reply.feature not in {f.id for f in ctx.rubric.features}:
        raise LLMReplyError("invalid", f"feature {reply.feature[:40]!r} is not in the rubric")
    if _norm(reply.probe) in {_norm(a) for a in ctx.asked}:
        raise LLMReplyError("repeat", "the model repeated a follow-up already asked")
    return reply


@dataclass
class ProbeStream:
    """One follow-up being written: iterate `sentences()` to speak it; `record` says who answered and why."""

    ctx: ProbeContext
    fallback: Fallback
    budget_s: float
    reply: ChatReply | None = None
    error: LLMReplyError | None = None  # a failure before the request could start
    model: str | None = None
    started: float = field(default_factory=time.monotonic)
    first_sentence_s: float | None = None  # seconds from request to the first speakable sentence
    total_s: float | None = None
    _record: ProbeRecord | None = None
    _iter: Iterator[str] | None = None
    _feature_ids: set[str] = field(default_factory=set)

    def sentences(self) -> Iterator[str]:
        """The follow-up, one complete sentence at a time, from the model or else from the rules."""
        if self._iter is None:
            self._iter = self._run()
        return self._iter

    @property
    def record(self) -> ProbeRecord:
        """The finished ProbeRecord (drains the stream if the caller stopped early)."""
        for _ in self.sentences():
            pass
        assert self._record is not None
        return self._record

    def _mark(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def _labels_ok(self, text: str) -> bool:
        """True once `feature` and `family` have arrived and are valid; raises as soon as either is invalid."""
        labels = {name: partial_field(text, name) for name in ("feature", "family")}
        for name, got in labels.items():
            if got is not None and got[1]:
                allowed = self._feature_ids if name == "feature" else FAMILIES
                if got[0] not in allowed:
                    raise LLMReplyError("invalid", f"{name} {got[0][:40]!r} is not one of the allowed values")
        return all(got is not None and got[1] for got in labels.values())

    def _check(self, sentence: str, spoken: list[str]) -> None:
        """A sentence must pass these before it is spoken (it cannot be taken back afterwards)."""
        if len(sentence) > MAX_SENTENCE_CHARS:
            raise LLMReplyError("invalid", f"a sentence longer than {MAX_SENTENCE_CHARS} characters")
        asked = {_norm(a) for a in self.ctx.asked} | {_norm(split_sentences(a, True)[0]) for a in self.ctx.asked if a.strip()}
        if not spoken and _norm(sentence) in asked:
            raise LLMReplyError("repeat", "the model repeated a follow-up already asked")

    def _run(self) -> Iterator[str]:
        spoken: list[str] = []
        self._feature_ids = {f.id for f in self.ctx.rubric.features}
        try:
            if self.error is not None:
                raise self.error
            assert self.reply is not None
            deadline = self.started + self.budget_s
            while self.reply.next_delta(deadline) is not None:
                probe = partial_field(self.reply.text, "probe")
                # Speak only once the labels are in and valid, so what is said is never discarded later.
                if probe is None or not self._labels_ok(self.reply.text):
                    continue
                if probe[1] and len(probe[0].strip()) < MIN_PROBE_CHARS:
                    raise LLMReplyError("invalid", "probe: the follow-up is too short")
                for sentence in split_sentences(*probe)[len(spoken) :]:
                    self._check(sentence, spoken)
                    if not spoken:
                        self.first_sentence_s = self._mark()
                        deadline = time.monotonic() + self.budget_s
                    spoken.append(sentence)
                    yield sentence
            parsed = parse_probe(self.reply.text, self.ctx)
            final = split_sentences(parsed.probe, True)
            if [_norm(s) for s in final[: len(spoken)]] != [_norm(s) for s in spoken]:
                raise LLMReplyError("malformed", "the streamed text and the final reply disagree")
            for sentence in final[len(spoken) :]:
                self._check(sentence, spoken)
                if not spoken:
                    self.first_sentence_s = self._mark()
                spoken.append(sentence)
                yield sentence
            self.total_s = self._mark()
            self._record = ProbeRecord(
                text=" ".join(spoken), feature=parsed.feature, family=parsed.family, source="llm",
                reason=f"{self.model or 'the model'} answered in {self.total_s * 1000:.0f} ms "
                f"(first sentence {self.first_sentence_s * 1000:.0f} ms)",
            )
        except LLMReplyError as exc:
            if self.reply is not None:
                self.reply.cancel()
            self.total_s = self._mark()
            log.info("LLM probe fell back to rules: %s", exc)
            yield from self._fall_back(spoken, exc)

    def _fall_back(self, spoken: list[str], exc: LLMReplyError) -> Iterator[str]:
        if not spoken:
            rule = self.fallback(self.ctx)
            self._record = rule.model_copy(update={"source": "rules", "reason": f"llm {exc}"})
            yield from split_sentences(rule.text, True) or [rule.text]
            return
        text = " ".join(spoken)
        if "?" in text:
            self._record = ProbeRecord(text=text, source="llm", reason=f"llm reply cut after speech started: {exc}")
            return
        rule = self.fallback(self.ctx)
        self._record = rule.model_copy(
            update={"text": f"{text} {rule.text}", "source": "llm+rules",
                    "reason": f"llm reply cut after speech started, rule probe added: {exc}"}
        )
        yield from split_sentences(rule.text, True) or [rule.text]


class LLMProbeWriter:
    """Writes follow-ups with a language model; every failure falls back to `fallback` (the rule-based chooser)."""

    source = "llm"

    def __init__(self, client: ChatClient, fallback: Fallback, budget_s: float | None = None, prompt: PromptFile | None = None) -> None:
        self.client = client
        self.fallback = fallback
        self.budget_s = budget_s if budget_s is not None else client.config.budget_s
        self.prompt = prompt or load_prompt("probe", client.config.prompts)

    def stream(self, ctx: ProbeContext) -> ProbeStream:
        """Send the request now and return at once; the reply is read as `sentences()` is iterated."""
        messages = self.prompt.messages(ctx.prompt_values())
        started = time.monotonic()
        try:
            reply = self.client.start(messages, self.budget_s, probe_schema(ctx.rubric), "probe")
        except LLMReplyError as exc:
            return ProbeStream(ctx, self.fallback, self.budget_s, error=exc, started=started)
        return ProbeStream(ctx, self.fallback, self.budget_s, reply=reply, model=self.client.config.model, started=reply.started)

    def write(self, ctx: ProbeContext) -> ProbeRecord:
        """The whole follow-up at once (no early speech): the model's within budget, else the rules'."""
        return self.stream(ctx).record
