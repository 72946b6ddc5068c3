"""Fixtures for replay/report tests: one real two-turn session per module, and the artifacts folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from replay.factory import ANSWER_1, ANSWER_2, ARTIFACTS, PROBE, QUESTION, build_session


@pytest.fixture(scope="module")
def session_dir(tmp_path_factory) -> Path:
    """A two-turn session recorded from real synthesised speech, transcribed and scored for real."""
    root = tmp_path_factory.mktemp("sessions")
    return build_session(root / "20261121-090000-url-shortener", [ANSWER_1, ANSWER_2], [QUESTION, PROBE],
                         "20261121-090000-url-shortener", "2026-11-21T09:00:00+00:00")


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
