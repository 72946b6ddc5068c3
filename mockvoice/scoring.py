"""Scoring: a pure function from a transcript and a rubric to an evidence-backed Scorecard."""

from __future__ import annotations

from .delivery import Delivery, measure_delivery
from .detectors import detect
from .rubric import Feature, Rubric, load_rubric
from .scorecard import Evidence, FeatureScore, Scorecard
from .transcript import Transcript
from .utterances import Utterance, split_utterances

__all__ = ["score_transcript", "feature_score"]


def feature_score(count: int, feature: Feature) -> float:
    """Full marks at the target minimum, proportional below it."""
    return round(min(1.0, count / feature.target.min), 3)


def _feedback(feature: Feature, count: int, evidence: tuple[Evidence, ...]) -> str:
    target = feature.target
    if count < target.min:
        have = f"{count} of {target.label()}" if count else "none"
        return f"{feature.name}: {have}. {feature.feedback.missing}"
    if target.max is not None and count > target.max:
        return f"{feature.name}: {count}, more than the {target.label()} an interviewer wants; keep the best and move on."
    return f"{feature.name}: {count} (target {target.label()}). " + (feature.feedback.strong or "Good.")


def _delivery_feedback(rubric: Rubric, d: Delivery) -> list[str]:
    out = []
    t = rubric.delivery
    if d.wpm is not None and d.words >= 30:
        if d.wpm < t.wpm_min:
            out.append(f"Pace: {d.wpm:.0f} words/min is slow; aim for {t.wpm_min:.0f}-{t.wpm_max:.0f} by narrating as you think.")
        elif d.wpm > t.wpm_max:
            out.append(f"Pace: {d.wpm:.0f} words/min is fast; slow to {t.wpm_min:.0f}-{t.wpm_max:.0f} so the interviewer can follow.")
    if d.fillers_per_min is not None and d.fillers_per_min > t.fillers_per_min_max:
        out.append(f"Fillers: {d.fillers_per_min:.1f} per minute; pause silently instead of 'um'.")
    return out


def score_transcript(transcript: Transcript, rubric: "Rubric | str | None" = None) -> Scorecard:
    """Score an answer: count each feature's evidence, weigh the scores, and write feedback."""
    rb = load_rubric(rubric)
    utts: list[Utterance] = split_utterances(transcript)
    features: dict[str, FeatureScore] = {}
    for feat in rb.features:
        idx = detect(feat.detect.method, utts, feat.detect.phrases)
        evidence = tuple(Evidence(text=utts[i].text, start=utts[i].start, end=utts[i].end) for i in idx)
        count = len(idx)
        features[feat.id] = FeatureScore(
            name=feat.name,
            count=count,
            target_min=feat.target.min,
            target_max=feat.target.max,
            score=feature_score(count, feat),
            weight=feat.weight,
            evidence=evidence,
            feedback=_feedback(feat, count, evidence),
        )
    total_w = sum(f.weight for f in rb.features)
    overall = round(100.0 * sum(features[f.id].score * f.weight for f in rb.features) / total_w, 1)
    delivery = measure_delivery(transcript, rb.delivery.long_pause_s)
    card = Scorecard(rubric=rb.id, rubric_hash=rb.content_hash, overall=overall, features=features, delivery=delivery)
    feedback = tuple(features[fid].feedback for fid in card.missing()) + tuple(_delivery_feedback(rb, delivery))
    return card.model_copy(update={"feedback": feedback})
