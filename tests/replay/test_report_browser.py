"""The HTML report in a real headless Chromium: offline, no console errors, click-to-seek, escaping."""

from __future__ import annotations

import shutil

import pytest

from mockvoice.annotate import annotate_turn
from mockvoice.session import load_session
from mockvoice.transcript import Transcript

from replay.browser import open_page
from replay.factory import ANSWER_1, ANSWER_2, PROBE, QUESTION, build_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVIL = 'so <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=2"> done'


def test_report_loads_offline_and_click_seeks(browser, session_dir, tmp_path, artifacts, cli):
    out = tmp_path / "report.html"
    res = cli("report", session_dir, "-o", out)
    assert res.code == 0, res.err
    errors, urls = open_page(browser, out)
    assert errors == []
    assert urls and all(u == out.as_uri() or u.startswith("data:") for u in urls), urls

    session = load_session(session_dir)
    marks = [a for a in annotate_turn(session.turns[0]) if a.kind == "evidence" and a.start > 2]
    ev, fm = marks[0], marks[-1]
    mark = browser.find_element("css selector", f'#turn-0-1 mark.hit[data-t="{ev.start:.2f}"]')
    assert mark.text.startswith(ev.label)  # the feature label is shown on the highlight
    before = browser.execute_script("return document.getElementById('a0-1').currentTime")
    mark.click()
    now = browser.execute_script("return document.getElementById('a0-1').currentTime")
    assert before < ev.start - 1
    assert ev.start - 0.01 <= now < ev.start + 0.5, (now, ev.start)

    # a mark on the timeline strip seeks to its evidence too
    browser.find_element("css selector", f'#turn-0-1 .timeline .seg[data-t="{fm.start:.2f}"]').click()
    now = browser.execute_script("return document.getElementById('a0-1').currentTime")
    assert fm.start - 0.01 <= now < fm.start + 0.5
    assert browser.find_element("css selector", "#turn-0-1 .probe").text.endswith("(monitoring missing)")
    assert browser.find_elements("css selector", "svg.pace polyline")
    assert browser.find_elements("css selector", "#turn-0-1 .timeline .pause")  # the 3.5 s thinking pause
    browser.execute_script("document.querySelectorAll('audio').forEach(a => a.pause())")
    shot = artifacts / "report.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 20_000


def test_transcript_markup_is_shown_as_text(browser, tmp_path, artifacts, cli):
    def evil(t: Transcript) -> Transcript:
        return Transcript.from_text(t.text + " " + EVIL)

    folder = build_session(tmp_path / "evil", [ANSWER_1], ["<b>bold?</b> " + QUESTION], "evil-1",
                           "2026-11-21T10:00:00+00:00", question="<script>alert(1)</script> URL shortener", transform=evil)
    out = tmp_path / "evil.html"
    assert cli("report", folder, "-o", out).code == 0
    raw = out.read_text()
    assert "<script>window" not in raw and "<img src=x" not in raw and "<b>bold" not in raw
    errors, urls = open_page(browser, out)
    assert errors == []
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.find_elements("css selector", "main img") == []
    text = browser.find_element("css selector", ".transcript").text
    assert "<script>window.__pwned=1</script>" in text and '<img src=x onerror="window.__pwned=2">' in text
    assert "<script>alert(1)</script>" in browser.find_element("css selector", "h1").text
    browser.save_screenshot(str(artifacts / "report-escaped.png"))


def test_two_sessions_side_by_side_show_progress(browser, session_dir, tmp_path, artifacts, cli):
    earlier = build_session(tmp_path / "earlier", [ANSWER_2, ANSWER_1], [QUESTION, PROBE], "earlier-1",
                            "2026-11-20T09:00:00+00:00")
    out = tmp_path / "progress.html"
    res = cli("report", session_dir, earlier, "-o", out)
    assert res.code == 0, res.err
    errors, _ = open_page(browser, out)
    assert errors == []
    cols = browser.find_elements("css selector", ".cols > .session")
    assert len(cols) == 2
    assert cols[0].location["y"] == cols[1].location["y"] and cols[0].location["x"] < cols[1].location["x"]
    assert "2026-11-20" in cols[0].text  # oldest first, left to right
    rows = browser.find_elements("css selector", "table.progress tr")
    assert [r.text.split()[0] for r in rows[1:3]] == ["overall", "Clarifying"]
    # each session's audio is its own: clicking in the right column leaves the left one alone
    browser.find_elements("css selector", "#session-1 #turn-1-1 mark.hit")[-1].click()
    assert browser.execute_script("return document.getElementById('a0-1').currentTime") == 0
    browser.save_screenshot(str(artifacts / "report-progress.png"))
    shutil.copyfile(out, artifacts / "report-progress.html")
