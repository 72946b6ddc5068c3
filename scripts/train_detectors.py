"""Train the learned detector check (mockvoice/learned.py) on tests/data/labelled/ and write mockvoice/models/detectors.json.gz.

    .venv/bin/python scripts/train_detectors.py [--l2 0.00001] [--folds 6] [--dry-run]

Every labelled utterance file is read one utterance at a time, every answer file (and every clause
group in clauses/, written by spoken_copies.py) one answer at a time, its lines in context, through the
same cleaning, rules and features scoring uses. One logistic regression per feature is fitted with
numpy (L2, Adam, full batch); a clause's "?TAG" labels are left out of the loss. Before the final fit,
files are split into folds and each fold is predicted by a model trained on the others: those
out-of-fold predictions give the cross-validated F1 printed and stored in the model's metadata. tests/data/heldout/ is never read here.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from labelled import DATA, load_answers, load_utterances  # noqa: E402

from mockvoice.detection import signals  # noqa: E402
from mockvoice.learned import FEATURES, MODEL_FILE, Model, denials, utterance_features  # noqa: E402
from mockvoice.spoken import clean  # noqa: E402

OUT = ROOT / "mockvoice" / "models" / MODEL_FILE
MIN_COUNT = 2
# out-of-fold probabilities are less sure than the final model's (which fits its data closely at this l2), so a
# threshold tuned on them came out low and cost precision on the held-out sets: features use 0.5, except
# trade-offs, where the model finds too few (session 6, held-out B-G answer lines, trade-off F1 text 0.926 -> 0.949,
# speech 0.874 -> 0.897, at precision 0.98 -> 0.95; lower thresholds for the other features moved nothing or lost)
THRESHOLDS = {"trade_off": 0.35}
THRESHOLD = 0.5
# Transcripts of audio (Model.speech_thresholds): in speech, failure-mode recall is what is short (held-out B-G
# spoken answer lines P .88 R .75), as misheard or split cue words leave the model less sure. Session 7: with 0.3
# on transcripts of audio only, out-of-fold failure-mode F1 on the spoken copies went .846 -> .860 and held-out
# B-G spoken failure mode went .809 -> .820 on aligned answer lines and .874 -> .886 on answer counts. Lower speech
# thresholds for the other features helped out of fold but not on the held-out sets, so they stay as for text.
# (0.4 for typed text gained under .01 on B-G and let a hard negative through: "when the upload completes we put a
# job on a queue and the workers pick it up", test_detectors.)
SPEECH_THRESHOLDS = {**THRESHOLDS, "failure_mode": 0.3}


def data_files(folder: Path = DATA) -> list[Path]:
    """The labelled files, and the clause groups of their spoken copies (clauses/, see spoken_copies.py)."""
    return sorted(folder.glob("*.txt")) + sorted((folder / "clauses").glob("*.txt"))


def _grouped(p: Path) -> bool:
    return "answers" in p.name or p.parent.name == "clauses"


def data_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(DATA)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def examples(files: list[Path]) -> tuple[list[set[str]], np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Model inputs, labels (n, 5), which labels are known (n, 5; a clause's "?fm" is not), each example's file,
    and which examples are spoken copies (transcripts of audio)."""
    X: list[set[str]] = []
    Y: list[list[bool]] = []
    M: list[list[bool]] = []
    G: list[str] = []
    S: list[bool] = []
    for p in files:
        if _grouped(p):
            groups = [[ln for ln in a.lines] for a in load_answers(p)]
        else:
            groups = [[ln] for ln in load_utterances(p)]
        for lines in groups:
            texts = [clean(ln.text) for ln in lines]
            for t, s, ln in zip(texts, signals(texts)[0], lines):
                X.append(utterance_features(t, s))
                Y.append([f in ln.labels for f in FEATURES])
                M.append([f not in ln.unknown for f in FEATURES])
                G.append(p.name.removeprefix("asr-"))  # a spoken copy (and its clauses) stays in its source's fold
                S.append(p.name.startswith("asr-"))
    return X, np.array(Y, dtype=np.float32), np.array(M, dtype=np.float32), G, np.array(S, dtype=bool)


class Sparse:
    """A 0/1 matrix as the column indices of each row's ones (the data is ~60 ones in ~20,000 columns a row)."""

    def __init__(self, X: list[set[str]], vocab: dict[str, int]):
        cols = [[j for f in fs if (j := vocab.get(f)) is not None] for fs in X]
        self.shape = (len(X), len(vocab))
        self.cols = np.fromiter((j for c in cols for j in c), dtype=np.int64)
        self.rows = np.repeat(np.arange(len(X)), [len(c) for c in cols])

    def dot(self, W: np.ndarray) -> np.ndarray:
        """self @ W"""
        V = W[self.cols]
        return np.stack([np.bincount(self.rows, V[:, k], self.shape[0]) for k in range(W.shape[1])], axis=1)

    def tdot(self, G: np.ndarray) -> np.ndarray:
        """self.T @ G"""
        H = G[self.rows]
        return np.stack([np.bincount(self.cols, H[:, k], self.shape[1]) for k in range(G.shape[1])], axis=1)


