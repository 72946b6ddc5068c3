"""A re-score stopped midway (Ctrl-C, then SIGKILL) and resumed: every session scored exactly once, originals intact."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from mockvoice.versions import SCORES_DIR

N = 400


def _start(root: Path) -> subprocess.Popen:
    env = dict(os.environ, MOCKVOICE_RECORDINGS=str(root))
    return subprocess.Popen([sys.executable, "-m", "mockvoice", "rescore", str(root), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def _done(root: Path) -> int:
    return sum(1 for _ in root.glob(f"*/{SCORES_DIR}/*.json"))


def _wait_until(root: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while _done(root) < n:
        assert proc.poll() is None, f"finished before it could be stopped: {proc.communicate()}"
        assert time.monotonic() < end, "no progress"
        time.sleep(0.01)


def _group_gone(pgid: int, timeout: float = 10) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _counts(out: str) -> tuple[int, int, int]:
    m = re.search(r"re-scored (\d+), skipped (\d+), failed (\d+)", out)
    assert m, out
    return int(m[1]), int(m[2]), int(m[3])


def test_interrupted_then_killed_then_resumed_scores_each_session_once(bench, hashes, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, N)
    before = hashes(root)

    # 1. Ctrl-C: workers finish the session in hand, commit, and the run says how to resume
    proc = _start(root)
    _wait_until(root, 1, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in out and "resume" in out and "Traceback" not in err
    done1 = _done(root)
    rescored1, skipped1, _ = _counts(out)
    assert rescored1 == done1 and 0 < done1 < N

    # 2. SIGKILL of the parent mid-run: its workers die with it and nothing is half-written
    proc = _start(root)
    _wait_until(root, done1 + 1, proc)
    proc.kill()
    proc.wait(timeout=30)
    assert _group_gone(proc.pid), "worker processes outlived the killed parent"
    done2 = _done(root)
    assert done1 < done2 <= N

    # 3. resume: only what is left is scored
    proc = _start(root)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, (out, err)
    rescored3, skipped3, failed3 = _counts(out)
    assert (skipped3, failed3) == (done2, 0)
    assert rescored3 == N - done2
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        names = os.listdir(folder / SCORES_DIR)
        assert len(names) == 1 and names[0].endswith(".json"), (folder, names)  # one version, no temp left
    assert hashes(root) == before


def _rubric_variant(bench, path: Path, n: int) -> Path:
    """The default rubric with a new content hash: each run writes versions of its own."""
    bench.changed_rubric(path)
    path.write_text(path.read_text().replace("(reworded)", f"(reworded {n})"))
    return path


def _interrupt(proc: subprocess.Popen, twice: bool) -> None:
    """Ctrl-C as a terminal sends it (to every process of the group), or as `timeout -s INT` does (to the
    command, then to the group: the command may see it twice)."""
    if twice:
        proc.send_signal(signal.SIGINT)
    try:
        os.killpg(proc.pid, signal.SIGINT)
    except ProcessLookupError:  # the run had already finished (a fast machine): the caller checks it did all the work
        pass


def test_ctrl_c_at_any_moment_says_where_it_stopped_and_leaves_no_temp_files(bench, tmp_path):
    root = tmp_path / "rec"
    n = 300
    bench.generate_sessions(root, n)
    env = dict(os.environ, MOCKVOICE_RECORDINGS=str(root))
    # moments: while the command loads, plans and forks its workers (fixed delays), and while they score
    # (once some versions exist); with one Ctrl-C and with two
    moments = [(0.05, 0), (0.5, 0), (1.0, 0), (1.8, 0), (None, 1), (None, 60), (None, 1), (None, 60)]
    for i, (delay, after) in enumerate(moments):
        twice = i % 2 == 1
        rubric = _rubric_variant(bench, tmp_path / f"r{i}.yaml", i)
        key_glob = f"*/{SCORES_DIR}/system-design-*.json"
        before = set(root.glob(key_glob))
        csv_path = tmp_path / f"run{i}.csv"
        proc = subprocess.Popen([sys.executable, "-m", "mockvoice", "rescore", "--rubric", str(rubric), "--workers", "2",
                                 "--csv", str(csv_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env, start_new_session=True)
        if delay is not None:
            time.sleep(delay)
        else:
            end = time.monotonic() + 120
            while len(set(root.glob(key_glob)) - before) < after and proc.poll() is None and time.monotonic() < end:
                time.sleep(0.005)
        _interrupt(proc, twice)
        out, err = proc.communicate(timeout=120)
        said = " ".join((out + err).split())  # rich wraps the summary line
        where = (i, delay, after, twice, proc.returncode, said[-400:])
        assert "Traceback" not in said and "Error" not in said, where
        assert not list(root.glob(f"*/{SCORES_DIR}/.*.tmp-*")), where  # nothing staged and left behind
        written = len(set(root.glob(key_glob)) - before)
        if proc.returncode == 0:  # the Ctrl-C came after the work was done
            assert f"re-scored {n}, " in said and written == n, where
            continue
        assert proc.returncode == 130, where
        if "Interrupted while starting; nothing was done." in said:
            assert written == 0 and not csv_path.exists(), where
            continue
        m = re.search(r"re-scored (\d+), skipped 0, failed 0 .*; interrupted, (\d+) left: run the same command again to resume", said)
        assert m, where
        assert int(m[1]) + int(m[2]) == n and int(m[1]) <= written, where  # a worker stopped at once may have renamed some it could not report
        assert csv_path.exists(), where
    # the last run, resumed, scores what is left and every session once
    res = subprocess.run([sys.executable, "-m", "mockvoice", "rescore", "--rubric", str(rubric), "--workers", "2"],
                         capture_output=True, text=True, env=env, timeout=300)
    done, skipped, failed = _counts(res.stdout)
    assert res.returncode == 0 and done + skipped == n and failed == 0, res.stdout
    assert not list(root.glob(f"*/{SCORES_DIR}/.*"))
