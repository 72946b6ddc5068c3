"""The Scorecard: what scoring returns and sessions store — per-feature counts, evidence, feedback."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .delivery import Delivery
from .structure import Structure

__all__ = ["Evidence", "FeatureScore", "Scorecard"]


class Evidence(BaseModel):
    """A quoted stretch of the answer that shows a feature; times are seconds in the audio.

    `text` is the utterance(s) of the hit, or, when longer than a quote (excerpt.WINDOW_CHARS), the window of
    its words around the cue, with "…" where it was cut; `start` is then when the cue's first word is said.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    start: float | None = None
    end: float | None = None
    cue: str | None = None  # why the detector counted (or, for a near miss, rejected) it


class FeatureScore(BaseModel):
    """How one rubric feature fared in an answer."""

    model_config = ConfigDict(frozen=True)

    name: str
    count: int = Field(ge=0)
    target_min: int
    target_max: int | None = None
    score: float = Field(ge=0, le=1)
    weight: float
    evidence: tuple[Evidence, ...] = ()
    feedback: str
    best: Evidence | None = None  # the strongest evidence, quoted in the feedback
    near_misses: tuple[Evidence, ...] = ()  # looked like the feature but is not (check-ins, denial, name-dropping)
    missing: str | None = None  # what was missing, when below target
    strong: str | None = None  # what a strong answer (to this question) would add

    @property
    def met(self) -> bool:
        return self.count >= self.target_min


class Scorecard(BaseModel):
    """The scored answer: overall 0-100, each feature, and delivery."""

    model_config = ConfigDict(frozen=True)

    rubric: str
    rubric_hash: str
    overall: float = Field(ge=0, le=100)
    features: dict[str, FeatureScore]
    delivery: Delivery
    feedback: tuple[str, ...] = ()
    structure: Structure | None = None
    question: str | None = None

    def missing(self) -> list[str]:
        """Feature ids below target, most important (heaviest weight, furthest off) first."""
        gaps = [(fid, f) for fid, f in self.features.items() if not f.met]
        gaps.sort(key=lambda kv: (-(kv[1].weight * (1 - kv[1].score)), kv[0]))
        return [fid for fid, _ in gaps]
