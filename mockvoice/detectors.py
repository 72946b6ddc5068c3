"""Feature detectors: rules over normalised spoken text that find rubric evidence and explain each decision.

Every detector looks at one utterance at a time (with its neighbours for context) and returns
hits, each carrying the cue phrase that triggered it, and near misses (check-ins, name-dropping,
denial, lone numbers) that look like a feature but are not, so feedback can name them.
Add a detector by writing a function and registering it in DETECTORS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from .spoken import clean
from .utterances import Utterance

__all__ = ["DETECTORS", "detect", "analyse", "Hit", "Analysis", "Detector", "is_question_form", "cleaned"]


@dataclass(frozen=True)
class Hit:
    """An utterance that shows (or, for a near miss, only seems to show) a feature, and why."""

    index: int
    cue: str


@dataclass(frozen=True)
class Analysis:
    """A detector's verdict on an answer: hits, and near misses with the reason they do not count."""

    hits: tuple[Hit, ...] = ()
    near_misses: tuple[Hit, ...] = ()

    @property
    def indices(self) -> list[int]:
        return [h.index for h in self.hits]


Detector = Callable[[list[str], tuple[str, ...]], Analysis]


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def cleaned(utts: list[Utterance]) -> list[str]:
    return [clean(u.text) for u in utts]


# --- questions ------------------------------------------------------------------------
_LEAD = (r"(?:^|[.,?] |\b(?:so|okay|ok|alright|and|also|first|then|but|now|actually|sure|great|cool|right|well|"
         r"secondly|next|lastly|one more thing|first of all|before i (?:start|begin|jump in|dive in|draw anything|go on)|"
         r"just to (?:clarify|check|confirm)|to clarify|quick question|question)\s(?:, )?)")
_SUBJ = (r"(?:we|you|they|i|it|the|a|an|users?|customers?|this|that|these|those|there|anything|any|our|all|each|every|"
         r"people|clients?|messages?|links?|data|files?|drivers?|riders?|someone|most|requests?|reads?|writes?|"
         r"traffic|latency|orders?|payments?|notifications?)")
_WH = (r"(?:what(?:'s| is| are| was| were| does| do| did| kind| sort| type| level| happens| about| percentage| ratio| share| part| scale| volume| size| if)|"
       r"which (?!is|are|was|were|means|gives|makes|would|will|keeps|has|have|we|i|it|they|lets|costs|adds)|who(?:'s| is| are| will| uses| would)|where (?:is|are|do|does|did|will)|when (?:did|do|does|is|was|will|should)|since when|"
       r"how (?:many|much|often|big|fast|long|strict|fresh|large|slow|important|far|soon|quickly|stale|accurate|exact|"
       r"old|bad|widespread|critical|sensitive|consistent|available|reliable|durable)|how's|roughly how|about how|approximately how)")
_INV = (r"(?:do|does|did|is|are|was|were|will|would|should|shall|can|could|has|have|must|may|isn't|aren't|don't|doesn't)\s" + _SUBJ)
_EMBED = (r"(?:i'd like to (?:know|understand|ask|clarify|check|confirm)|i want to (?:check|know|understand|clarify|confirm|ask)|"
          r"i'm curious|i wonder|i was wondering|let me (?:ask|clarify|check whether|confirm)|"
          r"one thing i (?:want|wanted|need) to (?:check|know|ask|clarify)|(?:could|can) you tell me|can i ask|may i ask|"
          r"i need to know|it would help to know|do you know|my (?:first |next |other |last |main )?question (?:is|would be)|i'd want to know|i'm wondering)")
_WH_NOUN = r"(?:what|which|how much|how many) (?:\w+ ){1,3}(?:are|is|do|does|did|will|should|would|can|could|must) (?:we|you|they|it|the|users?|people|customers?)"
_QSTART = re.compile(_LEAD + r"(?:" + _WH + r"|" + _WH_NOUN + r"|" + _INV + r")\b|\b" + _EMBED + r"\b"
                     r"|(?:^|[.?] )(?:do|does|did|is|are|will|would|should|can|could|has|have|must) (?!\w+ (?:is|are)\b)(?!\d)\w+ \w+")
