"""Annotations, word marks and pace (pure), the replay state machine and key decoding, and the printed replay."""

from __future__ import annotations

import html
import io
import os
import re
import shutil

import numpy as np
import pytest
from rich.console import Console

from mockvoice.annotate import annotate_turn, pace_series, word_marks
from mockvoice.replay import SEEK_S, KeyReader, Replay, replay_turns
from mockvoice.replayview import annotated_lines, clock
from mockvoice.scoring import score_transcript
from mockvoice.session import Session, Turn, load_session, save_session
from mockvoice.transcript import Segment, Transcript, Word


def timed(words: list[tuple[str, float, float]]) -> Transcript:
    ws = tuple(Word(text=t, start=a, end=b) for t, a, b in words)
    return Transcript(text=" ".join(t for t, _, _ in words), segments=(Segment(text="x", start=ws[0].start, end=ws[-1].end, words=ws),),
                      duration=ws[-1].end + 0.5)


def test_turn_annotations_are_time_ordered_with_evidence_pauses_and_fillers():
    t = timed([("So,", 0.0, 0.3), ("um", 0.4, 0.6), ("how", 0.7, 0.9), ("many", 0.9, 1.1), ("users", 1.1, 1.5), ("are", 1.5, 1.7),
               ("there", 1.7, 2.0), ("per", 2.0, 2.2), ("day?", 2.2, 2.6), ("If", 6.6, 6.8), ("the", 6.8, 6.9), ("cache", 6.9, 7.3),
               ("goes", 7.3, 7.5), ("down,", 7.5, 7.9), ("we", 8.0, 8.1), ("retry", 8.1, 8.5), ("with", 8.5, 8.6), ("backoff.", 8.6, 9.2)])
    card = score_transcript(t, "system-design")
    anns = annotate_turn(Turn(index=1, prompt="q", transcript=t, scorecard=card))
    kinds = [(a.kind, a.start) for a in anns]
    assert kinds == sorted(kinds, key=lambda k: k[1])
    assert ("filler", 0.4) in kinds and ("pause", 2.6) in kinds  # the 4 s gap is a long pause
    pause = next(a for a in anns if a.kind == "pause")
    assert pause.end == 6.6 and pause.text == "4.0 s"
    evidence = {(a.feature, a.start) for a in anns if a.kind == "evidence"}
    expected = {(fid, ev.start) for fid, f in card.features.items() for ev in f.evidence}
    assert evidence == expected and ("failure_mode", 6.6) in evidence


def test_word_marks_cover_exactly_the_evidence_for_typed_text():
    t = Transcript.from_text("Hello there. If the database goes down, we fail over to a replica. Thanks.")
    card = score_transcript(t, "system-design")
    marks = word_marks(t, card)
    ev = card.features["failure_mode"].evidence[0]
    marked = " ".join(w.text for w, m in zip(t.words, marks) if any(f == "failure_mode" for f, _ in m))
    assert marked == ev.text
    assert not marks[0] and not marks[-1]


def test_pace_series_is_words_per_minute_over_time():
    t = timed([(f"w{i}", i * 0.5, i * 0.5 + 0.4) for i in range(60)])  # 2 words/s = 120 wpm for 30 s
    series = pace_series(t)
    assert len(series) >= 5 and all(v == 120.0 for _, v in series)
    assert series[0][0] < series[-1][0]
    assert pace_series(Transcript.from_text("typed words have no times")) == []


