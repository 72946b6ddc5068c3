"""Captions from a call (WebVTT, SRT: a Zoom or Teams transcript) as the words of one speaker's answer.

Headers, cue numbers and identifiers, times and tags are dropped. Speakers are named by voice tags
(`<v Name>`) or by "Name: " opening most cues; when they are, one speaker's words are kept.
"""

from __future__ import annotations

import re
from typing import Callable

from .errors import InputFileError

__all__ = ["CUE_TIME", "caption_text"]

CUE_TIME = re.compile(r"^[ \t]*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}[ \t]*-->", re.M)
_CUE_INDEX = re.compile(r"^\d+$")
_CUE_TAG = re.compile(r"</?[a-z][^>]*>", re.I)
_HEADER_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>", re.I)  # WebVTT's voice tag (Teams): <v Name> or <v.class Name>
# "Jane Doe: ..." opening a cue (Zoom's captions, some .srt): a name of one to four words that starts with a letter
_LABEL = re.compile(r"^(?:-|>>)?\s*([^\W\d_][\w.'\u2019()-]*(?: [\w.'\u2019()-]+){0,3}):\s+(?=\S)")


def caption_text(text: str, speaker: str | None = None, where: str = "captions",
                 warn: Callable[[str], None] | None = None) -> str:
    """The words of WebVTT or SRT captions (a Zoom or Teams transcript): no header, cue numbers, times or tags.

    Speakers are named by voice tags (`<v Name>`) or by "Name: " opening most cues. A cue that names no one
    is said by the speaker before it (captions often name a speaker only when the speaker changes). When
    speakers are named, only one speaker's words are kept: `speaker` (any case; a unique start of the name
    is enough), or else the one speaker whose name does not contain "interviewer"; with no such speaker, or
    several, it is an InputFileError listing them. Words before the first name are left out (said to `warn`).
    Cue times are not kept: the words have no timings.
    """
    lines = _attributed(_cues(text))
    named = list(dict.fromkeys(who for who, _ in lines if who is not None))
    if not named:
        if speaker is not None and warn is not None:
            warn(f"{where}: the captions name no speakers, so all their words are scored (--speaker {speaker!r} is not used)")
        return "\n".join(words for _, words in lines)
    chosen = _choose(named, speaker, where)
    unnamed = sum(who is None for who, _ in lines)
    if unnamed and warn is not None:
        warn(f"{where}: {unnamed} cue{'s' * (unnamed != 1)} before the first speaker's name "
             f"{'are' if unnamed != 1 else 'is'} left out; only {chosen}'s words are scored")
    return "\n".join(words for who, words in lines if who == chosen)


def _cues(text: str) -> list[list[str]]:
    """The text lines of each cue: no header or comment blocks, cue numbers, identifiers or times."""
    lines = [line.strip() for line in text.splitlines()]
    cues: list[list[str]] = []
    cue: list[str] | None = None
    skipping = False
    for i, line in enumerate(lines):
        if not line:
            cue, skipping = None, False  # a blank line ends a cue or a header block
        elif skipping or (i + 1 < len(lines) and CUE_TIME.match(lines[i + 1])):
            continue  # inside a header block, or a cue's number or identifier (the line before its time)
        elif CUE_TIME.match(line):
            cue = []
            cues.append(cue)
        elif cue is None and line.startswith(_HEADER_BLOCKS):
            skipping = True
        elif cue is None and _CUE_INDEX.match(line):
            continue
        else:
            if cue is None:  # text outside any cue is kept, as it always was
                cue = []
                cues.append(cue)
            cue.append(line)
    return [c for c in cues if c]


def _attributed(cues: list[list[str]]) -> list[tuple[str | None, str]]:
    """(speaker or None, words) for each cue, split where a voice tag changes speaker (its screen lines joined).

    A speaker's name is spelled as it first appears (a later "zed" is "Zed"). "Name: " labels count only when
    at least two cues, and at least half of them, open with one: a lone "Note: ..." is words, not a speaker."""
    labelled = sum(not _VOICE.search(c[0]) and bool(_LABEL.match(_CUE_TAG.sub("", c[0]))) for c in cues)
    labels = labelled >= 2 and labelled * 2 >= len(cues)
    spelled: dict[str, str] = {}
    out: list[tuple[str | None, str]] = []
    who: str | None = None
    for cue in cues:
        said: list[tuple[str | None, str]] = []
        for n, line in enumerate(cue):
            parts = _VOICE.split(line)  # the text before any voice tag, then each tag's name and the text after it
            if n == 0 and labels and len(parts) == 1:
                plain = _CUE_TAG.sub("", line)
                if m := _LABEL.match(plain):
                    parts = ["", m.group(1), plain[m.end():]]
            for i, part in enumerate(parts):
                if i % 2:
                    name = " ".join(part.split())
                    who = spelled.setdefault(name.casefold(), name) if name else who
                elif words := " ".join(_CUE_TAG.sub("", part).split()):
                    if said and said[-1][0] == who:  # a cue's lines are wrapped for the screen: one speaker's is one line
                        words = f"{said.pop()[1]} {words}"
                    said.append((who, words))
        out.extend(said)
    return out


def _choose(named: list[str], speaker: str | None, where: str) -> str:
    """The speaker to score among those the captions name (see `caption_text`); a wrong or missing choice is one line."""
    listed = ", ".join(named)
    if speaker is None:
        others = [s for s in named if "interviewer" not in s.casefold()]
        if len(others) == 1:
            return others[0]
        said = f"{len(named)} speaker{'s' * (len(named) != 1)} ({listed})"
        raise InputFileError(f"{where}: the captions name {said} and it is not clear whose answer to score; "
                             "pass --speaker NAME (a unique start of the name is enough)")
    want = " ".join(speaker.split()).casefold()
    if not want:
        raise InputFileError(f"{where}: --speaker is empty; pass one of the names the captions give ({listed})")
    found = [s for s in named if s.casefold() == want] or [s for s in named if s.casefold().startswith(want)]
    if len(found) == 1:
        return found[0]
    if found:
        raise InputFileError(f"{where}: --speaker {speaker!r} could be {' or '.join(found)}; give more of the name")
    raise InputFileError(f"{where}: no speaker {speaker!r} in the captions (they name {listed}); pass --speaker "
                         "with one of those names")
