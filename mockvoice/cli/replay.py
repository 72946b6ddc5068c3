"""`mockvoice replay SESSION`: hear an answer again with its evidence, pauses and fillers marked as they happen."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..catalog import open_session
from ..replay import output_available, replay_turns, run_replay
from ..replayview import annotated_lines
from ..scoreview import LATEST, ScoreView, choose, repair_hint
from .app import app, console, err_console, tagged

VERSION_HELP = "Which scores to show: `latest` (the newest re-score, the default), `original`, or a key from --versions."


def _device(value: str | None) -> int | str | None:
    return int(value) if value is not None and value.isdigit() else value


@app.command()
def replay(
    session: str = typer.Argument(..., help="A session id (or unique prefix), a session folder, or `last`."),
    turn: int = typer.Option(None, "--turn", "-t", min=1, help="Replay only this answer (1 = the first)."),
    start: float = typer.Option(0.0, "--from", min=0.0, help="Start this many seconds into the (first) answer."),
    no_audio: bool = typer.Option(False, "--no-audio", help="Print the annotated transcript with timestamps instead of playing."),
    output_device: str = typer.Option(None, "--output-device", help="Output device index or name (see `mockvoice devices`)."),
    recordings: Path = typer.Option(None, "--recordings", help="Where sessions live (default $MOCKVOICE_RECORDINGS or ./recordings)."),
    version: str = typer.Option(LATEST, "--version", help=VERSION_HELP),
    versions: bool = typer.Option(False, "--versions", help="List the session's score versions (original and re-scores) and stop."),
) -> None:
    """Replay a session: audio with a synced transcript, rubric hits, pauses and fillers marked, probes between turns."""
    folder, stored = open_session(session, recordings)
    view = choose(folder, stored, version)
    if versions:
        print_versions(view)
        return
    loaded = view.session
    header = _header(loaded)
    scores = view.heading() + (f" · {len(view.versions) - 1} re-score(s): --versions lists them" if len(view.versions) > 1 else "")
    for note in (*view.notes, *_cut_short(stored.status, loaded, folder)):
        err_console.print(tagged("note", "yellow", note), highlight=False, soft_wrap=True)
    whole = view.whole  # the whole interview's card, after the last of several answers
    device = _device(output_device)
    interactive = not no_audio and sys.stdin.isatty() and sys.stdout.isatty()
    if interactive and not output_available(device):
        err_console.print("No audio output device; printing the annotated transcript instead "
                          "(pick one with --output-device, or pass --no-audio).", highlight=False, soft_wrap=True)
        interactive = False
    turns = replay_turns(folder, loaded, turn, load=interactive, turn_scores=not view.sliced)
    if interactive and any(t.samples is not None for t in turns):
        console.print(scores, style="dim", highlight=False, soft_wrap=True)
        run_replay(turns, console, start=start, device=device, wrap_up=loaded.wrap_up if turn is None else None,
                   whole=whole if turn is None else None)
        return
    if interactive:
        err_console.print("These answers have no audio (typed or imported text); printing the annotated transcript.",
                          highlight=False, soft_wrap=True)
    console.print(header, style="bold", highlight=False, soft_wrap=True)
    console.print(scores, style="dim", highlight=False, soft_wrap=True)
    for line in annotated_lines(turns, wrap_up=loaded.wrap_up if turn is None else None, start=start,
                                whole=whole if turn is None else None):
        console.print(line, highlight=False, soft_wrap=True)


def _header(s) -> str:
    """`question  ·  id  ·  from alice.m4a`: what was asked, which session, and (an import) whose file it was."""
    return "  ·  ".join(p for p in (s.question, s.id, s.source_file and f"from {s.source_file}") if p)


def _cut_short(status: str, shown, folder: Path) -> list[str]:
    """A session stopped while an answer was recorded (killed, or the disk filled) has its audio but no words
    for it: say so, and how to recover them, rather than show an empty answer without a word."""
    if status == "complete":
        return []
    empty = [i for i, t in enumerate(shown.turns, 1) if t.audio and t.transcript.is_empty and (folder / t.audio).is_file()]
    if not empty:
        return []
    which = ", ".join(str(i) for i in empty)
    return [f"the session was cut short ({status}): answer {which} has audio but no transcript; "
            f"`mockvoice rescore {folder} --retranscribe --model tiny.en` transcribes and scores it"]


def print_versions(view: ScoreView) -> None:
    """One line per score version of the session (key, overall, rubric, hash, date), the one shown marked."""
    console.print(_header(view.session), style="bold", highlight=False, soft_wrap=True)
    width = max(len(k) for k in [v.key for v in view.versions] + [p.stem for p in view.damaged])
    for v in view.versions:
        score = "  -" if v.overall is None else f"{v.overall:3.0f}"
        mark = "  ← shown" if v.key == view.shown.key else ""
        console.print(f"  {v.key:<{width}}  {score}/100  {v.describe()}{mark}", highlight=False, soft_wrap=True)
    for p in view.damaged:  # a file that cannot be read is named, not silently left out
        console.print(tagged(f"  {p.stem:<{width}}  damaged", "yellow", f"(cannot be read): {repair_hint(p)}"),
                      highlight=False, soft_wrap=True)
    console.print("Replay and report show the newest by default; pick another with --version KEY (or `original`).",
                  style="dim", highlight=False, soft_wrap=True)
