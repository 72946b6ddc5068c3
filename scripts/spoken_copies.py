"""Write tests/data/labelled/asr-*.txt: labelled utterances as espeak-ng speech transcribed by the default model.

    .venv/bin/python scripts/spoken_copies.py [FILE...]      (default: the hand-written utterance files)

Each labelled line of the given files is synthesised (mockvoice.speech, rate 150) and transcribed by
the product path (mockvoice.api.transcribe_for_rubric, system-design hotwords), exactly as
benchmarks/accuracy.py does and through its cache (tests/.cache/accuracy/), and written with the
same tags as `TAGS | transcript`. Training on these copies teaches the learned check how answers
read after speech-to-text (dropped question marks, misheard terms, merged sentences). The held-out
sets are never passed here. Lines whose speech transcribes to nothing are left out.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import _cached_transcript  # noqa: E402
from labelled import DATA, TAGS, load_utterances  # noqa: E402

_TAG_OF = {v: k for k, v in TAGS.items()}


def spoken_copy(src: Path) -> Path:
    out = src.with_name("asr-" + src.name)
    rows = [f"# {src.name} spoken by espeak-ng (rate 150) and transcribed by the default model; "
            "written by scripts/spoken_copies.py, do not edit. Format: TAGS | TEXT"]
    for ln in load_utterances(src):
        text = " ".join(_cached_transcript(ln.text, "system-design").text.split())
        if text:
            tags = ",".join(_TAG_OF[f] for f in sorted(ln.labels, key=list(TAGS.values()).index)) or "-"
            rows.append(f"{tags} | {text}")
    tmp = out.with_suffix(".tmp")
    tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return out


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]] or sorted(
        p for p in DATA.glob("*.txt") if "answers" not in p.name and not p.name.startswith(("train-", "asr-")))
    for src in files:
        out = spoken_copy(src)
        print(f"{src.name} -> {out.name}: {sum(1 for l in out.read_text().splitlines() if '|' in l)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
