from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainwarden.regions import (
    RegionError,
    find_province,
    region_name,
    validate_region_code,
)
from chainwarden.registry.numbers import (
    FilingNumberError,
    is_valid_filing_number,
    make_filing_number,
    parse_filing_number,
)

# The check character computed independently of the library: ISO 7064 MOD 11-2 over 1101082600000001001.
KNOWN = "京网信备11010826000000010016号"


def test_structure_of_a_known_number():
    number = make_filing_number("110108", 2026, 1, 1)
    assert str(number) == KNOWN
    parsed = parse_filing_number(KNOWN)
    assert (parsed.province.name_zh, parsed.region_code, parsed.year) == ("北京市", "110108", 2026)
    assert (parsed.provider_serial, parsed.service_sequence, parsed.check) == (1, 1, "6")


def test_full_width_digits_and_spaces_are_accepted():
    assert str(parse_filing_number(" 京网信备１１０１０８２６００００００01００１6号 ")) == KNOWN


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("京网信备1101082600000001001号", "19 digits"),  # check character missing
        ("京ICP备11010826000000010017号", "19 digits"),
        ("港网信备11010826000000010017号", "unknown province abbreviation"),
        ("沪网信备11010826000000010017号", "does not match region"),
        ("京网信备11999926000000010017号", "not a GB/T 2260"),
        ("京网信备11010826000000010017号", "should be 6"),
        ("京网信备11010826000000000002号", "start at 1"),
    ],
)
def test_invalid_numbers_say_why(text, fragment):
    with pytest.raises(FilingNumberError) as err:
        parse_filing_number(text)
    assert fragment in err.value.en
    assert not is_valid_filing_number(text)


REGIONS = ["110108", "310115", "330106", "440305", "520102", "650102"]


@given(
    st.sampled_from(REGIONS),
    st.integers(2019, 2099),
    st.integers(1, 99_999_999),
    st.integers(1, 999),
)
def test_round_trip(region, year, serial, sequence):
    number = make_filing_number(region, year, serial, sequence)
    assert parse_filing_number(str(number)) == number


@given(st.integers(1, 99_999_999), st.integers(0, 18), st.integers(1, 9))
def test_a_changed_digit_is_detected(serial, position, delta):
    text = str(make_filing_number("110108", 2026, serial, 7))
    digits = text[4:23]
    changed = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert not is_valid_filing_number(text[:4] + changed + text[23:])


def test_region_codes():
    assert validate_region_code("110108") == "110108"
    assert validate_region_code("330100") == "330100"  # prefecture level
    assert region_name("110108") == "北京市海淀区"
    for bad in ("11010", "abcdef", "990101", "119999"):
        with pytest.raises(RegionError):
            validate_region_code(bad)


@pytest.mark.parametrize("text", ["31", "上海", "上海市", "shanghai", "沪"])
def test_find_province(text):
    province = find_province(text)
    assert province is not None and province.code == "31"


def test_unknown_province_is_none():
    assert find_province("Atlantis") is None
