"""Input files a cohort hands in: captions that name their speakers, cut-off and phone-quality recordings,
and a .txt that is not text. Each through the CLI, as an instructor runs it."""

from __future__ import annotations

import json
import re

import pytest

from audio_formats import cut_off, encode
from mockvoice.audio import load_audio
from mockvoice.index import read_session

CALL = """WEBVTT

00:00:00.000 --> 00:00:04.000
<v Zed>I'd put the mapping in Postgres and have an app server do the redirect.

00:00:04.500 --> 00:00:14.000
<v Interviewer>Okay. Note that if the cache goes down, all traffic hits the database, so you would want
replicas and a circuit breaker. And I'd alert on p99 latency against the SLO.</v>

00:00:14.500 --> 00:00:18.000
<v.loud zed>Right, I'd use Postgres.
"""
ZOOM = """1
00:00:01,000 --> 00:00:04,000
Priya (Interviewer): Design a URL shortener. If the cache goes down, every read hits the database.

2
00:00:04,500 --> 00:00:09,000
Ann Lee: How many links do we expect per day?

3
00:00:09,500 --> 00:00:12,000
And how many redirects per second at peak?

4
00:00:12,500 --> 00:00:15,000
Priya (Interviewer): About ten thousand.
"""
ANSWER = ["How many users do we expect per day?", 0.6,
          "If the primary database fails, we promote a replica, and we alert when the p99 latency passes 300 milliseconds."]


def _card(res) -> dict:
    assert res.code == 0, res.err
    return json.loads(res.out)


def _quotes(card: dict) -> str:
    return " ".join(ev["text"] for f in card["features"].values() for ev in (*f["evidence"], *f["near_misses"]))


def test_captions_that_name_speakers_score_the_one_who_is_not_the_interviewer(cli, tmp_path):
    """The interviewer's failure mode and monitoring are not the candidate's: without --speaker, the one speaker
    who is not an interviewer is scored (voice tags in any case and with a class are one speaker)."""
    call = tmp_path / "probe-call.vtt"
    call.write_text(CALL)
    res = cli("score", call, "--question", "url-shortener", "--json")
    card = _card(res)
    assert res.err == ""
    assert card["features"]["failure_mode"]["count"] == 0 and card["features"]["monitoring"]["count"] == 0
    assert card["delivery"]["words"] == 18  # Zed's two cues: 14 + 4 words
    assert "cache" not in _quotes(card) and "Okay" not in _quotes(card)
    card = _card(cli("score", call, "--question", "url-shortener", "--json", "--speaker", "INTER"))  # any case, a start
    assert card["features"]["failure_mode"]["count"] == 1 and card["features"]["monitoring"]["count"] == 1


def test_zoom_style_names_open_the_cue_and_a_cue_with_none_continues_the_speaker(cli, tmp_path):
    """"Name: text" (Zoom's captions, an .srt): the name is not scored as words, and a cue naming no one is said
    by the speaker before it."""
    srt = tmp_path / "call.srt"
    srt.write_text(ZOOM)
    card = _card(cli("score", srt, "--json"))
    assert card["features"]["clarifying_question"]["count"] == 2 and card["features"]["failure_mode"]["count"] == 0
    assert card["delivery"]["words"] == 16 and "Ann" not in _quotes(card)
    card = _card(cli("score", srt, "--json", "--speaker", "priya"))
    assert card["features"]["failure_mode"]["count"] == 1 and card["delivery"]["words"] == 17


@pytest.mark.parametrize("speaker, needle", [
    (None, "the captions name 3 speakers (Priya (Interviewer), Ann Lee, Bo Chen) and it is not clear whose answer to "
           "score; pass --speaker NAME"),
    ("Sam", "no speaker 'Sam' in the captions (they name Priya (Interviewer), Ann Lee, Bo Chen); pass --speaker with one"),
    ("", "--speaker is empty; pass one of the names the captions give (Priya (Interviewer), Ann Lee, Bo Chen)"),
])
def test_captions_with_several_candidates_say_which_speakers_they_name(cli, tmp_path, speaker, needle):
    srt = tmp_path / "panel.srt"
    srt.write_text(ZOOM + "\n5\n00:00:15,500 --> 00:00:18,000\nBo Chen: And what is the read to write ratio?\n")
    res = cli("score", srt, *(() if speaker is None else ("--speaker", speaker)))
    assert res.code == 2 and res.out == ""
    assert res.err.startswith("InputFileError: ") and needle in res.err and len(res.err.strip().splitlines()) == 1, res.err
    card = _card(cli("score", srt, "--json", "--speaker", "b"))  # "b" is only Bo Chen
    assert card["delivery"]["words"] == 8


def test_an_ambiguous_speaker_and_an_unnamed_opening_are_said(cli, tmp_path):
    vtt = tmp_path / "call.vtt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nhello, can you hear me\n\n00:02.000 --> 00:04.000\n<v Ann Lee>How "
                   "many users?\n\n00:04.000 --> 00:06.000\n<v Ann Smith>Which regions?\n")
    res = cli("score", vtt, "--speaker", "ann")
    assert res.code == 2 and "--speaker 'ann' could be Ann Lee or Ann Smith; give more of the name" in res.err, res.err
    res = cli("score", vtt, "--speaker", "ann l", "--json")
    assert _card(res)["delivery"]["words"] == 3
    assert res.err.strip() == f"warning {vtt}: 1 cue before the first speaker's name is left out; only Ann Lee's words are scored"


