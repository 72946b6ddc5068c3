"""Benchmark: mockvoice.transcribe against a bare faster-whisper call on the same audio, same run.

Prints the overhead ratio (target <= 1.10) and the real-time factor (processing time / audio time).
Both sides use the bundled tiny.en model, int8 on the CPU, word timestamps and VAD; models are
loaded once before timing, and runs alternate so that machine load affects both alike.

    .venv/bin/python benchmarks/transcribe.py [AUDIO] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from faster_whisper import WhisperModel

import mockvoice
from mockvoice.modelpath import bundled_model_path
from mockvoice.transcriber import TranscribeOptions, get_transcriber

DEFAULT_AUDIO = Path(__file__).resolve().parents[1] / "tests" / "data" / "audio" / "asr-reference.wav"


def bare(model: WhisperModel, path: Path, opts: TranscribeOptions) -> str:
    segments, _ = model.transcribe(
        str(path),
        language=opts.language,
        beam_size=opts.beam_size,
        word_timestamps=True,
        vad_filter=opts.vad_filter,
        vad_parameters={"min_silence_duration_ms": opts.vad_min_silence_ms},
        condition_on_previous_text=False,
    )
    return " ".join(s.text.strip() for s in segments)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("audio", nargs="?", type=Path, default=DEFAULT_AUDIO)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    opts = TranscribeOptions()
    baseline_model = WhisperModel(str(bundled_model_path()), device="cpu", compute_type=opts.compute_type)
    get_transcriber()  # load mockvoice's shared model before timing
    duration = mockvoice.load_audio(args.audio).duration
    bare(baseline_model, args.audio, opts)  # warm both
    mockvoice.transcribe(args.audio)

    t_bare, t_mv = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        bare(baseline_model, args.audio, opts)
        t_bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        mockvoice.transcribe(args.audio)
        t_mv.append(time.perf_counter() - t0)

    b, m = statistics.median(t_bare), statistics.median(t_mv)
    print(f"audio: {args.audio.name} ({duration:.1f} s), model tiny.en int8 CPU, {args.repeats} alternating runs each")
    print(f"bare faster-whisper  median {b:.3f} s  (min {min(t_bare):.3f})  real-time factor {b / duration:.3f}")
    print(f"mockvoice.transcribe median {m:.3f} s  (min {min(t_mv):.3f})  real-time factor {m / duration:.3f}")
    print(f"overhead ratio (mockvoice / bare, medians): {m / b:.3f}   target <= 1.10")


if __name__ == "__main__":
    main()
