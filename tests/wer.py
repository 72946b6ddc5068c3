"""Word error rate for transcript checks (Levenshtein over normalised words)."""

from __future__ import annotations

import re


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split()


def edits(reference: str, hypothesis: str) -> tuple[int, int]:
    """Word edits (substitutions, insertions, deletions) from reference to hypothesis, and the reference's words."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row = row, [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r != h))
    return row[-1], len(ref)


def wer(reference: str, hypothesis: str) -> float:
    n, total = edits(reference, hypothesis)
    return n / max(total, 1)
