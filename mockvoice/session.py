"""Sessions on disk: one folder per interview, with `session.json` (schema-versioned) and WAV audio.

    recordings/20261121-101500-url-shortener/
        session.json          metadata, turns, transcripts, scorecards (written atomically)
        turn-01.wav           the candidate's answer, written while it records
        prompt-01.wav         what the interviewer said before that answer

The recordings root is `--recordings`, else $MOCKVOICE_RECORDINGS, else ./recordings.
"""

from __future__ import annotations

import json
import os
import stat
import unicodedata
from datetime import datetime, timezone
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, GetPydanticSchema, ValidationError
from pydantic_core import core_schema

from .errors import SessionError
from .scorecard import Scorecard
from .transcript import Segment, Transcript, Word, WordAt
from .writes import RECORDINGS_HINT, check_writable, storage_error, write_atomic

__all__ = [
    "SCHEMA_VERSION",
    "SESSION_FILE",
    "ProbeRecord",
    "Turn",
    "Session",
    "SessionSummary",
    "CardSummary",
    "recordings_root",
    "check_recordings",
    "new_session_dir",
    "save_session",
    "load_session",
]

SCHEMA_VERSION = 1
SESSION_FILE = "session.json"


class ProbeRecord(BaseModel):
    """The follow-up the interviewer asked after a turn, and why."""

    model_config = ConfigDict(extra="forbid")

    text: str
    feature: str | None = None
    family: str | None = None
    source: str = "rules"
    reason: str | None = None
    skipped: tuple[str, ...] = ()  # probes asked before this one that the candidate skipped, oldest first


