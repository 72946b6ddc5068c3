"""The learned check on the rule detectors: one linear model per feature over an utterance's words and the rules' verdicts.

The rules (questions.py, detectors.py) know the domain but miss phrasings nobody wrote a rule
for; the model weighs each utterance's words and word pairs together with what every rule said
about it (hit, near miss and why, question form, numbers and arithmetic), so it can both accept
evidence the rules missed and overrule a rule that fired on a near miss. It is trained by
`scripts/train_detectors.py` on tests/data/labelled/ and ships as mockvoice/models/detectors.json.gz;
scoring it is a sum of weights, and every decision can name the words that carried it.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["FEATURES", "Model", "load_model", "utterance_features", "ngrams", "denials", "MODEL_FILE", "DENIAL"]

FEATURES = ("clarifying_question", "trade_off", "failure_mode", "scale_estimate", "monitoring")
MODEL_FILE = "detectors.json.gz"  # gzip: the JSON is ~4.8 MB of weights, 1.2 MB compressed; +15 ms to load
DENIAL = "C:denial"  # the failure-mode rule's signal for a denial ("it never goes down"): detectors.failure_mode
_FM = FEATURES.index("failure_mode")
_NUMBER = re.compile(r"\b\d[\d.]*\b")
_DIGIT = re.compile(r"\d")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def _stem(tok: str) -> str | None:
    if len(tok) > 5:
        for s in _SUFFIXES:
            if tok.endswith(s):
                return "~" + tok[: -len(s)]
    return None


_STEMS: dict[str, tuple[str, ...]] = {}  # token -> () or (its stem,): a memo, words repeat across utterances
_LENGTHS = tuple(f"<len {k}>" for k in range(5))
# words that carry no meaning alone: a decision's quoted reasons skip n-grams made only of these ("if the")
_FUNCTION_WORDS = frozenset(
    "a an the if it its it's is are was were be been to of in on at for by with from and or but so then than that "
    "this these those there their they them we we'd we'll i i'd i'll you your he she his her our us as do does did "
    "not no yes just like um uh well also would will can could should might may must has have had what which who "
    "when where how why all any some one , . ? </s>".split())


def ngrams(text: str) -> set[str]:
    """Words, word stems, word pairs and the opening words of one cleaned utterance (numbers as <n>)."""
    toks = (_NUMBER.sub("<n>", text) if _DIGIT.search(text) else text).split()
    feats = set(toks)
    for t in toks:
        stem = _STEMS.get(t)
        if stem is None:
            s = _stem(t)
            stem = _STEMS[t] = (s,) if s is not None and len(_STEMS) < 200_000 else ()
        if stem:
            feats.add(stem[0])
    padded = ["<s>", *toks, "</s>"]
    feats.update(map(" ".join, zip(padded, padded[1:])))
    if len(toks) >= 2:
        feats.add("<s> " + toks[0] + " " + toks[1])
    feats.add(_LENGTHS[min(len(toks) // 6, 4)])
    return feats


def utterance_features(text: str, signals: set[str]) -> set[str]:
    """Everything the model sees of one utterance: its n-grams and the rules' signals about it."""
    return ngrams(text) | signals


def denials(feats: list[set[str]]) -> np.ndarray:
    """Which utterances the rules read as denying a failure, from their model inputs (see `Model.found`)."""
    return np.fromiter((DENIAL in fs for fs in feats), dtype=bool, count=len(feats))


