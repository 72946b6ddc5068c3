"""`mockvoice questions`: the question bank, with ids for `practice --question`."""

from __future__ import annotations

import typer
from rich.table import Table

from ..errors import PromptError
from ..prompts import load_questions
from .app import app, console


@app.command()
def questions(
    topic: str = typer.Option(None, "--topic", "-t", help="Only this topic."),
    folder: str = typer.Option(None, "--folder", help="A folder of question .yaml files to validate and list instead."),
) -> None:
    """List the practice questions by topic, with their rubric and probe families."""
    qs = load_questions(folder)
    if topic:
        qs = tuple(q for q in qs if q.topic == topic)
        if not qs:
            raise PromptError(f"no questions with topic {topic!r}; topics are system-design, debugging, architecture-review, behavioral")
    table = Table(box=None, header_style="bold")
    for col in ("id", "topic", "rubric", "question", "probes"):
        table.add_column(col, overflow="fold")
    for q in qs:
        table.add_row(q.id, q.topic, q.rubric, q.text, ", ".join(q.probes))
    console.print(table)
    console.print(f"{len(qs)} questions. Practise one: mockvoice practice --question {qs[0].id}", highlight=False)
