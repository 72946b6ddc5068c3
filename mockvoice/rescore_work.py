"""The work of batch re-scoring, done in worker processes: one session loaded, checked and scored, chunks of them.

`process_session` loads a session (its stored scorecards only as far as their scores), skips it when
the version it would write exists, scores its stored transcripts (or re-transcribes them first) and
stages the new version file. `_process_chunk` does that for a chunk in a worker and commits the chunk
with one `os.sync()` and a rename per file; `_chunks` cuts the work so no worker idles at the end.
The parent side (planning, the pool, Ctrl-C, the index) is rescore.py.
"""

from __future__ import annotations

import gc
import json
import os
import signal
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import MockvoiceError, SessionError
from .index import SessionRow, Stat, error_row, read_session_summary, session_row, stat_session, utc_iso
from .rubric import Rubric, load_rubric
from .scoreview import ORIGINAL  # the key of the scores recorded with a session, as replay names them
from .scoring import score_transcript
from .transcript import Joined
from .versions import (
    _TURNS, SCORES_DIR, VERSION_FILE, ScoreVersion, StagedWrites, clear_stale_temps, has_version, read_score_version,
    read_transcript_version, score_key, score_path, score_version_json, transcript_path, transcript_version_json,
    version_summary,
)

__all__ = ["Job", "ItemResult", "process_session"]



@dataclass(frozen=True)
class Job:
    """What to do to every session: rubric (None: each session's own), filters, re-transcription."""

    rubric: str | None = None
    since: str | None = None
    question: str | None = None  # set: only the sessions of this question id
    model: str | None = None  # set: re-transcribe with this model first
    dry_run: bool = False

    def leaves_out(self, created_at: str, question_id: str | None) -> bool:
        """Whether --since or --question leaves a session out (`created_at` as UTC ISO text)."""
        return bool(self.since and created_at < self.since or self.question and question_id != self.question)


@dataclass
class ItemResult:
    """What happened to one session folder."""

    path: str
    status: str  # rescored | skipped | failed | filtered | would | stopped
    reason: str | None = None
    key: str | None = None
    row: SessionRow | None = None
    stat: Stat | None = None
    versions: list[ScoreVersion] | None = None
    before: tuple[float | None, dict[str, float]] = (None, {})
    after: tuple[float | None, dict[str, float]] = (None, {})

    @property
    def delta(self) -> float | None:
        b, a = self.before[0], self.after[0]
        return None if a is None or b is None else round(a - b, 1)


# --- the work on one session (runs in a worker) -------------------------------------------
def _rubric(name: str | None, cache: dict) -> Rubric:
    """A rubric loaded once per process (and its content hash computed once: it serialises the rubric)."""
    if name not in cache:
        rb = load_rubric(name)
        cache[name] = (rb, rb.content_hash)
    return cache[name][0]


def _version_key(name: str | None, model: str | None, cache: dict) -> str:
    rb = _rubric(name, cache)
    return score_key(rb.id, cache[name][1], model)


def _versions_and_before(folder: Path, rubric_id: str) -> tuple[list[ScoreVersion], ScoreVersion | None]:
    """All readable version summaries of a session and the newest one of `rubric_id` on the original transcripts."""
    versions: list[ScoreVersion] = []
    try:
        names = os.listdir(folder / SCORES_DIR)
    except OSError:
        return [], None
    for name in names:
        if VERSION_FILE.match(name):
            try:
                versions.append(read_score_version(folder / SCORES_DIR / name)[0])
            except SessionError:
                continue
    versions.sort(key=lambda v: (v.created_at, v.path.name))
    same = [v for v in versions if v.rubric == rubric_id and v.transcript is None]
    return versions, (same[-1] if same else None)


def _retranscribed(folder: Path, versions: list[ScoreVersion]) -> str | None:
    """The model of the newest stored re-transcription a version scored, if its transcripts are still there.

    Re-transcribing is how a user recovers an answer the first pass lost (a session killed mid-answer)
    or hears it better (a larger model). A later plain re-score, after a rubric edit, scores those words
    rather than the first transcript, so the newest version still shows them.
    """
    for v in reversed(versions):
        if v.transcript and transcript_path(folder, v.transcript).is_file():
            return v.transcript
    return None


