"""Progress over time: each session's current scores in date order, per-feature trends, and an HTML chart.

A session's current score is its newest re-score with its own rubric (see `mockvoice rescore`),
else the score it was recorded with, so that re-scoring the history puts old and new answers
on the same scale. When the sessions were scored with more than one rubric, each rubric's features
are separate trends ("scale_estimate (behavioral)"): rubrics reuse feature ids for different things.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from .index import Index

__all__ = ["Point", "Trend", "history", "trends", "ordered", "window_note", "rubrics_note", "sparkline", "chart_html"]

OVERALL = "overall"


@dataclass(frozen=True)
class Point:
    """One session on the timeline: its date, question and current scores (features 0..1, overall 0..100)."""

    when: str
    session: str
    question_id: str | None
    rubric: str | None
    overall: float | None
    features: dict[str, float]
    scored_with: str


@dataclass(frozen=True)
class Trend:
    """How one feature (of one rubric; `overall` of all) moved across sessions (scores 0..1, oldest first)."""

    feature: str
    scores: tuple[float, ...]
    whens: tuple[str, ...]
    rubric: str | None = None

    @property
    def first(self) -> float:
        return self.scores[0]

    @property
    def last(self) -> float:
        return self.scores[-1]

    def window(self) -> int:
        """How many sessions `early` and `recent` average: 3, or half of them (at least 1) when fewer than 6."""
        return max(1, min(3, len(self.scores) // 2))

    @property
    def early(self) -> float:
        k = self.window()
        return sum(self.scores[:k]) / k

    @property
    def recent(self) -> float:
        k = self.window()
        return sum(self.scores[-k:]) / k

    @property
    def change(self) -> float:
        """Mean of the latest sessions minus mean of the earliest (up to 3 each)."""
        return round(self.recent - self.early, 3) if len(self.scores) > 1 else 0.0

    @property
    def direction(self) -> str:
        return "up" if self.change >= 0.1 else ("down" if self.change <= -0.1 else "flat")


def history(index: Index, since: str | None = None, question: str | None = None, rubric: str | None = None) -> list[Point]:
    """Sessions (oldest first) with their current scores, after bringing the index up to date.

    `rubric` (an id): each session's latest score with that rubric, and only sessions scored with it (a
    cohort re-scored with an edited rubric of its own id); by default each session's own rubric."""
    index.refresh()
    versions = index.versions()
    out = []
    for row in index.sessions(since=since, question=question):
        overall, feats, source = index.current_scores(row, versions.get(row.path, []), rubric)
        if overall is None:
            continue
        out.append(Point(row.created_at, row.name, row.question_id, rubric or row.rubric, overall, dict(feats), source))
    return out


def _rubrics(points: list[Point]) -> list[str]:
    return sorted({p.rubric or "?" for p in points})


def trends(points: list[Point]) -> dict[str, Trend]:
    """Per feature (and `overall`, scaled to 0..1), the scores of the sessions that measured it.

    Keys are feature ids; when the points span several rubrics, "feature (rubric)", one trend per rubric."""
    mixed = len(_rubrics(points)) > 1
    series: dict[str, tuple[str, str | None, list[float], list[str]]] = {OVERALL: (OVERALL, None, [], [])}
    for p in points:
        series[OVERALL][2].append(round((p.overall or 0) / 100, 3))
        series[OVERALL][3].append(p.when)
        for fid, score in p.features.items():
            s = series.setdefault(f"{fid} ({p.rubric})" if mixed else fid, (fid, p.rubric, [], []))
            s[2].append(score)
            s[3].append(p.when)
    return {key: Trend(fid, tuple(v), tuple(w), rb) for key, (fid, rb, v, w) in series.items() if v}


def window_note(ts: dict[str, Trend]) -> str:
    """One line saying what the earliest and latest columns average (the HTML says it per chart)."""
    ks = {t.window() for t in ts.values()}
    if ks == {1}:
        what = "each row's first / last session"
    elif len(ks) == 1:
        what = f"the mean of each row's first / last {ks.pop()} sessions"
    else:
        what = "the mean of each row's first / last 3 sessions, or half of them (at least 1) for a row with fewer than 6"
    return f"earliest / latest: {what}; change = latest - earliest."


def rubrics_note(points: list[Point]) -> str | None:
    """When the sessions were scored with several rubrics, one line saying how they are shown; else None."""
    names = _rubrics(points)
    if len(names) < 2:
        return None
    return (f"These sessions were scored with {len(names)} rubrics ({', '.join(names)}): each rubric's features are "
            "shown apart, as a feature id can mean different things in them; overall mixes them "
            "(pass --question to follow one question).")


