"""Shortcuts on the re-scoring path (pause threshold, filler memo, utterance split, joined words) keep every result."""

from __future__ import annotations

import random

from mockvoice.delivery import is_filler, measure_delivery
from mockvoice.transcript import Joined, Segment, Transcript, Word
from mockvoice.utterances import GAP_BREAK_S, split_utterances


def _transcript(gaps: list[float], texts: list[str]) -> Transcript:
    words, t = [], 0.25
    for gap, text in zip(gaps, texts):
        words.append(Word(text=text, start=round(t, 4), end=round(t + 0.3, 4)))
        t += 0.3 + gap
    return Transcript(text=" ".join(texts), segments=(Segment(text=" ".join(texts), words=tuple(words)),))


def test_long_pauses_at_the_rounding_edge():
    """Gaps a hair under the threshold that round up to it still count, as `round(gap, 3) >= threshold` says."""
    gaps = [3.0 + k / 20000 for k in range(-40, 41)] + [0.2, 5.0, 2.9, 2.9994999, 2.9995, 2.99950001]
    tr = _transcript(gaps, [f"w{i}" for i in range(len(gaps))])
    d = measure_delivery(tr, long_pause_s=3.0)
    ws = tr.words
    expected = [(a.end, b.start) for a, b in zip(ws, ws[1:]) if round(b.start - a.end, 3) >= 3.0]
    assert [(p.start, p.end) for p in d.long_pauses] == expected
    assert 0 < len(expected) < len(gaps) - 1
    assert any(b - a < 3.0 for a, b in expected)  # some counted gap is under 3.0 before rounding


def test_filler_count_matches_is_filler_on_every_word():
    tokens = ["um", "Um,", "uh.", "(uh)", "like", "so", "erm?", "mmhmm", "hmm\u2026", "u-m", "the", "Uhh", "um's", "ah!"]
    rng = random.Random(3)
    texts = [rng.choice(tokens) for _ in range(300)]
    tr = _transcript([0.1] * len(texts), texts)
    for _ in range(2):  # the second time from the memo
        assert measure_delivery(tr).fillers == sum(is_filler(t) for t in texts)


def test_utterances_break_at_sentence_ends_and_long_gaps():
    texts = ["so", "first.", "then", "\"quoted?\"", "(aside.)", "x", "'", "", "end!", "tail"]
    gaps = [0.1, 0.1, 0.1, 0.1, GAP_BREAK_S + 0.05, GAP_BREAK_S - 0.05, 0.1, 0.1, 0.1, 0.1]
    utts = split_utterances(_transcript(gaps, texts))
    assert [u.text for u in utts] == ["so first.", "then \"quoted?\"", "(aside.)", "x '  end!", "tail"]
    assert utts[3].start == _transcript(gaps, texts).words[5].start and utts[3].end == _transcript(gaps, texts).words[8].end


def test_a_pause_before_a_capitalised_sentence_opener_ends_an_utterance():
    """Whisper wrote no stop but capitalised the next sentence ("...from the cache One hundred million clicks..."):
    the failure mode and the scale estimate were one utterance, and only one of them could count."""
    said = "we serve hot links from the cache One hundred million clicks a day I will alert on Postgres".split()
    gaps = [0.1] * len(said)
    gaps[said.index("cache")] = 0.4  # before "One"
    gaps[said.index("day")] = 0.4  # before "I"
    gaps[said.index("on")] = 0.4  # before "Postgres": a name, not an opener
    assert [u.text for u in split_utterances(_transcript(gaps, said))] == [
        "we serve hot links from the cache", "One hundred million clicks a day", "I will alert on Postgres"]
    gaps[said.index("cache")] = 0.2  # no pause: no break
    assert split_utterances(_transcript(gaps, said))[0].text.endswith("cache One hundred million clicks a day")


def test_joined_words_are_shifted_and_rounded_like_before():
    a = _transcript([0.1, 0.2, 0.3], ["one", "two", "three."])
    b = Transcript(text="four five", segments=(Segment(text="four five", words=(Word(text="four", start=0.1234567, end=None),
                                                                                  Word(text="five", start=None, end=0.9876543))),))
    j = Joined.of([(0.0, a), (1.0000001, b)], 2.00049)
    assert [tuple(w) for w in j.words[3:]] == [("four", round(0.1234567 + 1.0000001, 3), None, None),
                                               ("five", None, round(0.9876543 + 1.0000001, 3), None)]
    assert type(j.words[0]).__name__ == "WordAt" and j.words[0].text == "one" and j.duration == 2.0


def test_scorecard_hash_follows_each_rubric_object():
    """The content hash is remembered per rubric object; a changed rubric (a new object) gets its own."""
    from mockvoice.rubric import load_rubric
    from mockvoice.scoring import score_transcript

    rb = load_rubric("system-design")
    feats = list(rb.features)
    feats[0] = feats[0].model_copy(update={"weight": feats[0].weight + 1})
    other = rb.model_copy(update={"features": tuple(feats)})
    tr = Transcript.from_text("How many users do we expect? We cache reads in Redis because it is fast but costs memory.")
    for r in (rb, other, rb, other):
        assert score_transcript(tr, r).rubric_hash == r.content_hash
    assert rb.content_hash != other.content_hash


def test_joined_rounding_shortcut_is_bit_exact():
    """Joined.of rounds shifted times without round() where that is provably exact; check it on hard values."""
    import math
    import struct

    rng = random.Random(11)
    starts = [round(rng.uniform(0, 900), rng.choice([1, 2, 3, 4, 6])) for _ in range(10000)]
    starts += [rng.uniform(0, 5000) for _ in range(10000)]
    for k in rng.sample(range(10_000_000), 3000):  # at and around the ties k.5 / 1000
        tie = (k + 0.5) / 1000
        starts += [tie, math.nextafter(tie, 0), math.nextafter(tie, math.inf), tie + 2e-13, tie - 2e-13]
    starts += [0.0, -0.0, -0.0001, -0.0004999, -1.2345, 5e-5, 4.9999e-4, 1e9 + 0.0005, 1e11 + 0.1235, 3e12 + 0.5,
               1e300, math.inf, -math.inf, math.nan]
    offsets = [0.0, 0.1, 12.345, 1e-7, 3599.9995]
    from mockvoice.session import _SummaryTranscript
    from mockvoice.transcript import WordAt

    words = tuple(Word(text="w", start=v, end=v) for v in starts)
    tr = Transcript(text="w", segments=(Segment(text="w", words=words),))
    summary = _SummaryTranscript.model_validate(tr.model_dump())  # words as WordAt tuples (a re-score's read)
    assert {type(w) for w in summary.words} == {WordAt}
    # a word without times sends its transcript's times word by word (`_round_ms`)
    untimed = Transcript(text="w", segments=(Segment(text="w", words=words[::4] + (Word(text="x"),)),))
    bits = lambda xs: struct.pack(f"<{len(xs)}d", *xs)  # noqa: E731  (bit for bit: -0.0 is not 0.0)
    for off in offsets:
        want = [round(v + off, 3) for v in starts]
        for t, w in ((tr, want), (summary, want), (untimed, want[::4])):
            got = Joined.of([(off, t)], 1.0).words[:len(w)]
            assert bits([x.start for x in got]) == bits(w) and bits([x.end for x in got]) == bits(w), (off, type(t))
    got = Joined.of([(off, t) for off in offsets for t in (tr, summary)], 1.0).words  # each word its chunk's offset
    want = bits([round(v + off, 3) for off in offsets for _ in (tr, summary) for v in starts])
    assert bits([x.start for x in got]) == want and bits([x.end for x in got]) == want