_CHECK_IN = _rx(
    r"(?:does|do|did) (?:that|this|it|everything) (?:make sense|sound|look|answer)", r"does this answer", r"makes? sense", r"sound (?:good|ok|okay|right|reasonable)",
    r"(?:should|shall|can|may|could) i (?:go|keep|continue|dive|move|talk|draw|start|think|use|take|focus|cover|skip|elaborate|explain|walk|jump|get)",
    r"(?:do you want|would you like|want) (?:me|us) to", r"am i on (?:the )?right track", r"are you following",
    r"is (?:that|this) (?:ok|okay|alright|fine|clear|enough|good|what you|the (?:level|kind|depth))", r"is it (?:ok|okay|alright|fine) (?:if i|with you|to)",
    r"(?:can|could) you hear me", r"you know what i mean", r"any questions", r"where was i", r"what else", r"mind if i",
    r"level of detail", r"what was i (?:saying|doing|talking about)", r"let me know if", r"any thoughts", r"thoughts so far", r"(?:that's|this is) the (?:high level|overall|basic) (?:design|idea|picture)", r"questions so far", r"so far\s?\?", r"is (?:that|this) (?:reasonable|right|correct) so far", r"with me so far", r"good so far",
    r"(?:anything|something) (?:else )?you'd like me to", r"what do you think",
)
_EMPLOYER = _rx(
    r"your (?:company|team|engineering|culture|office|manager|org|organi[sz]ation|interview|process|benefits|day to day|hiring|career|oncall rotation|stack)",
    r"(?:the|this) company", r"company culture", r"(?:do|did) you (?:enjoy|like|love) (?:working|it|your)", r"next steps", r"remote work",
    r"work(?:ing)? from home", r"new hires", r"working here", r"at your company", r"interview process", r"promotion", r"mentorship",
    r"what's it like",
)
# self-directed design questions ("how do we generate the ids") are the candidate thinking aloud
_SELF = re.compile(r"\b(?:do|does) we (?:really|even|actually) need\b|\b(?:how|what|where|why|which \w+) (?:do|should|would|could|can|will|shall|might) (?:we|i)\b(?! (?:expect|know|care|have|assume|mean|support|want|already|need(?! here| for this| first| to (?:do|build|make))))")
_WHY = re.compile(r"(?:^|[.,?] |\b(?:so|and|but|now|okay)\s)why\b")
_SCOPE = _rx(
    r"users?", r"customers?", r"traffic", r"requests?", r"qps", r"rps", r"reads?", r"writes?", r"ratio", r"heavy", r"latency",
    r"consisten\w*", r"availab\w*", r"nines", r"budget", r"cost\w*", r"regions?", r"global\w*", r"countr\w+", r"scale", r"peak",
    r"features?", r"requirements?", r"scope", r"mobile", r"web", r"devices?", r"platforms?", r"clients?", r"retention", r"keep",
    r"stor\w+", r"data", r"history", r"sla\w*", r"slo\w*", r"compliance", r"gdpr", r"privacy", r"security", r"auth\w*",
    r"existing", r"stack", r"team", r"deadline", r"launch", r"durab\w*", r"order\w*", r"real ?time", r"expir\w*", r"forever",
    r"custom\w*", r"analytics", r"how (?:many|much|often|big|fast|long|strict|fresh|large|slow|far|stale|bad|widespread)",
    r"growth", r"daily", r"per (?:second|day|user)", r"priorit\w*", r"constraints?", r"assum\w*", r"deploy\w*", r"chang\w+",
    r"affected", r"since when", r"when did", r"error rate", r"errors?", r"endpoints?", r"target", r"p99", r"p95", r"limit\w*",
    r"exact\w*", r"approximate", r"fresh", r"stale", r"delivered", r"delivery", r"duplicates?", r"once", r"size", r"sizes?",
    r"large", r"max\w*", r"volume", r"percent\w*", r"version", r"sync\w*", r"offline", r"personali[sz]ed", r"ranked", r"search",
    r"support", r"channels?", r"need", r"tolerate", r"okay if", r"acceptable", r"wrong", r"sla", r"refunds?", r"guarantee\w*",
    r"who", r"which", r"internal", r"public", r"free", r"paid", r"files?", r"photos?", r"videos?", r"messages?", r"groups?",
)
_ALT = re.compile(r"\b\w+ or (?:\w+ )?\w+")


