"""Score and transcript versions stored beside a session, never touching what was recorded.

    <session>/scores/<rubric-id>-<rubric-hash>.json            a re-score of the original transcripts
    <session>/scores/<rubric-id>-<rubric-hash>.<model>.json    a score of the `<model>` transcript version
    <session>/transcripts/<model>.json                         a re-transcription with another model

A score file holds a summary first (rubric, hash, transcript version, created_at, overall and
per-feature scores), then `turns` (per-answer scorecards, null where not re-scored) and `session`
(the whole-session scorecard, for sessions scored as a whole like `practice` ones).
`session.json`, the audio, the first transcript and the first scorecard are never modified. Each
version file is written to a hidden temp file, flushed to disk, then renamed into place
(`StagedWrites` batches the flush: one `os.sync()` for many files, then the renames), so a
version either exists whole or not at all.
"""

from __future__ import annotations

import errno
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import SessionError
from .scorecard import Scorecard
from .writes import storage_error, write_target
from .transcript import Transcript

__all__ = [
    "SCORES_DIR",
    "TRANSCRIPTS_DIR",
    "VERSION_SCHEMA",
    "VERSION_FILE",
    "ScoreVersion",
    "StagedWrites",
    "model_slug",
    "score_key",
    "score_path",
    "transcript_path",
    "has_version",
    "score_version_json",
    "transcript_version_json",
    "read_score_version",
    "read_transcript_version",
    "read_score_versions",
    "list_score_versions",
    "clear_stale_temps",
    "summarise_cards",
    "version_summary",
]

SCORES_DIR = "scores"
TRANSCRIPTS_DIR = "transcripts"
VERSION_SCHEMA = 1
_TURNS = ', "turns": ['
_TMP = re.compile(r"^\.(?P<target>.+)\.tmp-(?P<pid>\d+)$")
VERSION_FILE = re.compile(r"^(?P<rid>.+)-(?P<hash>[0-9a-f]{12})(?:\.(?P<model>.+))?\.json$")  # a score version's name
_SESSION_HINT = "re-score a copy of the session in a writable folder"


def model_slug(model: str) -> str:
    """A file-name-safe name for a Whisper model name or folder (`base.en`, `/models/x` -> `x`)."""
    name = Path(model.rstrip("/")).name if os.sep in model else model
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "model"


def score_key(rubric_id: str, rubric_hash: str, transcript_model: str | None = None) -> str:
    """The file stem of a score version: the rubric id and content hash, and the transcript version."""
    return f"{rubric_id}-{rubric_hash}" + (f".{model_slug(transcript_model)}" if transcript_model else "")


def score_path(folder: Path, key: str) -> Path:
    return folder / SCORES_DIR / f"{key}.json"


def transcript_path(folder: Path, model: str) -> Path:
    return folder / TRANSCRIPTS_DIR / f"{model_slug(model)}.json"


def has_version(path: Path | str) -> bool:
    """A cheap stat check: the version file exists and is not empty."""
    try:
        return os.stat(path).st_size > 0
    except OSError:
        return False


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def summarise_cards(cards: list[Scorecard | None]) -> tuple[float | None, dict[str, float]]:
    """A session's overall (mean of its scored turns) and each feature's mean score across turns."""
    scored = [c for c in cards if c is not None]
    if not scored:
        return None, {}
    overall = round(sum(c.overall for c in scored) / len(scored), 1)
    sums: dict[str, list[float]] = {}
    for c in scored:
        for fid, f in c.features.items():
            sums.setdefault(fid, []).append(f.score)
    return overall, {fid: round(sum(v) / len(v), 3) for fid, v in sums.items()}


@dataclass(frozen=True)
class ScoreVersion:
    """The summary of one score version file (what listings and progress need)."""

    path: Path
    rubric: str
    rubric_hash: str
    transcript: str | None
    created_at: str
    overall: float | None
    features: dict[str, float] = field(default_factory=dict)
    mtime_ns: int | None = None  # the file's, when it was read: the index skips a session whose file still matches
    size: int | None = None


