"""Score versions of recorded sessions: a whole-interview re-score split onto its answers, and re-transcriptions."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from mockvoice.listener import merge_chunks, shift_transcript
from mockvoice.modelpath import bundled_model_path
from mockvoice.replayview import clock
from mockvoice.rubric import load_rubric
from mockvoice.scoreview import choose
from mockvoice.scoring import score_transcript
from mockvoice.session import load_session, save_session
from mockvoice.transcript import Transcript
from mockvoice.utterances import split_utterances
from mockvoice.versions import (
    SCORES_DIR, StagedWrites, read_transcript_version, score_key, score_path, score_version_json, transcript_path,
    transcript_version_json,
)

from replay.browser import open_page
from replay.test_score_versions import changed_rubric
from support import run_cli

pytestmark = pytest.mark.slow


def _copy(session_dir: Path, tmp_path: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(session_dir, dst)
    return dst


@pytest.fixture(scope="module")
def practice_rescored(session_dir, tmp_path_factory) -> Path:
    """A practice-style session (answers scored together as one card) re-scored by `mockvoice rescore` with a changed rubric."""
    tmp = tmp_path_factory.mktemp("practice")
    folder = _copy(session_dir, tmp, "practice")
    s = load_session(folder)
    chunks, off = [], 0.0
    for t in s.turns:  # what `practice` stores as the whole-interview card
        chunks.append((off, t.transcript))
        off += t.transcript.duration
    save_session(folder, s.model_copy(update={"scorecard": score_transcript(merge_chunks(chunks, off), "system-design")}))
    res = run_cli("rescore", folder, "--rubric", changed_rubric(tmp / "v2.yaml", "Weighing options", 1, 2), "--workers", "1")
    assert res.code == 0 and "re-scored 1" in res.out, (res.out, res.err)
    return folder


def test_a_whole_interview_rescore_is_split_onto_its_answers(practice_rescored, tmp_path, cli):
    """Each answer shows its share of the re-scored whole-interview card; the verdicts are the whole card's."""
    folder = practice_rescored
    s = load_session(folder)
    view = choose(folder, s)
    whole = view.session.scorecard
    assert view.sliced and view.shown.path is not None and whole.features["trade_off"].name == "Weighing options"
    first = s.turns[0].transcript.duration
    for fid, f in whole.features.items():
        parts = [t.scorecard.features[fid] for t in view.session.turns]
        assert sum(p.count for p in parts) == f.count, fid
        for i, p in enumerate(parts):
            for ev in p.evidence:  # each piece of evidence at its own answer's time, and said in that answer
                said = ev.text.strip("\u2026")  # a long sentence's evidence is a window of it, "…" where cut
                assert 0 <= ev.start < s.turns[i].transcript.duration and said in s.turns[i].transcript.text
        assert [e.start for p in parts for e in p.evidence] == pytest.approx(
            [e.start - (first if e.start >= first else 0.0) for e in f.evidence], abs=2e-3)
    mon = view.session.turns[1].scorecard.features["monitoring"].evidence
    orig = s.turns[1].scorecard.features["monitoring"].evidence
    assert mon and [e.start for e in mon] == pytest.approx([e.start for e in orig], abs=2e-3)

    res = cli("replay", folder, "--no-audio")
    assert res.code == 0, res.err
    out = res.out
    assert f"re-score {view.shown.key}" in out
    assert "End of answer 1\n" in out and "End of answer 1 · score" not in out  # no per-answer verdicts
    assert f"Whole interview · score {whole.overall:.0f}/100" in out
    tw = whole.features["trade_off"]
    assert f"{'✓' if tw.met else '✗'} Weighing options {tw.count}/1" in out
    assert out.index("Whole interview") > out.index("Turn 2")

    page_path = tmp_path / "r.html"
    assert cli("report", folder, "-o", page_path).code == 0
    page = page_path.read_text()
    assert f'data-version="{view.shown.key}"' in page and "in this answer" in page
    assert not re.search(r"<h3>Turn \d <span class=\"badge\">", page)
    assert re.search(rf'Weighing options</span></td>(<td>\d+</td>)+<td class="{"ok" if tw.met else "miss"}">{tw.count}/1</td>', page)
    top = page[:page.index('<div class="turn"')]  # the whole card's feedback heads the interview section
    assert whole.feedback and all(f"<li>{html.escape(x)}</li>" in top for x in whole.feedback)
    turn2 = page[page.index('id="turn-0-2"'):]
    for ev in mon:
        assert f'mark class="hit" data-feature="monitoring" data-t="{ev.start:.2f}"' in turn2


def test_a_rescore_of_a_retranscription_shows_that_transcript(session_dir, tmp_path, cli):
    """`rescore --retranscribe --model M` (real Whisper): replay and report read the words it scored."""
    folder = _copy(session_dir, tmp_path, "retranscribed")
    model = str(bundled_model_path())
    res = cli("rescore", folder, "--retranscribe", "--model", model, "--workers", "1")
    assert res.code == 0 and "re-scored 1" in res.out, (res.out, res.err)
    view = choose(folder, load_session(folder))
    assert view.shown.transcript == model and view.shown.key.endswith(".model")
    stored = read_transcript_version(transcript_path(folder, model))
    assert [t.transcript for t in view.session.turns] == stored
    res = cli("replay", folder, "--no-audio")
    assert res.code == 0 and f"transcript {model}" in res.out
    for t in stored:
        for u in split_utterances(t):
            assert f"[{clock(u.start)}] {u.text}" in res.out