def is_question_form(text: str) -> bool:
    """True when cleaned text asks something: a question mark, or question word order anywhere in it."""
    return "?" in text or bool(_QSTART.search(text))


def _question_span(t: str) -> tuple[int, str] | None:
    if (m := _QSTART.search(t)) is not None:
        return m.start(), t[m.start():]
    if "?" in t:
        return 0, t
    return None


def clarifying_question(texts: list[str], phrases: tuple[str, ...] = ()) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        span = _question_span(t)
        if span is None:
            continue
        start, q = span
        if (m := _CHECK_IN.search(t)) is not None and not _QSTART.search(t[m.end():]):
            misses.append(Hit(i, f"check-in: '{m.group(0)}'"))
            continue
        if (m := _EMPLOYER.search(q)) is not None:
            misses.append(Hit(i, f"about the employer: '{m.group(0)}'"))
            continue
        if _WHY.search(q) and not _QSTART.search(q[4:]):
            misses.append(Hit(i, "rhetorical: a 'why' question the candidate answers"))
            continue
        body, _, after = q.partition("?")
        words = body.split()
        head = " ".join(words[:8])
        rest = after if after.strip() else " ".join(words[3:])
        if _SELF.search(head) is not None or _rhetorical_tail(rest):
            misses.append(Hit(i, "rhetorical: the candidate asks and answers it straight away"))
            continue
        if i + 1 < len(texts) and after.strip() == "" and "?" in t and _starts_answer(texts[i + 1]) and not _SCOPE.search(body):
            misses.append(Hit(i, "rhetorical: answered in the next sentence"))
            continue
        if _SCOPE.search(body) or _ALT.search(body) and " or " in body or len(words) >= 7:
            cue = (_SCOPE.search(body) or _QSTART.search(t))
            hits.append(Hit(i, f"asks about '{cue.group(0).strip(' ,.?')}'" if cue else "asks a scoping question"))
    return Analysis(tuple(hits), tuple(misses))


_TAIL_ANSWER = re.compile(r"^(?:.*? )?(?:well|because|of course|the answer is|basically|obviously|it's|it is|it just|they just|we need (?:a|an) |"
                          r"we (?:can|could|use|put|just|store|retry|fail over|fall back|queue|serve|return|add|cache|shard|send|route|switch|'d|'ll|will)|in redis|simple|"
                          r"not (?:at|really|yet|for now|now|with)|no ,|yes ,|nope|probably not|i think so|i don't think)\b")


def _rhetorical_tail(rest: str) -> bool:
    return bool(_TAIL_ANSWER.match(rest)) and not _QSTART.search(rest)


def _starts_answer(next_text: str) -> bool:
    return bool(re.match(r"(?:well|because|it's|it is|simple|easy|the answer is|we (?:can|just|use|put))\b", next_text))


