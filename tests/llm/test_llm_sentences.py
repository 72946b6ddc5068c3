"""Reading a probe while it streams: a JSON string field from partial text, and complete sentences."""

from __future__ import annotations

import pytest

from mockvoice.llm.client import LLMReplyError
from mockvoice.llm.sentences import json_object, partial_field, split_sentences

FULL = '{"probe": "You chose Redis \\u2014 why? What if it \\"loses\\" a write?", "feature": "failure_mode"}'


def test_partial_field_grows_with_the_stream():
    seen = [partial_field(FULL[:n], "probe") for n in range(len(FULL) + 1)]
    assert seen[5] is None
    assert all(s is None or not s[1] for s in seen[: FULL.index('", "feature')])
    assert seen[-1] == ('You chose Redis \u2014 why? What if it "loses" a write?', True)
    texts = [s[0] for s in seen if s is not None]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))  # never un-says anything


@pytest.mark.parametrize(
    "text, closed, expected",
    [
        ("What breaks first? And", False, ["What breaks first?"]),
        ("What breaks first?", False, []),
        ("What breaks first?", True, ["What breaks first?"]),
        ("Say we use Kafka, e.g. for replay. Why not SQS?", True, ["Say we use Kafka, e.g. for replay.", "Why not SQS?"]),
        ("Latency is 2.5 s now. What changes? ", False, ["Latency is 2.5 s now.", "What changes?"]),
        ("", True, []),
    ],
)
def test_split_sentences(text, closed, expected):
    assert split_sentences(text, closed) == expected


def test_json_object_tolerates_fences_but_not_garbage():
    assert json_object('```json\n{"a": 1}\n```') == {"a": 1}
    for bad in ("no json here", '{"a": 1', ""):
        with pytest.raises(LLMReplyError) as info:
            json_object(bad)
        assert info.value.reason == "malformed"
