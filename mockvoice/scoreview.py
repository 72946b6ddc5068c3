"""Choose which score version of a session replay and report show: the original, the newest re-score, or one by key.

A view is the session with the chosen version's scorecards (and, for a version that scored a
re-transcription, that transcript's words and timings) put in place of the first ones, so every
reader of `Session` shows it unchanged. A version scored as one whole interview (a multi-answer
`practice` session re-scored) is split back onto its answers by the offsets it was joined at:
each answer gets the evidence that falls in it (`sliced`), the verdicts stay the whole card's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from .delivery import measure_delivery
from .errors import MockvoiceError, SessionError
from .rubric import load_rubric
from .scorecard import Evidence, FeatureScore, Scorecard
from .session import Session
from .transcript import Transcript
from .versions import VERSION_FILE, read_score_version, read_score_versions, read_transcript_version, transcript_path

__all__ = ["ORIGINAL", "LATEST", "VersionError", "VersionInfo", "ScoreView", "list_versions", "repair_hint", "choose", "when"]

ORIGINAL = "original"
LATEST = "latest"
_DEFAULT_LONG_PAUSE_S = 3.0


class VersionError(SessionError):
    """A score version asked for by key that the session does not have."""


def when(iso: str | None) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM UTC` (the raw text when it does not parse)."""
    if not iso:
        return "?"
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16]
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class VersionInfo:
    """One set of scores a session has: the original (from session.json) or a stored re-score."""

    key: str  # "original" or the version's file stem, e.g. system-design-1a2b3c4d5e6f[.base.en]
    rubric: str
    rubric_hash: str | None
    created_at: str
    transcript: str | None  # the re-transcription model it scored; None: the recorded transcript
    overall: float | None
    path: Path | None = None

    def describe(self) -> str:
        """`rubric system-design · hash 1a2b3c4d5e6f · created 2026-11-21 10:05 UTC[ · transcript base.en]`."""
        parts = [f"rubric {self.rubric}", f"hash {self.rubric_hash or '?'}", f"created {when(self.created_at)}"]
        if self.transcript:
            parts.append(f"transcript {self.transcript}")
        return " · ".join(parts)


@dataclass(frozen=True)
class ScoreView:
    """A session as one score version shows it, which version that is, and what else there is."""

    session: Session
    shown: VersionInfo
    versions: tuple[VersionInfo, ...]  # the original first, then re-scores oldest to newest
    sliced: bool = False  # answers carry their share of a whole-interview card: verdicts are the whole card's
    notes: tuple[str, ...] = ()  # versions passed over (unreadable, transcript missing)
    damaged: tuple[Path, ...] = ()  # version files that cannot be read at all: not listed in `versions`

    @property
    def latest(self) -> VersionInfo:
        return self.versions[-1]

    @property
    def whole(self) -> Scorecard | None:
        """The whole interview's card, shown after the last answer (replay) and for the interview (report): the
        session's card when it has several answers (scored together, as `practice` scores them) or when a
        re-score is split onto them."""
        s = self.session
        return s.scorecard if self.sliced or len(s.turns) > 1 else None

    def heading(self) -> str:
        """One line naming the scores shown and how many others there are."""
        if self.shown.key == ORIGINAL:
            what = "original scores"
        else:
            what = f"re-score {self.shown.key}"
        pos = [v.key for v in self.versions].index(self.shown.key) + 1
        tag = "newest" if self.shown.key == self.latest.key else "not the newest"
        return f"Scores: {what} ({self.shown.describe()}) · {pos} of {len(self.versions)}, {tag}"


def _original(session: Session) -> VersionInfo:
    cards = [session.scorecard] + [t.scorecard for t in session.turns]
    known = next((c.rubric_hash for c in cards if c is not None), None)
    return VersionInfo(ORIGINAL, session.rubric, session.rubric_hash or known, session.created_at, None, session.overall)


def _versions(folder: Path, session: Session) -> tuple[list[VersionInfo], list[Path]]:
    readable, damaged = read_score_versions(folder)
    out = [_original(session)]
    for sv in readable:
        out.append(VersionInfo(sv.path.stem, sv.rubric, sv.rubric_hash, sv.created_at, sv.transcript, sv.overall, sv.path))
    return out, damaged


def list_versions(folder: Path, session: Session) -> list[VersionInfo]:
    """Every set of scores of a session: the original first, then each readable re-score, oldest first."""
    return _versions(folder, session)[0]


def repair_hint(path: Path) -> str:
    """How to replace a damaged version file: re-score with its rubric (while that rubric is unchanged: the
    file name holds its hash), else delete it."""
    m = VERSION_FILE.match(path.name)
    if m is None:
        return f"it is not a score version: move {path} out of the scores folder"
    model = f" --retranscribe --model {m['model']}" if m["model"] else ""
    if _named_rubric_hash(m["rid"]).startswith(m["hash"]):  # the rubric of that name is the one it was made with
        return f"`mockvoice rescore {path.parent.parent} --rubric {m['rid']}{model}` writes it again; or delete the file"
    return (f"it was made with a rubric file (id {m['rid']}, hash {m['hash']}): `mockvoice rescore {path.parent.parent} "
            f"--rubric THAT-FILE{model}` writes it again while the file is unchanged; otherwise delete it")


def _named_rubric_hash(rubric_id: str) -> str:
    """The content hash of the bundled rubric of that id as it is now, or "" (no such rubric: a file's)."""
    try:
        return load_rubric(rubric_id).content_hash
    except MockvoiceError:
        return ""


