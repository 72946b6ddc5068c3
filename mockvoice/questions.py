"""Clarifying questions in spoken answers: question word order without question marks, minus check-ins and rhetoric.

Also holds the result types every detector returns (Hit, Analysis): each hit carries the cue
that triggered it, and near misses say why something that looked like the feature is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .prefilter import Regrouped, gated
from .spoken import clean
from .utterances import Utterance

__all__ = ["Hit", "Analysis", "clarifying_question", "is_question_form", "question_count", "cleaned", "rx"]


@dataclass(frozen=True)
class Hit:
    """An utterance that shows (or, for a near miss, only seems to show) a feature, and why."""

    index: int
    cue: str
    through: int | None = None  # the last utterance of the evidence, when it spans a sentence split into clauses


@dataclass(frozen=True)
class Analysis:
    """A detector's verdict on an answer: hits, and near misses with the reason they do not count."""

    hits: tuple[Hit, ...] = ()
    near_misses: tuple[Hit, ...] = ()

    @property
    def indices(self) -> list[int]:
        return [h.index for h in self.hits]


def rx(*alternatives: str) -> re.Pattern[str]:
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
       r"who(?:'s| is| are| will| uses| would)|where (?:is|are|do|does|did|will)|when (?:did|do|does|is|was|will|should)|since when|"
       r"how (?:are|is|does|do) (?:\w+ ){1,3}(?:done|handled|deployed|managed|run|built|stored|today|currently|now)|"
       r"how (?:many|much|often|big|fast|long|strict|fresh|large|slow|important|far|soon|quickly|stale|accurate|exact|"
       r"old|bad|widespread|critical|sensitive|consistent|available|reliable|durable)|how's|roughly how|about how|approximately how)")
_INV = (r"(?:do|does|did|is|are|was|were|will|would|should|shall|can|could|has|have|must|may|isn't|aren't|don't|doesn't)\s" + _SUBJ)
_EMBED = (r"(?:i'd like to (?:know|understand|ask|clarify|check|confirm)|i want to (?:check|know|understand|clarify|confirm|ask)|"
          r"i'm curious|i wonder|i was wondering|let me (?:ask|clarify|check whether|confirm)|"
          r"one thing i (?:want|wanted|need) to (?:check|know|ask|clarify)|(?:could|can) you tell me|can i ask|may i ask|"
          r"i need to know|it would help to know|do you know|my (?:first |next |other |last |main )?question (?:is|would be)|"
          r"the (?:first )?question i'd ask|when you say|do you mean|by \w+ do you mean|"
          r"i'd (?:first )?ask (?:first )?(?:is|about|what|how|whether)|i'd want to know|i'm wondering)")
_WH_NOUN = r"(?:what|which|how much|how many) (?:\w+ ){1,3}(?:are|is|do|does|did|will|should|would|can|could|must) (?:we|you|they|it|the|users?|people|customers?)"
_WHICH = r"(?:^|[.?] |\b(?:so|and|okay|ok|also|but|then|first|now)\s)which (?!is|are|was|were|means|gives|makes|would|will|keeps|has|have|we|i|it|they|lets|costs|adds)"
_QSTART = gated(re.compile(_WHICH + r"|" + _LEAD + r"(?:" + _WH + r"|" + _WH_NOUN + r"|" + _INV + r")\b|\b" + _EMBED + r"\b"
                     r"|(?:^|[.?] )(?:do|does|did|is|are|will|would|should|can|could|has|have|must) (?!\w+ (?:is|are)\b)(?!\d)\w+ \w+"), regroup=True)
