"""The exception tree of mockvoice: every error a user can cause has a class here.

    MockvoiceError                 root; ``str(err)`` is one line that says what to do
    ├── InputFileError             a file to read is missing or unreadable
    │   └── AudioError             audio that cannot be decoded
    │       └── SilentAudioError   audio with no speech in it
    ├── RubricError                an unknown or malformed rubric
    ├── PromptError                an unknown or malformed question bank / prompt file
    ├── ModelError                 a speech model that cannot be found or loaded
    ├── DeviceError                no usable audio device, or one that died
    ├── SessionError               a missing, corrupt or foreign session folder
    ├── StorageError               a file or folder to write that is read-only, full or not a folder
    └── LLMError                   a language-model server that failed or answered badly

The CLI prints ``ErrorName: message`` and exits non-zero; library code raises and never prints.
"""

from __future__ import annotations

__all__ = [
    "MockvoiceError",
    "InputFileError",
    "AudioError",
    "SilentAudioError",
    "RubricError",
    "PromptError",
    "ModelError",
    "DeviceError",
    "SessionError",
    "StorageError",
    "LLMError",
]


class MockvoiceError(Exception):
    """Root of all mockvoice errors; the message is a single actionable line."""

    exit_code = 2


class InputFileError(MockvoiceError):
    """A file the user named is missing or cannot be read."""


class AudioError(InputFileError):
    """Audio that cannot be decoded (corrupt, truncated or not audio at all)."""


class SilentAudioError(AudioError):
    """Audio that decodes but holds no speech (empty, silence or noise)."""


class RubricError(MockvoiceError):
    """An unknown rubric name or a rubric file that fails validation."""


class PromptError(MockvoiceError):
    """An unknown question or a prompt file that fails validation."""


class ModelError(MockvoiceError):
    """A Whisper model that cannot be found, fetched or loaded."""


class DeviceError(MockvoiceError):
    """No usable audio input/output device, or one that stopped working."""


class SessionError(MockvoiceError):
    """A session folder that is missing, corrupt, partial or not a mockvoice session."""


class StorageError(MockvoiceError):
    """A file or folder mockvoice must write (a session, a report, an export) that is read-only, full or not a folder."""


class LLMError(MockvoiceError):
    """A language-model server that is unreachable, slow or answered badly."""
