"""Question-specific advice: what a strong answer to this kind of question would add, feature by feature."""

from __future__ import annotations

import re
from functools import lru_cache

from .coverage import cue_said, words_of
from .rubric import ROUND_KINDS

__all__ = ["advice_for", "topic_of", "unsaid", "without_said_examples"]

def _rx(words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + words + r")")


# (kind of round, topic keywords, {feature: what a strong answer to that kind of question adds}); keywords are word starts,
# so "drive" must not find "drivers" ("drive\\b") nor "ride" "override" (the leading \\b is added by _rx)
_TOPICS: list[tuple[str, re.Pattern[str], dict[str, str]]] = [
    ("design", _rx(r"url|short(?:en|ener| link)|bit\.?ly|tinyurl"), {
        "clarifying_question": "how many links are created a day, the read/write ratio, whether links expire, and whether custom aliases are needed",
        "trade_off": "hash-based versus counter-based ids, or a key-value store versus a relational database for the mapping",
        "failure_mode": "the cache in front of the mapping going down, a viral link becoming a hot key, and id collisions",
        "scale_estimate": "links per day to writes per second, reads at about 100:1, and storage per year",
        "monitoring": "redirect p99 latency and the 404/error rate against an SLO",
    }),
    ("design", _rx(r"chat|messag|whatsapp|slack|messenger"), {
        "clarifying_question": "group sizes, delivery-order guarantees, whether history is stored, and online/offline delivery",
        "trade_off": "fan-out on write versus on read for groups, or websockets versus long polling",
        "failure_mode": "a gateway dying with open connections, duplicate or out-of-order messages on reconnect",
        "scale_estimate": "daily users times messages per user to messages per second, and connections per gateway",
        "monitoring": "delivery latency p99 and open connections per gateway, with alerts",
    }),
    ("design", _rx(r"feed|timeline|twitter|instagram|social"), {
        "clarifying_question": "the read/write ratio, whether the feed is ranked, and how fresh it must be",
        "trade_off": "push (fan-out on write) versus pull, and the hybrid for accounts with many followers",
        "failure_mode": "fan-out workers falling behind, a celebrity post overloading the writers, a stale cache",
        "scale_estimate": "daily users times feed opens to reads per second, and posts times followers to fan-out writes",
        "monitoring": "time from post to appearance in followers' feeds, and feed latency p99",
    }),
    ("design", _rx(r"rate limit|throttl"), {
        "clarifying_question": "whether limits are per user, per key or per IP, how exact they must be, and the request rate",
        "trade_off": "fixed window versus sliding window versus token bucket, or local versus shared counters",
        "failure_mode": "the counter store being unreachable (fail open or closed?) and clock skew between gateways",
        "scale_estimate": "requests per second to counter operations per second on the store",
        "monitoring": "rejected requests per key and limiter latency, with an alert on sudden spikes",
    }),
    ("design", _rx(r"notif|email|push|sms"), {
        "clarifying_question": "which channels, how fast delivery must be, and how many notifications a day",
        "trade_off": "a managed queue versus running Kafka, or batching versus sending at once",
        "failure_mode": "a provider outage (retry with backoff, dead-letter queue) and duplicate sends (idempotency keys)",
        "scale_estimate": "users times notifications per user per day to sends per second at peak",
        "monitoring": "send failure rate per provider and the age of the oldest queued message",
    }),
    ("design", _rx(r"payment|checkout|billing|wallet|bank"), {
        "clarifying_question": "whether you call a provider, the cost of a double charge, and refunds or partial captures",
        "trade_off": "consistency versus latency on the ledger, or synchronous versus queued capture",
        "failure_mode": "a provider timeout after charging (idempotency keys, reconciliation) and a crash mid-payment",
        "scale_estimate": "payments per day to payments per second at peak",
        "monitoring": "reconciliation mismatches, decline rate and provider latency, with paging",
    }),
    ("design", _rx(r"search|autocomplete|typeahead|suggest"), {
        "clarifying_question": "query volume, corpus size and update rate, typo tolerance, personalisation, and the latency budget",
        "trade_off": "precomputed suggestions versus a trie, or a managed search service versus running a cluster",
        "failure_mode": "the index lagging behind the source of truth, and a slow search cluster blocking the page",
        "scale_estimate": "searches per second times keystrokes to suggestion requests, and index size in GB",
        "monitoring": "search latency p99, zero-result rate and click-through on results",
    }),
    ("design", _rx(r"file|storage|dropbox|drive\b|upload|photo|video|image"), {
        "clarifying_question": "maximum file size, sync across devices, version history, and sharing",
        "trade_off": "deduplicating chunks versus simpler deletes, or direct-to-object-storage uploads versus proxying",
        "failure_mode": "uploads dying halfway (resumable chunks) and two devices editing the same file",
        "scale_estimate": "users times storage per user to total petabytes, and uploads per second",
        "monitoring": "upload failure rate per client version and sync lag",
    }),
    ("design", _rx(r"ride|uber|lyft|driver|location|delivery app"), {
        "clarifying_question": "regions, how often drivers report location, and whether riders see cars move live",
        "trade_off": "geohash versus quadtree for finding nearby drivers",
        "failure_mode": "a hot downtown cell at rush hour, and the matcher crashing mid-match",
        "scale_estimate": "active drivers times location updates to writes per second",
        "monitoring": "match latency and the share of requests with no driver found, per city",
    }),
    ("design", _rx(r"cache|caching"), {
        "clarifying_question": "the read/write ratio, how stale data may be, and the size of the hot set",
        "trade_off": "write-through versus cache-aside, and TTL length versus staleness",
        "failure_mode": "a cache stampede when a hot key expires, and the database overloaded when the cache is down",
        "scale_estimate": "hot items times item size to cache memory, and the hit rate needed to protect the database",
        "monitoring": "hit rate, eviction rate and database load, with an alert when the hit rate drops",
    }),
    ("debugging", _rx(r"500|errors? in production|outage|incident|5xx|failing"), {
        "clarifying_question": "since when, which endpoints and regions, what share of requests, and what changed recently",
        "trade_off": "rolling back (fast, loses the feature) versus a hotfix (keeps it, slower and riskier)",
        "failure_mode": "a bad deploy, a dependency timing out, or an exhausted pool, and mitigating before fixing",
        "scale_estimate": "the error rate times traffic to failures per second and users affected",
        "monitoring": "the error-rate dashboard split by endpoint and region, then logs and traces for failing requests",
    }),
    ("debugging", _rx(r"slow|latency|performance"), {
        "clarifying_question": "who is affected, how slow, and since when",
        "trade_off": "a proper fix (an index, a rewrite) versus a quick mitigation, and what each costs",
        "failure_mode": "a missing index or full scan, pool exhaustion, or a slow dependency",
        "scale_estimate": "how far p99 moved and how many requests it touches",
        "monitoring": "the p99 latency graph and traces to find which span grew",
    }),
    ("debugging", _rx(r"memory|out of memory|oom\b|leak|restart"), {
        "clarifying_question": "when it started and which release it started with",
        "trade_off": "rolling back now versus debugging in production",
        "failure_mode": "a leak in the new release, and a rollback as the stopgap",
        "scale_estimate": "growth in MB per hour to time until the next crash",
        "monitoring": "the memory graph per instance and restart counts",
    }),
    ("debugging", _rx(r"queue|backlog|lag\b|consumer"), {
        "clarifying_question": "how far behind, whether it is still growing, and whether volume rose or consumers slowed",
        "trade_off": "scaling out consumers versus protecting a slow downstream",
        "failure_mode": "a poison message blocking a partition, or a slow downstream holding consumers",
        "scale_estimate": "backlog size divided by net drain rate to time to catch up",
        "monitoring": "consumer lag and processing time per message",
    }),
    ("behavioral", _rx(r"project|proud|walk me through|disagree|conflict|decision|time you|tell me about|bug|incident"), {
        "clarifying_question": "what the interviewer wants to hear about, if the question is open",
        "trade_off": "the options you considered and why you chose one, with what it cost",
        "failure_mode": "what went wrong along the way and what you did about it",
        "scale_estimate": "the outcome with numbers (before and after, and what it means per user or per day)",
        "monitoring": "the metric or dashboard that showed it worked",
    }),
]
_SUBJECT = re.compile(r"^(?:design|build|architect|how would you (?:design|build))\s+((?:a |an |the )?.+?)[.?!]?$", re.I)


