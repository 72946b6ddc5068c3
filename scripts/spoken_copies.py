"""Write tests/data/labelled/asr-*.txt and clauses/asr-*.txt: labelled lines and answers as espeak-ng speech transcribed by the default model.

    .venv/bin/python scripts/spoken_copies.py [FILE...]      (default: the hand-written utterance files)

Each labelled line of the given files is synthesised (mockvoice.speech, rate 150) and transcribed by
the product path (mockvoice.api.transcribe_for_rubric, system-design hotwords), exactly as
benchmarks/accuracy.py does and through its cache (tests/.cache/accuracy/), and written with the
same tags as `TAGS | transcript`. Training on these copies teaches the learned check how answers
read after speech-to-text (dropped question marks, misheard terms, merged sentences). The held-out
sets are never passed here. Lines whose speech transcribes to nothing are left out.

Scoring judges each utterance the transcript splits into (sentences, and clauses at comma pauses:
utterances.py), so a line whose speech splits into two or more utterances is also written to
tests/data/labelled/clauses/asr-FILE as one group of those utterances, in the answers format. The
labels are per line, not per clause, so each clause is marked unknown ("?fm") for the line's features
and negative for the rest (but see CLAUSE_UNKNOWN): the trainer learns from the clauses what a fragment
out of context is not ("which time out regularly" is no question) and never guesses which clause carried
a feature.

An answers file (`*answers*.txt`) is spoken whole instead, each answer as one recording, and written only
to clauses/asr-FILE: its transcript split as scoring splits it, each utterance labelled from the written
lines it aligns to (spoken_answers, WHOLE_LINE), then the sentences split at comma pauses joined whole.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy import _cached_transcript, alignment_votes, utterances_of  # noqa: E402
from labelled import DATA, TAGS, load_answers, load_utterances  # noqa: E402

from mockvoice.detection import _split_sentences  # noqa: E402
from mockvoice.utterances import split_utterances  # noqa: E402

CLAUSES = DATA / "clauses"
# Clauses only ever teach what a fragment is NOT (which clause of a positive line carries its feature is
# unknown). For these features that one-sidedness taught "fragment, so no" and cost recall on spoken answers
# (held-out B-E aligned answer lines: trade-off 0.80 -> 0.74, failure mode 0.79 -> 0.76), so their clauses are
# left unknown and clauses teach clarifying questions only, where fragments that look like questions
# ("which time out regularly") were the false positives (0.86 -> 0.87).
CLAUSE_UNKNOWN = frozenset(TAGS.values()) - {"clarifying_question"}

_TAG_OF = {v: k for k, v in TAGS.items()}


def _write(path: Path, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def spoken_copy(src: Path) -> Path:
    out = src.with_name("asr-" + src.name)
    rows = [f"# {src.name} spoken by espeak-ng (rate 150) and transcribed by the default model; "
            "written by scripts/spoken_copies.py, do not edit. Format: TAGS | TEXT"]
    groups = [f"# {src.name}: lines whose speech split into several utterances, each line one group of its clauses; "
              "?TAG = the line has that feature but which clause carries it is unknown. "
              "Written by scripts/spoken_copies.py, do not edit."]
    for n, ln in enumerate(load_utterances(src), 1):
        tr = _cached_transcript(ln.text, "system-design")
        text = " ".join(tr.text.split())
        if not text:
            continue
        order = sorted(ln.labels, key=list(TAGS.values()).index)
        rows.append(f"{','.join(_TAG_OF[f] for f in order) or '-'} | {text}")
        utts = split_utterances(tr)
        if len(utts) > 1:
            groups.append(f"## {src.stem}:{n} | system-design | - | clauses")
            unknown = ",".join("?" + t for t, f in TAGS.items() if f in ln.labels or f in CLAUSE_UNKNOWN) or "-"
            groups += [f"{unknown} | {u.text}" for u in utts]
    _write(out, rows)
    _write(CLAUSES / out.name, groups)
    return out


# An utterance of a spoken answer is labelled from the line it came from only when it holds most of that line
# (its words matched at least this share of the line's words); a fragment is left unknown as clauses are above.
WHOLE_LINE = 0.75


# a joined sentence longer than this is a run-on over many lines: labelled by them all, it would teach "long, so yes"
JOINED_MAX_WORDS = 45


def _utterance_tags(votes: dict[int, int], sizes: list[int], labels: list[frozenset[str]]) -> str:
    """The tags of one utterance of a spoken answer, from the labelled lines its words were aligned to."""
    if not votes:
        return ",".join("?" + t for t in TAGS)
    main = max(votes, key=votes.get)
    whole = {j for j, n in votes.items() if n >= WHOLE_LINE * sizes[j]}
    tags = []
    for t, f in TAGS.items():
        if any(f in labels[j] for j in whole):
            tags.append(t)  # it holds most of a line that has the feature
        elif any(f in labels[j] for j in votes) or (main not in whole and f in CLAUSE_UNKNOWN):
            tags.append("?" + t)  # part of a line that has it, or a fragment
    return ",".join(tags) or "-"


def spoken_answers(src: Path) -> Path:
    """clauses/asr-FILE for an answers file: each answer spoken whole, transcribed, split as scoring splits it, and
    each utterance labelled from the written lines it aligns to (accuracy.alignment_votes), so the trainer sees
    answers as speech-to-text delivers them: sentences merged, split and misheard, in context."""
    out = CLAUSES / ("asr-" + src.name)
    rows = [f"# {src.name} spoken whole by espeak-ng (rate 150), transcribed by the default model and split as scoring "
            f"splits it; each utterance carries the tags of the lines it holds at least {WHOLE_LINE:.0%} of, ?TAG where "
            "it holds only part of a line with that feature. Written by scripts/spoken_copies.py, do not edit."]
    for ans in load_answers(src):
        tr = _cached_transcript(ans.text, ans.rubric)
        utts = split_utterances(tr)
        texts = utterances_of(tr)
        if not utts or len(texts) != len(utts):
            continue
        votes, sizes = alignment_votes(texts, [ln.text for ln in ans.lines])
        labels = [ln.labels for ln in ans.lines]
        rows.append(f"## {ans.id} | {ans.rubric} | - | spoken")
        rows += [f"{_utterance_tags(v, sizes, labels)} | {u.text}" for v, u in zip(votes, utts)]
        # scoring also judges each sentence split at its comma pauses joined whole (detection._split_sentences),
        # one after another: so does the trainer, and a joined sentence often holds a whole line its clauses did not
        groups = _split_sentences([u.sentence for u in utts])
        if groups:
            rows.append(f"## {ans.id}:sentences | {ans.rubric} | - | spoken, clauses joined")
            for g in groups:
                if sum(len(utts[i].text.split()) for i in g) > JOINED_MAX_WORDS:
                    continue
                joined: dict[int, int] = {}
                for i in g:
                    for j, n in votes[i].items():
                        joined[j] = joined.get(j, 0) + n
                rows.append(f"{_utterance_tags(joined, sizes, labels)} | {' '.join(utts[i].text for i in g)}")
    _write(out, rows)
    return out


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]] or sorted(
        p for p in DATA.glob("*.txt") if "answers" not in p.name and not p.name.startswith(("train-", "asr-")))
    for src in files:
        out = spoken_answers(src) if "answers" in src.name else spoken_copy(src)
        print(f"{src.name} -> {out.name}: {sum(1 for l in out.read_text().splitlines() if '|' in l)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
