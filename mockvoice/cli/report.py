"""`mockvoice report SESSION...`: write one self-contained HTML report (several sessions side by side)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..catalog import open_session
from ..errors import InputFileError
from ..report import build_report
from ..scoreview import LATEST
from ..writes import check_writable, write_atomic
from .app import app, console

_HINT = "pick another path with -o"


@app.command()
def report(
    sessions: list[str] = typer.Argument(..., help="Session ids, folders, or `last`; several of one question show progress."),
    output: Path = typer.Option(None, "--output", "-o", help="The HTML file to write (default: report-<id>.html here)."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
    version: str = typer.Option(LATEST, "--version", help="Which scores to show: `latest` (the newest re-score, the default), "
                                "`original`, or a key from `mockvoice replay SESSION --versions`."),
) -> None:
    """Write an offline HTML report: scorecards, transcript with evidence, timeline, pace, click-to-play audio."""
    loaded = [open_session(ref, recordings) for ref in sessions]
    if output is None:
        first = loaded[0][1].id
        output = Path(f"report-{first}.html" if len(loaded) == 1 else f"report-{first}-and-{len(loaded) - 1}-more.html")
    if output.is_dir():
        raise InputFileError(f"{output}: is a folder; give a file name ending in .html")
    check_writable(output, "write the report", _HINT)  # before the work of building it
    page = build_report(loaded, version)
    write_atomic(output, page, "write the report", _HINT)
    console.print(f"Wrote {output} ({_size(len(page.encode()))}, {len(loaded)} session(s)); "
                  f"open it in any browser, it works offline.", highlight=False, soft_wrap=True)


def _size(n: int) -> str:
    """A file size as people say it: "6.7 MB", "48 kB" (a typed answer's report is not "0.0 MB")."""
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"
