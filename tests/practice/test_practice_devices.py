"""`mockvoice practice` end to end through real PortAudio: PulseAudio pipe-source mic, null-sink speaker."""

from __future__ import annotations

import signal
import time

import numpy as np
import pytest

from mockvoice.audio import load_audio
from mockvoice.prompts import find_question
from mockvoice.session import load_session

from .conftest import speaker_audio

pytestmark = [pytest.mark.audio, pytest.mark.slow]

# Scoping questions and a trade-off, with pauses inside. espeak-ng pads each sentence with about
# 0.4 s of silence, so the 0.5 s pauses are ~0.9 s of silence (under the 1.2 s setting) and the one
# after "let me think" is ~2.6 s (held by the hesitation rule, up to 3 s). No failure modes.
ANSWER_1 = [
    "Before I design anything, how many new links do we create per day?", 0.5,
    "And is the traffic mostly redirects?", 0.5,
    "Okay, let me think.", 2.2,
    "I would generate short codes from a counter rather than hashing the long URL,",
    "because a counter never collides, but it needs coordination between servers.", 0.4,
    "The mappings live in a key value store with a cache in front for the hot links.",
]
ANSWER_2 = ["If the database is down, cached links keep working and the rest fail fast with a timeout."]


def test_practice_listens_patiently_probes_the_gap_and_saves(pulse, practice_run, tts, tmp_path):
    answer_1, answer_2 = load_audio(tts(ANSWER_1)), load_audio(tts(ANSWER_2))
    recorder = pulse.record_speaker(tmp_path / "speaker.raw")
    run = practice_run("--question", "url-shortener", "--turns", "2")
    run.wait_for("answer 1 of 2")
    pulse.feeder.say(answer_1)
    run.wait_for("answer 2 of 2")
    pulse.feeder.say(answer_2)
    assert run.finish() == 0, "\n".join(run.lines[-30:])
    recorder.terminate()
    recorder.wait(5)

    session = load_session(run.session_dir())
    assert session.status == "complete" and len(session.turns) == 2
    first, second = session.turns
    # Not cut at the inner pauses: the whole answer is in turn 1, ended by the final silence.
    assert first.end_reason == "silence"
    text_1 = first.transcript.text.lower()
    assert "links" in text_1 and "counter" in text_1 and "hot links" in text_1, (text_1, first.end_reason, first.timings, run.lines)
    assert first.transcript.duration >= answer_1.duration, (first.transcript.duration, answer_1.duration)
    assert "counter" not in second.transcript.text.lower()
    assert "database" in second.transcript.text.lower(), second.transcript.text
    # The probe goes after the heaviest missing feature, in the question's own words.
    question = find_question("url-shortener")
    assert first.probe is not None and first.probe.feature == "failure_mode"
    assert first.probe.text in question.probes["failure_mode"]
    assert second.prompt == first.probe.text and second.prompt_kind == "probe"
    # the reply to the probe opens with the design by nature: it is not told to scope first (the whole card judges that)
    assert second.scorecard.structure.requirements_first is None
    assert not any("before asking" in f or "Clarifying questions" in f for f in second.scorecard.feedback), second.scorecard.feedback
    # it is judged on what the probe asked: the probed feature's line is its only feature feedback
    names = {f.name for f in second.scorecard.features.values()}
    assert [f.split(":")[0] for f in second.scorecard.feedback if f.split(":")[0] in names] == ["Failure modes"], \
        second.scorecard.feedback
    assert session.wrap_up and session.wrap_up_audio
    # Saved: answer WAVs matching the transcripts, the interviewer's audio, timings.
    folder = run.session_dir()
    wav_1 = load_audio(folder / first.audio)
    assert abs(wav_1.duration - first.transcript.duration) < 0.1
    for name in (first.prompt_audio, second.prompt_audio, session.wrap_up_audio):
        assert load_audio(folder / name).rms() > 0.01
    for turn in session.turns:
        assert turn.timings["response_latency_ms"] is not None and turn.timings["voice_to_voice_ms"] is not None
        assert turn.timings["voice_to_voice_ms"] > turn.timings["response_latency_ms"]
    # The interviewer really played through the output device: question, probe and wrap-up.
    played = speaker_audio(tmp_path / "speaker.raw")
    loud_s = float(np.sum(np.abs(played) > 0.02)) / 16000
    assert loud_s > 3.0, loud_s


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_killed_mid_answer_leaves_a_loadable_session(fresh_pulse, fresh_practice_run, tts, sig):
    pulse, practice_run = fresh_pulse, fresh_practice_run  # a server of its own: nothing queued by earlier runs
    answer = load_audio(tts(ANSWER_1))
    run = practice_run("--question", "url-shortener", "--turns", "2")
    run.wait_for("answer 1 of 2")
    fed_before = pulse.feeder.fed_speech_s
    pulse.feeder.say(answer)
    time.sleep(7.0)
    heard_s = 7.0
    run.proc.send_signal(sig)
    code = run.finish(timeout=60)  # it exits in seconds; the margin is for a loaded 2-core machine
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), "\n".join(run.lines[-20:])
    assert pulse.feeder.fed_speech_s > fed_before

    session = load_session(run.session_dir())  # repairs a WAV header left stale by SIGKILL
    assert session.status == ("interrupted" if sig == signal.SIGINT else "recording")
    turn = session.turns[0]
    assert turn.status == ("interrupted" if sig == signal.SIGINT else "recording")
    wav = load_audio(run.session_dir() / turn.audio)
    # At most the last second is lost (allow 0.3 s of pipe and device buffering on top).
    assert wav.duration >= heard_s - 1.3, wav.duration
    assert wav.rms() > 0.01


def test_barge_in_stops_the_interviewer_and_keeps_the_first_words(pulse, practice_run, tts):
    answer = load_audio(tts(ANSWER_2))
    run = practice_run("--question", "url-shortener", "--turns", "1", "--barge-in")
    run.wait_for("Interviewer:")
    time.sleep(1.5)  # the question is playing
    pulse.feeder.say(answer)
    run.wait_for("you interrupted")
    assert run.finish() == 0, "\n".join(run.lines[-20:])
    turn = load_session(run.session_dir()).turns[0]
    # The preroll kept the start: the saved answer opens with the quiet before the first word, not
    # mid-word. (Checked on the audio: on a loaded machine the transcript of the first words can vary.)
    wav = load_audio(run.session_dir() / turn.audio)
    frames = wav.samples[: wav.samples.size // 320 * 320].reshape(-1, 320)  # 20 ms frames
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 0.02)
    assert loud.size, "the saved answer is silent"
    assert loud[0] * 0.02 >= 0.06, f"speech starts {loud[0] * 0.02:.2f} s into the saved answer: its start was cut"
    words = [w.strip(",.?!") for w in turn.transcript.text.lower().split()]
    assert "if" in words[:2] or "database" in words[:4], words  # and the first word was heard
