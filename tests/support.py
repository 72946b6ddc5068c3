"""Helpers shared by test modules in every folder: run the CLI in-process, and cached espeak-ng speech."""

from __future__ import annotations

import hashlib
import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from mockvoice.audio import write_wav

_TTS_CACHE = Path(os.environ.get("MOCKVOICE_TEST_CACHE", Path(__file__).parent / ".cache"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `mockvoice ARGS` in-process and capture its exit code and output."""
    from mockvoice.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


def speak(parts: list, rate: int = 150) -> Path:
    """Synthesise spoken parts (strings and pause lengths in seconds) to a cached WAV file."""
    from mockvoice.speech import synthesize_parts

    key = hashlib.sha256(repr((parts, rate)).encode()).hexdigest()[:16]
    path = _TTS_CACHE / f"tts-{key}.wav"
    if not path.exists():
        clip = synthesize_parts(parts, rate=rate)
        write_wav(path, clip.samples)
    return path


def import_as_old_session(cli, answer: Path, root: Path, missing_key: str) -> Path:
    """Import one answer, then drop `missing_key` from its session.json: a session saved before that field existed."""
    import json

    assert cli("import", answer).code == 0
    (folder,) = [p for p in root.iterdir() if (p / "session.json").is_file()]
    raw = json.loads((folder / "session.json").read_text())
    raw.pop(missing_key)
    (folder / "session.json").write_text(json.dumps(raw))
    return folder


def make_old_index(root: Path, drop_column: str, schema: int) -> None:
    """Turn the recordings folder's index into one an older mockvoice wrote: schema `schema`, without `drop_column`."""
    import sqlite3

    from mockvoice.index import INDEX_FILE

    db = sqlite3.connect(root / INDEX_FILE)
    db.execute(f"ALTER TABLE sessions DROP COLUMN {drop_column}")
    db.execute(f"PRAGMA user_version={schema}")
    db.commit()
    db.close()
