"""The batch re-scoring engine: every session scored again on all cores, resumable, never destructive.

`plan()` turns session folders and recordings roots into work: sessions the index already knows
are skipped by a stat check on their version file, new or changed ones go to the workers.
`run()` fans chunks out to a process pool; each worker loads a session, scores its stored
transcripts (or re-transcribes them first), stages the version files and commits the chunk with
one `os.sync()` and a rename per file. Ctrl-C sets a stop flag: workers finish the session in hand
and commit, so a second run resumes where the first stopped. Per-session failures are collected.
"""

from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import MockvoiceError, SessionError
from .index import Index, SessionRow, Stat, error_row, read_session, session_row, stat_session, utc_iso
from .rubric import Rubric, load_rubric
from .scoring import score_transcript
from .session import SESSION_FILE
from .transcript import Joined
from .versions import (
    _TURNS, SCORES_DIR, ScoreVersion, StagedWrites, has_version, read_score_version, read_transcript_version,
    score_key, score_path, score_version_json, transcript_path, transcript_version_json,
)

__all__ = ["Job", "ItemResult", "Plan", "Summary", "plan", "run", "process_session"]

_VERSION_NAME = re.compile(r"^(?P<rid>.+)-(?P<hash>[0-9a-f]{12})(?:\.(?P<model>.+))?\.json$")


@dataclass(frozen=True)
class Job:
    """What to do to every session: rubric (None: each session's own), filters, re-transcription."""

    rubric: str | None = None
    since: str | None = None
    model: str | None = None  # set: re-transcribe with this model first
    dry_run: bool = False


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


@dataclass
class Plan:
    """Results known without a worker (skips, known-broken folders) and the folders left to process."""

    done: list[ItemResult] = field(default_factory=list)
    todo: list[tuple[Path, Index | None]] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.todo)


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
        if _VERSION_NAME.match(name):
            try:
                versions.append(read_score_version(folder / SCORES_DIR / name)[0])
            except SessionError:
                continue
    versions.sort(key=lambda v: (v.created_at, v.path.name))
    same = [v for v in versions if v.rubric == rubric_id and v.transcript is None]
    return versions, (same[-1] if same else None)


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
    return [None] * len(transcripts), score(Joined.of(chunks, offset))  # scores as listener.merge_chunks would


def process_session(folder: Path, job: Job, writes: StagedWrites, rubrics: dict) -> ItemResult:
    """Load, check, and (unless already done) score one session, staging its new version files."""
    key = str(folder)
    st = stat_session(folder)
    try:
        session = read_session(folder)
    except SessionError as exc:
        return ItemResult(key, "failed", str(exc), row=error_row(folder, str(exc)), stat=st)
    row = session_row(folder, session)
    if job.since and utc_iso(row.created_at) < job.since:
        return ItemResult(key, "filtered", row=row, stat=st)
    missing = [t.audio for t in session.turns if t.audio and not os.path.isfile(os.path.join(folder, t.audio))]
    if missing:
        return ItemResult(key, "failed", f"{folder}: audio {missing[0]} is missing (partial session)", row=row, stat=st)
    try:
        rb = _rubric(job.rubric or session.rubric, rubrics)
    except MockvoiceError as exc:
        return ItemResult(key, "failed", f"{folder}: {exc}", row=row, stat=st)
    vkey = _version_key(job.rubric or session.rubric, job.model, rubrics)
    target = score_path(folder, vkey)
    versions, prev = _versions_and_before(folder, rb.id)
    if has_version(target):
        return ItemResult(key, "skipped", key=vkey, row=row, stat=st, versions=versions)
    before = (prev.overall, prev.features) if prev else (row.overall, row.features)
    if job.dry_run:
        return ItemResult(key, "would", key=vkey, row=row, stat=st, versions=versions, before=before)
    try:
        transcripts = _retranscribe(folder, session, rb, job.model, writes) if job.model else [t.transcript for t in session.turns]
    except MockvoiceError as exc:
        return ItemResult(key, "failed", str(exc), row=row, stat=st)
    cards, whole = _cards(session, transcripts, rb)
    rb_hash = rubrics[job.rubric or session.rubric][1]
    text = score_version_json(cards, rb.id, rb_hash, job.model, whole)
    writes.stage(target, text)
    head = json.loads(text[: text.index(_TURNS)] + "}")  # the summary just written
    new = ScoreVersion(target, rb.id, rb_hash, job.model, head["created_at"], head["overall"], head["features"])
    return ItemResult(key, "rescored", key=vkey, row=row, stat=st, versions=versions + [new],
                      before=before, after=(new.overall, new.features))