_CHECK_IN = gated(rx(
    r"(?:does|do|did) (?:that|this|it|everything) (?:make sense|sound|look|answer)", r"does this answer",
    r"makes? sense", r"sound (?:good|ok|okay|right|reasonable)",
    r"(?:^|[.,?] |\b(?:so|okay|ok|and|now|um)\s)(?:should|shall|can|may|could) i (?!assume|ask\b)",
    r"am i making sense", r"(?:could|can) you repeat", r"repeat the question",
    r"(?:do you want|would you like|want) (?:me|us) to", r"am i on (?:the )?right track", r"are you following",
    r"is (?:that|this) (?:ok|okay|alright|fine|clear|enough|good|what you|the (?:level|kind|depth))",
    r"is it (?:ok|okay|alright|fine) (?:if i|with you|to)", r"(?:can|could) you hear me", r"you know what i mean",
    r"any questions", r"where was i", r"what else", r"mind if i", r"level of detail", r"what(?:'s| is)? next",
    r"what now", r"(?:does|did) (?:that|this|it) (?:cover|help|work for you)",
    r"what you (?:wanted|were looking for|asked|had in mind)",
    r"(?:short|long|quick|detailed|brief) (?:version|answer)", r"do you want me", r"did i mention",
    r"what was i (?:saying|doing|talking about)", r"let me know if", r"any thoughts", r"thoughts so far",
    r"(?:that's|this is) the (?:high level|overall|basic) (?:design|idea|picture)", r"questions so far",
    r"so far\s?\?", r"is (?:that|this) (?:reasonable|right|correct) so far", r"with me so far", r"good so far",
    r"(?:anything|something) (?:else )?you'd like me to", r"what do you think",
), regroup=True)
_EMPLOYER = gated(rx(
   
    r"your (?:company|team|engineering|culture|office|manager|org|organi[sz]ation|interview|process|benefits|day to day|hiring|career|oncall rotation|stack)",
    r"(?:the|this) company", r"(?:at|in) the office", r"free (?:lunch|food|snacks)", r"perks", r"salary", r"vacation",
    r"equity", r"company culture", r"(?:do|did) you (?:enjoy|like|love) (?:working|it|your)", r"next steps",
    r"remote work", r"work(?:ing)? from home", r"new hires", r"working here", r"at your company",
    r"interview process", r"promotion", r"mentorship", r"what's it like",
    r"(?:have|did) you (?:been|joined|worked|work) (?:at|on|with|here|there|for)", r"how long have you",
    r"what's the (?:team|culture|company|office|manager|work) like", r"where are you (?:based|located)",
), regroup=True)
# self-directed design questions ("how do we generate the ids") are the candidate thinking aloud
_SELF = gated(re.compile(r"\b(?:do|does) we (?:really|even|actually) need\b|\b(?:how|what|where|why|which \w+) (?:do|should|would|could|can|will|shall|might) (?:we|i)\b(?! (?:expect|know|care|have|assume|mean|support|want|already|need(?! here| for this| first| to (?:do|build|make))))"))
_WHY = gated(re.compile(r"(?:^|[.,?] |\b(?:so|and|but|now|okay)\s)why\b"))
SCOPE = Regrouped(rx(
    r"users?", r"customers?", r"traffic", r"requests?", r"qps", r"rps", r"reads?", r"writes?", r"ratio", r"heavy",
    r"latency", r"consisten\w*", r"availab\w*", r"nines", r"budget", r"cost\w*", r"regions?", r"global\w*",
    r"countr\w+", r"scale", r"peak", r"features?", r"requirements?", r"scope", r"mobile", r"web", r"devices?",
    r"platforms?", r"clients?", r"retention", r"keep", r"stor\w+", r"data", r"history", r"sla\w*", r"slo\w*",
    r"compliance", r"gdpr", r"privacy", r"security", r"auth\w*", r"existing", r"stack", r"team", r"deadline",
    r"launch", r"durab\w*", r"order\w*", r"real ?time", r"expir\w*", r"forever", r"custom\w*", r"analytics",
    r"how (?:many|much|often|big|fast|long|strict|fresh|large|slow|far|stale|bad|widespread)", r"growth", r"daily",
    r"per (?:second|day|user)", r"priorit\w*", r"constraints?", r"assum\w*", r"deploy\w*", r"chang\w+", r"affected",
    r"since when", r"when did", r"error rate", r"errors?", r"endpoints?", r"target", r"p99", r"p95", r"limit\w*",
    r"exact\w*", r"approximate", r"fresh", r"stale", r"delivered", r"delivery", r"duplicates?", r"once", r"size",
    r"sizes?", r"large", r"max\w*", r"volume", r"percent\w*", r"version", r"sync\w*", r"offline", r"personali[sz]ed",
    r"ranked", r"search", r"support", r"channels?", r"need", r"tolerate", r"okay if", r"acceptable", r"wrong", r"sla",
    r"refunds?", r"guarantee\w*", r"who", r"which", r"internal", r"public", r"pipelines?", r"ci", r"process",
    r"today", r"currently", r"tooling", r"downtime", r"worst case", r"audit\w*", r"logs?", r"requirements?",
    r"tolerable", r"allowed", r"free", r"paid", r"files?", r"photos?", r"videos?", r"messages?", r"groups?",
))
_ALT = gated(re.compile(r"\b\w+ or (?:\w+ )?\w+"))


