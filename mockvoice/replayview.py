"""Rich views of a replay: the live frame (synced transcript, timeline, marks so far) and the printed transcript."""

from __future__ import annotations

from bisect import bisect_right

from rich.console import Group
from rich.rule import Rule
from rich.text import Text

from .annotate import Annotation, feature_colours, verdicts
from .delivery import is_filler
from .endpointing import EndpointConfig
from .replay import Replay, ReplayTurn
from .scorecard import Scorecard
from .utterances import Utterance, split_utterances

__all__ = ["clock", "live_frame", "annotated_lines", "verdict_line"]

KIND = {"question": "Question", "probe": "Probe", "wrap_up": "Wrap-up"}
HELP = "space pause/resume · ←/→ 5 s · n/p next/previous mark · q quit"


def clock(seconds: float | None) -> str:
    """m:ss.s, or a dash when untimed."""
    if seconds is None:
        return "  -   "
    m, s = divmod(max(seconds, 0.0), 60)
    return f"{int(m)}:{s:04.1f}"


def _mark_line(a: Annotation) -> Text:
    text = a.text if len(a.text) <= 72 else a.text[:70] + "…"
    line = Text(f"  {clock(a.start)} ", style="dim", no_wrap=True, overflow="ellipsis")
    if a.kind == "evidence":
        line.append(f"● {a.label}", style=f"bold {a.colour}")
        line.append(f"  “{text}”")
    elif a.kind == "pause":
        line.append(f"‖ long pause {a.text}", style=a.colour)
    else:
        line.append(f"~ filler “{text}”", style=a.colour)
    return line


def _timeline(rt: ReplayTurn, pos: float, width: int = 60) -> Text:
    cells = ["─"] * width
    styles = ["grey35"] * width
    dur = max(rt.duration, 0.1)
    for a in rt.notes.annotations:
        if a.start is None:
            continue
        lo = int(a.start / dur * width)
        hi = max(lo + 1, int((a.end if a.end is not None else a.start) / dur * width))
        for i in range(max(lo, 0), min(hi, width)):
            cells[i], styles[i] = ("█", a.colour) if a.kind == "evidence" else ("░", a.colour) if a.kind == "pause" else ("▲", a.colour)
    head = min(int(pos / dur * width), width - 1)
    cells[head], styles[head] = "┃", "bold white"
    line = Text(no_wrap=True, overflow="crop")
    for c, s in zip(cells, styles):
        line.append(c, style=s)
    return line


def _transcript(rt: ReplayTurn, pos: float) -> Text:
    words = rt.turn.transcript.words
    colours = feature_colours(rt.turn.scorecard)
    cur = max((i for i, w in enumerate(words) if w.start is not None and w.start <= pos), default=-1)
    pause_ends = {round(a.end, 2): a for a in rt.notes.annotations if a.kind == "pause" and a.end is not None}
    out = Text()
    for i in range(max(0, cur - 35), min(len(words), max(cur, 0) + 45)):
        w = words[i]
        p = pause_ends.get(round(w.start, 2)) if w.start is not None else None
        if p is not None:
            out.append(f"‖ {p.text} ", style="reverse grey50" if p.start <= pos < p.end else "grey50")
        feats = rt.marks[i] if i < len(rt.marks) else ()
        colour = colours.get(feats[0][0]) if feats else None
        spoken = w.start is not None and w.start <= pos
        if i == cur and (w.end is None or pos < w.end + 0.3):
            style = f"reverse bold {colour or ''}".strip()
        elif is_filler(w.text):
            style = "underline red" if spoken else "dim red"
        elif colour:
            style = f"bold {colour}" if spoken else f"dim {colour}"
        else:
            style = "" if spoken else "dim"
        out.append(w.text.strip(), style=style)
        out.append(" ")
    return out


def verdict_line(verdicts) -> Text:
    """`✓ Clarifying questions 3/3 · ✗ Trade-offs 1/2 ...`: each feature's count against its target."""
    line = Text("  ", no_wrap=True, overflow="ellipsis")
    for k, (name, count, target, met) in enumerate(verdicts):
        if k:
            line.append(" · ", style="dim")
        line.append(f"{'✓' if met else '✗'} {name} {count}/{target}", style="green" if met else "red")
    return line


def _whole_lines(whole: Scorecard) -> list[Text]:
    lines = [Text(f"Whole interview · score {whole.overall:.0f}/100 (scored as one answer)", style="bold"),
             verdict_line(verdicts(whole))]
    return lines + [Text(f"  → {f}", style="yellow", no_wrap=True, overflow="ellipsis") for f in whole.feedback[:3]]


# how a turn ended, where the reason is worth telling (a turn that ended on the candidate's silence needs no note)
_END_WHY = {"no_speech": f"nothing heard: the turn ended after {EndpointConfig().no_speech_timeout_s:.0f} s of silence",
            "max_length": "cut at the answer time limit",
            "quit": "ended with q", "key": "ended with Enter"}


