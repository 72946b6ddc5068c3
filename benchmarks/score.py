"""Scoring throughput: prints transcripts scored per second on realistic 300-word answers (target >= 200/s, one core).

Answers are assembled from the labelled answer lines (scoping questions, trade-offs, failures,
numbers, name-dropping, check-ins, fillers), about 300 words each. Two kinds are timed: typed
text (Transcript.from_text) and timed transcripts with word timings at 150 wpm, as from Whisper.
Time is CPU time of this single-threaded process, so a busy machine does not skew it; wall clock is shown too.
Each kind is timed in several passes (--passes): the median pass is judged against the target, and the
slowest and fastest are shown, since a shared host moves a single ~2 s pass by 20% or more.
Usage: .venv/bin/python benchmarks/score.py [--n 400] [--passes 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from labelled import load_answers, load_utterances  # noqa: E402

from mockvoice.rubric import load_rubric  # noqa: E402
from mockvoice.scoring import score_transcript  # noqa: E402
from mockvoice.transcript import Segment, Transcript, Word  # noqa: E402

FILLERS = ["um", "uh", "so", "like", "you know"]


def make_texts(n: int, words: int = 300, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = [ln.text for a in load_answers() for ln in a.lines] + [ln.text for ln in load_utterances()]
    out = []
    for _ in range(n):
        parts: list[str] = []
        count = 0
        while count < words:
            s = rng.choice(pool)
            if rng.random() < 0.3:
                s = f"{rng.choice(FILLERS)} {s}"
            parts.append(s if s[-1:] in ".?" else s + ".")
            count += len(s.split())
        out.append(" ".join(" ".join(parts).split()[:words]))
    return out


def timed(text: str, wpm: float = 150.0) -> Transcript:
    step = 60.0 / wpm
    words, segments, t = [], [], 0.0
    for tok in text.split():
        words.append(Word(text=tok, start=round(t, 3), end=round(t + step * 0.8, 3), probability=0.9))
        t += step
        if tok.endswith((".", "?")):
            segments.append(Segment(text=" ".join(w.text for w in words), start=words[0].start, end=words[-1].end, words=tuple(words)))
            words = []
            t += 0.4
    if words:
        segments.append(Segment(text=" ".join(w.text for w in words), start=words[0].start, end=words[-1].end, words=tuple(words)))
    return Transcript(text=text, segments=tuple(segments), duration=t)


def rate(transcripts: list[Transcript], rubric) -> tuple[float, float]:
    """Transcripts per CPU second of this process (fair on a busy machine) and per wall-clock second."""
    c0, w0 = time.process_time(), time.perf_counter()
    for tr in transcripts:
        score_transcript(tr, rubric, question="Design a URL shortener")
    return len(transcripts) / (time.process_time() - c0), len(transcripts) / (time.perf_counter() - w0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400, help="transcripts per kind")
    ap.add_argument("--passes", type=int, default=5, help="timed passes over them per kind")
    args = ap.parse_args()
    rubric = load_rubric("system-design")
    texts = make_texts(args.n)
    plain = [Transcript.from_text(t) for t in texts]
    with_times = [timed(t) for t in texts]
    print(f"{args.n} transcripts of {sum(len(t.split()) for t in texts) / len(texts):.0f} words, rubric {rubric.id}, one core")
    score_transcript(plain[0], rubric)  # warm up: the model and rubric load once
    for label, batch in (("typed text", plain), ("timed (Whisper-like)", with_times)):
        runs = sorted(rate(batch, rubric) for _ in range(max(1, args.passes)))
        r, wall = runs[len(runs) // 2]
        print(f"  {label:22} {r:8.1f} transcripts per CPU-second, median of {len(runs)} passes ({1000 / r:5.2f} ms each;"
              f" passes {runs[0][0]:.0f}-{runs[-1][0]:.0f}/s; wall clock {wall:.1f}/s)   target >= 200/s: {'met' if r >= 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