def version_summary(cards: list[Scorecard | None], session_card: Scorecard | None = None
                    ) -> tuple[float | None, dict[str, float]]:
    """A version's overall and per-feature scores: the whole-session card's, else the mean over the turns."""
    if session_card is not None:
        return session_card.overall, {k: f.score for k, f in session_card.features.items()}
    return summarise_cards(cards)


def score_version_json(cards: list[Scorecard | None], rubric_id: str, rubric_hash: str,
                       transcript_model: str | None = None, session_card: Scorecard | None = None) -> str:
    """The JSON text of a score version: the summary, each turn's scorecard, then the whole-session one.

    The summary (overall, per-feature scores) is the whole-session card's when there is one
    (as `practice` stores it), else the mean over the turns, as `Session.overall` reads it.
    """
    overall, feats = version_summary(cards, session_card)
    head = json.dumps({
        "schema_version": VERSION_SCHEMA, "kind": "score", "rubric": rubric_id, "rubric_hash": rubric_hash,
        "transcript": transcript_model, "created_at": _now(), "overall": overall, "features": feats,
    })
    dumped: dict[int, str] = {}  # a one-answer session's card is also its whole-session card: dump it once

    def dump(c: Scorecard | None) -> str:
        if c is None:
            return "null"
        if id(c) not in dumped:
            dumped[id(c)] = c.model_dump_json()
        return dumped[id(c)]

    turns = ",".join(map(dump, cards))
    whole = dump(session_card)
    return head[:-1] + f'{_TURNS}{turns}], "session": {whole}}}'


def transcript_version_json(transcripts: list[Transcript | None], model: str) -> str:
    head = json.dumps({"schema_version": VERSION_SCHEMA, "kind": "transcript", "model": model, "created_at": _now()})
    turns = ",".join("null" if t is None else t.model_dump_json() for t in transcripts)
    return head[:-1] + f', "turns": [{turns}]}}'


def _read_json(path: Path, kind: str) -> dict:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionError(f"{path}: unreadable {kind} version ({type(exc).__name__}); delete it and re-run") from exc
    if not isinstance(raw, dict) or raw.get("kind") != kind or raw.get("schema_version") != VERSION_SCHEMA:
        raise SessionError(f"{path}: not a mockvoice {kind} version; delete it and re-run")
    return raw


def _read_head(path: Path) -> dict | None:
    """The summary at the top of a version file without parsing its turns (None: read it whole)."""
    try:
        with open(path, "rb") as fh:
            blob = fh.read(8192)
            if len(blob) == 8192:
                fh.seek(-16, os.SEEK_END)
            tail = fh.read() or blob
        if not tail.rstrip().endswith(b"}"):
            return None  # cut short: the whole read says why
        head = blob.decode("utf-8", errors="replace")
        raw = json.loads(head[: head.index(_TURNS)] + "}")
    except (OSError, ValueError):
        return None
    return raw if raw.get("kind") == "score" and raw.get("schema_version") == VERSION_SCHEMA else None


def read_score_version(path: Path, with_cards: bool = False
                       ) -> tuple[ScoreVersion, list[Scorecard | None], Scorecard | None]:
    """A score version's summary (with the file's mtime and size) and, when asked, its per-turn and
    whole-session scorecards. A file that cannot be read or parsed is a SessionError."""
    try:
        st = os.stat(path)  # before reading: a file changed meanwhile looks changed to the index, never the reverse
    except OSError as exc:
        raise SessionError(f"{path}: unreadable score version ({type(exc).__name__}); delete it and re-run") from exc
    raw = (None if with_cards else _read_head(path)) or _read_json(path, "score")
    sv = ScoreVersion(path=path, rubric=raw.get("rubric", "?"), rubric_hash=raw.get("rubric_hash", "?"),
                      transcript=raw.get("transcript"), created_at=raw.get("created_at", ""),
                      overall=raw.get("overall"), features=dict(raw.get("features") or {}),
                      mtime_ns=st.st_mtime_ns, size=st.st_size)
    if not with_cards:
        return sv, [], None
    cards = [None if c is None else Scorecard.model_validate(c) for c in raw.get("turns", [])]
    whole = raw.get("session")
    return sv, cards, None if whole is None else Scorecard.model_validate(whole)