def fit(A: Sparse, Y: np.ndarray, M: np.ndarray, l2: float, iters: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression for all features at once: weights (V, 5) and bias (5,); labels where M is 0 are ignored."""
    n = A.shape[0]
    W = np.zeros((A.shape[1], Y.shape[1]), dtype=np.float32)
    b = np.zeros(Y.shape[1], dtype=np.float32)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, iters + 1):
        P = 1.0 / (1.0 + np.exp(-(A.dot(W) + b)))
        G = (P - Y) * M
        gW = A.tdot(G) / n + l2 * W
        gb = G.mean(axis=0)
        for g, m, v, p in ((gW, mW, vW, W), (gb, mb, vb, b)):
            m *= b1; m += (1 - b1) * g
            v *= b2; v += (1 - b2) * g * g
            p -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + 1e-8)
    return W, b


def vocabulary(X: list[set[str]]) -> dict[str, int]:
    counts = Counter(f for fs in X for f in fs)
    return {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT))}


def f1(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float((pred & gold).sum()); fp = float((pred & ~gold).sum()); fn = float((~pred & gold).sum())
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def cross_validate(X, Y, M, G, l2: float, folds: int) -> np.ndarray:
    """Out-of-fold probabilities (n, 5), files dealt round-robin into folds."""
    names = sorted(set(G))
    fold_of = {name: k % folds for k, name in enumerate(names)}
    fold = np.array([fold_of[g] for g in G])
    P = np.zeros(Y.shape, dtype=np.float32)
    for k in range(folds):
        tr, te = fold != k, fold == k
        vocab = vocabulary([x for x, keep in zip(X, tr) if keep])
        W, b = fit(Sparse([x for x, keep in zip(X, tr) if keep], vocab), Y[tr], M[tr], l2)
        P[te] = 1.0 / (1.0 + np.exp(-(Sparse([x for x, keep in zip(X, te) if keep], vocab).dot(W) + b)))
    return P


def verdicts(model: Model, probs: np.ndarray, spoken: np.ndarray, denied: np.ndarray) -> np.ndarray:
    """What `model.found` says of each example, the spoken copies judged as transcripts of audio."""
    return np.where(spoken[:, None], model.found(probs, spoken=True, denied=denied), model.found(probs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 1e-5 over 3e-5 (session 4, 17,777 utterances): cross-validated F1 equal in sum (fm .864 -> .866, to .906 -> .891),
    # held-out B-F better on answers (text answer lines fm .859 -> .875, spoken aligned to .829 -> .871, fm .806 -> .818)
    ap.add_argument("--l2", type=float, default=0.00001)
    ap.add_argument("--folds", type=int, default=6)
    ap.add_argument("--dry-run", action="store_true", help="cross-validate and print, write nothing")
    args = ap.parse_args()
    t0 = time.perf_counter()
    files = data_files()
    X, Y, M, G, S = examples(files)
    gold = Y.astype(bool)
    known = M.astype(bool)
    print(f"{len(X)} labelled utterances from {len(files)} files; positives: "
          + ", ".join(f"{f} {int(Y[:, k].sum())}" for k, f in enumerate(FEATURES)))
    P = cross_validate(X, Y, M, G, args.l2, args.folds)
    denied = denials(X)
    thresholds = np.array([THRESHOLDS.get(f, THRESHOLD) for f in FEATURES])
    speech_thresholds = np.array([SPEECH_THRESHOLDS.get(f, THRESHOLD) for f in FEATURES])
    bars = Model({}, np.zeros((0, len(FEATURES))), np.zeros(len(FEATURES)), thresholds, {}, speech_thresholds)
    pred = verdicts(bars, P, S, denied)
    cv = {}
    print(f"{args.folds}-fold cross-validation by file (l2 {args.l2}); typed text, then the spoken copies:")
    print(f"  {'feature':20} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}   {'speech':>6} {'P':>6} {'R':>6} {'F1':>6}")
    for k, f in enumerate(FEATURES):
        score = f1(pred[known[:, k], k], gold[known[:, k], k])[2]  # both kinds together: the stored cv_f1
        sel = known[:, k] & S
        sp, sr, sf = f1(pred[sel, k], gold[sel, k])
        tp, tr, tf = f1(pred[known[:, k] & ~S, k], gold[known[:, k] & ~S, k])
        cv[f] = round(score, 3)
        print(f"  {f:20} {thresholds[k]:9.2f} {tp:9.3f} {tr:7.3f} {tf:6.3f}   {speech_thresholds[k]:6.2f} {sp:6.3f} {sr:6.3f} {sf:6.3f}")
    vocab = vocabulary(X)
    W, b = fit(Sparse(X, vocab), Y, M, args.l2)
    model = Model(vocab, W.astype(np.float64), b.astype(np.float64), thresholds, {
        "trained_on": data_hash(files), "utterances": len(X), "files": [str(p.relative_to(DATA)) for p in files],
        "l2": args.l2, "folds": args.folds, "cv_f1": cv, "min_count": MIN_COUNT,
    }, speech_thresholds)
    probs = model.scores(X)
    found = verdicts(model, probs, S, denied)
    train_f1 = {f: round(f1(found[known[:, k], k], gold[known[:, k], k])[2], 3) for k, f in enumerate(FEATURES)}
    print(f"vocabulary {len(vocab)}; training-set F1 {train_f1}; {time.perf_counter() - t0:.0f} s")
    if not args.dry_run:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        tmp = OUT.with_suffix(".tmp")
        tmp.write_bytes(gzip.compress(model.to_json().encode("utf-8"), 9, mtime=0))
        os.replace(tmp, OUT)
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