# --- trade-offs -----------------------------------------------------------------------
_TRADE_EXPLICIT = _rx(
    r"at the (?:cost|expense|price) of", r"the (?:cost|downside|drawback|catch|price|con|penalty) (?:is|of|here|we pay|there)",
    r"(?:downsides?|drawbacks?)", r"on the other hand", r"in exchange", r"trad(?:e|es|ing|ed) (?:a bit of |some |off )?\w+ (?:for|against)",
    r"tradeoff (?:is|here is|would be|being|between|we make)", r"(?:give|gives|giving|gave) up", r"sacrific\w+", r"good enough",
    r"middle ground", r"(?:isn't|is not|not) worth", r"worth (?:it|the)", r"choice between", r"whereas", r"versus", r"vs",
    r"pros and cons", r"costs? us", r"the bad (?:thing|part|news)", r"the nice (?:thing|part) .{0,30} the (?:bad|downside)",
    r"(?:i'd|i would|we'd|we) (?:rather|prefer) .{0,60} than", r"more moving parts", r"lock(?:s|ed)? us in(?:to)?",
    r"the price we pay", r"what we lose", r"(?:adds?|adding) (?:\w+ ){0,2}(?:complexity|latency|overhead|headaches?|cost|risk|moving parts|a hop|a network hop|delay|a failure point)",
    r"(?:simpler|cheaper|faster|slower|harder|easier|safer|riskier|lighter|heavier|less work|more work|less expensive|more expensive|more complex|less complex|more reliable|more flexible|less flexible)(?: \w+){0,3} than", r"we'd lose", r"(?:but|though) (?:it|that|this) (?:adds|costs|means)", r"(?:but|though|although|while) (?:we|you) (?:lose|give up|pay|sacrifice|can't|cannot|need to|have to)",
    r"premature", r"overkill", r"but then (?:the|we|it|our|you|they|every|each|there)", r"accept (?:\w+ ){0,8}(?:to avoid|to save|to keep|to get|in exchange|rather than|for the sake)",
    r"to avoid (?:running|operating|paying|managing|maintaining|having)", r"(?:cheaper|simpler|easier|enough|fine|good enough) (?:\w+ ){0,3}until",
)
_CONTRAST = _rx(r"but", r"even though", r"although", r"though", r"while", r"rather than", r"instead of", r"over", r"whereas", r"compared (?:to|with)", r"or")
_EVAL = _rx(
    r"simpl\w*", r"complex\w*", r"cheap\w*", r"expensive", r"costs?", r"costly", r"fast\w*", r"slow\w*", r"quick\w*", r"latency",
    r"throughput", r"overhead", r"operational\w*", r"operate", r"harder", r"hard", r"easier", r"easy", r"flexib\w+", r"memory",
    r"storage", r"consisten\w*", r"availab\w*", r"stale", r"risk\w*", r"coordination", r"collid\w*", r"scal\w+", r"money",
    r"maintenance", r"learn", r"bandwidth", r"accura\w+", r"exact", r"approximate", r"detail", r"precis\w+", r"wastes?",
    r"efficient", r"round trip", r"sticky", r"lock\w*", r"moving parts", r"work", r"invalidation", r"headaches?", r"bursts?",
    r"delay", r"round ?trips?", r"joins?", r"transactions?", r"fail\w*", r"overkill", r"data loss", r"hot", r"conflicts?",
    r"duplicat\w+", r"safe\w*", r"lose", r"loses", r"load", r"bigger", r"smaller", r"lighter", r"heavier", r"false positives", r"instant", r"operat\w*", r"everywhere", r"one ?way", r"holds", r"hurts?", r"cold starts?",
    r"old", r"out of date", r"outdated", r"limited", r"limits", r"extra", r"vendor", r"autonomy", r"independent\w*", r"persisten\w+", r"reliab\w+",
    r"resilien\w+", r"durab\w+", r"robust", r"wasteful", r"bottlenecks?", r"downtime", r"infrastructure",
)
_REASON = _rx(r"because", r"since", r"so", r"means", r"which", r"given", r"as")
_EMPTY_TRADE = _rx(
    r"there (?:are|is|will be) (?:always |some |of course |obviously )?(?:tradeoffs?|pros and cons)", r"everything (?:is|has) (?:a )?tradeoffs?",
    r"it depends", r"think about the tradeoffs?", r"(?:handles?|covers?) (?:most of )?(?:them|the tradeoffs)", r"tradeoffs? of course",
    r"every (?:\w+ )?(?:has|is) (?:a )?tradeoffs?", r"with every \w+", r"tradeoffs with", r"(?:has|have) (?:its |their )?pros and cons",
    r"like any (?:design|system|choice)",
)
_NAMEDROP = _rx(
    r"industry standard", r"best practice", r"everyone uses", r"everybody uses", r"what everyone", r"web scale", r"(?:netflix|uber|google|facebook|amazon) uses",
    r"used at (?:netflix|uber|google)", r"proven at", r"since it's modern", r"the best tool", r"it's the standard", r"is the standard",
    r"because (?:it's|it is) (?:popular|modern|cool|the best|great)",
)


