"""Replay and report show the newest re-score by default, name it, and let --version pick another (typed imports: fast)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from mockvoice.errors import SessionError
from mockvoice.rubric import load_rubric
from mockvoice.scoreview import ORIGINAL, VersionError, choose, list_versions
from mockvoice.session import load_session
from mockvoice.versions import SCORES_DIR

ANSWER = ("How many users do we expect per day? Do we need custom aliases? "
          "Redis is faster than a database lookup, but the trade-off is that it costs memory. "
          "If the cache goes down, we fall back to the database.\n")


def changed_rubric(path: Path, tradeoff_name: str, tradeoff_min: int, questions_min: int) -> Path:
    """The default rubric with the trade-off feature renamed and two targets moved: new verdicts, a new hash."""
    data = yaml.safe_load(load_rubric("system-design").model_dump_json())
    for f in data["features"]:
        if f["id"] == "trade_off":
            f["name"], f["target"]["min"] = tradeoff_name, tradeoff_min
        if f["id"] == "clarifying_question":
            f["target"]["min"] = questions_min
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def rescored(tmp_path, cli, monkeypatch) -> tuple[Path, str, str]:
    """A typed answer imported by `mockvoice import`, then re-scored by `mockvoice rescore` with two changed rubrics."""
    root = tmp_path / "rec"
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(root))
    txt = tmp_path / "answer.txt"
    txt.write_text(ANSWER)
    res = cli("import", txt, "--question", "url-shortener")
    assert res.code == 0, res.err
    (folder,) = [p for p in root.iterdir() if (p / "session.json").is_file()]
    keys = []
    for name, rubric in (("v2", changed_rubric(tmp_path / "v2.yaml", "Weighing options", 1, 2)),
                         ("v3", changed_rubric(tmp_path / "v3.yaml", "Options weighed", 3, 2))):
        before = set((folder / SCORES_DIR).glob("*.json"))
        res = cli("rescore", folder, "--rubric", rubric, "--workers", "1")
        assert res.code == 0 and "re-scored 1" in res.out, (res.out, res.err)
        (new,) = set((folder / SCORES_DIR).glob("*.json")) - before
        keys.append(new.stem)
    return folder, keys[0], keys[1]


def test_replay_shows_the_newest_rescore_and_names_it(rescored, cli):
    folder, v2, v3 = rescored
    original = load_session(folder).turns[0].scorecard
    assert original.features["trade_off"].name == "Trade-offs" and not original.features["trade_off"].met

    res = cli("replay", folder, "--no-audio")
    assert res.code == 0, res.err
    head = res.out.splitlines()[1]
    assert f"re-score {v3}" in head and f"hash {v3.rsplit('-', 1)[1]}" in head and "3 of 3, newest" in head
    assert re.search(r"created \d{4}-\d\d-\d\d \d\d:\d\d UTC", head)
    assert "● Options weighed" in res.out and "✗ Options weighed 1/3" in res.out  # v3: needs three
    assert "✓ Clarifying questions 2/2" in res.out
    assert "Trade-offs" not in res.out and "Weighing options" not in res.out

    res = cli("replay", folder, "--no-audio", "--version", v2)
    assert res.code == 0, res.err
    assert f"re-score {v2}" in res.out and "2 of 3, not the newest" in res.out
    assert "✓ Weighing options 1/1" in res.out and "Options weighed" not in res.out

    res = cli("replay", folder, "--no-audio", "--version", "original")
    assert res.code == 0, res.err
    assert "Scores: original scores" in res.out and f"hash {original.rubric_hash}" in res.out
    assert "✗ Trade-offs 1/2" in res.out and "✗ Clarifying questions 2/3" in res.out
    assert f"score {original.overall:.0f}/100" in res.out

    res = cli("replay", folder, "--no-audio", "--version", v2[:-4])  # a unique prefix of a key works too
    assert res.code == 0 and f"re-score {v2}" in res.out


def test_versions_are_listed_with_the_shown_one_marked(rescored, cli):
    folder, v2, v3 = rescored
    res = cli("replay", folder, "--versions")
    assert res.code == 0, res.err
    rows = [line for line in res.out.splitlines() if line.startswith("  ")]
    assert [r.split()[0] for r in rows] == [ORIGINAL, v2, v3]
    assert rows[2].endswith("← shown") and "← shown" not in rows[0] + rows[1]
    overall = {v.key: v.overall for v in list_versions(folder, load_session(folder))}
    assert all(f"{overall[r.split()[0]]:.0f}/100" in r for r in rows)
    res = cli("replay", folder, "--versions", "--version", "original")
    assert res.code == 0 and [r for r in res.out.splitlines() if "← shown" in r][0].split()[0] == ORIGINAL


def test_report_shows_the_newest_rescore_and_lists_the_versions(rescored, cli, tmp_path):
    folder, v2, v3 = rescored
    out = tmp_path / "r.html"
    res = cli("report", folder, "-o", out)
    assert res.code == 0, res.err
    page = out.read_text()
    shown = re.search(r'<p class="muted scores" data-version="([^"]+)">(.*?)</p>', page)
    assert shown and shown[1] == v3
    assert f"hash {v3.rsplit('-', 1)[1]}" in shown[2] and "(newest)" in shown[2] and "UTC" in shown[2]
    assert "Options weighed" in page and "Trade-offs" not in page
    assert re.search(r'Options weighed</span></td><td class="miss">1/3</td>', page)
    listed = re.findall(r"<tr class=\"(shown)?\"><td>([^<]+)</td>", page)
    assert [k for _, k in listed] == [ORIGINAL, v2, v3] and [s for s, _ in listed] == ["", "", "shown"]
    view = choose(folder, load_session(folder))
    assert f'<span class="badge">{view.session.overall:.0f}/100</span>' in page

    res = cli("report", folder, "-o", out, "--version", "original")
    assert res.code == 0, res.err
    page = out.read_text()
    assert 'data-version="original"' in page and html.escape("Scores shown: original scores") in page
    assert re.search(r'Trade-offs</span></td><td class="miss">1/2</td>', page) and "Options weighed" not in page


def test_an_unknown_version_is_one_line_naming_the_valid_ones(rescored, cli, tmp_path):
    folder, v2, v3 = rescored
    for cmd in (("replay", folder, "--no-audio"), ("report", folder, "-o", tmp_path / "x.html")):
        res = cli(*cmd, "--version", "system-design-000000000000")
        assert res.code == 2 and "Traceback" not in res.err and res.out == ""
        assert len(res.err.strip().splitlines()) == 1, res.err
        assert res.err.startswith("VersionError: --version 'system-design-000000000000' is not a score version")
        assert all(k in res.err for k in ("latest", ORIGINAL, v2, v3))
    assert not (tmp_path / "x.html").exists()
    res = cli("replay", folder, "--version", "system-design-", "--no-audio")  # a prefix of both re-scores
    assert res.code == 2 and "matches 2 versions" in res.err
    with pytest.raises(VersionError):
        choose(folder, load_session(folder), "nope")


def test_an_unreadable_newest_version_is_passed_over_but_an_explicit_one_is_an_error(rescored, cli):
    folder, v2, v3 = rescored
    path = folder / SCORES_DIR / f"{v3}.json"
    text = path.read_text()
    path.write_text(text[: text.index('"turns"') + 20])  # the summary is intact, the cards are cut off
    view = choose(folder, load_session(folder))
    assert view.shown.key == v2 and any(v3 in n for n in view.notes)
    res = cli("replay", folder, "--no-audio")
    assert res.code == 0 and f"re-score {v2}" in res.out and f"damaged score version {v3}" in res.err
    res = cli("replay", folder, "--no-audio", "--version", v3)
    assert res.code == 2 and "SessionError" in res.err and "unreadable score version" in res.err
    with pytest.raises(SessionError):
        choose(folder, load_session(folder), v3)


def test_a_session_without_rescores_shows_its_original_scores(tmp_path, cli, monkeypatch):
    root = tmp_path / "rec"
    monkeypatch.setenv("MOCKVOICE_RECORDINGS", str(root))
    txt = tmp_path / "answer.txt"
    txt.write_text(ANSWER)
    assert cli("import", txt, "--question", "url-shortener").code == 0
    res = cli("replay", "last", "--no-audio")
    assert res.code == 0 and "Scores: original scores" in res.out and "1 of 1, newest" in res.out
    assert "--versions lists them" not in res.out
    res = cli("report", "last", "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert 'data-version="original"' in page and "score versions" not in page


def test_sessions_list_shows_the_newest_rescore_overall(rescored, cli):
    import json

    from mockvoice.versions import list_score_versions

    folder, v2, v3 = rescored
    newest = list_score_versions(folder)[-1]
    assert newest.path.stem == v3 and newest.overall != load_session(folder).overall
    res = cli("sessions", "--json")
    (row,) = json.loads(res.out)
    assert row["overall"] == newest.overall and row["rescored_with"] == "system-design"
    table = cli("sessions")
    assert f"{newest.overall:.0f}*" in table.out and "--versions" in table.out
