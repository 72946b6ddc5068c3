"""The batch re-scoring engine: every session scored again on all cores, resumable, never destructive.

`plan()` turns session folders and recordings roots into work: sessions the index already knows
are skipped by a stat check on their version file, new or changed ones go to the workers.
`run()` fans chunks out to a process pool; each worker loads a session, scores its stored
transcripts (or re-transcribes them first), stages the version files and commits the chunk with
one `os.sync()` and a rename per file (that work, and the worker processes: rescore_work.py).
Ctrl-C sets a stop flag: workers finish the session in hand and commit, so a second run resumes
where the first stopped. Per-session failures are collected.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .errors import MockvoiceError, SessionError
from .index import Index
from .rescore_work import (  # noqa: F401 (_cards, _GC_THRESHOLD: re-exported for the benchmark and tests)
    _GC_THRESHOLD, _STATE, ItemResult, Job, _cards, _chunks, _init_worker, _process_chunk, _version_key, process_session,
)
from .session import SESSION_FILE
from .versions import SCORES_DIR

__all__ = ["Job", "ItemResult", "Plan", "Summary", "plan", "run", "process_session"]


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
    """A folder of sessions (or an empty one), as opposed to one session or a foreign folder of files."""
    if (path / SESSION_FILE).exists() or not path.is_dir():
        return False
    with os.scandir(path) as it:
        entries = [e for e in it if not e.name.startswith(".")]
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
            if _known_version(f"{row.path}{os.sep}{SCORES_DIR}{os.sep}{vkey}.json", stamps.get((row.path, f"{vkey}.json"))):
                p.done.append(ItemResult(row.path, "skipped", key=vkey))
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
        moved = [r for r in self.results if r.status in ("rescored", "would") and r.delta]
        return sorted(moved, key=lambda r: (-abs(r.delta), r.path))[:n]

    def rows(self) -> list[dict]:
        return [{"path": r.path, "status": r.status, "version": r.key, "before": r.before[0], "after": r.after[0],
                 "delta": r.delta, "reason": r.reason or ""} for r in self.results]


def _install_sigint(handler):
    """Swap the SIGINT handler (only possible on the main thread; elsewhere Ctrl-C is not ours to catch)."""
    if threading.current_thread() is not threading.main_thread() or handler is None:
        return None
    return signal.signal(signal.SIGINT, handler)


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