# only topics of the rubric's kind of round (rubric.ROUND_KINDS) count: a debugging question about checkout is about
# the incident, not payment design, and a behavioral story about an incident is a story; other rubrics take any topic
# the general advice for a debugging question with no topic of its own (a stale cache, a failed deploy, DNS)
_INCIDENT = {
    "clarifying_question": "who is affected and how, since when, and what changed just before it started",
    "trade_off": "a quick mitigation (roll back, fail over, turn the feature off) versus the proper fix, and what each costs",
    "failure_mode": "the likely causes ranked by the evidence, and how you would stop the harm before finding the root cause",
    "scale_estimate": "how many users, requests or records are affected, worked out from the rate and the traffic",
    "monitoring": "the dashboards, logs and traces that would confirm or rule out each cause",
}
# a round of a kind with no topic of its own: its general advice (a story is a story); designs differ too much for one
_GENERAL = {"debugging": _INCIDENT, "behavioral": next(table for kind, _, table in _TOPICS if kind == "behavioral")}


def topic_of(question: str | None, keywords: tuple[str, ...] = (), rubric: str | None = None) -> dict[str, str] | None:
    """The advice table of the first topic of the rubric's kind that the question (or keywords) matches."""
    text = " ".join(filter(None, [question or "", *keywords])).lower()
    if not text.strip():
        return None
    kind = ROUND_KINDS.get(rubric or "") or _bank_kind(question)
    for topic_kind, rx, table in _TOPICS:
        if (kind is None or topic_kind == kind) and rx.search(text):
            return table
    # a debugging round or a story with no topic of its own still gets its kind's general advice; designs differ too much
    return _GENERAL.get(kind or "")


