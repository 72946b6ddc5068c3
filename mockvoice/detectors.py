"""Feature detectors: rules over normalised spoken text that find rubric evidence and explain each decision.

Every detector looks at one utterance at a time and returns hits, each carrying the cue phrase
that triggered it, and near misses (name-dropping, empty "trade-offs", denial, lone numbers) that
look like a feature but are not, so feedback can name them. Clarifying questions live in
questions.py. Add a detector by writing a function and registering it in DETECTORS.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from .prefilter import Regrouped, gated
from .questions import Analysis, Hit, clarifying_question, cleaned, is_question_form, rx as _rx
from .spoken import clean

__all__ = ["DETECTORS", "analyse", "strength", "Hit", "Analysis", "Detector", "is_question_form", "cleaned",
           "clarifying_question"]

Detector = Callable[..., Analysis]  # (texts, phrases=(), notes=None) -> Analysis


def _note(notes: list[set[str]] | None, i: int, *names: str) -> None:
    if notes is not None:
        notes[i].update(names)


# --- trade-offs -----------------------------------------------------------------------
_TRADE_EXPLICIT = Regrouped(_rx(
    r"at the (?:cost|expense|price) of", r"the (?:cost|downside|drawback|catch|price|con|penalty) (?:is|of|here|we pay|there)",
    r"(?:downsides?|drawbacks?)", r"on the other hand", r"in exchange", r"trad(?:e|es|ing|ed) (?:a bit of |some |off )?\w+ (?:for|against)",
    r"tradeoff (?:is|here is|would be|being|between|we make)", r"(?:give|gives|giving|gave) up", r"sacrific\w+", r"good enough",
    r"middle ground", r"(?:isn't|is not|not) worth", r"worth (?:it|the)", r"choice between", r"whereas", r"versus", r"vs",
    r"pros and cons", r"costs? us", r"the bad (?:thing|part|news)", r"the nice (?:thing|part) .{0,30} the (?:bad|downside)",
    r"(?:i'd|i would|we'd|we) (?:rather|prefer) .{0,60} than", r"more moving parts", r"lock(?:s|ed)? us in(?:to)?",
    r"the price we pay", r"what we lose", r"(?:adds?|adding) (?:\w+ ){0,2}(?:complexity|latency|overhead|headaches?|cost|risk|moving parts|a hop|a network hop|delay|a failure point)",
    r"(?:simpler|cheaper|faster|slower|harder|easier|safer|riskier|lighter|heavier|less work|more work|less expensive|more expensive|more complex|less complex|more reliable|more flexible|less flexible)(?: \w+){0,3} than", r"we'd lose", r"(?:but|though) (?:it|that|this) (?:adds|costs|means)", r"(?:but|though|although|while) (?:we|you) (?:lose|give up|pay|sacrifice|can't|cannot|need to|have to)",
    r"premature", r"overkill", r"on (?:the )?one hand", r"(?:doubles?|triples?|increases?|adds?|raises?|costs?|slows?|hurts?|complicates?|multiplies) (?:the |our |a |more |some |extra |up )?(?:\w+ )?(?:latency|costs?|complexity|load|work|storage|memory|risk|bill|overhead|delay|round ?trips?)",
    r"only buys us", r"(?:start|begin) with .{1,60}?\b(?:and|then) (?:\w+ ){0,3}(?:later|once|when)", r"accept(?:ing|s)? that", r"at the price of", r"the price is", r"buys us (?:a few|some) (?:months|weeks|time)", r"but then (?:the|we|it|our|you|they|every|each|there)", r"accept (?:\w+ ){0,8}(?:to avoid|to save|to keep|to get|in exchange|rather than|for the sake)",
    r"to avoid (?:running|operating|paying|managing|maintaining|having)", r"(?:cheaper|simpler|easier|enough|fine|good enough) (?:\w+ ){0,3}until",
    # two options considered, one chosen, and why ("we looked at kafka or a postgres queue and went with postgres because ...")
    r"(?:(?:considered|looked at|weighed|evaluated|thought about|debated) .{1,80}?\b(?:or|versus|vs)\b|(?:compared|(?:choosing|deciding|picking) between) .{1,80}?\b(?:and|or|versus|vs)\b) .{1,80}?"
    r"\b(?:went with|picked|chose|settled on|decided on|ended up (?:with|going with|picking)|opted for|stuck with|fixed|kept|go with)\b .{1,80}?\b(?:because|since|given|as)\b",
))
_CONTRAST = Regrouped(re.compile(r"\b(?:but(?! (?:before|after|also|still|first))|even though|although|though|while|rather than|instead of|whereas|compared (?:to|with)|or|"
                       r"(?:pick|choose|prefer|go with|went with|chose|use|take|picked) \w+(?: \w+){0,2} over)\b"))
# a requirement or limit after "but" is the cost side of a choice ("webhooks cut load but customers need an endpoint")
_COST_AFTER = gated(_rx(r"don't", r"doesn't", r"do not", r"does not", r"needs?", r"requires?", r"have to", r"has to", r"must", r"only", r"can't", r"cannot", r"won't", r"wipes?", r"loses?", r"lost",
                  r"gone", r"breaks?", r"restarts?", r"risk\w*", r"pay", r"pays"), regroup=True)
_EVAL = Regrouped(_rx(
    r"simpl\w*", r"complex\w*", r"cheap\w*", r"expensive", r"costs?", r"costly", r"fast\w*", r"slow\w*", r"quick\w*", r"latency",
    r"throughput", r"overhead", r"operational\w*", r"operate", r"harder", r"hard", r"easier", r"easy", r"flexib\w+", r"memory",
    r"storage", r"consisten\w*", r"availab\w*", r"stale", r"risk\w*", r"coordination", r"collid\w*", r"scal\w+", r"money",
    r"maintenance", r"learn", r"bandwidth", r"accura\w+", r"exact", r"approximate", r"detail", r"precis\w+", r"wastes?",
    r"efficient", r"round trip", r"sticky", r"lock\w*", r"moving parts", r"work", r"invalidation", r"headaches?", r"bursts?",
    r"delay", r"round ?trips?", r"joins?", r"transactions?", r"fail\w*", r"overkill", r"data loss", r"hot", r"conflicts?",
    r"duplicat\w+", r"safe\w*", r"lose", r"loses", r"load", r"bigger", r"smaller", r"lighter", r"heavier", r"false positives", r"instant", r"operat\w*", r"everywhere", r"one ?way", r"holds", r"hurts?", r"cold starts?",
    r"old", r"out of date", r"quick\w*", r"cut\w*", r"outdated", r"limited", r"limits", r"extra", r"vendor", r"autonomy", r"independent\w*", r"persisten\w+", r"reliab\w+",
    r"resilien\w+", r"durab\w+", r"robust", r"wasteful", r"bottlenecks?", r"downtime", r"infrastructure",
))
_REASON = _rx(r"because", r"since", r"so", r"means", r"which", r"given", r"as")
_EMPTY_TRADE = gated(_rx(
    r"there (?:are|is|will be) (?:always |some |of course |obviously )?(?:tradeoffs?|pros and cons)", r"everything (?:is|has) (?:a )?tradeoffs?",
    r"it depends", r"think about the tradeoffs?", r"(?:handles?|covers?) (?:most of )?(?:them|the tradeoffs)", r"tradeoffs? of course",
    r"every (?:\w+ )?(?:has|is) (?:a )?tradeoffs?", r"with every \w+", r"tradeoffs with", r"(?:has|have) (?:its |their )?pros and cons",
    r"like any (?:design|system|choice)", r"tradeoffs? (?:is|are) something", r"discuss (?:\w+ )?later",
))
_NAMEDROP = _rx(
    r"industry standard", r"best practice", r"everyone uses", r"everybody uses", r"what everyone", r"web scale", r"(?:netflix|uber|google|facebook|amazon) uses",
    r"used at (?:netflix|uber|google)", r"proven at", r"since it's modern", r"the best tool", r"it's the standard", r"is the standard",
    r"because (?:it's|it is) (?:popular|modern|cool|the best|great)",
)


def trade_off(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        explicit = _TRADE_EXPLICIT.search(t)
        if explicit is not None:
            _note(notes, i, "C:trade")
        if (m := _NAMEDROP.search(t)) is not None and not explicit:
            misses.append(Hit(i, f"names a technology without weighing it: '{m.group(0)}'"))
            continue
        if (m := _EMPTY_TRADE.search(t)) is not None and len(_EVAL.findall(t)) < 2:
            misses.append(Hit(i, f"says trade-offs exist without naming one: '{m.group(0)}'"))
            continue
        if explicit is not None and (_EVAL.search(t) or _BENEFIT.search(t) or _COST_AFTER.search(t) or len(t.split()) >= 8):
            hits.append(Hit(i, explicit.group(0)))
            continue
        if (cue := _weighs(t)) is not None:
            hits.append(Hit(i, cue))
            _note(notes, i, "C:weighs")
        elif _EVAL.search(t):
            _note(notes, i, "C:eval")
    return Analysis(tuple(hits), tuple(misses))


_BENEFIT = gated(_rx(r"help", r"keep", r"give", r"let", r"allow", r"save", r"avoid", r"improve", r"reduce", r"keeps", r"gives", r"lets", r"allows", r"saves", r"avoids", r"helps", r"improves", r"reduces", r"speeds", r"works",
               r"(?:don't|do not|never) (?:have to |need to )?(?:manage|run|operate|maintain|worry)"), regroup=True)
_DECIDE = gated(_rx(r"so (?:i'd|i would|we'd|we would|we) (?:\w+ )?(?:go|pick|take|choose|do|use|start|keep|stick)", r"which is why", r"i'd (?:pick|take|choose|go with)"))


def _weighs(t: str) -> str | None:
    """The contrast that weighs two options or names a cost, if any ("fast but stale", "X over Y because")."""
    for c in _CONTRAST.finditer(t):
        word = c.group(0)
        before, after = t[: c.start()], t[c.end():]
        ev_before = _EVAL.search(before) or _BENEFIT.search(before)
        ev_after = _EVAL.search(after) or _BENEFIT.search(after) or (_COST_AFTER.search(after) if word in ("but", "though", "although", "even though") else None)
        if word == "or":  # "A which is X or B which is Y": two options, each with a property
            if ev_before and ev_after and _REASON.search(t) and len(_EVAL.findall(t)) >= 2:
                return f"weighs '{ev_before.group(0)}' against '{ev_after.group(0)}'"
            continue
        if word.endswith(" over") or word in ("rather than", "instead of"):
            if (_REASON.search(after) or _REASON.search(before)) and (ev_before or ev_after):
                return word
            continue
        if ev_before and ev_after:
            return f"{ev_before.group(0)} {word} {ev_after.group(0)}"
        if (ev_before or ev_after) and (word in ("even though", "although", "though") or _DECIDE.search(t)):
            return f"{word} {(ev_after or ev_before).group(0)}"
    return None


# --- failure modes --------------------------------------------------------------------
# a failure event: something concrete that breaks
_FAILURE = gated(_rx(
    r"(?:goes|go|is|are|went|was|were|being) down(?! to| from| by| the| through| into| in| a | our| and up| the stack)", r"fail(?:s|ed|ing)?(?! (?:requests?|calls?|responses?|rates?|over|open|closed|jobs? count))",
    r"crash(?:es|ed|ing)?", r"dies", r"died", r"outages?", r"timeout(?! (?:of|is set|value))", r"timing out", r"timed out", r"times out",
    r"fall(?:s|ing)? (?:behind|over)", r"fell behind", r"unreachable", r"unavailable", r"overload\w*", r"exhaust\w*", r"(?:memory )?leaks?",
    r"corrupt\w*", r"data loss", r"lose (?:data|writes|messages|events|\w+ of data|the (?:data|writes|messages))", r"lost (?:data|writes|about|an hour|messages|events)",
    r"duplicates? (?:can|could|will|may|messages|charges|deliveries)", r"double (?:send|charge|charging|sending|process\w*|charged)",
    r"hot (?:key|shard|partition|cell|spot)s?", r"stampede", r"thundering herd", r"poison (?:message|pill)s?", r"split brain",
    r"network partitions?", r"partition(?:s|ed)? (?:the network|between)", r"backs? up", r"backed up", r"piles? up", r"single points? of failure",
    r"spof", r"single points? (?:\w+ )?failure", r"bad (?:deploy|release|config|certificate|push)", r"runs? out of", r"running out of", r"ran out of", r"certificate (?:that )?expired?",
    r"clock (?:skew|drift)", r"goes dark", r"went dark", r"race conditions?", r"deadlocks?", r"n ?plus ?(?:1|one)", r"took down", r"take(?:s)? (?:out|down)(?! the| a)", r"(?:goes|went|go) wrong",
    r"when a node fails", r"(?:never|doesn't|does not|don't|do not) (?:arrive|arrives|come back|respond|responds|return|returns)", r"goes missing",
    r"gets? dropped", r"twice", r"(?:see|sees|get|gets|return|returns|throw|throws|hit|hits) (?:\w+ )?errors", r"bad data", r"garbage", r"malformed", r"more than once", r"offline", r"(?:is|are|gets|get|was|were) lost", r"out of order", r"saturat\w+", r"explod\w+", r"fill(?:s|ing|ed)? up", r"stop(?:s)? all (?:writes|reads|traffic|requests)",
    r"(?:would|will|could|can|might|may) (?:\w+ ){0,2}(?:stop|block|break|fail|take down|freeze|poison)", r"at the same time", r"concurrent(?:ly)? (?:writes|updates|requests|bookings)", r"oversell\w*", r"double[- ]book\w*",
    r"(?:can|could|might|may|would) (?:\w+ ){0,2}(?:lose|drop|miss|oversell|serve (?:a |an )?(?:deleted|stale|old|wrong|outdated)|corrupt|overwhelm|overload|crash|hang|stall|deadlock|leak)", r"los(?:e|es|ing|t) (?:the |a |an |our )?(?:\w+ )?(?:node|server|machine|instance|region|zone|disk|data|writes|messages|events|counters|connection|leader|primary)", r"what breaks", r"breaks first", r"\w+ lags", r"slow downstream", r"retries can", r"cascad\w+", r"(?:is|are|gets|got) (?:too )?slow(?! but)", r"conflicts? when", r"will conflict",
    r"disagree\w*", r"silently", r"full table scan", r"missing index", r"replication lag", r"stale (?:reads?|data|prices?|cache)", r"lag(?:s|ging)? behind",
), regroup=True)
# adverse events that count as a failure mode inside a condition ("when memory runs low, ...") or after a modal
_ADVERSE = (r"runs? low|low on|kill(?:s|ed)?|flap\w*|interrupt\w*|stuck|hang(?:s|ing)?|hung|frozen|freez\w*|full|missing|late|delayed|"
            r"dropped|rejected|throttl\w*|spik\w+|flood\w*|surg\w+|overwhelm\w*|misbehav\w*|misconfigur\w*|invalid|wrong|"
            r"resend\w*|restart\w*|evict\w*|oom|panic\w*|exceptions?|errors?|5xx|unhealthy|flaky|unstable|congest\w*|blocked|"
            r"(?:not|never|doesn't|won't) finish|lose|loses|losing|lost|too slow|goes down|is down|dies|die|fails?|failing|crash\w*|breaks?|broken|corrupt\w*")
_CONDITIONAL = re.compile(r"\b(?:if|when|whenever|in case|once|during|unless)\b(?:\s+(?!i\b|you\b|users?\b|user's\b|customers?\b|customer's\b)\S+){0,8}?\s+(?:"
                          + _ADVERSE + r")\b")
_CONSEQUENCE = gated(re.compile(r"\b(?:end up with|in which case|we could end up|(?:would|will|could|might|may) (?:\w+ ){0,2}(?:" + _ADVERSE + r"))\b"))
# handling that only makes sense against a failure
_HANDLING = Regrouped(_rx(
    r"retr(?:y|ies|ied|ying)", r"backoff", r"jitter", r"circuit breakers?", r"failover", r"fail (?:open|closed|over)", r"dead letter",
    r"idempotent(?:cy)? (?:key|keys|handler|handlers|so|and)", r"(?:has|have|be|is|are|make it) idempotent", r"fallbacks?", r"fall back", r"degrad\w+",
    r"shed\w* load", r"load shedding", r"roll(?:ing|ed)? ?back", r"rollback", r"reconnect\w*", r"resumes?", r"lease", r"quorum", r"drops? repeats",
    r"restore from", r"sequence numbers?", r"shifts? traffic", r"healthy (?:one|region|zone|node)s?", r"checkpoints?", r"restarts? from", r"keys? (?:\w+ )?by (?:a |the )?(?:client|request|message|event|idempotency) ids?",
    r"park(?:s|ed)? them", r"online in (?:small )?batches", r"default (?:every |all |the )?\w+ to", r"buffer(?:s|ing)? (?:locally|them|writes|in memory)", r"validate (?:before|the|it|every)", r"reconciliation (?:job|process|run)", r"polls? the provider", r"dedup\w*", r"promot\w+ (?:the |a )?(?:standby|replica|secondary|follower)", r"standby", r"ignore (?:older|stale|duplicate)", r"version each",
    r"cap (?:the )?concurrency", r"backpressure", r"queue the rest", r"expand early", r"restored", r"(?:row|distributed|optimistic|pessimistic) lock(?:ing)?", r"(?:two|2|multiple|second) providers", r"reject(?:ing)? new", r"snapshots? (?:them|it|the|to)", r"request coalescing", r"coalesc\w+", r"stopgap", r"mitigat\w+", r"bulkheads?", r"hinted handoff", r"take over",
    r"in another (?:zone|region)", r"other region", r"(?:another|other|a healthy|a different|the next) (?:\w+ )?picks? it up", r"keep both versions",
))
_NEGATED = gated(re.compile(r"\b(?:taps?|clicks?|press(?:es)?|hits?) (?:the )?retry\b|\b(?:users?|customers?|they|you) (?:can |could |will |may )?retr(?:y|ies|ied)\b|\bretry button\b|\bno (?:data loss|downtime|single point of failure|duplicates)\b|\bnever collides?\b|\bwithout (?:data loss|downtime)\b|"
                      r"\b(?:doesn't|does not|don't|do not|no|without) (?:\w+ )?retr\w+|\b(?:something|anything) (?:goes|went|go) wrong\b|"
                      r"\b(?:requests?|calls?|jobs?|tests?|checks?) (?:are |were )?fail\w*"), regroup=True)
# a handling word used as the name of a metric ("retry counts", "dead letter queue size") is measurement, not handling
_MEASURED = gated(re.compile(r"\b(?:log|logs|count|counts|track|record|measure) (?:each |every |all |the )?failed\b|\b(?:retry|retries|failover|dead letter queue|dlq|fallback|rollback)s? (?:count|counts|rate|rates|size|depth|metrics?|dashboards?)\b"), regroup=True)
_DENIAL = gated(_rx(
    r"(?:won't|will not|never|doesn't|does not|can't|cannot|shouldn't|wouldn't) (?:ever |really )?(?:go down|fail|crash|break|lose|have (?:outages|downtime))",
    r"(?:handles?|handled|takes? care of) (?:that|it|failures?|all (?:of )?that|the reliability|reliability|everything|failover)(?! by)",
    r"no need to worry", r"(?:don't|do not) (?:really )?(?:need to|have to) worry", r"always (?:up|available|on)", r"highly available (?:so|out of the box|anyway)",
    r"make (?:it|sure it's|sure it is) (?:reliable|robust|resilient)", r"(?:it's|it is) (?:reliable|robust|highly available)(?: so)?", r"heal itself", r"self[- ]?healing", r"just comes? (?:right )?back",
    r"(?:users?|nobody|no one|customers?) (?:won't|will not|don't|do not|doesn't|wouldn't|never) (?:even )?notice",
    r"happen all the time", r"never (?:fails|failed|goes down|went down|loses|lost|losing|lose|crashes|crashed)", r"that's normal", r"is normal", r"never (?:fails|goes down|loses)", r"(?:out of the box|automatically) (?:so|handles)",
    r"never (?:seen|had|heard of|experienced) (?:\w+ ){0,5}(?:fail|go down|break|crash|outage)", r"(?:won't|will not) have any downtime",
    r"nothing(?:'s| is)? (?:can |will |going to |ever )?(?:go down|go wrong|fail|fails|break|breaks|goes down|goes wrong)", r"(?:we're|it's|we are|it is|it runs|runs) on (?:aws|gcp|azure|the cloud)",
    r"fault tolerant,? don't worry", r"don't worry", r"(?:platform|infra|sre|ops) team (?:takes care|handles)",
    r"nothing (?:can|will) go wrong", r"so it's fine", r"so that's fine", r"won't go down",
), regroup=True)


def failure_mode(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        t = _NEGATED.sub(" ", t)
        f, h = _FAILURE.search(t), _HANDLING.search(_MEASURED.sub(" ", t))
        if f is None:
            f = _CONDITIONAL.search(t) or _CONSEQUENCE.search(t)
            if f is not None:
                _note(notes, i, "C:conditional")
        else:
            _note(notes, i, "C:failure")
        d = _DENIAL.search(t)
        if h is not None:
            _note(notes, i, "C:handling")
        if d is not None:
            _note(notes, i, "C:denial")
        if d is not None and not (f and h):
            misses.append(Hit(i, f"denies failure instead of naming one: '{d.group(0)}'"))
            continue
        if f is None and h is None:
            continue
        # watching a metric is monitoring unless the sentence also handles the failure;
        # weighing options is a trade-off unless it names a concrete failure
        if h is None and _is_monitoring(t) and f.start() > _MON.search(t).start():  # "alert if consumers fall behind"
            continue
        if f is None and (_TRADE_EXPLICIT.search(t) or _weighs(t)):
            continue
        if h is None and _OP.search(t) and len(_quantities(t)) >= 2:  # sizing the impact is a scale estimate
            continue
        hits.append(Hit(i, (f or h).group(0)))
    return Analysis(tuple(hits), tuple(misses))


# --- scale estimates ------------------------------------------------------------------
_NUM = r"\d+(?:\.\d+)?"
_NUMS = re.compile(r"(?<![\w.])" + _NUM + r"(?![\w.])|(?<![\w.])" + _NUM + r"(?=(?:kb|mb|gb|tb|pb|ms|x|k)\b)")
_NOT_QUANTITY = gated(re.compile(r"\b(?:step|option|version|v|phase|number|chapter|part|level|tier|layer|year) " + _NUM + r"\b|\b(?:in|since|by|from|of|until|before|after) (?:19|20)\d\d\b|\b1 (?:thing|of|more|way|option|side|hand|question|reason|day|time|region|city|thing)\b"), regroup=True)
_OP = Regrouped(re.compile(
    r"\b(?:times|x|multiplied by|divided (?:by|across|among|between|over)|across|split (?:across|over|between)|over|per|each|at|every|of|"
    r"a (?:second|minute|hour|day|week|month|year)|percent)\b.{0,60}?\b(?:is|are|that's|thats|so|gives|comes to|which is|makes|means|"
    r"equals|becomes|works out|call it|or|about|roughly|around|to|takes?|adds?|add up to|totals?|need)\b|" + _NUM + r" (?:times|x|multiplied by|divided by|over) (?:about |roughly |around )?(?:" + _NUM + r"|the|a|365|86400)|"
    r"\b(?:percent|percentage) of\b|" + _NUM + r" (?:\w+ ){0,4}(?:each|apiece|per \w+)\b.{0,60}?" + _NUM + r"|"
    r"\b(?:so|that's|thats|which is|is|comes to|gives|gives us|works out to|becomes|means|call it|takes?|adds?|add up to|totals?) (?:about |roughly |around |like |approximately |nearly |almost |only |a bit over |just over |under |over )?" + _NUM + r"\b|"
    r"\b" + _NUM + r" (?:\w+ )?to 1\b"
))
_RESULT = re.compile(r"\b(?:is|are|that's|thats|so|gives|comes to|which is|makes|means|equals|becomes|works out|call it|we need|need|becomes|handles|"
                     r"takes?|adds?|totals?)\b")


_UNIT = gated(_rx(r"percent", r"ms", r"milliseconds?", r"seconds?", r"[kmgtp]b", r"\w+bytes?", r"qps", r"rps", r"users", r"requests"))


_DIGIT = re.compile(r"\d")


def _quantities(t: str) -> list[str]:
    if _DIGIT.search(t) is None:  # every quantity holds a digit: skip both patterns (the sub only adds spaces)
        return []
    t = _NOT_QUANTITY.sub(" ", t)
    return _NUMS.findall(t)


def scale_estimate(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        nums = _quantities(t)
        _note(notes, i, f"NUMS:{min(len(nums), 3)}")
        if not nums:
            continue
        if is_question_form(t) and not _RESULT.search(t.split("?")[-1]):
            continue
        m = _OP.search(t)
        if m is not None:
            _note(notes, i, "OP")
        if len(nums) >= 2 and m is not None and (_RESULT.search(t) or len(nums) >= 3):  # ASR turns "that's" into "at"
            hits.append(Hit(i, m.group(0).strip()))
        elif any(float(n) >= 10 for n in nums) or _UNIT.search(t):
            misses.append(Hit(i, "a number with no arithmetic behind it"))
    return Analysis(tuple(hits), tuple(misses))


# --- monitoring -----------------------------------------------------------------------
_MON = Regrouped(_rx(
    r"monitor(?:s|ing|ed)?(?! on my| was)", r"metrics?(?! system| ton)", r"alert(?:s|ing|ed)?(?! (?:the|a|their) (?:user|customer|driver|rider)s?)", r"alarms?",
    r"dashboards?", r"slos?", r"slis?", r"error budget", r"tracing", r"traces", r"trace (?:the|a|each|every) (?:request|call)s?", r"observab\w+",
    r"(?:alert|alarm)s? on", r"pag(?:e|ed|ing) on (?:any |every |the )?(?:\w+ )?(?:rates?|errors?|mismatch\w*|failures?|latency|lag)", r"page (?:the|someone|somebody|oncall|me|us|an engineer)", r"paged", r"paging", r"canar(?:y|ies)", r"(?:behind|under) (?:a )?feature flags?", r"feature flags? (?:for|to) (?:roll|ship|turn)",
    r"health ?checks?", r"synthetic (?:check|test|probe|monitor)s?", r"prometheus", r"grafana", r"datadog", r"new relic", r"sentry",
    r"pagerduty", r"cloudwatch", r"splunk", r"honeycomb", r"opentelemetry", r"kibana", r"(?:the|our|its|their|error|access|application|service) logs",
    r"logs for", r"(?:look|looking|check|checking|read|reading|grep|pull|dig) (?:at |through |up |into )?(?:the )?(?:logs|graph|graphs|latency|error rate)",
    r"(?:track|tracked|tracking|watch|watched|measure|measured|measuring|graph|chart|emit) (?:the |our |a |its )?(?:\w+ ){0,3}(?:latency|lag|rate|rates|throughput|usage|errors?|failures?|time|duration|count|ratio|saturation|load)",
    r"error rates?", r"roll(?:ing)? out to \d", r"(?:page|paged|pages|wake|wakes) (?:up )?(?:\w+ )?(?:the )?oncall", r"oncall (?:gets|is|was) (?:paged|woken)", r"a page (?:for|when)", r"slow query log", r"spot (?:slow|patterns|regressions|problems|issues|errors)",
    r"we log (?:each|every|all) (?:failed|error|exception)\w*", r"instrument\w*", r"histograms?", r"telemetry", r"structured logs?", r"logs? with",
    r"(?:logs?|traces?) (?:\w+ ){0,3}(?:request|correlation|trace) ids?", r"graph(?:ed|ing)? (?:it|them|that|this)",
    r"(?:add|adds|emit|expose|record) (?:a |an )?(?:counter|gauge|timer|histogram)s?",
    r"(?:check|checking|look at|looking at|read|pull up|open) (?:the |our )?(?:\w+ )?(?:logs?|graphs?|dashboards?|metrics)", r"error graphs?", r"follow (?:one|a|each|every) request", r"latency graph", r"memory graph", r"usage graph",
))
_MON_NOT = gated(_rx(
    r"metric system", r"(?:customer|user|admin|their|seller|sellers|driver|rider) dashboard", r"\d+ metrics",
    r"(?:users?|customers?|drivers?|riders?|sellers?|buyers?|they|he|she|you) (?:gets?|receives?|sees?|have|has) (?:an? )?(?:alert|notification|dashboard|alarm)",
    r"(?:send|sends|sent|give|show|notify) (?:the |a |our )?(?:users?|customers?|drivers?|riders?|them|him|her) (?:an?|and|the) (?:alert|notification)",
    r"(?:alert|notification|dashboard)s? (?:on|to) (?:their|your|his|her) (?:phone|device|screen|app)", r"dashboard (?:showing|with|of) (?:their|your)",
    r"(?:send|sends|sent|give|show|notify) (?:the |a |our )?(?:users?|customers?|drivers?|riders?|them|him|her) (?:an? )?(?:alert|notification)", r"(?:trace|track) (?:their|your|his|her) (?:order|package|parcel|ride)",
    r"write ahead log", r"log in", r"(?:room|body) temperature", r"thermostat", r"heart ?rate", r"patients?", r"baby", r"\w+'s dashboard", r"dashboard (?:\w+ ){0,2}(?:their|your)", r"metrics team", r"is hiring", r"dashboard for (?:admins?|users?|customers?|support|sellers?|drivers?)", r"monitoring the (?:competition|competitors|market|news|trends)",
    r"(?:users?|customers?|drivers?|riders?|sellers?|buyers?|they|he|she|you) (?:gets?|receives?|sees?) (?:an? )?(?:\w+ )?(?:alert|notification)s?", r"(?:contract|business|sales|marketing|product|okr|kpi)s? metrics", r"metrics (?:in|of|for) the (?:contract|business|sales|marketing)",
    r"(?:alerts?|notifications?) (?:\w+ ){0,4}(?:remind|tell (?:users|customers)|users?|customers?|phone|in the app)", r"logs? (?:you|them|users?) (?:out|in)", r"monitor nothing", r"(?:don't|do not|no) monitor\w*",
    r"(?:their|your|users?|customers?|sellers?|billing|sales) (?:\w+ ){0,4}dashboard", r"tracks? (?:your|their) (?:steps|heart|location|order|package)", r"log structured", r"the monitor",
), regroup=True)


def _product_context(t: str) -> re.Match[str] | None:
    """The last product-feature phrase ("their dashboard", "write ahead log") when no monitoring cue follows it."""
    last = None
    for last in _MON_NOT.finditer(t):
        pass
    return last if last is not None and not _MON.search(t, last.end()) else None


def _is_monitoring(t: str) -> bool:
    return _MON.search(t) is not None and _product_context(t) is None


def monitoring(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        m = _MON.search(t)
        if m is None:
            continue
        _note(notes, i, "C:mon")
        if (n := _product_context(t)) is not None:
            misses.append(Hit(i, f"a product feature, not monitoring: '{n.group(0)}'"))
            continue
        if is_question_form(t) and (clarifying_question([t]).hits):
            continue
        hits.append(Hit(i, m.group(0)))
    return Analysis(tuple(hits), tuple(misses))


# --- a measured outcome (a behavioral story's result in numbers) ----------------------------
_AMOUNT = r"(?:about |around |roughly |almost |nearly |over |under |just |only )?\d[\d.,]*"
_CHANGE = r"(?:went|dropped|fell|rose|grew|came|got|jumped|climbed|shrank|moved|cut|reduced|brought|lowered|raised|improved|increased|decreased|saved|halved)"
_OUTCOME = _rx(
    rf"from {_AMOUNT} ?(?:\w+ ){{0,2}}(?:down |up )?to {_AMOUNT}",  # "p99 went from 800 ms to 200 ms"
    rf"{_CHANGE} (?:\w+ ){{0,4}}?(?:by|to|under|below|over) {_AMOUNT}",  # "the bill fell by 30 percent", "dropped to 0.1"
    rf"(?:by|down|up) {_AMOUNT} ?(?:percent|x\b|times|ms|milliseconds|seconds|minutes|hours|days|gb|mb|tb|dollars|k\b)",
    rf"{_AMOUNT} ?(?:x|times) (?:faster|slower|cheaper|smaller|fewer|more|less|bigger|higher|lower|as)",
    r"(?:twice|three times|four times|ten times|half) as (?:fast|slow|cheap|many|much|big|small|long)",
    r"(?:halved|doubled|tripled|cut (?:\w+ ){0,4}in half|by half)",
)


def measured_outcome(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    """A result stated as a measured change ("p99 went from 800 ms to 200 ms", "the bill fell by 30 percent",
    "twice as fast"); a number with no change behind it ("we had 30 engineers") is a near miss."""
    hits, misses = [], []
    for i, t in enumerate(texts):
        if (m := _OUTCOME.search(t)) is not None:
            hits.append(Hit(i, m.group(0)))
        elif re.search(r"\d", t) and not is_question_form(t):
            misses.append(Hit(i, "a number with no change behind it (say what it went from and to)"))
    return Analysis(tuple(hits), tuple(misses))


# --- credit to the team (behavioral) ----------------------------------------------------------
_OTHERS = (r"(?:my|our|a|one|another) (?:teammates?|colleagues?|manager|(?:tech )?lead|co ?workers?|partner|mentor|"
           r"engineers?|developers?|sres?|designer|dba|pm|product manager|intern)|she|he|they|the (?:\w+ )?team")
_DID = (r"(?:wrote|built|found|figured|caught|spotted|suggested|proposed|designed|owned|ran|led|handled|took|came up|"
        r"fixed|reviewed|tested|pointed|noticed|helped|paired|shipped|drove|set up|migrated|implemented|traced|debugged|"
        r"did the|stepped up|jumped in|covered)")
_CREDIT = re.compile(
    rf"\b(?:(?:{_OTHERS}) (?:\w+ ){{0,4}}?{_DID}\b"
    r"|with (?:the |a lot of )?help (?:of|from)|together with|thanks to|credit (?:goes )?to|pair(?:ed|ing)? (?:up )?with"
    r"|pair programm|(?:we|i) split (?:up )?the work|divided (?:up )?the work|split it between"
    r"|(?:we|the team) (?:decided|agreed) together|as a team\b)"
)
_BACKGROUND = re.compile(r"\b(?:the|my|our) team (?:\w+ )?(?:knew|know|had|has|was|is|were|uses|used|likes|liked|prefers|"
                         r"already)\b")


def team_credit(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    """Credit to others: who else did what ("my teammate ana found the race", "i paired with sam", "we split the
    work"), not the team as background ("because the team knew it", a near miss). `phrases` add cues of one's own."""
    extra = _rx(*(re.escape(clean(p)) for p in phrases)) if phrases else None
    hits, misses = [], []
    for i, t in enumerate(texts):
        if (m := _CREDIT.search(t) or (extra.search(t) if extra else None)) is not None:
            hits.append(Hit(i, m.group(0)))
        elif _BACKGROUND.search(t):
            misses.append(Hit(i, "the team as background, not who did what (name what someone else did)"))
    return Analysis(tuple(hits), tuple(misses))


# --- user-defined phrases -------------------------------------------------------------
def phrases_detector(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    if not phrases:
        return Analysis()
    pattern = _rx(*(re.escape(clean(p)) for p in phrases))
    return Analysis(tuple(Hit(i, m.group(0)) for i, t in enumerate(texts) if (m := pattern.search(t))))


DETECTORS: dict[str, Detector] = {
    "clarifying_question": clarifying_question,
    "trade_off": trade_off,
    "failure_mode": failure_mode,
    "scale_estimate": scale_estimate,
    "monitoring": monitoring,
    "measured_outcome": measured_outcome,
    "team_credit": team_credit,
    "phrases": phrases_detector,
}
# a genuine scoping question is only a question: it does not also show a design feature
_QUESTION_ONLY = {"trade_off", "failure_mode", "scale_estimate", "monitoring"}


# speech-to-text often ends a sentence early: "... rather than Postgres because we never join. The cost is we lose
# ad hoc queries." is one trade-off, so a hit that continues the previous hit is folded into it
_CONTINUES = re.compile(r"(?:so|but|and|which|because|whereas|while|or|the (?:cost|downside|catch|price|risk))\b")
_MERGE = {"trade_off", "failure_mode"}


def analyse(method: str, texts: list[str], phrases: Iterable[str] = (), questions: frozenset[int] = frozenset(),
            notes: list[set[str]] | None = None) -> Analysis:
    """Run one detector over cleaned utterance texts; `questions` (clarifying hits) are excluded for design features.

    `notes` (one set per text) collects the cues each rule saw, for the learned check (detection.py).
    """
    result = DETECTORS[method](texts, tuple(phrases), notes)
    hits = result.hits
    if method in _QUESTION_ONLY and questions:
        hits = tuple(h for h in hits if h.index not in questions)
    if method in _MERGE:
        kept: list[Hit] = []
        for h in hits:
            if kept and h.index == kept[-1].index + 1 and _CONTINUES.match(texts[h.index]):
                continue
            kept.append(h)
        hits = tuple(kept)
    return Analysis(hits, result.near_misses)


_STRENGTH: dict[str, tuple] = {  # patterns (some gated, see prefilter.py)
    "clarifying_question": (),
    "trade_off": (_TRADE_EXPLICIT, _EVAL, _DECIDE),
    "failure_mode": (_FAILURE, _HANDLING),
    "scale_estimate": (_NUMS, _OP),
    "monitoring": (_MON,),
    "measured_outcome": (_OUTCOME,),
}


def strength(method: str, text: str) -> int:
    """How much evidence one cleaned utterance carries for a feature (used to pick the quote to show)."""
    if method == "clarifying_question":
        from .questions import SCOPE

        return len(SCOPE.findall(text)) + (2 if " or " in text else 0)
    return sum(len(rx.findall(text)) for rx in _STRENGTH.get(method, ()))
