"""`mockvoice sessions`: list recorded sessions, newest first."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from ..catalog import list_sessions
from ..render import fmt_time
from ..session import recordings_root
from .app import app, console, err_console, tagged


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16]


@app.command()
def sessions(
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List sessions (date, question, turns, overall, length), newest first; address them by id, folder or `last`."""
    found, problems = list_sessions(recordings)
    if as_json:
        rows = [dict(id=s.id, folder=str(s.folder), created_at=s.created_at, question=s.question, turns=s.turns,
                     overall=s.overall, rescored_with=s.rescored_with, length_s=s.length_s, source=s.source,
                     status=s.status) for s in found]
        console.print_json(json.dumps(rows))
    elif not found:
        console.print(f"No sessions in {recordings_root(recordings)}; record one with `mockvoice practice` or `mockvoice demo`.",
                      highlight=False, soft_wrap=True)
    else:
        table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1, 0, 0))
        for col, just in (("date", "left"), ("id", "left"), ("question", "left"), ("turns", "right"),
                          ("overall", "right"), ("length", "right")):
            table.add_column(col, justify=just, no_wrap=True)
        # one line per session: a long question is cut to the width the other columns leave (the id names it)
        others = 16 + max(len(s.id) for s in found) + len("turns") + len("overall") + len("length") + 5
        room = max(8, console.width - others)
        for s in found:
            q = s.question or "-"
            table.add_row(_when(s.created_at), s.id, q if len(q) <= room else q[: room - 1].rstrip() + "…", str(s.turns),
                          ("-" if s.overall is None else f"{s.overall:.0f}") + ("*" if s.rescored_with else ""),
                          fmt_time(s.length_s).strip())
        console.print(table)
        if any(s.rescored_with for s in found):
            console.print("* the newest re-score, as replay and report show it; `mockvoice replay ID --versions` lists them all",
                          highlight=False, soft_wrap=True)
    for line in problems:
        err_console.print(tagged("skipped", "yellow", line), highlight=False, soft_wrap=True)
