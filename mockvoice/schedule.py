"""Spaced repetition for `mockvoice next`: weak features and questions come back sooner, strong ones later.

Each feature (e.g. `trade_off`) and each question is a card in a Leitner box. A feature is a card per rubric
when sessions span rubrics: rubrics reuse ids for different things (behavioral's `scale_estimate` is an
outcome in numbers, system design's a sizing estimate), so their scores are not one skill's history. A session that
scores the card well (>= 0.8) moves it up a box, a middling one (0.5-0.8) keeps it, a weak one
(< 0.5) sends it back to box 0. The box sets when the card is due again after the last time it
was practised: 12 hours, 1, 3, 7, 14, then 30 days. `plan_next` picks the most overdue weak
feature and a question that exercises it, and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .progress import Point

__all__ = ["INTERVALS_DAYS", "Card", "Suggestion", "Candidate", "cards_from_history", "plan_next"]

INTERVALS_DAYS = (0.5, 1, 3, 7, 14, 30)
STRONG, WEAK = 0.8, 0.5


@dataclass(frozen=True)
class Card:
    """One feature or question and where it stands in the schedule."""

    kind: str  # "feature" | "question"
    id: str
    box: int
    last_score: float
    last_seen: datetime
    reviews: int
    due: datetime
    rubric: str | None = None  # a feature card's rubric, when the history spans several (its id then says so)

    def overdue_days(self, now: datetime) -> float:
        return (now - self.due).total_seconds() / 86400

    def describe(self, now: datetime) -> str:
        ago = _span(now - self.last_seen)
        when = f"due {_span(now - self.due)} ago" if self.due <= now else f"next due in {_span(self.due - now)}"
        level = "weak" if self.last_score < WEAK else ("middling" if self.last_score < STRONG else "strong")
        return (f"{self.id}: {level} last time ({self.last_score:.2f}, {self.reviews} session{'s' if self.reviews != 1 else ''}), "
                f"box {self.box} (review every {_span(timedelta(days=INTERVALS_DAYS[self.box]))}); "
                f"practised {ago} ago, {when}")


@dataclass(frozen=True)
class Candidate:
    """A question the user could practise: id, text, rubric and the feature ids its rubric scores."""

    id: str
    text: str
    rubric: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """What to practise next and why."""

    question: Candidate | None
    focus: tuple[Card, ...]
    reasons: tuple[str, ...]
    cards: tuple[Card, ...] = field(default_factory=tuple)


def _span(d: timedelta) -> str:
    s = abs(d.total_seconds())
    if s < 3600:
        return f"{max(1, round(s / 60))} min"
    if s < 2 * 86400:
        return f"{round(s / 3600)} h"
    return f"{round(s / 86400)} days"


def _when(iso: str) -> datetime:
    t = datetime.fromisoformat(iso)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _card(kind: str, cid: str, reviews: list[tuple[datetime, float]], rubric: str | None = None) -> Card:
    box = 0
    for _, score in reviews:
        box = min(box + 1, len(INTERVALS_DAYS) - 1) if score >= STRONG else (box if score >= WEAK else 0)
    last_t, last_s = reviews[-1]
    return Card(kind, cid, box, round(last_s, 3), last_t, len(reviews), last_t + timedelta(days=INTERVALS_DAYS[box]), rubric)


def cards_from_history(points: list[Point]) -> list[Card]:
    """One card per feature (per rubric, when there are several) and per question in the history (scores in date order)."""
    feats: dict[tuple[str | None, str], list[tuple[datetime, float]]] = {}
    questions: dict[str, list[tuple[datetime, float]]] = {}
    several = len({p.rubric for p in points}) > 1
    for p in sorted(points, key=lambda p: p.when):
        t = _when(p.when)
        for fid, s in p.features.items():
            feats.setdefault((p.rubric if several else None, fid), []).append((t, s))
        if p.question_id and p.overall is not None:
            questions.setdefault(p.question_id, []).append((t, p.overall / 100))
    return ([_card("feature", f"{fid} ({rubric})" if rubric else fid, v, rubric) for (rubric, fid), v in
             sorted(feats.items(), key=lambda kv: (kv[0][1], kv[0][0] or ""))]
            + [_card("question", k, v) for k, v in sorted(questions.items())])


def _feature_id(card: Card) -> str:
    return card.id.split(" (", 1)[0] if card.rubric else card.id


def _exercises(q: Candidate, card: Card) -> bool:
    """Whether practising `q` scores the feature card (a rubric's card only by a question of that rubric)."""
    return _feature_id(card) in q.features and card.rubric in (None, q.rubric)


def _urgency(card: Card, now: datetime) -> tuple:
    """Due cards first (most overdue, then weakest); then the soonest due."""
    od = card.overdue_days(now)
    return (0, -(od + 1) * (1.5 - card.last_score)) if od >= 0 else (1, -od, card.last_score)


def plan_next(points: list[Point], candidates: list[Candidate], now: datetime | None = None) -> Suggestion:
    """Pick the next question by spaced repetition over features and questions; explain the choice."""
    now = now or datetime.now(timezone.utc)
    cards = cards_from_history(points)
    if not points:
        q = candidates[0] if candidates else None
        return Suggestion(q, (), ("no scored sessions yet: start anywhere; the schedule adapts after each session",), ())
    feats = sorted((c for c in cards if c.kind == "feature"), key=lambda c: _urgency(c, now))
    qcards = {c.id: c for c in cards if c.kind == "question"}
    due = [c for c in feats if c.due <= now]
    due_weak = [c for c in due if c.last_score < STRONG]
    focus = tuple((due_weak or due or feats)[:2])
    reasons = [("due now: " if c.due <= now else "nothing is due yet; soonest: ") + c.describe(now) for c in focus]
    question = None
    if candidates:
        def rank(q: Candidate) -> tuple:
            covers = sum(_exercises(q, c) for c in focus)
            qc = qcards.get(q.id)
            # questions never tried come first among those covering the focus; then the most overdue
            return (-covers, 0 if qc is None else 1, _urgency(qc, now) if qc else (0,), q.id)

        question = sorted(candidates, key=rank)[0]
        qc = qcards.get(question.id)
        covered = ", ".join(sorted(_feature_id(c) for c in focus if _exercises(question, c))) or "the weak features"
        reasons.append(f"{question.id} exercises {covered} (rubric {question.rubric}); "
                       + (qc.describe(now) if qc else "you have not answered it yet"))
    strong = [c for c in feats if c.box >= 2 and c.due > now]
    if strong:
        reasons.append("later: " + ", ".join(f"{c.id} (due in {_span(c.due - now)})" for c in strong[:3]))
    return Suggestion(question, focus, tuple(reasons), tuple(cards))
