"""Progress trends and the HTML chart; spaced repetition for `next`."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from mockvoice.progress import Point, chart_html, trends
from mockvoice.schedule import Candidate, plan_next

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
FEATS = ("clarifying_question", "trade_off", "failure_mode", "scale_estimate", "monitoring")


def _point(days_ago: float, q: str, **scores: float) -> Point:
    feats = {f: scores.get(f, 0.5) for f in FEATS}
    overall = round(100 * sum(feats.values()) / len(feats), 1)
    when = (NOW - timedelta(days=days_ago)).isoformat(timespec="seconds")
    return Point(when, f"s-{days_ago}", q, "system-design", overall, feats, "original")


def test_trends_and_chart_are_self_contained_and_escaped():
    pts = [_point(10 - i, "<img src=x onerror=alert(1)>", trade_off=0.2 * i, monitoring=1 - 0.2 * i) for i in range(5)]
    ts = trends(pts)
    assert ts["trade_off"].direction == "up" and ts["monitoring"].direction == "down"
    assert ts["failure_mode"].direction == "flat" and len(ts["overall"].scores) == 5
    page = chart_html(pts)
    assert page.count("<svg") == 6 and "<script" not in page and "http" not in page.replace("http://www.w3.org", "")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_weak_feature_comes_back_sooner_than_a_strong_one():
    pts = [_point(d, "url-shortener", trade_off=0.2, monitoring=1.0, clarifying_question=0.9) for d in (9, 5, 2)]
    cands = [Candidate("url-shortener", "Design a URL shortener.", "system-design", FEATS),
             Candidate("tell-me-about", "A project you are proud of.", "behavioral", ("story", "impact")),
             Candidate("rate-limiter", "Design a rate limiter.", "system-design", FEATS)]
    s = plan_next(pts, cands, NOW)
    cards = {c.id: c for c in s.cards}
    assert cards["trade_off"].box == 0 and cards["monitoring"].box == 3
    assert cards["trade_off"].due < cards["monitoring"].due
    assert s.focus[0].id == "trade_off"
    assert s.question.id == "rate-limiter"  # covers the weak feature and has not been tried
    assert any("trade_off: weak last time" in r for r in s.reasons)
    assert any(r.startswith("later: ") and "monitoring" in r for r in s.reasons)

    # practising the weak feature well moves it up and pushes its next review out
    better = pts + [_point(0.1, "rate-limiter", trade_off=1.0, monitoring=1.0, clarifying_question=0.9)]
    after = {c.id: c for c in plan_next(better, cands, NOW).cards}
    assert after["trade_off"].box == 1 and after["trade_off"].due > NOW


def test_no_history_suggests_a_start():
    s = plan_next([], [Candidate("q1", "Design X.", "system-design", FEATS)], NOW)
    assert s.question.id == "q1" and "no scored sessions yet" in s.reasons[0]


def test_progress_and_next_commands_on_imported_history(cli, tmp_path, _isolated_recordings):
    answers = [
        "We store links in a database.",
        "How many users do we expect? I would pick Redis over Memcached, but it costs memory.",
        "How many users do we expect per day? Is it read heavy? Kafka gives replay but costs operations, "
        "SQS is simpler. If the cache goes down we fall back to the database. We alert on p99 latency.",
    ]
    files = []
    for i, text in enumerate(answers):
        f = tmp_path / f"answer{i}.txt"
        f.write_text(text)
        stamp = (NOW - timedelta(days=10 - 3 * i)).timestamp()
        os.utime(f, (stamp, stamp))
        files.append(f)
    assert cli("import", *files, "--question", "url-shortener").code == 0
    res = cli("progress", "--question", "url-shortener")
    assert res.code == 0, res.err
    assert "progress over 3 sessions" in res.out and "trade_off" in res.out
    page = _isolated_recordings / "progress.html"
    assert page.is_file() and page.read_text().count("<svg") >= 6
    assert "unknown question 'nope'" in cli("progress", "--question", "nope").err  # not "no sessions yet"
    assert "No scored sessions for question 'checkout-500s'" in cli("progress", "--question", "checkout-500s").out
    later = " ".join(cli("progress", "--since", "2099-01-01").out.split())
    assert "No scored sessions since 2099-01-01" in later and "try an earlier --since" in later and "yet" not in later
    res = cli("next", "--all")
    assert res.code == 0, res.err
    assert "Next:" in res.out and "Why:" in res.out and "schedule" in res.out


def test_a_feature_scored_by_two_rubrics_is_two_cards():
    """behavioral's scale_estimate (an outcome in numbers) is not system design's (a sizing estimate): a strong
    story must not hide weak sizing, and the question picked for weak sizing is a design question."""
    design = [_point(d, "url-shortener", scale_estimate=0.1) for d in (9, 5, 2)]
    stories = [Point((NOW - timedelta(days=d)).isoformat(timespec="seconds"), f"b-{d}", "proud-project", "behavioral",
                     90.0, {"scale_estimate": 1.0, "reflection": 1.0}, "original") for d in (8, 4, 1)]
    cands = [Candidate("proud-project", "A project you are proud of.", "behavioral", ("scale_estimate", "reflection")),
             Candidate("rate-limiter", "Design a rate limiter.", "system-design", FEATS)]
    s = plan_next(design + stories, cands, NOW)
    cards = {c.id: c for c in s.cards}
    assert cards["scale_estimate (system-design)"].box == 0 and cards["scale_estimate (behavioral)"].box >= 2
    assert s.focus[0].id == "scale_estimate (system-design)" and s.question.id == "rate-limiter"


def test_progress_with_a_rubric_follows_the_scores_of_a_cohort_rescored_with_it(cli, tmp_path, _isolated_recordings):
    """A bootcamp re-scores everyone with its own edited rubric (a new id): `progress --rubric` charts those
    scores; by default each session keeps its own rubric's."""
    from pathlib import Path

    import mockvoice

    for i, text in enumerate(["We store links in a database.", "How many users do we expect? Redis over Memcached, "
                              "but it costs memory. If Redis goes down we read from the database."]):
        (tmp_path / f"a{i}.txt").write_text(text)
    assert cli("import", tmp_path / "a0.txt", tmp_path / "a1.txt", "--question", "url-shortener").code == 0
    bundled = Path(mockvoice.__file__).resolve().parents[1] / "rubrics" / "system-design.yaml"
    strict = tmp_path / "strict.yaml"
    strict.write_text(bundled.read_text().replace("id: system-design", "id: cohort-strict", 1))
    res = cli("rescore", "--rubric", strict, "--workers", "1")
    assert res.code == 0 and "re-scored 2" in res.out, res.out + res.err
    own = cli("progress")
    assert own.code == 0 and "scored with rubric" not in own.out
    res = cli("progress", "--rubric", strict)
    out = " ".join(res.out.split())  # the title wraps at the terminal's width
    assert res.code == 0, res.err
    assert "progress over 2 sessions" in out and "scored with rubric cohort-strict" in out
    from mockvoice.index import Index
    from mockvoice.progress import history

    with Index(_isolated_recordings) as idx:
        assert {p.scored_with.split("-")[0] for p in history(idx)} == {"original"}
        assert all(p.scored_with.startswith("cohort-strict-") for p in history(idx, rubric="cohort-strict"))
    res = cli("progress", "--rubric", "debugging")
    out = " ".join(res.out.split())
    assert res.code == 0 and "are scored with rubric 'debugging'" in out and "rescore --rubric debugging" in out
    res = cli("progress", "--rubric", "cohort-strikt")  # a typo is not told to re-score with a rubric that isn't there
    out = " ".join(res.out.split())
    assert res.code == 0 and "scored with rubric 'cohort-strikt'; check the id, or pass the rubric file" in out, out
    res = cli("progress", "--rubric", "cohort-strict")  # its id, as the README says, without the file at hand
    assert res.code == 0 and "scored with rubric cohort-strict" in " ".join(res.out.split()), res.out + res.err
