"""Annotations for replay and reports: a pure, time-ordered list of what happened in each answer.

For one turn it lists the rubric evidence (by feature, with a colour and a label), the fillers and
the long pauses, each at its time in the answer's audio; and, around the answer, the interviewer's
prompt before it and the probe and feedback after it. Times are None for typed transcripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .delivery import is_filler, measure_delivery
from .scorecard import Scorecard
from .session import Session, Turn
from .transcript import Transcript

__all__ = [
    "Annotation",
    "TurnNotes",
    "FEATURE_COLOURS",
    "feature_colours",
    "annotate_turn",
    "annotate_session",
    "verdicts",
    "word_marks",
    "pace_series",
]

Kind = Literal["evidence", "filler", "pause"]

# Readable on a dark terminal and on a white page alike.
FEATURE_COLOURS = {
    "clarifying_question": "#1f78c8",
    "trade_off": "#8e44ad",
    "failure_mode": "#d35400",
    "scale_estimate": "#138d75",
    "monitoring": "#b7950b",
}
_SPARE_COLOURS = ("#2e7d32", "#ad1457", "#6d4c41", "#3949ab", "#00838f", "#7b1fa2", "#c62828", "#546e7a")
PAUSE_COLOUR = "#7f8c8d"
FILLER_COLOUR = "#c0392b"
DEFAULT_LONG_PAUSE_S = 3.0


@dataclass(frozen=True)
class Annotation:
    """One marked moment of an answer: evidence of a feature, a filler word or a long pause."""

    kind: Kind
    start: float | None
    end: float | None
    label: str
    text: str
    colour: str
    feature: str | None = None


@dataclass(frozen=True)
class TurnNotes:
    """A turn ready to replay: the prompt before it, its timed annotations, the probe and feedback after it."""

    index: int
    prompt: str
    prompt_kind: str
    duration: float | None
    annotations: tuple[Annotation, ...]
    probe: str | None
    probe_reason: str | None
    feedback: tuple[str, ...]
    overall: float | None
    verdicts: tuple[tuple[str, int, int, bool], ...] = ()  # (feature name, count, target min, met) per feature


def feature_colours(card: Scorecard | None) -> dict[str, str]:
    """A colour for each feature of a scorecard: the fixed ones for the default features, spares for the rest."""
    colours: dict[str, str] = {}
    spare = iter(_SPARE_COLOURS * 4)
    for fid in (card.features if card else {}):
        colours[fid] = FEATURE_COLOURS.get(fid) or next(spare)
    return colours


def _order(a: Annotation) -> tuple[float, int]:
    return (a.start if a.start is not None else float("inf"), ("evidence", "pause", "filler").index(a.kind))


def annotate_turn(turn: Turn, long_pause_s: float | None = None) -> list[Annotation]:
    """Evidence, fillers and long pauses of one answer, ordered by time (untimed ones last, in text order)."""
    card = turn.scorecard
    out: list[Annotation] = []
    colours = feature_colours(card)
    if card is not None:
        for fid, f in card.features.items():
            for ev in f.evidence:
                out.append(Annotation("evidence", ev.start, ev.end, f.name, ev.text, colours[fid], fid))
    for w in turn.transcript.words:
        if is_filler(w.text):
            out.append(Annotation("filler", w.start, w.end, "filler", w.text.strip(), FILLER_COLOUR))
    if long_pause_s is None and card is not None:
        pauses = card.delivery.long_pauses
    else:
        pauses = measure_delivery(turn.transcript, long_pause_s or DEFAULT_LONG_PAUSE_S).long_pauses
    for p in pauses:
        out.append(Annotation("pause", p.start, p.end, "long pause", f"{p.length:.1f} s", PAUSE_COLOUR))
    out.sort(key=_order)
    return out


def verdicts(card: Scorecard | None) -> tuple[tuple[str, int, int, bool], ...]:
    """(feature name, count, target minimum, met) for each feature of a scorecard."""
    return tuple((f.name, f.count, f.target_min, f.met) for f in card.features.values()) if card else ()


def annotate_session(session: Session, long_pause_s: float | None = None, turn_scores: bool = True) -> list[TurnNotes]:
    """Every turn of a session with its annotations, prompt, probe and feedback.

    `turn_scores=False` (answers that carry only their share of a whole-interview card) leaves out
    each turn's score and verdicts: those belong to the whole interview. A reply to a follow-up
    probe never shows them: it answers one probe, not the question, so a score out of 100 against
    every feature would mislead; its feedback (led by the probed feature) stays.
    """
    notes = []
    for t in session.turns:
        card = t.scorecard
        own = turn_scores and not t.follow_up
        notes.append(
            TurnNotes(
                index=t.index,
                prompt=t.prompt,
                prompt_kind=t.prompt_kind,
                duration=t.transcript.duration,
                annotations=tuple(annotate_turn(t, long_pause_s)),
                probe=t.probe.text if t.probe else None,
                probe_reason=(t.probe.reason or t.probe.feature) if t.probe else None,
                feedback=card.feedback if card else (),
                overall=card.overall if card and own else None,
                verdicts=verdicts(card) if own else (),
            )
        )
    return notes


_TOKEN = re.compile(r"[^a-z0-9']")


def _norm(token: str) -> str:
    return _TOKEN.sub("", token.lower().replace("\u2019", "'"))


def word_marks(transcript: Transcript, card: Scorecard | None) -> list[tuple[tuple[str, int], ...]]:
    """For each word of the transcript, the (feature id, evidence number) pairs whose evidence covers it.

    Timed transcripts match by time; typed ones by finding the evidence's words in order.
    """
    words = transcript.words
    marks: list[list[tuple[str, int]]] = [[] for _ in words]
    if card is None:
        return [()] * len(words)
    norm = [_norm(w.text) for w in words]
    for fid, f in card.features.items():
        cursor = 0
        for k, ev in enumerate(f.evidence):
            if ev.start is not None and ev.end is not None and transcript.timed:
                for i, w in enumerate(words):
                    if w.start is not None and w.end is not None and ev.start - 0.02 <= (w.start + w.end) / 2 <= ev.end + 0.02:
                        marks[i].append((fid, k))
                continue
            want = [t for t in (_norm(x) for x in ev.text.split()) if t]
            if not want:
                continue
            for start in list(range(cursor, len(words))) + list(range(0, cursor)):
                got = [t for t in norm[start : start + len(want) * 2] if t][: len(want)]
                if got == want:
                    span, seen = start, 0
                    while seen < len(want) and span < len(words):
                        seen += bool(norm[span])
                        marks[span].append((fid, k))
                        span += 1
                    cursor = span
                    break
    return [tuple(dict.fromkeys(m)) for m in marks]


def pace_series(transcript: Transcript, window_s: float = 10.0, step_s: float = 2.5) -> list[tuple[float, float]]:
    """Words per minute over a sliding window, as (window centre in seconds, wpm); empty when untimed."""
    starts = [w.start for w in transcript.words if w.start is not None and not is_filler(w.text)]
    if len(starts) < 2:
        return []
    first, last = starts[0], starts[-1]
    span = last - first
    if span <= window_s:
        return [(round(first + span / 2, 2), round(len(starts) * 60.0 / max(span, 1.0), 1))]
    series = []
    t = first
    while t + window_s <= last + step_s / 2:
        n = sum(1 for s in starts if t <= s < t + window_s)
        series.append((round(t + window_s / 2, 2), round(n * 60.0 / window_s, 1)))
        t += step_s
    return series
