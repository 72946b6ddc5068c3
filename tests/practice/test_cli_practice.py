"""The practice-related commands: questions, devices with no hardware, practice with no microphone, demo."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mockvoice.session import load_session


def test_questions_lists_the_bank(cli):
    res = cli("questions")
    assert res.code == 0 and "url-shortener" in res.out and "checkout-500s" in res.out
    assert "31 questions" in res.out or "questions." in res.out
    from mockvoice.prompts import load_questions
    starts = {ln.split(" ")[0] for ln in res.out.splitlines()}
    assert {q.id for q in load_questions()} <= starts  # each id whole on its line, to copy into --question
    res = cli("questions", "--topic", "behavioral")
    assert res.code == 0 and "proud-project" in res.out and "url-shortener" not in res.out
    res = cli("questions", "--topic", "gossip")
    assert res.code != 0 and "PromptError" in res.err


def _no_audio_env(tmp_path):
    return {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/no-such-server", "MOCKVOICE_RECORDINGS": str(tmp_path / "rec"),
            "COLUMNS": "200"}


def _machine_has_devices(env) -> bool:
    probe = subprocess.run([sys.executable, "-c", "import sounddevice as sd; print(len(sd.query_devices()))"],
                           env=env, capture_output=True, text=True, timeout=60)
    return probe.stdout.strip() not in ("0", "")


def test_no_microphone_is_one_line_saying_how_to_pick_one(tmp_path):
    env = _no_audio_env(tmp_path)
    if _machine_has_devices(env):
        pytest.skip("this machine has audio hardware; the no-device path runs on machines without it (CI)")
    res = subprocess.run([sys.executable, "-m", "mockvoice", "devices"], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "No microphone found" in res.stdout and "--input-device" in res.stdout
    res = subprocess.run([sys.executable, "-m", "mockvoice", "practice", "--question", "url-shortener"], env=env,
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert lines[0].startswith("DeviceError: no microphone found") and "--input-device" in lines[0]
    assert "Traceback" not in res.stderr


@pytest.mark.slow
def test_demo_runs_a_scripted_interview_with_no_sound_card(tmp_path):
    env = _no_audio_env(tmp_path)
    res = subprocess.run([sys.executable, "-m", "mockvoice", "demo", "--turns", "1"], env=env, capture_output=True,
                         text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    (folder,) = [p for p in (tmp_path / "rec").iterdir() if p.is_dir()]
    session = load_session(folder)
    assert session.source == "demo" and session.status == "complete" and len(session.turns) == 1
    turn = session.turns[0]
    text = turn.transcript.text.lower()
    assert turn.end_reason in ("silence", "transcript_wait"), (turn.end_reason, text)
    assert "new links" in text and "hot links" in text, text  # first and last sentence: not cut at a pause
    assert turn.scorecard is not None and turn.scorecard.features["clarifying_question"].count >= 1
    assert (folder / turn.audio).is_file() and (folder / turn.prompt_audio).is_file() and (folder / "wrap-up.wav").is_file()
    assert "Interviewer:" in res.stdout and "overall" in res.stdout
