"""Transcriber post-filters, with the decoder replaced by a fake that returns chosen segments."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from mockvoice.audio import AudioClip
from mockvoice.transcriber import WhisperTranscriber


def _seg(text, start, end, no_speech=0.01, logprob=-0.2):
    words = [SimpleNamespace(word=" " + w, start=start, end=end, probability=0.9) for w in text.split()]
    return SimpleNamespace(text=" " + text, start=start, end=end, no_speech_prob=no_speech, avg_logprob=logprob, words=words)


class FakeModel:
    def __init__(self, segments):
        self.segments = segments
        self.kwargs = None

    def transcribe(self, audio, **kwargs):
        self.kwargs = kwargs
        return iter(self.segments), SimpleNamespace(duration=len(audio) / 16000)


def _run(segments, hotwords=()):
    engine = WhisperTranscriber()
    engine._model = FakeModel(segments)
    clip = AudioClip(np.full(16000 * 3, 0.1, dtype=np.float32))
    return engine.transcribe(clip, hotwords), engine._model.kwargs


def test_prompt_echo_and_non_speech_segments_are_dropped():
    segments = [
        _seg("We shard by user id.", 0.0, 1.0),
        _seg("CDN, CDN, idempotent.", 1.0, 2.0),  # hotwords echoed back
        _seg("Thank you.", 2.0, 2.5, no_speech=0.9, logprob=-1.5),  # Whisper's own non-speech flag
        _seg("Um, so, hmm.", 2.5, 3.0),  # the filler prompt echoed back
    ]
    t, kwargs = _run(segments, ("CDN", "idempotent"))
    assert t.text == "We shard by user id."
    assert [w.text for w in t.words] == ["We", "shard", "by", "user", "id."]
    assert kwargs["hotwords"] == "CDN, idempotent" and kwargs["word_timestamps"] is True


def test_a_sentence_using_hotwords_is_kept():
    t, _ = _run([_seg("Put a CDN in front.", 0.0, 1.0)], ("CDN",))
    assert t.text == "Put a CDN in front."


def test_silent_input_never_reaches_the_decoder():
    engine = WhisperTranscriber()
    engine._model = FakeModel([_seg("Thanks for watching!", 0, 1)])
    t = engine.transcribe(AudioClip(np.zeros(16000, dtype=np.float32)))
    assert t.text == "" and engine._model.kwargs is None


def test_looping_and_unheard_segments_are_dropped():
    """tiny.en at a live chunk's end invented "to an end to an end ..." (repeats stacked at one instant), once just
    "to an end." at probability 0.02-0.04: neither was said, and the loop became the card's best trade-off quote."""
    said = _seg("but the counter needs coordination.", 18.9, 25.9)
    loop = _seg("to an end to an end to an end to an", 25.92, 26.44)
    for i, w in enumerate(loop.words):
        w.start = w.end = 26.44 if i > 2 else 25.92 + 0.1 * i
    guess = _seg("to an end.", 25.92, 26.44)
    for w in guess.words:
        w.probability = 0.03
    for invented in (loop, guess):
        t, _ = _run([said, invented])
        assert t.text == "but the counter needs coordination."
    chant = _seg("no no no", 0.0, 1.2)  # said, and heard: spread over time, confidently
    for i, w in enumerate(chant.words):
        w.start, w.end = 0.4 * i, 0.4 * i + 0.3
    assert _run([chant])[0].text == "no no no"
