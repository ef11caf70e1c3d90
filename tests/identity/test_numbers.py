"""Classifying and validating identity numbers: standard examples and every rejection reason."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from chainwarden.identity import numbers
from chainwarden.identity.numbers import (
    NumberKind,
    NumberRejected,
    check,
    guess_kind,
    mask,
    mask_name,
)

RIC = "11010519491231002X"  # GB 11643 standard example
USCC = "91350100M000100Y43"  # GB 32100 standard example


@pytest.mark.parametrize(
    ("value", "kind", "canonical"),
    [
        (RIC, NumberKind.RIC, RIC),
        ("11010519491231002x", NumberKind.RIC, RIC),
        ("110105 19491231 002X", NumberKind.RIC, RIC),
        ("44030419900307123X", NumberKind.RIC, "44030419900307123X"),
        (USCC, NumberKind.USCC, USCC),
        ("91350100m000100y43", NumberKind.USCC, USCC),
        ("13800138000", NumberKind.MOBILE, "13800138000"),
        ("+86 138-0013-8000", NumberKind.MOBILE, "13800138000"),
        ("8613800138000", NumberKind.MOBILE, "13800138000"),
        ("0086 19912345678", NumberKind.MOBILE, "19912345678"),
    ],
)
def test_valid_numbers_are_classified_and_canonical(value, kind, canonical):
    checked = check(value)
    assert checked.kind is kind
    assert checked.value == canonical


def test_citizen_id_details():
    checked = check(RIC)
    assert checked.details["birth_date"] == "1949-12-31"
    assert checked.details["sex"] == "female"  # 17th digit 2 is even
    assert checked.details["region_code"] == "110105"
    assert "北京" in checked.details["region"]


REJECTIONS = [
    ("", None, "empty"),
    ("   ", None, "empty"),
    ("hello", None, "unrecognised"),
    ("12345", None, "unrecognised"),
    # citizen ID
    ("110105491231002", None, "ric_first_generation"),
    ("11010519491231002", NumberKind.RIC, "ric_length"),
    ("1101051949123100X2", NumberKind.RIC, "ric_characters"),
    ("110105194913310021", None, "ric_birth_date"),  # month 13
    ("110105209912310026", None, "ric_birth_date_range"),  # born in 2099
    ("990105194912310021", None, "ric_region"),
    ("110105194912310021", None, "ric_checksum"),
    # unified social credit code
    ("91350100M000100Y4", NumberKind.USCC, "uscc_length"),
    ("91350100M0001O0Y43", None, "uscc_characters"),  # letter O is never used
    ("9135010AM000100Y43", None, "uscc_structure"),
    ("91350100M000100Y44", None, "uscc_checksum"),
    # mobile
    ("+1 2025550123", None, "mobile_country"),
    ("1380013800", None, "mobile_length"),
    ("12800138000", None, "mobile_prefix"),
    ("138-0013-800a", NumberKind.MOBILE, "mobile_characters"),
]


@pytest.mark.parametrize(("value", "kind", "reason"), REJECTIONS)
def test_every_rejection_names_its_reason_in_both_languages(value, kind, reason):
    with pytest.raises(NumberRejected) as caught:
        check(value, kind, today=date(2026, 11, 25))
    assert caught.value.code == reason
    assert caught.value.zh and caught.value.en
    assert caught.value.zh != caught.value.en
    # A person reading it learns which kind of number was meant.
    if caught.value.number_kind is not None:
        assert caught.value.number_kind.value.split("_")[0] == reason.split("_")[0]


def test_every_reason_in_the_module_is_exercised_above():
    source = Path(numbers.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'_reject\(\s*"([a-z_]+)"', source))
    assert codes == {r for *_, r in REJECTIONS}


def test_an_explicit_kind_wins():
    with pytest.raises(NumberRejected) as caught:
        check(RIC, NumberKind.MOBILE)
    assert caught.value.code == "mobile_characters"
    assert check(RIC, "ric").kind is NumberKind.RIC


def test_guess_kind():
    assert guess_kind("1380013800") is NumberKind.MOBILE
    assert guess_kind("11010519491231002") is NumberKind.RIC
    assert guess_kind("91350100M00010") is None
    assert guess_kind("91350100M000100Y4") is NumberKind.USCC


def test_masks():
    assert mask("ric", RIC) == "110105********002X"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("uscc", USCC) == "91350100********43"
    assert check(RIC).masked == "110105********002X"
    assert mask_name("张三丰", person=True) == "张**"
    assert mask_name("李", person=True) == "李*"
    assert mask_name("北京链测科技有限公司", person=False) == "北京链测科技有限公司"
