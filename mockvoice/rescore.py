"""The batch re-scoring engine: every session scored again on all cores, resumable, never destructive.

`plan()` turns session folders and recordings roots into work: sessions the index already knows
are skipped by a stat check on their version file, new or changed ones go to the workers.
`run()` fans chunks out to a process pool; each worker loads a session, scores its stored
transcripts (or re-transcribes them first), stages the version files and commits the chunk with
one `os.sync()` and a rename per file (that work, and the worker processes: rescore_work.py).
Ctrl-C sets a stop flag (`Interrupts`): workers finish the session in hand and commit, so a second run
resumes where the first stopped; another Ctrl-C stops them at once and removes what they had not renamed.
Per-session failures are collected.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .catalog import may_be_session
from .errors import MockvoiceError, SessionError
from .index import Index
from .progress import ordered
from .rescore_work import (  # noqa: F401 (_cards, _GC_THRESHOLD: re-exported for the benchmark and tests)
    _GC_THRESHOLD, _STATE, ORIGINAL, ItemResult, Job, _cards, _chunks, _init_worker, _original_is, _process_chunk,
    _version_key, process_session,
)
from .versions import SCORES_DIR, clear_stale_temps

__all__ = ["Job", "ItemResult", "FeatureChange", "Interrupts", "Plan", "Summary", "plan", "run", "process_session"]


@dataclass
class Plan:
    """Results known without a worker (skips, known-broken folders) and the folders left to process."""

    done: list[ItemResult] = field(default_factory=list)
    todo: list[tuple[Path, Index | None]] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.todo)


# --- planning and running (in the parent) -------------------------------------------------
def _is_root(path: Path) -> bool:
    """A folder of sessions (or an empty one), as opposed to one session or a foreign folder of files.
    A folder that cannot be looked into is taken as one session, which then fails with the reason."""
    if not path.is_dir() or may_be_session(path):
        return False
    try:
        with os.scandir(path) as it:
            entries = [e for e in it if not e.name.startswith(".")]
    except OSError:
        return False
    return not entries or any(e.is_dir() for e in entries)


def _known_version(path: str, stamp: tuple[int, int] | None) -> bool:
    """Whether a version file is there, not empty, and as the index read it (one stat: a re-run of
    thousands of sessions does no more); a damaged file the index could not parse has no stamp."""
    if stamp is None:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_size > 0 and (st.st_mtime_ns, st.st_size) == stamp


def _id_and_hash(name: str, rubrics: dict) -> tuple[str, str]:
    rb, rb_hash = rubrics[name]  # loaded by _version_key
    return rb.id, rb_hash


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
        stamps = idx.version_stamps()
        retranscribed = idx.retranscribed()
        for folder, st in same + rescored:
            row = rows[str(folder)]
            if row.error:
                p.done.append(ItemResult(row.path, "failed", row.error))
                continue
            if job.leaves_out(row.created_at, row.question_id):  # the index keeps created_at as UTC ISO text
                p.done.append(ItemResult(row.path, "filtered"))
                continue
            try:
                vkey = _version_key(job.rubric or row.rubric, job.model, rubrics)
            except MockvoiceError:
                p.todo.append((folder, idx))  # the worker reports it with the session's context
                continue
            if _known_version(f"{row.path}{os.sep}{SCORES_DIR}{os.sep}{vkey}.json", stamps.get((row.path, f"{vkey}.json"))):
                p.done.append(ItemResult(row.path, "skipped", key=vkey, row=row))
            elif row.path not in retranscribed and _original_is(row, *_id_and_hash(job.rubric or row.rubric, rubrics),
                                                                 job.model):
                p.done.append(ItemResult(row.path, "skipped", key=ORIGINAL, row=row))  # session.json holds that version
            else:  # not written yet, or a file the index could not parse or has not seen as it is: a worker looks
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


@dataclass(frozen=True)
class FeatureChange:
    """One row of the before -> after summary: a feature (of the rubric its sessions were first scored with, when
    they were not all scored with one) and its mean score before and after."""

    feature: str
    rubric: str | None
    before: float | None
    after: float | None
    sessions: int


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

    def original_rubrics(self) -> dict[str, int]:
        """How many of the sessions this run's rubric was applied to (scored, or already scored) were first
        scored with each rubric: more than one, and `--rubric` scored some with another kind of rubric."""
        out: dict[str, int] = {}
        for r in self.results:
            if r.status in ("rescored", "would", "skipped") and r.row is not None and r.row.rubric:
                out[r.row.rubric] = out.get(r.row.rubric, 0) + 1
        return dict(sorted(out.items()))

    def feature_changes(self) -> dict[str, FeatureChange]:
        """Per feature: mean score before and after over the sessions re-scored in this run. When those sessions
        were first scored with different rubrics, per rubric and feature, keyed `feature (rubric)` as `progress`
        keys its trends: rubrics reuse feature ids for different things (behavioral's `scale_estimate` is an
        outcome in numbers), so their means are never mixed."""
        moved = [r for r in self.results if r.status in ("rescored", "would")]
        mixed = len({r.row.rubric if r.row else None for r in moved}) > 1
        acc: dict[str, tuple[str, str | None, list[float], list[float]]] = {}
        for r in moved:
            rubric = r.row.rubric if r.row else None
            for fid in set(r.before[1]) | set(r.after[1]):
                _, _, b, a = acc.setdefault(f"{fid} ({rubric})" if mixed else fid, (fid, rubric if mixed else None, [], []))
                if fid in r.before[1]:
                    b.append(r.before[1][fid])
                if fid in r.after[1]:
                    a.append(r.after[1][fid])
        mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
        changes = {k: FeatureChange(fid, rb, mean(b), mean(a), max(len(b), len(a))) for k, (fid, rb, b, a) in acc.items()}
        return {k: changes[k] for k in ordered(changes)}

    def movers(self, n: int = 5) -> list[ItemResult]:
        """The sessions whose overall moved most, as the scores are shown (whole numbers: 27.3 -> 27.4 did not move)."""
        moved = [r for r in self.results if r.status in ("rescored", "would") and r.delta
                 and round(r.before[0]) != round(r.after[0])]
        return sorted(moved, key=lambda r: (-abs(r.delta), r.path))[:n]

    def rows(self) -> list[dict]:
        return [{"path": r.path, "status": r.status, "version": r.key, "before": r.before[0], "after": r.after[0],
                 "delta": r.delta, "reason": r.reason or ""} for r in self.results]


class _SharedFlag:
    """The stop flag as the workers see it: a byte in shared memory, set without a lock (so from a signal handler)."""

    def __init__(self, value) -> None:
        self.value = value

    def is_set(self) -> bool:
        return bool(self.value.value)


class Interrupts:
    """Ctrl-C during a re-score, as flags. The handler never raises into the code it interrupts, so a Ctrl-C cannot
    land in a commit, a clean-up, the progress bar's teardown or the report (which is then lost): the first asks
    the workers to stop after the session in hand; another, to stop at once (`forced`). Used as a context
    manager around a whole command; Ctrl-C is only ours to catch on the main thread.
    """

    def __init__(self) -> None:
        self.count = 0
        self.shared = None  # the workers' flag while a pool runs
        self._abortable = False
        self._previous = None
        self._depth = 0  # `with` blocks entered: a command's, and run()'s inside it

    def _handle(self, signum, frame) -> None:
        self.count += 1
        if self.shared is not None:
            self.shared.value = 1
        if self.count > 1 and self._abortable:  # in-process scoring only, see `abortable`
            self._abortable = False
            raise KeyboardInterrupt

    def is_set(self) -> bool:
        return self.count > 0

    @property
    def forced(self) -> bool:
        return self.count > 1

    @contextmanager
    def abortable(self):
        """Scoring in this process: a second Ctrl-C abandons the session in hand (its staged files are discarded)."""
        self._abortable = True
        try:
            yield
        finally:
            self._abortable = False

    def __enter__(self) -> "Interrupts":
        if self._depth == 0 and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0 and self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


def _start_pool(ctx, n: int, job: Job, interrupts: Interrupts, workers: int):
    """Fork the workers with SIGINT held back: a Ctrl-C during the fork reaches neither a worker that has not yet
    ignored it (a traceback from the child) nor the parent inside an at-fork hook (where it is dropped unseen)."""
    interrupts.shared = ctx.RawValue("b", 1 if interrupts.is_set() else 0)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # the pool's threads inherit it too
    try:
        return ctx.Pool(n, initializer=_init_worker, initargs=(job, _SharedFlag(interrupts.shared), workers))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held meanwhile arrives now, as a flag


def run(p: Plan, job: Job, workers: int | None = None, on_start: Callable[[int], None] | None = None,
        on_result: Callable[[ItemResult], None] | None = None, interrupts: Interrupts | None = None) -> Summary:
    """Do the planned work on `workers` processes (1: in this process); Ctrl-C stops cleanly.

    `interrupts`: the caller's, when it catches Ctrl-C from before planning; else Ctrl-C is caught while this runs."""
    t0 = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    owner = {str(f): idx for f, idx in p.todo}
    results: list[ItemResult] = []
    folders = [str(f) for f, _ in p.todo]
    size = 1 if job.model else max(1, min(64, len(folders) // (workers * 8) or 1))
    chunks = _chunks(folders, size, workers if workers > 1 and len(folders) > 1 else 1)
    interrupts = interrupts or Interrupts()

    def take(r: ItemResult) -> None:
        results.append(r)
        _record(owner.get(r.path), r)
        on_result and on_result(r)

    last_commit = time.monotonic()
    gc_threshold = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLD)  # in this process too: it scores (1 worker) or collects the results
    pool = None
    try:
        with interrupts:
            if interrupts.is_set():  # Ctrl-C while planning: nothing is started
                chunks = []
            elif workers > 1 and len(folders) > 1:  # fork before any thread (a progress bar) starts
                pool = _start_pool(mp.get_context("fork"), min(workers, len(chunks)), job, interrupts, workers)
            else:
                _STATE.update(job=job, stop=interrupts, workers=1, rubrics={})
            on_start and on_start(p.total)
            for r in p.done:
                take(r)
            if pool is None:
                for chunk in chunks:
                    if interrupts.is_set():
                        break
                    try:
                        with interrupts.abortable():
                            batch = _process_chunk(chunk)
                    except KeyboardInterrupt:  # the second Ctrl-C: that chunk was discarded, nothing of it written
                        break
                    for r in batch:
                        take(r)
            else:
                try:
                    it = pool.imap_unordered(_process_chunk, chunks)
                    for _ in chunks:
                        batch = _next_batch(it, interrupts)
                        if batch is None:
                            break
                        for r in batch:
                            take(r)
                        if time.monotonic() - last_commit > 1.0:
                            for idx in p.indexes:
                                idx.commit()
                            last_commit = time.monotonic()
                finally:
                    returned = {r.path for r in results}
                    _stop_pool(pool, interrupts, [f for f in folders if f not in returned])
    finally:
        interrupts.shared = None
        gc.set_threshold(*gc_threshold)
        for idx in p.indexes:
            idx.commit()
    done = {r.path for r in results}
    for f in folders:
        if f not in done:
            results.append(ItemResult(f, "stopped"))
    interrupted = interrupts.is_set() or any(r.status == "stopped" for r in results)
    return Summary(results, interrupted, time.perf_counter() - t0, workers)


def _next_batch(it, interrupts: Interrupts) -> list[ItemResult] | None:
    """The next chunk's results, or None once a second Ctrl-C asks to stop at once. It waits in short steps:
    the signal handler only sets flags, so the waiting loop is what notices."""
    while not interrupts.forced:
        try:
            return it.next(timeout=0.2)
        except mp.TimeoutError:
            continue
    return None


def _stop_pool(pool, interrupts: Interrupts, unfinished: list[str]) -> None:
    """Let the workers commit and exit; stopped at once (or on an error), kill them and remove the temp files
    they had not renamed, so nothing half-made is left in the unfinished sessions."""
    if interrupts.forced or (unfinished and not interrupts.is_set()):
        pool.terminate()
        pool.join()
        for f in unfinished:
            clear_stale_temps(f)
        return
    pool.close()
    pool.join()