def trade_off(texts: list[str], phrases: tuple[str, ...] = ()) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        if (m := _NAMEDROP.search(t)) is not None and not _TRADE_EXPLICIT.search(t):
            misses.append(Hit(i, f"names a technology without weighing it: '{m.group(0)}'"))
            continue
        if (m := _EMPTY_TRADE.search(t)) is not None and len(_EVAL.findall(t)) < 2:
            misses.append(Hit(i, f"says trade-offs exist without naming one: '{m.group(0)}'"))
            continue
        if (m := _TRADE_EXPLICIT.search(t)) is not None and (_EVAL.search(t) or len(t.split()) >= 8):
            hits.append(Hit(i, m.group(0)))
            continue
        if (cue := _weighs(t)) is not None:
            hits.append(Hit(i, cue))
    return Analysis(tuple(hits), tuple(misses))


_BENEFIT = _rx(r"keeps", r"gives", r"lets", r"allows", r"saves", r"avoids", r"helps", r"improves", r"reduces", r"speeds", r"works",
               r"(?:don't|do not|never) (?:have to |need to )?(?:manage|run|operate|maintain|worry)")
_DECIDE = _rx(r"so (?:i'd|i would|we'd|we would|we) (?:\w+ )?(?:go|pick|take|choose|do|use|start|keep|stick)", r"which is why", r"i'd (?:pick|take|choose|go with)")