def _retranscribed_half_a_second_later(folder: Path) -> tuple[list[Transcript], list, str]:
    """Store a re-transcription "other" of the session, timed 0.5 s later, and its score version (as
    `rescore --retranscribe --model other` would): its transcripts, cards and version key."""
    shifted = [Transcript(text=t.transcript.text, segments=shift_transcript(t.transcript, 0.5),
                          duration=t.transcript.duration + 0.5, model="other") for t in load_session(folder).turns]
    cards = [score_transcript(t, "system-design") for t in shifted]
    writes = StagedWrites()
    writes.stage(transcript_path(folder, "other"), transcript_version_json(shifted, "other"))
    key = score_key("system-design", cards[0].rubric_hash, "other")
    writes.stage(score_path(folder, key), score_version_json(cards, "system-design", cards[0].rubric_hash, "other"))
    writes.commit()
    return shifted, cards, key


def test_a_plain_rescore_keeps_scoring_the_retranscription(session_dir, tmp_path, cli):
    """After `rescore --retranscribe` recovered or re-heard the answers, a rubric edit's plain re-score scores those
    words, so the newest version (what replay and report show) does not fall back to the first transcript."""
    folder = _copy(session_dir, tmp_path, "reheard")
    _retranscribed_half_a_second_later(folder)
    edited = changed_rubric(tmp_path / "edited.yaml", "Weighing options", 1, 1)
    res = cli("rescore", folder, "--rubric", edited, "--workers", "1")
    assert res.code == 0 and "re-scored 1" in res.out, (res.out, res.err)
    view = choose(folder, load_session(folder))
    assert view.shown.transcript == "other" and view.shown.key.endswith(".other")
    assert view.shown.rubric_hash == load_rubric(str(edited)).content_hash
    assert [t.transcript for t in view.session.turns] == read_transcript_version(transcript_path(folder, "other"))
    assert "re-scored 0, skipped 1" in cli("rescore", folder, "--rubric", edited).out


def test_the_words_and_times_shown_are_the_scored_transcripts(session_dir, tmp_path, cli):
    """A version scored on a transcript timed differently: the evidence times refer to it, and so does the view."""
    folder = _copy(session_dir, tmp_path, "shifted")
    s = load_session(folder)
    shifted, cards, key = _retranscribed_half_a_second_later(folder)

    res = cli("replay", folder, "--no-audio", "--turn", "1")
    assert res.code == 0, res.err
    assert f"re-score {key}" in res.out and "transcript other" in res.out
    for u in split_utterances(shifted[0]):
        assert f"[{clock(u.start)}] {u.text}" in res.out
    original = [u for u in split_utterances(s.turns[0].transcript)]
    assert all(f"[{clock(u.start)}] {u.text}" not in res.out for u in original)  # 0.5 s earlier: not shown

    out = tmp_path / "r.html"
    assert cli("report", folder, "-o", out).code == 0
    page = out.read_text()
    starts = [ev.start for f in cards[0].features.values() for ev in f.evidence]
    assert starts and all(f'data-t="{t:.2f}"' in page for t in starts)
    w = shifted[0].words[0]
    assert f'data-s="{w.start:.2f}" data-e="{w.end:.2f}"' in page
    res = cli("report", folder, "-o", out, "--version", "original")
    assert f'data-s="{w.start:.2f}" data-e="{w.end:.2f}"' not in out.read_text()
    assert len(list((folder / SCORES_DIR).glob("*.json"))) == 1


@pytest.mark.browser
def test_clicking_a_split_evidence_plays_its_own_answer_at_its_time(practice_rescored, browser, tmp_path, artifacts, cli):
    """In Chromium: the page loads offline without errors, and a turn-2 highlight seeks turn 2's audio to its time."""
    out = tmp_path / "r.html"
    assert cli("report", practice_rescored, "-o", out).code == 0
    errors, urls = open_page(browser, out)
    assert errors == [] and all(u == out.as_uri() or u.startswith("data:") for u in urls), (errors, urls)
    view = choose(practice_rescored, load_session(practice_rescored))
    ev = next(e for f in view.session.turns[1].scorecard.features.values() for e in f.evidence if e.start > 0.5)
    assert browser.execute_script("return document.getElementById('a0-2').currentTime") < ev.start - 0.4
    browser.find_element("css selector", f'#turn-0-2 mark.hit[data-t="{ev.start:.2f}"]').click()
    now = browser.execute_script("return document.getElementById('a0-2').currentTime")
    assert ev.start - 0.01 <= now < ev.start + 0.5
    assert view.shown.key in browser.find_element("css selector", "p.scores").text
    browser.execute_script("document.querySelectorAll('audio').forEach(a => a.pause())")
    browser.save_screenshot(str(artifacts / "report-rescored-version.png"))
