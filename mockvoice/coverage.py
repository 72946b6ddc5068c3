"""What an answer already covered of a rubric feature and what is left: aspects, a short acknowledgement, the ask.

Each feature that can be partly covered has a catalog of aspects (from DOMAIN.md: the scoping
questions, choices, failure modes and signals interviewers look for), each with word cues. The
feature's evidence quotes say which aspects were covered; the question's own text and probes say
which of the rest matter most for this question. All of it is pure and deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .prompts import Question
from .scorecard import FeatureScore

__all__ = ["Aspect", "aspects_for", "aspects_in", "acknowledge", "gap_probe", "covers", "cue_said", "words_of", "assumptions"]


@dataclass(frozen=True)
class Aspect:
    """One thing a feature can cover: a spoken phrase for it and word cues that show it was said."""

    key: str
    phrase: str
    cues: tuple[str, ...]  # word starts ("expir": "expire", "expiry"); cues of up to four letters: whole words


def _a(key: str, phrase: str, *cues: str) -> Aspect:
    return Aspect(key, phrase, cues)


_SCOPING_DESIGN = (
    _a("users", "who uses it", "who", "user", "customer", "audience"),
    _a("traffic", "how much traffic to expect", "how many", "how much", "how often", "traffic", "volume", "qps",
       "per day", "per second", "a day", "a second", "requests"),
    _a("read_write", "the read to write ratio", "read", "write", "ratio"),
    _a("latency", "the latency target", "latency", "how fast", "millisecond", "response time"),
    _a("consistency", "how fresh the data must be", "consisten", "fresh", "stale", "real time"),
    _a("retention", "when data expires", "expir", "retention", "retain", "how long", "delet", "ttl"),
    _a("availability", "the availability target", "availab", "uptime", "downtime"),
    _a("features", "which features are in scope", "feature", "scope", "custom", "analytics", "mvp"),
    _a("budget", "the budget", "budget", "cost", "spend"),
    _a("compliance", "privacy rules", "complian", "regulat", "gdpr", "privacy", "legal"),
    _a("stack", "the existing stack and team", "existing", "stack", "already", "team", "legacy"),
)
_SCOPING_INCIDENT = (
    _a("since", "when it started", "when", "since", "start"),
    _a("affected", "who is affected", "who", "affected", "region", "which user", "customer"),
    _a("change", "what changed recently", "chang", "deploy", "release", "config", "rollout", "migrat"),
    _a("where", "which endpoints are failing", "endpoint", "instance", "host", "partition", "node", "pod", "server"),
    _a("rate", "how bad the error rate is", "error rate", "how many", "how much", "percent", "rate"),
    _a("dependency", "whether a dependency is unhealthy", "dependenc", "downstream", "upstream", "provider", "third party"),
)
_CHOICES = (
    _a("storage", "where the data is stored", "database", "sql", "nosql", "postgres", "mysql", "cassandra", "dynamo",
       "mongo", "storage"),
    _a("cache", "where to cache", "cache", "redis", "memcache", "cdn"),
    _a("messaging", "direct calls versus a queue", "queue", "kafka", "sqs", "async", "event", "stream"),
    _a("consistency", "strong versus eventual consistency", "consisten", "eventual"),
    _a("push_pull", "pushing versus pulling", "push", "pull", "poll", "websocket"),
    _a("partitioning", "how the data is partitioned", "shard", "partition"),
    _a("build_buy", "building it versus a managed service", "managed", "vendor", "buy", "off the shelf", "hosted"),
    _a("ids", "how ids are generated", "counter", "hash", "uuid", "random", "snowflake"),
)
_FAILURES_DESIGN = (
    _a("dependency_down", "a dependency going down", "down", "outage", "unavailable", "unreachable", "crash", "offline"),
    _a("timeouts", "slow calls and timeouts", "timeout", "time out", "timing out", "slow", "retry", "retri", "backoff", "slower"),
    _a("hot_key", "a hot key during a traffic spike", "hot", "viral", "spike", "burst", "thundering", "stampede", "overload",
       "ten times", "10x", "10 times", "at once", "flash sale", "rush"),
    _a("replication", "replication lag during a failover", "replica", "lag", "lagging", "failover", "fail over"),
    _a("data_loss", "losing data", "data loss", "lose data", "lost", "corrupt", "durab"),
    _a("duplicates", "duplicate messages", "duplicat", "poison", "idempot", "twice"),
    _a("spof", "a single point of failure", "single point", "spof"),
    _a("cascade", "a cascading failure", "cascad", "circuit breaker"),
)
_FAILURES_INCIDENT = (
    _a("deploy", "a bad deploy", "deploy", "release", "rollout", "new version"),
    _a("dependency", "a dependency timing out", "dependenc", "database", "downstream", "provider", "timeout", "timing out"),
    _a("exhaustion", "an exhausted connection pool", "pool", "memory", "cpu", "exhaust", "disk", "thread", "connection"),
    _a("traffic", "a traffic spike", "traffic", "spike", "surge", "load"),
    _a("config", "a config change", "config", "certificate", "flag", "secret"),
    _a("bad_data", "a poison message", "poison", "bad data", "malformed", "payload"),
)
_SIZES = (
    _a("rate", "requests per second", "per second", "a second", "qps", "rps", "throughput", "traffic"),
    _a("peak", "the peak against the average", "peak", "spike", "burst", "ten times", "10x", "10 times", "at once", "rush"),
    _a("storage", "storage per year", "storage", "byte", "gigabyte", "terabyte", "petabyte", "gb", "tb", "pb", "disk"),
    _a("growth", "growth over a year", "grow", "growth", "per year", "a year", "doubl"),
    _a("memory", "memory for the hot set", "memory", "ram", "hot set", "in memory"),
    _a("fleet", "how many servers it takes", "server", "machine", "node", "instance", "shard"),
    _a("bandwidth", "bandwidth", "bandwidth", "egress", "mbps", "gbps"),
)
_SIGNALS = (
    _a("dashboards", "the latency dashboards", "dashboard", "error rate", "latency", "p99", "metric", "graph"),
    _a("logs", "the logs for the failing requests", "log", "logging"),
    _a("traces", "traces across services", "trace", "tracing", "span"),
    _a("alerts", "alerts against an SLO", "alert", "slo", "page", "paging"),
    _a("deploys", "the deploy history", "deploy", "release", "change log"),
    _a("resources", "CPU and memory use", "cpu", "memory", "connection", "saturat", "pool"),
)
_INCIDENT = ("debugging",)

# (feature, incident round?) -> aspects; the acknowledgement's verb; the ask, with {ctx} and {examples}.
_CATALOG: dict[tuple[str, bool], tuple[Aspect, ...]] = {
    ("clarifying_question", False): _SCOPING_DESIGN, ("clarifying_question", True): _SCOPING_INCIDENT,
    ("trade_off", False): _CHOICES, ("trade_off", True): _CHOICES,
    ("failure_mode", False): _FAILURES_DESIGN, ("failure_mode", True): _FAILURES_INCIDENT,
    ("monitoring", False): _SIGNALS, ("monitoring", True): _SIGNALS,
    ("scale_estimate", False): _SIZES, ("scale_estimate", True): _SIZES,
}
_VERB = {"clarifying_question": "You asked", "trade_off": "You weighed", "scale_estimate": "You estimated",
         ("failure_mode", False): "You covered", ("failure_mode", True): "You suspected"}
_ASK = {
    ("clarifying_question", "system-design"): "What else would change how you design {ctx}{examples}?",
    ("clarifying_question", "architecture-review"): "What else would you ask the team about {ctx}{examples}?",
    ("clarifying_question", "debugging"): "What else would you ask before touching {ctx}{examples}?",
    ("trade_off", None): "Which other choice in {ctx} has a real alternative{examples}, and what would you give up?",
    ("failure_mode", "debugging"): "What other cause would you check in {ctx}{examples}, and how would you mitigate it first?",
    ("failure_mode", None): "What else is likely to break in {ctx}{examples}, and what would the design do about it?",
    ("monitoring", None): "Which other signal would you read on {ctx}{examples}?",
    ("scale_estimate", None): "What else would you size for {ctx}{examples}, with the arithmetic?",
}
_LEADING = frozenset("so then and but also well okay ok first next um uh".split())
_JOINTS = frozenset("and but so because then which while or where".split())
_TRAILING = frozenset("and or but so the a an to of for with in on at that which because if then".split())
_LOWER_FIRST = frozenset(
    "who what when where which why how do does did is are can could will would should if we you they it its "
    "the a an so then and but or one our my this that there for in on at to with when rolling".split())


def words_of(text: str) -> str:
    """Lower-case words between single spaces, with a space at each end, for `cue_said`."""
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def cue_said(cue: str, norm: str) -> bool:
    """A cue of five letters or more is a word start ("expir"); a shorter one a whole word or its plural
    or -ing form, so "who" is not found in "whole" nor "read" in "ready"."""
    if len(cue) > 4:
        return f" {cue}" in norm
    return re.search(rf" {re.escape(cue)}(?:s|es|ing|ed)? ", norm) is not None


def aspects_for(feature_id: str, question: Question) -> tuple[Aspect, ...]:
    """The catalog of aspects for a feature in this kind of round (empty when there is none)."""
    return _CATALOG.get((feature_id, question.topic in _INCIDENT), ())


def aspects_in(aspects: tuple[Aspect, ...], texts) -> set[str]:
    """Keys of the aspects any of `texts` mentions."""
    norm = words_of(" ".join(texts))
    return {a.key for a in aspects if any(cue_said(c, norm) for c in a.cues)}


def covers(feature_id: str, fs: FeatureScore | None, question: Question, probe_text: str) -> bool:
    """Whether the feature's evidence already covers every aspect the probe asks about."""
    aspects = aspects_for(feature_id, question)
    if fs is None or not fs.evidence or not aspects:
        return False
    asks = aspects_in(aspects, [probe_text])
    return bool(asks) and asks <= aspects_in(aspects, [e.text for e in fs.evidence])


