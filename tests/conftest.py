"""Shared test fixtures: an isolated recordings folder, a CLI runner, and cached espeak-ng speech."""

from __future__ import annotations

import pytest

from support import run_cli, speak

@pytest.fixture(autouse=True)
def _isolated_recordings(tmp_path, monkeypatch):
    """Every test writes sessions under its own temp folder, never into ./recordings."""
    root = tmp_path / "recordings"
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(root))
    return root


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def tts():
    return speak