# --- worker processes ---------------------------------------------------------------------
_STATE: dict = {}
# Scoring a session allocates ~100k objects that reference counting frees when it is done, so the cycle
# collector's default passes (every 700 net allocations, and over the whole heap every few hundred) found
# nothing and cost ~0.4 ms a session, about a tenth of it. Re-scoring collects rarely instead.
_GC_THRESHOLD = (20_000, 50, 50)


def _init_worker(job: Job, stop, workers: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
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
    for r in out:  # the stat after the rename, so the index sees the folder as up to date
        if r.status == "rescored":
            r.stat = stat_session(Path(r.path))
    return out


# --- planning and running (in the parent) -------------------------------------------------
def _is_root(path: Path) -> bool:
    """A folder of sessions (or an empty one), as opposed to one session or a foreign folder of files."""
    if (path / SESSION_FILE).exists() or not path.is_dir():
        return False
    with os.scandir(path) as it:
        entries = [e for e in it if not e.name.startswith(".")]
    return not entries or any(e.is_dir() for e in entries)


def plan(targets: Iterable[Path], job: Job) -> Plan:
    """Split the work: cheap answers from the index and stat checks now, the rest for the workers."""
    p = Plan()
    rubrics: dict = {}
    seen: set[str] = set()
    for target in targets:
        target = Path(target)
        if not target.exists():
            raise SessionError(f"{target}: no such session or folder; run `mockvoice sessions` to list them")
        if not _is_root(target):
            if str(target) not in seen:
                seen.add(str(target))
                p.todo.append((target, None))
            continue
        idx = Index(target)
        p.indexes.append(idx)
        same, changed, rescored = idx.scan()
        rows = {r.path: r for r in idx._rows("")}
        for folder, st in changed:
            p.todo.append((folder, idx))
        for folder, st in rescored:
            idx.load_versions(folder, st)
        for folder, st in same + rescored:
            row = rows[str(folder)]
            if row.error:
                p.done.append(ItemResult(row.path, "failed", row.error))
                continue
            if job.since and row.created_at < job.since:
                p.done.append(ItemResult(row.path, "filtered"))
                continue
            try:
                vkey = _version_key(job.rubric or row.rubric, job.model, rubrics)
            except MockvoiceError:
                p.todo.append((folder, idx))  # the worker reports it with the session's context
                continue
            if has_version(f"{folder}{os.sep}{SCORES_DIR}{os.sep}{vkey}.json"):
                p.done.append(ItemResult(row.path, "skipped", key=vkey))
            else:
                p.todo.append((folder, idx))
        idx.commit()
    return p


def _record(idx: Index | None, r: ItemResult) -> None:
    if idx is None or r.row is None or r.stat is None:
        return
    idx.put_session(r.row, r.stat)
    if r.versions is not None:
        idx.db.execute("DELETE FROM versions WHERE path=?", (r.path,))
        for v in r.versions:
            idx.put_version(Path(r.path), v)


@dataclass
class Summary:
    """Everything a run did, for the final report and the exports."""

    results: list[ItemResult]
    interrupted: bool
    elapsed_s: float
    workers: int

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def failed(self) -> list[ItemResult]:
        return [r for r in self.results if r.status == "failed"]

    def feature_changes(self) -> dict[str, tuple[float | None, float | None, int]]:
        """Per feature: mean score before and after over the sessions re-scored in this run."""
        acc: dict[str, list[list[float]]] = {}
        for r in self.results:
            if r.status not in ("rescored", "would"):
                continue
            for fid in set(r.before[1]) | set(r.after[1]):
                b, a = acc.setdefault(fid, [[], []])
                if fid in r.before[1]:
                    b.append(r.before[1][fid])
                if fid in r.after[1]:
                    a.append(r.after[1][fid])
        mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
        return {fid: (mean(b), mean(a), max(len(b), len(a))) for fid, (b, a) in sorted(acc.items())}

    def movers(self, n: int = 5) -> list[ItemResult]:
        moved = [r for r in self.results if r.status == "rescored" and r.delta]
        return sorted(moved, key=lambda r: (-abs(r.delta), r.path))[:n]

    def rows(self) -> list[dict]:
        return [{"path": r.path, "status": r.status, "version": r.key, "before": r.before[0], "after": r.after[0],
                 "delta": r.delta, "reason": r.reason or ""} for r in self.results]


def _install_sigint(handler):
    """Swap the SIGINT handler (only possible on the main thread; elsewhere Ctrl-C is not ours to catch)."""
    if threading.current_thread() is not threading.main_thread() or handler is None:
        return None
    return signal.signal(signal.SIGINT, handler)


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


def run(p: Plan, job: Job, workers: int | None = None, on_start: Callable[[int], None] | None = None,
        on_result: Callable[[ItemResult], None] | None = None) -> Summary:
    """Do the planned work on `workers` processes (1: in this process); Ctrl-C stops cleanly."""
    t0 = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    owner = {str(f): idx for f, idx in p.todo}
    results: list[ItemResult] = []
    folders = [str(f) for f, _ in p.todo]
    size = 1 if job.model else max(1, min(64, len(folders) // (workers * 8) or 1))
    chunks = _chunks(folders, size, workers if workers > 1 and len(folders) > 1 else 1)
    pool = None
    if workers > 1 and len(folders) > 1:  # fork before any thread (a progress bar) starts
        ctx = mp.get_context("fork")
        stop = ctx.Event()
        pool = ctx.Pool(min(workers, len(chunks)), initializer=_init_worker, initargs=(job, stop, workers))
    else:
        stop = threading.Event()
        _STATE.update(job=job, stop=stop, workers=1, rubrics={})
    on_start and on_start(p.total)

    def take(r: ItemResult) -> None:
        results.append(r)
        _record(owner.get(r.path), r)
        on_result and on_result(r)

    def on_sigint(signum, frame) -> None:  # first Ctrl-C: finish the session in hand and stop
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = _install_sigint(on_sigint)
    last_commit = time.monotonic()
    gc_threshold = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLD)  # in this process too: it scores (1 worker) or collects the results
    try:
        for r in p.done:
            take(r)
        if pool is None:
            for chunk in chunks:
                for r in _process_chunk(chunk):
                    take(r)
        else:
            try:
                for batch in pool.imap_unordered(_process_chunk, chunks):
                    for r in batch:
                        take(r)
                    if time.monotonic() - last_commit > 1.0:
                        for idx in p.indexes:
                            idx.commit()
                        last_commit = time.monotonic()
                pool.close()
            except BaseException:
                pool.terminate()
                raise
            finally:
                pool.join()
    finally:
        gc.set_threshold(*gc_threshold)
        _install_sigint(previous)
        for idx in p.indexes:
            idx.commit()
    done = {r.path for r in results}
    for f in folders:
        if f not in done:
            results.append(ItemResult(f, "stopped"))
    interrupted = stop.is_set() or any(r.status == "stopped" for r in results)
    return Summary(results, interrupted, time.perf_counter() - t0, workers)