@dataclass(frozen=True)
class Model:
    """Weights per input feature (rows) and detected feature (columns), a bias and a threshold per feature.

    `speech_thresholds` apply to transcripts of audio: speech-to-text damages the words a feature is
    recognised by, so the model is less sure of what is there and a lower bar finds more of it.
    """

    vocab: dict[str, int]
    weights: np.ndarray  # (len(vocab), len(FEATURES))
    bias: np.ndarray  # (len(FEATURES),)
    thresholds: np.ndarray  # probability at or above which a feature is found in typed text
    meta: dict
    speech_thresholds: np.ndarray | None = None  # the same for transcripts of audio (None: as typed text)

    def scores(self, feats: list[set[str]]) -> np.ndarray:
        """Probabilities, one row per utterance and one column per feature in FEATURES."""
        v, zero = self.vocab, len(self.weights)  # row `zero` of the padded weights is all zeros
        idx: list[int] = []
        starts: list[int] = []
        for fs in feats:
            starts.append(len(idx))
            idx.extend([j for j in map(v.get, fs) if j is not None])  # in the set's order: the sums stay bit for bit
            idx.append(zero)  # keeps every utterance's slice non-empty for reduceat
        if not feats:
            return np.empty((0, len(FEATURES)))
        rows = self._padded.take(np.fromiter(idx, np.intp, len(idx)), axis=0)  # = _padded[idx], without the list's slow conversion
        out = np.add.reduceat(rows, starts, axis=0) + self.bias
        return 1.0 / (1.0 + np.exp(-out))

    @property
    def _padded(self) -> np.ndarray:
        padded = self.__dict__.get("_padded_weights")
        if padded is None:
            padded = np.vstack([self.weights, np.zeros((1, self.weights.shape[1]))])
            object.__setattr__(self, "_padded_weights", padded)
        return padded

    def found(self, probs: np.ndarray, spoken: bool = False, denied: np.ndarray | None = None) -> np.ndarray:
        """Which features each row of `scores` holds; `spoken` for a transcript of audio.

        `denied` marks rows the rules read as a denial ("stripe never goes down", `denials`): in speech they
        keep the typed-text bar for failure mode. The lower speech bar recovers failure words that
        speech-to-text damaged; a denial has none to recover, and garbled words must not carry it over.
        """
        if not spoken or self.speech_thresholds is None:
            return probs >= self.thresholds
        out = probs >= self.speech_thresholds
        if denied is not None and denied.any():
            out[denied, _FM] = probs[denied, _FM] >= self.thresholds[_FM]
        return out

    def reasons(self, fs: set[str], column: int, n: int = 2) -> list[str]:
        """The words (not rule signals) that pushed hardest towards the feature in one utterance; words a reader
        can see meaning in, so not "if the" or "it" on their own (they still count in the decision)."""
        scored = [(self.weights[j, column], f) for f in fs if (j := self.vocab.get(f)) is not None and f[:1] not in "<~"
                  and ":" not in f and not _FUNCTION_WORDS.issuperset(f.split())]
        return [f for w, f in sorted(scored, reverse=True)[:n] if w > 0]

    def to_json(self) -> str:
        words = sorted(self.vocab, key=self.vocab.get)
        speech = {} if self.speech_thresholds is None else {"speech_thresholds": [round(float(t), 4) for t in self.speech_thresholds]}
        return json.dumps({
            "features": list(FEATURES), "meta": self.meta,
            "bias": [round(float(b), 5) for b in self.bias], "thresholds": [round(float(t), 4) for t in self.thresholds],
            **speech,
            "weights": {w: [round(float(x), 4) for x in self.weights[self.vocab[w]]] for w in words},
        }, indent=0, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> "Model":
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"model features {data['features']} do not match {list(FEATURES)}")
        words = list(data["weights"])
        weights = np.array([data["weights"][w] for w in words], dtype=np.float64).reshape(len(words), len(FEATURES))
        speech = np.array(data["speech_thresholds"]) if "speech_thresholds" in data else None
        return cls({w: i for i, w in enumerate(words)}, weights, np.array(data["bias"]), np.array(data["thresholds"]), data["meta"],
                   speech)


@lru_cache(maxsize=1)
def load_model() -> Model:
    """The model shipped with the package."""
    return Model.from_json(gzip.decompress(resources.files("mockvoice").joinpath("models", MODEL_FILE).read_bytes()).decode("utf-8"))
