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