def _quote(text: str, max_words: int = 10) -> str:
    """A short quote of one piece of evidence: its first real clause, at most `max_words` words, no dangling ends."""
    clauses = []
    for clause in re.split(r"[,;:]|[.?!]+(?:\s+|$)", text.replace('"', "").strip(" …")):  # a window's "…" is no word
        words = clause.strip(" \"'…").split()
        while words and words[0].lower() in _LEADING:
            words = words[1:]
        if words:
            clauses.append(words)
    if not clauses:
        return ""
    words = next((c for c in clauses if len(c) >= 3), clauses[0])
    if len(words) > max_words:  # cut at the last joint that keeps a whole phrase, else at the limit
        joints = [i for i in range(3, max_words + 1) if words[i].lower() in _JOINTS]
        words = words[:joints[-1]] if joints else words[:max_words]
    while len(words) > 1 and words[-1].lower() in _TRAILING:
        words = words[:-1]
    if words[0] != "I" and re.sub(r"'.*", "", words[0].lower()) in _LOWER_FIRST:
        words[0] = words[0].lower()
    return " ".join(words)


def acknowledge(feature_id: str, fs: FeatureScore, question: Question, limit: int = 2) -> str:
    """One sentence quoting what the answer already said for the feature, e.g. `You asked "who uses it".`"""
    verb = _VERB.get(feature_id) or _VERB.get((feature_id, question.topic in _INCIDENT), "You mentioned")
    quotes = list(dict.fromkeys(q for q in (_quote(e.text) for e in fs.evidence) if q))[:limit]
    if not quotes:
        return ""
    return f"{verb} " + " and ".join(f'"{q}"' for q in quotes) + "."


