"""Benchmark: response latency and voice-to-voice latency of the practice loop, measured turn by turn.

Runs whole interviews through the real loop — PortAudio input and output streams on a private
PulseAudio server (pipe-source microphone fed in real time from a FIFO, null-sink speaker),
Silero VAD, patient endpointing, transcription while the candidate speaks, scoring, probe
choice, text-to-speech — with espeak-ng answers of 30-90 s, and prints p50/p95 of
`response_latency_ms` (turn declared over -> first reply sample at the output device) and
`voice_to_voice_ms` (last voiced candidate audio -> that same sample). Targets on a 2-core
machine with tiny.en: response p50 <= 300 ms, p95 <= 600 ms. Takes about 25 minutes by default.
Then, reported apart, what the optional language-model probe path adds (benchmarks/llm_latency.py
against a simulated model on loopback; `--no-llm` skips it).

    .venv/bin/python benchmarks/latency.py [--turns 20] [--per-session 4] [--lengths 30,45,60,90] [--silence 1.2] [--no-llm]
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

SENTENCES = [
    "First I would ask how many users we expect and what the read to write ratio is.",
    "Let's say one hundred million requests a day, which is about twelve hundred per second.",
    "I would put a load balancer in front of stateless application servers.",
    "The data goes in a key value store, sharded by user id, with three replicas.",
    "A cache in front of it serves the hot keys, which cuts read latency a lot.",
    "The trade-off is that the cache can serve stale data for a few seconds.",
    "If a shard goes down, its replica takes over, and clients retry with backoff.",
    "We would watch the p99 latency and the error rate, and alert against the SLO.",
    "For rollout, I would ship behind a feature flag to one percent of traffic first.",
    "Writes go through a queue, so a slow database does not block the user.",
    "The most likely failure is a hot key, so we would replicate it across cache nodes.",
    "Storage is about five hundred bytes per record, so fifty gigabytes a day.",
]
THINK = "Okay, let me think about that."


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def build_answers(lengths: list[float]):
    """espeak-ng answers of about the given lengths: sentences, short pauses, a thinking pause now and then."""
    import numpy as np

    from mockvoice.audio import AudioClip
    from mockvoice.speech import silence, synthesize

    cache = {s: synthesize(s).samples for s in SENTENCES + [THINK]}
    pauses = itertools.cycle([0.3, 0.5, 0.2, 0.6, 0.4])  # + ~0.4 s espeak padding: 0.6-1.0 s of silence
    sentences = itertools.cycle(SENTENCES)
    out = []
    for n, target in enumerate(lengths):
        parts, total = [], 0.0
        while total < target:
            s = next(sentences)
            if len(parts) == 4 and n % 2 == 0:
                parts += [cache[THINK], silence(2.2)]
            parts += [cache[s], silence(next(pauses))]
            total = sum(len(p) for p in parts) / 16000
        out.append(AudioClip(samples=np.concatenate(parts[:-1]).astype(np.float32), source="bench"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--per-session", type=int, default=4, help="answers per interview (the question, then probes)")
    ap.add_argument("--lengths", default="30,45,60,90", help="answer lengths in seconds, cycled")
    ap.add_argument("--silence", type=float, default=1.2)
    ap.add_argument("--no-llm", action="store_true", help="skip the language-model path's added latency")
    args = ap.parse_args()

    from practice.pulse import start_pulse

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` still tears the PulseAudio server down
    with start_pulse() as rig:
        os.environ.update({k: rig.env[k] for k in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_COOKIE")})
        return run(rig, args)


def run(rig, args) -> int:
    from mockvoice.endpointing import EndpointConfig
    from mockvoice.interviewer import Interviewer, PracticeOptions
    from mockvoice.microphone import SoundDeviceMicrophone
    from mockvoice.player import SoundDeviceSpeaker
    from mockvoice.prompts import load_questions
    from mockvoice.rubric import load_rubric
    from mockvoice.session import new_session_dir
    from mockvoice.transcriber import get_transcriber

    lengths = [float(x) for x in args.lengths.split(",")]
    lengths = [lengths[i % len(lengths)] for i in range(args.turns)]
    t0 = time.monotonic()
    answers = build_answers(lengths)
    print(f"built {len(answers)} answers in {time.monotonic() - t0:.0f} s; running the loop (real time)...", flush=True)
    transcriber = get_transcriber()
    questions = [q for q in load_questions() if q.topic == "system-design"]
    root = Path(tempfile.mkdtemp(prefix="mockvoice-latency-"))
    endpoint = EndpointConfig(silence_s=args.silence, hesitant_silence_s=max(3.0, 2 * args.silence))
    turns = []
    queue_ = list(answers)

    def report(kind: str, text: str) -> None:
        if kind == "listening" and queue_:
            rig.feeder.say(queue_.pop(0))

    s = 0
    while queue_:
        n = min(args.per_session, len(queue_))
        q = questions[s % len(questions)]
        s += 1
        mic, speaker = SoundDeviceMicrophone(), SoundDeviceSpeaker()
        try:
            interviewer = Interviewer(q, load_rubric(q.rubric), mic, speaker, transcriber, new_session_dir(root, q.id),
                                      PracticeOptions(turns=n, endpoint=endpoint, source="practice"), report=report)
            session = interviewer.run()
        finally:
            mic.close()
            speaker.close()
        for t in session.turns:
            turns.append(t)
            print(f"  {q.id:<20} turn {t.index}: answer {t.timings.get('answer_s'):5.1f} s, end {t.end_reason:<16} "
                  f"response {t.timings.get('response_latency_ms')} ms, voice-to-voice {t.timings.get('voice_to_voice_ms')} ms, "
                  f"tail transcription {t.timings.get('transcribe_tail_ms')} ms", flush=True)

    resp = [t.timings["response_latency_ms"] for t in turns if t.timings.get("response_latency_ms") is not None]
    v2v = [t.timings["voice_to_voice_ms"] for t in turns if t.timings.get("voice_to_voice_ms") is not None]
    ans = [t.timings["answer_s"] for t in turns]
    print()
    print(f"turns measured        {len(resp)} (sessions under {root})")
    print(f"silence setting       {endpoint.silence_s} s (held to {endpoint.hesitant_silence_s} s after a filler / unfinished clause / 'let me think')")
    print(f"answer lengths        min {min(ans):.1f} s, median {statistics.median(ans):.1f} s, max {max(ans):.1f} s")
    print(f"response_latency_ms   p50 {percentile(resp, .5):7.1f}   p95 {percentile(resp, .95):7.1f}   (targets 300 / 600)")
    print(f"voice_to_voice_ms     p50 {percentile(v2v, .5):7.1f}   p95 {percentile(v2v, .95):7.1f}")
    if not args.no_llm:
        import llm_latency

        print("\nlanguage-model probe path, reported apart (simulated model on loopback; benchmarks/llm_latency.py):")
        for line in llm_latency.summary(llm_latency.measure()):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
