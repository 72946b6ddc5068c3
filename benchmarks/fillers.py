"""Filler retention and word accuracy of the verbatim prompt: prints figures for each transcription setting.

Runs tiny.en (through mockvoice.transcriber) on the human recordings in tests/data/audio and
/work/shared/audio (word error rate against their reference text) and on espeak-ng answers that
contain fillers (how many of the spoken "um"/"uh" survive), and on espeak-ng renderings of four labelled
answers through the product path (rubric hotwords on), with no prompt, the long verbatim prompt and the
short filler prompt that is the default.
Usage: .venv/bin/python benchmarks/fillers.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mockvoice.audio import load_audio  # noqa: E402
from mockvoice.delivery import is_filler  # noqa: E402
from mockvoice.transcriber import FILLER_PROMPT, VERBATIM_PROMPT, get_transcriber  # noqa: E402

AUDIO_DIRS = [ROOT / "tests" / "data" / "audio", Path("/work/shared/audio")]
FILLER_ANSWERS = [
    "Um, so the first thing I'd ask is, uh, how many users we expect per day.",
    "Uh, I think we could put a cache in front of the database, um, to take the reads.",
    "So, um, if the primary goes down, uh, we fail over to the replica.",
    "Hmm, let me think. Um, a hundred million writes a day is, uh, about twelve hundred per second.",
    "I would, uh, add an alert on the error rate and, um, a dashboard for p99 latency.",
]
SPOKEN_FILLERS = sum(len(re.findall(r"\b(?:um|uh|hmm)\b", t.lower())) for t in FILLER_ANSWERS)


def _words(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    return [w for w in re.sub(r"[^a-z0-9' ]", " ", text).split() if not is_filler(w)]


def wer(ref: str, hyp: str) -> tuple[int, int]:
    """Word edit distance and reference length (fillers ignored on both sides)."""
    r, h = _words(ref), _words(hyp)
    prev = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        cur = [i] + [0] * len(h)
        for j, hw in enumerate(h, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rw != hw))
        prev = cur
    return prev[-1], len(r)


def references() -> list[tuple[Path, str]]:
    seen: dict[str, tuple[Path, str]] = {}
    for folder in AUDIO_DIRS:
        manifest = folder / "manifest.json"
        if not manifest.exists():
            continue
        for entry in json.loads(manifest.read_text())["files"]:
            ref = entry.get("transcript") or " ".join(entry.get("sentences", []))
            if ref and (folder / entry["file"]).exists():
                seen.setdefault(entry["file"], (folder / entry["file"], ref))
    return list(seen.values())


def answers(n: int = 4) -> list[tuple[object, str, str]]:
    """The first `n` labelled answers as espeak-ng speech, with their text and rubric (product path: hotwords on)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from labelled import load_answers

    from mockvoice.speech import synthesize

    return [(synthesize(a.text), a.text, a.rubric) for a in load_answers()[:n]]


def main() -> None:
    from mockvoice.api import transcribe_for_rubric
    from mockvoice.speech import synthesize

    refs = references()
    spoken_answers = answers()
    clips = [(p.name, load_audio(p), ref) for p, ref in refs]
    synth = [synthesize(t) for t in FILLER_ANSWERS]
    settings = {"no prompt": None, "verbatim prompt": VERBATIM_PROMPT, "filler prompt*": FILLER_PROMPT}
    print("* = the default (TranscribeOptions.initial_prompt)")
    print(f"{'setting':18} {'WER real speech':>16} {'fillers kept (espeak)':>22} {'WER espeak answers+hotwords':>28} {'seconds':>8}")
    for label, prompt in settings.items():
        tr = get_transcriber(initial_prompt=prompt)
        t0 = time.perf_counter()
        errors = words = 0
        per_file = []
        for name, clip, ref in clips:
            hyp = tr.transcribe(clip).text
            e, n = wer(ref, hyp)
            errors += e
            words += n
            per_file.append(f"{name}={e / max(n, 1):.3f}")
        kept = 0
        for clip in synth:
            kept += sum(1 for w in tr.transcribe(clip).words if is_filler(w.text))
        a_err = a_words = 0
        for clip, text, rubric in spoken_answers:
            e, n = wer(text, transcribe_for_rubric(clip, rubric, transcriber=tr).text)
            a_err += e
            a_words += n
        dt = time.perf_counter() - t0
        print(f"{label:18} {errors / max(words, 1):16.3f} {kept:>12d} of {SPOKEN_FILLERS:<7d} {a_err / max(a_words, 1):28.3f} {dt:8.1f}")
        print("   per file: " + ", ".join(per_file))


if __name__ == "__main__":
    main()