def _original_is(session, rubric_id: str, rubric_hash: str, model: str | None) -> bool:
    """Whether the scores recorded with the session (session.json) are the version a re-score would write: the
    same rubric id and content hash, of the first transcripts. Versions are keyed by rubric content only (not by
    the scoring code), so, as a version file already there, such a session is already scored."""
    return (model is None and session.rubric == rubric_id and session.rubric_hash == rubric_hash
            and session.overall is not None)


def _unknown_rubric_hint(exc: MockvoiceError, job: Job, session) -> str:
    """A session scored with a rubric file, re-scored without --rubric: say how to give it that file."""
    if job.rubric or "unknown rubric" not in str(exc):
        return str(exc)
    return (f"it was scored with rubric {session.rubric!r}, a file that is not bundled; re-score it with "
            f"--rubric PATH/TO/{session.rubric}.yaml, or copy that file into the rubrics folder")


def _retranscribe(folder: Path, session, rb: Rubric, model: str, writes: StagedWrites):
    path = transcript_path(folder, model)
    if path.exists():
        return read_transcript_version(path)
    from .api import transcribe_for_rubric
    from .errors import SilentAudioError

    if not any(t.audio for t in session.turns):
        raise SessionError(f"{folder}: no audio to re-transcribe (a text import); drop --retranscribe for it")
    threads = max(1, (os.cpu_count() or 1) // max(1, _STATE.get("workers", 1)))
    from .transcriber import get_transcriber

    engine = get_transcriber(model, cpu_threads=threads)
    out = []
    for t in session.turns:
        if not t.audio:
            out.append(None)
            continue
        try:
            out.append(transcribe_for_rubric(folder / t.audio, rb, transcriber=engine))
        except SilentAudioError:
            out.append(None)
    writes.stage(path, transcript_version_json(out, model))
    return out


def _cards(session, transcripts: list, rb: Rubric) -> tuple[list, object]:
    """Per-turn cards and the whole-session card, re-made the way the session was scored.

    A session with a whole-session card (`practice` scores all answers merged) is re-scored as a
    whole, which is what its overall is; a session without one (an import) turn by turn.
    """
    q = session.question or None  # makes the feedback specific to the question, as `score` does

    def score(t):
        return score_transcript(t, rb, question=q)

    if session.scorecard is None:
        return [score(t) if t is not None and not t.is_empty else None for t in transcripts], None
    present = [t for t in transcripts if t is not None]
    if not any(not t.is_empty for t in present):
        return [None] * len(transcripts), None
    if len(present) == 1:  # one answer: the merged transcript is that answer
        whole = score(present[0])
        return [whole if t is present[0] else None for t in transcripts], whole
    chunks, offset = [], 0.0
    for t in present:
        chunks.append((offset, t))
        offset += t.duration or 0.0
    return [None] * len(transcripts), score(Joined.of(chunks, offset, answers=True))  # as the interviewer's merge_chunks


def process_session(folder: Path, job: Job, writes: StagedWrites, rubrics: dict) -> ItemResult:
    """Load, check, and (unless already done) score one session, staging its new version files."""
    key = str(folder)
    st = stat_session(folder)
    try:
        session = read_session_summary(folder)  # the stored cards' scores are all it reads of them
    except SessionError as exc:
        return ItemResult(key, "failed", str(exc), row=error_row(folder, str(exc)), stat=st)
    row = session_row(folder, session)
    if job.leaves_out(utc_iso(row.created_at), row.question_id):
        return ItemResult(key, "filtered", row=row, stat=st)
    missing = [t.audio for t in session.turns if t.audio and not os.path.isfile(os.path.join(folder, t.audio))]
    if missing:
        return ItemResult(key, "failed", f"{folder}: audio {missing[0]} is missing (partial session)", row=row, stat=st)
    try:
        rb = _rubric(job.rubric or session.rubric, rubrics)
    except MockvoiceError as exc:
        return ItemResult(key, "failed", f"{folder}: {_unknown_rubric_hint(exc, job, session)}", row=row, stat=st)
    versions, prev = _versions_and_before(folder, rb.id)
    model = job.model or _retranscribed(folder, versions)
    vkey = _version_key(job.rubric or session.rubric, model, rubrics)
    target = score_path(folder, vkey)
    damaged = None
    if has_version(target):
        if any(v.path.name == target.name for v in versions):
            return ItemResult(key, "skipped", key=vkey, row=row, stat=st, versions=versions)
        damaged = f"{folder.name}: a damaged version {target.name} (it could not be read) was written again"
    elif _original_is(session, rb.id, rubrics[job.rubric or session.rubric][1], model):
        return ItemResult(key, "skipped", key=ORIGINAL, row=row, stat=st, versions=versions)
    before = (prev.overall, prev.features) if prev else (row.overall, row.features)
    if job.dry_run:  # a preview: scored as it would be, nothing written (a re-transcription would write: not run)
        after = version_summary(*_cards(session, [t.transcript for t in session.turns], rb)) if not model else (None, {})
        return ItemResult(key, "would", damaged and damaged.replace("was written", "would be written"), key=vkey,
                          row=row, stat=st, versions=versions, before=before, after=after)
    clear_stale_temps(folder)  # what a killed run had not renamed (for any rubric) goes before this one writes
    try:
        transcripts = _retranscribe(folder, session, rb, model, writes) if model else [t.transcript for t in session.turns]
    except MockvoiceError as exc:
        return ItemResult(key, "failed", str(exc), row=row, stat=st)
    cards, whole = _cards(session, transcripts, rb)
    rb_hash = rubrics[job.rubric or session.rubric][1]
    text = score_version_json(cards, rb.id, rb_hash, model, whole)
    try:
        writes.stage(target, text)
    except MockvoiceError as exc:  # a read-only or full session folder: this session fails, the others go on
        return ItemResult(key, "failed", str(exc), row=row, stat=st)
    head = json.loads(text[: text.index(_TURNS)] + "}")  # the summary just written
    new = ScoreVersion(target, rb.id, rb_hash, model, head["created_at"], head["overall"], head["features"])
    return ItemResult(key, "rescored", damaged, key=vkey, row=row, stat=st, versions=versions + [new],
                      before=before, after=(new.overall, new.features))


# --- worker processes ---------------------------------------------------------------------
_STATE: dict = {}
# Scoring a session allocates ~100k objects that reference counting frees when it is done, so the cycle
# collector's default passes (every 700 net allocations, and over the whole heap every few hundred) found
# nothing and cost ~0.4 ms a session, about a tenth of it. Re-scoring collects rarely instead.
_GC_THRESHOLD = (20_000, 50, 50)


def _init_worker(job: Job, stop, workers: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop (and a terminal's Ctrl-C reaches us too)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # forked with it held back: a pending one is dropped now
    try:  # die with the parent if it is killed (Linux); otherwise a killed run leaves orphans
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    gc.freeze()  # what the worker inherited from the parent stays out of every collection
    gc.set_threshold(*_GC_THRESHOLD)
    _STATE.update(job=job, stop=stop, workers=workers, rubrics={})


def _process_chunk(folders: list[str]) -> list[ItemResult]:
    job, stop, rubrics = _STATE["job"], _STATE["stop"], _STATE["rubrics"]
    writes = StagedWrites()
    out: list[ItemResult] = []
    try:
        for f in folders:
            if stop is not None and stop.is_set():
                out.append(ItemResult(f, "stopped"))
                continue
            out.append(process_session(Path(f), job, writes, rubrics))
        writes.commit()
    except BaseException:
        writes.discard()
        raise
    for r in out:  # the stats after the rename, so the index sees the folder and the new version as up to date
        if r.status == "rescored":
            r.stat = stat_session(Path(r.path))
            r.versions[-1] = _stamped(r.versions[-1])
    return out


def _stamped(v: ScoreVersion) -> ScoreVersion:
    """A version just written, with its file's mtime and size (none when the file is gone already)."""
    try:
        st = os.stat(v.path)
    except OSError:
        return v
    return replace(v, mtime_ns=st.st_mtime_ns, size=st.st_size)


def _chunks(items: list, size: int, workers: int = 1) -> list[list]:
    """Chunks of `size`; with several workers they shrink towards the end (to a quarter of each worker's
    share of what is left, at least 4), so no worker idles through another's last large chunk."""
    if workers <= 1:
        return [items[i:i + size] for i in range(0, len(items), size)]
    out, i = [], 0
    while i < len(items):
        n = min(size, max(4, (len(items) - i) // (4 * workers)))
        out.append(items[i:i + n])
        i += n
    return out
