"""The re-scoring read (SessionSummary): the same session as the full read except the stored cards' detail, the same reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockvoice.errors import SessionError
from mockvoice.index import read_session, read_session_summary, session_row
from mockvoice.session import SESSION_FILE

_CARDS = {"scorecard": True, "turns": {"__all__": {"scorecard"}}}


@pytest.fixture(scope="module")
def sessions(bench, tmp_path_factory) -> list[Path]:
    return bench.generate_sessions(tmp_path_factory.mktemp("rec") / "rec", 12)


def test_summary_keeps_metadata_transcripts_and_scores(sessions):
    for folder in sessions:
        full, light = read_session(folder), read_session_summary(folder)
        assert light.model_dump(exclude=_CARDS) == full.model_dump(exclude=_CARDS)
        assert session_row(folder, light) == session_row(folder, full) and light.overall == full.overall
        assert [t.transcript for t in light.turns] == [t.transcript for t in full.turns]


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


def test_detail_of_a_stored_card_is_not_checked(sessions, tmp_path):
    """What the summary skips: a card broken only where re-scoring never looks still reads (its scores do)."""
    folder = _damaged(sessions[0], tmp_path, "bad-evidence", lambda d: d["scorecard"].update(feedback=42, delivery="?"))
    with pytest.raises(SessionError):
        read_session(folder)
    assert read_session_summary(folder).overall == read_session(sessions[0]).overall
