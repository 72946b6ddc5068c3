"""Speech-to-text: the `Transcriber` protocol and its faster-whisper implementation.

Whisper runs on the CPU with int8 weights and word timestamps. Silero VAD (inside
faster-whisper) removes non-speech before decoding, so silence and noise produce no text;
segments Whisper itself flags as non-speech are dropped too. Decoding can be biased toward
a short list of domain words (`hotwords`).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import numpy as np

from .audio import AudioClip, load_audio
from .errors import ModelError
from .modelpath import DEFAULT_MODEL, resolve_model
from .transcript import Segment, Transcript, Word

log = logging.getLogger("mockvoice.transcriber")

__all__ = ["TranscribeOptions", "Transcriber", "WhisperTranscriber", "get_transcriber", "transcribe"]

# Whisper tends to drop "um"/"uh"; a prompt written in a disfluent style keeps them. The long
# VERBATIM_PROMPT invites hallucinated endings ("Thanks for watching.") on short clips; the short
# FILLER_PROMPT keeps the fillers without that cost (benchmarks/fillers.py prints both).
VERBATIM_PROMPT = "Um, so, uh, let me think. Hmm, okay, I mean, like, uh, yeah."
FILLER_PROMPT = "Um, uh, so, hmm."
MAX_HOTWORD_CHARS = 160


@dataclass(frozen=True)
class TranscribeOptions:
    """Decoding settings; the defaults suit spoken interview answers on a laptop CPU."""

    model: str | None = None
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: let CTranslate2 decide
    beam_size: int = 5
    language: str = "en"
    vad_filter: bool = True
    vad_min_silence_ms: int = 1000
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    initial_prompt: str | None = FILLER_PROMPT
    hotwords: tuple[str, ...] = field(default_factory=tuple)
    # Whisper re-decodes a low-confidence window at each temperature in turn; live chunks use fewer.
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)

    def hotword_text(self) -> str | None:
        """The hotwords as one short phrase (deduplicated, capped in length)."""
        seen: list[str] = []
        for w in self.hotwords:
            w = w.strip()
            if w and w.lower() not in {s.lower() for s in seen}:
                if len(", ".join(seen + [w])) > MAX_HOTWORD_CHARS:
                    break
                seen.append(w)
        return ", ".join(seen) or None


@runtime_checkable
class Transcriber(Protocol):
    """Anything that turns a clip into a timed transcript."""

    def transcribe(self, clip: AudioClip, hotwords: tuple[str, ...] = ()) -> Transcript: ...


_MODELS: dict[tuple[str, str, int], object] = {}
_MODELS_LOCK = threading.Lock()


def _load_model(path_or_name: str, compute_type: str, cpu_threads: int):
    key = (path_or_name, compute_type, cpu_threads)
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        from faster_whisper import WhisperModel

        kwargs = dict(device="cpu", compute_type=compute_type, cpu_threads=cpu_threads)
        try:
            if os.path.isdir(path_or_name):
                model = WhisperModel(path_or_name, **kwargs)
            else:
                try:  # a cached copy first: no network needed
                    model = WhisperModel(path_or_name, local_files_only=True, **kwargs)
                except Exception:
                    model = WhisperModel(path_or_name, **kwargs)
        except Exception as exc:
            raise ModelError(
                f"cannot load Whisper model {path_or_name!r} ({type(exc).__name__}): it is not on this "
                "machine and could not be downloaded; omit --model (and unset $MOCKVOICE_MODEL) for the bundled "
                "tiny.en, or pass a local faster-whisper model folder"
            ) from exc
        _MODELS[key] = model
        return model


class WhisperTranscriber:
    """faster-whisper on the CPU; the model is loaded once per process and shared."""

    def __init__(self, options: TranscribeOptions | None = None):
        self.options = options or TranscribeOptions()
        self.model_ref = resolve_model(self.options.model)
        self.model_name = self.options.model or os.environ.get("MOCKVOICE_MODEL") or DEFAULT_MODEL
        self._model = _load_model(self.model_ref, self.options.compute_type, self.options.cpu_threads)

    def transcribe(self, clip: AudioClip, hotwords: tuple[str, ...] = ()) -> Transcript:
        opts = self.options if not hotwords else replace(self.options, hotwords=self.options.hotwords + tuple(hotwords))
        samples = np.ascontiguousarray(clip.samples, dtype=np.float32)
        if len(samples) == 0 or float(np.max(np.abs(samples))) < 1e-4:
            return Transcript(text="", duration=clip.duration, model=self.model_name)
        segments_iter, info = self._model.transcribe(
            samples,
            language=opts.language,
            beam_size=opts.beam_size,
            word_timestamps=True,
            temperature=list(opts.temperatures),
            vad_filter=opts.vad_filter,
            vad_parameters={"min_silence_duration_ms": opts.vad_min_silence_ms},
            condition_on_previous_text=False,
            no_speech_threshold=opts.no_speech_threshold,
            log_prob_threshold=opts.log_prob_threshold,
            initial_prompt=opts.initial_prompt,
            hotwords=opts.hotword_text(),
        )
        segments: list[Segment] = []
        prompt_words = _tokens(" ".join(opts.hotwords) + " " + (opts.initial_prompt or ""))
        for seg in segments_iter:  # the generator is lazy: decoding happens here
            if seg.no_speech_prob > opts.no_speech_threshold and seg.avg_logprob < opts.log_prob_threshold:
                log.debug("dropped non-speech segment %r", seg.text)
                continue
            words = _merge_words(seg.words or [])
            text = seg.text.strip()
            if not text:
                continue
            if _tokens(text) <= prompt_words:  # the prompt echoed back ("CDN, CDN, idempotent."), not speech
                log.debug("dropped segment made only of prompt words %r", text)
                continue
            if _hallucinated(words):
                log.debug("dropped a looping or unheard segment %r", text)
                continue
            segments.append(Segment(text=text, start=round(seg.start, 3), end=round(seg.end, 3), words=words))
        text = " ".join(s.text for s in segments)
        return Transcript(text=text, segments=tuple(segments), duration=round(info.duration, 3), model=self.model_name)


UNHEARD_PROBABILITY = 0.15  # a segment none of whose words reach this was not heard, only guessed
_FILLERS = {"um", "uh", "umm", "uhm", "hmm", "mm", "er", "ah", "so", "like", "okay"}


def _hallucinated(words: tuple[Word, ...]) -> bool:
    """Whisper's inventions at the edge of a chunk: every word a guess ("to an end." at 0.02-0.04), or a
    short phrase looping ("to an end to an end to an end to an", the repeats stacked at one instant)."""
    probs = [w.probability for w in words if w.probability is not None]
    toks = [re.sub(r"[^a-z0-9']", "", w.text.lower()) for w in words]
    if len(probs) >= 3 and max(probs) < UNHEARD_PROBABILITY and not set(toks) <= _FILLERS:
        return True  # (a lone "um", or "uh, so, hmm", is often heard at low confidence, and it is delivery evidence)
    for n in range(1, 5):
        if len(toks) >= 3 * n and all(t == toks[i % n] for i, t in enumerate(toks)):
            stacked = sum(1 for w in words if w.end is not None and w.start is not None and w.end - w.start < 0.01)
            return stacked * 2 >= len(words) or sum(probs) < 0.5 * len(probs)
    return False


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def _merge_words(raw) -> tuple[Word, ...]:
    """Whisper words as Word objects; a piece with no leading space (",000") joins the word before."""
    out: list[Word] = []
    for w in raw:
        text = w.word.strip()
        if not text:
            continue
        if out and not w.word.startswith(" "):
            prev = out[-1]
            out[-1] = Word(text=prev.text + text, start=prev.start, end=round(w.end, 3),
                           probability=round(min(prev.probability or 1.0, w.probability), 3))
        else:
            out.append(Word(text=text, start=round(w.start, 3), end=round(w.end, 3), probability=round(w.probability, 3)))
    return tuple(out)


def get_transcriber(model: str | None = None, **options) -> WhisperTranscriber:
    """A WhisperTranscriber for `model` (None: the bundled tiny.en) with option overrides."""
    return WhisperTranscriber(TranscribeOptions(model=model, **options))


def transcribe(audio, model: str | None = None, hotwords: tuple[str, ...] | list[str] = (), **options) -> Transcript:
    """Transcribe a file path or an AudioClip with the given (or bundled) model."""
    clip = audio if isinstance(audio, AudioClip) else load_audio(audio)
    return get_transcriber(model, **options).transcribe(clip, tuple(hotwords))
