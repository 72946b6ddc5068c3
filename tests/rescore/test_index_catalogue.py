"""The SQLite index: rebuildable from the folders, re-reads only what changed, answers queries."""

from __future__ import annotations

import json
import shutil

import mockvoice.index as index_mod
from mockvoice.index import INDEX_FILE, Index, parse_since


def _rows(idx: Index) -> list[tuple]:
    return [(r.name, r.question_id, r.overall, r.turns, r.error) for r in idx.sessions(errors=True)]


def test_refresh_reads_only_changed_folders_and_rebuild_matches(bench, tmp_path, monkeypatch):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 5)
    (root / "foreign").mkdir()
    calls = []
    real = index_mod.read_session
    monkeypatch.setattr(index_mod, "read_session", lambda f: calls.append(f.name) or real(f))

    with Index(root) as idx:
        idx.refresh()
        assert sorted(calls) == ["foreign"] + [f"s{i:06d}" for i in range(5)]
        assert [r.name for r in idx.sessions()] == [f"s{i:06d}" for i in range(5)]
        assert [r.name for r in idx.broken()] == ["foreign"] and "no session.json" in idx.broken()[0].error
        first = _rows(idx)

    calls.clear()
    with Index(root) as idx:
        idx.refresh()
        assert calls == []  # nothing changed: nothing re-read
        assert _rows(idx) == first

    data = json.loads((root / "s000002" / "session.json").read_text())
    data["question_id"] = "rate-limiter-v2"
    (root / "s000002" / "session.json").write_text(json.dumps(data))
    shutil.rmtree(root / "s000004")
    with Index(root) as idx:
        idx.refresh()
        assert calls == ["s000002"]
        assert [r.name for r in idx.sessions(question="rate-limiter-v2")] == ["s000002"]
        assert len(idx.sessions()) == 4
        assert [r.name for r in idx.sessions(since=parse_since("2026-01-01T00:30:00"))] == ["s000001", "s000002", "s000003"]
        refreshed = _rows(idx)
        assert _rows(idx.rebuild()) == refreshed

    (root / INDEX_FILE).unlink()  # the folders are the source of truth
    with Index(root) as idx:
        assert _rows(idx.refresh()) == refreshed


def test_versions_are_indexed_after_a_rescore(bench, cli, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 2)
    assert cli("rescore", root, "--workers", "1").code == 0
    with Index(root) as idx:
        versions = idx.versions()
        assert sorted(len(v) for v in versions.values()) == [1, 1]
        row = idx.sessions()[0]
        overall, feats, source = idx.current_scores(row, versions[row.path])
        assert source.startswith("system-design-") and set(feats) >= {"trade_off", "clarifying_question"}
    (root / INDEX_FILE).unlink()
    with Index(root) as idx:  # rebuilt from the scores/ folders
        assert sorted(len(v) for v in idx.refresh().versions().values()) == [1, 1]
