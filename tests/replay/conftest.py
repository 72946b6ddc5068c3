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


@pytest.fixture(scope="module")
def pulse_server(tmp_path_factory):
    """A private PulseAudio daemon with a null sink as speaker: real PortAudio output, nothing audible."""
    import os
    import shutil
    import subprocess
    import time

    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is missing; run scripts/setup.sh (it installs it)")
    run = tmp_path_factory.mktemp("pulse")
    sock = run / "native"
    env = dict(os.environ, XDG_RUNTIME_DIR=str(run), HOME=str(run))
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--system=false",
         f"--log-target=file:{run / 'pa.log'}", "-L", f"module-native-protocol-unix auth-anonymous=1 socket={sock}",
         "-L", "module-null-sink sink_name=replay_speaker", "-L", "module-always-sink"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not sock.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if not sock.exists():
        proc.kill()
        pytest.fail(f"PulseAudio did not start; see {run / 'pa.log'}")
    yield f"unix:{sock}"
    proc.terminate()
    proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium per test module, with a fresh profile."""
    from replay.browser import start_browser

    driver = start_browser(tmp_path_factory.mktemp("chrome-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pane(pulse_server, tmp_path_factory):
    """A private tmux server running `mockvoice` in a real pseudo-terminal, with audio to the null sink."""
    from replay.tty import make_pane

    p = make_pane(pulse_server, tmp_path_factory.mktemp("empty-recordings"))
    yield p
    p.close()
