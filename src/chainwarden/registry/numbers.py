"""Filing numbers (备案编号), modelled on the numbers the CAC issues:

京网信备 110108 26 00000001 001 7 号
│        │      │  │        │   └ check character: ISO 7064 MOD 11-2 over the 19 digits
│        │      │  │        └ service sequence within the provider (001–999)
│        │      │  └ provider serial, assigned on the provider's first filing
│        │      └ year of filing (2 digits)
│        └ the provider's region code (GB/T 2260)
└ province abbreviation + 网信备
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from stdnum.iso7064 import mod_11_2

from chainwarden.errors import ChainwardenError
from chainwarden.regions import (
    Province,
    province,
    province_by_abbreviation,
    validate_region_code,
)

SHAPE = re.compile(r"^(?P<abbr>\w)网信备(?P<digits>\d{19})(?P<check>[0-9X])号$")


class FilingNumberError(ChainwardenError):
    pass


@dataclass(frozen=True)
class FilingNumber:
    province: Province
    region_code: str
    year: int
    provider_serial: int
    service_sequence: int
    check: str

    @property
    def digits(self) -> str:
        return (
            f"{self.region_code}{self.year % 100:02d}{self.provider_serial:08d}"
            f"{self.service_sequence:03d}"
        )

    def __str__(self) -> str:
        return f"{self.province.abbreviation}网信备{self.digits}{self.check}号"


def _invalid(number: str, zh: str, en: str) -> FilingNumberError:
    return FilingNumberError(
        "invalid_filing_number",
        f"备案编号 {number} 无效：{zh}",
        f"Filing number {number} is invalid: {en}",
    )


def make_filing_number(
    region_code: str, year: int, provider_serial: int, service_sequence: int
) -> FilingNumber:
    region = validate_region_code(region_code)
    if not 2019 <= year <= 2099:
        raise FilingNumberError("bad_year", f"年份 {year} 超出范围", f"Year {year} is out of range")
    if not 1 <= provider_serial <= 99_999_999:
        raise FilingNumberError("bad_serial", "提供者序号超出范围", "Provider serial out of range")
    if not 1 <= service_sequence <= 999:
        raise FilingNumberError("bad_sequence", "服务序号超出范围", "Service sequence out of range")
    partial = FilingNumber(
        province(region[:2]), region, year, provider_serial, service_sequence, ""
    )
    return FilingNumber(
        partial.province,
        region,
        year,
        provider_serial,
        service_sequence,
        mod_11_2.calc_check_digit(partial.digits),
    )


def parse_filing_number(text: str) -> FilingNumber:
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()
    match = SHAPE.match(value)
    if not match:
        raise _invalid(
            text,
            "格式应为「省简称 + 网信备 + 19位数字 + 校验码 + 号」",
            "expected a province abbreviation, 网信备, 19 digits, a check character, 号",
        )
    abbreviation = province_by_abbreviation(match["abbr"])
    if abbreviation is None:
        raise _invalid(
            text,
            f"未知的省份简称「{match['abbr']}」",
            f"unknown province abbreviation {match['abbr']}",
        )
    digits = match["digits"]
    try:
        region = validate_region_code(digits[:6])
    except ChainwardenError as exc:
        raise _invalid(text, exc.zh, exc.en) from None
    if region[:2] != abbreviation.code:
        raise _invalid(
            text,
            f"省份简称「{abbreviation.abbreviation}」与地区代码 {region} 不符",
            f"abbreviation {abbreviation.abbreviation} does not match region {region}",
        )
    expected = mod_11_2.calc_check_digit(digits)
    if match["check"] != expected:
        raise _invalid(text, f"校验码应为 {expected}", f"the check character should be {expected}")
    serial, sequence = int(digits[8:16]), int(digits[16:19])
    if serial == 0 or sequence == 0:
        raise _invalid(text, "序号不能为0", "serial numbers start at 1")
    return FilingNumber(
        abbreviation, region, 2000 + int(digits[6:8]), serial, sequence, match["check"]
    )


def is_valid_filing_number(text: str) -> bool:
    try:
        parse_filing_number(text)
    except FilingNumberError:
        return False
    return True
