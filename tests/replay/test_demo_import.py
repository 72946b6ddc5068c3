"""Replay and report sessions made by the other commands: one recorded by `mockvoice demo`, two imported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mockvoice.cli
from mockvoice.annotate import annotate_turn
from mockvoice.session import load_session

from audio_formats import encode
from support import run_cli, speak
from replay.browser import open_page
from replay.factory import ANSWER_1
from replay.tty import line

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.audio]
CLI_DIR = Path(mockvoice.cli.__file__).parent


def _need(command: str, module: str) -> None:
    if not (CLI_DIR / f"{module}.py").exists():
        pytest.skip(f"`mockvoice {command}` is not in this tree (mockvoice/cli/{module}.py is missing)")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """A one-answer interview recorded by `mockvoice demo` itself (real VAD, endpointing, Whisper, probes)."""
    _need("demo", "demo")
    root = tmp_path_factory.mktemp("demo-recordings")
    res = run_cli("demo", "--turns", "1", "--recordings", str(root))
    assert res.code == 0, res.err
    (folder,) = [p for p in root.iterdir() if (p / "session.json").is_file()]
    return folder


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, Path]:
    """Two sessions made by `mockvoice import`: an OGG recording and a typed .txt transcript."""
    _need("import", "import_")
    from mockvoice.audio import load_audio

    src = tmp_path_factory.mktemp("import-src")
    ogg = encode(load_audio(speak(ANSWER_1)).samples, src / "old-answer.ogg")
    txt = src / "typed-answer.txt"
    txt.write_text("How many users do we expect? If the database goes down, we fail over to a replica.\n")
    root = tmp_path_factory.mktemp("import-recordings")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOCKVOICE_RECORDINGS", str(root))
        res = run_cli("import", str(ogg), str(txt), "--question", "url-shortener")
    assert res.code == 0, res.err
    folders = {load_session(p).turns[0].audio is not None: p for p in root.iterdir() if (p / "session.json").is_file()}
    return folders[True], folders[False]


def check_report(browser, folder: Path, out: Path, shot: Path, cli) -> None:
    """Report one session, open it offline in Chromium, and click its first timed highlight."""
    res = cli("report", folder, "-o", out)
    assert res.code == 0, res.err
    errors, urls = open_page(browser, out)
    assert errors == [] and all(u == out.as_uri() or u.startswith("data:") for u in urls), (errors, urls)
    session = load_session(folder)
    ev = next(a for a in annotate_turn(session.turns[0]) if a.kind == "evidence" and a.start and a.start > 0.5)
    browser.find_element("css selector", f'#turn-0-1 mark.hit[data-t="{ev.start:.2f}"]').click()
    now = browser.execute_script("return document.getElementById('a0-1').currentTime")
    assert ev.start - 0.01 <= now < ev.start + 0.5
    browser.execute_script("document.querySelectorAll('audio').forEach(a => a.pause())")
    browser.save_screenshot(str(shot))


def check_printed(folder: Path, cli) -> str:
    res = cli("replay", folder, "--no-audio")
    assert res.code == 0, res.err
    session = load_session(folder)
    for t in session.turns:
        assert t.prompt in res.out
        for a in annotate_turn(t):
            if a.kind == "evidence":
                assert f"● {a.label}" in res.out
    return res.out


def test_demo_session_replays_and_reports(demo_dir, browser, cli, tmp_path, artifacts):
    session = load_session(demo_dir)
    assert session.source == "demo" and session.turns[0].audio
    out = check_printed(demo_dir, cli)
    if session.turns[0].probe:
        assert "Interviewer probed: " + session.turns[0].probe.text in out
    check_report(browser, demo_dir, tmp_path / "demo.html", artifacts / "report-demo.png", cli)
    if session.turns[0].prompt_audio:  # the interviewer's own voice is embedded beside the question
        assert browser.execute_script("return document.getElementById('p0-1').duration") > 1


def test_demo_session_replays_in_a_terminal(demo_dir, pane):
    ev = next(a for a in annotate_turn(load_session(demo_dir).turns[0]) if a.kind == "evidence" and a.start > 0.5)
    pane.start("replay", demo_dir)
    pane.wait(lambda s: s.state == "playing")
    pane.keys("Space")
    s = pane.wait(lambda s: s.state == "paused")
    if s.pos < ev.start:
        assert line(ev) not in s.text
        for _ in range(5):  # n: jump from mark to mark (pauses and fillers are marks too) up to this evidence
            pane.keys("n")
            s = pane.wait(lambda s, before=s.pos: s.pos is not None and s.pos > before)
            if s.pos >= ev.start - 0.05:
                break
    s = pane.wait(lambda s: line(ev) in s.text, timeout=3)
    assert s.state == "paused" and s.pos >= ev.start - 0.05
    pane.keys("q")
    assert "EXIT=0" in pane.wait(lambda s: "EXIT=" in s.text).text


def test_imported_sessions_replay_and_report(imported, browser, cli, tmp_path, artifacts):
    audio_dir, text_dir = imported
    assert load_session(audio_dir).source == "import"
    check_printed(audio_dir, cli)
    check_report(browser, audio_dir, tmp_path / "imported.html", artifacts / "report-imported.png", cli)

    out = check_printed(text_dir, cli)  # typed: no audio and no times, still annotated
    assert "● Failure modes" in out
    res = cli("report", text_dir, "-o", tmp_path / "typed.html")
    assert res.code == 0, res.err
    assert re.search(r"\(\d+ kB, 1 session", res.out) and "0.0 MB" not in res.out, res.out  # a small page's size
    errors, _ = open_page(browser, tmp_path / "typed.html")
    assert errors == []
    assert "No audio for this turn" in browser.find_element("css selector", "#turn-0-1").text
    hit = browser.find_element("css selector", 'mark.hit[data-feature="failure_mode"]')
    assert hit.text.endswith("If the database goes down, we fail over to a replica.")
