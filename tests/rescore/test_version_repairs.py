"""Score versions that cannot be written (a read-only disk) or cannot be read back (a damaged file): the session is
reported, the run goes on, and a damaged version is written again rather than counted as done."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from mockvoice.errors import StorageError
from mockvoice.versions import StagedWrites

ANSWERS = [
    "How many users do we expect per day? I would use a queue rather than direct calls, because it absorbs bursts.",
    "Is it read heavy? I would pick Redis over Memcached, but it costs memory. We alert on p99 latency.",
]


def _sessions(cli, tmp_path: Path) -> tuple[Path, list[Path]]:
    root = tmp_path / "rec"
    files = []
    for i, text in enumerate(ANSWERS):
        f = tmp_path / f"answer{i}.txt"
        f.write_text(text)
        files.append(f)
    res = cli("import", *files, "--recordings", root)
    assert res.code == 0, res.err
    return root, sorted(p for p in root.iterdir() if not p.name.startswith("."))


def _read_only(monkeypatch, under: Path) -> None:
    """Files under `under` behave as on a file system mounted read-only: creating and deleting both fail."""
    real_open, real_unlink = os.open, Path.unlink

    def ro_open(path, flags, *args, **kwargs):
        if str(path).startswith(str(under)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    def ro_unlink(self, missing_ok=False):
        if str(self).startswith(str(under)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(os, "open", ro_open)
    monkeypatch.setattr(Path, "unlink", ro_unlink)


def test_a_version_on_a_read_only_disk_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    scores = tmp_path / "scores"
    scores.mkdir()
    _read_only(monkeypatch, scores)
    writes = StagedWrites()
    with pytest.raises(StorageError, match=r"cannot write a new version \(Read-only file system\)"):
        writes.stage(scores / "debugging-0123456789ab.json", "{}")
    assert len(writes) == 0 and not list(scores.iterdir())


def test_rescore_on_a_read_only_disk_with_a_scores_folder_fails_that_session_and_goes_on(cli, tmp_path, monkeypatch):
    root, (ro, ok) = _sessions(cli, tmp_path)
    assert cli("rescore", "--rubric", "debugging", "-j", "1", "--recordings", root).code == 0  # both get scores/
    _read_only(monkeypatch, ro)
    res = cli("rescore", "--rubric", "behavioral", "-j", "1", "--recordings", root)
    assert res.code == 1 and "InternalError" not in res.err and "Traceback" not in res.err, res.err
    assert f"failed {ro}/scores/behavioral-" in res.err and "cannot write a new version (Read-only file system)" in res.err
    assert "re-scored 1, skipped 0, failed 1" in res.out
    assert len(list((ok / "scores").glob("behavioral-*.json"))) == 1
    assert sorted(p.name for p in (ro / "scores").iterdir()) == [p.name for p in (ro / "scores").glob("debugging-*.json")]


# --- a damaged version file -----------------------------------------------------------------------------
def _damage(path: Path) -> None:
    path.write_text('{"broken":\n')  # in place: the scores/ folder's own mtime does not change


def _version(folder: Path, rubric: str) -> Path:
    from mockvoice.rubric import load_rubric
    from mockvoice.versions import score_key, score_path

    rb = load_rubric(rubric)
    return score_path(folder, score_key(rb.id, rb.content_hash))


def _whole(path: Path) -> bool:
    import json

    try:
        return json.loads(path.read_text())["kind"] == "score"
    except ValueError:
        return False


def test_rescore_of_one_session_writes_a_damaged_version_again(cli, tmp_path):
    root, (a, _) = _sessions(cli, tmp_path)
    assert cli("rescore", a, "--rubric", "debugging", "-j", "1").code == 0
    _damage(_version(a, "debugging"))
    res = cli("rescore", a, "--rubric", "debugging", "-j", "1", "--dry-run")
    assert "would re-score 1, skipped 0" in res.out and "would be written again" in res.out, res.out + res.err
    assert not _whole(_version(a, "debugging"))
    res = cli("rescore", a, "--rubric", "debugging", "-j", "1")
    assert res.code == 0 and "re-scored 1, skipped 0" in res.out, res.out + res.err
    assert _whole(_version(a, "debugging")) and not list((a / "scores").glob(".*"))


@pytest.mark.parametrize("how", ["overwritten in place", "a new damaged file"])
def test_rescore_of_the_recordings_folder_writes_a_damaged_version_again(cli, tmp_path, how):
    root, (a, b) = _sessions(cli, tmp_path)
    rubric = "debugging" if how == "overwritten in place" else "behavioral"
    assert cli("rescore", "--rubric", "debugging", "-j", "1", "--recordings", root).code == 0  # the index knows them
    if how == "overwritten in place":
        _damage(_version(a, rubric))
    else:
        cli("rescore", b, "--rubric", rubric, "-j", "1")
        _version(a, rubric).write_text('{"broken":\n')
    res = cli("rescore", "--rubric", rubric, "-j", "1", "--recordings", root)
    assert res.code == 0 and "re-scored 1, skipped 1" in res.out, res.out + res.err
    assert f"{a.name}: a damaged version" in res.out
    assert _whole(_version(a, rubric)) and _whole(_version(b, rubric))
    res = cli("rescore", "--rubric", rubric, "-j", "1", "--recordings", root)  # and now it is done
    assert "re-scored 0, skipped 2" in res.out, res.out + res.err


def test_replay_versions_names_a_damaged_version_and_how_to_fix_it(cli, tmp_path):
    root, (a, _) = _sessions(cli, tmp_path)
    assert cli("rescore", a, "--rubric", "debugging", "-j", "1").code == 0
    damaged = _version(a, "debugging")
    _damage(damaged)
    res = cli("replay", a, "--versions")
    assert res.code == 0, res.err
    said = res.out + res.err
    assert re.search(rf"{damaged.stem} +damaged", said) and f"mockvoice rescore {a} --rubric debugging" in said
    res = cli("replay", a, "--no-audio")  # replaying it says so too, and shows the original
    assert res.code == 0 and f"damaged score version {damaged.name}" in res.err and "original scores" in res.out


def test_an_atomic_write_whose_cleanup_fails_too_is_still_one_line(tmp_path, monkeypatch):
    from mockvoice.writes import write_atomic

    def fail(code):
        def raises(*args, **kwargs):
            raise OSError(code, os.strerror(code))
        return raises

    monkeypatch.setattr(os, "fsync", fail(errno.ENOSPC))  # the disk fills up, then goes read-only: the cleanup fails too
    monkeypatch.setattr(Path, "unlink", fail(errno.EROFS))
    with pytest.raises(StorageError, match=r"No space left on device"):
        write_atomic(tmp_path / "report.html", "x", "write the report", "pick another path with -o")


def test_the_repair_hint_for_a_version_made_with_a_rubric_file_asks_for_that_file(tmp_path):
    """`--rubric system-design` would write a new version with the bundled rubric's hash, not repair this one."""
    from mockvoice.scoreview import repair_hint

    scores = tmp_path / "s" / "scores"
    scores.mkdir(parents=True)
    bundled = _version(tmp_path / "s", "system-design")
    assert "--rubric system-design` writes it again" in repair_hint(bundled)
    edited = scores / "system-design-0123456789ab.json"  # same id, another hash: an edited copy of the rubric
    hint = repair_hint(edited)
    assert "--rubric THAT-FILE" in hint and "hash 0123456789ab" in hint and "--rubric system-design`" not in hint
