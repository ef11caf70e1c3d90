"""Normalisation: every evasion family folds to the plain form, and positions map back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainwarden.screening.normalise import Normaliser, cn_number

SUBSTITUTIONS = [
    ("bi", "币"),
    ("vx", "微信"),
    ("大饼", "比特币"),
    ("姨太", "以太坊"),
    ("jys", "交易所"),
    ("baoben", "保本"),
]


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(SUBSTITUTIONS)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        # full-width letters, digits and punctuation
        ("ＵＳＤＴ　１０％", "usdt 10%"),
        # separators inside a word
        ("稳-赚-不-赔", "稳赚不赔"),
        ("稳 赚 不 赔", "稳赚不赔"),
        ("稳*赚|不丶赔", "稳赚不赔"),
        ("P.U.M.P it", "pump it"),
        ("a i r d r o p", "airdrop"),
        # traditional characters
        ("虛擬貨幣交易所", "虚拟货币交易所"),
        # zero-width and other invisible characters
        ("空\u200b投\u200c领\u200d取\u2060\ufeff", "空投领取"),
        ("se\u200bed phr\u00adase", "seed phrase"),
        # Cyrillic and Greek look-alikes, accents
        ("аirdrор", "airdrop"),
        ("ρυmp", "pump"),
        ("présale", "presale"),
        # Chinese and circled numerals that count something
        ("百倍", "100倍"),
        ("翻二十倍", "翻20倍"),
        ("日化百分之三", "日化3%"),
        ("月化百分之零点五", "月化0.5%"),
        ("⑩倍", "10倍"),
        # pinyin, abbreviations and slang
        ("上jys买bi", "上交易所买币"),
        ("加vx", "加微信"),
        ("大饼和姨太", "比特币和以太坊"),
        ("baoben", "保本"),
        # "U" where it is money
        ("100U", "100usdt"),
        ("出U", "出usdt"),
    ],
)
def test_evasions_fold_to_the_plain_form(normaliser: Normaliser, raw: str, plain: str) -> None:
    assert normaliser.normalise(raw).text == plain


@pytest.mark.parametrize(
    "text",
    [
        "big bite of a bison",  # "bi" inside words is not 币
        "u盘坏了",  # a USB stick is not USDT
        "version 1.5.2 of the node",  # digits with dots stay
        "一起学习区块链",  # 一 that counts nothing stays
        "I am a man",  # short words keep their spaces
    ],
)
def test_ordinary_text_is_left_alone(normaliser: Normaliser, text: str) -> None:
    assert normaliser.normalise(text).text == text.lower()


@pytest.mark.parametrize(
    ("numeral", "digits"),
    [
        ("十", "10"),
        ("百", "100"),
        ("二十五", "25"),
        ("一万五千", "15000"),
        ("三点五", "3.5"),
        ("一五", "15"),
    ],
)
def test_chinese_numerals(numeral: str, digits: str) -> None:
    assert cn_number(numeral) == digits


def test_offsets_point_at_the_original_characters(normaliser: Normaliser) -> None:
    original = "请加ｖｘ：保-本-保-息，日化百分之三"
    result = normaliser.normalise(original)
    start = result.text.index("保本保息")
    s, e = result.span(start, start + 4)
    assert original[s:e] == "保-本-保-息"
    start = result.text.index("微信")
    s, e = result.span(start, start + 2)
    assert original[s:e] == "ｖｘ"
    start = result.text.index("3%")
    s, e = result.span(start, start + 2)
    assert original[s:e] == "百分之三"


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list("保本息币大饼姨太一二十百倍%uU .-*|丶\u200b\u3000ＡＢｖｘ①⑩虛擬jysbivx0123456789")
        ),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_offsets_always_map_inside_the_original(text: str) -> None:
    normaliser = Normaliser(SUBSTITUTIONS)
    result = normaliser.normalise(text)
    for i in range(len(result.text)):
        for j in (i + 1, len(result.text)):
            s, e = result.span(i, j)
            assert 0 <= s < e <= len(text)
    if result.starts is not None:
        assert list(result.starts) == sorted(result.starts)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalisation_is_idempotent(text: str) -> None:
    normaliser = Normaliser(SUBSTITUTIONS)
    once = normaliser.normalise(text).text
    assert normaliser.normalise(once).text == once


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, min_size=8, max_size=16))
def test_batch_normalisation_equals_one_by_one(texts: list[str]) -> None:
    normaliser = Normaliser(SUBSTITUTIONS)
    assert normaliser.normalise_many(texts) == [normaliser.normalise(t) for t in texts]
