"""The Typer application object and the shared CLI state (console, --debug)."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

app = typer.Typer(
    name="mockvoice",
    help="A local, spoken mock interviewer: practise out loud, get scored, hear what you missed.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Without a fixed file, rich writes to whatever sys.stdout/sys.stderr are at print time.
console = Console()
err_console = Console(stderr=True)


class State:
    debug = False


state = State()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks and debug logs."),
) -> None:
    state.debug = debug
    if debug:
        logging.basicConfig(level=logging.DEBUG)
