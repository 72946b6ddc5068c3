"""A SQLite catalogue of the sessions under a recordings root, for fast listings and queries.

The session folders stay the source of truth: the index (`<root>/.mockvoice-index.sqlite`)
remembers what it read from each folder together with the `session.json` size and mtime and
the `scores/` folder mtime, so a refresh only re-reads folders that changed. Delete the file
(or call `Index.rebuild()`) and it is rebuilt from the folders.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path


from .errors import MockvoiceError, SessionError
from .session import SESSION_FILE, Session, load_session
from .versions import SCORES_DIR, ScoreVersion, read_score_version, summarise_cards

__all__ = ["INDEX_FILE", "SessionRow", "Stat", "Index", "read_session", "read_session_summary", "session_row", "stat_session", "parse_since", "utc_iso"]

INDEX_FILE = ".mockvoice-index.sqlite"
# 2: source_sha256 (an import's source file hash); 3: source_file (its name) and each version file's mtime and size.
# An index of another schema is rebuilt from the folders.
_SCHEMA = 3
_DDL = """
CREATE TABLE IF NOT EXISTS sessions(
  path TEXT PRIMARY KEY, name TEXT, id TEXT, created_at TEXT, source TEXT, status TEXT,
  question_id TEXT, question TEXT, rubric TEXT, rubric_hash TEXT, turns INTEGER, duration REAL,
  overall REAL, features TEXT, error TEXT, source_sha256 TEXT, source_file TEXT,
  mtime_ns INTEGER, size INTEGER, scores_mtime_ns INTEGER);
CREATE INDEX IF NOT EXISTS sessions_created ON sessions(created_at);
CREATE TABLE IF NOT EXISTS versions(
  path TEXT, file TEXT, rubric TEXT, rubric_hash TEXT, transcript TEXT, created_at TEXT,
  overall REAL, features TEXT, mtime_ns INTEGER, size INTEGER, PRIMARY KEY(path, file));
