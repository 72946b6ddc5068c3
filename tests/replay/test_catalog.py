"""`mockvoice sessions` and session references: newest first, by id, prefix, folder or `last`; one-line errors."""

from __future__ import annotations

import shutil

import pytest

from mockvoice.catalog import list_sessions, resolve_session
from mockvoice.errors import SessionError
from mockvoice.session import load_session, save_session

pytestmark = pytest.mark.slow  # the sessions are transcribed by the real tiny.en model


@pytest.fixture
def three(session_dir, _isolated_recordings):
    """Three copies of the real session under the test's recordings root, created on different days."""
    root = _isolated_recordings
    for sid, when, q in [("20261119-080000-a", "2026-11-19T08:00:00+00:00", "Design a chat app"),
                         ("20261121-080000-b", "2026-11-21T08:00:00+00:00", "Design a rate limiter"),
                         ("20261120-080000-c", "2026-11-20T08:00:00+00:00", "Design a news feed")]:
        shutil.copytree(session_dir, root / sid)
        s = load_session(root / sid)
        save_session(root / sid, s.model_copy(update={"id": sid, "created_at": when, "question": q}))
    return root


def test_sessions_lists_newest_first_with_the_columns(three, cli):
    res = cli("sessions")
    assert res.code == 0, res.err
    lines = [ln for ln in res.out.splitlines() if ln.strip()]
    assert lines[0].split()[:3] == ["date", "id", "question"] and lines[0].split()[-3:] == ["turns", "overall", "length"]
    ids = [ln.split()[2] for ln in lines[1:] if ln.startswith("2026")]
    assert ids == ["20261121-080000-b", "20261120-080000-c", "20261119-080000-a"]
    s = load_session(three / "20261121-080000-b")
    row = next(ln for ln in lines if "20261121-080000-b" in ln)
    assert f" {len(s.turns)} " in row and f" {s.overall:.0f} " in row
    total = round(sum(t.transcript.duration for t in s.turns))
    assert row.rstrip().endswith(f"0:{total:02d}")


def test_references_by_id_prefix_folder_and_last(three):
    assert resolve_session("last") == three / "20261121-080000-b"
    assert resolve_session("20261120-080000-c") == three / "20261120-080000-c"
    assert resolve_session("20261119") == three / "20261119-080000-a"  # a unique prefix
    assert resolve_session(str(three / "20261119-080000-a")) == three / "20261119-080000-a"
    with pytest.raises(SessionError, match="matches 3 sessions"):
        resolve_session("2026")
    with pytest.raises(SessionError, match="no session 'nope'.*mockvoice sessions"):
        resolve_session("nope")


def test_bad_sessions_are_one_line_errors(three, cli):
    (three / "20261119-080000-a" / "session.json").write_text('{"schema_version": 1, "id": ')  # truncated
    res = cli("sessions")
    assert res.code == 0 and "20261119-080000-a" not in res.out
    assert "skipped" in res.err and "corrupt JSON" in res.err
    for args in (["replay", "20261119-080000-a"], ["report", "nope"], ["replay", "last", "--turn", "9"]):
        res = cli(*args)
        assert res.code == 2 and res.err.startswith("SessionError: ") and len(res.err.strip().splitlines()) == 1, res.err
        assert "Traceback" not in res.err


def test_no_sessions_says_how_to_record_one(cli, _isolated_recordings):
    res = cli("sessions")
    assert res.code == 0 and "No sessions" in res.out and "mockvoice practice" in res.out
    assert list_sessions() == ([], [])
    res = cli("replay", "last")
    assert res.code == 2 and "does not exist" in res.err  # nothing recorded yet: the folder is not there
    _isolated_recordings.mkdir()
    res = cli("replay", "last")
    assert res.code == 2 and "no sessions in" in res.err


def test_a_renamed_session_folder_is_listed_by_the_name_replay_takes(three, cli):
    """A cohort's sessions gathered under new folder names: `sessions` shows what replay and report resolve."""
    shutil.copytree(three / "20261121-080000-b", three / "alice attempt 2")
    found, _ = list_sessions()
    assert sorted(s.id for s in found if s.folder.name.startswith(("alice", "20261121"))) == ["20261121-080000-b", "alice attempt 2"]
    for s in found:
        assert resolve_session(s.id) == s.folder


def test_a_corrupt_session_file_is_worded_whole(tmp_path):
    from mockvoice.session import load_session

    (tmp_path / "session.json").write_text('{"id": "a\x01b"}')  # a raw control character inside a string
    with pytest.raises(SessionError) as err:
        load_session(tmp_path)
    assert "(invalid control character)" in str(err.value) and " at)" not in str(err.value), str(err.value)


def test_a_session_json_that_is_a_folder_is_reported_not_skipped_silently(cli, tmp_path):
    (tmp_path / "rec" / "20260101-090000-x" / "session.json").mkdir(parents=True)
    res = cli("sessions", "--recordings", tmp_path / "rec")
    assert res.code == 0 and "session.json is a folder, not a file" in res.err, res.err
