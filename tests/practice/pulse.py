"""A private PulseAudio server with a virtual microphone (module-pipe-source fed in real time from a FIFO)
and a virtual speaker (module-null-sink, recorded from its monitor). PortAudio reaches it through the
ALSA "pulse" plugin when PULSE_SERVER points at it. Used by the practice tests and benchmarks/latency.py."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockvoice.audio import AudioClip, to_int16

RATE = 16_000
CHUNK = 320  # 20 ms


class MicFeeder(threading.Thread):
    """Writes the FIFO in real time: queued clips, silence in between (the source never starves)."""

    def __init__(self, fifo: Path):
        super().__init__(daemon=True, name="mic-feeder")
        self.fifo = fifo
        self.clips: queue.Queue[np.ndarray] = queue.Queue()
        self.stop_event = threading.Event()
        self.fed_speech_s = 0.0
        self._hush = threading.Event()

    def say(self, clip: AudioClip) -> None:
        self.clips.put(clip.samples)

    def hush(self) -> None:
        """Drop what is queued or half-played (a killed test's answer must not leak into the next)."""
        self._hush.set()

    def run(self) -> None:
        fd = os.open(self.fifo, os.O_WRONLY)
        current = np.zeros(0, dtype=np.float32)
        start, sent = time.monotonic(), 0
        try:
            while not self.stop_event.is_set():
                if self._hush.is_set():
                    self._hush.clear()
                    current = np.zeros(0, dtype=np.float32)
                    while not self.clips.empty():
                        self.clips.get_nowait()
                if len(current) == 0:
                    try:
                        current = self.clips.get_nowait()
                    except queue.Empty:
                        pass
                piece, current = current[:CHUNK], current[CHUNK:]
                if len(piece):
                    self.fed_speech_s += len(piece) / RATE
                if len(piece) < CHUNK:
                    piece = np.concatenate([piece, np.zeros(CHUNK - len(piece), dtype=np.float32)])
                try:
                    os.write(fd, to_int16(piece).tobytes())
                except BrokenPipeError:  # the server closed the pipe source (rig shutting down): stop feeding
                    return
                sent += CHUNK
                wait = start + sent / RATE - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
        finally:
            os.close(fd)


@dataclass
class PulseRig:
    """The running server: environment for clients, the mic feeder, and the speaker's recorder."""

    env: dict[str, str]
    folder: Path
    feeder: MicFeeder
    procs: list[subprocess.Popen] = field(default_factory=list)

    def pactl(self, *args: str) -> str:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10, check=True).stdout

    def record_speaker(self, path: Path) -> subprocess.Popen:
        """Start recording what is played into the virtual speaker (raw s16le 16 kHz mono)."""
        fh = open(path, "wb")
        proc = subprocess.Popen(["parec", "-d", "mv_speaker.monitor", "--raw", "--format=s16le", "--rate=16000",
                                 "--channels=1", "--latency-msec=50"], stdout=fh, env=self.env)
        fh.close()
        self.procs.append(proc)
        return proc


def _wait_ready(env: dict[str, str], proc: subprocess.Popen, log: Path) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise RuntimeError(f"pulseaudio exited at start: {log.read_text()[-800:] if log.exists() else ''}")
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("pulseaudio did not come up within 10 s")


@contextlib.contextmanager
def start_pulse():
    """Start PulseAudio (works as root: user mode with its own runtime dir); yields the rig, then tears it down."""
    for tool in ("pulseaudio", "pactl", "parec"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing; run scripts/setup.sh (it installs pulseaudio and pulseaudio-utils)")
    folder = Path(tempfile.mkdtemp(prefix="mvpa-", dir="/tmp"))  # short: unix socket paths max 108 bytes
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(folder / "run"), "PULSE_STATE_PATH": str(folder / "state"),
           "PULSE_SERVER": f"unix:{folder}/native", "PULSE_COOKIE": str(folder / "cookie"), "HOME": str(folder)}
    env.pop("PULSE_SINK", None)
    env.pop("PULSE_SOURCE", None)
    log = folder / "pulse.log"
    fifo = folder / "mic.fifo"
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
         "--system=false", f"--log-target=file:{log}",
         "-L", f"module-native-protocol-unix auth-anonymous=1 socket={folder}/native",
         "-L", "module-null-sink sink_name=mv_speaker rate=16000 channels=1",
         "-L", f"module-pipe-source source_name=mv_mic file={fifo} format=s16le rate=16000 channels=1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    rig = None
    try:
        _wait_ready(env, proc, log)
        rig = PulseRig(env=env, folder=folder, feeder=MicFeeder(fifo))
        rig.pactl("set-default-source", "mv_mic")
        rig.pactl("set-default-sink", "mv_speaker")
        rig.feeder.start()
        yield rig
    finally:
        if rig is not None:
            rig.feeder.stop_event.set()
            for p in rig.procs:
                p.terminate()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


