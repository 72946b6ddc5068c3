"""Listening to one answer: microphone blocks -> WAV on disk, VAD, patient endpointing, and transcription as it goes.

While the candidate speaks, every pause of `chunk_pause_s` closes a chunk of audio that a
worker thread transcribes at once, so when the turn ends only the last few words (if any)
are left to decode. Whisper sometimes skips seconds of clear speech in a chunk (tiny.en can
put its first timestamp seconds late); the listener knows from its VAD where the chunk was
voiced, so speech the chunk's transcript leaves out is decoded again on its own (`fill_gaps`)
and the transcript covers all that was said and saved; a lone short word Whisper puts in the
silence after the speech ("Test.") is left out (`drop_unvoiced_tail`). The audio is streamed to a WAV file
whose header is valid after each flush. Keys (Enter, r, s, q) come in through a `poll_key`
callable and end `run()` early.
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .audio import SAMPLE_RATE, AudioClip
from .endpointing import FRAME, EndDecision, EndpointConfig, Endpointer, StreamingVad
from .microphone import Block, Microphone
from .transcriber import Transcriber, WhisperTranscriber
from .transcript import Segment, Transcript, Word
from .wavstream import StreamingWav

__all__ = ["TurnListener", "Heard", "ChunkTranscriber", "merge_chunks", "shift_transcript", "fill_gaps",
           "drop_unvoiced_tail"]

FORCE_CHUNK_S = 25.0
LIVE_TEMPERATURES = (0.0, 0.4, 0.8)
GAP_VOICED_S = 1.0  # this much voiced audio between a chunk's segments with no words is decoded again
UNVOICED_WORD_S = 0.5  # a one-word segment shorter than this after a chunk's last voiced frame was not said


@dataclass(frozen=True)
class Heard:
    """How a listening stretch ended: the decision, when it was declared, and the last voiced moment."""

    end: EndDecision
    declared_at: float  # time.monotonic when the turn was declared over
    last_voice_at: float | None  # time.monotonic capture time of the end of the last voiced frame
    key: str | None = None


class ChunkTranscriber:
    """Transcribes live chunks with the same model and guards as the transcriber, but fewer temperatures, no prompt
    and no hotwords.

    Re-decoding a low-confidence chunk at six temperatures can take seconds on a busy CPU and
    stall the live loop; two retries still break the repetition loops tiny.en falls into.
    """

    def __init__(self, base: Transcriber):
        self.base = base
        self.model_name = getattr(base, "model_name", None)
        self._live = (
            # Shares the loaded model. No filler prompt: on short live chunks it makes tiny.en re-decode
            # at higher temperatures, and a late last chunk ends the turn on `transcript_wait` instead of
            # letting the patient hold see "let me think" (measured: practice tests cut answers with it).
            WhisperTranscriber(replace(base.options, temperatures=LIVE_TEMPERATURES, initial_prompt=None, hotwords=()))
            if isinstance(base, WhisperTranscriber)
            else base
        )

    def transcribe(self, clip: AudioClip, hotwords: tuple[str, ...] = ()) -> Transcript:
        """The chunk's transcript; `hotwords` are not used. Given a live chunk, tiny.en copies words from the
        hotword list into what it hears ("the p99 latency of redirects" -> "the behind the idempotent on
        redirect"). On 12 espeak-ng answers cut as the listener cuts them (137 chunks), the hotwords invented
        12 hotwords (1 without) to hear 18 of the 24 spoken (12 without), for the same word error rate (0.218,
        0.219) and twice the decoding time; using them only on chunks of 4 s or more still invented 9
        (benchmarks/live_chunks.py)."""
        return self._live.transcribe(clip)


def shift_transcript(t: Transcript, offset: float) -> tuple[Segment, ...]:
    """The transcript's segments moved `offset` seconds later (a chunk placed in the whole answer)."""
    def sh(x: float | None) -> float | None:
        return None if x is None else round(x + offset, 3)

    return tuple(
        Segment(text=s.text, start=sh(s.start), end=sh(s.end),
                words=tuple(Word(text=w.text, start=sh(w.start), end=sh(w.end), probability=w.probability) for w in s.words))
        for s in t.segments
    )


def merge_chunks(chunks: list[tuple[float, Transcript]], duration: float, model: str | None = None,
                 answers: bool = False) -> Transcript:
    """One transcript from chunk transcripts and their start offsets (seconds); `answers`: each chunk is a
    whole answer (the interview scored as one), so the silence from one to the next is not a pause."""
    segments: list[Segment] = []
    for offset, t in chunks:
        segments.extend(shift_transcript(t, offset))
        model = model or t.model
    return Transcript(text=" ".join(s.text for s in segments), segments=tuple(segments), duration=round(duration, 3),
                      model=model, answer_starts=tuple(off for off, _ in chunks[1:]) if answers else ())


def fill_gaps(t: Transcript, clip: AudioClip, voiced: np.ndarray, redo: Callable[[AudioClip], Transcript],
              min_voiced_s: float = GAP_VOICED_S) -> Transcript:
    """The chunk transcript `t`, with any stretch between its segments (or before the first, after the last)
    that holds at least `min_voiced_s` of voiced frames (`voiced`: one flag per VAD frame of `clip`)
    transcribed again on its own by `redo` and put in its place. Whisper can skip seconds of clear speech
    at the start of a window; decoded alone, the skipped part is heard."""
    if not t.segments or any(s.start is None or s.end is None for s in t.segments):
        return t  # nothing heard at all (the same clip decodes the same way again), or untimed
    frame_s = FRAME / clip.sample_rate
    segs = sorted(t.segments, key=lambda s: s.start)
    edges = [0.0] + [x for s in segs for x in (s.start, s.end)] + [clip.duration]
    added: list[Segment] = []
    for a, b in zip(edges[::2], edges[1::2]):
        first, last = int(np.ceil(a / frame_s)), int(b / frame_s)
        if last <= first or np.count_nonzero(voiced[first:last]) * frame_s < min_voiced_s:
            continue
        lo, hi = int(a * clip.sample_rate), int(b * clip.sample_rate)
        again = redo(AudioClip(samples=clip.samples[lo:hi], sample_rate=clip.sample_rate, source=clip.source))
        added.extend(s for s in shift_transcript(again, round(a, 3)) if s.text.strip())
    if not added:
        return t
    segments = tuple(sorted([*segs, *added], key=lambda s: s.start))
    return t.model_copy(update={"segments": segments, "text": " ".join(s.text for s in segments)})


def drop_unvoiced_tail(t: Transcript, clip: AudioClip, voiced: np.ndarray,
                       max_s: float = UNVOICED_WORD_S) -> Transcript:
    """The chunk transcript `t` without one-word segments shorter than `max_s` that lie wholly after the chunk's
    last voiced frame (`voiced`: one flag per VAD frame of `clip`). Whisper sometimes adds a word in the silence
    that closes a chunk ("When did it start? Test.", the "Test." 0.16 s long); nothing was said there."""
    if not voiced.any():
        return t
    last_voice = (int(np.flatnonzero(voiced)[-1]) + 1) * FRAME / clip.sample_rate
    keep = tuple(s for s in t.segments if not (
        len(s.text.split()) == 1 and s.start is not None and s.end is not None
        and s.start >= last_voice and s.end - s.start < max_s))
    if len(keep) == len(t.segments):
        return t
    return t.model_copy(update={"segments": keep, "text": " ".join(s.text for s in keep)})


class TurnListener:
    """Listens to one answer across one or more `run()` calls (a repeat of the question pauses it)."""

    def __init__(self, mic: Microphone, transcriber: Transcriber, wav_path: Path, hotwords: tuple[str, ...] = (),
                 config: EndpointConfig | None = None, on_partial: Callable[[Transcript], None] | None = None,
                 vad: StreamingVad | None = None, executor: cf.Executor | None = None):
        self.mic = mic
        self.transcriber = transcriber
        self.hotwords = hotwords
        self.config = config or EndpointConfig()
        self.endpointer = Endpointer(self.config)
        self.vad = vad or StreamingVad()
        self.vad.reset()
        self.on_partial = on_partial
        self.wav = StreamingWav(wav_path)
        self._pool = executor or cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcribe")
        self._own_pool = executor is None
        self._samples: list[np.ndarray] = []
        self._voiced: list[bool] = []  # the VAD's verdict on each frame in self._samples
        self._n = 0  # samples heard so far
        self._residual = np.zeros(0, dtype=np.float32)
        self._residual_at = 0.0
        self._commit = 0  # sample index where the next chunk starts
        self._voiced_since_commit = False
        self._chunks: list[tuple[float, cf.Future]] = []
        self._reported = 0
        self.last_voice_at: float | None = None

    # --- chunked transcription -------------------------------------------------------------
    def _audio(self, start: int, end: int) -> np.ndarray:
        return np.concatenate(self._samples)[start:end] if self._samples else np.zeros(0, dtype=np.float32)

    def _submit(self, end: int) -> None:
        clip = AudioClip(samples=self._audio(self._commit, end).copy(), source="microphone")
        voiced = np.array(self._voiced[self._commit // FRAME:end // FRAME], dtype=bool)
        offset = self._commit / SAMPLE_RATE
        self._chunks.append((offset, self._pool.submit(self._transcribe_chunk, clip, voiced)))
        self._commit, self._voiced_since_commit = end, False

    def _transcribe_chunk(self, clip: AudioClip, voiced: np.ndarray) -> Transcript:
        """On the worker thread: the chunk's transcript, with any speech Whisper skipped decoded again and any
        word it added in the silence after the speech left out."""
        t = self.transcriber.transcribe(clip, self.hotwords)
        t = fill_gaps(t, clip, voiced, lambda part: self.transcriber.transcribe(part, self.hotwords))
        return drop_unvoiced_tail(t, clip, voiced)

    def _done_chunks(self) -> list[tuple[float, Transcript]]:
        out = []
        for offset, fut in self._chunks:
            if not fut.done():
                break
            out.append((offset, fut.result()))
        return out

    def tail_ready(self) -> bool:
        return not self._voiced_since_commit and all(f.done() for _, f in self._chunks)

    def transcript_so_far(self) -> Transcript:
        return merge_chunks(self._done_chunks(), self._n / SAMPLE_RATE)

    # --- the loop -------------------------------------------------------------------------
    def _frame(self, frame: np.ndarray, captured_at: float) -> None:
        voiced = self.endpointer.feed(self.vad(frame))
        self._voiced.append(voiced)
        if voiced:
            self._voiced_since_commit = True
            self.last_voice_at = captured_at + FRAME / SAMPLE_RATE
        elif self._voiced_since_commit and self.endpointer.silence_s() >= self.config.chunk_pause_s:
            self._submit(self._n)
        if self._voiced_since_commit and (self._n - self._commit) / SAMPLE_RATE >= FORCE_CHUNK_S and not voiced:
            self._submit(self._n)

    def feed(self, block: Block) -> None:
        """Take one microphone block: store it, then run VAD and endpointing frame by frame."""
        self.wav.write(block.samples)
        if len(self._residual) == 0:
            self._residual_at = block.captured_at
        self._residual = np.concatenate([self._residual, block.samples.astype(np.float32)])
        while len(self._residual) >= FRAME:
            frame, self._residual = self._residual[:FRAME], self._residual[FRAME:]
            self._samples.append(frame)
            self._n += FRAME
            self._frame(frame, self._residual_at)
            self._residual_at += FRAME / SAMPLE_RATE

    def _report_partial(self) -> None:
        done = self._done_chunks()
        if self.on_partial is not None and len(done) > self._reported:
            self._reported = len(done)
            self.on_partial(merge_chunks(done, self._n / SAMPLE_RATE))

    def run(self, poll_key: Callable[[], str | None] = lambda: None, preroll: list[Block] | None = None) -> Heard:
        """Listen until the endpointer or a key ends this stretch; returns how it ended."""
        for block in preroll or ():
            self.feed(block)
        while True:
            key = poll_key()
            if key is not None:
                reason = {"enter": "key", "q": "quit"}.get(key, key)
                return Heard(EndDecision(reason, self.endpointer.t, self.endpointer.last_voice_s), time.monotonic(),
                             self.last_voice_at, key)
            block = self.mic.read(timeout=0.1)
            if block is not None:
                self.feed(block)
            self._report_partial()
            tail, last_p = None, None
            if self.endpointer.silence_s() >= self.config.silence_s:
                so_far = self.transcript_so_far()
                words = so_far.words
                tail, last_p = so_far.text, (words[-1].probability if words else None)
            decision = self.endpointer.decide(tail, self.tail_ready(), last_p)
            if decision is not None:
                return Heard(decision, time.monotonic(), self.last_voice_at)

    def close_audio(self) -> None:
        """The answer is over: close the WAV and send the last words (if any) to be transcribed."""
        self.wav.close()
        if self._voiced_since_commit:
            self._submit(self._n)

    def ready(self, timeout: float = 0.0) -> bool:
        """Wait up to `timeout` seconds for every chunk's transcript; True if all are in."""
        done, _ = cf.wait([f for _, f in self._chunks], timeout=timeout)
        return len(done) == len(self._chunks)

    def finish(self) -> Transcript:
        """Close the WAV, transcribe what is left (usually nothing) and return the whole answer's transcript."""
        self.close_audio()
        chunks = [(offset, fut.result()) for offset, fut in self._chunks]
        if self._own_pool:
            self._pool.shutdown(wait=False)
        return merge_chunks(chunks, self._n / SAMPLE_RATE)

    def abort(self) -> None:
        """Stop without transcribing (Ctrl-C, quit): the WAV is closed with everything heard so far."""
        self.wav.close()
        if self._own_pool:
            self._pool.shutdown(wait=False, cancel_futures=True)
