"""`mockvoice sessions`: list recorded sessions, newest first."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.cells import cell_len, set_cell_size
from rich.table import Table

from ..catalog import list_sessions, missing_folder, recordings_folder
from ..render import fmt_time
from .app import app, console, err_console, tagged


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16]


def _cut(text: str, width: int) -> str:
    return text if cell_len(text) <= width else set_cell_size(text, width - 1).rstrip() + "…"


def _table(found: list) -> Table:
    """One line per session, never wider than the terminal. The id is what replay and report take, so it stays
    whole; then an import's file name (whose answer: a class's files), cut to fit, and the question in the room
    left. On a narrow terminal the turns and length give way to the file name before it is left out."""
    ids = max(cell_len(s.id) for s in found)  # terminal cells: a name in Chinese or Japanese takes two per letter
    names = max((cell_len(s.source_file) for s in found if s.source_file), default=0)
    extra = [("turns", "right"), ("overall", "right"), ("length", "right")]
    date = len("2026-11-21 10:15") + 1
    fixed = date + ids + 1 + sum(len(c) + 1 for c, _ in extra)
    if names and console.width - fixed < 12:  # whose answer matters more than its length
        extra = [("overall", "right")]
        fixed = date + ids + 1 + len("overall") + 1
    if names and console.width - fixed < 12:  # and more than the date, which the id starts with anyway
        date, fixed = 0, fixed - date
    left = console.width - fixed
    file_w = min(names, max(len("file"), left // 2 if left >= 24 else left - 1)) if names and left > len("file") else 0
    room = left - (file_w + 1 if file_w else 0) - 1
    cols = [("date", "left")] * bool(date) + [("id", "left")] + [("file", "left")] * bool(file_w) + \
        [("question", "left")] * (room >= len("question")) + extra
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1, 0, 0))
    for col, just in cols:
        table.add_column(col, justify=just, no_wrap=True)
    for s in found:
        cells = {"turns": str(s.turns), "length": fmt_time(s.length_s).strip(),
                 "overall": ("-" if s.overall is None else f"{s.overall:.0f}") + ("*" if s.rescored_with else "")}
        table.add_row(*[_when(s.created_at)] * bool(date), s.id, *[_cut(s.source_file or "-", file_w)] * bool(file_w),
                      *[_cut(s.question or "-", room)] * (room >= len("question")), *(cells[c] for c, _ in extra))
    return table


@app.command()
def sessions(
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List sessions (date, id, imported file, question, turns, overall, length), newest first; address them by id,
    folder or `last`."""
    root, exists = recordings_folder(recordings)
    if not exists:
        console.print("[]" if as_json else f"No sessions: {missing_folder(root)}.", highlight=False, soft_wrap=True)
        return
    found, problems = list_sessions(root)
    if as_json:
        rows = [dict(id=s.id, folder=str(s.folder), created_at=s.created_at, question=s.question, turns=s.turns,
                     overall=s.overall, rescored_with=s.rescored_with, length_s=s.length_s, source=s.source,
                     status=s.status, source_file=s.source_file) for s in found]
        console.print_json(json.dumps(rows))
    elif not found:
        console.print(f"No sessions in {root}; record one with `mockvoice practice` or `mockvoice demo`.",
                      highlight=False, soft_wrap=True)
    else:
        console.print(_table(found))
        if any(s.rescored_with for s in found):
            console.print("* the newest re-score, as replay and report show it; `mockvoice replay ID --versions` lists them all",
                          highlight=False, soft_wrap=True)
    for line in problems:
        err_console.print(tagged("skipped", "yellow", line), highlight=False, soft_wrap=True)
