"""Live chunks with and without the rubric's hotwords: word errors, invented hotwords, decode time, trailing-off tails.

`mockvoice practice` (and `demo`) transcribe an answer in chunks closed at each 0.3 s pause
(`listener.TurnListener`). This cuts espeak-ng answers into chunks exactly that way (the real
listener and Silero VAD, fed block by block), decodes every chunk with each setting below through
the listener's own path (`fill_gaps`, `drop_unvoiced_tail`), and prints per setting:

* WER: word error rate of the merged chunk transcripts against the spoken text, both normalised
  as the scorer sees them (`spoken.clean`: fillers dropped, numbers as digits, "P 99" -> p99);
* invented: hotwords in the transcript beyond those spoken ("the p99 latency" -> "the p90 idempotent");
* hotwords heard: spoken hotwords the transcript has (what the hotwords are there to help);
* decode s: the seconds spent decoding all chunks, and the slowest chunk (a slow last chunk delays
  the end of the turn);
* tails held: of answers that trail off ("..., and then the"), how many last chunks still read as
  hesitant (`endpointing.is_hesitant`), so the interviewer waits 3 s rather than 1.2 s, judged on the
  text alone and with the recogniser's confidence in the last word (a guess below UNSURE_WORD is
  left out and the words before it decide); finished / chunk ends held: the same for finished
  sentences and for the ends of the answers' chunks, nearly all finished clauses (a wrong hold only
  makes the interviewer wait 1.8 s longer, if the candidate stops there).

"≥ N s" rows use the hotwords only on chunks at least N seconds long; "* live" is what
`listener.ChunkTranscriber` does now; "hotwords+prompt" (the whole-file setting, with the filler
prompt) is tried on the tails only, as it takes three times as long. About 11 minutes on 2 busy cores.
Usage:
    .venv/bin/python benchmarks/live_chunks.py [--answers 10] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from mockvoice.audio import SAMPLE_RATE, AudioClip  # noqa: E402
from mockvoice.endpointing import FRAME, StreamingVad, is_hesitant  # noqa: E402
from mockvoice.listener import LIVE_TEMPERATURES, ChunkTranscriber, TurnListener, drop_unvoiced_tail, fill_gaps  # noqa: E402
from mockvoice.microphone import Block  # noqa: E402
from mockvoice.rubric import load_rubric  # noqa: E402
from mockvoice.speech import synthesize_parts  # noqa: E402
from mockvoice.spoken import clean  # noqa: E402
from mockvoice.transcriber import WhisperTranscriber, get_transcriber  # noqa: E402
from mockvoice.transcript import Transcript  # noqa: E402
from wer import edits  # noqa: E402

ANSWERS = ("url-strong", "debug-strong", "chat-strong", "incident-strong", "rate-strong", "slow-strong", "notify-strong",
           "queue-strong", "payment-strong", "metrics-strong")
THRESHOLDS = (2.0, 3.0, 4.0)
TAILS = [  # trail off: the turn must not end 1.2 s after these
    "Writes go to the leader, and the followers copy them, so reads can lag, and then the",
    "We hash the user id to pick a shard and keep each user's messages in one partition, and then the",
    "The order service publishes an event to Kafka, in one partition, and then the",
    "So the request hits the load balancer first, and then the",
    "If the cache misses we read from the database and write the value back, and then the",
    "All events for a key stay in one partition, and then the",
    "We keep the events of one user in order, so they all go in one partition, and then the",
    "The worker pulls a job from the queue and marks it as taken, and then the",
    "First we check the error rate on the dashboard, and then the",
    "Each shard has a primary and two replicas, and if the primary fails, then the",
    "We would put a rate limiter in front of the API, because the",
    "So we would, um",
    "Every order for one account is written in one partition, and then the",
    "Events for the same key always land in one partition, and then the",
    "So Kafka keeps the order only within one partition, and then the",
    "The producer writes every event for a user in one partition, and then the",
    "Each shard keeps its own log in one partition, and then the",
    "The consumer writes them to the database, and then the",
    "We shard the table by user id, so the",
    "The cache entry expires after an hour, which means the",
    "When the primary goes down, we promote a replica, and the",
    "Reads go to the replicas, but the",
    "So the client retries with backoff, and um",
]
FINISHED = [
    "We would alert on the error rate and the p99 latency of redirects.",
    "The mapping goes in a key value store with a cache in front for the hot links.",
    "That is about twelve hundred writes per second.",
    "I would shard by user id.",
    "Then we roll back the deploy and watch the error rate.",
    "Retries use exponential backoff with jitter, so the database is not hammered.",
]


class _Cutter(TurnListener):
    """The real listener, keeping each chunk (and its VAD flags) instead of transcribing it."""

    def __init__(self, wav: Path):
        super().__init__(None, None, wav, vad=StreamingVad())
        self.cut: list[tuple[AudioClip, np.ndarray]] = []

    def _transcribe_chunk(self, clip: AudioClip, voiced: np.ndarray) -> Transcript:
        self.cut.append((clip, voiced))
        return Transcript(text="", duration=clip.duration)


def cut_chunks(clip: AudioClip, wav: Path) -> list[tuple[AudioClip, np.ndarray]]:
    """The chunks the listener closes on this clip, with the VAD's voiced flag per frame of each."""
    listener = _Cutter(wav)
    samples = np.concatenate([clip.samples, np.zeros(SAMPLE_RATE, dtype=np.float32)])
    for i in range(0, samples.size, FRAME):
        listener.feed(Block(samples[i:i + FRAME], i / SAMPLE_RATE))
    listener.finish()
    return listener.cut


