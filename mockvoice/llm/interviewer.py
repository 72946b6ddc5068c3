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

from ..probes import FEATURE_FAMILIES, ProbeContext, ProbeWriter, RuleProbeWriter
from ..prompts import PROBE_FAMILIES
from ..scorecard import Scorecard
from ..session import ProbeRecord
from .client import ChatClient, ChatReply, LLMReplyError
from .prompts import PromptFile, describe_conversation, describe_scorecard, load_prompt
from .sentences import json_object, partial_field, split_sentences

__all__ = ["FAMILIES", "ProbeReply", "ProbeStream", "LLMProbeWriter", "parse_probe", "probe_schema", "prompt_values"]

log = logging.getLogger("mockvoice.llm")

FAMILIES: tuple[str, ...] = tuple(PROBE_FAMILIES)
MAX_SENTENCE_CHARS = 300
MIN_PROBE_CHARS = 8


def _hints(ctx: ProbeContext, limit: int = 4) -> list[str]:
    """The question bank's unasked probes for the heaviest gaps: examples of the tone and depth wanted."""
    families = [f for fid in ctx.scorecard.missing() for f in FEATURE_FAMILIES.get(fid, ())] + list(FAMILIES)
    out: list[str] = []
    for family in dict.fromkeys(families):
        for text in ctx.question.probes.get(family, ()):  # type: ignore[call-overload]
            if not ctx.already_asked(text) and text not in out:
                out.append(text)
    return out[:limit]


def prompt_values(ctx: ProbeContext) -> dict[str, str]:
    """The $placeholders of prompts/llm/probe.yaml for this context."""
    card = ctx.scorecard
    said = [ctx.question.text] + [p.text for p in ctx.asked]
    turns = tuple(zip(said, (t.text for t in ctx.transcripts)))
    asked = [p.text for p in ctx.asked] + list(ctx.skipped)
    return {
        "question": " ".join(ctx.question.text.split()),
        "rubric": card.rubric,
        "conversation": describe_conversation(turns) or "(nothing yet)",
        "scorecard": describe_scorecard(card),
        "missing": ", ".join(card.missing()) or "nothing (probe deeper on the hardest part)",
        "asked": " | ".join(asked) or "nothing yet",
        "features": ", ".join(card.features),
        "families": ", ".join(FAMILIES),
        "hints": " | ".join(_hints(ctx)) or "none",
    }


