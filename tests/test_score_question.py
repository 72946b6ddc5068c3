"""`mockvoice score --question ID`: the answer is scored with that question's text and rubric."""

from __future__ import annotations

import json

import pytest

ANSWER = "We store the links in a database and put a cache in front of it."
URL_ADVICE = "For this question a strong answer covers how many links are created a day"


def _card(res) -> dict:
    assert res.code == 0, res.err
    return json.loads(res.out)


def _answer(tmp_path):
    f = tmp_path / "answer.txt"
    f.write_text(ANSWER)
    return f


def test_question_makes_the_feedback_specific_to_it(cli, tmp_path):
    f = _answer(tmp_path)
    plain = _card(cli("score", f, "--json"))
    card = _card(cli("score", f, "--json", "--question", "url-shortener"))
    assert plain["question"] is None and card["question"].startswith("Design a URL shortener")
    assert URL_ADVICE not in json.dumps(plain)
    assert URL_ADVICE in card["features"]["clarifying_question"]["feedback"]
    assert card["overall"] == plain["overall"]  # the question changes the advice, not the score


def test_question_brings_its_rubric_unless_one_is_given(cli, tmp_path):
    f = _answer(tmp_path)
    assert _card(cli("score", f, "--json", "--question", "checkout-500s"))["rubric"] == "debugging"
    assert _card(cli("score", f, "--json", "-q", "checkout-500s", "--rubric", "behavioral"))["rubric"] == "behavioral"


def test_terminal_scorecard_names_the_question(cli, tmp_path):
    res = cli("score", _answer(tmp_path), "--question", "url-shortener")
    assert res.code == 0, res.err
    out = " ".join(res.out.replace("│", " ").split())
    assert "answer.txt · url-shortener · System design" in out and "For this question a strong answer covers" in out


@pytest.mark.parametrize("target", ["answer.txt", "missing.wav"])
def test_unknown_question_is_one_line_before_any_work(cli, tmp_path, target):
    _answer(tmp_path)
    res = cli("score", tmp_path / target, "--question", "url-shortner")
    assert res.code == 2 and res.out == "" and "Traceback" not in res.err, res.err
    assert res.err.strip().splitlines() == [
        "PromptError: unknown question 'url-shortner'; did you mean 'url-shortener'? run `mockvoice questions` to list the ids"]


@pytest.mark.slow
def test_a_recorded_answer_is_scored_for_its_question(cli, tts):
    wav = tts(["We keep the short links in a database.", 0.6, "A cache sits in front of it for the redirects."])
    card = _card(cli("score", wav, "--json", "--question", "url-shortener"))
    assert card["question"].startswith("Design a URL shortener") and card["rubric"] == "system-design"
    assert URL_ADVICE in card["features"]["clarifying_question"]["feedback"]


@pytest.mark.parametrize("given, said", [
    ("URL-Shortener", None),  # ids are matched whatever their case
    ("url-shortner", "did you mean 'url-shortener'?"),
    ("url", "did you mean 'url-shortener'?"),
    ("  ", "--question is empty"),
])
def test_question_ids_forgive_case_and_suggest_a_near_miss(cli, tmp_path, given, said):
    answer = tmp_path / "a.txt"
    answer.write_text("How many users do we expect per day?")
    res = cli("score", answer, "--question", given)
    if said is None:
        assert res.code == 0 and "url-shortener" in res.out, res.err
    else:
        assert res.code == 2 and said in res.err and len(res.err.strip().splitlines()) == 1, res.err
