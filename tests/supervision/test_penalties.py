"""The penalty rules of Arts. 19–22: every range at and just outside its bounds."""

from __future__ import annotations

from datetime import date

import pytest

from chainwarden.supervision.errors import PenaltyOutOfRange, SupervisionError
from chainwarden.supervision.penalties import Measure, allowed, check_decision

ON = date(2026, 3, 2)
BASE = [Measure.WARNING, Measure.ORDER_CORRECTION, Measure.SUSPENSION]
AGGRAVATED = [*BASE, Measure.FINE]

# (breached article, penalty article, lowest fine, highest fine, measures with a fine)
FINED = [
    ("5", "19", 5_000, 30_000, AGGRAVATED),
    ("17", "19", 5_000, 30_000, AGGRAVATED),
    ("11(2)", "19", 5_000, 30_000, AGGRAVATED),
    ("18", "19", 5_000, 30_000, AGGRAVATED),
    ("10", "21", 20_000, 30_000, AGGRAVATED),
    ("11(1)", "22", 10_000, 30_000, [Measure.ORDER_CORRECTION, Measure.WARNING, Measure.FINE]),
]


@pytest.mark.parametrize(("breached", "article", "low", "high", "measures"), FINED)
@pytest.mark.parametrize("circumstance", ["refused_to_correct", "serious"])
def test_fine_at_and_just_outside_each_bound(breached, article, low, high, measures, circumstance):
    allowance = allowed(breached, on=ON, **{circumstance: True})
    assert allowance.rule.article == article
    assert allowance.fine_range == (low, high)
    for fine in (low, high):
        assert Measure.FINE in check_decision(allowance, measures, fine)
    for fine in (low - 1, high + 1):
        with pytest.raises(PenaltyOutOfRange) as err:
            check_decision(allowance, measures, fine)
        assert err.value.code == "fine_out_of_range"
        assert f"{low:,}" in err.value.zh and f"{high:,}" in err.value.en
        assert (err.value.extra["minimum"], err.value.extra["maximum"]) == (low, high)


@pytest.mark.parametrize(("breached", "article", "low", "high", "measures"), FINED)
def test_no_fine_without_refusal_or_serious_circumstances(breached, article, low, high, measures):
    allowance = allowed(breached, on=ON)
    assert allowance.fine_range is None
    with pytest.raises(PenaltyOutOfRange) as err:
        check_decision(allowance, measures, low)
    assert err.value.code == "measure_not_allowed"
    assert "拒不改正或者情节严重" in err.value.zh
    base = [m for m in measures if m is not Measure.FINE and m in allowance.measures]
    assert check_decision(allowance, base, None) == frozenset(base)


@pytest.mark.parametrize(("breached", "article", "low", "high", "measures"), FINED)
def test_aggravated_decision_must_carry_the_fine(breached, article, low, high, measures):
    allowance = allowed(breached, refused_to_correct=True, on=ON)
    with pytest.raises(PenaltyOutOfRange) as err:
        check_decision(allowance, [m for m in measures if m is not Measure.FINE], None)
    assert err.value.code == "measure_required"


def test_art_22_warns_only_when_aggravated():
    plain = allowed("11(1)", on=ON)
    assert plain.measures == {Measure.ORDER_CORRECTION}
    with pytest.raises(PenaltyOutOfRange):
        check_decision(plain, [Measure.ORDER_CORRECTION, Measure.WARNING], None)
    # Art. 22 has no suspension at all.
    aggravated = allowed("11(1)", serious=True, on=ON)
    assert Measure.SUSPENSION not in aggravated.measures


@pytest.mark.parametrize("breached", ["8", "16"])
@pytest.mark.parametrize("serious", [False, True])
def test_art_20_is_a_referral_without_a_fine(breached, serious):
    allowance = allowed(breached, serious=serious, refused_to_correct=serious, on=ON)
    assert allowance.rule.article == "20"
    assert allowance.measures == {Measure.REFERRAL}
    assert allowance.fine_range is None
    assert "网络安全法" in allowance.legal_basis
    assert check_decision(allowance, [Measure.REFERRAL], None) == {Measure.REFERRAL}
    for fine in (1, 5_000, 30_000):
        with pytest.raises(PenaltyOutOfRange):
            check_decision(allowance, [Measure.REFERRAL], fine)
    with pytest.raises(PenaltyOutOfRange):
        check_decision(allowance, [Measure.REFERRAL, Measure.WARNING], None)


def test_referral_names_the_cybersecurity_law_in_force():
    assert "2016" in allowed("8", on=date(2025, 12, 31)).legal_basis
    assert "2025年修正" in allowed("8", on=date(2026, 1, 1)).legal_basis


@pytest.mark.parametrize("article", ["4", "12", "11", "23", "abc"])
def test_articles_outside_the_penalty_rules_are_refused(article):
    with pytest.raises(SupervisionError) as err:
        allowed(article, on=ON)
    assert err.value.code == "unknown_article"


def test_full_width_brackets_are_accepted():
    assert allowed("11（1）", on=ON).rule.article == "22"


def test_acts_before_the_regulations_are_outside_them():
    with pytest.raises(SupervisionError) as err:
        allowed("5", on=date(2019, 2, 14))
    assert err.value.code == "before_regulations"
