"""`mockvoice next`: what to practise next, by spaced repetition over your weak features and questions."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import typer
from rich.table import Table

from ..errors import MockvoiceError
from ..index import Index
from ..progress import history
from ..rubric import load_rubric
from ..schedule import Candidate, plan_next
from ..catalog import missing_folder, recordings_folder
from .app import app, console, err_console, tagged


def _candidates() -> list[Candidate]:
    """The question bank as candidates; none, and one line saying why, when the bank or a rubric is broken."""
    from ..prompts import load_questions

    try:
        out = []
        for q in load_questions():
            rb = load_rubric(q.rubric)
            out.append(Candidate(q.id, q.text, rb.id, tuple(f.id for f in rb.features)))
        return out
    except MockvoiceError as exc:  # `next` still names the weak features
        err_console.print(tagged("no question picked:", "yellow", f"{type(exc).__name__}: {exc}"), highlight=False, soft_wrap=True)
        return []


@app.command("next")
def next_(
    show_all: bool = typer.Option(False, "--all", help="Also show the whole schedule."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
) -> None:
    """Pick what to practise next: weak features and questions come back sooner, strong ones later."""
    root, exists = recordings_folder(recordings)
    points = []
    if exists:
        with Index(root) as idx:
            points = history(idx)
    else:  # still a first question to start with, but a typo in --recordings is not "no sessions yet"
        err_console.print(tagged("note", "yellow", missing_folder(root)), highlight=False, soft_wrap=True)
    now = datetime.now(timezone.utc)
    s = plan_next(points, _candidates(), now)
    if s.question:
        console.print(tagged("Next:", "bold", f"{s.question.id}  ({s.question.rubric})\n  {s.question.text}"), highlight=False)
        console.print(f"  mockvoice practice --question {s.question.id}", style="cyan", highlight=False)
    if s.focus:
        console.print(tagged("Focus on:", "bold", ", ".join(c.id for c in s.focus)), highlight=False)
    console.print(tagged("Why:", "bold"))
    for r in s.reasons:
        console.print(f"  - {r}", highlight=False, soft_wrap=True)
    if show_all and s.cards:
        t = Table(box=None, header_style="bold", title="schedule")
        for col in ("card", "kind", "box", "last", "sessions", "due"):
            t.add_column(col)
        for c in sorted(s.cards, key=lambda c: c.due):
            due = "now" if c.due <= now else c.due.astimezone().strftime("%Y-%m-%d %H:%M")
            t.add_row(c.id, c.kind, str(c.box), f"{c.last_score:.2f}", str(c.reviews), due)
        console.print(t)
