"""Rubrics as data: bundled rubrics load, user rubrics by path, and every mistake is one line."""

from __future__ import annotations

import textwrap

import pytest

from mockvoice.errors import RubricError
from mockvoice.rubric import list_rubrics, load_rubric

DEFAULT_IDS = ["clarifying_question", "trade_off", "failure_mode", "scale_estimate", "monitoring"]


def test_bundled_rubrics_load_and_default_has_the_five_features():
    assert {"system-design", "debugging", "behavioral"} <= set(list_rubrics())
    for name in list_rubrics():
        assert load_rubric(name).id == name
    default = load_rubric()
    assert default.id == "system-design"
    assert [f.id for f in default.features][:5] == DEFAULT_IDS
    assert default.feature("clarifying_question").target.min == 3
    assert default.feature("clarifying_question").target.max == 5


def test_content_hash_changes_with_content(tmp_path):
    src = list_rubrics()["system-design"].read_text()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(src)
    b.write_text(src.replace("weight: 3", "weight: 4", 1))
    assert load_rubric(a).content_hash == load_rubric("system-design").content_hash
    assert load_rubric(a).content_hash != load_rubric(b).content_hash


def test_toml_rubric_by_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(textwrap.dedent('''
        id = "mine"
        name = "Mine"
        [[features]]
        id = "caching"
        name = "Caching"
        description = "Mentions a cache"
        weight = 1
        detect = { method = "phrases", phrases = ["cache", "CDN"] }
        feedback = { missing = "Say where you would cache." }
    '''))
    rubric = load_rubric(str(path))
    assert rubric.id == "mine" and rubric.features[0].detect.phrases == ("cache", "CDN")
    upper = path.rename(path.with_name("MINE.TOML"))  # as some editors and Windows shares name files
    assert load_rubric(str(upper)).id == "mine"


BASE = """
id: mine
name: Mine
features:
  - id: trade_off
    name: Trade-offs
    description: Weighs options.
    detect: {method: trade_off}
    target: {min: 2}
    weight: 1
    feedback: {missing: Weigh two options.}
"""


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda s: s.replace("weight: 1", "weight: -1"), "features[0].weight: Input should be greater than 0"),
        (lambda s: s.replace("weight: 1", "wieght: 1"), "features[0].wieght: unknown field"),
        (lambda s: s.replace("method: trade_off", "method: vibes"), "features[0].detect.method"),
        (lambda s: s.replace("{min: 2}", "{min: 3, max: 2}"), "features[0].target"),
        (lambda s: s.replace("id: trade_off", "id: Trade Off"), "features[0].id"),
        (lambda s: s + "\nextra_key: 1\n", "extra_key: unknown field"),
        (lambda s: s.replace("features:", "features: [unclosed"), "not valid YAML: line "),  # where, not "<unicode string>"
        (lambda s: "- just\n- a list\n", "expected a mapping"),
        (lambda s: s + s[s.index("  - id"):], "appears twice"),
        # A blank phrase would match every sentence once punctuation is dropped.
        (lambda s: s.replace("{method: trade_off}", "{method: phrases, phrases: ['  ']}"), "features[0].detect"),
        (lambda s: s.replace("{method: trade_off}", "{method: trade_off, phrases: ['?!']}"), "has no words"),
        (lambda s: s + "delivery: {wpm_min: 170, wpm_max: 150}\n", "wpm_min (170) is above wpm_max (150)"),
    ],
)
def test_malformed_rubric_is_one_line_naming_file_and_field(tmp_path, mutate, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(mutate(BASE))
    with pytest.raises(RubricError) as err:
        load_rubric(str(path))
    message = str(err.value)
    assert str(path) in message and expected in message and "\n" not in message
    assert "<unicode string>" not in message and not message.endswith("more problems)")  # more: says how to see them


def test_unknown_rubric_names_the_choices():
    with pytest.raises(RubricError, match="unknown rubric 'nope'.*system-design"):
        load_rubric("nope")
    with pytest.raises(RubricError, match="no such rubric file"):
        load_rubric("missing.yaml")