def is_question_form(text: str) -> bool:
    """True when cleaned text asks something: a question mark, or question word order anywhere in it."""
    return "?" in text or bool(_QSTART.search(text))


def _question_span(t: str) -> tuple[int, str] | None:
    if (m := _QSTART.search(t)) is not None:
        return m.start(), t[m.start():]
    if "?" in t:
        return 0, t
    return None


# stating an assumption and asking to confirm it is a scoping question ("I'm assuming two regions, is that right?")
_CONFIRM = gated(re.compile(r"\b(?:i'm assuming|i assume|assuming|i'll assume|can i assume|let's say|i'd guess|my guess is)\b.*\b(?:is that|right|correct|fair|ok|okay|true)\s?(?:\?|$)"))


_ASSUMES = gated(re.compile(r"\b(?:i'm assuming|i assume|assuming|i'll assume|let's say|i'd guess|my guess is)\b"))
_CONFIRM_NEXT = re.compile(r"(?:is|isn't|is not) (?:that|this|it) (?:right|correct|fair|ok|okay|true|a fair assumption)\b")


def clarifying_question(texts: list[str], phrases: tuple[str, ...] = (), notes: list[set[str]] | None = None) -> Analysis:
    hits, misses = [], []
    for i, t in enumerate(texts):
        if _CONFIRM.search(t) or (i > 0 and _CONFIRM_NEXT.match(t) and _ASSUMES.search(texts[i - 1])):
            hits.append(Hit(i, "confirms an assumption"))
            continue
        span = _question_span(t)
        if span is None:
            continue
        if notes is not None:
            notes[i].add("Q")
        start, q = span
        if (m := _CHECK_IN.search(t)) is not None and not _QSTART.search(t, m.end()):
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
        answered = len(after.split()) >= 3 and _ANSWER_START.match(after.strip()) is not None and not _QSTART.search(after)
        if _SELF.search(head) is not None or answered or _rhetorical_tail(rest):
            misses.append(Hit(i, "rhetorical: the candidate asks and answers it straight away"))
            continue
        if i + 1 < len(texts) and after.strip() == "" and "?" in t and _starts_answer(texts[i + 1]):
            misses.append(Hit(i, "rhetorical: answered in the next sentence"))
            continue
        whole = t.partition("?")[0]
        if SCOPE.search(whole) or _ALT.search(body) and " or " in body or len(words) >= 7:
            cue = (SCOPE.search(whole) or _QSTART.search(t))
            hits.append(Hit(i, f"asks about '{cue.group(0).strip(' ,.?')}'" if cue else "asks a scoping question"))
    return Analysis(tuple(hits), tuple(misses))


_TAIL_ANSWER = re.compile(r"^(?:.*? )?(?:well|because|of course|the answer is|basically|obviously|it's|it is|it just|they just|we need (?:a|an) |"
                          r"we (?:can|could|use|put|just|store|retry|fail over|fall back|queue|serve|return|add|cache|shard|send|route|switch|'d|'ll|will)|in redis|simple|"
                          r"not (?:at|really|yet|for now|now|with)|no ,|yes ,|nope|probably not|i think so|i don't think)\b")


# a sentence that answers the question just asked ("How does the client know? It gets a push.")
_ANSWER_START = re.compile(r"(?:it|they|we|well|because|by|using|simple|easy|no|yes|nope|not|the answer|that's|just|in|with|via|through|"
                           r"there isn't|there's no|none)\b")


def _rhetorical_tail(rest: str) -> bool:
    return bool(_TAIL_ANSWER.match(rest)) and not _QSTART.search(rest)


def _starts_answer(next_text: str) -> bool:
    # not "because": after a yes/no question it gives the reason for asking ("is a bit of staleness okay? because
    # strong consistency costs a round trip"); a "why" question answered with "because" is caught before this
    return len(next_text.split()) >= 3 and bool(re.match(r"(?:well|it|they|by|using|just|simple|easy|the answer is|we (?:can|just|use|put|simply)|that's|nope)\b", next_text))


