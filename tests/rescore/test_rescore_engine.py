"""Re-scoring a folder of sessions: good ones done, broken ones reported, versions added, nothing original touched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


from mockvoice.versions import SCORES_DIR


def _broken_copies(root: Path) -> dict[str, str]:
    """Damage copies of a good session in every way the issue names; returns folder -> expected reason."""
    good = root / "s000000"
    expect = {}

    def copy(name: str) -> Path:
        dst = root / name
        shutil.copytree(good, dst)
        return dst

    d = copy("truncated")
    text = (d / "session.json").read_text()
    (d / "session.json").write_text(text[: len(text) // 2])
    expect["truncated"] = "corrupt JSON"
    d = copy("missing-audio")
    (d / "turn-01.wav").unlink()
    expect["missing-audio"] = "turn-01.wav is missing"
    d = copy("schema-99")
    data = json.loads((d / "session.json").read_text())
    data["schema_version"] = 99
    (d / "session.json").write_text(json.dumps(data))
    expect["schema-99"] = "schema version 99"
    d = copy("not-utf8")
    (d / "session.json").write_bytes(b"\xff\xfe\x00garbage\x9c")
    expect["not-utf8"] = "cannot read it"
    d = copy("session-json-is-a-folder")
    (d / "session.json").unlink()
    (d / "session.json").mkdir()
    expect["session-json-is-a-folder"] = "session.json is a folder, not a file"
    d = copy("bad-schema")
    data = json.loads((d / "session.json").read_text())
    del data["turns"][0]["transcript"]
    (d / "session.json").write_text(json.dumps(data))
    expect["bad-schema"] = "invalid session at turns.0.transcript"
    d = root / "foreign-files"
    d.mkdir()
    (d / "notes.txt").write_text("not a session")
    expect["foreign-files"] = "no session.json"
    d = root / "foreign-json"
    d.mkdir()
    (d / "session.json").write_text(json.dumps({"app": "something else", "turns": 3}))
    expect["foreign-json"] = "schema version None"
    (root / ".trash").mkdir()  # hidden folders are not sessions and are not reported
    return expect


def test_mixed_folder_good_done_broken_reported_and_second_run_skips(bench, cli, hashes, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 6)
    expect = _broken_copies(root)
    before = hashes(root)
    assert len(before) >= 6 * 2 + 2  # session.json and WAVs of the good and broken copies
    out = tmp_path / "out.json"

    res = cli("rescore", root, "--workers", "2", "--json", out)
    assert res.code == 1, res.err
    report = json.loads(out.read_text())
    assert report["counts"]["rescored"] == 6
    assert report["counts"]["failed"] == len(expect)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["sessions"] if s["status"] == "failed"}
    for name, words in expect.items():
        assert words in reasons[name], (name, reasons[name])
        assert name in res.err  # each failure is reported with its folder
    assert "re-scored 6, skipped 0, failed 8" in res.out
    for i in range(6):
        assert len(list((root / f"s{i:06d}" / SCORES_DIR).glob("*.json"))) == 1
    assert hashes(root) == before  # nothing recorded was modified

    res = cli("rescore", root, "--workers", "2", "--json", out)
    assert res.code == 1
    assert json.loads(out.read_text())["counts"] | {} == {
        "rescored": 0, "skipped": 6, "failed": 8, "filtered": 0, "would": 0, "stopped": 0}

    # repairing a session is noticed by the index: only that one is scored
    shutil.rmtree(root / "truncated")
    shutil.copytree(root / "s000001", root / "truncated", ignore=shutil.ignore_patterns(SCORES_DIR))
    res = cli("rescore", root, "--workers", "1", "--json", out)
    counts = json.loads(out.read_text())["counts"]
    assert (counts["rescored"], counts["skipped"], counts["failed"]) == (1, 6, 7)


def test_changed_rubric_adds_a_version_and_keeps_the_old(bench, cli, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 3)
    assert cli("rescore", root, "--workers", "1").code == 0
    first = {p: p.read_bytes() for p in root.glob(f"*/{SCORES_DIR}/*.json")}
    assert len(first) == 3
    rubric = bench.changed_rubric(tmp_path / "system-design-v2.yaml")

    res = cli("rescore", root, "--rubric", rubric, "--workers", "2")
    assert res.code == 0, res.err
    assert "re-scored 3, skipped 0" in res.out
    for folder in root.glob("s*"):
        names = sorted(p.name for p in (folder / SCORES_DIR).glob("*.json"))
        assert len(names) == 2 and all(n.startswith("system-design-") for n in names)
    assert all(p.read_bytes() == b for p, b in first.items())  # the old versions are untouched
    new = [p for p in root.glob(f"*/{SCORES_DIR}/*.json") if p not in first]
    data = json.loads(new[0].read_text())
    assert data["rubric"] == "system-design" and not any(data["rubric_hash"] in p.name for p in first)
    assert data["session"]["rubric_hash"] == data["rubric_hash"] and data["overall"] == data["session"]["overall"]
    assert "re-scored 0, skipped 3" in cli("rescore", root, "--rubric", rubric).out


def test_dry_run_since_and_exports(bench, cli, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 3)  # created 2026-01-01 00:00, 00:37, 01:14 UTC
    res = cli("rescore", root, "--dry-run", "--workers", "1", "--rubric", "debugging", "--csv", tmp_path / "dry.csv")
    assert res.code == 0 and "would re-score 3" in res.out
    assert not list(root.glob(f"*/{SCORES_DIR}"))
    assert "what would change" in res.out  # a preview: the scores the rubric would give, before and after
    rows = [line.split(",") for line in (tmp_path / "dry.csv").read_text().splitlines()[1:]]
    assert len(rows) == 3 and all(r[1] == "would" and r[4] not in ("", "None") for r in rows), rows

    csv_path = tmp_path / "out.csv"
    res = cli("rescore", root, "--since", "2026-01-01T01:00:00", "--csv", csv_path, "--workers", "1")
    assert res.code == 0, res.err
    assert "re-scored 1" in res.out and "outside --since 2" in res.out
    lines = csv_path.read_text().splitlines()
    assert lines[0] == "path,status,version,before,after,delta,reason" and len(lines) == 4
    assert sorted(line.split(",")[1] for line in lines[1:]) == ["filtered", "filtered", "rescored"]


def test_a_single_session_folder_and_bad_arguments(bench, cli, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 2)
    res = cli("rescore", root / "s000001")
    assert res.code == 0 and "re-scored 1" in res.out
    assert not (root / "s000000" / SCORES_DIR).exists()
    res = cli("rescore", tmp_path / "nowhere")
    assert res.code == 2 and "SessionError" in res.err and "Traceback" not in res.err
    res = cli("rescore", root, "--rubric", "nope")
    assert res.code == 2 and "unknown rubric" in res.err
    res = cli("rescore", root, "--retranscribe")
    assert res.code == 2 and "--model" in res.err
    res = cli("rescore", root, "--since", "yesterday-ish")
    assert res.code == 2 and "YYYY-MM-DD" in res.err


def test_whole_session_card_is_remade_from_all_answers(bench, cli, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 4)
    multi = next(f for f in sorted(root.iterdir()) if len(json.loads((f / "session.json").read_text())["turns"]) > 1)
    assert cli("rescore", multi).code == 0
    from mockvoice.index import read_session
    from mockvoice.versions import read_score_version

    sv, cards, whole = read_score_version(next((multi / SCORES_DIR).glob("*.json")), with_cards=True)
    session = read_session(multi)
    assert cards == [None] * len(session.turns)  # a practice session is re-scored as a whole, as its overall is
    words = sum(len(t.transcript.words) for t in session.turns)
    assert whole is not None and whole.delivery.words + whole.delivery.fillers == words  # every answer, merged
    assert sv.overall == whole.overall


def test_sessions_without_a_whole_card_are_rescored_turn_by_turn(bench, cli, tmp_path):
    root = tmp_path / "rec"
    bench.generate_sessions(root, 4)
    from mockvoice.index import read_session
    from mockvoice.scoring import score_transcript
    from mockvoice.versions import read_score_version

    multi = next(f for f in sorted(root.iterdir()) if len(json.loads((f / "session.json").read_text())["turns"]) > 1)
    data = json.loads((multi / "session.json").read_text())
    data["scorecard"] = None  # e.g. an import, or a session from before whole-session cards
    (multi / "session.json").write_text(json.dumps(data))
    assert cli("rescore", multi).code == 0
    sv, cards, whole = read_score_version(next((multi / SCORES_DIR).glob("*.json")), with_cards=True)
    session = read_session(multi)
    assert whole is None
    assert [c.overall for c in cards] == [score_transcript(t.transcript).overall for t in session.turns]
    assert sv.overall == round(sum(c.overall for c in cards) / len(cards), 1)


def test_the_scores_recorded_by_an_import_count_as_already_scored(bench, cli, tmp_path, _isolated_recordings):
    """A plain `rescore` right after an import writes nothing: session.json already holds that rubric's scores
    (same id and content hash). An edited rubric is still a new version."""
    from mockvoice.index import INDEX_FILE

    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("ann", "bob", "cy", "dee"):
        (folder / f"{name}.txt").write_text(f"How many users do we expect, {name}? If the cache goes down we fall back "
                                            "to the database, trading latency for availability.")
    assert cli("import", folder, "--question", "url-shortener").code == 0
    csv_path = tmp_path / "out.csv"
    for workers in ("1", "2"):
        res = cli("rescore", "--workers", workers, "--csv", csv_path)
        assert res.code == 0 and "re-scored 0, skipped 4, failed 0" in res.out, res.out
        rows = csv_path.read_text().splitlines()[1:]
        assert len(rows) == 4 and all(",skipped,original," in r for r in rows), rows
        assert not list(_isolated_recordings.glob(f"*/{SCORES_DIR}/*"))
        (_isolated_recordings / INDEX_FILE).unlink()  # and again without the index: the worker decides the same
    assert "re-scored 0, skipped 4" in cli("rescore", "--rubric", "system-design").out
    assert "would re-score 0, skipped 4" in cli("rescore", "--dry-run").out

    res = cli("rescore", "--rubric", bench.changed_rubric(tmp_path / "edited.yaml"))
    assert res.code == 0 and "re-scored 4, skipped 0" in res.out
    assert len(list(_isolated_recordings.glob(f"*/{SCORES_DIR}/system-design-*.json"))) == 4


def test_one_rubric_over_several_questions_is_said_and_kept_apart(bench, cli, tmp_path, _isolated_recordings):
    """`--rubric` over a cohort of behavioral and design answers: one warning line with how many of each, the
    summary's features per first rubric (behavioral's scale_estimate is an outcome in numbers, not sizing), and
    `--question` to re-score one question's sessions."""
    stories = ["The p99 went from 800 to 200 ms after my teammate found the race.",
               "I paired with Sam and the bill fell by 30 percent in a month."]
    designs = ["How many users do we expect? A hundred million writes a day is about twelve hundred per second.",
               "Is it read heavy? If the cache goes down we fall back to the database.",
               "Kafka gives replay but costs operations. Ten million users times twenty requests is two thousand a second."]
    for name, texts, question in (("story", stories, "proud-project"), ("design", designs, "url-shortener")):
        folder = tmp_path / name
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"{name}{i}.txt").write_text(text)
        assert cli("import", folder, "--question", question).code == 0
    edited = bench.changed_rubric(tmp_path / "edited.yaml")
    res = cli("rescore", "--rubric", edited, "--json", tmp_path / "out.json")
    assert res.code == 0 and "re-scored 5" in res.out, res.out
    out = " ".join(res.out.split())
    warnings = [line for line in res.out.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1, res.out
    assert f"--rubric {edited} was applied to sessions first scored with 2 rubrics (2 behavioral, 3 system-design)" in out
    assert "first scored with behavioral:" in out and "first scored with system-design:" in out
    features = json.loads((tmp_path / "out.json").read_text())["features"]
    assert features["scale_estimate (behavioral)"]["sessions"] == 2
    assert features["scale_estimate (system-design)"]["sessions"] == 3
    assert "scale_estimate" not in features and features["team_credit (behavioral)"]["after"] is None

    again = bench.changed_rubric(tmp_path / "again.yaml")
    again.write_text(again.read_text().replace("(reworded)", "(reworded twice)"))
    res = cli("rescore", "--rubric", again, "--question", "URL-Shortener", "--json", tmp_path / "one.json")
    assert res.code == 0 and "re-scored 3, skipped 0, failed 0, outside --question 2" in " ".join(res.out.split()), res.out
    assert "warning" not in res.out and "first scored with" not in res.out
    assert "scale_estimate" in json.loads((tmp_path / "one.json").read_text())["features"]
    res = cli("rescore", "--question", "url-shortner")
    assert res.code == 2 and res.err.startswith("PromptError: unknown question 'url-shortner'; did you mean 'url-shortener'")


def test_moved_most_lists_only_moves_the_shown_scores_make():
    """"27 -> 27 (+0)" is not a move: an overall that changed by less than the rounding of the shown scores."""
    from mockvoice.rescore import Summary
    from mockvoice.rescore_work import ItemResult

    results = [ItemResult("a", "rescored", before=(27.3, {}), after=(27.4, {})),
               ItemResult("b", "rescored", before=(40.0, {}), after=(52.0, {})),
               ItemResult("c", "rescored", before=(10.0, {}), after=(10.0, {}))]
    assert [r.path for r in Summary(results, False, 1.0, 1).movers()] == ["b"]