def _weighs(t: str) -> str | None:
    """The contrast that weighs two options or names a cost, if any ("fast but stale", "X over Y because")."""
    for c in _CONTRAST.finditer(t):
        word = c.group(0)
        before, after = t[: c.start()], t[c.end():]
        ev_before, ev_after = _EVAL.search(before) or _BENEFIT.search(before), _EVAL.search(after) or _BENEFIT.search(after)
        if word == "or":  # "A which is X or B which is Y": two options, each with a property
            if ev_before and ev_after and _REASON.search(t) and len(_EVAL.findall(t)) >= 2:
                return f"weighs '{ev_before.group(0)}' against '{ev_after.group(0)}'"
            continue
        if word in ("over", "rather than", "instead of"):
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
_FAILURE = _rx(
    r"(?:goes|go|is|are|went|was|were|being) down(?! to| from| by| the| through| into| in| a | our| and up| the stack)", r"fail(?:s|ed|ing)?(?! (?:requests?|calls?|responses?|rates?|over|open|closed|jobs? count))",
    r"crash(?:es|ed|ing)?", r"dies", r"died", r"outages?", r"timeout(?! (?:of|is set|value))", r"timing out", r"timed out", r"times out",
    r"fall(?:s|ing)? (?:behind|over)", r"fell behind", r"unreachable", r"unavailable", r"overload\w*", r"exhaust\w*", r"(?:memory )?leaks?",
    r"corrupt\w*", r"data loss", r"lose (?:data|writes|messages|events|\w+ of data|the (?:data|writes|messages))", r"lost (?:data|writes|about|an hour|messages|events)",
    r"duplicates? (?:can|could|will|may|messages|charges|deliveries)", r"double (?:send|charge|charging|sending|process\w*|charged)",
    r"hot (?:key|shard|partition|cell|spot)s?", r"stampede", r"thundering herd", r"poison (?:message|pill)s?", r"split brain",
    r"network partitions?", r"partition(?:s|ed)? (?:the network|between)", r"backs? up", r"backed up", r"piles? up", r"single points? of failure",
    r"spof", r"bad (?:deploy|release|config|certificate|push)", r"runs? out of", r"running out of", r"ran out of", r"certificate (?:that )?expired?",
    r"clock skew", r"race conditions?", r"deadlocks?", r"n ?plus ?(?:1|one)", r"took down", r"take(?:s)? (?:out|down)(?! the| a)", r"(?:goes|went|go) wrong",
    r"when a node fails", r"at the same time", r"concurrent(?:ly)? (?:writes|updates|requests|bookings)", r"oversell\w*", r"double[- ]book\w*",
    r"(?:can|could|might|may|would) (?:\w+ ){0,2}(?:lose|drop|miss|oversell|serve (?:a |an )?(?:deleted|stale|old|wrong|outdated)|corrupt|overwhelm|overload|crash|hang|stall|deadlock|leak)", r"los(?:e|es|ing|t) (?:the |a |an |our )?(?:\w+ )?(?:node|server|machine|instance|region|zone|disk|data|writes|messages|events|counters|connection|leader|primary)", r"what breaks", r"breaks first", r"\w+ lags", r"slow downstream", r"retries can", r"cascad\w+", r"(?:is|are|gets|got) (?:too )?slow(?! but)", r"conflicts? when", r"will conflict",
    r"disagree\w*", r"silently", r"full table scan", r"missing index", r"replication lag", r"stale (?:reads?|data|prices?|cache)", r"lag(?:s|ging)? behind",
)
# handling that only makes sense against a failure
_HANDLING = _rx(
    r"retr(?:y|ies|ied|ying)", r"backoff", r"jitter", r"circuit breakers?", r"failover", r"fail (?:open|closed|over)", r"dead letter",
    r"idempotent(?:cy)? (?:key|keys|handler|handlers|so|and)", r"(?:has|have|be|is|are|make it) idempotent", r"fallbacks?", r"fall back", r"degrad\w+",
    r"shed\w* load", r"load shedding", r"roll(?:ing|ed)? ?back", r"rollback", r"reconnect\w*", r"resumes?", r"lease", r"quorum", r"drops? repeats",
    r"restore from", r"restored", r"(?:row|distributed|optimistic|pessimistic) lock(?:ing)?", r"(?:two|2|multiple|second) providers", r"reject(?:ing)? new", r"snapshots? (?:them|it|the|to)", r"request coalescing", r"coalesc\w+", r"stopgap", r"mitigat\w+", r"bulkheads?", r"hinted handoff", r"take over",
    r"in another (?:zone|region)", r"other region", r"pick(?:s)? it up", r"keep both versions",
)
_NEGATED = re.compile(r"\bno (?:data loss|downtime|single point of failure|duplicates)\b|\bnever collides?\b|\bwithout (?:data loss|downtime)\b|"
                      r"\b(?:doesn't|does not|don't|do not|no|without) (?:\w+ )?retr\w+|\b(?:something|anything) (?:goes|went|go) wrong\b|"
                      r"\b(?:requests?|calls?|jobs?|tests?|checks?) (?:are |were )?fail\w*")
_DENIAL = _rx(
    r"(?:won't|will not|never|doesn't|does not|can't|cannot|shouldn't|wouldn't) (?:ever |really )?(?:go down|fail|crash|break|lose|have (?:outages|downtime))",
    r"(?:handles?|handled|takes? care of) (?:that|it|failures?|all (?:of )?that|the reliability|reliability|everything|failover)(?! by)",
    r"no need to worry", r"(?:don't|do not) (?:really )?(?:need to|have to) worry", r"always (?:up|available|on)", r"highly available (?:so|out of the box|anyway)",
    r"make (?:it|sure it's|sure it is) (?:reliable|robust|resilient)", r"(?:it's|it is) (?:reliable|robust|highly available)(?: so)?", r"heal itself",
    r"happen all the time", r"that's normal", r"is normal", r"never (?:fails|goes down|loses)", r"(?:out of the box|automatically) (?:so|handles)",
    r"nothing(?:'s| is)? (?:can |will |going to )?(?:go down|go wrong|fail|break)", r"(?:we're|it's|we are|it is|it runs|runs) on (?:aws|gcp|azure|the cloud)",
    r"fault tolerant,? don't worry", r"don't worry", r"(?:platform|infra|sre|ops) team (?:takes care|handles)",
    r"nothing (?:can|will) go wrong", r"so it's fine", r"so that's fine", r"won't go down",
)


