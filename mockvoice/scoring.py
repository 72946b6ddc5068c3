"""Scoring: a pure function from a transcript and a rubric to an evidence-backed Scorecard."""

from __future__ import annotations

from typing import Iterable

from .advice import advice_for, without_said_examples
from .delivery import Delivery, measure_delivery
from .detection import FEATURES, detect_features
from .detectors import Analysis, analyse, cleaned, strength
from .excerpt import WINDOW_CHARS, excerpt
from .questions import Hit, question_count
from .rubric import ROUND_KINDS, Feature, Rubric, load_rubric
from .scorecard import Evidence, FeatureScore, Scorecard
from .structure import Structure, analyse_structure
from .transcript import Joined, Transcript
from .utterances import Utterance, split_utterances

__all__ = ["score_transcript", "feature_score", "LATE_QUESTION_WEIGHT"]

LATE_QUESTION_WEIGHT = 0.5  # a scoping question asked after the design started counts half
_QUOTE_CHARS = 140


_HASHES: dict[int, tuple[Rubric, str]] = {}


def _content_hash(rb: Rubric) -> str:
    """`rb.content_hash` (it serialises the whole rubric), once per rubric object: rubrics are immutable."""
    hit = _HASHES.get(id(rb))
    if hit is not None and hit[0] is rb:
        return hit[1]
    if len(_HASHES) >= 64:
        _HASHES.clear()
    _HASHES[id(rb)] = (rb, rb.content_hash)  # holding rb keeps its id from being reused while cached
    return _HASHES[id(rb)][1]


def feature_score(count: float, feature: Feature) -> float:
    """Full marks at the target minimum, proportional below it."""
    return round(min(1.0, count / feature.target.min), 3)


