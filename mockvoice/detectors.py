"""Feature detectors: pure functions that find rubric evidence in utterances.

Each detector takes the answer's utterances and returns the indices of those that show the
feature. They are rules over normalised spoken text, written so that every hit can be read
back as evidence. Add a detector by writing a function and registering it in DETECTORS.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .utterances import Utterance, normalise

__all__ = ["DETECTORS", "detect", "Detector"]

Detector = Callable[[list[Utterance], tuple[str, ...]], list[int]]


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


# --- clarifying questions -------------------------------------------------------------
_Q_OPEN = _rx(
    r"how (?:many|much|often|big|fast|large|long|strict|important)",
    r"what(?:'s| is| are| kind of| sort of| type of| level of| scale| about)",
    r"which", r"who (?:are|is|will)",
    r"(?:do|does|did|are|is|will|would|should|can|could|must|have) (?:we|you|they|the|it|users?|there|this|our)",
    r"is it", r"are there", r"i'd like to (?:ask|know|clarify|understand)", r"can i (?:ask|assume)",
    r"should i assume", r"let me (?:ask|clarify)", r"quick question", r"do we (?:need|care|have|expect)",
)
_SCOPE = _rx(
    r"users?", r"customers?", r"traffic", r"requests?", r"qps", r"rps", r"reads?", r"writes?", r"ratio",
    r"latency", r"consisten\w*", r"availab\w*", r"budget", r"cost", r"regions?", r"global\w*", r"scale",
    r"peak", r"features?", r"requirements?", r"scope", r"mobile", r"web", r"clients?", r"retention",
    r"stor\w+", r"data", r"sla\w*", r"slo\w*", r"compliance", r"gdpr", r"privacy", r"existing", r"stack",
    r"team", r"deadline", r"durab\w*", r"ordering", r"real ?time", r"expir\w*", r"custom", r"analytics",
    r"how many", r"how much", r"how often", r"growth", r"daily", r"per second", r"in scope", r"out of scope",
    r"priorit\w*", r"constraints?", r"assum\w*", r"deploy\w*", r"change\w*", r"affected", r"when did",
    r"error rate", r"since when", r"all (?:users|regions|endpoints)", r"cost of getting",
)
_CHECK_IN = _rx(
    r"(?:does|do) (?:that|this|it) (?:make sense|sound (?:good|ok|okay|right))", r"make sense",
    r"should i (?:go|keep|continue|dive|move)", r"(?:can|could) you hear me", r"is that (?:ok|okay|alright|fine|clear)",
    r"any questions", r"am i on (?:the )?right track", r"you know what i mean", r"want me to",
    r"shall i", r"are you following",
)
_EMPLOYER = _rx(
    r"(?:your|the) (?:company|culture|interview process|benefits|office)", r"work from home",
    r"what's it like", r"do you (?:enjoy|like) working", r"next steps", r"how big is your team",
)


def clarifying_question(utts: list[Utterance], phrases: tuple[str, ...] = ()) -> list[int]:
    hits = []
    for i, u in enumerate(utts):
        t = normalise(u.text)
        asks = u.is_question or bool(_Q_OPEN.match(t)) or bool(re.search(r"\b(?:can i ask|i'd like to know|let me clarify)\b", t))
        if not asks or _CHECK_IN.search(t) or _EMPLOYER.search(t):
            continue
        if not (_SCOPE.search(t) or u.is_question and len(t.split()) >= 5):
            continue
        # rhetorical: "what do we need? we need ..." answered by the candidate straight away
        if re.match(r"(?:so )?(?:what|how) (?:do|does|should) (?:we|i) (?:need|do|build|want)\b", t):
            continue
        hits.append(i)
    return hits


# --- trade-offs -----------------------------------------------------------------------
_TRADE = _rx(
    r"trade ?-?offs? (?:is|here is|would be|being)", r"at the (?:cost|expense) of", r"the (?:cost|downside|catch|price) (?:is|of)",
    r"downsides?", r"on the other hand", r"in exchange", r"instead of", r"rather than", r"versus", r"vs",
    r"compared (?:to|with)", r"pros and cons", r"but (?:it|that|this|we) (?:costs?|means?|adds?|loses?|gives? up|sacrifices?|requires?|is (?:harder|slower|more|less))",
    r"(?:simpler|cheaper|faster|slower|harder|easier|more expensive|less expensive|more complex) (?:than|but)",
    r"(?:better|worse) (?:for|at) .{1,40} but", r"we (?:give|gave) up", r"sacrific\w+", r"good enough",
    r"the (?:alternative|other option)", r"over (?:a|an|the)? ?\w+ because", r"i'd pick \w+ over", r"choose \w+ over",
)
_EMPTY_TRADE = _rx(r"there are (?:always )?trade ?-?offs", r"(?:everything|it) (?:is|has) (?:a )?trade ?-?offs?", r"it depends")


def trade_off(utts: list[Utterance], phrases: tuple[str, ...] = ()) -> list[int]:
    hits = []
    for i, u in enumerate(utts):
        t = normalise(u.text)
        if _TRADE.search(t) and not (_EMPTY_TRADE.search(t) and len(t.split()) < 12):
            hits.append(i)
    return hits


# --- failure modes --------------------------------------------------------------------
_FAIL = _rx(
    r"(?:goes|go|is|are|went) down", r"fails?", r"failures?", r"failing", r"crash\w*", r"outages?", r"time ?-?outs?",
    r"timed out", r"retr(?:y|ies|ied)", r"back ?-?off", r"circuit breakers?", r"fail ?-?over", r"replication lag",
    r"data loss", r"lose (?:data|writes|messages|events)", r"single points? of failure", r"stampede", r"thundering herd",
    r"poison (?:message|pill)s?", r"dead letter", r"degrad\w+", r"blast radius", r"fallbacks?", r"partitions?",
    r"split brain", r"unavailable", r"overload\w*", r"hot (?:key|shard|partition)s?", r"idempoten\w*",
    r"duplicates?", r"rate limit\w*", r"shed\w* load|load shedding", r"what (?:happens|breaks) (?:if|when)", r"breaks?",
    r"bottlenecks?", r"run out of", r"memory leak", r"corrupt\w*", r"roll ?back",
)
_DENIAL = _rx(
    r"(?:won't|will not|never|doesn't|does not|can't|cannot) (?:ever )?(?:go down|fail|crash|break|lose)",
    r"(?:handles?|takes care of) (?:that|it|failures?|all of that)", r"no need to worry", r"always (?:up|available)",
    r"(?:we|you) don't (?:really )?need to worry",
)


def failure_mode(utts: list[Utterance], phrases: tuple[str, ...] = ()) -> list[int]:
    return [i for i, u in enumerate(utts) if _FAIL.search(t := normalise(u.text)) and not _DENIAL.search(t)]


# --- scale estimates ------------------------------------------------------------------
_NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|hundred|thousand|million|billion|trillion|dozen)"
_QUANTITY = re.compile(r"\b(?:\d[\d,.]*\s?(?:k|m|b|kb|mb|gb|tb|pb|ms|x|%)?|" + _NUMBER_WORDS + r")\b")
_UNIT = _rx(
    r"per (?:second|day|month|year|user|hour|minute)", r"a (?:second|day|month|year)", r"qps", r"rps", r"requests?",
    r"bytes?", r"kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?", r"kb|mb|gb|tb|pb", r"users?", r"writes?",
    r"reads?", r"messages?", r"events?", r"bandwidth", r"storage", r"seconds in a day", r"daily",
)
_ARITH = _rx(
    r"times", r"divided by", r"multiplied", r"over (?:a|the|one)? ?(?:day|second|month|year)", r"per", r"so (?:about|roughly|around)?",
    r"which (?:is|gives|comes to)", r"that's (?:about|roughly|around)?", r"comes (?:out )?to", r"roughly", r"about", r"around",
    r"call it", r"gives us", r"means", r"equals",
)


def scale_estimate(utts: list[Utterance], phrases: tuple[str, ...] = ()) -> list[int]:
    hits = []
    for i, u in enumerate(utts):
        t = normalise(u.text)
        if u.is_question:
            continue
        numbers = _QUANTITY.findall(t)
        if len(numbers) >= 2 and _UNIT.search(t) and _ARITH.search(t):
            hits.append(i)
    return hits


# --- monitoring -----------------------------------------------------------------------
_MON = _rx(
    r"monitor\w*", r"metrics?", r"alert\w*", r"dashboards?", r"slos?", r"slis?", r"slas?", r"tracing", r"traces?",
    r"observab\w+", r"p ?99", r"p ?95", r"percentiles?", r"error rates?", r"pag(?:e|ed|ing) (?:someone|on-?call|the on-?call)",
    r"on-?call", r"canar(?:y|ies)", r"health ?checks?", r"logs? (?:aggregation|and metrics)", r"prometheus", r"grafana", r"datadog",
    r"feature flags?",
)


def monitoring(utts: list[Utterance], phrases: tuple[str, ...] = ()) -> list[int]:
    return [i for i, u in enumerate(utts) if _MON.search(normalise(u.text))]


# --- user-defined phrases -------------------------------------------------------------
def phrases_detector(utts: list[Utterance], phrases: tuple[str, ...] = ()) -> list[int]:
    pattern = _rx(*(re.escape(normalise(p)) for p in phrases)) if phrases else None
    return [i for i, u in enumerate(utts) if pattern and pattern.search(normalise(u.text))]


DETECTORS: dict[str, Detector] = {
    "clarifying_question": clarifying_question,
    "trade_off": trade_off,
    "failure_mode": failure_mode,
    "scale_estimate": scale_estimate,
    "monitoring": monitoring,
    "phrases": phrases_detector,
}


def detect(method: str, utts: list[Utterance], phrases: Iterable[str] = ()) -> list[int]:
    """Indices of the utterances where `method` finds its feature."""
    return DETECTORS[method](utts, tuple(phrases))
