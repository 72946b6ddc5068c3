"""`mockvoice questions`: the question bank, with ids for `practice --question`."""

from __future__ import annotations

import typer
from rich.padding import Padding
from rich.text import Text

from ..errors import PromptError
from ..prompts import load_questions
from .app import app, console, tagged


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
    # A block per question, not a table: at 80 columns a five-column table broke the ids that
    # are copied into --question, and squeezed the question into a one-word-wide column.
    for q in qs:
        console.print(tagged(q.id, "bold", f"({q.topic} · rubric {q.rubric})"), highlight=False, soft_wrap=True)
        console.print(Padding(Text(q.text), (0, 0, 0, 2)))
        console.print(Padding(Text("probes: " + ", ".join(q.probes), style="dim"), (0, 0, 0, 2)))
    console.print(f"{len(qs)} questions. Practise one: mockvoice practice --question {qs[0].id}", highlight=False)
