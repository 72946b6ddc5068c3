"""The score/transcribe commands end to end, and every error path is one line with a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mockvoice.audio import write_wav

ANSWER = [
    "Before I design anything, who are the main users of this system?", 1.0,
    "And how many requests per second should it handle at peak?", 1.5,
    "I would use a message queue rather than direct calls, because it absorbs bursts, but it adds latency and another system to operate.", 1.0,
    "If a worker crashes halfway through a job, the message goes back on the queue and is retried, so the handler must be idempotent.",
]
ANSWER_TEXT = " ".join(p for p in ANSWER if isinstance(p, str))


def test_score_text_transcript(cli, tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER_TEXT)
    res = cli("score", path, "--json")
    assert res.code == 0, res.err
    card = json.loads(res.out)
    assert card["rubric"] == "system-design" and 0 <= card["overall"] <= 100
    feats = card["features"]
    assert set(feats) >= {"clarifying_question", "trade_off", "failure_mode", "scale_estimate", "monitoring"}
    assert feats["clarifying_question"]["count"] == 2
    assert feats["trade_off"]["count"] >= 1 and feats["failure_mode"]["count"] >= 1
    assert feats["scale_estimate"]["count"] == 0 and feats["monitoring"]["count"] == 0
    assert all(ev["start"] is None for ev in feats["trade_off"]["evidence"])
    assert {"wpm", "fillers_per_min", "longest_pause_s"} <= set(card["delivery"])


@pytest.mark.slow
def test_score_synthesised_answer_audio(cli, tts):
    wav = tts(ANSWER)
    res = cli("score", wav, "--json")
    assert res.code == 0, res.err
    card = json.loads(res.out)
    feats = card["features"]
    assert feats["clarifying_question"]["count"] == 2
    assert feats["trade_off"]["count"] >= 1
    assert feats["failure_mode"]["count"] >= 1
    assert feats["scale_estimate"]["count"] == 0
    first_q = feats["clarifying_question"]["evidence"][0]
    assert first_q["start"] is not None and first_q["start"] < 1.0 < first_q["end"]
    crash = feats["failure_mode"]["evidence"][0]
    assert crash["start"] > 10  # the failure mode comes last, after the pauses
    d = card["delivery"]
    assert 100 < d["wpm"] < 200 and d["longest_pause_s"] >= 0.9


@pytest.mark.slow
def test_human_readable_scorecard(cli, tts):
    res = cli("score", tts(ANSWER))
    assert res.code == 0, res.err
    for needle in ("overall", "Clarifying questions", "2/3-5", "Scale estimates", "0:0"):
        assert needle in res.out
    assert "Size it out loud" in res.out  # concrete feedback for the missing scale estimate


@pytest.mark.slow
def test_transcribe_command_json(cli):
    audio = Path(__file__).parent / "data" / "audio" / "LJ001-0008.wav"
    res = cli("transcribe", audio, "--json")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert "surpassed" in data["text"].lower()
    assert data["segments"][0]["words"][0]["start"] is not None


def _put(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated_wav(path: Path) -> Path:
    write_wav(path, np.zeros(16000, dtype=np.float32))
    path.write_bytes(path.read_bytes()[:30])
    return path


BAD_RUBRIC = "id: x\nname: X\nfeatures:\n  - id: a\n    name: A\n    description: d\n    detect: {method: phrases}\n    weight: 1\n    feedback: {missing: m}\n"


@pytest.mark.parametrize(
    "make,error,needle",
    [
        (lambda d: d / "nope.wav", "InputFileError", "no such file"),
        (lambda d: d, "InputFileError", "is a folder"),
        (lambda d: _put(d / "empty.wav", b""), "AudioError", "empty"),
        (lambda d: _put(d / "junk.mp3", os.urandom(4000)), "AudioError", "cannot decode"),
        (lambda d: _truncated_wav(d / "cut.wav"), "AudioError", "cannot decode"),
        (lambda d: write_wav(d / "quiet.wav", np.zeros(16000 * 3, dtype=np.float32)), "SilentAudioError", "no speech"),
        (lambda d: _put(d / "blank.txt", b"  \n"), "InputFileError", "empty"),
        # a file under the wrong name: said what it is, with no internal exception names
        (lambda d: write_wav(d / "answer.txt", np.zeros(16000, dtype=np.float32)), "InputFileError", "this is audio (WAV)"),
        (lambda d: _put(d / "captions.wav", b"WEBVTT\n\n00:00.000 --> 00:02.000\nHow many users?\n"), "AudioError",
         "this is text, not audio; name it .txt"),
        (lambda d: (d / "answers.txt").mkdir() or d / "answers.txt", "InputFileError", "is a folder"),
    ],
)
@pytest.mark.parametrize("command", ["score", "transcribe"])
def test_bad_input_is_one_line(cli, tmp_path, make, error, needle, command):
    path = make(tmp_path)
    if command == "transcribe" and needle == "this is audio (WAV)":  # transcribe goes by what the file holds
        error, needle = "SilentAudioError", "no speech"
    elif command == "transcribe" and path.suffix == ".txt" and path.is_file():
        error, needle = "InputFileError", "not audio; score it with `mockvoice score"  # transcribe takes audio only
    res = cli(command, path)
    assert res.code != 0
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert lines[0].startswith(f"{error}:") and needle in lines[0], lines[0]
    assert "Traceback" not in res.err + res.out and "Error)" not in lines[0]  # no "(IndexError)" for the user


def test_a_transcript_saved_by_a_windows_editor_reads_as_plain_text(cli, tmp_path):
    """Notepad's byte-order mark must not turn up in a quote; UTF-16 reads too; other encodings say how to fix them."""
    plain = tmp_path / "plain.txt"
    plain.write_text(ANSWER_TEXT, encoding="utf-8")
    want = json.loads(cli("score", plain, "--json").out)
    for name, encoding in (("bom.txt", "utf-8-sig"), ("wide.txt", "utf-16")):
        (tmp_path / name).write_text(ANSWER_TEXT, encoding=encoding)
        res = cli("score", tmp_path / name, "--json")
        assert res.code == 0, res.err
        assert json.loads(res.out)["features"] == want["features"]
    (tmp_path / "latin.txt").write_bytes("caf\xe9 users, how many".encode("latin-1"))
    res = cli("score", tmp_path / "latin.txt")
    assert res.code == 2 and res.err.startswith("InputFileError:") and "save it as UTF-8" in res.err