def _after_turn(rt: ReplayTurn, last: bool, wrap_up: str | None, whole: Scorecard | None = None) -> list[Text]:
    n = rt.notes
    why = _END_WHY.get(rt.turn.end_reason or "")
    lines = [Text(f"End of answer {n.index}" + (f" · score {n.overall:.0f}/100" if n.overall is not None else "")
                  + (f" ({why})" if why else ""), style="bold")]
    if n.verdicts:
        lines.append(verdict_line(n.verdicts))
    lines += [Text(f"  → {f}", style="yellow", no_wrap=True, overflow="ellipsis") for f in n.feedback[:3]]
    for text in rt.turn.probe.skipped if rt.turn.probe else ():
        lines.append(Text.assemble(("Skipped: ", "dim bold"), (text, "dim")))
    if n.probe:
        lines.append(Text.assemble(("Interviewer probed: ", "bold"), n.probe, (f"  ({n.probe_reason})" if n.probe_reason else "", "dim")))
    if last and whole is not None:
        lines += _whole_lines(whole)
    if last and wrap_up:
        lines.append(Text.assemble(("Wrap-up: ", "bold"), wrap_up))
    return lines


def live_frame(state: Replay) -> Group:
    """One frame of the live replay."""
    rt, pos = state.turn, state.position()
    n = rt.notes
    ended = state.hold_until is not None or state.player.finished
    status = "ended  " if ended else ("paused " if state.player.paused else "playing")
    parts = [
        Text.assemble((f"Turn {n.index} ", "bold"), (f"({state.current + 1} of {len(state.turns)}) ", "dim"),
                      (KIND.get(n.prompt_kind, n.prompt_kind) + ": ", "bold cyan"), n.prompt),
        Text.assemble((status, "bold green" if status == "playing" else "bold yellow"),
                      f" {clock(pos)} / {clock(rt.duration)}   "),
        _timeline(rt, pos),
    ]
    if ended:  # between turns the probe and feedback come first, so they are never cropped
        parts += _after_turn(rt, state.current + 1 == len(state.turns), state.wrap_up, state.whole)
    parts += [Text(""), _transcript(rt, pos), Text(""), Text("Marked so far:", style="bold")]
    passed = [a for a in n.annotations if a.start is not None and a.start <= pos + 0.05]
    parts += [_mark_line(a) for a in passed[-6:]] or [Text("  (nothing yet)", style="dim")]
    parts.append(Text(HELP, style="dim"))
    return Group(*parts)


def _time(t: float | None) -> float:
    return float("inf") if t is None else t


def _anchor(utts: list[Utterance], a: Annotation) -> int | None:
    """The index of the sentence a piece of evidence starts at.

    Evidence may span several sentences (speech-to-text split one spoken sentence in two), so its
    text need not equal any one sentence: match timed evidence by its start time, typed evidence
    by the sentence its text begins with, or, for a window cut from a long sentence ("…" at its
    ends), by the sentence its words start in.
    """
    if a.start is not None:
        timed = [i for i, u in enumerate(utts) if u.start is not None and u.start <= a.start + 0.01]
        return timed[-1] if timed else None
    for i, u in enumerate(utts):
        if a.text == u.text or a.text.startswith(u.text + " "):
            return i
    said = a.text.strip("\u2026")
    starts, whole = [], ""
    for u in utts:
        starts.append(len(whole))
        whole += u.text + " "
    at = whole.find(said) if said else -1
    return bisect_right(starts, at) - 1 if at >= 0 else None


def _under(utts: list[Utterance], i: int, a: Annotation) -> tuple[float, int, int, Text]:
    """The line of a piece of evidence under sentence i: its label, or, when it starts well inside the sentence
    (a hit in a long one is timed from its cue), its own time and quote, in time order among the sentence's marks."""
    u = utts[i]
    if a.start is not None and u.start is not None and a.start > u.start + 0.05:
        return a.start, i, 1, _mark_line(a)
    return _time(u.start), i, 1, Text.assemble(" " * 9, (f"● {a.label}", f"bold {a.colour}"))


def annotated_lines(turns: list[ReplayTurn], wrap_up: str | None = None, start: float = 0.0, whole: Scorecard | None = None):
    """The printed replay: each answer's sentences with timestamps, its marks, feedback and the probe after it.

    `whole` (a whole-interview card whose answers carry only their share of it) is shown after the last answer.
    """
    for k, rt in enumerate(turns):
        n = rt.notes
        yield Rule(f"Turn {n.index}", align="left")
        yield Text.assemble((KIND.get(n.prompt_kind, n.prompt_kind) + ": ", "bold cyan"), n.prompt)
        since = start if k == 0 else 0.0
        # each line sorts by (time, sentence number, kind): untimed (typed) sentences go by their order
        events: list[tuple[float, int, int, Text]] = []
        utts = split_utterances(rt.turn.transcript)
        shown = [u.start is None or u.start >= since - 0.01 for u in utts]
        for i, u in enumerate(utts):
            if shown[i]:
                events.append((_time(u.start), i, 0, Text.assemble((f"[{clock(u.start)}] ", "dim"), u.text)))
        for a in n.annotations:
            if a.kind == "evidence" and (i := _anchor(utts, a)) is not None:
                if shown[i]:
                    events.append(_under(utts, i, a))
            elif a.start is None or a.start >= since - 0.01:  # marks, and evidence with no sentence to hang it under
                events.append((_time(a.start), len(utts), 2, _mark_line(a)))
        for *_, line in sorted(events, key=lambda e: e[:3]):
            yield line
        yield from _after_turn(rt, k + 1 == len(turns), wrap_up, whole)