def _ask(feature_id: str, question: Question) -> str | None:
    return _ASK.get((feature_id, question.topic)) or _ASK.get((feature_id, None))


_ASSUMED = re.compile(r"\b(?:assum|let's say|let us say|say we have|suppose|i'll take it|i will take it)", re.I)


def assumptions(texts) -> list[str]:
    """The sentences of `texts` that state an assumption ("I'll assume links expire after a year"): a scope settled
    out loud, which a scoping probe should not ask about again."""
    return [s for t in texts for s in re.split(r"(?<=[.?!])\s+", t) if _ASSUMED.search(s)]


def gap_probe(feature_id: str, fs: FeatureScore, question: Question, hints: tuple[str, ...] = (),
              stated: tuple[str, ...] = ()) -> str:
    """A probe for a partly covered feature: acknowledge what was said, then ask for what is still missing.

    The examples it offers are aspects the evidence does not cover, those the question's own probes
    for the feature (`hints`, best first) first, so the ask fits this question. What the question's text
    mentions comes next for most features ("this design's cache"), but last for scoping: the question already
    states it ("about five percent of requests" needs no "how bad is the error rate?"). `stated`: the answer's
    assumptions, which settle scope as a question would.
    """
    aspects = aspects_for(feature_id, question)
    done = aspects_in(aspects, [e.text for e in fs.evidence])
    scoping = feature_id == "clarifying_question"
    if scoping and stated:
        done |= aspects_in(aspects, stated)
    ranked = []
    for a in aspects:  # the feature's own probes for this question first, then by the question's text, then catalog order
        if a.key in done:
            continue
        hinted = [i for i, h in enumerate(hints) if any(cue_said(c, words_of(h)) for c in a.cues)]
        in_question = any(cue_said(c, words_of(question.text)) for c in a.cues)
        ranked.append((hinted[0] if hinted else len(hints) + (0 if in_question != scoping else 1), a.phrase))
    ranked.sort(key=lambda r: r[0])  # stable: catalog order breaks ties
    left = [p for _, p in ranked[:2]]
    examples = f", for example {' or '.join(left)}" if left else ""
    ctx = question.context or "this design"
    template = _ask(feature_id, question)
    ask = template.format(ctx=ctx, examples=examples) if template else (
        f"What else would you add on {fs.name.lower()} for {ctx}?")
    head = acknowledge(feature_id, fs, question)
    return f"{head} {ask}" if head else ask
