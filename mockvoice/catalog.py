"""The session catalog: list recorded sessions newest first and resolve `id`, a folder path or `last`."""

from __future__ import annotations

import errno
import os
import stat
import wave
from dataclasses import dataclass
from pathlib import Path

from .errors import SessionError
from .session import SESSION_FILE, Session, load_session, recordings_root
from .versions import list_score_versions
from .writes import RECORDINGS_HINT, storage_error

__all__ = ["SessionSummary", "recordings_folder", "missing_folder", "may_be_session", "list_sessions", "resolve_session",
           "open_session", "session_length", "turn_audio_path", "wav_seconds"]


def recordings_folder(root: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """The recordings root for a command that only reads it, and whether it exists. A file where the folder
    should be, or a folder that cannot be read, is one StorageError line; nothing is created."""
    base = recordings_root(root)
    try:
        mode = os.stat(base).st_mode
        if not stat.S_ISDIR(mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(base))
        if not os.access(base, os.R_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(base))
    except FileNotFoundError:
        return base, False
    except OSError as exc:  # ENOTDIR also when a parent of the path is a file
        raise storage_error(base, exc, "read sessions from it", RECORDINGS_HINT) from exc
    return base, True


def missing_folder(base: Path) -> str:
    """What a reading command says when the recordings folder is not there (a typo, or nothing recorded)."""
    return (f"the recordings folder {base} does not exist; record a session with `mockvoice practice`, "
            f"or {RECORDINGS_HINT} if they are elsewhere")


@dataclass(frozen=True)
class SessionSummary:
    """One line of `mockvoice sessions`: enough to pick a session without loading its audio."""

    id: str
    folder: Path
    created_at: str
    question: str
    turns: int
    overall: float | None  # of the newest re-score when there is one (what replay and report show), else as recorded
    length_s: float | None
    source: str
    status: str
    rescored_with: str | None = None  # the rubric id of that newest re-score
    source_file: str | None = None  # an import's source file name: whose answer it is


def turn_audio_path(folder: Path, name: str | None) -> Path | None:
    """The absolute path of a turn's audio file (stored relative to the session folder), or None."""
    if not name:
        return None
    p = Path(name)
    return p if p.is_absolute() else folder / p


def wav_seconds(path: Path | None) -> float | None:
    """Length of a WAV file from its header, or None when it is missing or not a WAV."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / float(w.getframerate())
    except (OSError, EOFError, wave.Error, TypeError):
        return None


def session_length(folder: Path, session: Session) -> float | None:
    """Seconds of answer audio: transcript durations, else the WAV headers; None when nothing is timed."""
    total, known = 0.0, False
    for t in session.turns:
        secs = t.transcript.duration
        if secs is None:
            secs = wav_seconds(turn_audio_path(folder, t.audio))
        if secs is not None:
            total, known = total + secs, True
    return round(total, 1) if known else None


def _summary(folder: Path, s: Session) -> SessionSummary:
    newest = (list_score_versions(folder) or [None])[-1]
    return SessionSummary(
        # The folder's name is what replay, report and rescore resolve. A folder copied or renamed
        # (a cohort's sessions gathered under students' names) keeps its old id inside session.json.
        id=folder.name,
        folder=folder,
        created_at=s.created_at,
        question=s.question,
        turns=len(s.turns),
        overall=s.overall if newest is None else newest.overall,
        length_s=session_length(folder, s),
        source=s.source,
        status=s.status,
        rescored_with=None if newest is None else newest.rubric,
        source_file=s.source_file,
    )


def may_be_session(folder: Path) -> bool:
    """Whether a folder holds a session.json, or cannot be looked into to tell: such a folder (chmod 000) is
    listed with the reason by `load_session`, like an unreadable session.json, never a crash."""
    try:
        os.stat(folder / SESSION_FILE)  # a folder named session.json counts too: it is reported
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def _candidates(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if p.is_dir() and may_be_session(p)]


def list_sessions(root: str | os.PathLike | None = None) -> tuple[list[SessionSummary], list[str]]:
    """Sessions under the recordings root, newest first, and one line per folder that could not be read."""
    found: list[SessionSummary] = []
    problems: list[str] = []
    for folder in _candidates(recordings_root(root)):
        try:
            found.append(_summary(folder, load_session(folder)))
        except SessionError as exc:
            problems.append(str(exc))
    found.sort(key=lambda s: (s.created_at, s.folder.name), reverse=True)
    return found, problems


def resolve_session(ref: str, root: str | os.PathLike | None = None) -> Path:
    """The folder of a session given as a folder path, an id (or unique id prefix) under the root, or `last`."""
    base = recordings_root(root)
    if ref == "last":
        if not recordings_folder(base)[1]:
            raise SessionError(f"no sessions: {missing_folder(base)}")
        sessions, _ = list_sessions(base)
        if not sessions:
            raise SessionError(f"no sessions in {base}; record one with `mockvoice practice` or `mockvoice demo`")
        return sessions[0].folder
    as_path = Path(ref).expanduser()
    if os.path.isfile(as_path / SESSION_FILE) or (as_path.is_dir() and (os.sep in ref or ref.startswith("."))):
        return as_path
    if as_path.name == SESSION_FILE and as_path.is_file():
        return as_path.parent
    if not recordings_folder(base)[1]:
        raise SessionError(f"no session {ref!r}: {missing_folder(base)}")
    if (base / ref).is_dir():
        return base / ref
    matches = sorted(p for p in _candidates(base) if p.name.startswith(ref))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(p.name for p in matches[:3]) + (" ..." if len(matches) > 3 else "")
        raise SessionError(f"{ref!r} matches {len(matches)} sessions ({names}); give more of the id")
    raise SessionError(f"no session {ref!r} in {base}; run `mockvoice sessions` to list them, or pass a folder path or `last`")


def open_session(ref: str, root: str | os.PathLike | None = None) -> tuple[Path, Session]:
    """Resolve a session reference and load it (SessionError, one line, when anything is wrong)."""
    folder = resolve_session(ref, root)
    return folder, load_session(folder)
