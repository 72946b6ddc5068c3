"""Benchmark batch re-scoring: generate N realistic sessions, re-score them with 1 and 2 workers, then re-run.

    .venv/bin/python benchmarks/rescore.py --sessions 10000

Sessions are written the way `practice` writes them (schema-versioned session.json, 1-3 turns of
75-225 spoken words with word timings at 120-170 wpm, fillers, pauses, per-turn and whole-session
scorecards, and a WAV per turn, hard-linked to one real 30 s file so 10,000 sessions fit on disk). Prints the
throughput with 1 and 2 workers on the same amount of work (two rubric versions, same features),
the time of a second run with nothing to do (engine and the whole CLI), and where one session's
time goes. Targets (issue 6, 2 cores): 10,000 sessions in <= 30 s; nothing-to-do run <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from mockvoice.audio import write_wav
from mockvoice.rubric import load_rubric
from mockvoice.scoring import score_transcript
from mockvoice.session import SCHEMA_VERSION, Turn
from mockvoice.transcript import Segment, Transcript, Word

SENTENCES = {
    "clarify": [
        "How many daily active users do we expect?", "Is this read heavy or write heavy, roughly what ratio?",
        "What latency budget do we have for a redirect?", "Do we need the links to expire?",
        "Should I assume a single region or global traffic?", "Do we need analytics on clicks?",
        "What consistency do we need for the counters?", "Are custom aliases in scope?",
    ],
    "trade": [
        "I would pick Redis over Memcached because we need persistence, but it costs more memory.",
        "Kafka gives us replay but costs operational overhead, SQS is simpler and good enough here.",
        "A relational database is simpler than Cassandra, at the cost of harder sharding later.",
        "We could precompute the feed instead of building it on read, trading storage for latency.",
    ],
    "failure": [
        "If the cache goes down we fall back to the database behind a circuit breaker.",
        "Retries use exponential backoff so a slow dependency does not cause a thundering herd.",
        "Replication lag means a user might not see their own write for a second.",
        "A hot key on a celebrity link could overload one shard, so we replicate hot keys.",
    ],
    "scale": [
        "A hundred million writes a day is about twelve hundred per second.",
        "At five hundred bytes each that is roughly fifty gigabytes per day of storage.",
        "Ten million users times twenty requests per day comes to about two thousand requests per second.",
    ],
    "monitor": [
        "We alert on p99 latency and error rate against an SLO.", "I would add dashboards for cache hit ratio.",
        "We roll out behind a feature flag with a canary first.",
    ],
    "narrate": [
        "So the client calls the API which writes the mapping to the database.",
        "The service generates a short code with base sixty two encoding.", "Then we put a cache in front of the reads.",
        "The workers consume events from the queue and update the counters.", "Let me walk through the data model first.",
        "Each record has the short code, the long URL, the owner and a created timestamp.",
        "We shard by the short code so the load spreads evenly.", "The read path checks the cache and then the database.",
    ],
}
FILLERS = ["um", "uh", "so", "like"]


def _turn_transcript(rng: random.Random) -> Transcript:
    target = rng.randint(75, 225)
    wpm = rng.uniform(120, 170)
    per_word = 60.0 / wpm
    t, words_n, segments = rng.uniform(0.3, 1.5), 0, []
    kinds = list(SENTENCES)
    weights = [rng.uniform(0.2, 1.5) for _ in kinds]
    weights[kinds.index("narrate")] = 3.0
    while words_n < target:
        text = rng.choice(SENTENCES[rng.choices(kinds, weights)[0]])
        tokens = text.split()
        if rng.random() < 0.3:
            tokens.insert(rng.randrange(len(tokens)), rng.choice(FILLERS) + ",")
        words = []
        for tok in tokens:
            d = per_word * rng.uniform(0.6, 1.3)
            words.append(Word(text=tok, start=round(t, 3), end=round(t + d * 0.85, 3), probability=round(rng.uniform(0.6, 1), 3)))
            t += d
        t += rng.choice([0.2, 0.4, 0.8, 1.5, 3.5])
        segments.append(Segment(text=" ".join(tokens), start=words[0].start, end=words[-1].end, words=tuple(words)))
        words_n += len(words)
    return Transcript(text=" ".join(s.text for s in segments), segments=tuple(segments), duration=round(t, 3), model="tiny.en")


def _turn_pool(rng: random.Random, n: int) -> list[str]:
    """JSON of `n` distinct scored turns (scored once here; sessions reuse them)."""
    rb = load_rubric("system-design")
    pool = []
    for i in range(n):
        tr = _turn_transcript(rng)
        turn = Turn(index=1, prompt="Design a URL shortener.", audio="turn-01.wav", transcript=tr,
                    scorecard=score_transcript(tr, rb), timings={"response_latency_ms": 250.0})
        pool.append(turn.model_dump_json())
    return pool


def generate_sessions(root: Path, n: int, seed: int = 7, pool_size: int = 300) -> list[Path]:
    """Write `n` realistic session folders under `root` and return them."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    pool = _turn_pool(rng, min(pool_size, max(n, 1)))
    wav = root.parent / f".{root.name}-answer.wav"
    noise = np.random.default_rng(seed).normal(0, 0.05, 16000 * 30).astype(np.float32)
    write_wav(wav, noise)
    rb = load_rubric("system-design")
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    questions = ["url-shortener", "chat-system", "news-feed", "rate-limiter", "debug-500s"]
    out = []
    for i in range(n):
        folder = root / f"s{i:06d}"
        folder.mkdir()
        turns = []
        for k in range(rng.choice([1, 2, 2, 3])):
            turn = json.loads(rng.choice(pool))
            turn.update(index=k + 1, audio=f"turn-{k + 1:02d}.wav")
            os.link(wav, folder / turn["audio"])
            turns.append(turn)
        created = start + timedelta(minutes=37 * i)
        session = {
            "schema_version": SCHEMA_VERSION, "id": folder.name, "created_at": created.isoformat(timespec="seconds"),
            "source": "practice", "status": "complete", "question_id": questions[i % len(questions)],
            # recorded with an earlier edit of the rubric (the cards come from a pool): a plain rescore has work to do
            "question": "Design a URL shortener.", "rubric": rb.id, "rubric_hash": "0123456789ab", "model": "tiny.en",
            "turns": turns,
            # practice also stores a whole-session card (all answers merged); re-scoring re-makes it
            "scorecard": turns[0]["scorecard"],
        }
        (folder / "session.json").write_text(json.dumps(session), encoding="utf-8")
        out.append(folder)
    return out


