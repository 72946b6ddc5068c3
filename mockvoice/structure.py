"""Structure of an answer: where each feature occurred, and whether requirements came before the design."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from .utterances import Utterance

__all__ = ["Mark", "Structure", "analyse_structure", "is_design_statement", "is_action_statement"]

# a statement that commits to a design: a component, a technology, or "we'll use / I'd put"
_DESIGN = re.compile(
    r"\b(?:(?:we'll|we will|i'll|i will|i'd|i would|we'd|we would|let's|we can|we could|we should|we're going to|i'm going to|we need to) "
    r"(?:just )?(?:use|using|put|store|build|add|go with|pick|choose|shard|cache|split|run|write|deploy|design|start with|create|have|keep|need|partition|replicate)\b|"
    r"(?:we use|we're using|key value store|database|db|cache|queue|load balancer|service|api|endpoint|server|cdn|table|schema|shard|index|cluster|microservices?|gateway|worker|"
    r"kafka|redis|postgres|mysql|cassandra|dynamodb|mongodb|s3|kubernetes|elasticsearch|rabbitmq|sqs|lambda|memcached|websockets?|grpc|rest)\b)"
)


class Mark(BaseModel):
    """One occurrence of a feature: which utterance, and where it sits in the answer."""

    model_config = ConfigDict(frozen=True)

    feature: str
    index: int
    start: float | None = None
    position: float  # 0 at the first utterance, 1 at the last


class Structure(BaseModel):
    """The order of the answer: timeline of features and the requirements-first check."""

    model_config = ConfigDict(frozen=True)

    utterances: int
    timeline: tuple[Mark, ...] = ()
    order: tuple[str, ...] = ()  # features by first occurrence
    first_design_index: int | None = None
    first_design_at: float | None = None
    first_question_index: int | None = None
    first_question_at: float | None = None  # seconds into the audio (as evidence times are) of the first clarifying question
    questions_before_design: int = 0  # questions, as the scorecard counts them (one sentence can ask several)
    questions_after_design: int = 0
    requirements_first: bool | None = None  # None: no clarifying questions and no design statement, or a reply to a probe


# what acting on a live system sounds like: in a debugging round, doing this before scoping is the mistake
_ACTION = re.compile(
    r"\b(?:restart\w*|reboot\w*|roll(?:ing|ed|s)? (?:it |that |them |the \w+ )?back|rollback|revert\w*|redeploy\w*|"
    r"flip\w* (?:the |a |that )?(?:feature )?flag|turn\w* (?:it |that |the [\w ]{1,20} )?off|disabl\w+|drain\w*|kill\w*|"
    r"scal(?:e|es|ing) (?:it |them |the \w+ )?(?:out|up)|add\w* more (?:servers|nodes|replicas|pods|instances|capacity|workers)|"
    r"fail(?:ing)? (?:it |them |traffic )?over|failover|hotfix\w*|patch\w*|purg\w+|flush\w*|clear\w* the cache|"
    r"(?:bump|increas|rais)\w* the (?:pool|memory|limit|timeout|connection)\w*)\b")


def is_action_statement(clean_text: str) -> bool:
    """True when a cleaned, non-question utterance acts on the system (restart, roll back, drain, scale out) rather
    than looks at it; a conditional plan ("if it's the deploy, we roll back") is not acting yet."""
    return bool(_ACTION.search(clean_text)) and not clean_text.startswith(("if ", "and if ", "so if "))


def is_design_statement(clean_text: str) -> bool:
    """True when a cleaned, non-question utterance commits to part of a design."""
    return bool(_DESIGN.search(clean_text))


def analyse_structure(utts: list[Utterance], texts: list[str], hits: dict[str, list[int]], questions: dict[int, int],
                      looking: frozenset[int] = frozenset(), incident: bool = False) -> Structure:
    """Where each feature appeared, when the design started, and whether questions came first.

    `questions`: the utterances that ask clarifying questions, each with how many it asks (one sentence can ask
    several: scoring.py counts them once, for the card and for this).
    `looking`: utterances that read metrics, logs or dashboards. Looking is not designing: in a debugging
    round it is what comes first ("I'd check the error-rate dashboard by endpoint"), next to scoping questions.
    `incident`: a debugging round, where "the design" is the first action on the system (a restart, a
    rollback), not the first component named ("I'd check whether the database is up" only looks).
    """
    starts = is_action_statement if incident else is_design_statement
    n = len(utts)

    def at(i: int) -> float | None:
        # Timed from the start of the audio, where listening began, like every evidence time: a long
        # think before the first word is time to the first question too.
        s = utts[i].start
        return round(s, 2) if s is not None else None

    design = next((i for i, t in enumerate(texts) if i not in questions and i not in looking and starts(t)), None)
    marks = sorted(
        (Mark(feature=f, index=i, start=at(i), position=round(i / max(n - 1, 1), 3)) for f, idx in hits.items() for i in idx),
        key=lambda m: (m.index, m.feature),
    )
    order: list[str] = []
    for m in marks:
        if m.feature not in order:
            order.append(m.feature)
    qs = sorted(questions)
    before = sum(questions[i] for i in qs if design is None or i < design)
    first_q = qs[0] if qs else None
    if first_q is None and design is None:
        req_first = None
    else:
        req_first = first_q is not None and (design is None or first_q < design)
    return Structure(
        utterances=n,
        timeline=tuple(marks),
        order=tuple(order),
        first_design_index=design,
        first_design_at=at(design) if design is not None else None,
        first_question_index=first_q,
        first_question_at=at(first_q) if first_q is not None else None,
        questions_before_design=before,
        questions_after_design=sum(questions.values()) - before,
        requirements_first=req_first,
    )
