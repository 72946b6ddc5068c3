"""Fewer system calls on the re-scoring path, same outcomes: session reads, staged version writes, chunking."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mockvoice.errors import SessionError, StorageError
from mockvoice.rescore import _chunks
from mockvoice.session import SESSION_FILE, load_session
from mockvoice.versions import StagedWrites


@pytest.fixture(scope="module")
def good(bench, tmp_path_factory) -> Path:
    return bench.generate_sessions(tmp_path_factory.mktemp("rec") / "rec", 1)[0]


def test_load_session_reads_a_good_one_and_words_each_problem(good, tmp_path):
    assert load_session(good, repair_audio=False).id == good.name
    cases = {"gone": "no such session folder", "empty": "not a mockvoice session (no session.json)",
             "dir": "its session.json is a folder, not a file", "fifo": "not a mockvoice session (no session.json)",
             "truncated": "corrupt JSON", "blank": "corrupt JSON"}
    (tmp_path / "empty").mkdir()
    (tmp_path / "dir" / SESSION_FILE).mkdir(parents=True)
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / SESSION_FILE)
    (tmp_path / "truncated").mkdir()
    (tmp_path / "truncated" / SESSION_FILE).write_bytes((good / SESSION_FILE).read_bytes()[:5000])
    (tmp_path / "blank").mkdir()
    (tmp_path / "blank" / SESSION_FILE).write_bytes(b"")
    for name, words in cases.items():
        done: list[str] = []

        def read() -> None:
            try:
                load_session(tmp_path / name, repair_audio=False)
            except SessionError as exc:
                done.append(str(exc))

        t = threading.Thread(target=read, daemon=True)  # a FIFO must be reported, not block the reader
        t.start()
        t.join(10)
        assert done and words in done[0], (name, done)


def test_staged_writes_in_a_new_folder_an_old_one_and_with_a_file_in_the_way(tmp_path):
    w = StagedWrites()
    w.stage(tmp_path / "s1" / "scores" / "a.json", "\u201cnew\u201d")  # parents made as needed
    old = tmp_path / "s2" / "scores"
    old.mkdir(parents=True)
    stale = old / ".b.json.tmp-999999999"  # left by a killed process
    stale.write_text("half")
    w.stage(old / "b.json", "x" * 200_000)
    assert not stale.exists()
    assert w.commit() == [tmp_path / "s1" / "scores" / "a.json", old / "b.json"]
    assert (tmp_path / "s1" / "scores" / "a.json").read_text(encoding="utf-8") == "\u201cnew\u201d"
    assert (old / "b.json").read_text() == "x" * 200_000 and sorted(os.listdir(old)) == ["b.json"]
    (tmp_path / "s3").mkdir()
    (tmp_path / "s3" / "scores").write_text("a file")
    with pytest.raises(StorageError, match="not a folder"):  # one line, which rescore reports as that session's failure
        w.stage(tmp_path / "s3" / "scores" / "c.json", "{}")


def test_chunks_cover_every_item_once_and_shrink_at_the_end():
    for n in (0, 1, 7, 100, 3000, 10001):
        items = list(range(n))
        size = max(1, min(64, n // 16 or 1))
        for workers in (1, 2, 4):
            chunks = _chunks(items, size, workers)
            assert [x for c in chunks for x in c] == items
            assert all(0 < len(c) <= size for c in chunks)
        if n >= 3000:
            assert len(_chunks(items, size, 2)[-1]) <= 4 < len(_chunks(items, size, 1)[-1])
