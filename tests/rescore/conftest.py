"""Fixtures for re-scoring tests: realistic generated sessions (the benchmark's generator) and file hashes."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "rescore.py"


def _generator():
    spec = importlib.util.spec_from_file_location("mockvoice_bench_rescore", _BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def bench():
    """The benchmark module: generate_sessions(root, n) and changed_rubric(path)."""
    return _generator()


@pytest.fixture(scope="session")
def hashes():
    """originals(root): sha256 of every file a recording owns."""
    return originals


def originals(root: Path) -> dict[str, str]:
    """sha256 of every file a recording owns (everything outside scores/ and transcripts/, and not the index)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and rel.parts[1:2] not in (("scores",), ("transcripts",)) and not rel.name.startswith(".mockvoice-index"):
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