def spoken_parts(lines: list[str], rng: random.Random) -> list[str | float]:
    """An answer as a candidate says it: a pause after each sentence, and about half the sentences broken
    into clauses with a short pause at each comma or clause opener (so chunks of 1-6 s, as in practice)."""
    parts: list[str | float] = []
    for line in lines:
        pieces = [line]
        if len(line.split()) > 8 and rng.random() < 0.5:
            pieces = [p for p in re.split(r",\s*|\s+(?=(?:and|so|but|because|which|then)\b)", line) if p.strip()]
        for p in pieces:
            parts += [p, 0.15]
        parts[-1] = round(rng.uniform(0.4, 1.0), 2)
    return parts


def decode(tr, clip: AudioClip, voiced: np.ndarray, hotwords: tuple[str, ...]) -> Transcript:
    """A chunk's transcript as the listener makes it (`TurnListener._transcribe_chunk`)."""
    t = fill_gaps(tr.transcribe(clip, hotwords), clip, voiced, lambda part: tr.transcribe(part, hotwords))
    return drop_unvoiced_tail(t, clip, voiced)


def held(t: Transcript) -> tuple[bool, bool]:
    """Is the turn held open after this transcript: on its text alone, and with the last word's confidence."""
    words = t.words
    return is_hesitant(t.text), is_hesitant(t.text, words[-1].probability if words else None)


def _terms(counts: Counter) -> str:
    return ", ".join(f"{term} x{n}" for term, n in counts.most_common() if n) or "none"


def hotword_count(text: str, hotwords: list[str]) -> dict[str, int]:
    return {h: len(re.findall(rf"(?<![a-z0-9']){re.escape(h)}(?![a-z0-9'])", text)) for h in hotwords}


