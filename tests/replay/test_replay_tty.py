"""Terminal replay through a real pseudo-terminal (tmux) and real PortAudio output (a PulseAudio null sink)."""

from __future__ import annotations

import time

import pytest

from mockvoice.annotate import annotate_turn
from mockvoice.session import load_session

from replay.tty import line

pytestmark = [pytest.mark.audio, pytest.mark.slow]


def test_keys_pause_and_seek_and_marks_appear_at_their_times(pane, session_dir):
    marks = [a for a in annotate_turn(load_session(session_dir).turns[0]) if a.kind == "evidence"]
    later = [a for a in marks if a.start > 8]  # evidence after the 3.5 s thinking pause
    assert len(later) >= 2 and later[1].start > later[0].start + 3, marks  # the layout this test relies on
    first, second = later[0], later[1]
    trade, failure = first.start, second.start

    pane.start("replay", session_dir, "--turn", "1", "--from", "6")
    s = pane.wait(lambda s: s.state == "playing")
    assert all(line(a) in s.text for a in marks if a.start < 5) and "long pause" in s.text  # already passed
    assert line(first) not in s.text

    pane.keys("Space")
    s = pane.wait(lambda s: s.state == "paused")
    held = s.pos
    time.sleep(1.0)
    assert pane.screen().pos == held  # paused: the clock stands still

    pane.keys("Right")
    s = pane.wait(lambda s: s.pos >= held + 4.9)
    assert s.state == "paused" and s.pos <= held + 5.1
    assert line(first) in s.text  # seeking past the evidence marks it

    pane.keys("Left")
    s = pane.wait(lambda s: s.pos <= held + 0.1)
    assert line(first) not in s.text

    pane.keys("Space")  # resume: the mark must appear when playback reaches it, not before
    pane.seen.clear()
    s = pane.wait(lambda s: line(first) in s.text)
    before = [x.pos for x in pane.seen[: pane.seen.index(s)] if x.pos is not None]
    assert before and max(before) < trade + 0.05
    assert trade - 0.2 <= s.pos < trade + 0.6, (s.pos, trade)  # one frame of slack: tmux may catch a redraw
    assert s.state == "playing"

    pane.keys("n")  # next annotation: the failure-mode evidence
    s = pane.wait(lambda s: line(second) in s.text)
    assert abs(s.pos - failure) < 0.6
    pane.keys("p")  # and back to the previous one
    s = pane.wait(lambda s: s.pos < failure - 2)
    assert abs(s.pos - trade) < 0.6

    pane.keys("q")
    s = pane.wait(lambda s: "icanon" in s.text.split("EXIT=")[-1])
    assert "EXIT=0" in s.text
    assert s.text.split("EXIT=0", 1)[1].split()[0] == "icanon"  # not "-icanon": the terminal left cbreak mode


def test_probe_and_feedback_between_turns(pane, session_dir):
    session = load_session(session_dir)
    pane.start("replay", session_dir, "--from", "17")
    s = pane.wait(lambda s: "End of answer 1" in s.text)
    assert "Interviewer probed: " + session.turns[0].probe.text in s.text.replace("\n", " ")
    assert session.turns[0].scorecard.feedback[0][:40] in s.text.replace("\n", " ")
    s = pane.wait(lambda s: "Turn 2 (2 of 2)" in s.text and s.state == "playing")
    assert "Probe: " + session.turns[1].prompt in s.text
    # its evidence starts at 0:00: drawn with the first frames of the turn (on a loaded machine, a frame later)
    pane.wait(lambda s: "Monitoring" in s.text and "Turn 2 (2 of 2)" in s.text, timeout=3.0)
    pane.keys("q")
    assert "EXIT=0" in pane.wait(lambda s: "EXIT=" in s.text).text
