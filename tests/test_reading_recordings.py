"""Commands that only read the recordings folder (sessions, progress, next, replay, report) say in one line when it
is a file or does not exist: never an InternalError, never "no sessions yet", and they do not create it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from mockvoice.index import INDEX_FILE

READERS = [["sessions"], ["progress"], ["next"], ["replay", "last"], ["report", "last"], ["replay", "20261121"]]


def _one_line(res, kind: str) -> str:
    assert res.code == 2 and "Traceback" not in res.err and "InternalError" not in res.err, res.err
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"{kind}:"), res.err
    return lines[0]


@pytest.mark.parametrize("args", READERS + [["rescore"]], ids=" ".join)
def test_recordings_that_is_a_file_is_one_storage_error(cli, tmp_path, args):
    txt = tmp_path / "some-file.txt"
    txt.write_text("not a folder")
    line = _one_line(cli(*args, "--recordings", txt), "StorageError")
    assert str(txt) in line and "not a folder" in line and "--recordings" in line
    assert txt.read_text() == "not a folder"


@pytest.mark.parametrize("args", [["progress"], ["next"]], ids=" ".join)
def test_recordings_variable_that_names_a_file_is_one_storage_error(cli, tmp_path, monkeypatch, args):
    txt = tmp_path / "some-file.txt"
    txt.write_text("not a folder")
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(txt))
    line = _one_line(cli(*args), "StorageError")
    assert str(txt) in line and "not a folder" in line


@pytest.mark.parametrize("args", [["sessions"], ["progress"], ["next"]], ids=" ".join)
def test_a_missing_recordings_folder_is_named_and_not_created(cli, tmp_path, args):
    gone = tmp_path / "typo"
    res = cli(*args, "--recordings", gone)
    assert res.code == 0 and "InternalError" not in res.err, res.err
    said = res.out + res.err
    assert f"{gone} does not exist" in said and "--recordings" in said and "yet;" not in said
    assert not gone.exists()


@pytest.mark.parametrize("args", [["replay", "last"], ["report", "last"], ["replay", "20261121"], ["rescore"]], ids=" ".join)
def test_a_missing_recordings_folder_when_resolving_a_session_is_one_line(cli, tmp_path, args):
    gone = tmp_path / "typo"
    line = _one_line(cli(*args, "--recordings", gone), "SessionError")
    assert f"{gone} does not exist" in line
    assert not gone.exists()


# `chmod 000` stops a normal user reading a folder; root reads it anyway unless the capabilities that override
# file permissions are dropped, which setpriv does for one command.
_NO_OVERRIDE = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root needs setpriv to drop its read override")
def test_an_unreadable_session_folder_is_reported_and_the_rest_finish(cli, tmp_path, _isolated_recordings):
    for name in ("one", "two"):
        answer = tmp_path / f"{name}.txt"
        answer.write_text(f"How many users do we expect, {name}? If the cache goes down we fall back to the database.")
        assert cli("import", answer, "--question", "url-shortener").code == 0
    locked = sorted(p for p in _isolated_recordings.iterdir() if p.is_dir())[0]
    another = tmp_path / "three.txt"
    another.write_text("Is this read heavy? We alert on p99 latency against an SLO.")
    commands = [["sessions"], ["rescore"], ["progress", "-o", tmp_path / "p.html"], ["next"], ["replay", "last", "--no-audio"],
                ["report", "last", "-o", tmp_path / "r.html"], ["import", another], ["rescore", locked]]
    env = dict(os.environ, MOCKVOICE_RECORDINGS=str(_isolated_recordings))
    locked.chmod(0)
    try:
        for args in commands:
            (_isolated_recordings / INDEX_FILE).unlink(missing_ok=True)  # each reads the folders itself, not what the last one saw
            res = subprocess.run([*_NO_OVERRIDE, sys.executable, "-m", "mockvoice", *map(str, args)],
                                 capture_output=True, text=True, env=env, timeout=300)
            said = res.stdout + res.stderr
            assert "InternalError" not in said and "Traceback" not in said, (args, said)
            if args[0] in ("sessions", "rescore"):  # listed with the reason, counted as failed; the rest finish
                assert f"{locked}/session.json: cannot read it (PermissionError)" in said, (args, said)
            if args[0] == "rescore":  # the readable one is already scored (its import scored it with this rubric)
                skipped = 0 if locked in args else 1
                assert res.returncode == 1 and f"re-scored 0, skipped {skipped}, failed 1" in res.stdout, said
            else:
                assert res.returncode == 0, (args, said)
    finally:
        locked.chmod(0o755)
    assert len([p for p in _isolated_recordings.iterdir() if p.is_dir()]) == 3  # the import went ahead
