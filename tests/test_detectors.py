"""Feature detection as scoring runs it (rules checked by the learned model): every hard-negative family, spoken
numbers, misheard terms, and accuracy on the labelled set and on the held-out set nobody trained on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mockvoice.detection import detect_features
from mockvoice.detectors import analyse, clarifying_question
from mockvoice.learned import load_model
from mockvoice.numbers import digitise
from mockvoice.spoken import clean
from mockvoice.transcript import Transcript
from mockvoice.utterances import split_utterances

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from labelled import DATA, FEATURES, load_answers, load_utterances  # noqa: E402


HELDOUT = DATA.parent / "heldout"


def found(feature: str, text: str) -> bool:
    return bool(detect_features([clean(text)])[feature].hits)


@pytest.mark.parametrize("text", [
    "how many users are we expecting per day",  # no question mark: word order
    "so what's the read to write ratio",
    "do we need strong consistency or is eventual okay",
    "before I jump in who are the users",
    "I'd like to understand the availability target",
    "since when are we seeing the errors",
    "how many rights per second do we expect at peak",  # ASR homophone of "writes"
    "Who uses it?",  # the first question the feedback suggests: the learned check vetoed it before train-23
    "who creates the links",
    "What about reads and writes?",
])
def test_scoping_questions_count(text):
    assert found("clarifying_question", text)


@pytest.mark.parametrize("family,text", [
    ("check-in", "does that make sense"),
    ("check-in", "Should I go deeper into the database?"),
    ("check-in", "am I on the right track here"),
    ("check-in", "is this the level of detail you want"),
    ("rhetorical", "so how do we make this fast well we put a cache in front"),
    ("rhetorical", "what's the bottleneck here it's the database writes"),
    ("rhetorical", "why would we use a queue because the writes come in bursts"),
    ("employer", "what's the company culture like on your team"),
    ("employer", "What are the next steps in the interview process?"),
    ("employer", "how big is your engineering team"),
])
def test_not_clarifying_questions(family, text):
    assert not found("clarifying_question", text), family
    assert clarifying_question([clean(text)]).near_misses or not clarifying_question([clean(text)]).hits


@pytest.mark.parametrize("text,positive", [
    ("Kafka gives us replay but costs operational overhead, SQS is simpler and good enough here", True),
    ("a push model is faster for users but fan out on write gets expensive for celebrities", True),
    ("I'd rather accept slightly stale reads than pay for a second region", True),
    ("we'll use Kafka, it's the industry standard", False),
    ("I'd go with MongoDB because it's web scale", False),
    ("there are trade-offs of course", False),
    ("there are always tradeoffs with these things", False),
    ("we'll use Cassandra, Redis, Kafka and Elasticsearch", False),
    # a choice told as a story: two options considered, one chosen, and why
    ("we considered restarting pods nightly or fixing the cache; we fixed the cache because restarts would hide the problem", True),
    ("we looked at Kafka or a plain Postgres queue, and went with Postgres because the volume is small and we already run it", True),
    ("we considered Kafka or RabbitMQ and went with Kafka", False),  # a choice, nothing weighed
    ("I looked at the logs and the dashboards and went with a rollback because the error rate kept climbing", False),
    ("I was torn between push and pull for the feed; pull won because celebrities have millions of followers", True),
])
def test_trade_offs_and_name_dropping(text, positive):
    assert found("trade_off", text) is positive


@pytest.mark.parametrize("text,positive", [
    ("if the cache goes down all reads hit the database so we shed load with a rate limit", True),
    ("the payment provider times out so we retry with exponential backoff and an idempotency key", True),
    ("a hot partition would overload one shard so we add a random suffix to the key", True),
    ("it won't go down, it's on AWS", False),
    ("the cloud handles that for us", False),
    ("we'll make it reliable", False),
    ("Kubernetes takes care of failures automatically", False),
    ("the request goes down to the storage layer", False),
    ("kubernetes has self healing so if a pod crashes it just comes back and users don't notice", False),
    ("when the upload completes we put a job on a queue and the workers pick it up", False),
    ("if a worker dies mid job another worker picks it up after the visibility timeout", True),
    # a concrete failure with no failure word in it
    ("Two servers handed the same counter range would mint the same short code, so ranges are leased from ZooKeeper", True),
])
def test_failure_modes_and_denial(text, positive):
    assert found("failure_mode", text) is positive


def test_denial_is_named_as_a_near_miss():
    result = analyse("failure_mode", [clean("Redis never fails in my experience")])
    assert not result.hits and "denies failure" in result.near_misses[0].cue


@pytest.mark.parametrize("text,positive", [
    ("a hundred million writes a day divided by about a hundred thousand seconds is roughly a thousand writes per second", True),
    ("12k rights per second at 1 KB each is 12 MB per second", True),
    ("twelve thousand writes per second times one kilobyte is twelve megabytes a second", True),
    ("2% of 10,000 requests a second is 200 failures every second", True),
    ("we have about 10 million users", False),
    ("the service handles 5000 QPS", False),
    ("step one is the API, step two is the data model", False),
    ("the p99 went from 800 ms to 200 ms after the fix", False),
])
def test_scale_estimates_need_arithmetic(text, positive):
    assert found("scale_estimate", text) is positive


@pytest.mark.parametrize("text,positive", [
    ("I'd put an alert on the error rate and page the on call", True),
    ("we track p99 latency on a dashboard", True),
    ("distributed tracing would show which service is slow", True),
    ("we send the user an alert when their package ships", False),
    ("the write ahead log makes the database durable", False),
    ("sellers have a dashboard showing their sales", False),
    ("Our SLO is 99.9 percent of redirects under 100 ms", True),
    ("99 percent of our users are on the mobile app", False),
])
def test_monitoring_versus_product_features(text, positive):
    assert found("monitoring", text) is positive


@pytest.mark.parametrize("spoken,digits", [
    ("twelve thousand", "12000"),
    ("a hundred million", "100000000"),
    ("12k", "12000"),
    ("1,200", "1200"),
    ("8.6 billion", "8600000000"),
    ("twenty five thousand", "25000"),
    ("ninety nine point nine", "99.9"),
])
def test_spoken_numbers_become_digits(spoken, digits):
    assert digitise(spoken) == digits


def test_misheard_terms_are_mapped_back():
    assert "writes per second" in clean("twelve thousand rights per second")
    assert "cache" in clean("the cash in front of the database")
    assert "p99" in clean("the P 99 latency")


def test_question_and_answer_features_do_not_double_count():
    utts = split_utterances(Transcript.from_text("Do we favour availability or consistency when the network partitions?"))
    result = detect_features([clean(u.text) for u in utts])
    assert result["clarifying_question"].indices == [0]
    assert result["failure_mode"].indices == []


def test_every_hit_names_its_evidence_and_overruled_rules_become_near_misses():
    texts = [clean(t) for t in ["if the cache goes down we fall back to the database",
                                "we keep a pool of sending ips and move traffic off one that gets blacklisted",
                                "Redis never fails in my experience"]]
    fm = detect_features(texts)["failure_mode"]
    assert fm.indices[:1] == [0] and all(h.cue for h in fm.hits)
    assert any(h.index == 2 and "denies failure" in h.cue for h in fm.near_misses)


def test_shipped_model_was_trained_on_the_current_labelled_data():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from train_detectors import data_files, data_hash

    assert load_model().meta["trained_on"] == data_hash(data_files()), "labelled data changed: run scripts/train_detectors.py"


def test_spoken_answer_utterances_take_labels_only_from_lines_they_hold_most_of():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from spoken_copies import _utterance_tags

    from accuracy import alignment_votes

    lines = ["what's the peak write rate", "we'd cache it in redis", "if redis dies we fall back to the database"]
    labels = [frozenset({"clarifying_question"}), frozenset(), frozenset({"failure_mode"})]
    spoken = ["what's the peak right rate we'd cache it in redis", "if redis dies", "we fall back to the database"]
    votes, sizes = alignment_votes(spoken, lines)
    assert sizes == [5, 5, 9]
    tags = [_utterance_tags(v, sizes, labels) for v in votes]
    assert tags[0] == "cq"  # holds both whole lines: the question's label, negative for the rest
    assert tags[1] == tags[2] == "?to,?fm,?se,?mon"  # fragments of the failure line: unknown, never negative
    assert _utterance_tags({}, sizes, labels) == "?cq,?to,?fm,?se,?mon"  # nothing aligned: nothing known


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(p and y for p, y in pairs)
    fp = sum(p and not y for p, y in pairs)
    fn = sum(y and not p for p, y in pairs)
    return 2 * tp / max(2 * tp + fp + fn, 1)


def _utterance_pairs(folder: Path, feature: str) -> list[tuple[bool, bool]]:
    lines = [ln for p in sorted(folder.glob("*.txt")) if "answers" not in p.name for ln in load_utterances(p)]
    return [(found(feature, ln.text), feature in ln.labels) for ln in lines]


def _answer_pairs(folder: Path, feature: str) -> list[tuple[bool, bool]]:
    pairs = []
    for a in (a for p in sorted(folder.glob("*answers*.txt")) for a in load_answers(p)):
        hits = set(detect_features([clean(ln.text) for ln in a.lines])[feature].indices)
        pairs += [(j in hits, feature in ln.labels) for j, ln in enumerate(a.lines)]
    return pairs


@pytest.mark.parametrize("feature", FEATURES)
def test_labelled_set_f1(feature):
    """The set the model learned from (with the rules tuned on its older files): fitting it is the floor."""
    utts, answers = _utterance_pairs(DATA, feature), _answer_pairs(DATA, feature)
    assert len(utts) >= 250 and len({a.id for p in DATA.glob("*answers*.txt") for a in load_answers(p)}) >= 30
    assert _f1(utts) >= 0.9 and _f1(answers) >= 0.9


@pytest.mark.parametrize("feature", FEATURES)
def test_heldout_set_f1(feature):
    """Utterances and answers written blind to the rules and never trained on (benchmarks/accuracy.py prints them all).

    The bound sits under the measured figures (0.86-0.99 per feature on text at the last retraining) to
    catch a regression, not to claim the issue's 0.90: accuracy.py reports where each feature stands.
    """
    pairs = _utterance_pairs(HELDOUT, feature) + _answer_pairs(HELDOUT, feature)
    assert len(pairs) >= 700
    assert _f1(pairs) >= 0.7