def _pick(key: str, versions: list[VersionInfo], session: Session) -> VersionInfo:
    keys = [v.key for v in versions]
    if key in keys:
        return versions[keys.index(key)]
    near = [v for v in versions if v.key.startswith(key)]
    if len(near) == 1:
        return near[0]
    shown = [LATEST] + keys
    listed = ", ".join(shown[:12]) + (f", ... ({len(shown) - 12} more)" if len(shown) > 12 else "")
    why = f"matches {len(near)} versions" if near else "is not a score version of this session"
    raise VersionError(f"--version {key!r} {why} ({session.id}); choose one of: {listed}")


def choose(folder: Path, session: Session, key: str = LATEST) -> ScoreView:
    """The session as score version `key` shows it: `latest` (the default), `original`, or a key as listed."""
    versions, damaged = _versions(folder, session)
    for p in damaged:
        if key == p.stem:  # asked for by name: say why it cannot be shown, not that there is no such version
            raise SessionError(f"{p}: unreadable score version (damaged or cut short); {repair_hint(p)}")
    if key != LATEST:
        return replace(_view(session, _pick(key, versions, session), versions), damaged=tuple(damaged))
    notes = [f"damaged score version {p.name} is left out: {repair_hint(p)}" for p in damaged]
    for info in reversed(versions):  # the newest one that can be read whole
        try:
            return replace(_view(session, info, versions, tuple(notes)), damaged=tuple(damaged))
        except MockvoiceError as exc:
            notes.append(f"skipped {info.key}: {exc}")
    raise AssertionError("the original always loads")  # pragma: no cover


def _view(session: Session, info: VersionInfo, versions: list[VersionInfo], notes: tuple[str, ...] = ()) -> ScoreView:
    if info.path is None:
        return ScoreView(session, info, tuple(versions), False, notes)
    _, cards, whole = read_score_version(info.path, with_cards=True)
    originals = [t.transcript for t in session.turns]
    if info.transcript:
        path = transcript_path(info.path.parent.parent, info.transcript)
        if not path.is_file():
            raise SessionError(f"{path}: the transcript version {info.key} scored is missing; re-run "
                               f"`mockvoice rescore --retranscribe --model {info.transcript}`")
        scored: list[Transcript | None] = read_transcript_version(path)
    else:
        scored = list(originals)
    n = len(session.turns)
    cards = (cards + [None] * n)[:n]
    scored = (scored + [None] * n)[:n]
    sliced = whole is not None and all(c is None for c in cards) and sum(t is not None for t in scored) > 1
    if sliced:
        cards = _slice(whole, scored, info.rubric)
    turns = [t.model_copy(update={"transcript": s if s is not None else t.transcript, "scorecard": c})
             for t, s, c in zip(session.turns, scored, cards)]
    view = session.model_copy(update={"turns": turns, "scorecard": whole, "rubric": info.rubric,
                                      "rubric_hash": info.rubric_hash})
    return ScoreView(view, info, tuple(versions), sliced, notes)


def _long_pause_s(rubric_id: str) -> float:
    from .rubric import load_rubric

    try:
        return load_rubric(rubric_id).delivery.long_pause_s
    except MockvoiceError:
        return _DEFAULT_LONG_PAUSE_S


def _shift(ev: Evidence, off: float, dur: float | None) -> Evidence:
    if ev.start is None:
        return ev
    end = None if ev.end is None else ev.end - off
    if end is not None and dur:
        end = min(end, dur)
    return ev.model_copy(update={"start": round(ev.start - off, 3), "end": None if end is None else round(end, 3)})


def _slice(whole: Scorecard, transcripts: list[Transcript | None], rubric_id: str) -> list[Scorecard | None]:
    """Each answer's share of a whole-interview card: the evidence inside it, at its own times.

    The answers were joined one after another, each at the sum of the durations before it (as
    `rescore` and `practice` join them); evidence belongs to the answer its start falls in.
    Untimed evidence goes to the first answer whose text holds it.
    """
    spans: list[tuple[int, float, float | None]] = []
    off = 0.0
    for i, t in enumerate(transcripts):
        if t is not None:
            spans.append((i, off, t.duration))
            off += t.duration or 0.0

    def owner(ev: Evidence) -> int | None:
        if ev.start is None:
            said = ev.text.strip(" …")  # a long sentence's quote is a window of it, cut with "…"
            return next((i for i, _, _ in spans if said and said in transcripts[i].text), None)
        inside = [i for i, o, _ in spans if ev.start >= o - 0.001]
        return inside[-1] if inside else spans[0][0]

    long_pause = _long_pause_s(rubric_id)
    out: list[Scorecard | None] = [None] * len(transcripts)
    for i, o, dur in spans:
        t = transcripts[i]
        feats = {}
        for fid, f in whole.features.items():
            evs = tuple(_shift(e, o, dur) for e in f.evidence if owner(e) == i)
            near = tuple(_shift(e, o, dur) for e in f.near_misses if owner(e) == i)
            best = _shift(f.best, o, dur) if f.best is not None and owner(f.best) == i else None
            score = round(min(1.0, len(evs) / f.target_min), 3) if f.target_min > 0 else 1.0
            feats[fid] = FeatureScore(name=f.name, count=len(evs), target_min=f.target_min, target_max=f.target_max,
                                      score=score, weight=f.weight, evidence=evs, feedback="", best=best,
                                      near_misses=near)
        total_w = sum(f.weight for f in feats.values()) or 1.0
        overall = round(100.0 * sum(f.score * f.weight for f in feats.values()) / total_w, 1)
        out[i] = Scorecard(rubric=whole.rubric, rubric_hash=whole.rubric_hash, overall=overall, features=feats,
                           delivery=measure_delivery(t, long_pause), question=whole.question)
    return out