class Turn(BaseModel):
    """One prompt from the interviewer and the candidate's answer to it."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=1)
    prompt: str
    prompt_kind: Literal["question", "probe", "wrap_up"] = "question"
    prompt_audio: str | None = None
    audio: str | None = None
    transcript: Transcript
    scorecard: Scorecard | None = None
    probe: ProbeRecord | None = None
    timings: dict[str, float | None] = Field(default_factory=dict)
    status: Literal["recording", "complete", "interrupted", "skipped"] | None = None
    end_reason: str | None = None

    @property
    def follow_up(self) -> bool:
        """Whether this answers the interviewer's follow-up probe (not the question): it is scored and
        shown on what the probe asked, with no score or verdicts of its own (scoring.score_transcript)."""
        return self.prompt_kind == "probe"


class Session(BaseModel):
    """A whole interview: the question, the rubric, and its turns."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    id: str
    created_at: str
    source: Literal["practice", "demo", "import"] = "practice"
    status: Literal["recording", "complete", "interrupted"] = "recording"
    question_id: str | None = None
    question: str = ""
    rubric: str
    rubric_hash: str | None = None
    model: str | None = None
    turns: list[Turn] = Field(default_factory=list)
    wrap_up: str | None = None
    wrap_up_audio: str | None = None
    settings: dict[str, float | int | str | bool | None] = Field(default_factory=dict)
    scorecard: Scorecard | None = None
    source_sha256: str | None = None  # an import's source file content hash (None before it was kept), so a re-run skips it
    source_file: str | None = None  # an import's source file name (`alice.m4a`; None before it was kept): whose answer it is

    @property
    def overall(self) -> float | None:
        if self.scorecard is not None:
            return self.scorecard.overall
        scores = [t.scorecard.overall for t in self.turns if t.scorecard is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


class FeatureSummary(BaseModel):
    """A stored feature score as batch readers see it (the rest of the FeatureScore is not read)."""

    score: float = Field(ge=0, le=1)


class CardSummary(BaseModel):
    """A stored scorecard as batch readers see it: its overall and each feature's score, checked as Scorecard
    checks them; the evidence and feedback it also holds are skipped, not validated."""

    overall: float = Field(ge=0, le=100)
    features: dict[str, FeatureSummary]


_WORD_FIELDS = itemgetter(*Word.model_fields)  # text, start, end, probability: WordAt's fields, in order


def _words_at(words: tuple[dict, ...]) -> tuple[WordAt, ...]:
    return tuple(map(tuple.__new__, repeat(WordAt), map(_WORD_FIELDS, words)))


def _words_at_schema(_source, handler) -> core_schema.CoreSchema:
    """A segment's stored words checked field by field as `Word` checks them (JSON objects, the same field
    types and defaults, other keys ignored), so the same words pass and fail, but kept as WordAt tuples:
    a model per word was a sixth of a re-score. They dump as Words do."""
    fields = {}
    for name, f in Word.model_fields.items():
        schema = handler.generate_schema(f.annotation)
        if not f.is_required():
            schema = core_schema.with_default_schema(schema, default=f.default)
        fields[name] = core_schema.typed_dict_field(schema, required=f.is_required())
    word = core_schema.typed_dict_schema(fields, extra_behavior="ignore")
    return core_schema.no_info_after_validator_function(
        _words_at, core_schema.tuple_schema([word], variadic_item_index=0),
        serialization=core_schema.plain_serializer_function_ser_schema(lambda ws: tuple(w._asdict() for w in ws)))


class _SummarySegment(Segment):
    words: Annotated[tuple[WordAt, ...], GetPydanticSchema(_words_at_schema)] = ()  # type: ignore[assignment]


class _SummaryTranscript(Transcript):
    segments: tuple[_SummarySegment, ...] = ()  # type: ignore[assignment]


class _SummaryTurn(Turn):
    transcript: _SummaryTranscript  # type: ignore[assignment]
    scorecard: CardSummary | None = None  # type: ignore[assignment]


class SessionSummary(Session):
    """A session read for re-scoring and indexing: metadata and transcripts checked exactly as Session checks
    them, words kept as WordAt tuples, stored scorecards only as far as their scores (half the work per session.json)."""

    turns: list[_SummaryTurn] = Field(default_factory=list)  # type: ignore[assignment]
    scorecard: CardSummary | None = None  # type: ignore[assignment]


def recordings_root(override: str | os.PathLike | None = None) -> Path:
    """Where sessions live: the override, else $MOCKVOICE_RECORDINGS, else ./recordings."""
    return Path(override or os.environ.get("MOCKVOICE_RECORDINGS") or "recordings")


_SLUG_CHARS, _SLUG_BYTES = 24, 80  # each part of a folder name: short enough that `sessions` fits a terminal


def _slug(text: str) -> str:
    """A file-name-safe part of a folder name: letters and digits of any script (`Пётр`, `éloïse`, `答え`), lower
    case, every run of anything else (separators, punctuation, `_`) one `-`; "" when nothing is left."""
    text = unicodedata.normalize("NFC", text).lower()  # a decomposed é (macOS file names) is one letter
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text)  # letters, marks (हिन्दी), digits
    slug = "-".join(kept.split())[:_SLUG_CHARS]
    while len(slug.encode("utf-8")) > _SLUG_BYTES:
        slug = slug[:-1]
    return slug.strip("-")


_NEW_FOLDER = "create a session folder in it"


def check_recordings(root: str | os.PathLike | None = None) -> Path:
    """The recordings root, checked before a batch or an interview starts: one StorageError line when
    no session folder could be made in it (read-only, full, a file)."""
    base = recordings_root(root)
    check_writable(base, _NEW_FOLDER, RECORDINGS_HINT, folder=True)
    return base


