"""The `mockvoice` command line: one module per command, errors turned into one readable line."""

from __future__ import annotations

import importlib
import pkgutil
import signal
import sys
import traceback

import click
import typer

from .. import _interrupted_while_loading
from ..errors import MockvoiceError
from .app import app, err_console, state, tagged

# Each command module in this package registers itself on `app` when imported.
for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "app":
        importlib.import_module(f"{__name__}.{_mod}")

__all__ = ["app", "main"]

# Usage errors (an unknown option, a missing argument, a bad value): click's, and the copy of click that
# newer typer releases vendor (typer._click), which is not a subclass of click's. typer.BadParameter is one.
_USAGE_ERRORS = tuple({click.ClickException, *(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")})
_ABORTS = tuple({click.exceptions.Abort, typer.Abort})


def _command_names() -> set[str]:
    try:
        return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    except Exception:
        return set()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and, as a script, exit with) the exit code."""
    if signal.getsignal(signal.SIGINT) is _interrupted_while_loading:  # loaded: Ctrl-C is a KeyboardInterrupt again
        signal.signal(signal.SIGINT, signal.default_int_handler)
    args = sys.argv[1:] if argv is None else argv
    state.debug = "--debug" in args
    if state.debug:  # `mockvoice rescore --debug` as well as `mockvoice --debug rescore`
        args = ["--debug", *(a for a in args if a != "--debug")]
    try:
        result = app(args=args, prog_name="mockvoice", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except MockvoiceError as exc:
        if state.debug:
            traceback.print_exc()
        err_console.print(tagged(f"{type(exc).__name__}:", "bold red", exc), highlight=False, soft_wrap=True)
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except _USAGE_ERRORS as exc:  # one line, like every other error, not click's usage block
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "mockvoice"
        if where == "mockvoice":  # some errors (an option missing its value) carry no context: name the command given
            names = _command_names()  # (not next(): the `next` command's module shadows it in this package)
            where = ([f"mockvoice {a}" for a in args if not a.startswith("-") and a in names] or [where])[0]
        err_console.print(tagged("Error:", "bold red", f"{exc.format_message().strip().rstrip('.')}; see `{where} --help`"),
                          highlight=False, soft_wrap=True)
        code = exc.exit_code
    except (KeyboardInterrupt, *_ABORTS):
        err_console.print("Interrupted.")
        code = 130
    except Exception as exc:  # a bug: still one line unless --debug
        if state.debug:
            traceback.print_exc()
        err_console.print(
            tagged("InternalError:", "bold red",
                   f"{type(exc).__name__}: {exc} (run with --debug for the traceback and report it)"),
            highlight=False,
            soft_wrap=True,
        )
        code = 1
    if argv is None:
        sys.exit(code)
    return code
