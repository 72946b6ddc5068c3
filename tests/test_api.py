"""The public Python API: names exported, and the documented scorecard shape."""

from __future__ import annotations

from pathlib import Path

import pytest

import mockvoice

PUBLIC = {
    "AudioClip", "AudioError", "DeviceError", "Evidence", "FeatureScore", "InputFileError", "LLMError",
    "MockvoiceError", "ModelError", "PromptError", "Rubric", "RubricError", "Scorecard", "Segment",
    "SessionError", "SilentAudioError", "StorageError", "TranscribeOptions", "Transcriber", "Transcript",
    "WhisperTranscriber", "Word", "load_audio", "load_rubric", "score_audio", "score_text",
    "score_transcript", "transcribe",
}
SAMPLE = Path(mockvoice.__file__).parent / "samples" / "url-shortener-answer.flac"


def test_public_names():
    assert set(mockvoice.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(mockvoice, name) is not None


def test_error_tree_has_one_root():
    for name in PUBLIC:
        obj = getattr(mockvoice, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, mockvoice.MockvoiceError)


def test_score_text_shape():
    card = mockvoice.score_text("How many users do we expect per day? I'd pick Redis over Memcached because it persists, but it costs more memory.")
    assert isinstance(card, mockvoice.Scorecard)
    dump = card.model_dump()
    assert dump["rubric"] == "system-design" and 0 <= dump["overall"] <= 100
    for fid, feat in dump["features"].items():
        assert isinstance(feat["count"], int) and 0 <= feat["score"] <= 1
        for ev in feat["evidence"]:
            assert set(ev) >= {"text", "start", "end"} and ev["start"] is None
    assert dump["features"]["trade_off"]["count"] >= 1
    assert {"wpm", "fillers_per_min", "longest_pause_s"} <= set(dump["delivery"])


@pytest.mark.slow
def test_score_audio_on_the_bundled_sample():
    card = mockvoice.score_audio(SAMPLE)
    feats = card.features
    assert feats["clarifying_question"].count >= 2
    assert feats["scale_estimate"].count >= 1 and feats["monitoring"].count >= 1
    ev = feats["monitoring"].evidence[0]
    assert ev.start is not None and 40 < ev.start < 60  # the monitoring sentence closes the answer
    assert card.delivery.wpm is not None and 110 < card.delivery.wpm < 190


def test_load_audio_and_read_transcript_file_pass_their_doubts_to_warn(tmp_path, tts):
    """What the CLI prints as warnings comes from the library as lines given to `warn`; without it, nothing is said."""
    from audio_formats import cut_off, encode
    from mockvoice.api import read_transcript_file

    speech = tts(["How many users do we expect per day?"])
    whole = mockvoice.load_audio(speech)
    said: list[str] = []
    cut = mockvoice.load_audio(cut_off(speech, tmp_path / "cut.wav", 0.5), warn=said.append)
    assert abs(cut.duration - whole.duration / 2) < 0.05  # what is there is kept
    phone = mockvoice.load_audio(encode(whole.samples, tmp_path / "phone.wav", rate=8000), warn=said.append)
    assert phone.sample_rate == 16_000
    assert [s.split(": ", 1)[1][:40] for s in said] == ["the file is shorter than its header says", "its sample rate is 8 kHz (phone quality)"]
    mockvoice.load_audio(speech, warn=said.append)
    assert len(said) == 2
    vtt = tmp_path / "call.vtt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\n<v Interviewer>Why?\n\n00:02.000 --> 00:04.000\n<v Zed>Because.\n")
    assert read_transcript_file(vtt).text == "Because."
    assert read_transcript_file(vtt, speaker="i", warn=said.append).text == "Why?" and len(said) == 2
