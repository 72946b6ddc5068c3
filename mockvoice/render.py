"""Terminal rendering of scorecards and transcripts with rich (the CLI's only view code)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .scorecard import Scorecard

__all__ = ["render_scorecard", "fmt_time"]


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "  -  "
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def _bar(score: float, width: int = 10) -> str:
    filled = int(round(score * width))
    return "█" * filled + "░" * (width - filled)


def render_scorecard(card: Scorecard, console: Console, title: str | None = None) -> None:
    """A compact scorecard: each feature with count vs target, quoted evidence with times, feedback."""
    table = Table(show_header=True, header_style="bold", expand=True, box=None, pad_edge=False)
    table.add_column("feature", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("evidence / what to add")
    for fid, f in card.features.items():
        target = f"{f.target_min}" if f.target_max in (None, f.target_min) else f"{f.target_min}-{f.target_max}"
        style = "green" if f.met else ("yellow" if f.count else "red")
        lines = Text()
        for ev in f.evidence[:3]:
            lines.append(f"[{fmt_time(ev.start)}] ", style="dim")
            lines.append(f"\u201c{ev.text}\u201d\n")
        if len(f.evidence) > 3:
            lines.append(f"(+{len(f.evidence) - 3} more)\n", style="dim")
        if not f.met:
            lines.append("→ " + f.feedback.split(". ", 1)[-1], style=style)
        table.add_row(Text(f.name, style=style), f"{f.count}/{target}", Text(_bar(f.score), style=style), lines)
    d = card.delivery
    delivery = Text()
    if d.wpm is not None:
        delivery.append(f"pace {d.wpm:.0f} wpm · fillers {d.fillers} ({d.fillers_per_min:.1f}/min) · "
                        f"longest pause {d.longest_pause_s:.1f} s · hedges {d.hedges}")
    else:
        delivery.append(f"{d.words} words · fillers {d.fillers} · hedges {d.hedges} (no timings for typed text)")
    header = Text.assemble(("overall ", "bold"), (f"{card.overall:.0f}/100", "bold cyan"), f"   rubric {card.rubric}")
    todo = Text()
    for line in card.feedback[:1]:
        todo.append("Work on next: ", style="bold")
        todo.append(line)
    console.print(Panel(Group(header, table, delivery, todo), title=title or "scorecard", expand=True))
