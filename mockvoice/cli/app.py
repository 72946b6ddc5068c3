"""The Typer application object and the shared CLI state (console, --debug)."""

from __future__ import annotations

import logging

import typer
from rich.console import Console
from rich.text import Text

app = typer.Typer(
    name="mockvoice",
    help="A local, spoken mock interviewer: practise out loud, get scored, hear what you missed.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Without a fixed file, rich writes to whatever sys.stdout/sys.stderr are at print time.
# Markup is off: file names, questions and transcripts hold "[...]" that rich would eat as
# styles. A line that wants a styled tag builds it with `tagged`.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


def tagged(tag: str, style: str, text: object = "") -> Text:
    """`tag` in `style`, then `text` as it is: "[x]" in a file name or a transcript stays "[x]"."""
    return Text.assemble((tag, style), " " if text != "" else "", str(text))


def warn(line: str) -> None:
    """One warning line: something about the input that makes the result less sure, though it was used."""
    err_console.print(tagged("warning", "yellow", line), highlight=False, soft_wrap=True)


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
