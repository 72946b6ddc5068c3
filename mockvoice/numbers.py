"""Spoken numbers to digits: "twelve thousand", "a hundred million", "12k", "1,200" and "2.5 GB" all become numbers."""

from __future__ import annotations

import re

__all__ = ["digitise", "digitise_lower", "word_runs", "NUM", "NUMBER_WORDS"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000, "mm": 1_000_000}

_NUMBER_WORD = "|".join(sorted(list(_UNITS) + list(_TENS) + list(_SCALES) + ["dozen"], key=len, reverse=True))
_WORD = _NUMBER_WORD + "|a|and|point"
# a run of number words ("a hundred and twenty five thousand"), which must hold a real number word
_RUN = re.compile(r"\b(?:(?:a|and)[\s-]+)*(?:" + _NUMBER_WORD + r")\b(?:[\s-]+(?:" + _WORD + r")\b)*[\s-]*", re.I)
_RUN_LOWER = re.compile(_RUN.pattern)  # the same matches in lower-case ASCII text, 2-3x faster than re.I
_DIGITS = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)\s?(k|m|b|bn|mm)?(?![\w])", re.I)
_DIGIT_SCALE = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)[\s-]?(hundred|thousand|million|billion|trillion)\b")
NUM = "NUM"

# Prefilters: each rule runs only when a cheap test cannot rule a match out, which gives the same text
# (tests/test_spoken_prefilters.py checks it against the plain rules). _RUN costs ~10 us per utterance
# whether or not it matches; a run of number words needs a word (what \b delimits) that is a number word.
NUMBER_WORDS = frozenset(_NUMBER_WORD.split("|"))  # the number words that cleaning writes in digits
_SCALE_WORDS = tuple(_SCALES)
_DIGIT = re.compile(r"\d")
# ASCII bytes other than letters, digits and _ to spaces (bytes.translate is 3x faster than str.translate)
_NON_WORD = bytes.maketrans(bytes(range(128)), bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128)))


def word_runs(text: str) -> list[str] | None:
    """The words of ASCII text as `\\b` delimits them (runs of letters, digits, _); None for other text."""
    return text.encode().translate(_NON_WORD).decode().split() if text.isascii() else None


def _words_value(words: list[str]) -> float | None:
    """The value of a run of number words, or None when it holds no number word at all."""
    total, current, seen, frac, frac_scale = 0.0, 0.0, False, None, 0.1
    for w in words:
        if w in ("and",):
            continue
        if w == "a":
            current = current or 1.0
            continue
        if w == "point":
            frac = 0.0
            continue
        if w == "dozen":
            current = (current or 1.0) * 12
            seen = True
            continue
        if w in _UNITS or w in _TENS:
            v = _UNITS.get(w, _TENS.get(w))
            if frac is not None:
                frac += v * frac_scale
                frac_scale /= 10
            else:
                current += v
            seen = True
        elif w in _SCALES:
            s = _SCALES[w]
            seen = True
            if frac is not None:
                current += frac
                frac = None
            if s == 100:
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * s
                current = 0.0
    if not seen:
        return None
    return total + current + (frac or 0.0)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _replace_run(m: re.Match[str]) -> str:
    raw = m.group(0)
    words = [w.lower() for w in re.split(r"[\s-]+", raw.strip()) if w]
    while words and words[-1] in ("a", "and", "point"):  # "a", "and" at the end belong to the sentence
        words.pop()
    lead = []
    while words and words[0] in ("a", "and") and (len(words) == 1 or words[1] not in _SCALES and words[1] != "dozen"):
        lead.append(words.pop(0))
    value = _words_value(words) if words and words != ["one"] else None  # a lone "one" is rarely a quantity
    tail = " " if raw[-1:].isspace() else ""
    trailing = raw.strip().split()[len(lead) + len(words):] if value is not None else []
    if value is None:
        return raw
    parts = lead + [_fmt(value)] + trailing
    return " ".join(parts) + tail


def _replace_digits(m: re.Match[str]) -> str:
    value = float(m.group(1).replace(",", ""))
    suffix = (m.group(2) or "").lower()
    return _fmt(value * _SUFFIX[suffix]) if suffix in _SUFFIX else _fmt(value)


def _replace_digit_scale(m: re.Match[str]) -> str:
    return _fmt(float(m.group(1).replace(",", "")) * _SCALES[m.group(2)])


def digitise(text: str) -> str:
    """Lower-cased text with every spoken or written number as plain digits ("12k" -> "12000")."""
    text = text.lower()
    return digitise_lower(text, word_runs(text))


def digitise_lower(text: str, runs: list[str] | None) -> str:
    """`digitise` of text already lower-cased, given its `word_runs` (None: unknown, so every rule runs)."""
    has_digit = _DIGIT.search(text) is not None
    if has_digit and any(s in text for s in _SCALE_WORDS):
        new = _DIGIT_SCALE.sub(_replace_digit_scale, text)
        if new != text:
            text, runs = new, word_runs(new)
    if runs is None or not NUMBER_WORDS.isdisjoint(runs):
        new = (_RUN if runs is None else _RUN_LOWER).sub(_replace_run, text)
        if new != text:
            text, has_digit = new, _DIGIT.search(new) is not None
    return _DIGITS.sub(_replace_digits, text) if has_digit else text
