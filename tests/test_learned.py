"""The learned check's arithmetic: batched scores equal the plain sum of weights, the file round-trips, reasons are words."""

from __future__ import annotations

import random

import numpy as np

from mockvoice.learned import FEATURES, Model, load_model, ngrams


def _naive(model: Model, fs: set[str]) -> np.ndarray:
    rows = [model.weights[model.vocab[f]] for f in fs if f in model.vocab]
    z = (np.sum(rows, axis=0) if rows else np.zeros(len(FEATURES))) + model.bias
    return 1 / (1 + np.exp(-z))


def test_batched_scores_equal_the_plain_sum_of_weights():
    model = load_model()
    words = list(model.vocab)
    rng = random.Random(4)
    feats = [set(rng.sample(words, rng.randint(0, 30))) | ({"never-seen-feature"} if rng.random() < 0.3 else set())
             for _ in range(200)] + [set()]
    got = model.scores(feats)
    assert got.shape == (len(feats), len(FEATURES))
    assert np.allclose(got, np.array([_naive(model, fs) for fs in feats]))
    assert model.scores([]).shape == (0, len(FEATURES))


def test_model_file_round_trips():
    model = load_model()
    again = Model.from_json(model.to_json())
    assert again.vocab == model.vocab and np.allclose(again.weights, model.weights, atol=1e-4)
    assert np.allclose(again.thresholds, model.thresholds) and again.meta == model.meta


def test_reasons_are_words_from_the_utterance_not_rule_signals():
    model = load_model()
    fs = ngrams("if the consumer crashes the message is redelivered so processing must be idempotent") | {"R:failure_mode", "C:handling"}
    reasons = model.reasons(fs, FEATURES.index("failure_mode"))
    assert reasons and all(r in fs and ":" not in r and not r.startswith("<") for r in reasons)
