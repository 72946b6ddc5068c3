"""mockvoice: a local, spoken mock interviewer — transcribe, score against a rubric, probe what is missing."""

from __future__ import annotations

from .api import score_audio, score_text
from .audio import AudioClip, load_audio
from .errors import (
    AudioError,
    DeviceError,
    InputFileError,
    LLMError,
    MockvoiceError,
    ModelError,
    PromptError,
    RubricError,
    SessionError,
    SilentAudioError,
    StorageError,
)
from .rubric import Rubric, load_rubric
from .scorecard import Evidence, FeatureScore, Scorecard
from .scoring import score_transcript
from .transcriber import TranscribeOptions, Transcriber, WhisperTranscriber, transcribe
from .transcript import Segment, Transcript, Word

__version__ = "0.1.0"

__all__ = [
    "AudioClip",
    "AudioError",
    "DeviceError",
    "Evidence",
    "FeatureScore",
    "InputFileError",
    "LLMError",
    "MockvoiceError",
    "ModelError",
    "PromptError",
    "Rubric",
    "RubricError",
    "Scorecard",
    "Segment",
    "SessionError",
    "SilentAudioError",
    "StorageError",
    "TranscribeOptions",
    "Transcriber",
    "Transcript",
    "WhisperTranscriber",
    "Word",
    "load_audio",
    "load_rubric",
    "score_audio",
    "score_text",
    "score_transcript",
    "transcribe",
]
