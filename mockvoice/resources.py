"""Locate the bundled data folders (`rubrics/`, `prompts/`) in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_dir", "samples_dir"]

_PKG = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The folder of bundled `name` files: inside the wheel, or at the top of a checkout."""
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    return _PKG.parent / name


def samples_dir() -> Path:
    """Bundled sample recordings used by the quickstart."""
    return _PKG / "samples"
