"""Voice activity and patient end-of-turn detection: Silero VAD frame by frame, and when a candidate is done.

`StreamingVad` runs the Silero model that faster-whisper ships on 32 ms frames, carrying
its recurrent state. `Endpointer` is pure: fed each frame's speech probability and the
latest words heard, it ends the turn after `silence_s` of silence — held to
`hesitant_silence_s` when the words so far trail off on a filler, an unfinished clause or
"let me think", or when the recogniser only guessed the last word and the words before it
trail off — or at `max_answer_s`. It never ends the turn before the words of the last
stretch of speech are known (up to the hesitant hold), so a thinking candidate is not cut off.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["FRAME", "EndpointConfig", "StreamingVad", "Endpointer", "EndDecision", "is_hesitant", "UNSURE_WORD"]

FRAME = 512  # samples per VAD frame at 16 kHz (32 ms)
_CONTEXT = 64
# A last word heard below this probability is a guess. At the end of a live chunk tiny.en often turns a trailing
# "and then the" into "and end." or "and ember." (p 0.11-0.42), as if the sentence were finished. On espeak-ng
# speech this holds 21 of 23 answers trailing off (15 on the text alone), and 9 of 137 chunk ends that do not
# trail off (2 on the text alone) get the longer hold (benchmarks/live_chunks.py).
UNSURE_WORD = 0.5

_TRAILING = {
    "um", "uh", "umm", "uhm", "er", "erm", "hmm", "mm", "so", "and", "but", "or", "because", "like", "then",
    "the", "a", "an", "to", "of", "with", "which", "that", "if", "when", "where", "while", "for", "on",
    "in", "at", "by", "from", "into", "is", "are", "we", "i", "it", "would", "could", "should", "will",
    "maybe", "also", "plus", "well", "about", "as", "than", "whether",
}
_THINKING = re.compile(
    r"\b(let me (?:think|see|consider)|give me (?:a|one) (?:second|sec|moment|minute)|i'm thinking|thinking about it"
    r"|one (?:second|moment)|hold on|bear with me|let's see)\b[^.?!]*[.?!]?\s*$"
)


_NEVER_LAST = {"um", "uh", "umm", "uhm", "er", "erm", "hmm", "the", "an", "and"}  # no sentence ends on these


def is_hesitant(text: str | None, last_word_probability: float | None = None) -> bool:
    """True when the words so far trail off: a filler, an unfinished clause, or the candidate thinking aloud.

    `last_word_probability`: how sure the recogniser was of the last word; below UNSURE_WORD it is a guess
    (often a trailing "then the" misheard at the very end of the audio), so the words before it decide."""
    if _trails_off(text):
        return True
    if last_word_probability is not None and last_word_probability < UNSURE_WORD and text:
        return _trails_off(" ".join(text.split()[:-1]))
    return False


def _trails_off(text: str | None) -> bool:
    if not text or not text.strip():
        return False
    tail = text.strip().lower()
    if _THINKING.search(tail[-80:]):
        return True
    if tail.endswith((",", "...", "\u2026", "-", ":", ";")):
        return True
    words = re.findall(r"[a-z']+", tail)
    if tail.endswith((".", "?", "!")):
        # the recogniser heard a finished sentence ("...the read to write ratio is."), unless it ends on a
        # word no sentence ends on ("so we would, um.")
        return bool(words) and words[-1] in _NEVER_LAST
    return bool(words) and words[-1] in _TRAILING


@dataclass(frozen=True)
class EndpointConfig:
    """How patient the interviewer is; defaults suit a design answer with thinking pauses."""

    silence_s: float = 1.2
    hesitant_silence_s: float = 3.0
    max_answer_s: float = 180.0
    no_speech_timeout_s: float = 30.0
    speech_threshold: float = 0.5
    min_speech_s: float = 0.25
    chunk_pause_s: float = 0.3
    # Past silence_s, how long to wait for the last words' transcript before deciding without it;
    # None waits up to the hesitant hold (never cuts off a "let me think" that is still being decoded).
    tail_wait_s: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


@dataclass(frozen=True)
class EndDecision:
    """Why and when (seconds into the answer) the turn ended."""

    reason: str  # "silence", "hesitant_silence", "transcript_wait", "max_length", "no_speech", "key", "quit"
    at_s: float
    last_voice_s: float | None


class StreamingVad:
    """Silero VAD over consecutive 512-sample frames, keeping the model's state between calls."""

    def __init__(self):
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)

    def __call__(self, frame: np.ndarray) -> float:
        """Speech probability of one 512-sample frame."""
        x = np.concatenate([self._context, np.asarray(frame, dtype=np.float32)])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = x[0, -_CONTEXT:]
        return float(out.reshape(-1)[0])


class Endpointer:
    """Decides, frame by frame, when the candidate has finished answering."""

    def __init__(self, config: EndpointConfig | None = None):
        self.config = config or EndpointConfig()
        self.t = 0.0
        self.voiced_s = 0.0
        self.last_voice_s: float | None = None
        self._run = 0.0  # length of the current voiced run

    @property
    def speech_started(self) -> bool:
        return self.voiced_s >= self.config.min_speech_s

    def silence_s(self) -> float:
        return self.t - self.last_voice_s if self.last_voice_s is not None else self.t

    def feed(self, prob: float, frame_s: float = FRAME / 16000) -> bool:
        """Add one frame's speech probability; True if the frame is voiced."""
        self.t += frame_s
        voiced = prob >= self.config.speech_threshold
        if voiced:
            self._run += frame_s
            self.voiced_s += frame_s
            self.last_voice_s = self.t
        else:
            self._run = 0.0
        return voiced

    def required_silence(self, tail_text: str | None, last_word_probability: float | None = None) -> float:
        hesitant = is_hesitant(tail_text, last_word_probability)
        return self.config.hesitant_silence_s if hesitant else self.config.silence_s

    def decide(self, tail_text: str | None, tail_ready: bool,
               last_word_probability: float | None = None) -> EndDecision | None:
        """End the turn now? `tail_text` is the transcript so far; `tail_ready` says it covers all speech;
        `last_word_probability` is the recogniser's confidence in its last word (None: unknown)."""
        cfg = self.config
        if self.t >= cfg.max_answer_s:
            return EndDecision("max_length", self.t, self.last_voice_s)
        if not self.speech_started:
            if self.t >= cfg.no_speech_timeout_s:
                return EndDecision("no_speech", self.t, self.last_voice_s)
            return None
        silence = self.silence_s()
        if silence < cfg.silence_s:
            return None
        if silence >= cfg.hesitant_silence_s:
            hesitant = tail_ready and is_hesitant(tail_text, last_word_probability)
            reason = "hesitant_silence" if hesitant else ("silence" if tail_ready else "transcript_wait")
            return EndDecision(reason, self.t, self.last_voice_s)
        if not tail_ready:
            if cfg.tail_wait_s is not None and silence >= cfg.silence_s + cfg.tail_wait_s:
                return EndDecision("transcript_wait", self.t, self.last_voice_s)
            return None  # the last words are still being transcribed: they may be "let me think", so wait
        if is_hesitant(tail_text, last_word_probability):
            return None
        return EndDecision("silence", self.t, self.last_voice_s)