@pytest.mark.parametrize("typed", [True, False])
def test_printed_replay_marks_evidence_that_spans_sentences(typed, tmp_path):
    """A hit may span two sentences ("...per day?" / "Or is it...?" is one question): it is printed, once, under the first."""
    text = ("How many users do we expect per day? Or is it more like an internal tool for one team? "
            "We could keep every link in Postgres. If the primary dies, we fail over to a replica.")
    t = Transcript.from_text(text) if typed else timed([(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(text.split())])
    card = score_transcript(t, "system-design")
    session = Session(id="s", created_at="2026-11-22T00:00:00", rubric="system-design",
                      turns=[Turn(index=1, prompt="Design a URL shortener.", transcript=t, scorecard=card)])
    evidence = [a for a in annotate_turn(session.turns[0]) if a.kind == "evidence"]
    spanning = [a for a in evidence if a.feature == "clarifying_question"]
    assert len(spanning) == 1 and spanning[0].text.startswith("How many users") and spanning[0].text.endswith("one team?")
    assert "failure_mode" in {a.feature for a in evidence}
    console = Console(width=200, record=True, file=io.StringIO())
    for line in annotated_lines(replay_turns(tmp_path, session, load=False)):
        console.print(line)
    out = console.export_text()
    for a in evidence:
        assert out.count(f"● {a.label}") == sum(b.label == a.label for b in evidence)
    lines = out.splitlines()
    first = next(i for i, x in enumerate(lines) if "How many users" in x)
    assert lines[first + 1].strip() == f"● {spanning[0].label}"  # right under the sentence it starts at


@pytest.mark.parametrize("typed", [True, False])
def test_a_hit_in_a_long_sentence_is_marked_when_its_cue_is_said(typed, tmp_path):
    """Speech-to-text wrote 13 s of speech as one sentence with "alert" 10 s in: replay marks Monitoring at 10 s with
    its quote (not at the sentence's 0:00), the transcript colours the words from "alert" on, and typed text prints
    it under that sentence, not after the answer."""
    run_on = ("If the database is down redirects for cached links keep working and the rest fail fast with a timeout "
              "and retries with backoff while we alert on the error rate of redirects")
    text = run_on + ". Thanks."
    t = Transcript.from_text(text) if typed else timed([(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(text.split())])
    card = score_transcript(t, "system-design")
    session = Session(id="s", created_at="2026-11-22T00:00:00", rubric="system-design",
                      turns=[Turn(index=1, prompt="What if the database is down?", transcript=t, scorecard=card)])
    (mon,) = [a for a in annotate_turn(session.turns[0]) if a.feature == "monitoring"]
    assert mon.start == (None if typed else pytest.approx(10.0)) and "alert on the error rate" in mon.text
    marked = [w.text for w, m in zip(t.words, word_marks(t, card)) if any(f == "monitoring" for f, _ in m)]
    assert "alert" in marked and "If" not in marked and "Thanks." not in marked
    console = Console(width=200, record=True, file=io.StringIO())
    for line in annotated_lines(replay_turns(tmp_path, session, load=False)):
        console.print(line)
    lines = console.export_text().splitlines()
    first = next(i for i, x in enumerate(lines) if x.endswith(run_on + "."))
    thanks = next(i for i, x in enumerate(lines) if x.endswith("Thanks."))
    (at,) = [i for i, x in enumerate(lines) if "● Monitoring" in x]
    assert first < at < thanks  # under the sentence it was said in
    if not typed:
        assert lines[first].startswith("[0:00.0]") and lines[at].startswith("  0:10.0 ● Monitoring  “…")
        assert "alert" in lines[at]


class FakePlayer:
    """A clock moved by hand: the replay logic without a device (the real device is in test_replay_tty)."""

    def __init__(self):
        self.samples, self.pos, self.paused = None, 0.0, False

    def load(self, samples, start=0.0):
        self.samples, self.pos = samples, 0.0
        self.seek(start)

    def seek(self, t):
        self.pos = min(max(t, 0.0), len(self.samples) / 16000)

    @property
    def position(self):
        return self.pos

    @property
    def finished(self):
        return self.pos >= len(self.samples) / 16000


@pytest.mark.slow
def test_replay_state_seeks_jumps_between_marks_and_holds_between_turns(session_dir):
    turns = replay_turns(session_dir, load_session(session_dir), load=False)
    for rt in turns:
        rt.samples = np.zeros(int(rt.turn.transcript.duration * 16000), dtype=np.float32)
    state = Replay(turns, FakePlayer())
    state.start(0, 6.0)
    state.handle("right")
    assert state.position() == pytest.approx(6.0 + SEEK_S)
    state.handle("left"), state.handle("left"), state.handle("left")
    assert state.position() == 0.0
    state.handle("space")
    assert state.player.paused
    marks = state.marks
    assert marks == sorted(marks) and {m[0] for m in marks} == {0, 1}
    for want in marks[1:]:  # n walks every annotation in order, across the turn boundary
        state.handle("next")
        assert (state.current, state.position()) == (want[0], pytest.approx(want[1], abs=1e-3))
    state.handle("prev")
    assert (state.current, state.position()) == (marks[-2][0], pytest.approx(marks[-2][1], abs=1e-3))
    state.start(0, 0.0)
    state.player.seek(1e9)  # the first answer ends: its probe and feedback are held, then turn 2 starts
    state.tick(100.0)
    assert state.hold_until is not None and state.current == 0
    state.tick(100.0 + 10)
    assert state.current == 1 and state.position() == 0.0
    state.handle("quit")
    assert state.done


def test_keys_are_decoded_from_the_terminal_bytes():
    r, w = os.pipe()
    os.write(w, b" \x1b[C\x1b[Dnpxq")
    with os.fdopen(r) as stream, KeyReader(stream) as keys:
        assert keys.read(1.0) == ["space", "right", "left", "next", "prev", "quit"]
        assert keys.read(0.01) == []
    os.close(w)


@pytest.mark.slow
def test_without_a_tty_replay_prints_the_annotated_transcript(session_dir, cli, tmp_path):
    session = load_session(session_dir)
    res = cli("replay", session_dir)  # stdout is not a terminal here
    assert res.code == 0, res.err
    out = res.out
    for t in session.turns:
        assert f"Turn {t.index}" in out and t.prompt in out
        for a in annotate_turn(t):
            if a.kind == "evidence":
                assert f"● {a.label}" in out
    first = [a for a in annotate_turn(session.turns[0]) if a.kind == "evidence"]
    assert out.index(f"[{clock(first[0].start)}]") < out.index(f"[{clock(first[-1].start)}]")
    assert "long pause" in out
    assert "Interviewer probed: " + session.turns[0].probe.text in out
    assert out.index("Interviewer probed") < out.index("Turn 2")  # the probe comes between the turns
    assert "Wrap-up: " + session.wrap_up in out
    # a reply to a probe has no score or verdicts of its own (it answers one probe, not the question)
    assert f"End of answer 1 · score {session.turns[0].scorecard.overall:.0f}/100" in out and "End of answer 2\n" in out
    assert out.count("✗ ") + out.count("✓ ") == len(session.turns[0].scorecard.features)
    from mockvoice.report import build_report

    page = build_report([(session_dir, session)])
    assert re.search(r'<h3>Turn 1 <span class="badge">', page) and "<h3>Turn 2</h3>" in page
    # a session with a whole-interview card (as practice saves one) shows it after the last answer
    whole = tmp_path / "whole"
    shutil.copytree(session_dir, whole)
    save_session(whole, session.model_copy(update={"scorecard": session.turns[0].scorecard}))
    res = cli("replay", whole, "--no-audio")
    assert res.code == 0 and res.out.index("Whole interview · score") > res.out.index("End of answer 2")
    # and the report's interview section has that card's feedback, as replay does after the last answer
    assert "whole interview)" not in page
    card = session.turns[0].scorecard
    top = _overall_section(build_report([(whole, load_session(whole))]))
    assert card.feedback and "What to work on (whole interview)" in top
    assert all(f"<li>{html.escape(x)}</li>" in top for x in card.feedback)

    res = cli("replay", session_dir, "--turn", "2", "--no-audio")
    assert res.code == 0 and "Turn 1" not in res.out and "Turn 2" in res.out
    res = cli("replay", session_dir, "--turn", "1", "--from", "8", "--no-audio")
    assert res.code == 0 and f"[{clock(first[0].start)}]" not in res.out and f"[{clock(first[-1].start)}]" in res.out


def test_an_interrupted_session_still_replays_and_reports(tmp_path, cli):
    """A practice run killed mid-answer: an empty last turn, no scorecard, its audio never written."""
    from mockvoice.report import build_report
    from mockvoice.session import Session, save_session

    t = timed([("How", 0.0, 0.3), ("many", 0.3, 0.6), ("users?", 0.6, 1.0)])
    turns = [Turn(index=1, prompt="Design a chat app.", transcript=t, scorecard=score_transcript(t, "system-design")),
             Turn(index=2, prompt="What breaks first?", audio="turn-02.wav", transcript=Transcript(text=""))]
    folder = tmp_path / "cut"
    save_session(folder, Session(id="cut", created_at="2026-11-21T07:00:00+00:00", status="interrupted",
                                 question="Design a chat app.", rubric="system-design", turns=turns))
    res = cli("replay", folder)
    assert res.code == 0, res.err
    assert "Turn 2" in res.out and "What breaks first?" in res.out
    assert "cut short" not in res.err  # no audio was written for the answer: nothing to recover
    from mockvoice.audio import write_wav
    import numpy as np

    write_wav(folder / "turn-02.wav", np.zeros(16000, dtype=np.float32))
    res = cli("replay", folder, "--no-audio")
    assert res.code == 0 and "cut short (interrupted): answer 2 has audio but no transcript" in res.err
    assert f"mockvoice rescore {folder} --retranscribe" in res.err
    page = build_report([(folder, load_session(folder))])
    assert "No audio for this turn" in page and "What breaks first?" in page


def test_a_turn_that_heard_nothing_says_why_it_ended(tmp_path, cli):
    """30 s of silence ends a turn: replay says so rather than a bare "End of answer 2"."""
    from mockvoice.session import Session, save_session

    t = timed([("How", 0.0, 0.3), ("many", 0.3, 0.6), ("users?", 0.6, 1.0)])
    turns = [Turn(index=1, prompt="Design a chat app.", transcript=t, scorecard=score_transcript(t, "system-design"),
                  end_reason="silence"),
             Turn(index=2, prompt="What breaks first?", transcript=Transcript(text=""), end_reason="no_speech")]
    folder = tmp_path / "quiet"
    save_session(folder, Session(id="quiet", created_at="2026-11-21T07:00:00+00:00", status="complete",
                                 question="Design a chat app.", rubric="system-design", turns=turns))
    res = cli("replay", folder, "--no-audio")
    assert res.code == 0, res.err
    out = " ".join(res.out.split())
    assert "End of answer 2 (nothing heard: the turn ended after 30 s of silence)" in out, res.out
    assert "End of answer 1 (" not in out  # ended on the candidate's own pause: nothing to explain


def _overall_section(page: str, si: int = 0) -> str:
    """A session section of a report up to its first turn: the whole-interview part."""
    start = page.index(f'id="session-{si}"')
    return page[start:page.index('<div class="turn"', start)]


def test_report_shows_the_whole_interview_feedback_and_the_spoken_wrap_up(tmp_path):
    """A practice session of several answers: the report's interview section has the whole card's verdicts and
    feedback (the lines replay prints after the last answer), and the spoken wrap-up is embedded by its text."""
    import base64

    from mockvoice.audio import write_wav
    from mockvoice.listener import merge_chunks
    from mockvoice.report import build_report
    from mockvoice.scoreview import choose

    one = timed([(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(
        "How many users do we expect per day? Redis is faster but the trade-off is memory.".split())])
    two = timed([(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(
        "If the cache goes down we fall back to the database.".split())])
    cards = [score_transcript(one, "system-design"),
             score_transcript(two, "system-design", follow_up=True, probed="failure_mode")]
    whole = score_transcript(merge_chunks([(0.0, one), (one.duration, two)], one.duration + two.duration, answers=True),
                             "system-design")
    # a line with markup in it, as any text from a session may have: it must render as text
    whole = whole.model_copy(update={"feedback": ("Say <b>what</b> you'd watch & alert on.", *whole.feedback)})
    assert len(whole.feedback) > 1 and not all(f.met for f in whole.features.values())
    folder = tmp_path / "practice"
    folder.mkdir()
    write_wav(folder / "wrap-up.wav", np.zeros(1600, dtype=np.float32))
    turns = [Turn(index=1, prompt="Design a URL shortener.", transcript=one, scorecard=cards[0]),
             Turn(index=2, prompt="What breaks first?", prompt_kind="probe", transcript=two, scorecard=cards[1])]
    session = Session(id="practice", created_at="2026-11-22T09:00:00+00:00", status="complete", question="URL shortener",
                      rubric="system-design", turns=turns, wrap_up="Work on <monitoring> next.",
                      wrap_up_audio="wrap-up.wav", scorecard=whole)
    save_session(folder, session)
    page = build_report([(folder, load_session(folder))])

    top = _overall_section(page)
    assert "What to work on (whole interview)" in top
    for line in whole.feedback:  # every line, escaped; replay prints the first three of them
        assert f"<li>{html.escape(line)}</li>" in top
    assert "<b>what</b>" not in page
    console = Console(width=400, record=True, file=io.StringIO())
    for line in annotated_lines(replay_turns(folder, session, load=False), whole=whole):
        console.print(line)
    printed = [x.strip()[2:] for x in console.export_text().split("Whole interview")[1].splitlines() if x.strip().startswith("→ ")]
    assert printed and all(f"<li>{html.escape(x)}</li>" in top for x in printed)
    for f in whole.features.values():  # the whole card's verdicts, not the answers' counts added up
        assert re.search(rf'{re.escape(html.escape(f.name))}</span></td>(<td>\d+</td>)+'
                         rf'<td class="{"ok" if f.met else "miss"}">{f.count}/{f.target_min}</td>', top), f.name

    wrap = re.search(r'<p class="probe"><span class="kind">Wrap-up</span>(.*?)</p>', page, re.S)
    assert wrap and "Work on &lt;monitoring&gt; next." in wrap[1]
    audio = re.search(r'<audio class="said" id="w0" controls preload="metadata" src="data:audio/wav;base64,([^"]+)">', wrap[1])
    assert audio and base64.b64decode(audio[1]) == (folder / "wrap-up.wav").read_bytes()

    # the wrap-up's file gone: its text stays, no player; one answer: no whole-interview block (its card is the answer's)
    (folder / "wrap-up.wav").unlink()
    page = build_report([(folder, load_session(folder))])
    assert "Work on &lt;monitoring&gt; next." in page and 'id="w0"' not in page
    single = tmp_path / "single"
    save_session(single, session.model_copy(update={"turns": turns[:1], "scorecard": cards[0], "wrap_up_audio": None}))
    page = build_report([(single, load_session(single))])
    assert "whole interview)" not in page and "What to work on" in page and 'id="w0"' not in page
    assert choose(single, load_session(single)).sliced is False


def test_the_whole_interview_table_keeps_a_column_for_an_answer_that_heard_nothing(tmp_path):
    from mockvoice.report import build_report
    from mockvoice.session import Session, save_session

    t = timed([("How", 0.0, 0.3), ("many", 0.3, 0.6), ("users?", 0.6, 1.0)])
    card = score_transcript(t, "system-design")
    turns = [Turn(index=1, prompt="Design a chat app.", transcript=t, scorecard=card),
             Turn(index=2, prompt="What breaks first?", transcript=Transcript(text=""), end_reason="no_speech"),
             Turn(index=3, prompt="And the cache?", transcript=t, scorecard=card)]
    folder = tmp_path / "gap"
    save_session(folder, Session(id="gap", created_at="2026-11-21T07:00:00+00:00", status="complete",
                                 question="Design a chat app.", rubric="system-design", turns=turns))
    section = _overall_section(build_report([(folder, load_session(folder))]))
    assert "<th>T1</th><th>T2</th><th>T3</th>" in section
    assert '<td>1</td><td class="none" title="nothing heard">–</td><td>1</td>' in section