def changed_rubric(path: Path) -> Path:
    """The default rubric with one feedback line reworded: same features and cost, a new content hash."""
    import yaml

    data = yaml.safe_load(load_rubric("system-design").model_dump_json())
    data["features"][0]["feedback"]["missing"] += " (reworded)"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _engine(root: Path, rubric: str | None, workers: int):
    from mockvoice.rescore import Job, plan, run

    job = Job(rubric=rubric)
    c0, t0 = os.times(), time.perf_counter()
    p = plan([root], job)
    summary = run(p, job, workers=workers)
    for idx in p.indexes:
        idx.close()
    wall, c1 = time.perf_counter() - t0, os.times()  # pool workers are reaped by then: their CPU is in children_*
    summary.cpu_s = sum(getattr(c1, f) - getattr(c0, f) for f in ("user", "system", "children_user", "children_system"))
    return wall, summary


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _breakdown(root: Path, n: int) -> dict[str, float]:
    """Seconds per session spent loading, scoring (as rescore does), serialising and committing (one process)."""
    import gc

    from mockvoice.index import read_session_summary as load_session
    from mockvoice.rescore import _GC_THRESHOLD, _cards
    from mockvoice.versions import StagedWrites, score_version_json

    rb = load_rubric("system-design")
    folders = sorted(f for f in root.iterdir() if f.is_dir())[:n]
    t = dict(load=0.0, score=0.0, serialise=0.0, commit=0.0)
    scratch = Path(tempfile.mkdtemp(prefix="mv-bench-"))
    writes = StagedWrites()
    gc_threshold = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLD)  # as the engine runs
    for i, f in enumerate(folders):
        a = time.perf_counter(); s = load_session(f)
        b = time.perf_counter(); cards, whole = _cards(s, [x.transcript for x in s.turns], rb)
        c = time.perf_counter(); text = score_version_json(cards, rb.id, rb.content_hash, None, whole)
        d = time.perf_counter(); writes.stage(scratch / f"{i}.json", text)
        if len(writes) == 64 or i == len(folders) - 1:
            writes.commit()
        e = time.perf_counter()
        t["load"] += b - a; t["score"] += c - b; t["serialise"] += d - c; t["commit"] += e - d
    gc.set_threshold(*gc_threshold)
    shutil.rmtree(scratch)
    return {k: v / len(folders) for k, v in t.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=2000)
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = ap.parse_args()
    n = args.sessions
    base = Path(tempfile.mkdtemp(prefix="mv-rescore-"))
    root = base / "recordings"
    try:
        t0 = time.perf_counter()
        generate_sessions(root, n)
        turns = sum(len(json.loads((f / "session.json").read_text())["turns"]) for f in list(root.iterdir())[:500])
        print(f"generated {n} sessions in {time.perf_counter() - t0:.1f} s under {root} "
              f"(~{turns / min(n, 500):.2f} turns per session; {os.cpu_count()} CPUs)")
        rubric_b = str(changed_rubric(base / "system-design-b.yaml"))

        print(f"machine before the runs: {_load()} (other work on the machine slows the wall-clock figures)")
        t1, s1 = _engine(root, None, 1)
        print(f"re-score, 1 worker : {t1:7.2f} s  {n / t1:7.0f} sessions/s  (rescored {s1.count('rescored')}, failed {s1.count('failed')});"
              f" CPU {s1.cpu_s * 1000 / n:.2f} ms/session; {_load()}")
        t2, s2 = _engine(root, rubric_b, 2)
        print(f"re-score, 2 workers: {t2:7.2f} s  {n / t2:7.0f} sessions/s  (rescored {s2.count('rescored')}, failed {s2.count('failed')});"
              f" CPU {s2.cpu_s * 1000 / n:.2f} ms/session; scaling x{t1 / t2:.2f}; {_load()}")
        print(f"CPU-bound projection on 2 idle cores: {2 * n / s2.cpu_s:.0f} sessions/s -> 10,000 in {10000 * s2.cpu_s / n / 2:.1f} s")
        t3, s3 = _engine(root, rubric_b, 2)
        print(f"second run, nothing to do (engine): {t3:.2f} s  (skipped {s3.count('skipped')}, rescored {s3.count('rescored')})")
        env = dict(os.environ, MOCKVOICE_RECORDINGS=str(root))
        cli = [sys.executable, "-m", "mockvoice", "rescore", str(root), "--rubric", rubric_b]
        t0 = time.perf_counter()
        proc = subprocess.run(cli, capture_output=True, text=True, env=env)
        t4 = time.perf_counter() - t0
        print(f"second run, nothing to do (whole CLI incl. start-up): {t4:.2f} s  exit {proc.returncode}")
        (root / ".mockvoice-index.sqlite").unlink()
        for extra in ("-wal", "-shm"):
            Path(str(root / ".mockvoice-index.sqlite") + extra).unlink(missing_ok=True)
        t5, s5 = _engine(root, rubric_b, 2)
        print(f"nothing to do, index deleted (rebuilt from the folders): {t5:.2f} s  (skipped {s5.count('skipped')})")
        per = _breakdown(root, min(n, 400))
        total = sum(per.values())
        print("one session, one process: " + ", ".join(f"{k} {v * 1000:.2f} ms ({100 * v / total:.0f}%)" for k, v in per.items()))
        print(f"targets: 10,000 sessions <= 30 s -> projected {10000 / (n / t2):.1f} s with 2 workers; second run <= 3 s -> {t4:.2f} s")
    finally:
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
