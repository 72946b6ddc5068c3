"""The question bank as data: pydantic models for `prompts/*.yaml` and loading questions by id or topic.

A bank file holds questions; each names its rubric and carries follow-up probes grouped by
probe family (failure mode, rollout, rollback, measurement, cost, security, alternatives,
10x scale, changed constraint, ...). Validation is strict and any mistake becomes one
PromptError line naming the file and the field.
"""

from __future__ import annotations

import difflib

import random
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from .errors import PromptError
from .resources import bundled_dir
from .rubric import _read_validated, _Strict, list_rubrics

__all__ = [
    "PROBE_FAMILIES",
    "ProbeFamily",
    "Question",
    "QuestionBank",
    "bank_files",
    "load_bank",
    "load_questions",
    "find_question",
    "pick_question",
]

ProbeFamily = Literal[
    "scope",
    "failure_mode",
    "rollout",
    "rollback",
    "measurement",
    "cost",
    "security",
    "alternatives",
    "scale_10x",
    "changed_constraint",
    "team",
    "reflection",
]
PROBE_FAMILIES: tuple[str, ...] = ProbeFamily.__args__  # type: ignore[attr-defined]
BANK_SUFFIXES = (".yaml", ".yml", ".toml")


class Question(_Strict):
    """One interview question, the rubric it is scored with, and its follow-up probes by family."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    topic: Literal["system-design", "debugging", "architecture-review", "behavioral"]
    rubric: str = Field(min_length=1)
    text: str = Field(min_length=10)
    context: str = Field(default="", description="a short noun phrase for the system, used in generic probes")
    probes: dict[ProbeFamily, tuple[str, ...]] = Field(min_length=3)

    @field_validator("probes")
    @classmethod
    def _non_empty(cls, probes: dict) -> dict:
        for family, texts in probes.items():
            if not texts or any(not t.strip() for t in texts):
                raise ValueError(f"family {family!r} needs at least one non-empty probe")
        return probes


class QuestionBank(_Strict):
    """A file of questions."""

    questions: tuple[Question, ...] = Field(min_length=1)


def bank_files(folder: Path | None = None) -> list[Path]:
    """The question files in the bank folder (bundled `prompts/` by default), by name."""
    base = folder or bundled_dir("prompts")
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.suffix in BANK_SUFFIXES and not p.name.startswith("."))


def load_bank(path: str | Path) -> tuple[Question, ...]:
    """Validate one bank file; its rubrics must exist (bundled name or a file beside it)."""
    path = Path(path)
    if not path.is_file():
        raise PromptError(f"{path}: no such question file; check the path")
    bank: QuestionBank = _read_validated(path, QuestionBank, PromptError)
    known = set(list_rubrics())
    for i, q in enumerate(bank.questions):
        if q.rubric not in known and not (path.parent / q.rubric).is_file():
            raise PromptError(f"{path}: questions[{i}].rubric: unknown rubric {q.rubric!r}; use one of {', '.join(sorted(known))}")
    return bank.questions


def load_questions(folder: str | Path | None = None) -> tuple[Question, ...]:
    """All questions in the bank folder (bundled `prompts/` by default); ids must be unique."""
    out: list[Question] = []
    seen: dict[str, Path] = {}
    for path in bank_files(Path(folder) if folder else None):
        for q in load_bank(path):
            if q.id in seen:
                raise PromptError(f"{path}: question id {q.id!r} is also used in {seen[q.id].name}; ids must be unique")
            seen[q.id] = path
            out.append(q)
    if not out:
        raise PromptError(f"{folder or bundled_dir('prompts')}: no questions found; add a .yaml question file")
    return tuple(out)


def find_question(question_id: str, questions: tuple[Question, ...] | None = None) -> Question:
    """The question with this id, or a PromptError listing how to see the ids."""
    bank = questions or load_questions()
    wanted = question_id.strip().lower()
    for q in bank:
        if q.id == question_id or q.id.lower() == wanted:  # `URL-Shortener` is `url-shortener`
            return q
    close = difflib.get_close_matches(wanted, [q.id for q in bank], n=1, cutoff=0.5) or \
        [q.id for q in bank if wanted and wanted in q.id][:1]
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise PromptError(f"unknown question {question_id!r}; {hint}run `mockvoice questions` to list the ids")


def pick_question(topic: str | None = None, rng: random.Random | None = None) -> Question:
    """A random question, optionally from one topic."""
    questions = load_questions()
    pool = [q for q in questions if topic is None or q.topic == topic]
    if not pool:
        topics = sorted({q.topic for q in questions})
        raise PromptError(f"unknown topic {topic!r}; use one of {', '.join(topics)}")
    return (rng or random.Random()).choice(pool)
