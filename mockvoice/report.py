"""A self-contained HTML report of one or more sessions: scorecards, annotated transcripts, timeline, audio.

The page works offline when mailed: styles and script are inline, the answers' audio is embedded as
base64 WAV data URIs, and a Content-Security-Policy forbids fetching anything else. Every string that
comes from a session (transcripts, questions, feedback) is HTML-escaped, so markup renders as text.
"""

from __future__ import annotations

import base64
import html
import io
import secrets
import wave
from pathlib import Path

from .annotate import Annotation, annotate_turn, feature_colours, pace_series, word_marks
from .audio import load_audio, to_int16
from .catalog import session_length, turn_audio_path, wav_seconds
from .delivery import is_filler
from .errors import AudioError, InputFileError
from .scorecard import Scorecard
from .scoreview import LATEST, ScoreView, choose, when
from .session import Session, Turn

__all__ = ["build_report", "audio_data_uri"]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _t(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    m, s = divmod(max(seconds, 0.0), 60)
    return f"{int(m)}:{s:04.1f}"


def audio_data_uri(path: Path | None) -> str | None:
    """The file as a `data:audio/wav;base64,...` URI (non-WAV audio is decoded to WAV); None if unusable."""
    if path is None or not path.is_file():
        return None
    if path.suffix.lower() == ".wav":
        data = path.read_bytes()
    else:
        try:
            clip = load_audio(path)
        except (InputFileError, AudioError):
            return None
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(clip.sample_rate)
            w.writeframes(to_int16(clip.samples).tobytes())
        data = buf.getvalue()
    return "data:audio/wav;base64," + base64.b64encode(data).decode("ascii")


CSS = """
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
header.top{padding:18px 24px;background:#1d2a3a;color:#fff}header.top h1{margin:0 0 4px;font-size:20px}
header.top p{margin:0;color:#c9d3df}main{padding:16px 24px}.cols{display:grid;gap:16px;
grid-template-columns:repeat(var(--n),minmax(340px,1fr));overflow-x:auto}.session{background:#fff;border-radius:8px;
padding:14px 16px;box-shadow:0 1px 3px #0002}.session h2{font-size:16px;margin:0 0 6px}.badge{display:inline-block;
padding:2px 9px;border-radius:12px;background:#1d2a3a;color:#fff;font-weight:600}.muted{color:#66707c;font-size:13px}.from{font-weight:400;color:#405468}
.turn{border-top:1px solid #e3e6ea;margin-top:14px;padding-top:10px}.prompt{background:#eef2f7;border-left:4px solid #1d2a3a;
padding:6px 10px;border-radius:4px}.kind{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#66707c;margin-right:6px}
audio{width:100%;margin:8px 0 4px}audio.said{width:50%;height:28px;margin:4px 0 0;vertical-align:middle}.timeline{position:relative;height:22px;background:#eceff3;border-radius:4px;margin:4px 0 10px;cursor:pointer}
.timeline .seg{position:absolute;top:3px;height:16px;border-radius:3px;opacity:.85}.timeline .pause{position:absolute;top:8px;height:6px;
background:repeating-linear-gradient(45deg,#7f8c8d 0 3px,transparent 3px 6px)}.timeline .fill{position:absolute;top:0;width:2px;height:22px;background:#c0392b}
.timeline .head{position:absolute;top:-2px;width:2px;height:26px;background:#111;pointer-events:none}.transcript{line-height:1.9}
.transcript span[data-s]{border-radius:3px;cursor:pointer}.transcript .now{background:#ffe58a!important;color:#000}
mark{background:none;border-bottom:3px solid var(--c);padding:1px 0;cursor:pointer;color:inherit}mark:hover{background:#0000000d}
.lab{display:inline-block;font-size:10px;font-weight:700;color:#fff;background:var(--c);border-radius:3px;padding:0 4px;margin-right:3px;vertical-align:2px}
.filler{color:#c0392b;text-decoration:underline wavy}.gap{display:inline-block;font-size:11px;color:#555;background:#e3e6ea;border-radius:3px;padding:0 5px;cursor:pointer}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}td,th{padding:3px 6px;border-bottom:1px solid #eef0f2;text-align:left;vertical-align:top}
.bar{display:inline-block;width:60px;height:8px;background:#e3e6ea;border-radius:4px;overflow:hidden}.bar i{display:block;height:8px;background:var(--c)}
.ok{color:#1e8449}.miss{color:#b03a2e}.ev{cursor:pointer;color:#1f5f99;text-decoration:underline dotted}.probe{background:#fff7e6;border-left:4px solid #e67e22;
padding:6px 10px;border-radius:4px}.feedback li{margin:2px 0}.legend span{margin-right:10px;font-size:12px;white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c);margin-right:4px}svg text{font-size:9px;fill:#66707c}
.progress td.up{color:#1e8449}.progress td.down{color:#b03a2e}.versions tr.shown td{font-weight:700}
"""

JS = """
(function(){
  function audioFor(el){var box=el.closest('[data-audio]');return box?document.getElementById(box.getAttribute('data-audio')):null;}
  document.addEventListener('click',function(ev){
    var el=ev.target.closest('[data-t]');if(!el)return;var a=audioFor(el);if(!a)return;
    a.currentTime=parseFloat(el.getAttribute('data-t'));var p=a.play();if(p&&p.catch)p.catch(function(){});
  });
  document.querySelectorAll('.timeline').forEach(function(tl){
    tl.addEventListener('click',function(ev){if(ev.target.closest('[data-t]'))return;var a=audioFor(tl);if(!a)return;
      var r=tl.getBoundingClientRect();a.currentTime=(ev.clientX-r.left)/r.width*parseFloat(tl.getAttribute('data-d'));
      var p=a.play();if(p&&p.catch)p.catch(function(){});});
  });
  document.querySelectorAll('audio').forEach(function(a){
    var words=document.querySelectorAll('[data-audio="'+a.id+'"] span[data-s]');
    var head=document.querySelector('.timeline[data-audio="'+a.id+'"] .head');
    a.addEventListener('play',function(){document.querySelectorAll('audio').forEach(function(o){if(o!==a)o.pause();});});
    a.addEventListener('timeupdate',function(){var t=a.currentTime;
      words.forEach(function(w){var on=t>=parseFloat(w.getAttribute('data-s'))&&t<parseFloat(w.getAttribute('data-e'));w.classList.toggle('now',on);});
      if(head){var d=parseFloat(head.parentNode.getAttribute('data-d'))||1;head.style.left=Math.min(100,t/d*100)+'%';}
    });
  });
})();
"""


def _pct(t: float, duration: float) -> str:
    return f"{max(0.0, min(100.0, 100.0 * t / duration)):.2f}%"


def _timeline(anns: list[Annotation], duration: float | None, audio_id: str) -> str:
    if not duration:
        return ""
    parts = []
    for a in anns:
        if a.start is None:
            continue
        end = a.end if a.end is not None else a.start
        title = _e(f"{_t(a.start)} {a.label}: {a.text}")
        if a.kind == "evidence":
            width = max(0.6, 100.0 * (end - a.start) / duration)
            parts.append(f'<div class="seg" data-t="{a.start:.2f}" title="{title}" style="left:{_pct(a.start, duration)};'
                         f'width:{width:.2f}%;background:{a.colour}"></div>')
        elif a.kind == "pause":
            parts.append(f'<div class="pause" data-t="{a.start:.2f}" title="{title}" style="left:{_pct(a.start, duration)};'
                         f'width:{100.0 * (end - a.start) / duration:.2f}%"></div>')
        else:
            parts.append(f'<div class="fill" data-t="{a.start:.2f}" title="{title}" style="left:{_pct(a.start, duration)}"></div>')
    return (f'<div class="timeline" data-audio="{audio_id}" data-d="{duration:.2f}" title="where each feature occurred">'
            + "".join(parts) + '<div class="head" style="left:0"></div></div>')


def _transcript(turn: Turn, labels: dict[str, str], colours: dict[str, str], pauses: list[Annotation]) -> str:
    words = turn.transcript.words
    if not words:
        return f"<p>{_e(turn.transcript.text)}</p>"
    marks = word_marks(turn.transcript, turn.scorecard)
    out: list[str] = []
    pause_at = {round(p.end, 2): p for p in pauses if p.end is not None}
    i = 0
    while i < len(words):
        w = words[i]
        if w.start is not None and round(w.start, 2) in pause_at:
            p = pause_at[round(w.start, 2)]
            out.append(f'<span class="gap" data-t="{p.start:.2f}" title="long pause">pause {_e(p.text)}</span> ')
        key = marks[i]
        feats = tuple(dict.fromkeys(f for f, _ in key))
        if key:
            j = i
            while j < len(words) and marks[j] == key:
                j += 1
            run = words[i:j]
            c = colours.get(feats[0], "#555")
            t_attr = f' data-t="{run[0].start:.2f}"' if run[0].start is not None else ""
            labs = "".join(f'<span class="lab" style="--c:{colours.get(f, "#555")}">{_e(labels.get(f, f))}</span>' for f in feats)
            inner = " ".join(_word(x, clickable=False) for x in run)
            title = _e(" + ".join(labels.get(f, f) for f in feats))
            out.append(f'<mark class="hit" data-feature="{_e(feats[0])}"{t_attr} title="{title}" style="--c:{c}">{labs}{inner}</mark> ')
            i = j
            continue
        out.append(_word(w, clickable=True) + " ")
        i += 1
    return "".join(out)


def _word(w, clickable: bool) -> str:
    cls = ' class="filler"' if is_filler(w.text) else ""
    if w.start is None or w.end is None:
        return f"<span{cls}>{_e(w.text.strip())}</span>"
    t = f' data-t="{w.start:.2f}"' if clickable else ""
    return f'<span{cls}{t} data-s="{w.start:.2f}" data-e="{w.end:.2f}">{_e(w.text.strip())}</span>'


def _card_table(card: Scorecard, colours: dict[str, str], audio_id: str | None, verdicts: bool = True) -> str:
    """Each feature's count, score bar and evidence; `verdicts=False` (an answer's share of a whole card): counts only."""
    rows = []
    for fid, f in card.features.items():
        if not verdicts:
            evs = "".join(f'<div>{_ev_time(ev, audio_id)}“{_e(ev.text)}”</div>' for ev in f.evidence)
            rows.append(f'<tr><td><span class="lab" style="--c:{colours[fid]}">{_e(f.name)}</span></td>'
                        f"<td>{f.count}</td><td></td><td>{evs}</td></tr>")
            continue
        target = f"{f.target_min}" if f.target_max in (None, f.target_min) else f"{f.target_min}–{f.target_max}"
        evs = [f"<div>{_ev_time(ev, audio_id)}“{_e(ev.text)}”</div>" for ev in f.evidence]
        if not f.met:
            evs.append(f'<div class="miss">→ {_e(f.feedback)}</div>')
        rows.append(
            f'<tr><td><span class="lab" style="--c:{colours[fid]}">{_e(f.name)}</span></td>'
            f'<td class="{"ok" if f.met else "miss"}">{f.count}/{_e(target)}</td>'
            f'<td><span class="bar" style="--c:{colours[fid]}"><i style="width:{f.score * 100:.0f}%"></i></span></td>'
            f'<td>{"".join(evs)}</td></tr>'
        )
    wrap = f' data-audio="{audio_id}"' if audio_id else ""
    head = "count" if verdicts else "in this answer"
    return f'<table class="card"{wrap}><tr><th>feature</th><th>{head}</th><th></th><th>evidence</th></tr>{"".join(rows)}</table>'


def _ev_time(ev, audio_id: str | None) -> str:
    return f'<span class="ev" data-t="{ev.start:.2f}">{_e(_t(ev.start))}</span> ' if ev.start is not None and audio_id else ""


def _pace_svg(turn: Turn, wpm_band: tuple[float, float] = (130, 160)) -> str:
    series = pace_series(turn.transcript)
    duration = turn.transcript.duration or (series[-1][0] if series else 0)
    if not series or not duration:
        return ""
    w, h, top = 300.0, 90.0, max(200.0, max(v for _, v in series) * 1.1)

    def y(v: float) -> float:
        return h - 12 - (h - 16) * v / top

    pts = " ".join(f"{20 + (w - 24) * t / duration:.1f},{y(v):.1f}" for t, v in series)
    band = f'<rect x="20" y="{y(wpm_band[1]):.1f}" width="{w - 24:.0f}" height="{y(wpm_band[0]) - y(wpm_band[1]):.1f}" fill="#d5f5e3"/>'
    dots = "".join(f'<circle cx="{20 + (w - 24) * t / duration:.1f}" cy="{y(v):.1f}" r="2" fill="#1f78c8"><title>{_t(t)}: {v:.0f} wpm</title></circle>'
                   for t, v in series)
    return (f'<svg class="pace" width="{w:.0f}" height="{h:.0f}" viewBox="0 0 {w:.0f} {h:.0f}" role="img" aria-label="pace over time">'
            f'{band}<polyline points="{pts}" fill="none" stroke="#1f78c8" stroke-width="1.5"/>{dots}'
            f'<text x="0" y="{y(wpm_band[0]) + 3:.1f}">{wpm_band[0]:.0f}</text><text x="0" y="{y(0) + 3:.1f}">0</text>'
            f'<text x="20" y="{h - 1:.0f}">0:00</text><text x="{w - 30:.0f}" y="{h - 1:.0f}">{_t(duration)}</text>'
            f'<text x="{w / 2 - 60:.0f}" y="9">words per minute (green: {wpm_band[0]:.0f}-{wpm_band[1]:.0f})</text></svg>')


def _turn_html(si: int, folder: Path, turn: Turn, sliced: bool = False) -> str:
    audio_id = f"a{si}-{turn.index}"
    sliced = sliced or turn.follow_up  # a reply to a probe: counts only, as annotate_session shows it
    audio_path = turn_audio_path(folder, turn.audio)
    uri = audio_data_uri(audio_path)
    card = turn.scorecard
    colours = feature_colours(card)
    labels = {fid: f.name for fid, f in (card.features.items() if card else [])}
    anns = annotate_turn(turn)
    pauses = [a for a in anns if a.kind == "pause"]
    kind = {"question": "Question", "probe": "Probe", "wrap_up": "Wrap-up"}.get(turn.prompt_kind, turn.prompt_kind)
    parts = [f'<div class="turn" id="turn-{si}-{turn.index}"><h3>Turn {turn.index}'
             + (f' <span class="badge">{card.overall:.0f}</span>' if card and not sliced else "") + "</h3>",
             f'<p class="prompt"><span class="kind">{_e(kind)}</span>{_e(turn.prompt)}</p>']
    said = audio_data_uri(turn_audio_path(folder, turn.prompt_audio))
    if said:  # what the interviewer said, as it was spoken
        parts.append(f'<div><span class="kind">Interviewer</span><audio class="said" id="p{si}-{turn.index}" controls '
                     f'preload="metadata" src="{said}"></audio></div>')
    if uri:
        parts.append(f'<span class="kind">Answer</span><audio id="{audio_id}" controls preload="auto" src="{uri}"></audio>')
        parts.append(_timeline(anns, turn.transcript.duration or wav_seconds(audio_path), audio_id))
    else:
        parts.append('<p class="muted">No audio for this turn (typed or imported transcript).</p>')
        audio_id = ""
    wrap = f' data-audio="{audio_id}"' if audio_id else ""
    parts.append(f'<p class="transcript"{wrap}>{_transcript(turn, labels, colours, pauses)}</p>')
    if card:
        parts.append(_card_table(card, colours, audio_id or None, verdicts=not sliced))
        d = card.delivery
        if d.wpm is not None:
            parts.append(f'<p class="muted">pace {d.wpm:.0f} wpm · fillers {d.fillers} ({d.fillers_per_min or 0:.1f}/min) · '
                         f"longest pause {d.longest_pause_s or 0:.1f} s · {len(d.long_pauses)} long pause(s)</p>")
        else:
            parts.append(f'<p class="muted">{d.words} words · fillers {d.fillers} (typed text: no timings)</p>')
        parts.append(_pace_svg(turn))
        if card.feedback:
            parts.append('<p class="kind">What to work on</p><ul class="feedback">' + "".join(f"<li>{_e(x)}</li>" for x in card.feedback) + "</ul>")
    for text in turn.probe.skipped if turn.probe else ():
        parts.append(f'<p class="probe muted"><span class="kind">Skipped</span>{_e(text)}</p>')
    if turn.probe:
        why = f' <span class="muted">({_e(turn.probe.reason or turn.probe.feature or "")})</span>' if (turn.probe.reason or turn.probe.feature) else ""
        parts.append(f'<p class="probe"><span class="kind">Interviewer probed</span>{_e(turn.probe.text)}{why}</p>')
    parts.append("</div>")
    return "".join(parts)


def _overall_table(session: Session, whole: Scorecard | None = None) -> str:
    """Counts per turn and in total; with `whole` (a whole-interview card) its counts, verdicts and feedback."""
    cards = [t.scorecard for t in session.turns if t.scorecard]
    if not cards and whole is None:
        return ""
    first = cards[0] if cards else whole
    features = dict(first.features)
    if whole is not None:  # the whole card's features lead: its verdicts are the interview's
        features = {**whole.features, **{k: v for k, v in features.items() if k not in whole.features}}
    colours = {**feature_colours(whole), **feature_colours(first)}  # the answers' colours, as their highlights
    # a column per answer; one with no score (nothing heard) is shown as such, so T2 is not simply missing
    head = "".join(f"<th>T{t.index}</th>" for t in session.turns)
    rows = []
    for fid, f in features.items():
        counts = [c.features[fid].count if fid in c.features else 0 for c in cards]
        total, met = sum(counts), sum(counts) >= f.target_min
        if whole is not None and fid in whole.features:
            total, met = whole.features[fid].count, whole.features[fid].met
        cells = "".join(f"<td>{t.scorecard.features[fid].count if fid in t.scorecard.features else 0}</td>"
                        if t.scorecard else '<td class="none" title="nothing heard">–</td>' for t in session.turns)
        rows.append(f'<tr><td><span class="lab" style="--c:{colours.get(fid, "#555")}">{_e(f.name)}</span></td>{cells}'
                    f'<td class="{"ok" if met else "miss"}">{total}/{f.target_min}</td></tr>')
    table = f'<table class="overall"><tr><th>whole interview</th>{head}<th>total</th></tr>{"".join(rows)}</table>'
    if whole is not None and whole.feedback:
        table += ('<p class="kind">What to work on (whole interview)</p><ul class="feedback">'
                  + "".join(f"<li>{_e(x)}</li>" for x in whole.feedback) + "</ul>")
    return table


def _versions_html(view: ScoreView) -> str:
    """Which scores the section shows (rubric, hash, date) and, when there are others, the list of them."""
    v = view.shown
    what = "original scores" if v.path is None else f"re-score {v.key}"
    line = (f'<p class="muted scores" data-version="{_e(v.key)}">Scores shown: {_e(what)} · {_e(v.describe())}'
            f'{" (newest)" if v.key == view.latest.key else ""}</p>')
    if len(view.versions) < 2:
        return line
    rows = "".join(f'<tr class="{"shown" if x.key == v.key else ""}"><td>{_e(x.key)}</td><td>{_e(x.rubric)}</td>'
                   f"<td>{_e(x.rubric_hash or '?')}</td><td>{_e(x.transcript or 'recorded')}</td><td>{_e(when(x.created_at))}</td>"
                   f"<td>{'–' if x.overall is None else f'{x.overall:.0f}'}</td></tr>" for x in view.versions)
    return (line + f'<details class="versions"><summary>{len(view.versions)} score versions '
            f'(<code>--version KEY</code> picks one)</summary><table><tr><th>key</th><th>rubric</th><th>hash</th>'
            f"<th>transcript</th><th>created</th><th>overall</th></tr>{rows}</table></details>")


def _session_html(si: int, folder: Path, view: ScoreView) -> str:
    s = view.session
    overall = s.overall
    length = session_length(folder, s)
    source = f'<span class="from">{_e(s.source_file)}</span> ' if s.source_file else ""  # whose answer (an import)
    parts = [f'<section class="session" id="session-{si}"><h2>{_e(s.created_at[:16].replace("T", " "))} {source}'
             + (f'<span class="badge">{overall:.0f}/100</span>' if overall is not None else "") + "</h2>",
             f'<p class="muted">{_e(s.id)} · {_e(s.source)} · {_e(s.status)} · rubric {_e(s.rubric)} · '
             f"{len(s.turns)} turn(s){f' · {_t(length)}' if length else ''}</p>",
             _versions_html(view), _overall_table(s, view.whole)]
    parts += [_turn_html(si, folder, t, view.sliced) for t in s.turns]
    said = audio_data_uri(turn_audio_path(folder, s.wrap_up_audio))
    if s.wrap_up or said:  # what the interviewer said to close, with its audio as it was spoken
        clip = f'<br><audio class="said" id="w{si}" controls preload="metadata" src="{said}"></audio>' if said else ""
        parts.append(f'<p class="probe"><span class="kind">Wrap-up</span>{_e(s.wrap_up or "")}{clip}</p>')
    parts.append("</section>")
    return "".join(parts)


def _progress(sessions: list[tuple[Path, Session]]) -> str:
    if len(sessions) < 2:
        return ""
    head = "".join(f"<th>{_e(s.created_at[:16].replace('T', ' '))}</th>" for _, s in sessions)
    rows = ["<tr><td>overall</td>" + "".join(
        f"<td>{s.overall:.0f}</td>" if s.overall is not None else "<td>–</td>" for _, s in sessions) + "</tr>"]
    feats: dict[str, str] = {}
    for _, s in sessions:
        for t in s.turns:
            if t.scorecard:
                for fid, f in t.scorecard.features.items():
                    feats.setdefault(fid, f.name)
    for fid, name in feats.items():
        cells, prev = [], None
        for _, s in sessions:
            n = sum(t.scorecard.features[fid].count for t in s.turns if t.scorecard and fid in t.scorecard.features)
            cls = "" if prev is None or n == prev else (' class="up"' if n > prev else ' class="down"')
            cells.append(f"<td{cls}>{n}</td>")
            prev = n
        rows.append(f"<tr><td>{_e(name)}</td>{''.join(cells)}</tr>")
    return f'<h2>Progress</h2><table class="progress"><tr><th></th>{head}</tr>{"".join(rows)}</table>'


def build_report(sessions: list[tuple[Path, Session]], version: str = LATEST) -> str:
    """One self-contained HTML page for the sessions (side by side, oldest first when several).

    Each session shows score version `version` (scoreview.choose: `latest`, `original` or a key).
    """
    folders = sorted(sessions, key=lambda fs: fs[1].created_at)
    views = [choose(f, s, version) for f, s in folders]
    sessions = [(f, v.session) for (f, _), v in zip(folders, views)]
    nonce = secrets.token_urlsafe(12)
    questions = list(dict.fromkeys(s.question for _, s in sessions))
    colours: dict[str, tuple[str, str]] = {}
    for _, s in sessions:
        for t in s.turns:
            if t.scorecard:
                for fid, c in feature_colours(t.scorecard).items():
                    colours.setdefault(fid, (t.scorecard.features[fid].name, c))
    legend = "".join(f'<span style="--c:{c}"><i></i>{_e(n)}</span>' for n, c in colours.values())
    legend += '<span style="--c:#7f8c8d"><i></i>long pause</span><span style="--c:#c0392b"><i></i>filler</span>'
    note = "" if len(questions) < 2 else '<p class="muted">Note: these sessions answer different questions.</p>'
    csp = (f"default-src 'none'; media-src data:; img-src data:; style-src 'unsafe-inline'; "
           f"script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'")
    files = list(dict.fromkeys(s.source_file for _, s in sessions if s.source_file))
    title = ("mockvoice report" + (f" · {', '.join(files)}" if 0 < len(files) <= 3 else "")
             + (f" · {len(sessions)} sessions" if len(sessions) > 1 else ""))
    body = "".join(_session_html(i, f, v) for i, ((f, _), v) in enumerate(zip(sessions, views)))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{_e(title)}</title>'
        f"<style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{_e(" / ".join(questions) or "mockvoice session")}</h1>'
        f"<p>{_e(title)} · click any highlight, word or timeline mark to hear that moment</p></header>"
        f'<main><p class="legend">{legend}</p>{note}{_progress(sessions)}'
        f'<div class="cols" style="--n:{len(sessions)}">{body}</div></main>'
        f'<script nonce="{nonce}">{JS}</script></body></html>'
    )
