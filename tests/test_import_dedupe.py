"""`mockvoice import` recognises a file it has already imported (by content) and skips it, unless told `--again`."""

from __future__ import annotations

import subprocess

import pytest

import mockvoice.index
from mockvoice.index import read_session

ANSWER = "How many users do we expect? If the cache goes down we fall back to the database."
OTHER = "Is it read heavy? I would pick Redis over Memcached, but it costs memory. We alert on p99 latency."


def _sessions(root):
    return sorted(p for p in root.iterdir() if (p / "session.json").is_file())


def _write(path, text):
    path.write_text(text)
    return path


def test_a_second_run_skips_what_it_imported_and_names_the_session(cli, tmp_path, _isolated_recordings):
    a = _write(tmp_path / "a.txt", ANSWER)
    assert cli("import", a).code == 0
    (first,) = _sessions(_isolated_recordings)
    b = _write(tmp_path / "b.txt", OTHER)
    res = cli("import", a, b)
    assert res.code == 0, res.err
    skip = [line for line in res.out.splitlines() if line.startswith("skipped")]
    assert skip == [f"skipped {a}: already imported as {first} (pass --again to import it again)"]
    assert "imported 1, failed 0, already imported 1" in res.out
    assert len(_sessions(_isolated_recordings)) == 2


def test_the_same_content_under_another_name_in_one_batch_is_imported_once(cli, tmp_path, _isolated_recordings):
    a = _write(tmp_path / "a.txt", ANSWER)
    (tmp_path / "copy").mkdir()
    copy = _write(tmp_path / "copy" / "a-again.txt", ANSWER)
    res = cli("import", a, copy)
    assert res.code == 0, res.err
    (folder,) = _sessions(_isolated_recordings)
    assert f"skipped {copy}: already imported as {folder}" in res.out
    assert "imported 1, failed 0, already imported 1" in res.out


def test_again_imports_anyway_and_both_sessions_remember_the_source(cli, tmp_path, _isolated_recordings):
    a = _write(tmp_path / "a.txt", ANSWER)
    assert cli("import", a).code == 0
    res = cli("import", a, "--again")
    assert res.code == 0 and "already imported 0" in res.out and "skipped" not in res.out, res.out
    first, second = _sessions(_isolated_recordings)
    hashes = {read_session(f).source_sha256 for f in (first, second)}
    assert len(hashes) == 1 and len(hashes.pop()) == 64


def test_duplicates_bad_files_and_new_files_in_one_batch(cli, tmp_path, _isolated_recordings):
    a = _write(tmp_path / "a.txt", ANSWER)
    assert cli("import", a).code == 0
    empty = _write(tmp_path / "empty.txt", " \n")
    b = _write(tmp_path / "b.txt", OTHER)
    res = cli("import", a, empty, tmp_path / "missing.txt", b)
    assert res.code == 1  # a failure still fails the batch; a duplicate alone does not
    assert "imported 1, failed 2, already imported 1" in res.out
    assert "empty" in res.err and "no such file" in res.err and "Traceback" not in res.err
    assert len(_sessions(_isolated_recordings)) == 2


def test_a_second_run_reads_no_session_file_again(cli, tmp_path, _isolated_recordings, monkeypatch):
    """The hashes come from the index (which the import keeps up to date), not from every session.json."""
    files = [_write(tmp_path / f"{i}.txt", f"{ANSWER} Answer number {i}.") for i in range(3)]
    assert cli("import", *files).code == 0
    reads = []
    real = mockvoice.index.read_session
    monkeypatch.setattr(mockvoice.index, "read_session", lambda folder: reads.append(folder) or real(folder))
    res = cli("import", *files)
    assert res.code == 0 and "imported 0, failed 0, already imported 3" in res.out, res.out
    assert reads == []


def test_sessions_imported_before_hashes_still_load_and_work(cli, tmp_path, _isolated_recordings):
    from support import import_as_old_session

    a = _write(tmp_path / "a.txt", ANSWER)
    folder = import_as_old_session(cli, a, _isolated_recordings, "source_sha256")  # no source_sha256 key at all
    assert read_session(folder).source_sha256 is None
    assert folder.name in cli("sessions").out
    assert cli("progress").code == 0
    # without a hash it cannot be recognised: importing it again makes a second session, which now has one
    res = cli("import", a)
    assert res.code == 0 and "imported 1, failed 0, already imported 0" in res.out
    assert len(_sessions(_isolated_recordings)) == 2
    assert cli("import", a).out.count("already imported as") == 1


def test_an_index_from_before_hashes_is_rebuilt(cli, tmp_path, _isolated_recordings):
    """An index written by the previous mockvoice (schema 1, no hash column) is rebuilt, not trusted."""
    a = _write(tmp_path / "a.txt", ANSWER)
    assert cli("import", a).code == 0
    from support import make_old_index

    make_old_index(_isolated_recordings, "source_sha256", 1)
    res = cli("import", a)
    assert res.code == 0 and "already imported 1" in res.out, res.out


@pytest.mark.slow
def test_a_recording_imported_twice_is_skipped_before_transcribing(cli, tts, tmp_path, _isolated_recordings, monkeypatch):
    wav = tts(["How many users do we expect per day?", 0.6, "If the cache goes down we fall back to the database."])
    flac = tmp_path / "old.flac"
    subprocess.run(["sox", str(wav), str(flac)], check=True)
    assert cli("import", flac, "--question", "url-shortener").code == 0
    (folder,) = _sessions(_isolated_recordings)
    import mockvoice.importer

    def no_transcribing(*a, **k):
        raise AssertionError("a duplicate must be skipped before speech-to-text")

    monkeypatch.setattr(mockvoice.importer, "transcribe_for_rubric", no_transcribing)
    res = cli("import", flac, "--question", "url-shortener")
    assert res.code == 0 and f"already imported as {folder}" in res.out, res.out + res.err