class ProbeReply(BaseModel):
    """The model's follow-up as validated JSON; unknown extra keys are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    probe: str = Field(min_length=MIN_PROBE_CHARS, max_length=400)
    feature: str
    family: Literal[FAMILIES]  # type: ignore[valid-type]


def probe_schema(card: Scorecard) -> dict:
    """The JSON schema sent as `response_format` (servers that support it constrain decoding to it)."""
    return {
        "type": "object",
        "properties": {  # labels first: they are checked before any of the probe is spoken
            "feature": {"type": "string", "enum": list(card.features)},
            "family": {"type": "string", "enum": list(FAMILIES)},
            "probe": {"type": "string"},
        },
        "required": ["feature", "family", "probe"],
        "additionalProperties": False,
    }


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _asked(ctx: ProbeContext) -> set[str]:
    """Normalised follow-ups already asked or skipped, and their first sentences."""
    texts = [p.text for p in ctx.asked] + list(ctx.skipped)
    return {_norm(t) for t in texts} | {_norm(split_sentences(t, True)[0]) for t in texts if t.strip()}


def parse_probe(text: str, ctx: ProbeContext) -> ProbeReply:
    """Validate a complete reply against the schema and the context, or raise LLMReplyError."""
    data = json_object(text)
    try:
        reply = ProbeReply.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "reply"
        raise LLMReplyError("invalid", f"{loc}: {err.get('msg')}") from None
    if reply.feature not in ctx.scorecard.features:
        raise LLMReplyError("invalid", f"feature {reply.feature[:40]!r} is not in the rubric")
    if _norm(reply.probe) in _asked(ctx):
        raise LLMReplyError("repeat", "the model repeated a follow-up already asked")
    return reply


@dataclass
class ProbeStream:
    """One follow-up being written: iterate `sentences()` to speak it; `record` says who answered and why."""

    ctx: ProbeContext
    fallback: ProbeWriter
    budget_s: float
    reply: ChatReply | None = None
    error: LLMReplyError | None = None  # a failure before the request could start
    model: str | None = None
    started: float = field(default_factory=time.monotonic)
    first_sentence_s: float | None = None  # seconds from request to the first speakable sentence
    total_s: float | None = None
    on_finish: Callable[[LLMReplyError | None], None] | None = None  # told how the model's reply went
    _record: ProbeRecord | None = None
    _iter: Iterator[str] | None = None
    _feature_ids: set[str] = field(default_factory=set)

    def sentences(self) -> Iterator[str]:
        """The follow-up, one complete sentence at a time, from the model or else from the rules."""
        if self._iter is None:
            self._iter = self._run()
        return self._iter

    @property
    def record(self) -> ProbeRecord | None:
        """The finished ProbeRecord, None when there is nothing left to ask (drains the stream if needed)."""
        for _ in self.sentences():
            pass
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
        if not spoken and _norm(sentence) in _asked(self.ctx):
            raise LLMReplyError("repeat", "the model repeated a follow-up already asked")

    def _run(self) -> Iterator[str]:
        spoken: list[str] = []
        self._feature_ids = set(self.ctx.scorecard.features)
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
            if self.on_finish is not None:
                self.on_finish(None)
        except LLMReplyError as exc:
            if self.reply is not None:
                self.reply.cancel()
            self.total_s = self._mark()
            log.info("LLM probe fell back to rules: %s", exc)
            if self.on_finish is not None:
                self.on_finish(exc)
            yield from self._fall_back(spoken, exc)

    def _fall_back(self, spoken: list[str], exc: LLMReplyError) -> Iterator[str]:
        why = f"llm {exc}"
        if spoken and "?" in " ".join(spoken):
            self._record = ProbeRecord(text=" ".join(spoken), source="llm", reason=f"llm reply cut after speech started: {exc}")
            return
        rule = self.fallback.write(self.ctx)
        if rule is None and spoken:
            self._record = ProbeRecord(text=" ".join(spoken), source="llm", reason=f"llm reply cut after speech started: {exc}")
            return
        if rule is None:
            return  # nothing left worth asking: the interviewer wraps up
        if spoken:
            text = " ".join(spoken + [rule.text])
            why = f"llm reply cut after speech started, rule probe added: {exc}"
            self._record = rule.model_copy(update={"text": text, "source": "llm+rules", "reason": f"{why}; {rule.reason}"})
        else:
            self._record = rule.model_copy(update={"source": "rules", "reason": f"{why}; {rule.reason}" if rule.reason else why})
        yield from split_sentences(rule.text, True) or [rule.text]


class LLMProbeWriter:
    """A ProbeWriter backed by a language model; any failure falls back to `fallback` (the rules by default)."""

    source = "llm"

    def __init__(self, client: ChatClient, fallback: ProbeWriter | None = None, budget_s: float | None = None,
                 prompt: PromptFile | None = None) -> None:
        self.client = client
        self.fallback = fallback or RuleProbeWriter()
        self.budget_s = budget_s if budget_s is not None else client.config.budget_s
        self.prompt = prompt or load_prompt("probe", client.config.prompts)
        self.max_failures = client.config.max_failures
        self.failures = 0  # failed replies in a row; at max_failures the model is not asked again this session
        self._last_error: LLMReplyError | None = None

    def _finished(self, exc: LLMReplyError | None) -> None:
        if exc is None:
            self.failures, self._last_error = 0, None
        elif exc.reason != "skipped":
            self.failures, self._last_error = self.failures + 1, exc

    @property
    def speculative(self) -> ProbeWriter:
        """A cheap writer for guesses made while the candidate is still talking (never the model)."""
        return self.fallback

    def stream(self, ctx: ProbeContext) -> ProbeStream:
        """Send the request now and return at once; the reply is read as `sentences()` is iterated."""
        if self.max_failures and self.failures >= self.max_failures:
            # A model that keeps failing would cost the whole budget on every turn: stop asking it.
            off = LLMReplyError("skipped", f"not asked: {self.failures} failed replies in a row (last: {self._last_error})")
            return ProbeStream(ctx, self.fallback, self.budget_s, error=off, on_finish=self._finished)
        messages = self.prompt.messages(prompt_values(ctx))
        try:
            reply = self.client.start(messages, self.budget_s, probe_schema(ctx.scorecard), "probe")
        except LLMReplyError as exc:
            return ProbeStream(ctx, self.fallback, self.budget_s, error=exc, on_finish=self._finished)
        return ProbeStream(ctx, self.fallback, self.budget_s, reply=reply, model=self.client.config.model,
                           started=reply.started, on_finish=self._finished)

    def write(self, ctx: ProbeContext) -> ProbeRecord | None:
        """The whole follow-up at once (no early speech): the model's within budget, else the rules'."""
        return self.stream(ctx).record
