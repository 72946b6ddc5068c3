"""Rubrics as data: pydantic models for a rubric file, and loading one by name or path.

A rubric is YAML or TOML the user may edit. Validation is strict (`extra="forbid"`) and any
mistake becomes one RubricError line naming the file and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import RubricError
from .resources import bundled_dir

__all__ = [
    "Target",
    "Detection",
    "FeatureFeedback",
    "Feature",
    "DeliveryTargets",
    "Rubric",
    "load_rubric",
    "list_rubrics",
    "DEFAULT_RUBRIC",
    "ROUND_KINDS",
    "format_validation_error",
]

DEFAULT_RUBRIC = "system-design"
# the kind of round each bundled rubric scores: advice, ordering and wording differ by kind (an incident is not
# designed, a story is not scoped); a rubric file of one's own has no kind of its own (advice looks at the question)
ROUND_KINDS = {"system-design": "design", "debugging": "debugging", "behavioral": "behavioral"}
RUBRIC_SUFFIXES = (".yaml", ".yml", ".toml")

DetectorName = Literal[
    "clarifying_question",
    "trade_off",
    "failure_mode",
    "scale_estimate",
    "monitoring",
    "measured_outcome",
    "team_credit",
    "phrases",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """How many occurrences an interviewer wants: `min` earns full marks, past `max` is too many."""

    min: int = Field(default=1, ge=1)
    max: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> "Target":
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self

    def label(self) -> str:
        return f"{self.min}" if self.max in (None, self.min) else f"{self.min}-{self.max}"


class Detection(_Strict):
    """How a feature is found: a built-in detector, or `phrases` (any listed phrase counts)."""

    method: DetectorName
    phrases: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _phrases_given(self) -> "Detection":
        if self.method == "phrases" and not self.phrases:
            raise ValueError("method 'phrases' needs a non-empty 'phrases' list")
        blank = [p for p in self.phrases if not re.search(r"\w", p)]
        if blank:
            # A phrase with no word in it matches every sentence once punctuation is dropped.
            raise ValueError(f"phrase {blank[0]!r} has no words in it; remove it or write the words to listen for")
        return self


class FeatureFeedback(_Strict):
    """What to tell the candidate: when the feature is missing, and what a strong answer adds."""

    missing: str = Field(min_length=1)
    strong: str | None = None


class Feature(_Strict):
    """One thing the interviewer scores."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    detect: Detection
    target: Target = Target()
    weight: float = Field(gt=0, le=100)
    feedback: FeatureFeedback


class DeliveryTargets(_Strict):
    """Targets for how the answer was spoken."""

    wpm_min: float = Field(default=130, gt=0)
    wpm_max: float = Field(default=160, gt=0)
    fillers_per_min_max: float = Field(default=3.0, ge=0)
    long_pause_s: float = Field(default=3.0, gt=0)

    @model_validator(mode="after")
    def _band(self) -> "DeliveryTargets":
        if self.wpm_min > self.wpm_max:
            raise ValueError(f"wpm_min ({self.wpm_min:g}) is above wpm_max ({self.wpm_max:g}); the pace band is min to max")
        return self


class Rubric(_Strict):
    """A named set of weighted features, with delivery targets and domain vocabulary."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    description: str = ""
    version: int = Field(default=1, ge=1)
    vocabulary: tuple[str, ...] = ()
    delivery: DeliveryTargets = DeliveryTargets()
    features: tuple[Feature, ...] = Field(min_length=1)

    @field_validator("features")
    @classmethod
    def _unique_ids(cls, features: tuple[Feature, ...]) -> tuple[Feature, ...]:
        seen: set[str] = set()
        for f in features:
            if f.id in seen:
                raise ValueError(f"feature id {f.id!r} appears twice")
            seen.add(f.id)
        return features

    def feature(self, feature_id: str) -> Feature:
        for f in self.features:
            if f.id == feature_id:
                return f
        raise KeyError(feature_id)

    @property
    def content_hash(self) -> str:
        """A short hash of the rubric's content: a changed rubric gets a new hash."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


def format_validation_error(source: str, exc: ValidationError) -> str:
    """One line: `source: field.path: message` for the first error (and how many more)."""
    # A misspelt field shows up twice (unknown + missing): naming the unknown one helps most.
    errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
    first = errors[0]
    loc = ""
    for part in first.get("loc", ()):
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    msg = first.get("msg", "invalid")
    if first.get("type") == "extra_forbidden":
        msg = "unknown field (check its spelling)"
    more = (f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''}: fix this one and run again to see "
            f"{'them' if len(errors) > 2 else 'it'})") if len(errors) > 1 else ""
    return f"{source}: {loc or '(top level)'}: {msg}{more}"


def syntax_error(exc: Exception) -> str:
    """Where a YAML or TOML file breaks and why, in words a user can act on ("line 3, column 1: expected ',' or ']'")."""
    mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return " ".join(str(exc).split())  # TOML's message already says where ("at line 2, column 7")


def _parse_file(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        return tomllib.loads(text)
    return yaml.safe_load(text)


def _read_validated(path: Path, model: type[BaseModel], error: type[Exception]):
    try:
        data = _parse_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the file ({exc}); check the path and permissions") from exc
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{path}: not valid {'TOML' if path.suffix.lower() == '.toml' else 'YAML'}: {syntax_error(exc)}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping of fields at the top level, found {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(format_validation_error(str(path), exc)) from exc


def list_rubrics() -> dict[str, Path]:
    """Bundled rubric ids and their files."""
    folder = bundled_dir("rubrics")
    found: dict[str, Path] = {}
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in RUBRIC_SUFFIXES:
                found.setdefault(p.stem, p)
    return found


_CACHE: dict[tuple[str, float], Rubric] = {}


def load_rubric(rubric: "str | Path | Rubric | None" = None) -> Rubric:
    """A Rubric from a bundled name (`system-design`), a file path, or a Rubric (returned as is)."""
    if isinstance(rubric, Rubric):
        return rubric
    name = str(rubric) if rubric is not None else DEFAULT_RUBRIC
    path = Path(name).expanduser()
    if path.suffix.lower() not in RUBRIC_SUFFIXES or not path.exists():
        bundled = list_rubrics()
        if name in bundled:
            path = bundled[name]
        elif path.suffix.lower() in RUBRIC_SUFFIXES:
            raise RubricError(f"{name}: no such rubric file; check the path")
        else:
            raise RubricError(
                f"unknown rubric {name!r}; use one of {', '.join(sorted(bundled)) or '(none bundled)'} "
                "or a path to a .yaml/.toml rubric file"
            )
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _CACHE:
        _CACHE[key] = _read_validated(path, Rubric, RubricError)
    return _CACHE[key]