def failure_mode(texts: list[str], phrases: tuple[str, ...] = ()) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        t = _NEGATED.sub(" ", t)
        f, h = _FAILURE.search(t), _HANDLING.search(t)
        d = _DENIAL.search(t)
        if d is not None and not (f and h):
            misses.append(Hit(i, f"denies failure instead of naming one: '{d.group(0)}'"))
            continue
        if f is None and h is None:
            continue
        # watching a metric is monitoring unless the sentence also handles the failure;
        # weighing options is a trade-off unless it names a concrete failure
        if h is None and _is_monitoring(t):
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
_NOT_QUANTITY = re.compile(r"\b(?:step|option|version|v|phase|number|chapter|part|level|tier|layer|year|in|since|around|by) " + _NUM + r"\b(?! (?:percent|users|requests|servers|\w+ per))|\b(?:19|20)\d\d\b|\b1 (?:thing|of|more|way|option|side|hand|question|reason|day|time|region|city|thing)\b")
_OP = re.compile(
    r"\b(?:times|x|multiplied by|divided (?:by|across|among|between|over)|across|split (?:across|over|between)|over|per|each|at|every|of)\b.{0,60}?\b(?:is|are|that's|thats|so|gives|comes to|which is|makes|means|"
    r"equals|becomes|works out|call it|or|about|roughly|around|to)\b|" + _NUM + r" (?:times|x|multiplied by|divided by|over) (?:about |roughly |around )?(?:" + _NUM + r"|the|a|365|86400)|"
    r"\b(?:percent|percentage) of\b|" + _NUM + r" (?:\w+ ){0,4}(?:each|apiece|per \w+)\b.{0,60}?" + _NUM + r"|"
    r"\b(?:so|that's|thats|which is|is|comes to|gives|gives us|works out to|becomes|means|call it) (?:about |roughly |around |like |approximately |nearly |almost |only |a bit over |just over |under |over )?" + _NUM + r"\b|"
    r"\b" + _NUM + r" (?:\w+ )?to 1\b"
)
_RESULT = re.compile(r"\b(?:is|are|that's|thats|so|gives|comes to|which is|makes|means|equals|becomes|works out|call it|we need|need|becomes|handles)\b")


def _quantities(t: str) -> list[str]:
    t = _NOT_QUANTITY.sub(" ", t)
    return _NUMS.findall(t)


def scale_estimate(texts: list[str], phrases: tuple[str, ...] = ()) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        nums = _quantities(t)
        if not nums:
            continue
        if is_question_form(t) and not _RESULT.search(t.split("?")[-1]):
            continue
        m = _OP.search(t)
        if len(nums) >= 2 and m is not None and _RESULT.search(t):
            hits.append(Hit(i, m.group(0).strip()))
        elif len(nums) >= 1:
            misses.append(Hit(i, f"states a number ({nums[0]}) without deriving it"))
    return Analysis(tuple(hits), tuple(misses))


