"""`mockvoice rescore`: re-score every session (or some) with the current rubrics, on all cores."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..errors import SessionError
from ..importer import resolve_question
from ..index import parse_since
from ..rescore import Interrupts, Job, Summary, plan, run
from ..writes import check_writable, write_atomic
from .app import app, console, err_console, tagged


class _Rate(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "  -/s", style="cyan")


def _targets(refs: list[str], root: Path | None = None) -> list[Path]:
    if not refs:
        from ..catalog import missing_folder, recordings_folder  # a file where the folder should be is one line

        folder, exists = recordings_folder(root)
        if not exists:  # not "no such session or folder": it is the recordings folder that is missing
            raise SessionError(f"nothing to re-score: {missing_folder(folder)}")
        return [folder]
    out = []
    for ref in refs:
        p = Path(ref).expanduser()
        if p.exists():
            out.append(p)
            continue
        from ..catalog import resolve_session  # ids and `last`

        out.append(resolve_session(ref, root))
    return out


def _export(summary: Summary, csv_path: Path | None, json_path: Path | None) -> None:
    rows = summary.rows()
    if csv_path:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["path", "status"])
        w.writeheader()
        w.writerows(rows)
        write_atomic(csv_path, buf.getvalue(), "write the CSV", "pick another path with --csv")
    if json_path:
        changes = {k: {"feature": c.feature, "rubric": c.rubric, "before": c.before, "after": c.after, "sessions": c.sessions}
                   for k, c in summary.feature_changes().items()}
        counts = {s: summary.count(s) for s in ("rescored", "skipped", "failed", "filtered", "would", "stopped")}
        write_atomic(json_path, json.dumps({"counts": counts, "interrupted": summary.interrupted,
                                            "features": changes, "sessions": rows}, indent=1),
                     "write the JSON", "pick another path with --json")


def _mixed_rubrics(summary: Summary, rubric: str) -> str | None:
    """The warning when one --rubric was applied to sessions first scored with several rubrics (a behavioral
    answer scored for system-design sizing), naming how many of each; None when they share one."""
    counts = summary.original_rubrics()
    if len(counts) < 2:
        return None
    each = ", ".join(f"{n} {rb}" for rb, n in counts.items())
    return (f"--rubric {rubric} was applied to sessions first scored with {len(counts)} rubrics ({each}); "
            "pass --question ID to re-score one question's sessions")


def _report(summary: Summary, dry_run: bool, rubric: str | None = None, filters: str = "--since") -> None:
    for r in summary.failed()[:20]:
        err_console.print(tagged("failed", "red", r.reason or r.path), highlight=False, soft_wrap=True)
    if len(summary.failed()) > 20:
        err_console.print(f"... and {len(summary.failed()) - 20} more failures (see --csv/--json)")
    repaired = [r for r in summary.results if r.reason and r.status in ("rescored", "would")]
    for r in repaired[:20]:  # a damaged version file scored again (or, in a dry run, that would be)
        console.print(tagged("repaired" if r.status == "rescored" else "damaged", "yellow", r.reason),
                      highlight=False, soft_wrap=True)
    if len(repaired) > 20:
        console.print(f"... and {len(repaired) - 20} more damaged versions (see --csv/--json)", highlight=False)
    if rubric and (warning := _mixed_rubrics(summary, rubric)):
        console.print(tagged("warning", "yellow", warning), highlight=False, soft_wrap=True)
    changes = summary.feature_changes()
    if changes:
        t = Table(title="what would change (dry run: nothing written)" if dry_run else "what changed", box=None, header_style="bold")
        t.add_column("feature")
        t.add_column("mean before", justify="right")
        t.add_column("after", justify="right")
        t.add_column("sessions", justify="right")
        fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
        heading = None
        for c in changes.values():  # as `progress` shows them: a heading per first rubric when there are several
            if c.rubric and c.rubric != heading:
                heading = c.rubric
                t.add_row(Text(f"first scored with {heading}:", style="bold"))
            style = "green" if (c.after or 0) > (c.before or 0) else ("red" if (c.after or 0) < (c.before or 0) else "")
            t.add_row(f"  {c.feature}" if heading else c.feature, fmt(c.before), Text(fmt(c.after), style=style), str(c.sessions))
        console.print(t)
    movers = summary.movers()
    if movers:
        console.print(tagged("moved most", "bold", "(overall before -> after):"))
        for r in movers:
            before, after = round(r.before[0]), round(r.after[0])  # the change as the shown scores make it, 19 -> 28 (+9)
            console.print(f"  {Path(r.path).name}: {before} -> {after} ({after - before:+d})", highlight=False)
    verb = "would re-score" if dry_run else "re-scored"
    n = summary.count("would") if dry_run else summary.count("rescored")
    line = (f"{verb} {n}, skipped {summary.count('skipped')}, failed {summary.count('failed')}"
            + (f", outside {filters} {summary.count('filtered')}" if summary.count("filtered") else "")
            + f" in {summary.elapsed_s:.1f} s on {summary.workers} worker{'s' if summary.workers > 1 else ''}")
    if summary.interrupted:
        line += f"; interrupted, {summary.count('stopped')} left: run the same command again to resume"
    console.print(line, highlight=False)


@app.command()
def rescore(
    sessions: list[str] = typer.Argument(None, help="Session folders, ids, `last`, or folders of sessions (default: the recordings folder)."),
    rubric: str = typer.Option(None, "--rubric", "-r", help="Rubric to score with (default: each session's own rubric, as it is now)."),
    since: str = typer.Option(None, "--since", help="Only sessions recorded since YYYY-MM-DD, or within a span like 30d."),
    question: str = typer.Option(None, "--question", "-q", help="Only sessions of this question id (see `mockvoice questions`)."),
    workers: int = typer.Option(0, "--workers", "-j", min=0, show_default=False, help="Worker processes (default: all cores)."),
    retranscribe: bool = typer.Option(False, "--retranscribe", help="Run speech-to-text again with --model, store it as a new transcript version, and score that."),
    model: str = typer.Option(None, "--model", "-m", help="Whisper model for --retranscribe (name or folder)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be re-scored; write nothing."),
    csv_out: Path = typer.Option(None, "--csv", help="Write one row per session to this CSV file."),
    json_out: Path = typer.Option(None, "--json", help="Write the summary and one entry per session to this JSON file."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
) -> None:
    """Re-score stored transcripts with the current rubrics; each result is a new version beside the old ones."""
    from ..errors import MockvoiceError
    from ..rubric import load_rubric

    if retranscribe and not model:
        raise MockvoiceError("--retranscribe needs --model NAME (e.g. base.en, or a local model folder)")
    if model and not retranscribe:
        raise MockvoiceError("--model is only used with --retranscribe; add --retranscribe")
    if rubric:
        load_rubric(rubric)  # a bad --rubric is one line before any work
    for out, what, flag in ((csv_out, "write the CSV", "--csv"), (json_out, "write the JSON", "--json")):
        if out:  # likewise an export that could not be written
            check_writable(out, what, f"pick another path with {flag}")
    question_id = resolve_question(question).id  # an unknown id is one line before any work
    job = Job(rubric=rubric, since=parse_since(since), question=question_id, model=model if retranscribe else None,
              dry_run=dry_run)
    # From here Ctrl-C only sets a flag that the engine reads: it never lands in a commit, the progress bar's
    # teardown or the report, so an interrupted run still says where it stopped and writes its exports.
    with Interrupts() as interrupts:
        work = plan(_targets(sessions or [], recordings), job)
        progress = Progress(TextColumn("re-scoring"), BarColumn(), MofNCompleteColumn(), _Rate(),
                            TextColumn("ETA"), TimeRemainingColumn(), console=err_console, transient=True)
        state: dict = {}

        def on_start(total: int) -> None:
            progress.start()
            state["task"] = progress.add_task("rescore", total=total)

        try:
            summary = run(work, job, workers=workers or None, on_start=on_start,
                          on_result=lambda r: progress.advance(state["task"]), interrupts=interrupts)
        finally:
            progress.stop()
            for idx in work.indexes:
                idx.close()
        _report(summary, dry_run, rubric, "/".join(f for f, v in (("--since", since), ("--question", question)) if v))
        _export(summary, csv_out, json_out)
    if summary.interrupted:
        raise typer.Exit(130)
    if summary.count("failed"):
        raise typer.Exit(1)
