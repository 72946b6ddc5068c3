"""Terminal rendering of scorecards with rich (the CLI's only view code for scores)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .rubric import ROUND_KINDS
from .scorecard import Evidence, FeatureScore, Scorecard

__all__ = ["render_scorecard", "fmt_time"]

MAX_QUOTE = 110
MAX_EVIDENCE = 3


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "  -  "
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def _bar(score: float, width: int = 10) -> str:
    filled = int(round(score * width))
    return "█" * filled + "░" * (width - filled)


def _quote(ev: Evidence) -> str:
    text = ev.text if len(ev.text) <= MAX_QUOTE else ev.text[: MAX_QUOTE - 1].rstrip() + "…"
    return f"\u201c{text}\u201d"


def _feature_cell(f: FeatureScore, style: str) -> Text:
    cell = Text()
    for ev in f.evidence[:MAX_EVIDENCE]:
        cell.append(f"[{fmt_time(ev.start)}] ", style="dim")
        cell.append(_quote(ev) + "\n")
    if len(f.evidence) > MAX_EVIDENCE:
        cell.append(f"(+{len(f.evidence) - MAX_EVIDENCE} more)\n", style="dim")
    if f.near_misses and not f.met:
        miss = f.near_misses[0]
        cell.append(f"not counted [{fmt_time(miss.start)}] ", style="dim")
        cell.append(_quote(miss) + "\n", style="dim italic")
    if not f.met:
        cell.append("→ " + (f.missing or f.feedback), style=style)
    return cell


def render_scorecard(card: Scorecard, console: Console, title: str | None = None) -> None:
    """A compact scorecard: each feature with count vs target, quoted evidence with times, what to add."""
    table = Table(show_header=True, header_style="bold", expand=True, box=None, pad_edge=False)
    table.add_column("feature", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("evidence / what to add")
    for f in card.features.values():
        target = f"{f.target_min}" if f.target_max in (None, f.target_min) else f"{f.target_min}-{f.target_max}"
        style = "green" if f.met else ("yellow" if f.count else "red")
        table.add_row(Text(f.name, style=style), f"{f.count}/{target}", Text(_bar(f.score), style=style), _feature_cell(f, style))
    d = card.delivery
    delivery = Text()
    if d.wpm is not None:
        delivery.append(
            f"pace {d.wpm:.0f} wpm · fillers {d.fillers} ({d.fillers_per_min:.1f}/min) · "
            f"longest pause {d.longest_pause_s:.1f} s · hedges {d.hedges}"
        )
        if d.first_word_s is not None and d.first_word_s >= 3.0:
            delivery.append(f" · first word at {fmt_time(d.first_word_s)}")
    else:
        delivery.append(f"{d.words} words · fillers {d.fillers} · hedges {d.hedges} (no timings for typed text)")
    s = card.structure
    if s is not None and s.requirements_first is not None:
        incident = ROUND_KINDS.get(card.rubric) == "debugging"
        late = "no — you acted on the system before scoping" if incident else "no — you started designing before asking"
        delivery.append("\nrequirements first: " + ("yes" if s.requirements_first else late))
        if s.first_question_at is not None:
            delivery.append(f" · first question at {fmt_time(s.first_question_at)}")
    header = Text.assemble(("overall ", "bold"), (f"{card.overall:.0f}/100", "bold cyan"), f"   rubric {card.rubric}")
    parts: list = [header, table, delivery]
    if card.feedback:
        parts.append(Text.assemble(("Work on next: ", "bold"), card.feedback[0]))
    console.print(Panel(Group(*parts), title=Text(title or "scorecard"), expand=True))