def _bank_kind(question: str | None) -> str | None:
    """The kind of round a bundled question is (by its bank rubric), for a rubric file of the user's own."""
    return ROUND_KINDS.get(_bank_rubrics().get(question.strip(), "")) if question else None


@lru_cache(maxsize=1)
def _bank_rubrics() -> dict[str, str]:
    """Question text -> its rubric id, read once per process (a re-score of thousands of sessions asks each time)."""
    try:
        from .prompts import load_questions

        return {q.text.strip(): q.rubric for q in load_questions()}
    except Exception:  # no bank, or a broken one: the question's words alone decide
        return {}


def advice_for(feature: str, question: str | None, keywords: tuple[str, ...] = (), rubric: str | None = None,
               said: str = "") -> str | None:
    """One sentence on what a strong answer to this question (scored with `rubric`) adds for `feature`, or None.

    `said`: what the answer said on this feature (cleaned, lower case). An item of the advice it already talks
    about ("hash-based versus counter-based ids" after the candidate weighed hashing against a counter) is left
    out: advice that names what was just said reads as if nobody listened. With every item said, there is none."""
    table = topic_of(question, keywords, rubric)
    if table and feature in table:
        left = unsaid(table[feature], said)
        return f"For this question a strong answer covers {left}." if left else None
    if question and (m := _SUBJECT.match(question.strip())):
        return f"Tie it to {m.group(1)} specifically."
    return None


# words an advice item shares with any answer, which say nothing of whether its subject was covered
_PLAIN = frozenset(
    "about across against along based before after between both each either from front going into more most much "
    "must need needed only other over same some such than that their them then there these they this those through "
    "under until versus were what when where whether which while with would your "
    "the and for per how are its can has was any all not you one two out off own new too who why use way few".split()
)


def unsaid(advice: str, said: str) -> str:
    """The items of one advice list ("a, b, and c" or "a, or b") that `said` does not already talk about, as a list.

    An item is said when at least two thirds of its content words are in the answer (`_cues`). Unsure is kept:
    a dropped item is advice lost."""
    if not said:
        return advice
    items, joiner = _items(advice)
    left = [item for item in items if not _said(item, said)]
    if len(left) == len(items):
        return advice
    if len(left) <= 1:
        return "".join(left)
    return ", ".join(left[:-1]) + f"{',' if len(left) > 2 else ''} {joiner} " + left[-1]


_EXAMPLES = re.compile(r"\s*\(([^()]*,[^()]*)\)")


def without_said_examples(text: str, said: str) -> str:
    """`text` with each bracketed list of examples ("(a dependency down, timeouts, replication lag)") cut to the
    examples `said` does not already give; a list whose every example was said goes."""
    if not said:
        return text

    def keep(m: re.Match[str]) -> str:
        left = unsaid(m.group(1), said)
        return f" ({left})" if left else ""

    return _EXAMPLES.sub(keep, text)


@lru_cache(maxsize=256)
def _items(advice: str) -> tuple[tuple[str, ...], str]:
    """An advice list split at its commas (not those inside brackets), and whether it joins with "and" or "or"."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(advice):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(advice[start:i])
            start = i + 1
    parts.append(advice[start:])
    items = tuple(re.sub(r"^(?:and|or)\s+", "", p.strip()) for p in parts if p.strip())
    return items, "or" if re.search(r",\s+or\s", advice) else "and"


@lru_cache(maxsize=512)
def _cues(item: str) -> tuple[str, ...]:
    """An item's content words as `coverage.cue_said` cues: a long word by its stem ("collisions" -> "colli",
    "expire" -> "expir"), a short one whole with its endings ("hash" finds "hashing", "hot" is not "hotel")."""
    words = [w for w in re.findall(r"[a-z0-9]+", item.lower()) if (len(w) >= 3 or w.isdigit()) and w not in _PLAIN]
    return tuple(w[:max(5, len(w) - 5)] if len(w) > 5 else (w[:-1] if w.endswith("s") and len(w) > 2 else w)
                 for w in words)


def _said(item: str, said: str) -> bool:
    cues, norm = _cues(item), words_of(said)
    return bool(cues) and sum(1 for c in cues if cue_said(c, norm)) * 3 >= 2 * len(cues)
