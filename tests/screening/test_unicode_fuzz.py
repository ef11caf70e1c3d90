"""Any unicode text, lone surrogates and NUL included, is screened without an error: alone, in a
batch of lawful posts, and through ``chainwarden screen`` line by line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainwarden.screening import Screener
from chainwarden.screening.normalise import Normaliser

# Every code point, surrogates (category Cs) and controls included.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=40)
LAWFUL = "今天的区块链浏览器更新了，支持查看合约事件。"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.default()


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_the_normaliser_takes_any_text(text: str) -> None:
    normaliser = Normaliser([("bi", "币"), ("jys", "交易所")])
    folded = normaliser.normalise(text)
    # What the matchers see can always be encoded; positions map back into the original.
    folded.text.encode("utf-8")
    assert normaliser.normalise_many([text] * 9)[0].text == folded.text


@settings(max_examples=60, deadline=None)
@given(st.lists(ANY_TEXT, min_size=1, max_size=12))
def test_a_batch_with_odd_texts_screens_every_item(screener: Screener, texts: list[str]) -> None:
    batch = [*texts, *[LAWFUL] * 10]
    results = screener.screen_many(batch)
    assert len(results) == len(batch)
    # The lawful posts are decided as they would be alone: no odd neighbour changes them.
    alone = screener.screen(LAWFUL).decision
    assert all(r.decision == alone for r in results[len(texts) :])


def test_a_lone_surrogate_is_screened_not_raised(screener: Screener) -> None:
    assert screener.screen("abc \ud800 def").decision is not None
    results = screener.screen_many(["abc \ud800 def", "\udfff", *[LAWFUL] * 10])
    assert len(results) == 12


def test_screen_refuses_only_the_line_with_a_lone_surrogate(tmp_path) -> None:
    from typer.testing import CliRunner

    from chainwarden.cli.main import app

    lines = [
        {"id": 1, "text": "abc \ud800 def"},
        {"id": 2, "text": LAWFUL},
        {"id": 3, "text": "ok"},
    ]
    source = tmp_path / "posts.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["screen", str(source)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert "lone surrogate" in records[0]["error"] and "代理码位" in records[0]["error"]
    assert [r.get("id") for r in records[1:]] == [2, 3]
    assert all("decision" in r for r in records[1:])
