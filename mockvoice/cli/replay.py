"""`mockvoice replay SESSION`: hear an answer again with its evidence, pauses and fillers marked as they happen."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..catalog import open_session
from ..replay import output_available, replay_turns, run_replay
from ..replayview import annotated_lines
from .app import app, console, err_console


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
) -> None:
    """Replay a session: audio with a synced transcript, rubric hits, pauses and fillers marked, probes between turns."""
    folder, loaded = open_session(session, recordings)
    device = _device(output_device)
    interactive = not no_audio and sys.stdin.isatty() and sys.stdout.isatty()
    if interactive and not output_available(device):
        err_console.print("No audio output device; printing the annotated transcript instead "
                          "(pick one with --output-device, or pass --no-audio).", highlight=False, soft_wrap=True)
        interactive = False
    turns = replay_turns(folder, loaded, turn, load=interactive)
    if interactive and any(t.samples is not None for t in turns):
        run_replay(turns, console, start=start, device=device, wrap_up=loaded.wrap_up if turn is None else None)
        return
    if interactive:
        err_console.print("These answers have no audio (typed or imported text); printing the annotated transcript.",
                          highlight=False, soft_wrap=True)
    console.print(f"{loaded.question}  ·  {loaded.id}", style="bold", highlight=False, soft_wrap=True)
    for line in annotated_lines(turns, wrap_up=loaded.wrap_up if turn is None else None, start=start):
        console.print(line, highlight=False, soft_wrap=True)
