"""Re-scoring joins a session's answers with transcript.Joined; it must score exactly as listener.merge_chunks does."""

from __future__ import annotations

import random

from mockvoice.listener import merge_chunks
from mockvoice.scoring import score_transcript
from mockvoice.transcript import Joined, Segment, Transcript, Word

SENTENCES = [
    "How many users do we expect per day?", "um so I'd pick Redis over Memcached because we need persistence, but it costs memory.",
    "If the cache goes down we fall back to the database.", "A hundred million a day is about twelve hundred per second.",
    "We alert on p99 latency against an SLO.", "Then the workers consume the queue.", "uh let me think",
]


def _answer(rng: random.Random) -> Transcript:
    t, segments = rng.uniform(0.1, 1.0), []
    for _ in range(rng.randint(2, 8)):
        words = []
        for tok in rng.choice(SENTENCES).split():
            d = rng.uniform(0.2, 0.6)
            words.append(Word(text=tok, start=round(t, 3), end=round(t + d, 3), probability=0.9))
            t += d + rng.choice([0.0, 0.1, 0.9, 3.2])
        segments.append(Segment(text=" ".join(w.text for w in words), start=words[0].start, end=words[-1].end, words=tuple(words)))
    return Transcript(text=" ".join(s.text for s in segments), segments=tuple(segments), duration=round(t + 0.5, 3), model="tiny.en")


def test_joined_scores_exactly_as_merged_chunks():
    rng = random.Random(11)
    for _ in range(40):
        parts = [_answer(rng) for _ in range(rng.randint(2, 4))]
        chunks, offset = [], 0.0
        for p in parts:
            chunks.append((offset, p))
            offset += p.duration
        answers = rng.random() < 0.5  # whole answers (the interview's card) or chunks of one answer
        merged, joined = merge_chunks(chunks, offset, answers=answers), Joined.of(chunks, offset, answers=answers)
        assert joined.answer_starts == merged.answer_starts == (tuple(o for o, _ in chunks[1:]) if answers else ())
        assert joined.text == merged.text
        assert [(w.text, w.start, w.end) for w in joined.words] == [(w.text, w.start, w.end) for w in merged.words]
        assert score_transcript(joined, "system-design", question="Design a URL shortener.") == \
            score_transcript(merged, "system-design", question="Design a URL shortener.")
