"""Benchmark how `mockvoice import` finds files it already imported, in a large recordings folder.

    .venv/bin/python benchmarks/import_dedupe.py --sessions 5000

Writes N realistic sessions (benchmarks/rescore.py's generator; half of them marked as imports with a
source hash), then prints: the baseline (reading every session.json to collect the hashes), the
lookup through the session index on a first run (no index yet: it is built) and on a later run (the
index is current), the whole CLI re-importing one already-imported file, and SHA-256 speed on a
200 MB file (every import hashes its source once).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from rescore import generate_sessions  # noqa: E402

from mockvoice.importer import already_imported, source_digest  # noqa: E402
from mockvoice.index import INDEX_FILE, Index, read_session  # noqa: E402


def _mark_imports(folders: list[Path]) -> None:
    """Every other session becomes an import with a (made-up, distinct) source hash."""
    for i, folder in enumerate(folders[::2]):
        raw = json.loads((folder / "session.json").read_text())
        raw.update(source="import", source_sha256=hashlib.sha256(f"source {i}".encode()).hexdigest())
        (folder / "session.json").write_text(json.dumps(raw))


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=5000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "rec"
        folders = generate_sessions(root, args.sessions)
        _mark_imports(folders)
        answer = Path(tmp) / "answer.txt"
        answer.write_text("How many users do we expect? If the cache goes down we fall back to the database.")
        raw = json.loads((folders[0] / "session.json").read_text())
        raw["source_sha256"] = source_digest(answer)  # the one file the CLI run below re-imports
        (folders[0] / "session.json").write_text(json.dumps(raw))

        base, hashes = _timed(lambda: {s.source_sha256 for s in map(read_session, folders) if s.source_sha256})

        def lookup():
            with Index(root) as idx:
                return already_imported(idx)

        cold, found = _timed(lookup)
        warm, again = _timed(lookup)
        assert set(found) == set(again) == hashes and len(hashes) == (args.sessions + 1) // 2

        cmd = [sys.executable, "-m", "mockvoice", "import", str(answer), "--recordings", str(root)]
        cli, res = _timed(lambda: subprocess.run(cmd, capture_output=True, text=True))
        assert "already imported 1" in res.stdout, res.stdout + res.stderr
        start, _ = _timed(lambda: subprocess.run([sys.executable, "-m", "mockvoice", "--help"], capture_output=True))

        big = Path(tmp) / "big.bin"
        big.write_bytes(os.urandom(200 * 1024 * 1024))
        digest, _ = _timed(lambda: source_digest(big))
        index_mb = (root / INDEX_FILE).stat().st_size / 1e6

    n = args.sessions
    print(f"{n} sessions, {len(hashes)} of them imports with a source hash")
    print(f"baseline, read every session.json:     {base:7.2f} s")
    print(f"index lookup, first run (builds it):   {cold:7.2f} s  ({cold / base:.2f}x baseline; index {index_mb:.1f} MB)")
    print(f"index lookup, later run:               {warm:7.3f} s  ({warm / base:.3f}x baseline)")
    print(f"`mockvoice import` of a duplicate:     {cli:7.2f} s  (`mockvoice --help` alone: {start:.2f} s)")
    print(f"sha256 of a 200 MB file:               {digest:7.2f} s  ({200 / digest:.0f} MB/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