def ordered(ts: dict[str, Trend]) -> list[str]:
    """The trends' keys as they are shown: `overall` first, then by rubric, then by feature."""
    return sorted(ts, key=lambda k: (ts[k].feature != OVERALL or ts[k].rubric is not None, ts[k].rubric or "", ts[k].feature))


_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(scores: tuple[float, ...], width: int = 24) -> str:
    """Scores 0..1 as block characters (the latest `width` of them)."""
    return "".join(_BLOCKS[min(7, int(max(0.0, min(1.0, s)) * 7.999))] for s in scores[-width:])


_COLOURS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#4d7c0f", "#be185d"]


def _svg(trend: Trend, colour: str, w: int = 520, h: int = 140) -> str:
    pad, n = 28, len(trend.scores)
    xs = [pad + (w - 2 * pad) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    ys = [h - pad - (h - 2 * pad) * s for s in trend.scores]
    grid = "".join(
        f'<line x1="{pad}" x2="{w - pad}" y1="{h - pad - (h - 2 * pad) * g}" y2="{h - pad - (h - 2 * pad) * g}" class="g"/>'
        f'<text x="4" y="{h - pad - (h - 2 * pad) * g + 4}" class="t">{g:.1f}</text>' for g in (0, 0.5, 1))
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    k = max(1, min(5, n // 4))  # a rolling mean shows the direction through session-to-session noise
    avg = [sum(trend.scores[max(0, i - k + 1):i + 1]) / len(trend.scores[max(0, i - k + 1):i + 1]) for i in range(n)]
    smooth = " ".join(f"{x:.1f},{h - pad - (h - 2 * pad) * a:.1f}" for x, a in zip(xs, avg))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{html.escape(wh[:10])}: {s:.2f}</title></circle>'
        for x, y, s, wh in zip(xs, ys, trend.scores, trend.whens))
    dates = (f'<text x="{pad}" y="{h - 6}" class="t">{html.escape(trend.whens[0][:10])}</text>'
             f'<text x="{w - pad}" y="{h - 6}" class="t" text-anchor="end">{html.escape(trend.whens[-1][:10])}</text>')
    return (f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{html.escape(trend.feature)}">'
            f'{grid}<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.2" opacity=".45"/>'
            f'<polyline points="{smooth}" fill="none" stroke="{colour}" stroke-width="3"/>{dots}{dates}</svg>')


def chart_html(points: list[Point], title: str = "mockvoice progress") -> str:
    """A self-contained HTML page (inline SVG, no scripts or external files): one line chart per feature."""
    ts = trends(points)
    arrows = {"up": "▲", "down": "▼", "flat": "●"}
    cards = []
    for i, fid in enumerate(ordered(ts)):
        t = ts[fid]
        label = "overall (0-100, shown as 0-1)" if fid == OVERALL else fid.replace("_", " ")
        cards.append(
            f'<section><h2>{html.escape(label)} <span class="{t.direction}">{arrows[t.direction]} '
            f'{t.early:.2f} → {t.recent:.2f}</span></h2>{_svg(t, _COLOURS[i % len(_COLOURS)])}'
            f'<p>{len(t.scores)} sessions; earliest {t.window()} averaged {t.early:.2f}, latest {t.window()} {t.recent:.2f}. '
            f'Thick line: rolling mean of {max(1, min(5, len(t.scores) // 4))}.</p></section>')
    rows = "".join(
        f"<tr><td>{html.escape(p.when[:16].replace('T', ' '))}</td><td>{html.escape(p.session)}</td>"
        f"<td>{html.escape(p.question_id or '-')}</td><td>{p.overall:.0f}</td><td>{html.escape(p.scored_with)}</td></tr>"
        for p in reversed(points))
    style = ("body{font-family:system-ui,sans-serif;margin:2em;color:#111;max-width:1150px}"
             "main{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:1em}section{border:1px solid #ddd;border-radius:8px;padding:.5em 1em}"
             "h2{font-size:1em;margin:.3em 0}.up{color:#16a34a}.down{color:#dc2626}.flat{color:#666}"
             ".g{stroke:#eee}.t{font-size:10px;fill:#888}table{border-collapse:collapse;margin-top:1.5em}"
             "td,th{padding:.2em .8em;border-bottom:1px solid #eee;text-align:left}p{color:#555;font-size:.85em}")
    made = datetime.now().strftime("%Y-%m-%d %H:%M")
    note = rubrics_note(points)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{len(points)} sessions, made {made}. Scores are each session's newest re-score with its rubric.</p>"
            f"{f'<p>{html.escape(note)}</p>' if note else ''}"
            f"<main>{''.join(cards)}</main><table><tr><th>when</th><th>session</th><th>question</th><th>overall</th>"
            f"<th>scored with</th></tr>{rows}</table></body></html>")