# --- how many questions one utterance asks ------------------------------------------------
# One spoken sentence often asks several scoping questions ("how many users, and how big can a group get, and are
# there celebrities with millions of followers?"), and interviewers count each. A further question starts at
# "and"/"also"/"plus" followed by question word order, at a wh-question after a pause ("how many farms, how many
# sensors per farm", "what latency budget"), or at a yes/no question after a pause ("what is the qps, is it
# global"). A yes/no question that offers alternatives or an example ("how fresh must it be, is a few seconds
# okay", "what's the typical file, is it docs or video") narrows the one before it, and "or ..." offers
# alternatives within it: neither is counted again.
_AUX = r"(?:is|are|was|were|i|we|you|they|it|if|can|could|would|should|will|does|do|did|has|have|had|may|might|must)"
_WH_ANY = r"(?:" + _WH + r"|" + _WH_NOUN + r"|what (?!" + _AUX + r"\b)\w+)"  # "what latency budget": not "which", a relative clause
_NEXT_QUESTION = gated(re.compile(r"\b(?:and|also|plus)\s(?:, )?(?:" + _WH_ANY + "|which (?!" + _AUX + r"\b)\w+|" + _INV
                                  + r")\b|[,.?]\s" + _WH_ANY + r"\b"))
_NEXT_YES_NO = gated(re.compile(r"[,.?]\s(?:" + _INV + r"|(?:is|are|do|does|did|will|would|should|can|could|must|has|have|was|were)\s"
                                 r"(?!(?:that|this|it)\b)[a-z][\w-]*\s\w+)\b"))
_NARROWS = re.compile(r"\b(?:or|like|acceptable|okay|ok|fine|enough|a problem|right|correct|true|fair)\b|\d")
_LEAD_IN = re.compile(r"^(?:(?:and|also|plus|so|okay|ok|first|then|but|now|before i \w+(?: in| anything)?|quick question|"
                      r"first question|one more thing|a few questions first)\s?(?:, )?)*(?:" + _EMBED + r")?[\s,.?]*")
MOST_PER_UTTERANCE = 3  # a list of five things asked in one breath is still read as a few questions, not five


_EMBED_AT = re.compile(_EMBED)
_ASKS = re.compile(r"\b(?:what|when|where|which|who|how|whether)\b|\?")  # a question before question word order is seen
# "or rather, how many daily actives" rephrases the question before it
_REPHRASED = re.compile(r"(?:\bor rather|\bi mean|\bor|\brather|\bthat is)\s*[,.?]?\s*$")
# "when you say real time, do you mean under a second": a topic named, then the question about it
_TOPIC_LEAD = re.compile(r"(?:(?:and|so|ok|okay)\s)?(?:when you say|what about|how about|as for|regarding|in terms of)\b")


def question_count(text: str) -> int:
    """How many scoping questions one clarifying-question utterance (cleaned text) asks: 1 to MOST_PER_UTTERANCE."""
    first = _QSTART.search(text)
    begin = 0 if first is None or _ASKS.search(text, 0, first.start()) else first.start()  # "i'd ask: when did it start"
    starts = {m.start() for m in _NEXT_QUESTION.finditer(text, begin + 1)}
    yes_no = sorted(m.start() for m in _NEXT_YES_NO.finditer(text, begin + 1)
                    if not _EMBED_AT.match(text, m.start() + 2))  # ", may i ask how many ...": the question follows
    for k, at in enumerate(yes_no):  # a yes/no question that narrows the one before it is part of it
        end = min([s for s in (*starts, *yes_no[k + 1:]) if s > at] + [len(text)])
        if not _NARROWS.search(text, at, end):
            starts.add(at)
    cuts = sorted(s for s in starts if s > begin and not _REPHRASED.search(text, max(begin, s - 16), s + 1))
    bounds = [begin, *cuts, len(text)]
    asked = 0
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        seg = text[a:b].strip(" ,.?")
        body = seg[_LEAD_IN.match(seg).end():]
        if k + 2 < len(bounds) and (_TOPIC_LEAD.match(seg) or _TOPIC_LEAD.match(body)):
            continue  # the topic of the question that follows, not a question of its own
        if len(body.split()) >= 2 and not _CHECK_IN.search(seg) and not _EMPLOYER.search(seg):
            asked += 1
    return max(1, min(asked, MOST_PER_UTTERANCE))
