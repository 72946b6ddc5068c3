"""mockvoice: a local, spoken mock interviewer — transcribe, score against a rubric, probe what is missing."""

from __future__ import annotations

import os as _os
import signal as _signal
import sys as _sys


def _interrupted_while_loading(signum, frame):
    """Ctrl-C in the second the command line takes to load: one line, not a traceback from some import. It exits
    at once: an exception raised into an extension module's import comes out as an unrelated ImportError."""
    try:  # straight to the file: no Python-level buffer or redirection between it and the terminal
        _os.write(2, b"Interrupted while starting; nothing was done.\n")
    finally:
        _os._exit(130)


if _os.path.basename(_sys.argv[0] if _sys.argv else "") in ("mockvoice", "-m"):  # the CLI, not `import mockvoice`
    _signal.signal(_signal.SIGINT, _interrupted_while_loading)  # cli.main() puts KeyboardInterrupt back

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
