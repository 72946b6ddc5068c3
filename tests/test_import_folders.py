"""`mockvoice import DIR` takes a folder of answers (a bootcamp's students), and every imported session keeps the
name of the file it came from: in its folder name, in `sessions`, in the replay header and in the report."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from mockvoice.index import Index, read_session
from mockvoice.session import new_session_dir

ANSWER = "How many users do we expect per day? If the cache goes down we fall back to the database, and we alert on p99."


def _sessions(root):
    return sorted(p for p in root.iterdir() if (p / "session.json").is_file())


def _class(tmp_path, names):
    folder = tmp_path / "class"
    folder.mkdir()
    for i, name in enumerate(names):
        (folder / name).write_text(f"{ANSWER} Take {i}.")
    return folder


# --- a folder of answers ------------------------------------------------------------------------------------
def test_a_folder_imports_its_answers_in_name_order_and_skips_the_rest(cli, tmp_path, _isolated_recordings):
    folder = _class(tmp_path, ["bob.txt", "alice.md", ".draft.txt", "notes.pdf", "carol.text"])
    (folder / "old").mkdir()
    (folder / "old" / "dave.txt").write_text(ANSWER)  # only the files directly inside
    res = cli("import", folder)
    assert res.code == 0, res.err
    assert f"{folder}: found 3 files to import (1 other file left out" in res.out
    assert re.findall(r"imported \S+/(\w+\.\w+) ->", res.out) == ["alice.md", "bob.txt", "carol.text"]
    assert "imported 3, failed 0" in res.out
    assert sorted(read_session(p).source_file for p in _sessions(_isolated_recordings)) == ["alice.md", "bob.txt", "carol.text"]


def test_ctrl_c_mid_batch_says_where_it_stopped_and_a_rerun_finishes(cli, tmp_path, _isolated_recordings, monkeypatch):
    import mockvoice.cli.import_ as command

    folder = _class(tmp_path, ["a.txt", "b.txt", "c.txt"])
    real, calls = command.import_file, []

    def interrupted_on_the_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(command, "import_file", interrupted_on_the_second)
    res = cli("import", folder)
    assert res.code == 130 and "Interrupted: imported 1, failed 0, already imported 0, 2 not done" in res.err, res.err
    monkeypatch.setattr(command, "import_file", real)
    res = cli("import", folder)
    assert res.code == 0 and "imported 2, failed 0, already imported 1" in res.out, res.out
    assert len(_sessions(_isolated_recordings)) == 3


def test_an_empty_folder_is_one_line(cli, tmp_path, _isolated_recordings):
    folder = _class(tmp_path, [".hidden.txt", "slides.pdf"])
    res = cli("import", folder)
    lines = [ln for ln in (res.out + res.err).splitlines() if ln.strip()]
    assert res.code == 2 and len(lines) == 1, res.out + res.err
    assert str(folder) in lines[0] and "no audio files or .txt/.text/.md transcripts" in lines[0]
    assert not _isolated_recordings.exists() or not _sessions(_isolated_recordings)


def test_an_empty_folder_beside_files_is_reported_and_the_files_imported(cli, tmp_path, _isolated_recordings):
    empty = tmp_path / "empty"
    empty.mkdir()
    one = tmp_path / "one.txt"
    one.write_text(ANSWER)
    res = cli("import", empty, one)
    assert res.code == 0 and f"{empty}: no audio files" in res.out + res.err and "imported 1, failed 0" in res.out


@pytest.mark.slow
def test_a_folder_of_recordings_is_transcribed(cli, tts, tmp_path, _isolated_recordings):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "zoe.wav").write_bytes(tts(["How many users do we expect per day?"]).read_bytes())
    (folder / "amir.txt").write_text(ANSWER)
    res = cli("import", folder, "--question", "url-shortener")
    assert res.code == 0 and "found 2 files" in res.out and "imported 2, failed 0" in res.out, res.out + res.err
    zoe = next(p for p in _sessions(_isolated_recordings) if p.name.endswith("-url-shortener-zoe"))
    s = read_session(zoe)
    assert s.source_file == "zoe.wav" and "users" in s.turns[0].transcript.text.lower()


# --- whose answer it is -------------------------------------------------------------------------------------
def test_folder_names_keep_the_students_name_in_any_script(cli, tmp_path, _isolated_recordings):
    folder = _class(tmp_path, ["Пётр.txt", "éloïse_答え.txt", "Bob Smith.txt"])
    assert cli("import", folder, "--question", "url-shortener").code == 0
    names = sorted(re.sub(r"^\d{8}-\d{6}-", "", p.name) for p in _sessions(_isolated_recordings))
    assert names == ["url-shortener-bob-smith", "url-shortener-éloïse-答え", "url-shortener-пётр"]
    by_file = {read_session(p).source_file: p for p in _sessions(_isolated_recordings)}
    assert set(by_file) == {"Пётр.txt", "éloïse_答え.txt", "Bob Smith.txt"}


@pytest.mark.parametrize("label, want", [
    ("Élo\u0308ïse", "élöïse"),  # a decomposed ö (as macOS names files) is one letter
    ("../../etc/passwd", "etc-passwd"),
    ("a/b\\c:d*e?f\"g<h>i|j\x00k", "a-b-c-d-e-f-g-h-i-j-k"),
    ("!!!", "session"),
])
def test_session_folder_names_are_safe(tmp_path, label, want):
    folder = new_session_dir(tmp_path, label, now=datetime(2026, 11, 21, 10, 15))
    assert folder.parent == tmp_path and folder.name == f"20261121-101500-{want}"


def test_a_long_name_in_any_script_stays_short(tmp_path):
    folder = new_session_dir(tmp_path, ("url-shortener", "答" * 200), now=datetime(2026, 11, 21, 10, 15))
    assert folder.name.startswith("20261121-101500-url-shortener-答") and len(folder.name.encode()) <= 120


def test_sessions_replay_and_report_name_the_source_file(cli, tmp_path, _isolated_recordings, monkeypatch):
    from mockvoice.cli.app import console

    monkeypatch.setattr(console, "width", 160)  # a terminal wide enough for every column
    folder = _class(tmp_path, ["Пётр.txt"])
    assert cli("import", folder, "--question", "url-shortener").code == 0
    (session,) = _sessions(_isolated_recordings)
    listed = cli("sessions")
    assert listed.code == 0 and "Пётр.txt" in listed.out, listed.out
    assert json.loads(cli("sessions", "--json").out)[0]["source_file"] == "Пётр.txt"
    replay = cli("replay", "last", "--no-audio")
    assert replay.code == 0 and "Пётр.txt" in replay.out.splitlines()[0], replay.out
    assert "Пётр.txt" in cli("replay", "last", "--versions").out.splitlines()[0]
    page = tmp_path / "r.html"
    assert cli("report", "last", "-o", page).code == 0
    html = page.read_text()
    assert re.search(r'<h2>[^<]*<span class="from">Пётр\.txt</span>', html) and "<title>mockvoice report · Пётр.txt" in html
    with Index(_isolated_recordings) as idx:
        assert idx.refresh().get(session).source_file == "Пётр.txt"


def test_a_file_name_with_a_newline_is_shown_on_one_line(cli, tmp_path, _isolated_recordings):
    folder = _class(tmp_path, ["ann\nlee.txt"])
    res = cli("import", folder)
    assert res.code == 0 and "ann\\nlee.txt ->" in res.out, res.out
    (session,) = _sessions(_isolated_recordings)
    assert read_session(session).source_file == "ann\\nlee.txt"
    listed = cli("sessions")
    assert "ann\\nlee.txt" in listed.out and not any(line.strip() == "lee.txt" for line in listed.out.splitlines())


def test_sessions_from_before_source_files_still_load_and_list(cli, tmp_path, _isolated_recordings):
    from support import import_as_old_session

    one = tmp_path / "one.txt"
    one.write_text(ANSWER)
    folder = import_as_old_session(cli, one, _isolated_recordings, "source_file")
    assert read_session(folder).source_file is None
    res = cli("sessions")
    assert res.code == 0 and folder.name in res.out and "file" not in res.out.splitlines()[0]
    assert cli("replay", "last", "--no-audio").code == 0


def test_an_index_from_before_source_files_is_rebuilt(cli, tmp_path, _isolated_recordings):
    """An index written by the previous commit (schema 2, no source_file column) is rebuilt, not trusted."""
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text(ANSWER)
    two.write_text(ANSWER + " Again.")
    assert cli("import", one).code == 0
    from support import make_old_index

    make_old_index(_isolated_recordings, "source_file", 2)
    res = cli("import", two)
    assert res.code == 0 and "imported 1, failed 0" in res.out, res.out + res.err
    with Index(_isolated_recordings) as idx:
        assert sorted(r.source_file for r in idx.refresh().sessions()) == ["one.txt", "two.txt"]


@pytest.mark.parametrize("width", [80, 100])
def test_sessions_shows_whose_answer_at_80_columns_and_cuts_a_long_name(cli, tmp_path, _isolated_recordings,
                                                                        monkeypatch, width):
    from mockvoice.cli.app import console

    monkeypatch.setattr(console, "width", width)
    folder = _class(tmp_path, ["alice.txt", "x" * 200 + ".txt"])
    assert cli("import", folder, "--question", "url-shortener").code == 0
    lines = cli("sessions").out.splitlines()
    assert "file" in lines[0] and any("alice.txt" in line for line in lines), "\n".join(lines)
    assert any("xxxx…" in line for line in lines) and all(len(line) <= width for line in lines)