@pytest.mark.parametrize(
    "rubric,needle",
    [("nope", "unknown rubric 'nope'"), ("bad.yaml", "features[0].detect: Value error, method 'phrases' needs")],
)
def test_bad_rubric_is_one_line(cli, tmp_path, rubric, needle):
    (tmp_path / "bad.yaml").write_text(BAD_RUBRIC)
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER_TEXT)
    res = cli("score", answer, "--rubric", tmp_path / rubric if rubric.endswith(".yaml") else rubric)
    assert res.code != 0
    assert res.err.startswith("RubricError:") and needle in res.err and len(res.err.strip().splitlines()) == 1


def test_debug_flag_shows_the_traceback(cli, tmp_path):
    res = cli("--debug", "score", tmp_path / "nope.wav")
    assert res.code != 0 and "Traceback" in res.err


def test_debug_flag_works_after_the_command_too(cli, tmp_path):
    res = cli("score", tmp_path / "nope.wav", "--debug")
    assert res.code == 2 and "Traceback" in res.err and "No such option" not in res.err


def test_square_brackets_in_names_and_text_are_printed_as_they_are(cli, tmp_path):
    """rich would read "[red]" or "[v2]" as a style tag and drop it from a file name, a quote or an error."""
    answer = tmp_path / "ans [v2].txt"
    answer.write_text("how many [b]users[/] per day")
    res = cli("score", answer)
    assert res.code == 0, res.err
    assert "ans [v2].txt" in res.out and "[b]users[/]" in res.out
    res = cli("score", tmp_path / "take[red]2.txt")
    assert res.code == 2 and "take[red]2.txt: no such file" in res.err