def read_transcript_version(path: Path) -> list[Transcript | None]:
    raw = _read_json(path, "transcript")
    return [None if t is None else Transcript.model_validate(t) for t in raw.get("turns", [])]


def read_score_versions(folder: Path) -> tuple[list[ScoreVersion], list[Path]]:
    """Every readable score version of a session, oldest first, and the version files that could not be read."""
    out, damaged = [], []
    d = folder / SCORES_DIR
    if d.is_dir():
        for p in sorted(d.glob("*.json")):
            try:
                out.append(read_score_version(p)[0])
            except SessionError:
                damaged.append(p)
    return sorted(out, key=lambda v: (v.created_at, v.path.name)), damaged


def list_score_versions(folder: Path) -> list[ScoreVersion]:
    """Every readable score version of a session, oldest first (unreadable ones are left out)."""
    return read_score_versions(folder)[0]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    """Delete a temp file, best effort: on a disk that went read-only the delete fails too, and that
    must not hide the error that made us clean up (a stale temp is cleared by the next run that can)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def clear_stale_temps(folder: Path | str) -> int:
    """Remove the hidden temps in a session's `scores/` and `transcripts/` that a process which is gone had not
    renamed (killed, or stopped at once by a second Ctrl-C); a live process's are its own. Returns how many."""
    removed = 0
    for sub in (SCORES_DIR, TRANSCRIPTS_DIR):
        d = os.path.join(folder, sub)
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            m = _TMP.match(name)
            if m and not _pid_alive(int(m["pid"])):
                _remove(Path(d, name))
                removed += 1
    return removed


class StagedWrites:
    """Files written as hidden temps, made durable by one `os.sync()`, then renamed into place."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, target: Path, text: str) -> None:
        """Write `text` to a hidden temp beside `target` (a symlink's target: the link is kept); a target that is
        a folder or not a regular file (device, FIFO), or a write that fails, is one StorageError line and
        leaves no temp behind."""
        tmp = None
        try:
            real, regular = write_target(target)
            if not regular:
                raise OSError(errno.EINVAL, "not a regular file", str(target))
            if not self._make_folder(real.parent):  # a folder made just now holds no stale temps
                self._clear_stale(real)
            data = memoryview(text.encode("utf-8"))
            path = real.with_name(f".{real.name}.tmp-{os.getpid()}")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)  # 4 fewer calls than open()
            tmp = path  # only a temp this call opened is its to remove
            try:
                while data:
                    data = data[os.write(fd, data):]
            finally:
                os.close(fd)
        except OSError as exc:
            if tmp is not None:
                _remove(tmp)
            raise storage_error(target, exc, "write a new version", _SESSION_HINT) from exc
        self._staged.append((tmp, real))

    @staticmethod
    def _make_folder(folder: Path) -> bool:
        """Create `folder` (and its parents) unless it exists; True when this call created it."""
        try:
            os.mkdir(folder)
            return True
        except FileExistsError:
            if not os.path.isdir(folder):
                folder.mkdir(parents=True, exist_ok=True)  # raises as before: a file is in the way
            return False
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
            return False

    def commit(self) -> list[Path]:
        """Flush every staged file to disk, then rename each into place; returns the targets."""
        if not self._staged:
            return []
        os.sync()
        done = []
        for tmp, target in self._staged:
            os.replace(tmp, target)
            done.append(target)
        self._staged.clear()
        return done

    def discard(self) -> None:
        for tmp, _ in self._staged:
            _remove(tmp)
        self._staged.clear()

    def __len__(self) -> int:
        return len(self._staged)

    @staticmethod
    def _clear_stale(target: Path) -> None:
        """Remove temps for `target` left by a process that was killed (SIGKILL) before renaming."""
        try:
            entries = os.listdir(target.parent)
        except OSError:
            return
        for name in entries:
            m = _TMP.match(name)
            if m and m["target"] == target.name and not _pid_alive(int(m["pid"])):
                _remove(target.parent / name)
