"""The live replay (a real pseudo-terminal, real PortAudio output) names the score version it shows and its verdicts."""

from __future__ import annotations

import shutil

import pytest

from mockvoice.scoreview import choose
from mockvoice.session import load_session

from replay.test_score_versions import changed_rubric

pytestmark = [pytest.mark.audio, pytest.mark.slow]


def test_live_replay_names_the_version_and_shows_its_verdicts(pane, session_dir, tmp_path, cli):
    folder = tmp_path / "rescored"
    shutil.copytree(session_dir, folder)
    res = cli("rescore", folder, "--rubric", changed_rubric(tmp_path / "v2.yaml", "Weighing options", 1, 2), "--workers", "1")
    assert res.code == 0, res.err
    view = choose(folder, load_session(folder))
    card = view.session.turns[0].scorecard
    dur = view.session.turns[0].transcript.duration

    pane.start("replay", folder, "--turn", "1", "--from", f"{max(dur - 1.0, 0):.1f}")
    s = pane.wait(lambda s: "End of answer 1" in s.text)
    flat = s.text.replace("\n", " ")
    assert f"Scores: re-score {view.shown.key}" in flat and "newest" in flat
    tw = card.features["trade_off"]
    assert f"{'✓' if tw.met else '✗'} Weighing options {tw.count}/1" in flat
    assert f"score {card.overall:.0f}/100" in flat
    pane.keys("q")
    assert "EXIT=0" in pane.wait(lambda s: "EXIT=" in s.text).text
