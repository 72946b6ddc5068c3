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
