"""The re-scoring read (SessionSummary): the same session as the full read except the stored cards' detail, the same reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockvoice.errors import SessionError
from mockvoice.index import read_session, read_session_summary, session_row
from mockvoice.session import SESSION_FILE
from mockvoice.transcript import Transcript, WordAt

_CARDS = {"scorecard": True, "turns": {"__all__": {"scorecard"}}}


@pytest.fixture(scope="module")
def sessions(bench, tmp_path_factory) -> list[Path]:
    return bench.generate_sessions(tmp_path_factory.mktemp("rec") / "rec", 12)


def test_summary_keeps_metadata_transcripts_and_scores(sessions):
    for folder in sessions:
        full, light = read_session(folder), read_session_summary(folder)
        assert light.model_dump(exclude=_CARDS) == full.model_dump(exclude=_CARDS)
        assert session_row(folder, light) == session_row(folder, full) and light.overall == full.overall
        for lt, ft in zip(light.turns, full.turns, strict=True):  # the words as WordAt tuples, the rest as read
            assert all(type(w) is WordAt for w in lt.transcript.words)
            assert list(lt.transcript.words) == [WordAt(w.text, w.start, w.end, w.probability) for w in ft.transcript.words]
            assert lt.transcript.model_dump_json() == ft.transcript.model_dump_json()
            assert isinstance(lt.transcript, Transcript) and lt.transcript.timed == ft.transcript.timed


def _reason(read, folder: Path) -> str:
    with pytest.raises(SessionError) as err:
        read(folder)
    return str(err.value)


def _damaged(good: Path, tmp_path: Path, name: str, change) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    data = json.loads((good / SESSION_FILE).read_text(encoding="utf-8"))
    change(data)
    (folder / SESSION_FILE).write_text(json.dumps(data) if isinstance(data, dict) else data, encoding="utf-8")
    return folder


def test_a_broken_session_gets_the_full_reads_reason(sessions, tmp_path):
    good = sessions[0]
    changes = {
        "no-transcript": lambda d: d["turns"][0].pop("transcript"),
        "bad-word-time": lambda d: d["turns"][0]["transcript"]["segments"][0]["words"][0].update(start="soon"),
        "word-is-a-list": lambda d: d["turns"][0]["transcript"]["segments"][0]["words"].__setitem__(0, ["so", 1.0, 1.2]),
        "word-no-text": lambda d: d["turns"][0]["transcript"]["segments"][0]["words"][0].pop("text"),
        "word-text-number": lambda d: d["turns"][0]["transcript"]["segments"][0]["words"][0].update(text=7),
        "word-is-text": lambda d: d["turns"][0]["transcript"]["segments"][0]["words"].__setitem__(0, "so"),
        "extra-field": lambda d: d.update(colour="blue"),
        "turn-extra-field": lambda d: d["turns"][0].update(mood="calm"),
        "schema-99": lambda d: d.update(schema_version=99),
        "overall-150": lambda d: d["scorecard"].update(overall=150),
        "turn-card-no-features": lambda d: d["turns"][0]["scorecard"].pop("features"),
        "feature-score-text": lambda d: d["scorecard"]["features"]["trade_off"].update(score="high"),
        "card-is-a-list": lambda d: d.update(scorecard=[1, 2]),
    }
    for name, change in changes.items():
        folder = _damaged(good, tmp_path, name, change)
        reason = _reason(read_session, folder)
        assert _reason(read_session_summary, folder) == reason, name
    (tmp_path / "truncated").mkdir()
    (tmp_path / "truncated" / SESSION_FILE).write_bytes((good / SESSION_FILE).read_bytes()[:3000])
    assert _reason(read_session_summary, tmp_path / "truncated") == _reason(read_session, tmp_path / "truncated")


def test_words_read_as_word_reads_them(sessions, tmp_path):
    """A word's unknown keys are ignored and numbers in strings parsed, as Word does; its times stay exact."""
    def change(d):
        w = d["turns"][0]["transcript"]["segments"][0]["words"]
        w[0].update(colour="blue", start="1.5", end=2)
        w[1].pop("probability")
        w[1].pop("end")
    folder = _damaged(sessions[0], tmp_path, "odd-words", change)
    full, light = read_session(folder), read_session_summary(folder)
    assert list(light.turns[0].transcript.words) == [WordAt(w.text, w.start, w.end, w.probability) for w in full.turns[0].transcript.words]
    assert light.turns[0].transcript.words[:2] == (WordAt(full.turns[0].transcript.words[0].text, 1.5, 2.0, full.turns[0].transcript.words[0].probability),
                                                  WordAt(full.turns[0].transcript.words[1].text, full.turns[0].transcript.words[1].start))


def test_detail_of_a_stored_card_is_not_checked(sessions, tmp_path):
    """What the summary skips: a card broken only where re-scoring never looks still reads (its scores do)."""
    folder = _damaged(sessions[0], tmp_path, "bad-evidence", lambda d: d["scorecard"].update(feedback=42, delivery="?"))
    with pytest.raises(SessionError):
        read_session(folder)
    assert read_session_summary(folder).overall == read_session(sessions[0]).overall
