"""`mockvoice progress` says what "earliest" and "latest" average, and keeps rubrics' same-named features apart."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from mockvoice import progress
from mockvoice.progress import Point, chart_html, trends

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
ANSWERS = [
    "We store links in a database.",
    "How many users do we expect? I would pick Redis over Memcached, but it costs memory.",
    "How many users do we expect per day? Is it read heavy? If the cache goes down we fall back to the database.",
    "How many users? Kafka gives replay but costs operations. If a node dies we fail over. We alert on p99 latency.",
    "What is the read write ratio? How many links a day? Redis or Memcached, Redis costs more. Replicas fail over.",
    "How many users, what latency budget, which regions? SQS is simpler than Kafka. We page on the error rate.",
]


def _import(cli, tmp_path, texts, *args, start=0):
    files = []
    for i, text in enumerate(texts, start):
        f = tmp_path / f"answer{i}.txt"
        f.write_text(text)
        stamp = (NOW - timedelta(days=20 - i)).timestamp()
        os.utime(f, (stamp, stamp))
        files.append(f)
    res = cli("import", *files, *args)
    assert res.code == 0, res.err


@pytest.mark.parametrize("n, k", [(6, 3), (4, 2)])
def test_terminal_says_how_many_sessions_earliest_and_latest_average(cli, tmp_path, n, k):
    _import(cli, tmp_path, ANSWERS[:n], "--question", "url-shortener")
    res = cli("progress")
    assert res.code == 0, res.err
    out = " ".join(res.out.split())
    assert f"earliest / latest: the mean of each row's first / last {k} sessions" in out, res.out


def test_a_single_session_is_not_called_a_mean(cli, tmp_path):
    _import(cli, tmp_path, ANSWERS[:1], "--question", "url-shortener")
    out = " ".join(cli("progress").out.split())
    assert "earliest / latest: each row's first / last session" in out and "mean" not in out


def _point(day: int, rubric: str, **feats: float) -> Point:
    when = (NOW + timedelta(days=day)).isoformat(timespec="seconds")
    return Point(when, f"s{day}", None, rubric, 50.0, feats, "original")


def test_window_note_names_the_rule_when_rows_average_different_counts():
    pts = [_point(d, "system-design", trade_off=0.5, monitoring=0.5) for d in range(6)]
    pts += [_point(d, "system-design", trade_off=0.5) for d in range(6, 8)]  # trade_off 8 sessions, monitoring 6
    assert progress.window_note(trends(pts)).startswith("earliest / latest: the mean of each row's first / last 3 sessions;")
    pts = [_point(d, "system-design", trade_off=0.5) for d in range(6)] + [_point(9, "debugging", monitoring=0.2)]
    note = progress.window_note(trends(pts))
    assert "first / last 3 sessions, or half of them (at least 1) for a row with fewer than 6" in note


def test_same_feature_id_in_two_rubrics_is_two_rows():
    """behavioral's scale_estimate is "outcome in numbers", system-design's is "sizing": never one trend."""
    pts = [_point(0, "system-design", scale_estimate=1.0, trade_off=0.5), _point(1, "behavioral", scale_estimate=0.0),
           _point(2, "system-design", scale_estimate=1.0, trade_off=0.5), _point(3, "behavioral", scale_estimate=0.0)]
    ts = trends(pts)
    sd, bh = ts["scale_estimate (system-design)"], ts["scale_estimate (behavioral)"]
    assert sd.scores == (1.0, 1.0) and bh.scores == (0.0, 0.0) and sd.direction == bh.direction == "flat"
    assert (sd.feature, sd.rubric) == ("scale_estimate", "system-design")
    assert "scale_estimate" not in ts and len(ts["overall"].scores) == 4
    page = chart_html(pts)
    assert "scale estimate (behavioral)" in page and "scale estimate (system-design)" in page
    # one rubric: rows keep their plain feature ids
    assert set(trends(pts[::2])) == {"overall", "scale_estimate", "trade_off"}


def test_terminal_shows_each_rubric_apart_and_says_overall_mixes_them(cli, tmp_path):
    _import(cli, tmp_path, ANSWERS[:2], "--question", "url-shortener")
    _import(cli, tmp_path, ["We cut p99 from 800 ms to 200 ms and the team measured it on the dashboard."] * 1,
            "--rubric", "behavioral", start=2)
    res = cli("progress")
    assert res.code == 0, res.err
    rows = [line.split()[0] for line in res.out.splitlines() if line.strip()]
    bh, sd = rows.index("behavioral:"), rows.index("system-design:")
    assert bh < sd and "scale_estimate" in rows[bh:sd] and "scale_estimate" in rows[sd:]
    assert rows.count("scale_estimate") == 2 and "clarifying_question" not in rows[bh:sd]
    out = " ".join(res.out.split())
    assert "2 rubrics (behavioral, system-design)" in out and "overall mixes them" in out


def test_the_change_column_is_the_difference_of_the_numbers_shown(cli, monkeypatch, tmp_path):
    """Overall 39.6 then 40.4 shows as 40 and 40: the change must read +0, not +1."""
    import mockvoice.cli.progress as command
    from mockvoice.progress import Point

    points = [Point(f"2026-01-0{d}T10:00:00+00:00", f"s{d}", "url-shortener", "system-design", overall,
                    {"trade_off": 0.5}, "original") for d, overall in ((1, 39.6), (2, 40.4))]
    monkeypatch.setattr(command, "history", lambda *a, **k: points)
    (tmp_path / "rec").mkdir()
    res = cli("progress", "--recordings", tmp_path / "rec", "-o", tmp_path / "p.html")
    row = next(line for line in res.out.splitlines() if line.strip().startswith("overall"))
    assert row.split()[2:5] == ["40", "40", "+0"], row
