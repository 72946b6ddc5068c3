"""`mockvoice import`: recordings and transcripts become scored sessions; bad files are skipped whole."""

from __future__ import annotations

import json
import subprocess
import wave

import pytest

from mockvoice.index import read_session
from mockvoice.versions import SCORES_DIR, TRANSCRIPTS_DIR


def test_text_import_and_bad_files(cli, tmp_path, _isolated_recordings):
    good = tmp_path / "answer.txt"
    good.write_text("How many users do we expect? If the cache goes down we fall back to the database.")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    noise = tmp_path / "phone.m4a"
    noise.write_bytes(b"\x00\x01not audio at all" * 50)
    res = cli("import", good, empty, noise, tmp_path / "missing.wav")
    assert res.code == 1
    assert "imported 1, failed 3" in res.out
    assert "empty" in res.err and "cannot decode audio" in res.err and "no such file" in res.err
    folders = [p for p in _isolated_recordings.iterdir() if p.is_dir()]
    assert len(folders) == 1  # failures leave no folder behind
    s = read_session(folders[0])
    assert s.source == "import" and s.status == "complete" and s.turns[0].audio is None
    assert s.turns[0].scorecard.features["clarifying_question"].count == 1
    assert s.turns[0].scorecard.features["failure_mode"].count == 1


def test_unknown_question_is_one_line(cli, tmp_path, _isolated_recordings):
    f = tmp_path / "a.txt"
    f.write_text("Some answer.")
    res = cli("import", f, "--question", "no-such-question")
    assert res.code == 2 and "unknown question" in res.err and "Traceback" not in res.err
    assert not _isolated_recordings.exists() or not any(_isolated_recordings.iterdir())


def test_a_session_scored_with_a_rubric_file_says_how_to_rescore_it(cli, tmp_path, _isolated_recordings):
    """A plain `rescore` cannot find a rubric that was a file: it says to pass that file, not just "unknown rubric"."""
    import yaml

    from mockvoice.rubric import load_rubric

    data = yaml.safe_load(load_rubric("system-design").model_dump_json())
    data["id"] = "my-rubric"
    rubric = tmp_path / "my-rubric.yaml"
    rubric.write_text(yaml.safe_dump(data))
    answer = tmp_path / "a.txt"
    answer.write_text("How many users do we expect? If the cache goes down we fall back to the database.")
    assert cli("import", answer, "--rubric", rubric).code == 0
    res = cli("rescore")
    assert res.code == 1 and "rubric 'my-rubric'" in res.err and "--rubric PATH/TO/my-rubric.yaml" in res.err
    res = cli("rescore", "--rubric", rubric)  # with the file it is found, and already scored with it by the import
    assert res.code == 0 and "re-scored 0, skipped 1, failed 0" in res.out


@pytest.mark.slow
def test_audio_import_converts_transcribes_scores_and_retranscribes(cli, tts, tmp_path, _isolated_recordings):
    wav = tts(["How many users do we expect per day?", 0.8,
               "I would pick Redis over Memcached because we need persistence, but it costs more memory."])
    flac = tmp_path / "old-phone-recording.flac"
    subprocess.run(["sox", str(wav), "-r", "44100", "-c", "2", str(flac)], check=True)  # another rate and layout
    res = cli("import", flac, "--question", "url-shortener")
    assert res.code == 0, res.err
    folder = next(p for p in _isolated_recordings.iterdir() if p.is_dir())
    with wave.open(str(folder / "turn-01.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
    s = read_session(folder)
    assert s.question_id == "url-shortener" and s.question and s.model == "tiny.en"
    text = s.turns[0].transcript.text.lower()
    assert "users" in text and "redis" in text
    assert s.turns[0].transcript.timed
    card = s.turns[0].scorecard
    assert card.features["clarifying_question"].count >= 1 and card.features["trade_off"].count >= 1

    original = (folder / "session.json").read_bytes()
    res = cli("rescore", folder, "--retranscribe", "--model", "tiny.en")
    assert res.code == 0, res.err
    tv = json.loads((folder / TRANSCRIPTS_DIR / "tiny.en.json").read_text())
    assert tv["model"] == "tiny.en" and "redis" in tv["turns"][0]["text"].lower()
    names = [p.name for p in (folder / SCORES_DIR).iterdir()]
    assert len(names) == 1 and names[0].endswith(".tiny.en.json")
    assert (folder / "session.json").read_bytes() == original
    assert "re-scored 0, skipped 1" in cli("rescore", folder, "--retranscribe", "--model", "tiny.en").out


def test_a_file_dated_in_the_future_is_dated_now(cli, tmp_path, _isolated_recordings):
    """Its date is the file's, but a clock set wrong must not make an import `last` for years."""
    import os
    from datetime import datetime, timedelta, timezone

    f = tmp_path / "a.txt"
    f.write_text("How many users do we expect per day?")
    future = (datetime.now(timezone.utc) + timedelta(days=5 * 365)).timestamp()
    os.utime(f, (future, future))
    assert cli("import", f).code == 0
    (folder,) = [p for p in _isolated_recordings.iterdir() if p.is_dir()]
    created = datetime.fromisoformat(read_session(folder).created_at)
    assert created <= datetime.now(timezone.utc) + timedelta(minutes=1)