def new_session_dir(root: str | os.PathLike | None = None, label: str | tuple[str | None, ...] = "session",
                    now: datetime | None = None) -> Path:
    """Create a fresh, uniquely named session folder under the recordings root: `<time>-<label>[-N]`, a label of
    several parts (a question id and a file name) slugged part by part, so a long first part cannot cut off the next.

    A root that cannot hold one (read-only, full, a file) is one StorageError line that says so."""
    base = recordings_root(root)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    parts = (label,) if isinstance(label, str) else label
    slug = "-".join(filter(None, (_slug(p) for p in parts if p))) or "session"
    try:
        base.mkdir(parents=True, exist_ok=True)
        for n in range(1000):
            name = f"{stamp}-{slug}" + (f"-{n}" if n else "")
            try:
                (base / name).mkdir()
                return base / name
            except FileExistsError:
                continue
    except OSError as exc:
        raise storage_error(base, exc, _NEW_FOLDER, RECORDINGS_HINT) from exc
    raise SessionError(f"{base}: cannot create a new session folder; clean up the recordings folder")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def save_session(folder: str | os.PathLike, session: Session) -> Path:
    """Write session.json atomically; an interrupted write leaves the previous version intact."""
    path = Path(folder) / SESSION_FILE
    write_atomic(path, session.model_dump_json(indent=1), "save the session", RECORDINGS_HINT)
    return path


def load_session(folder: str | os.PathLike, repair_audio: bool = True, scorecards: bool = True) -> Session:
    """Read and validate a session folder; any problem is one SessionError line.

    With `repair_audio` (the default), a session whose recorder died (status still "recording")
    gets its answer WAV headers fixed to cover the samples on disk; batch readers pass False and
    change nothing. pydantic parses the JSON itself (about twice as fast as `json.loads` then
    validating); a session that fails is read again slowly only to word the error. With
    `scorecards=False` the result is a SessionSummary: stored scorecards are read only as far as
    their scores, and a session that fails is worded by the full check, so the reason is the same.
    """
    folder = Path(folder)
    path = folder / SESSION_FILE
    data = _read_regular_file(path)
    if data is None:  # say why, checking in the order a reader would
        try:  # a folder that cannot be looked into (chmod 000) fails here, as an unreadable session.json does
            if not folder.is_dir():
                raise SessionError(f"{folder}: no such session folder; run `mockvoice sessions` to list them")
            if path.is_dir():
                raise SessionError(f"{folder}: its {SESSION_FILE} is a folder, not a file; move that folder out of the session")
            if not path.is_file():
                raise SessionError(f"{folder}: not a mockvoice session (no {SESSION_FILE})")
            data = path.read_bytes()
        except OSError as exc:
            raise SessionError(f"{path}: cannot read it ({type(exc).__name__})") from exc
    try:
        session = (Session if scorecards else SessionSummary).model_validate_json(data)
        if session.schema_version != SCHEMA_VERSION:
            session = None
    except ValueError:
        session = None
    if session is None:
        _raise_invalid(path, data)
    if repair_audio and session.status == "recording":  # the recorder died (SIGKILL, power): headers may be stale
        _repair_audio(folder, session)
    return session


def _read_regular_file(path: Path) -> bytes | None:
    """The bytes of a regular file in 4 system calls (a batch re-score reads thousands), or None on any problem."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)  # non-blocking: a FIFO must not hang us
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, st.st_size + 1):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _raise_invalid(path: Path, data: bytes) -> None:
    """Raise the one-line SessionError that says what is wrong with a session file."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SessionError(f"{path}: cannot read it (not UTF-8 text); the file is damaged") from exc
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at").lower()  # json's "Invalid control character at" reads cut off on its own
        raise SessionError(f"{path}: corrupt JSON at line {exc.lineno} ({what}); the file is truncated or damaged") from exc
    if not isinstance(raw, dict):
        raise SessionError(f"{path}: not a session (expected a JSON object)")
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SessionError(f"{path}: schema version {version!r} is not supported (this mockvoice reads {SCHEMA_VERSION})")
    try:
        Session.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ()))
        raise SessionError(f"{path}: invalid session at {loc or 'top level'}: {err.get('msg')}") from exc
    raise SessionError(f"{path}: invalid session")


def _repair_audio(folder: Path, session: Session) -> None:
    """Fix the header of any answer WAV whose recorder died mid-write (the audio itself is kept)."""
    from .wavstream import repair_wav

    for turn in session.turns:
        if turn.audio and (folder / turn.audio).is_file():
            try:
                repair_wav(folder / turn.audio)
            except OSError:
                pass  # a read-only copy: readers still get every sample the header covers