def corpus(n: int, seed: int) -> list[tuple[str, list[str | float], str]]:
    """(rubric, spoken parts, reference text): the demo's two answers, then `n` labelled answers."""
    from labelled import load_answers

    from mockvoice.cli.demo import DEMO_ANSWERS

    rng = random.Random(seed)
    out = [("system-design", parts, " ".join(p for p in parts if isinstance(p, str))) for parts in DEMO_ANSWERS]
    by_id = {a.id: a for a in load_answers()}
    for aid in ANSWERS[:n]:
        a = by_id[aid]
        lines = [ln.text for ln in a.lines]
        out.append((a.rubric, spoken_parts(lines, rng), " ".join(lines)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=len(ANSWERS),
                    help=f"labelled answers besides the demo's two (at most {len(ANSWERS)})")
    ap.add_argument("--seed", type=int, default=0, help="which sentences are broken into clauses")
    args = ap.parse_args()

    base = get_transcriber()
    live = WhisperTranscriber(replace(base.options, temperatures=LIVE_TEMPERATURES, initial_prompt=None))
    prompted = WhisperTranscriber(replace(base.options, temperatures=LIVE_TEMPERATURES))
    product = ChunkTranscriber(base)
    settings = {  # name: (transcriber, use the rubric's hotwords); the prompt (3x the decoding time) only on the tails
        "hotwords": (live, True), "none": (live, False), "* live": (product, True),
    }
    tail_settings = {**settings, "hotwords+prompt": (prompted, True)}
    wav = Path("/tmp/mockvoice-live-chunks.wav")

    # per chunk and setting: (transcript text, decode seconds); chunks keep their duration for the "≥ N s" rows
    rows: list[tuple[str, list[str], list[tuple[float, dict[str, tuple[str, float]]]]]] = []
    n_chunks, durations = 0, []
    ends_held = {name: [0, 0] for name in settings}
    for rubric, parts, ref in corpus(args.answers, args.seed):
        hot = list(load_rubric(rubric).vocabulary)
        chunks = []
        for clip, voiced in cut_chunks(synthesize_parts(parts), wav):
            got = {}
            for name, (tr, use_hot) in settings.items():
                hw = tuple(hot) if use_hot else ()
                t0 = time.perf_counter()
                t = decode(tr, clip, voiced, hw)
                got[name] = (t.text, time.perf_counter() - t0)
                ends_held[name] = [a + b for a, b in zip(ends_held[name], held(t))]
            chunks.append((clip.duration, got))
            durations.append(clip.duration)
        n_chunks += len(chunks)
        rows.append((ref, hot, chunks))
        print(f"  {rubric:14} {len(chunks):3d} chunks  {ref[:60]!r}...", file=sys.stderr)

    def pick(name: str, dur: float, got: dict[str, tuple[str, float]]) -> tuple[str, float]:
        if name.startswith("≥"):
            return got["hotwords"] if dur >= float(name.split()[1]) else got["none"]
        return got[name]

    names = ["hotwords", "none", *(f"≥ {n:g} s" for n in THRESHOLDS), "* live"]
    terms_invented: dict[str, Counter] = {}
    terms_heard: dict[str, Counter] = {}
    d = np.array(durations)
    print(f"{len(rows)} answers, {n_chunks} live chunks: median {np.median(d):.1f} s, "
          f"{np.mean(d < 2):.0%} under 2 s, {np.mean(d >= 4):.0%} 4 s or more")
    print(f"{'setting':16} {'WER':>6} {'invented':>9} {'hotwords heard':>15} {'decode s':>9} {'slowest':>8}")
    for name in names:
        err = n_words = invented = heard = spoken = 0
        terms_invented[name], terms_heard[name] = Counter(), Counter()
        total, slowest = 0.0, 0.0
        for ref, hot, chunks in rows:
            picked = [pick(name, dur, got) for dur, got in chunks]
            hyp = clean(" ".join(text for text, _ in picked))
            e, n = edits(clean(ref), hyp)
            err, n_words = err + e, n_words + n
            terms = [clean(h) for h in hot]
            said, got_terms = hotword_count(clean(ref), terms), hotword_count(hyp, terms)
            terms_invented[name].update({h: max(0, got_terms[h] - said[h]) for h in terms})
            terms_heard[name].update({h: min(got_terms[h], said[h]) for h in terms})
            invented += sum(max(0, got_terms[h] - said[h]) for h in terms)
            heard += sum(min(got_terms[h], said[h]) for h in terms)
            spoken += sum(said.values())
            total += sum(s for _, s in picked)
            slowest = max([slowest, *(s for _, s in picked)])
        print(f"{name:16} {err / max(n_words, 1):6.3f} {invented:9d} {heard:>7d} of {spoken:<4d} {total:9.1f} {slowest:8.2f}")
    for name in ("hotwords", "none"):
        print(f"  {name}: invented {_terms(terms_invented[name])}; heard {_terms(terms_heard[name])}")

    print("\nHeld open (3 s) after the last chunk: text alone / with the last word's confidence. "
          "Tails trail off (want all); finished sentences and chunk ends do not (want none)")
    print(f"{'setting':16} {'tails':>11} {'finished':>11} {'chunk ends':>13}")
    hot = tuple(load_rubric("system-design").vocabulary)
    counts = {name: {True: [0, 0], False: [0, 0]} for name in tail_settings}
    for text, trailing in [(text, True) for text in TAILS] + [(text, False) for text in FINISHED]:
        clip, voiced = cut_chunks(synthesize_parts([text]), wav)[-1]
        for name, (tr, use_hot) in tail_settings.items():
            got = held(decode(tr, clip, voiced, hot if use_hot else ()))
            counts[name][trailing] = [a + b for a, b in zip(counts[name][trailing], got)]
    for name in tail_settings:
        (t_text, t_sure), (f_text, f_sure) = counts[name][True], counts[name][False]
        ends = f"{ends_held[name][0]:3d}/{ends_held[name][1]:3d} of {n_chunks}" if name in ends_held else ""
        print(f"{name:16} {t_text:2d}/{t_sure:2d} of {len(TAILS):<2d} {f_text:2d}/{f_sure:2d} of {len(FINISHED):<2d} {ends}")


if __name__ == "__main__":
    main()