def test_installed_console_script_runs_and_fails_cleanly(tmp_path):
    exe = Path(sys.executable).with_name("mockvoice")
    ok = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "score" in ok.stdout
    bad = subprocess.run([exe, "score", tmp_path / "missing.wav"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("InputFileError:") and "Traceback" not in bad.stderr


@pytest.mark.parametrize("args, needle", [
    (("score", "--nope"), "No such option: --nope"),
    (("score",), "Missing argument"),
    (("score", "a.txt", "--rubric"), "requires an argument"),
    (("replay", "last", "--from", "-3"), "--from"),
    (("rescore", "--workers", "-3"), "--workers"),
    (("report",), "Missing argument"),
    (("score", "a.txt", "b.txt"), "unexpected extra argument"),
    (("replay", "last", "--turn", "0"), "--turn"),
    (("score", "a.txt", "--question"), "`mockvoice score --help`"),  # an option missing its value: still the command's help
])
def test_a_usage_mistake_is_a_usage_message_not_an_internal_error(cli, args, needle):
    """Typos in options or arguments get click's usage message and exit 2, whichever click typer brings (it vendors one)."""
    res = cli(*args)
    assert res.code == 2, (res.code, res.err)
    assert needle in res.err and res.err.startswith("Error: ") and "--help" in res.err
    assert len(res.err.strip().splitlines()) == 1, res.err  # one line, not click's usage block
    assert "InternalError" not in res.err and "Traceback" not in res.err


def test_every_session_command_takes_recordings(cli, tmp_path, monkeypatch):
    """--recordings DIR points import, sessions, next, progress and rescore at one folder, whatever the environment says."""
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(tmp_path / "elsewhere"))
    root = tmp_path / "mine"
    answer = tmp_path / "answer.txt"
    answer.write_text("how many users do we expect\nif the primary dies we fail over to a replica\n")
    res = cli("import", answer, "--question", "url-shortener", "--recordings", root)
    assert res.code == 0, res.err
    (folder,) = [p for p in root.iterdir() if p.is_dir()]
    assert not (tmp_path / "elsewhere").exists()
    res = cli("sessions", "--recordings", root)
    assert res.code == 0 and folder.name in res.out
    assert len(res.out.strip().splitlines()) == 2  # a header and one line for the session, its long question cut short
    res = cli("progress", "--recordings", root, "-o", tmp_path / "p.html")
    assert res.code == 0 and "progress over 1 sessions" in res.out and (tmp_path / "p.html").is_file()
    res = cli("progress", "--recordings", root, "--question", "url-shortner")  # a typo is not "no sessions yet"
    assert res.code == 2 and "unknown question 'url-shortner'" in res.err
    res = cli("next", "--recordings", root)
    assert res.code == 0 and "practised" in res.out
    res = cli("rescore", "last", "--recordings", root, "--rubric", "debugging")
    assert res.code == 0 and "re-scored 1" in res.out, res.out + res.err
    assert [p.name.split("-")[0] for p in (folder / "scores").iterdir()] == ["debugging"]


def test_next_says_why_it_picked_no_question_when_the_bank_is_broken(cli, tmp_path, monkeypatch):
    """A broken prompts/*.yaml: `next` still names what to work on, and says in one line why no question was picked."""
    import mockvoice.prompts
    from mockvoice.errors import PromptError

    def broken(folder=None):
        raise PromptError("prompts/debugging.yaml: questions[1].contxt: unknown field")

    monkeypatch.setattr(mockvoice.prompts, "load_questions", broken)
    res = cli("next", "--recordings", tmp_path)
    assert res.code == 0, res.err
    assert "Next:" not in res.out and "Why:" in res.out
    assert res.err.strip() == "no question picked: PromptError: prompts/debugging.yaml: questions[1].contxt: unknown field"


def test_score_and_import_with_a_question_say_the_bank_is_broken_rather_than_use_the_default_rubric(cli, tmp_path,
                                                                                                  monkeypatch):
    """`--question checkout-500s` with a broken bank file would silently score as system design: it names the file."""
    import mockvoice.prompts
    from mockvoice.errors import PromptError

    def broken(folder=None):
        raise PromptError("prompts/debugging.yaml: questions[1].contxt: unknown field")

    monkeypatch.setattr(mockvoice.prompts, "load_questions", broken)
    answer = tmp_path / "a.txt"
    answer.write_text("I'd check the error rate by endpoint first.")
    for args in (("score", answer), ("import", answer, "--recordings", tmp_path / "rec")):
        res = cli(*args, "--question", "checkout-500s")
        assert res.code == 2 and "prompts/debugging.yaml: questions[1].contxt: unknown field" in res.err, res.out + res.err
        assert "Traceback" not in res.err and len(res.err.strip().splitlines()) == 1
    assert not (tmp_path / "rec").exists() or not any((tmp_path / "rec").iterdir())


def test_captions_from_a_call_are_scored_as_their_words(cli, tmp_path):
    """A Zoom or Teams transcript (.vtt, .srt): the header, cue numbers, times and tags are not the answer."""
    vtt = tmp_path / "call.vtt"
    vtt.write_text("WEBVTT\n\nNOTE exported by the meeting app\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Sam>How many users do we "
                   "expect per day?</v>\n\n2\n00:00:04.500 --> 00:00:09.000\nIf the cache goes down we fall back to the "
                   "database.\n")
    srt = tmp_path / "call.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:04,000\nHow many users do we expect per day?\n\n2\n00:00:04,500 --> "
                   "00:00:09,000\nIf the cache goes down we fall back to the database.\n")
    for path in (vtt, srt):
        res = cli("score", path, "--json")
        assert res.code == 0, res.err
        card = json.loads(res.out)
        assert card["delivery"]["words"] == 19, card["delivery"]  # 8 + 11: no numbers, times or tags
        assert card["features"]["clarifying_question"]["count"] == 1 and card["features"]["failure_mode"]["count"] == 1