def _quote(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .,;")
    return "\u201c" + (text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "\u2026") + "\u201d"


def _evidence(utts: list[Utterance], i: int, cue: str | None, through: int | None = None) -> Evidence:
    """A hit's utterance(s) (i to `through`). A long one (speech-to-text wrote no sentence breaks) is quoted as the
    window around where its cue was said and timed from the cue, so the quote and the time are the hit's own."""
    span = utts[i:(i if through is None else through) + 1]
    text = span[0].text if through is None else " ".join(x.text for x in span)
    start, end = span[0].start, span[-1].end
    if len(text) > WINDOW_CHARS and (cut := excerpt(span, cue)) is not None:
        text, at, until = cut
        start, end = (start, end) if at is None or until is None else (at, until)
    return Evidence(text=text, start=start, end=end, cue=cue)


def _feature_feedback(feat: Feature, count: int, best: Evidence | None, near: tuple[Evidence, ...], advice: str | None,
                      structure: Structure, utts: list[Utterance], incident: bool = False,
                      said: str = "") -> tuple[str, str | None, str | None]:
    """The feedback line, what was missing, and what a strong answer adds. The rubric's examples of what is missing
    leave out those the feature's evidence (`said`) already gave ("(a dependency down, timeouts, ...)" after "if
    the database times out")."""
    target = feat.target
    strong = " ".join(filter(None, [feat.feedback.strong if count >= target.min else None, advice])) or feat.feedback.strong
    parts: list[str] = []
    missing: str | None = None
    if count < target.min:
        parts.append(f"{feat.name}: {count} of {target.label()}." if count else f"{feat.name}: none.")
        if best is not None:
            parts.append(f"Best: {_quote(best.text)}.")
        if near:
            parts.append(f"Not counted: {_quote(near[0].text)} ({near[0].cue}).")
        missing = without_said_examples(feat.feedback.missing, said) if count else feat.feedback.missing
        parts.append(missing)
        if advice:
            parts.append(advice)
    else:
        too_many = target.max is not None and count > target.max
        parts.append(f"{feat.name}: {count} (target {target.label()})" + (", more than needed; keep the best and move on." if too_many else "."))
        if best is not None:
            parts.append(f"Best: {_quote(best.text)}.")
        if strong:
            parts.append(strong)
    if feat.detect.method == "clarifying_question" and structure.requirements_first is False and structure.first_design_index is not None:
        design = utts[structure.first_design_index].text
        parts.append(f"You acted on the system ({_quote(design)}) before asking; scope the incident first." if incident else
                     f"You started designing ({_quote(design)}) before asking; scope the problem first.")
    return " ".join(parts), missing, strong


def _delivery_feedback(rubric: Rubric, d: Delivery) -> list[str]:
    out = []
    t = rubric.delivery
    if d.wpm is not None and d.words >= 30:
        if d.wpm < t.wpm_min:
            out.append(f"Pace: {d.wpm:.0f} words/min is slow; aim for {t.wpm_min:.0f}-{t.wpm_max:.0f} by narrating as you think.")
        elif d.wpm > t.wpm_max:
            out.append(f"Pace: {d.wpm:.0f} words/min is fast; slow to {t.wpm_min:.0f}-{t.wpm_max:.0f} so the interviewer can follow.")
    if d.fillers_per_min is not None and d.fillers_per_min > t.fillers_per_min_max:
        out.append(f"Fillers: {d.fillers} ({d.fillers_per_min:.1f} per minute, fluent speakers use about 1); pause silently instead of 'um'.")
    if d.first_word_s is not None and d.first_word_s >= 2 * t.long_pause_s:  # a few seconds to think is normal
        out.append(f"Start: {d.first_word_s:.0f} s of silence before your first word; think out loud from the start "
                   "(\"let me begin with who uses it\") so the interviewer is not left waiting.")
    if d.long_pauses:
        out.append(f"Pauses: {len(d.long_pauses)} silence(s) of {t.long_pause_s:.0f} s or more (longest {d.longest_pause_s:.1f} s); "
                   "think out loud so the interviewer can follow.")
    if d.hedges >= 3:
        shown = ", ".join(f"'{h}'" for h in d.hedge_phrases[:3])
        out.append(f"Hedging: {d.hedges} hedges ({shown}); state a choice and its reason.")
    return out


def _questions_asked(hits: tuple[Hit, ...], texts: list[str]) -> dict[int, int]:
    """How many questions each clarifying-question hit asks (a sentence can ask several), by its utterance."""
    return {h.index: question_count(" ".join(texts[h.index:(h.through or h.index) + 1])) for h in hits}


def _structure_feedback(s: Structure, utts: list[Utterance], cq_met: bool, incident: bool) -> list[str]:
    out = []
    if cq_met and s.requirements_first is False and s.first_design_index is not None:
        said = _quote(utts[s.first_design_index].text)
        if incident:  # an incident is not designed: acting before scoping is the mistake
            out.append(f"Structure: you went to the system ({said}) before your first scoping question; ask who is "
                       "affected, since when and what changed, then act.")
        else:
            out.append(f"Structure: you started designing ({said}) before your first scoping question; ask first, then design.")
    if s.first_question_at is not None and s.first_question_at > 60:
        out.append(f"Structure: the first clarifying question came {s.first_question_at:.0f} s in; ask within the first minute.")
    return out


def score_transcript(
    transcript: Transcript | Joined,
    rubric: "Rubric | str | None" = None,
    question: str | None = None,
    keywords: Iterable[str] = (),
    follow_up: bool = False,
    probed: str | None = None,
) -> Scorecard:
    """Score an answer: find each feature's evidence, weigh the scores, check the order, and write feedback.

    `question` (the question asked) and `keywords` make the feedback specific to it. `follow_up`: the
    answer replies to the interviewer's follow-up probe, not to the question itself, so the opening's
    rules do not apply to it: no "scope before you design" ordering (a late question counts in full)
    and no advice to open with scoping questions; the whole interview's card judges those. `probed`
    (the feature id the probe asked about) makes that feature's line, met or not, the reply's only
    feature feedback: the reply is judged on what it was asked.
    """
    rb = load_rubric(rubric)
    kw = tuple(keywords)
    utts: list[Utterance] = split_utterances(transcript)
    texts = cleaned(utts)
    found = detect_features(texts, {f.detect.method for f in rb.features} | {"clarifying_question"},
                            sentences=[u.sentence for u in utts], spoken=transcript.timed)
    qset = frozenset(found["clarifying_question"].indices)
    asked = _questions_asked(found["clarifying_question"].hits, texts)  # counted once: the card and the structure
    incident = ROUND_KINDS.get(rb.id) == "debugging"
    analyses: dict[str, Analysis] = {}
    for feat in rb.features:
        m = feat.detect.method
        analyses[feat.id] = found[m] if m in FEATURES else analyse(m, texts, feat.detect.phrases, qset)
    looking = frozenset(i for f in rb.features if f.detect.method == "monitoring" for i in analyses[f.id].indices)
    structure = analyse_structure(utts, texts, {fid: a.indices for fid, a in analyses.items()}, asked, looking, incident)
    # "questions before design" is a rule for the opening answer, and for rubrics that ask for questions
    # (a behavioral story is not told to scope before it "designs")
    if follow_up or not any(f.detect.method == "clarifying_question" for f in rb.features):
        structure = structure.model_copy(update={"requirements_first": None})

    features: dict[str, FeatureScore] = {}
    for feat in rb.features:
        a = analyses[feat.id]
        evidence = tuple(_evidence(utts, h.index, h.cue, h.through) for h in a.hits)
        near = tuple(_evidence(utts, h.index, h.cue) for h in a.near_misses)
        hits = a.hits  # the best is the strongest hit, the earliest of equals; a lone hit needs no ranking
        best_i = 0 if len(hits) == 1 else max(
            range(len(hits)), key=lambda i: (strength(feat.detect.method, texts[hits[i].index]), -hits[i].index), default=None)
        best = None if best_i is None else evidence[best_i]
        asks = [asked.get(h.index, 1) if feat.detect.method == "clarifying_question" else 1 for h in a.hits]
        count = sum(asks)
        effective: float = count
        if feat.detect.method == "clarifying_question" and structure.first_design_index is not None and not follow_up:
            late = sum(n for h, n in zip(a.hits, asks) if h.index > structure.first_design_index)
            effective = count - late + LATE_QUESTION_WEIGHT * late
        # the question's advice leaves out what the answer said on this feature (its evidence and near misses; not the
        # whole answer: "writes go to the primary" asks no read/write ratio and "links a day" estimates nothing)
        said = " ".join(texts[h.index] for h in (*a.hits, *a.near_misses))
        advice = advice_for(feat.id, question, kw, rb.id, said) if question or kw else None
        line, missing, strong = _feature_feedback(feat, count, best, near, advice, structure, utts, incident, said)
        features[feat.id] = FeatureScore(
            name=feat.name, count=count, target_min=feat.target.min, target_max=feat.target.max,
            score=feature_score(effective, feat), weight=feat.weight, evidence=evidence, feedback=line,
            best=best, near_misses=near, missing=missing, strong=strong,
        )
    cq = [features[f.id] for f in rb.features if f.detect.method == "clarifying_question"]
    cq_met = bool(cq) and all(f.met for f in cq)  # ordering advice only where the rubric asks for questions
    total_w = sum(f.weight for f in rb.features)
    overall = round(100.0 * sum(features[f.id].score * f.weight for f in rb.features) / total_w, 1)
    delivery = measure_delivery(transcript, rb.delivery.long_pause_s, (rb.delivery.wpm_min, rb.delivery.wpm_max))
    card = Scorecard(rubric=rb.id, rubric_hash=_content_hash(rb), overall=overall, features=features, delivery=delivery,
                     structure=structure, question=question)
    gaps = card.missing()
    if follow_up and probed in features:  # judged on what the probe asked
        gaps = [probed]
    elif follow_up:  # a probe of no one feature: never told to open with scoping questions (the question's answer is)
        opening = {f.id for f in rb.features if f.detect.method == "clarifying_question"}
        gaps = [fid for fid in gaps if fid not in opening]
    feedback = (tuple(features[fid].feedback for fid in gaps)
                + tuple(() if follow_up else _structure_feedback(structure, utts, cq_met, incident)) + tuple(_delivery_feedback(rb, delivery)))
    return card.model_copy(update={"feedback": feedback})
