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
    assert model.speech_thresholds is not None and np.allclose(again.speech_thresholds, model.speech_thresholds)


def test_transcripts_of_audio_are_judged_by_the_speech_thresholds(monkeypatch):
    """One utterance at probability ~0.38 for failure mode: under the typed-text bar, over the speech bar."""
    import mockvoice.detection as detection
    from mockvoice.scoring import score_transcript
    from mockvoice.transcript import Segment, Transcript, Word

    weights = np.zeros((1, len(FEATURES)))
    weights[0, FEATURES.index("failure_mode")] = 1.0
    model = Model({"overloaded": 0}, weights, np.full(len(FEATURES), -1.5), np.full(len(FEATURES), 0.5), {},
                  np.full(len(FEATURES), 0.3))
    texts = ["then the broker gets overloaded"]
    assert detection.detect_features(texts, ["failure_mode"], model=model)["failure_mode"].hits == ()
    assert detection.detect_features(texts, ["failure_mode"], model=model, spoken=True)["failure_mode"].indices == [0]
    assert Model.from_json(model.to_json()).found(np.array([[0.38] * len(FEATURES)]), spoken=True).all()

    monkeypatch.setattr(detection, "load_model", lambda: model)
    words = [Word(text=w, start=0.4 * i, end=0.4 * i + 0.3) for i, w in enumerate(texts[0].split())]
    heard = Transcript(text=texts[0], segments=(Segment(text=texts[0], words=tuple(words), start=0.0, end=2.0),), duration=2.5)
    typed = Transcript.from_text(texts[0])
    assert score_transcript(heard).features["failure_mode"].evidence
    assert not score_transcript(typed).features["failure_mode"].evidence


def test_reasons_are_words_from_the_utterance_not_rule_signals():
    model = load_model()
    fs = ngrams("if the consumer crashes the message is redelivered so processing must be idempotent") | {"R:failure_mode", "C:handling"}
    reasons = model.reasons(fs, FEATURES.index("failure_mode"))
    assert reasons and all(r in fs and ":" not in r and not r.startswith("<") for r in reasons)


def _two_word_model() -> Model:
    """A model that finds a trade-off only where 'fast' and 'catch' occur together (1 + 1 - 1.5 > 0)."""
    weights = np.zeros((2, len(FEATURES)))
    weights[:, FEATURES.index("trade_off")] = 1.0
    return Model({"fast": 0, "catch": 1}, weights, np.full(len(FEATURES), -1.5), np.full(len(FEATURES), 0.5), {})


def test_a_feature_only_the_whole_sentence_shows_is_found_across_its_clauses():
    from mockvoice.detection import detect_features

    texts = ["redis keeps it in memory so reads are fast", "the catch is a restart wipes the counters", "then we shard it"]
    split = detect_features(texts, ["trade_off"], model=_two_word_model(), sentences=[0, 0, 1])["trade_off"]
    assert [(h.index, h.through) for h in split.hits] == [(0, 1)]
    apart = detect_features(texts, ["trade_off"], model=_two_word_model(), sentences=[0, 1, 2])["trade_off"]
    assert apart.hits == ()


def _estimate_model() -> Model:
    """A model that finds a scale estimate (and a trade-off) only where 'hotels' and 'rooms' occur together."""
    weights = np.zeros((2, len(FEATURES)))
    weights[:, [FEATURES.index("scale_estimate"), FEATURES.index("trade_off")]] = 1.0
    return Model({"hotels": 0, "rooms": 1}, weights, np.full(len(FEATURES), -1.5), np.full(len(FEATURES), 0.5), {})


def test_an_estimate_split_over_two_sentences_is_found_across_them_when_both_hold_numbers():
    from mockvoice.detection import detect_features

    texts = ["we list 100000 hotels .", "with 50 rooms each that is 5000000 rooms .", "the api is rest ."]
    both = detect_features(texts, model=_estimate_model(), sentences=[0, 1, 2])
    assert [(h.index, h.through) for h in both["scale_estimate"].hits] == [(0, 1)]
    assert both["trade_off"].hits == ()  # only an estimate is looked for across sentences
    one_number = ["we list the hotels .", "with 50 rooms each that is 5000000 rooms ."]
    assert detect_features(one_number, model=_estimate_model(), sentences=[0, 1])["scale_estimate"].hits == ()


def test_a_comma_pause_splits_a_long_sentence_into_clauses_of_one_sentence():
    from mockvoice.transcript import Segment, Transcript, Word
    from mockvoice.utterances import split_utterances

    spec = "we keep driver locations only in memory which is fast,|but we lose them all if the box restarts.|next the api"
    words, t = [], 0.0
    for k, part in enumerate(spec.split("|")):
        for tok in part.split():
            words.append(Word(text=tok, start=round(t, 2), end=round(t + 0.3, 2)))
            t += 0.35
        t += 0.45 if k == 0 else 0.1  # a clause pause after the comma, none after the full stop
    tr = Transcript(text=" ".join(w.text for w in words), segments=(Segment(text="x", words=tuple(words)),))
    utts = split_utterances(tr)
    assert [u.text.split()[0] for u in utts] == ["we", "but", "next"]
    assert utts[0].sentence == utts[1].sentence != utts[2].sentence