"""
_COLS = ("path", "name", "id", "created_at", "source", "status", "question_id", "question", "rubric",
         "rubric_hash", "turns", "duration", "overall", "features", "error", "source_sha256", "source_file")


@dataclass(frozen=True)
class Stat:
    """What a refresh compares: `session.json` mtime and size (-1 when absent) and `scores/` mtime."""

    mtime_ns: int
    size: int
    scores_mtime_ns: int


def stat_session(folder: Path | str) -> Stat:
    """Two stats, on plain strings (pathlib costs more than the system calls over thousands of folders)."""
    folder = os.fspath(folder)
    try:
        st = os.stat(f"{folder}{os.sep}{SESSION_FILE}")
        m, s = st.st_mtime_ns, st.st_size
    except OSError:
        m, s = -1, -1
    try:
        sm = os.stat(f"{folder}{os.sep}{SCORES_DIR}").st_mtime_ns
    except OSError:
        sm = 0
    return Stat(m, s, sm)


@dataclass(frozen=True)
class SessionRow:
    """One session as the index knows it (or the reason it could not be read)."""

    path: str
    name: str
    id: str | None = None
    created_at: str = ""
    source: str | None = None
    status: str | None = None
    question_id: str | None = None
    question: str = ""
    rubric: str | None = None
    rubric_hash: str | None = None
    turns: int = 0
    duration: float | None = None
    overall: float | None = None
    features: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    source_sha256: str | None = None
    source_file: str | None = None


def session_row(folder: Path, session: Session) -> SessionRow:
    """The index row of a loaded session (original scores: session card, else the mean of its turns)."""
    if session.scorecard is not None:
        overall, feats = session.scorecard.overall, {k: f.score for k, f in session.scorecard.features.items()}
    else:
        overall, feats = summarise_cards([t.scorecard for t in session.turns])
    durations = [t.transcript.duration for t in session.turns if t.transcript.duration is not None]
    return SessionRow(
        path=str(folder), name=folder.name, id=session.id, created_at=session.created_at, source=session.source,
        status=session.status, question_id=session.question_id, question=session.question, rubric=session.rubric,
        rubric_hash=session.rubric_hash, turns=len(session.turns), duration=round(sum(durations), 2) if durations else None,
        overall=overall, features=feats, source_sha256=session.source_sha256, source_file=session.source_file,
    )


def read_session(folder: Path) -> Session:
    """Load and validate a session with no side effects (never repairs audio, unlike a plain load)."""
    return load_session(folder, repair_audio=False)


def read_session_summary(folder: Path) -> Session:
    """`read_session` for re-scoring: stored scorecards read only as far as their scores (SessionSummary),
    metadata and transcripts as `read_session` gives them, and the same reason for a session that fails."""
    return load_session(folder, repair_audio=False, scorecards=False)


def error_row(folder: Path, reason: str) -> SessionRow:
    return SessionRow(path=str(folder), name=folder.name, error=reason)


def parse_since(text: str | None) -> str | None:
    """`2026-11-01`, a full ISO time, or `7d`/`2w` ago, as a UTC ISO string to compare `created_at` with."""
    if not text:
        return None
    m = re.fullmatch(r"(\d+)\s*([dw])", text.strip())
    if m:
        days = int(m[1]) * (7 if m[2] == "w" else 1)
        return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise MockvoiceError(f"--since {text!r}: not a date; use YYYY-MM-DD or a span like 7d or 2w") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def utc_iso(created_at: str) -> str:
    """A stored time as UTC ISO text (comparable as strings); unparseable text is returned as it is."""
    try:
        when = datetime.fromisoformat(created_at)
    except (TypeError, ValueError):
        return created_at or ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


class Index:
    """The catalogue of one recordings root; `refresh()` brings it up to date with the folders."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.db = self._open(self.root / INDEX_FILE)
        except (OSError, sqlite3.Error):  # a read-only or full root: an index in memory still works
            self.db = self._open(":memory:")

    @staticmethod
    def _open(where: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA:
                db.executescript("DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS versions;")
                db.execute(f"PRAGMA user_version={_SCHEMA}")
            db.executescript(_DDL)
        except BaseException:
            db.close()
            raise
        return db

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.db.commit()
        except sqlite3.Error:
            pass  # a full or read-only disk: the index is a cache, the next run reads the folders again
        finally:
            self.db.close()

    # --- scanning ---------------------------------------------------------------------
    def folders(self) -> list[Path]:
        """The candidate session folders under the root (hidden folders left out), by name."""
        try:
            with os.scandir(self.root) as it:
                return sorted(Path(e.path) for e in it if not e.name.startswith(".") and e.is_dir())
        except FileNotFoundError:
            return []

    def known(self) -> dict[str, Stat]:
        rows = self.db.execute("SELECT path, mtime_ns, size, scores_mtime_ns FROM sessions")
        return {p: Stat(m, s, sm) for p, m, s, sm in rows}

    def scan(self) -> tuple[list[tuple[Path, Stat]], list[tuple[Path, Stat]], list[tuple[Path, Stat]]]:
        """Folders split into (unchanged, session.json changed or new, only scores/ changed); drops gone ones."""
        known = self.known()
        same, changed, rescored = [], [], []
        seen = set()
        for folder in self.folders():
            key = str(folder)
            seen.add(key)
            st = stat_session(folder)
            old = known.get(key)
            if old is None or (old.mtime_ns, old.size) != (st.mtime_ns, st.size):
                changed.append((folder, st))
            elif old.scores_mtime_ns != st.scores_mtime_ns:
                rescored.append((folder, st))
            else:
                same.append((folder, st))
        gone = [p for p in known if p not in seen and Path(p).parent == self.root]
        if gone:
            self.db.executemany("DELETE FROM sessions WHERE path=?", [(p,) for p in gone])
            self.db.executemany("DELETE FROM versions WHERE path=?", [(p,) for p in gone])
        return same, changed, rescored

    def refresh(self) -> "Index":
        """Re-read the folders that changed since the last refresh (serially; `rescore` does it in parallel)."""
        _, changed, rescored = self.scan()
        for folder, st in changed:
            try:
                row = session_row(folder, read_session(folder))
            except SessionError as exc:
                row = error_row(folder, str(exc))
            self.put_session(row, st)
            self.load_versions(folder, st)
        for folder, st in rescored:
            self.load_versions(folder, st)
        self.commit()
        return self

    def rebuild(self) -> "Index":
        """Forget everything and re-read every folder."""
        self.db.executescript("DELETE FROM sessions; DELETE FROM versions;")
        return self.refresh()

    # --- writing ----------------------------------------------------------------------
    def put_session(self, row: SessionRow, st: Stat) -> None:
        values = [getattr(row, c) for c in _COLS]
        values[_COLS.index("features")] = json.dumps(row.features)
        values[_COLS.index("created_at")] = utc_iso(row.created_at)
        self.db.execute(
            f"INSERT OR REPLACE INTO sessions({','.join(_COLS)},mtime_ns,size,scores_mtime_ns) "
            f"VALUES({','.join('?' * len(_COLS))},?,?,?)", values + [st.mtime_ns, st.size, st.scores_mtime_ns])

    def put_version(self, folder: Path, v: ScoreVersion, scores_mtime_ns: int | None = None) -> None:
        self.db.execute("INSERT OR REPLACE INTO versions VALUES(?,?,?,?,?,?,?,?,?,?)",
                        (str(folder), v.path.name, v.rubric, v.rubric_hash, v.transcript, v.created_at,
                         v.overall, json.dumps(v.features), v.mtime_ns, v.size))
        if scores_mtime_ns is not None:
            self.db.execute("UPDATE sessions SET scores_mtime_ns=? WHERE path=?", (scores_mtime_ns, str(folder)))

    def load_versions(self, folder: Path, st: Stat) -> None:
        """Re-read a session's score versions (only the summaries) after its `scores/` changed."""
        key = str(folder)
        self.db.execute("DELETE FROM versions WHERE path=?", (key,))
        d = folder / SCORES_DIR
        if os.path.isdir(d):  # False, not PermissionError, inside a folder that cannot be looked into
            for p in sorted(d.glob("*.json")):
                try:
                    self.put_version(folder, read_score_version(p)[0])
                except SessionError:
                    continue
        self.db.execute("UPDATE sessions SET scores_mtime_ns=? WHERE path=?", (st.scores_mtime_ns, key))

    def commit(self) -> None:
        """Save what the index learned. When the disk filled up or went read-only since it was opened (the
        commit fails and may be rolled back), the index moves to memory and is read again from the folders."""
        try:
            self.db.commit()
        except sqlite3.Error:
            self.db.close()
            self.db = self._open(":memory:")
            self.refresh()

    # --- queries ----------------------------------------------------------------------
    def _rows(self, sql: str, args: tuple = ()) -> list[SessionRow]:
        out = []
        for r in self.db.execute(f"SELECT {','.join(_COLS)} FROM sessions {sql}", args):
            d = dict(zip(_COLS, r))
            d["features"] = json.loads(d["features"] or "{}")
            out.append(SessionRow(**d))
        return out

    def get(self, path: str | os.PathLike) -> SessionRow | None:
        rows = self._rows("WHERE path=?", (str(path),))
        return rows[0] if rows else None

    def sessions(self, since: str | None = None, question: str | None = None, errors: bool = False) -> list[SessionRow]:
        """Sessions oldest first, optionally since a time and for one question id; broken ones only if asked."""
        where, args = ["1=1"], []
        if not errors:
            where.append("error IS NULL")
        if since:
            where.append("created_at >= ?")
            args.append(since)
        if question:
            where.append("question_id = ?")
            args.append(question)
        return self._rows(f"WHERE {' AND '.join(where)} ORDER BY created_at, path", tuple(args))

    def imported_sources(self) -> dict[str, str]:
        """The content hash of each imported source file -> the path of its earliest session (readable ones)."""
        rows = self.db.execute("SELECT source_sha256, path FROM sessions WHERE source_sha256 IS NOT NULL "
                               "AND error IS NULL ORDER BY created_at DESC, path DESC")
        return dict(rows.fetchall())

    def version_stamps(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(session path, version file name) -> the mtime and size the file had when it was read. A file
        that could not be parsed has none, so a re-score writes it again; a file changed since is read again."""
        rows = self.db.execute("SELECT path, file, mtime_ns, size FROM versions WHERE mtime_ns IS NOT NULL")
        return {(p, f): (m, n) for p, f, m, n in rows}

    def retranscribed(self) -> set[str]:
        """The sessions with a score version of a re-transcription (a plain re-score scores that transcript)."""
        return {p for (p,) in self.db.execute("SELECT DISTINCT path FROM versions WHERE transcript IS NOT NULL")}

    def broken(self) -> list[SessionRow]:
        return self._rows("WHERE error IS NOT NULL ORDER BY path")

    def versions(self, path: str | os.PathLike | None = None) -> dict[str, list[ScoreVersion]]:
        """Score versions (summaries) per session path, oldest first."""
        sql = "SELECT path, file, rubric, rubric_hash, transcript, created_at, overall, features FROM versions"
        rows = self.db.execute(sql + (" WHERE path=?" if path else "") + " ORDER BY created_at, file",
                               (str(path),) if path else ())
        out: dict[str, list[ScoreVersion]] = {}
        for p, f, rb, h, tr, c, o, feats in rows:
            out.setdefault(p, []).append(ScoreVersion(Path(p) / SCORES_DIR / f, rb, h, tr, c, o, json.loads(feats or "{}")))
        return out

    def current_scores(self, row: SessionRow, versions: list[ScoreVersion], rubric: str | None = None
                       ) -> tuple[float | None, dict[str, float], str]:
        """A session's latest score for its own rubric id (newest version, else the original) and where it came from.

        `rubric`: the latest score with that rubric id instead (a re-score with another rubric, `rescore --rubric`);
        (None, {}, "") when the session was never scored with it."""
        wanted = rubric or row.rubric
        mine = [v for v in versions if v.rubric == wanted and (v.transcript is None or rubric)]
        if mine:
            v = mine[-1]
            return v.overall, v.features, f"{v.rubric}-{v.rubric_hash}"
        if wanted != row.rubric:
            return None, {}, ""
        return row.overall, row.features, "original"
