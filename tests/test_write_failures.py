"""Writes that fail (a read-only or full folder, a file where a folder should be, a folder or a device where a
file should be) are one StorageError line that says what to do: never a traceback, a half-written file, or a
replaced symlink or device. Mounts are not available in tests, so a failing disk is a patched system call."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from mockvoice.errors import StorageError
from mockvoice.index import Index
from mockvoice.session import new_session_dir
from mockvoice.writes import write_atomic
from mockvoice.versions import StagedWrites
from mockvoice.wavstream import HEADER_BYTES, StreamingWav

ANSWER = ("How many users do we expect per day? I would use a queue rather than direct calls, because it absorbs "
          "bursts, but it adds latency. If a worker crashes the job is retried, and we alert on the error rate.")


def _fail_on(monkeypatch, module, name: str, code: int, when=lambda *a, **k: True):
    """Make `module.name` raise OSError(code) whenever `when(*args)` says so."""
    real = getattr(module, name)

    def fake(*args, **kwargs):
        if when(*args, **kwargs):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, fake)


def _one_line(res, kind: str = "StorageError") -> str:
    assert res.code != 0 and "Traceback" not in res.err and "InternalError" not in res.err, res.err
    lines = [ln for ln in res.err.splitlines() if ln.startswith(f"{kind}:")]
    assert len(lines) == 1, res.err
    return lines[0]


def _texts(tmp_path: Path, n: int) -> list[Path]:
    """n answer files, each its own text (`import` skips a file whose content it already imported)."""
    out = []
    for i in range(n):
        p = tmp_path / f"answer{i}.txt"
        p.write_text(ANSWER + f" Take {i + 1}." * bool(i))
        out.append(p)
    return out


# --- the recordings folder ---------------------------------------------------------------------------------
def test_recordings_that_is_a_file_is_one_line(cli, tmp_path):
    [txt] = _texts(tmp_path, 1)
    res = cli("import", txt, "--recordings", txt)
    line = _one_line(res)
    assert str(txt) in line and "not a folder" in line and "--recordings" in line
    assert txt.read_text() == ANSWER


def test_read_only_recordings_is_one_line(tmp_path, monkeypatch):
    root = tmp_path / "ro"
    root.mkdir()
    _fail_on(monkeypatch, os, "mkdir", errno.EROFS)
    with pytest.raises(StorageError) as err:
        new_session_dir(root, "url-shortener")
    msg = str(err.value)
    assert msg.startswith(f"{root}:") and "Read-only file system" in msg and "--recordings DIR" in msg


def test_import_skips_a_file_that_cannot_be_written_and_goes_on(cli, tmp_path, monkeypatch):
    a, b = _texts(tmp_path, 2)
    root = tmp_path / "rec"
    calls = []
    _fail_on(monkeypatch, os, "fsync", errno.ENOSPC, when=lambda fd: not calls.append(fd) and len(calls) == 1)
    res = cli("import", a, b, "--recordings", root)
    assert res.code == 1 and "Traceback" not in res.err and "InternalError" not in res.err, res.err
    assert "failed StorageError" in res.err and "No space left on device" in res.err and "free some space" in res.err
    assert "imported 1, failed 1" in res.out
    folders = [p for p in root.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1 and (folders[0] / "session.json").is_file()  # the failed import left nothing behind
    assert not [p for p in root.rglob(".*.tmp")]


def test_import_into_a_read_only_folder_stops_before_any_work(cli, tmp_path, monkeypatch):
    a, b = _texts(tmp_path, 2)
    root = tmp_path / "rec"
    root.mkdir()
    ro = SimpleNamespace(f_flag=os.ST_RDONLY, f_bavail=1000)
    monkeypatch.setattr(os, "statvfs", lambda p: ro)
    _fail_on(monkeypatch, os, "mkdir", errno.EROFS)
    res = cli("import", a, b, "--recordings", root)
    line = _one_line(res)
    assert "cannot create a session folder in it (Read-only file system); pass --recordings DIR" in line
    assert "skipped" not in res.err and not list(root.iterdir())


# --- atomic writes -----------------------------------------------------------------------------------------
def test_full_disk_leaves_the_old_file_whole_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "session.json"
    target.write_text("old")
    _fail_on(monkeypatch, os, "fsync", errno.ENOSPC)
    with pytest.raises(StorageError, match=r"No space left on device\); free some space or"):
        write_atomic(target, "new" * 1000, "save the session")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["session.json"]


def test_symlink_target_is_replaced_and_the_link_kept(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "real.html").write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(Path("shared") / "real.html")
    write_atomic(link, "new", mode=0o644)
    assert link.is_symlink() and (shared / "real.html").read_text() == "new"
    assert stat.S_IMODE((shared / "real.html").stat().st_mode) == 0o644
    assert sorted(p.name for p in shared.iterdir()) == ["real.html"]


def test_a_device_or_fifo_is_written_into_never_replaced(tmp_path):
    write_atomic("/dev/null", "x" * 100)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if os.path.exists("/dev/full"):
        with pytest.raises(StorageError, match="No space left on device"):
            write_atomic("/dev/full", "x", "write the report", "pick another path with -o")
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(10)
    assert got == ["through the pipe"] and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_staged_versions_follow_symlinks_and_refuse_special_files(tmp_path):
    (tmp_path / "scores").mkdir()
    real = tmp_path / "elsewhere.json"
    real.write_text("old")
    link = tmp_path / "scores" / "a.json"
    link.symlink_to(real)
    folder_in_the_way = tmp_path / "scores" / "b.json"
    folder_in_the_way.mkdir()
    writes = StagedWrites()
    writes.stage(link, "new")
    with pytest.raises(StorageError, match="it is a folder"):
        writes.stage(folder_in_the_way, "x")
    writes.commit()
    assert link.is_symlink() and real.read_text() == "new" and folder_in_the_way.is_dir()


def test_streaming_answer_on_a_full_disk_keeps_what_was_flushed(tmp_path, monkeypatch):
    path = tmp_path / "turn-01.wav"
    wav = StreamingWav(path, flush_every_s=1e9)
    wav.write(np.zeros(1600, dtype=np.float32))
    wav.flush()
    _fail_on(monkeypatch, os, "fsync", errno.ENOSPC)
    wav.write(np.zeros(1600, dtype=np.float32))
    with pytest.raises(StorageError, match=r"turn-01.wav: cannot record the answer \(No space left on device\)"):
        wav.flush()
    wav.close()  # a no-op now: it does not raise again
    assert path.stat().st_size == HEADER_BYTES + 3200


# --- rescore, progress and report outputs ------------------------------------------------------------------
def _sessions(cli, tmp_path: Path, n: int) -> Path:
    root = tmp_path / "rec"
    res = cli("import", *_texts(tmp_path, n), "--recordings", root)
    assert res.code == 0, res.err
    return root


def test_rescore_reports_the_session_it_cannot_write_and_does_the_others(cli, tmp_path):
    root = _sessions(cli, tmp_path, 2)
    bad, good = sorted(p for p in root.iterdir() if not p.name.startswith("."))
    (bad / "scores").write_text("a file where the scores folder goes")
    before = (bad / "session.json").read_bytes()
    res = cli("rescore", "--rubric", "debugging", "-j", "1", "--recordings", root)
    assert res.code == 1 and "Traceback" not in res.err and "InternalError" not in res.err, res.err
    assert f"failed {bad}/scores/" in res.err and "not a folder" in res.err
    assert "re-scored 1" in res.out and len(list((good / "scores").glob("debugging-*.json"))) == 1
    assert (bad / "session.json").read_bytes() == before


@pytest.mark.parametrize("flag", ["--csv", "--json"])
def test_rescore_export_that_cannot_be_written_fails_before_the_work(cli, tmp_path, flag):
    root = _sessions(cli, tmp_path, 1)
    folder = tmp_path / "somefolder"
    folder.mkdir()
    res = cli("rescore", "--rubric", "debugging", "-j", "1", flag, folder, "--recordings", root)
    line = _one_line(res)
    assert str(folder) in line and "it is a folder" in line and f"pick another path with {flag}" in line
    assert not list(root.glob("*/scores/*.json"))  # nothing was done, so nothing is lost


def test_progress_chart_that_cannot_be_written_is_one_line(cli, tmp_path):
    root = _sessions(cli, tmp_path, 1)
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    line = _one_line(cli("progress", "--recordings", root, "-o", blocker / "p.html"))
    assert "cannot write the chart" in line and "pick another path with -o" in line


def test_report_writes_through_a_symlink(cli, tmp_path):
    root = _sessions(cli, tmp_path, 1)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "real.html").write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(shared / "real.html")
    res = cli("report", "last", "-o", link, "--recordings", root)
    assert res.code == 0, res.err
    assert link.is_symlink() and (shared / "real.html").read_text().startswith("<!DOCTYPE html>")


def test_index_on_a_full_disk_lives_in_memory(tmp_path, monkeypatch):
    import sqlite3

    real_open = Index._open

    def failing(where):
        if where != ":memory:":
            raise sqlite3.OperationalError("database or disk is full")
        return real_open(where)

    monkeypatch.setattr(Index, "_open", staticmethod(failing))
    with Index(tmp_path) as idx:
        assert idx.refresh().sessions() == []


def test_written_files_get_the_permissions_open_would_give_them(tmp_path):
    """Not mkstemp's 0600: a cohort's shared recordings folder must stay readable to the group like the rest of it;
    a file that is replaced keeps the permissions it had."""
    import os
    import stat

    from mockvoice.writes import write_atomic

    old = os.umask(0o022)
    try:
        fresh = write_atomic(tmp_path / "new.json", "{}")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "private.json"
        kept.write_text("{}")
        kept.chmod(0o600)
        write_atomic(kept, "{ }")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_text() == "{ }"
    finally:
        os.umask(old)
