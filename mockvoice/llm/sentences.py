"""Read model replies: a JSON string field while it is still streaming, complete sentences, the final JSON object."""

from __future__ import annotations

import json
import re

from .client import LLMReplyError

__all__ = ["partial_field", "split_sentences", "json_object"]

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "r": "\r"}
_ABBREV = {"e.g", "i.e", "vs", "etc", "approx", "mr", "mrs", "ms", "dr", "no", "fig", "cf"}
_END = re.compile(r"[.?!]+[\"'\u201d)\]]*\s+")


def partial_field(buffer: str, name: str) -> tuple[str, bool] | None:
    """The decoded value so far of string field `name` in partial JSON, and whether its closing quote arrived.

    None when the field has not started yet. Decoding stops before an incomplete escape.
    """
    m = re.search(r'"' + re.escape(name) + r'"\s*:\s*"', buffer)
    if m is None:
        return None
    out: list[str] = []
    i = m.end()
    n = len(buffer)
    while i < n:
        c = buffer[i]
        if c == '"':
            return "".join(out), True
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            break
        e = buffer[i + 1]
        if e == "u":
            digits = buffer[i + 2 : i + 6]
            if len(digits) < 4:
                break
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                out.append(digits)
            i += 6
            continue
        out.append(_ESCAPES.get(e, e))
        i += 2
    return "".join(out), False


def split_sentences(text: str, closed: bool) -> list[str]:
    """The complete sentences in `text`; when `closed` (the string ended) the remainder is one too."""
    sentences: list[str] = []
    start = 0
    for m in _END.finditer(text):
        head = text[start : m.start()].rstrip()
        last_word = head.split()[-1].lower() if head.split() else ""
        if last_word in _ABBREV or (len(last_word) == 1 and m.group().startswith(".")):
            continue  # "e.g. ", "vs. ", "option A. " is too ambiguous to cut at
        piece = text[start : m.end()].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    rest = text[start:].strip()
    if closed and rest:
        sentences.append(rest)
    return sentences


def json_object(text: str) -> object:
    """Parse the reply as JSON, tolerating a ```json fence or prose around one object."""
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        start, end = text.find("{"), text.rfind("}")
        if start == -1 or end <= start:
            raise LLMReplyError("malformed", f"the reply is not JSON: {text[:60]!r}") from None
        try:
            return json.loads(text[start : end + 1])
        except json.JSONDecodeError as exc:
            raise LLMReplyError("malformed", f"the reply is not valid JSON ({exc.msg} at char {exc.pos})") from None
