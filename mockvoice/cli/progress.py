"""`mockvoice progress`: per-feature trends across sessions in the terminal, and an HTML chart."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from ..importer import resolve_question
from ..errors import RubricError
from ..rubric import RUBRIC_SUFFIXES, list_rubrics, load_rubric
from ..index import Index, parse_since
from ..progress import OVERALL, chart_html, history, ordered, rubrics_note, sparkline, trends, window_note
from ..catalog import missing_folder, recordings_folder
from ..writes import write_atomic
from .app import app, console

_HINT = "pick another path with -o"


def _rubric_id(value: str) -> str:
    """The rubric id to chart: a bundled rubric's or a rubric file's (read for its id; a bad file is one line), or
    a bare id such as a rubric file's that `rescore --rubric` used (the scores know it; the file need not be here)."""
    try:
        return load_rubric(value).id
    except RubricError:
        if Path(value).suffix.lower() in RUBRIC_SUFFIXES or "/" in value or not value.strip():
            raise
        return value.strip()


@app.command()
def progress(
    question: str = typer.Option(None, "--question", "-q", help="Only sessions of this question id."),
    since: str = typer.Option(None, "--since", help="Only sessions since YYYY-MM-DD, or within a span like 30d."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="Scores from this rubric (an id, or the rubric file given to "
                               "`rescore --rubric`): the sessions re-scored with it. Default: each session's own rubric."),
    output: Path = typer.Option(None, "--output", "-o", help="Where to write the HTML chart (default: progress.html in the recordings folder)."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
) -> None:
    """Are you getting better? Each feature's trend over your sessions, and a chart to open in a browser."""
    rubric_id = _rubric_id(rubric) if rubric else None
    root, exists = recordings_folder(recordings)
    if not exists:
        if question:
            resolve_question(question)
        console.print(f"No scored sessions: {missing_folder(root)}.", highlight=False, soft_wrap=True)
        return
    with Index(root) as idx:
        points = history(idx, since=parse_since(since), question=question, rubric=rubric_id)
        broken = len(idx.broken())
    if not points:
        if question:
            resolve_question(question)  # a typo in the id is an "unknown question" line, not "no sessions yet"
        where = (f" for question {question!r}" if question else "") + (f" since {since}" if since else "")
        if rubric_id:
            fix = (f"score them with `mockvoice rescore --rubric {rubric}`" if rubric_id in list_rubrics() or
                   Path(rubric).is_file() else "check the id, or pass the rubric file")
            console.print(f"No sessions{where} in {root} are scored with rubric {rubric_id!r}; {fix}.",
                          highlight=False, soft_wrap=True)
            return
        console.print(f"No scored sessions{where} in {root}" + ("; try an earlier --since." if since else
                      " yet; record one with `mockvoice practice` or `mockvoice import`."), highlight=False, soft_wrap=True)
        return
    ts = trends(points)
    width = max(len(tr.feature) + 2 for tr in ts.values())  # feature ids stay whole; the trend column gives way
    scored = f", scored with rubric {rubric_id}" if rubric_id else ""
    t = Table(title=f"progress over {len(points)} sessions ({points[0].when[:10]} to {points[-1].when[:10]}{scored})",
              box=None, header_style="bold")
    for col, just in (("feature", "left"), ("sessions", "right"), ("earliest", "right"), ("latest", "right"),
                      ("change", "right"), ("trend, oldest → newest", "left")):
        t.add_column(col, justify=just, no_wrap=col == "feature", min_width=width if col == "feature" else None)
    by_rubric = rubrics_note(points) is not None  # several rubrics: a heading row per rubric, its features under it
    heading = None
    for fid in ordered(ts):
        tr = ts[fid]
        if by_rubric and tr.rubric != heading:
            heading = tr.rubric
            t.add_row(Text(f"{heading}:", style="bold"))
        style = {"up": "green", "down": "red", "flat": "dim"}[tr.direction]
        scale = 100 if fid == OVERALL else 1
        fmt = (lambda x: f"{x * 100:.0f}") if fid == OVERALL else (lambda x: f"{x:.2f}")
        # the change between the numbers as shown, so "40 -> 40" never reads "+1"
        shown = (round(tr.recent * 100) - round(tr.early * 100)) if scale == 100 else round(tr.recent, 2) - round(tr.early, 2)
        t.add_row(f"  {tr.feature}" if heading else fid, str(len(tr.scores)), fmt(tr.early), fmt(tr.recent),
                  Text(f"{shown:+.2f}" if scale == 1 else f"{shown:+d}", style=style),
                  Text(sparkline(tr.scores, 20), style=style, no_wrap=True))
    console.print(t)
    console.print(window_note(ts), highlight=False, soft_wrap=True)
    if note := rubrics_note(points):
        console.print(note, highlight=False, soft_wrap=True)
    mixed = {p.scored_with == "original" for p in points}
    if len(mixed) > 1:
        console.print("Some sessions have not been re-scored with the current rubric; run `mockvoice rescore` to compare like with like.")
    if broken:
        console.print(f"{broken} folder(s) could not be read and are left out; `mockvoice rescore` lists why.")
    out = Path(output or root / "progress.html")
    write_atomic(out, chart_html(points), "write the chart", _HINT)
    console.print(f"chart: {out}", highlight=False)
