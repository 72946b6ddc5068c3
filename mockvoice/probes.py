"""Choosing the follow-up probe: a pure, replaceable strategy aimed at the most important missing feature.

The interviewer asks a `ProbeWriter` for the next probe. The default, `RuleProbeWriter`, maps
each missing rubric feature (heaviest gap first) to probe families and takes the question's
first probe in that family that has not been asked yet and whose subject the answer has not
already covered. A feature that is partly covered (some evidence, below target) gets, once, a probe
that acknowledges what was said and asks for what is still missing (coverage.gap_probe); it stands
in for its family's next bank probe. Another writer (e.g. a language model) can wrap it and fall
back to it: `FallbackProbeWriter(llm_writer, RuleProbeWriter())`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .coverage import assumptions, covers, gap_probe
from .prompts import Question
from .rubric import Rubric
from .scorecard import Scorecard
from .session import ProbeRecord
from .transcript import Transcript

__all__ = [
    "FEATURE_FAMILIES",
    "DEEPENING_ORDER",
    "ProbeContext",
    "ProbeWriter",
    "RuleProbeWriter",
    "FallbackProbeWriter",
    "choose_probe",
    "wrap_up_text",
]

# Which probe families go after which missing rubric feature, best first.
FEATURE_FAMILIES: dict[str, tuple[str, ...]] = {
    "clarifying_question": ("scope", "changed_constraint"),
    "trade_off": ("alternatives", "cost"),
    "failure_mode": ("failure_mode", "rollback"),
    "scale_estimate": ("scale_10x", "cost"),
    "monitoring": ("measurement", "rollout"),
    "team_credit": ("team",),
    "reflection": ("reflection",),
}
# When nothing is missing, interviewers still probe: the two that work everywhere first.
DEEPENING_ORDER: tuple[str, ...] = (
    "alternatives", "failure_mode", "scale_10x", "changed_constraint", "rollout", "rollback",
    "measurement", "security", "cost", "scope", "team", "reflection",
)


@dataclass(frozen=True)
class ProbeContext:
    """Everything a probe writer may look at: the question, the answers so far and their score."""

    question: Question
    scorecard: Scorecard
    transcripts: tuple[Transcript, ...] = ()
    asked: tuple[ProbeRecord, ...] = ()
    skipped: tuple[str, ...] = field(default_factory=tuple)

    def already_asked(self, text: str) -> bool:
        return text in {p.text for p in self.asked} or text in self.skipped


@runtime_checkable
class ProbeWriter(Protocol):
    """Writes the next follow-up probe, or None when there is nothing left worth asking."""

    def write(self, context: ProbeContext) -> ProbeRecord | None: ...


def _bank(context: ProbeContext, family: str) -> tuple[str, ...]:
    return tuple(context.question.probes.get(family, ()))  # type: ignore[call-overload]


def _unasked(context: ProbeContext, family: str) -> list[str]:
    """The family's bank probes not yet asked; each probe asked in the family that is not a bank text
    (an acknowledging one, or a language model's) stands in for the next bank probe."""
    bank = _bank(context, family)
    stand_ins = sum(1 for p in context.asked if p.family == family and p.text not in bank)
    return [t for t in bank if not context.already_asked(t)][stand_ins:]


# a family whose subject another feature's evidence can answer too: "ten times the riders at once, what breaks first?"
# is answered by a failure mode that already described that rush
_ALSO_ANSWERED_BY: dict[str, tuple[str, ...]] = {"scale_10x": ("failure_mode",)}


def _linked(family: str) -> list[str]:
    """The features whose evidence can already answer a probe of this family."""
    return [fid for fid, families in FEATURE_FAMILIES.items() if family in families] + list(_ALSO_ANSWERED_BY.get(family, ()))


def _first_unasked(context: ProbeContext, family: str) -> str | None:
    """The family's first unasked bank probe whose subject the answer has not already covered."""
    card = context.scorecard
    for text in _unasked(context, family):
        if not any(covers(fid, card.features.get(fid), context.question, text) for fid in _linked(family)):
            return text
    return None


def _hints(context: ProbeContext, feature_id: str) -> tuple[str, ...]:
    """The question's own probes for the feature's families: what matters most for this question."""
    return tuple(t for f in FEATURE_FAMILIES.get(feature_id, ()) for t in _bank(context, f))


def _acknowledged(context: ProbeContext, feature_id: str) -> bool:
    """Whether an acknowledging probe was already asked for this feature (one per feature)."""
    return any(p.feature == feature_id and p.source == RuleProbeWriter.source and p.family
               and p.text not in _bank(context, p.family) for p in context.asked)


class RuleProbeWriter:
    """The rule-based default: the heaviest missing feature's probe families, then deepening."""

    source = "rules"

    def write(self, context: ProbeContext) -> ProbeRecord | None:
        card = context.scorecard
        for feature_id in card.missing():
            fs = card.features[feature_id]
            families = FEATURE_FAMILIES.get(feature_id, ())
            if families and fs.count > 0 and fs.evidence and not _acknowledged(context, feature_id):
                family = next((f for f in families if _unasked(context, f)), families[0])  # it stands in for that probe
                stated = tuple(assumptions(t.text for t in context.transcripts))
                text = gap_probe(feature_id, fs, context.question, _hints(context, feature_id), stated)
                if not context.already_asked(text):
                    reason = (f"{fs.name} partly covered ({fs.count} of {fs.target_min}); acknowledging what was "
                              f"said and asking for the rest, in place of its {family} probe")
                    return ProbeRecord(text=text, feature=feature_id, family=family, source=self.source, reason=reason)
            for family in families:
                text = _first_unasked(context, family)
                if text:
                    reason = f"{fs.name} missing ({fs.count} of {fs.target_min}); the heaviest gap with an unasked {family} probe"
                    return ProbeRecord(text=text, feature=feature_id, family=family, source=self.source, reason=reason)
        for family in DEEPENING_ORDER:
            text = _first_unasked(context, family)
            if text:
                return ProbeRecord(text=text, feature=None, family=family, source=self.source,
                                   reason=f"no unprobed gap left; deepening with a {family} probe")
        return None


class FallbackProbeWriter:
    """Try `primary`; on any error or no answer use `fallback`, recording why in the probe's reason."""

    def __init__(self, primary: ProbeWriter, fallback: ProbeWriter | None = None):
        self.primary = primary
        self.fallback = fallback or RuleProbeWriter()

    def write(self, context: ProbeContext) -> ProbeRecord | None:
        try:
            probe = self.primary.write(context)
            why = "primary writer returned nothing"
        except Exception as exc:  # any failure of an optional writer falls back to the rules
            probe, why = None, f"primary writer failed: {type(exc).__name__}: {exc}"
        if probe is not None and not context.already_asked(probe.text):
            return probe
        rule = self.fallback.write(context)
        if rule is None:
            return None
        return rule.model_copy(update={"reason": f"{why}; {rule.reason}"})


def choose_probe(context: ProbeContext, writer: ProbeWriter | None = None) -> ProbeRecord | None:
    """The next probe from `writer` (the rule-based one by default)."""
    return (writer or RuleProbeWriter()).write(context)


def wrap_up_text(scorecard: Scorecard, rubric: Rubric | None = None) -> str:
    """A short spoken wrap-up: thanks, and the one thing to work on first (the score is on the scorecard)."""
    missing = scorecard.missing()
    head = "Thanks, that's all the time we have."  # fixed, so it is always pre-rendered and plays at once
    if not missing:
        return head + " You covered everything on the rubric. Next time, go deeper on the hardest part of the design."
    top = scorecard.features[missing[0]]
    advice = ""
    if rubric is not None:
        try:
            advice = " " + rubric.feature(missing[0]).feedback.missing
        except KeyError:
            pass
    return f"{head} The top thing to work on is {top.name.lower()}.{advice}"