def test_captions_naming_no_one_are_scored_whole_and_an_unused_speaker_is_said(cli, tmp_path):
    vtt = tmp_path / "call.vtt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHow many users do we expect?\n\n00:02.000 --> 00:04.000\n"
                   "Note: the cache could go down.\n")  # one "Name:"-like line is words, not a speaker
    res = cli("score", vtt, "--json", "--speaker", "zed")
    assert _card(res)["delivery"]["words"] == 12
    assert res.err.strip() == f"warning {vtt}: the captions name no speakers, so all their words are scored (--speaker 'zed' is not used)"


def test_import_takes_the_speaker_and_a_folder_reports_captions_it_cannot_pick_from(cli, tmp_path, _isolated_recordings):
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    (cohort / "ann.srt").write_text(ZOOM)
    (cohort / "zed.vtt").write_text(CALL)
    (cohort / "panel.srt").write_text(ZOOM + "\n5\n00:00:15,500 --> 00:00:18,000\nBo Chen: And the ratio?\n")
    res = cli("import", cohort)
    assert res.code == 1 and "imported 2, failed 1, already imported 0" in res.out, res.out + res.err
    assert f"failed InputFileError: {cohort / 'panel.srt'}: the captions name 3 speakers" in res.err
    texts = {read_session(p).source_file: read_session(p).turns[0].transcript.text for p in _isolated_recordings.iterdir()
             if p.is_dir()}
    assert texts == {"ann.srt": "How many links do we expect per day?\nAnd how many redirects per second at peak?",
                     "zed.vtt": "I'd put the mapping in Postgres and have an app server do the redirect.\nRight, I'd use Postgres."}
    res = cli("import", cohort / "panel.srt", "--speaker", "bo")
    assert res.code == 0 and "imported 1, failed 0" in res.out, res.out + res.err


@pytest.mark.parametrize("data", [
    b"\xff\xfe\x00garbage\x80\x81",  # a UTF-16 mark on binary: it decodes, as CJK-looking noise
    bytes(range(256)) * 4,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
])
@pytest.mark.parametrize("command", ["score", "import"])
def test_a_binary_file_named_txt_is_not_a_transcript(cli, tmp_path, _isolated_recordings, data, command):
    path = tmp_path / "answer.txt"
    path.write_bytes(data)
    res = cli(command, path)
    line = f"InputFileError: {path}: not a text file (it holds binary data); save the transcript as UTF-8 text"
    assert res.code in (1, 2) and line in res.err and len(res.err.strip().splitlines()) == 1, res.err
    assert not _isolated_recordings.exists() or not any(p.is_dir() for p in _isolated_recordings.iterdir())


def test_utf16_captions_under_an_audio_name_are_said_to_be_text(cli, tmp_path):
    """The text sniffing that tells a transcript from binary knows UTF-16 (a Windows editor's "Unicode") too."""
    path = tmp_path / "call.wav"
    path.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHow many users?\n", encoding="utf-16")
    res = cli("score", path)
    assert res.code == 2 and "this is text, not audio; name it .txt" in res.err, res.err


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning ")]


@pytest.mark.slow
def test_a_cut_off_wav_is_scored_with_one_warning(cli, tts, tmp_path):
    whole = tts(ANSWER)
    full = len(load_audio(whole).samples) / 16_000
    cut = cut_off(whole, tmp_path / "answer.wav", 0.5)
    res = cli("score", cut, "--json")
    card = _card(res)
    assert card["features"]["clarifying_question"]["count"] == 1  # what is there is scored
    (line,) = _warnings(res.err)
    assert len(res.err.strip().splitlines()) == 1, res.err
    m = re.fullmatch(rf"warning {re.escape(str(cut))}: the file is shorter than its header says \(([\d.]+) s of ([\d.]+) s\); "
                     r"it was probably cut off; only what is there is used", line)
    assert m and abs(float(m[1]) - full / 2) < 0.51 and abs(float(m[2]) - full) < 0.51, line  # shown to 0.1 s or 1 s
    res = cli("score", whole, "--json")
    assert res.code == 0 and res.err == ""  # the whole file: no warning


@pytest.mark.slow
@pytest.mark.parametrize("rate, warned", [(8000, True), (11025, True), (22050, False)])
def test_phone_quality_audio_is_transcribed_with_one_warning(cli, tts, tmp_path, _isolated_recordings, rate, warned):
    samples = load_audio(tts(ANSWER)).samples
    path = encode(samples, tmp_path / f"call-{rate}.wav", rate=rate)
    res = cli("score", path, "--json")
    assert _card(res)["features"]["clarifying_question"]["count"] == 1
    want = [f"warning {path}: its sample rate is {rate / 1000:g} kHz (phone quality); it is resampled to 16 kHz and "
            "transcription will be less accurate; record at 16 kHz or more"] if warned else []
    assert _warnings(res.err) == want and len(res.err.strip().splitlines()) == len(want), res.err
    if warned:  # import and transcribe say it too, and go on
        res = cli("import", path)
        assert res.code == 0 and "imported 1, failed 0" in res.out and _warnings(res.err) == want, res.out + res.err
        res = cli("transcribe", path)
        assert res.code == 0 and res.out.strip() and _warnings(res.err) == want, res.out + res.err
