"""Commands that only read the recordings folder (sessions, progress, next, replay, report) say in one line when it
is a file or does not exist: never an InternalError, never "no sessions yet", and they do not create it."""

from __future__ import annotations

import pytest

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
