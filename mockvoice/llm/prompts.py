"""The prompt files sent to the model (`prompts/llm/*.yaml`): loaded strictly, filled with `$placeholders`."""

from __future__ import annotations

from pathlib import Path
from string import Template

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import PromptError
from ..resources import bundled_dir
from ..rubric import format_validation_error, syntax_error
from ..scorecard import Scorecard

__all__ = ["PromptFile", "load_prompt", "prompts_dir", "PLACEHOLDERS", "describe_scorecard", "describe_conversation"]

# Which $placeholders each prompt may use; an unknown one is a PromptError naming the file.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "probe": frozenset({"question", "rubric", "conversation", "scorecard", "missing", "asked", "features", "families", "hints"}),
    "feedback": frozenset({"question", "rubric", "answer", "scorecard", "missing"}),
}


class PromptFile(BaseModel):
    """A system message and a user message template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str = Field(min_length=1)
    user: str = Field(min_length=1)

    def messages(self, values: dict[str, str]) -> list[dict[str, str]]:
        """The chat messages with every `$placeholder` filled in."""
        return [
            {"role": "system", "content": Template(self.system).safe_substitute(values).strip()},
            {"role": "user", "content": Template(self.user).safe_substitute(values).strip()},
        ]


def prompts_dir(override: str | Path | None = None) -> Path:
    """The folder of LLM prompt files: the override (config `prompts`), else the bundled `prompts/llm`."""
    return Path(override).expanduser() if override else bundled_dir("prompts") / "llm"


def load_prompt(name: str, folder: str | Path | None = None) -> PromptFile:
    """Load and check `<folder>/<name>.yaml`; any mistake is one PromptError line naming the file."""
    path = prompts_dir(folder) / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"{path}: no such prompt file; restore it from the repository or fix the `prompts` setting") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: cannot read it ({type(exc).__name__})") from exc
    except yaml.YAMLError as exc:
        raise PromptError(f"{path}: not valid YAML: {syntax_error(exc)}") from exc
    if not isinstance(data, dict):
        raise PromptError(f"{path}: expected `system:` and `user:` fields at the top level")
    try:
        prompt = PromptFile.model_validate(data)
    except ValidationError as exc:
        raise PromptError(format_validation_error(str(path), exc)) from exc
    allowed = PLACEHOLDERS.get(name, frozenset())
    for part in (prompt.system, prompt.user):
        template = Template(part)
        if not template.is_valid():
            raise PromptError(f"{path}: a stray `$`; write `$$` for a literal dollar sign")
        unknown = sorted(set(template.get_identifiers()) - allowed)
        if unknown:
            raise PromptError(f"{path}: unknown placeholder ${unknown[0]}; use any of {', '.join('$' + p for p in sorted(allowed))}")
    return prompt


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "… " + text[-(limit - 2) :]


def describe_scorecard(card: Scorecard) -> str:
    """The scorecard as short plain lines: each feature, its count against target, and up to two quotes."""
    lines = [f"overall {card.overall:.0f}/100"]
    for fid, f in card.features.items():
        target = f"{f.target_min}" if f.target_max in (None, f.target_min) else f"{f.target_min}-{f.target_max}"
        state = "met" if f.met else "MISSING" if f.count == 0 else "below target"
        quotes = "; ".join(f'"{_clip(e.text, 120)}"' for e in f.evidence[:2])
        lines.append(f"- {fid} ({f.name}): {f.count} of {target}, {state}" + (f"; e.g. {quotes}" if quotes else ""))
    d = card.delivery
    if d.wpm is not None:
        lines.append(f"- delivery: {d.wpm:.0f} words/min, {d.fillers} fillers, longest pause {d.longest_pause_s or 0:.1f} s")
    return "\n".join(lines)


def describe_conversation(turns: tuple[tuple[str, str], ...], limit: int = 6000) -> str:
    """Interviewer/candidate lines, oldest first, trimmed from the start to about `limit` characters."""
    lines = []
    for prompt, answer in turns:
        lines.append(f"Interviewer: {' '.join(prompt.split())}")
        lines.append(f"Candidate: {' '.join(answer.split()) or '(no answer)'}")
    text = "\n".join(lines)
    return text if len(text) <= limit else "…" + text[-limit:]