def test_an_unpunctuated_run_on_is_cut_before_clause_openers_once_a_piece_is_long():
    from mockvoice.transcript import Segment, Transcript, Word
    from mockvoice.utterances import RUNON_WORDS, split_utterances

    first = "around a hundred bytes a message is two hundred gigs a day " * 3  # 36 words, no punctuation, no pause
    text = first + "so we keep a websocket per user and if a gateway node dies the clients reconnect with backoff"
    words = [Word(text=tok, start=round(0.3 * k, 2), end=round(0.3 * k + 0.28, 2)) for k, tok in enumerate(text.split())]
    tr = Transcript(text=text, segments=(Segment(text=text, words=tuple(words)),))
    utts = split_utterances(tr)
    assert [u.text.split()[0] for u in utts] == ["around", "so"]  # "and", "if" come before the second piece is long
    assert len(utts[0].text.split()) >= RUNON_WORDS and utts[0].sentence == utts[1].sentence
    short = tuple(words[:10]) + tuple(w.model_copy(update={"text": "so"}) for w in words[10:11])
    assert len(split_utterances(Transcript(text="x", segments=(Segment(text="x", words=short),)))) == 1  # too short to cut


def test_a_question_split_at_its_alternatives_counts_once():
    from mockvoice.detection import _fold_alternatives
    from mockvoice.questions import Hit

    texts = ["is this a new thing ?", "or has it always done that ?", "like since a release ?",
             "and is it all the pods ?", "how many users ?"]
    hits = [Hit(i, "asks") for i in range(5)]
    assert [(h.index, h.through) for h in _fold_alternatives(hits, texts)] == [(0, 2), (3, None), (4, None)]
    assert [h.index for h in _fold_alternatives([hits[0], hits[2]], texts)] == [0, 2]  # not adjacent: two questions


def test_ngrams_memo_gives_the_same_features_as_stemming_each_token():
    from mockvoice.learned import _stem

    text = "retries happening during failovers caused duplicated writes 12 times , really"
    for _ in range(2):  # the second pass reads the memo
        feats = ngrams(text)
        assert {"~retri", "~happen", "~failover", "~caus", "~duplicat", "~writ", "~real"} <= feats
        assert {_stem(t) for t in text.replace("12", "<n>").split() if _stem(t)} == {f for f in feats if f.startswith("~")}
        assert "<n> times" in feats and "<s> retries happening" in feats


def test_an_estimate_spread_over_the_clauses_of_one_sentence_counts_once():
    from mockvoice.detection import _fold_clauses
    from mockvoice.questions import Hit

    hits = [Hit(0, "x"), Hit(1, "y"), Hit(3, "z"), Hit(4, "w")]
    sentences = [0, 0, 0, 1, 2]  # clauses 0-2 one sentence; 3 and 4 sentences of their own
    assert [(h.index, h.through) for h in _fold_clauses(hits, sentences)] == [(0, 1), (3, None), (4, None)]


def test_a_denial_keeps_the_typed_text_bar_in_speech():
    """Garbled speech can lift a denial ("...and it never goes down") just over the lower speech bar: the rules'
    denial keeps it to the typed-text bar, while a line at the same probability without one passes."""
    from mockvoice import detection
    from mockvoice.learned import DENIAL, denials

    weights = np.zeros((2, len(FEATURES)))
    weights[:, FEATURES.index("failure_mode")] = 1.0
    model = Model({"down": 0, "overloaded": 1}, weights, np.full(len(FEATURES), -1.5), np.full(len(FEATURES), 0.5), {},
                  np.full(len(FEATURES), 0.3))  # one known word: probability ~0.38, between the two bars
    texts = ["we put it on the managed cache and it never goes down", "then the broker gets overloaded"]
    feats, _, _ = detection._judge(texts, model, spoken=False)
    assert denials(feats).tolist() == [True, False] and DENIAL in feats[0]
    spoken = detection.detect_features(texts, ["failure_mode"], model=model, spoken=True)["failure_mode"]
    assert spoken.indices == [1]
    probs = np.full((2, len(FEATURES)), 0.38)
    assert model.found(probs, spoken=True).all()  # without the rules' reading both would pass
    assert model.found(probs, spoken=True, denied=np.array([True, False]))[:, FEATURES.index("failure_mode")].tolist() == [False, True]


def test_a_decisions_quoted_words_are_not_function_words_alone():
    """'learned from 'if the', 'if'' tells a reader nothing: the words quoted for a decision have meaning."""
    from mockvoice.learned import _FUNCTION_WORDS, load_model, ngrams

    model = load_model()
    col = 2  # failure_mode
    for text in ("if the primary goes down we fail over", "if it is slow and then it dies we retry", "what if the cache is empty"):
        said = model.reasons(ngrams(text), col, n=5)
        assert said and all(not _FUNCTION_WORDS.issuperset(w.split()) for w in said), said