# --- monitoring -----------------------------------------------------------------------
_MON = _rx(
    r"monitor(?:s|ing|ed)?(?! on my| was)", r"metrics?(?! system| ton)", r"alert(?:s|ing|ed)?(?! (?:the|a|their) (?:user|customer|driver|rider)s?)", r"alarms?",
    r"dashboards?", r"slos?", r"slis?", r"error budget", r"tracing", r"traces", r"trace (?:the|a|each|every) (?:request|call)s?", r"observab\w+",
    r"(?:alert|page|alarm)s? on", r"page (?:the|someone|somebody|oncall|me|us|an engineer)", r"paged", r"paging", r"canar(?:y|ies)", r"feature flags?",
    r"health ?checks?", r"synthetic (?:check|test|probe|monitor)s?", r"prometheus", r"grafana", r"datadog", r"new relic", r"sentry",
    r"pagerduty", r"cloudwatch", r"splunk", r"honeycomb", r"opentelemetry", r"kibana", r"(?:the|our|its|their|error|access|application|service) logs",
    r"logs for", r"(?:look|looking|check|checking|read|reading|grep|pull|dig) (?:at |through |up |into )?(?:the )?(?:logs|graph|graphs|latency|error rate)",
    r"(?:track|tracked|tracking|watch|watched|measure|measured|measuring|graph|chart|emit) (?:the |our |a |its )?(?:\w+ ){0,3}(?:latency|lag|rate|rates|throughput|usage|errors?|failures?|time|duration|count|ratio|saturation|load)",
    r"error rates?", r"roll(?:ing)? out to \d", r"instrument\w*", r"histograms?", r"telemetry", r"structured logs?", r"logs? with",
    r"(?:logs?|traces?) (?:\w+ ){0,3}(?:request|correlation|trace) ids?", r"follow (?:one|a|each|every) request", r"latency graph", r"memory graph", r"usage graph",
)
_MON_NOT = _rx(
    r"metric system", r"(?:customer|user|admin|their|seller|sellers|driver|rider) dashboard", r"\d+ metrics",
    r"(?:users?|customers?|drivers?|riders?|sellers?|buyers?|they|he|she|you) (?:gets?|receives?|sees?|have|has) (?:an? )?(?:alert|notification|dashboard|alarm)",
    r"(?:alert|notification|dashboard)s? (?:on|to) (?:their|your|his|her) (?:phone|device|screen|app)", r"dashboard (?:showing|with|of) (?:their|your)",
    r"(?:send|sends|sent|give|show|notify) (?:the |a |our )?(?:users?|customers?|drivers?|riders?|them|him|her) (?:an? )?(?:alert|notification)", r"(?:trace|track) (?:their|your|his|her) (?:order|package|parcel|ride)",
    r"write ahead log", r"log in", r"logs? (?:you|them|users?) (?:out|in)", r"monitor nothing", r"(?:don't|do not|no) monitor\w*",
    r"(?:their|your|users?|customers?|sellers?|billing|sales) (?:\w+ ){0,4}dashboard", r"tracks? (?:your|their) (?:steps|heart|location|order|package)", r"log structured", r"the monitor",
)


def _is_monitoring(t: str) -> bool:
    m = _MON.search(t)
    return m is not None and not (_MON_NOT.search(t) and not _MON.search(t[_MON_NOT.search(t).end():]))


def monitoring(texts: list[str], phrases: tuple[str, ...] = ()) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        m = _MON.search(t)
        if m is None:
            continue
        if (n := _MON_NOT.search(t)) is not None and not _MON.search(t[n.end():]):
            misses.append(Hit(i, f"a product feature, not monitoring: '{n.group(0)}'"))
            continue
        if is_question_form(t) and (clarifying_question([t]).hits):
            continue
        hits.append(Hit(i, m.group(0)))
    return Analysis(tuple(hits), tuple(misses))


# --- user-defined phrases -------------------------------------------------------------
def phrases_detector(texts: list[str], phrases: tuple[str, ...] = ()) -> Analysis:
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
    "phrases": phrases_detector,
}
# a genuine scoping question is only a question: it does not also show a design feature
_QUESTION_ONLY = {"trade_off", "failure_mode", "scale_estimate", "monitoring"}


def analyse(method: str, texts: list[str], phrases: Iterable[str] = (), questions: frozenset[int] = frozenset()) -> Analysis:
    """Run one detector over cleaned utterance texts; `questions` (clarifying hits) are excluded for design features."""
    result = DETECTORS[method](texts, tuple(phrases))
    if method in _QUESTION_ONLY and questions:
        result = Analysis(tuple(h for h in result.hits if h.index not in questions), result.near_misses)
    return result


def detect(method: str, utts: list[Utterance], phrases: Iterable[str] = ()) -> list[int]:
    """Indices of the utterances where `method` finds its feature."""
    texts = cleaned(utts)
    questions = frozenset(clarifying_question(texts).indices) if method in _QUESTION_ONLY else frozenset()
    return analyse(method, texts, phrases, questions).indices
