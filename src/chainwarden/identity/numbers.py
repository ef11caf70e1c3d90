"""Identity numbers a user can be verified by (Art. 8): citizen ID (GB 11643), unified social
credit code (GB 32100) and mainland mobile numbers.

``check`` classifies a value and validates it; every rejection carries a stable reason code and a
Chinese and English explanation. ``mask`` is the only way a number is shown to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as NumberError

from chainwarden.identity.errors import IdentityError


class NumberKind(StrEnum):
    RIC = "ric"  # 居民身份证号码
    USCC = "uscc"  # 统一社会信用代码
    MOBILE = "mobile"  # 手机号码


KIND_NAMES = {
    NumberKind.RIC: ("居民身份证号码", "Citizen ID number"),
    NumberKind.USCC: ("统一社会信用代码", "Unified social credit code"),
    NumberKind.MOBILE: ("手机号码", "Mobile number"),
}

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SEPARATORS = re.compile(r"[\s\-()（）]")


@dataclass(frozen=True)
class CheckedNumber:
    kind: NumberKind
    # The canonical form that is encrypted and hashed (upper case, no separators, no +86).
    value: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def masked(self) -> str:
        return mask(self.kind, self.value)


class NumberRejected(IdentityError):
    """An identifier failed classification or validation; ``code`` names the reason."""

    def __init__(self, code: str, zh: str, en: str, *, kind: NumberKind | None) -> None:
        super().__init__(code, zh, en, kind="invalid", field="number")
        self.number_kind = kind


def _reject(code: str, kind: NumberKind | None, zh: str, en: str) -> NumberRejected:
    if kind is not None:
        name_zh, name_en = KIND_NAMES[kind]
        zh, en = f"{name_zh}{zh}", f"{name_en} {en}"
    return NumberRejected(code, zh, en, kind=kind)


# --- the three kinds ------------------------------------------------------------------------


def check_ric(value: str, *, today: date | None = None) -> CheckedNumber:
    number = _SEPARATORS.sub("", value).upper()
    kind = NumberKind.RIC
    if len(number) == 15 and number.isdigit():
        raise _reject(
            "ric_first_generation",
            kind,
            "为15位第一代号码，已停止使用，请提供18位号码",
            "has 15 digits (first generation, no longer valid); give the 18-character number",
        )
    if len(number) != 18:
        raise _reject(
            "ric_length",
            kind,
            f"应为18位，实为{len(number)}位",
            f"must have 18 characters, not {len(number)}",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise _reject(
            "ric_characters",
            kind,
            "前17位必须是数字，最后一位是数字或X",
            "must be 17 digits followed by a digit or X",
        )
    try:
        born = ric.get_birth_date(number)
    except NumberError:
        raise _reject(
            "ric_birth_date",
            kind,
            f"第7至14位 {number[6:14]} 不是有效的出生日期",
            f"digits 7-14 ({number[6:14]}) are not a valid birth date",
        ) from None
    if born > (today or date.today()) or born.year < 1900:
        raise _reject(
            "ric_birth_date_range",
            kind,
            f"出生日期 {born.isoformat()} 不在可能的范围内",
            f"birth date {born.isoformat()} is impossible",
        )
    try:
        place = ric.get_birth_place(number)
    except NumberError:
        raise _reject(
            "ric_region",
            kind,
            f"前6位 {number[:6]} 不是已知的行政区划代码",
            f"first 6 digits ({number[:6]}) are not a known region code",
        ) from None
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise _reject(
            "ric_checksum",
            kind,
            "校验码不正确（号码可能抄错了）",
            "has a wrong check character (the number may be mistyped)",
        )
    return CheckedNumber(
        kind,
        number,
        {
            "birth_date": born.isoformat(),
            "sex": "male" if int(number[16]) % 2 else "female",
            "region_code": number[:6],
            "region": "".join(str(place.get(k, "")) for k in ("province", "city", "county")),
        },
    )


def check_uscc(value: str) -> CheckedNumber:
    number = _SEPARATORS.sub("", value).upper()
    kind = NumberKind.USCC
    if len(number) != 18:
        raise _reject(
            "uscc_length",
            kind,
            f"应为18位，实为{len(number)}位",
            f"must have 18 characters, not {len(number)}",
        )
    bad = sorted({c for c in number if c not in USCC_ALPHABET})
    if bad:
        raise _reject(
            "uscc_characters",
            kind,
            f"含有不允许的字符 {' '.join(bad)}（不使用 I、O、Z、S、V）",
            f"contains characters it cannot have: {' '.join(bad)} (I, O, Z, S and V are never used)",
        )
    if not number[:8].isdigit():
        raise _reject(
            "uscc_structure",
            kind,
            "前8位（登记管理部门、机构类别、行政区划）必须是数字",
            "must start with 8 digits (registration authority, entity type, region code)",
        )
    try:
        uscc.validate(number)
    except NumberError:
        raise _reject(
            "uscc_checksum",
            kind,
            "校验码不正确（代码可能抄错了）",
            "has a wrong check character (the code may be mistyped)",
        ) from None
    return CheckedNumber(
        kind,
        number,
        {"registration_authority": number[0], "entity_type": number[1], "region_code": number[2:8]},
    )


def check_mobile(value: str) -> CheckedNumber:
    compact = _SEPARATORS.sub("", value)
    kind = NumberKind.MOBILE
    if compact.startswith("+"):
        if not compact.startswith("+86"):
            raise _reject(
                "mobile_country",
                kind,
                "只接受中国大陆号码（+86）",
                "must be a mainland China number (+86)",
            )
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    if not compact.isdigit():
        raise _reject("mobile_characters", kind, "只能包含数字", "must contain digits only")
    if len(compact) != 11:
        raise _reject(
            "mobile_length",
            kind,
            f"应为11位，实为{len(compact)}位",
            f"must have 11 digits, not {len(compact)}",
        )
    if not re.fullmatch(r"1[3-9]\d{9}", compact):
        raise _reject(
            "mobile_prefix",
            kind,
            f"号段 {compact[:3]} 不存在（应以13至19开头）",
            f"prefix {compact[:3]} does not exist (mobile numbers start with 13 to 19)",
        )
    return CheckedNumber(kind, compact, {"prefix": compact[:3]})


# --- classification -------------------------------------------------------------------------


def guess_kind(value: str) -> NumberKind | None:
    """The kind a value is most likely meant to be, even if it is invalid."""
    compact = _SEPARATORS.sub("", value).upper()
    if compact.startswith(("+", "0086")) or (
        compact.isdigit()
        and len(compact) in (10, 11, 12, 13)
        and (compact.startswith("1") or compact.startswith("86"))
    ):
        return NumberKind.MOBILE
    if compact.isdigit() and len(compact) in (15, 16, 17, 18, 19):
        return NumberKind.RIC
    if len(compact) in (17, 18, 19):
        body, last = compact[:-1], compact[-1:]
        if body.isdigit() and last == "X":
            return NumberKind.RIC
        if any(c.isalpha() for c in compact):
            return NumberKind.USCC
    return None


def check(
    value: str, kind: NumberKind | str | None = None, *, today: date | None = None
) -> CheckedNumber:
    """Classify and validate ``value``; raise ``NumberRejected`` with the reason otherwise.

    An 18-digit value that is a valid citizen ID and a valid USCC at once is taken as a citizen
    ID; pass ``kind`` to decide explicitly."""
    if value is None or not value.strip():
        raise _reject("empty", None, "号码为空", "No number was given")
    if kind is not None:
        wanted = NumberKind(kind)
        if wanted is NumberKind.RIC:
            return check_ric(value, today=today)
        if wanted is NumberKind.USCC:
            return check_uscc(value)
        return check_mobile(value)
    compact = _SEPARATORS.sub("", value).upper()
    if len(compact) == 18 and compact[:17].isdigit():
        try:
            return check_ric(value, today=today)
        except NumberRejected as as_ric:
            try:
                return check_uscc(value)
            except NumberRejected:
                raise as_ric from None
    guessed = guess_kind(value)
    if guessed is NumberKind.MOBILE:
        return check_mobile(value)
    if guessed is NumberKind.RIC:
        return check_ric(value, today=today)
    if guessed is NumberKind.USCC:
        return check_uscc(value)
    raise _reject(
        "unrecognised",
        None,
        f"无法识别号码类型：不是18位身份证号码、18位统一社会信用代码或11位手机号码（共{len(compact)}个字符）",
        f"Not a citizen ID (18 characters), a unified social credit code (18 characters) or a mobile number (11 digits): {len(compact)} characters",
    )


# --- display --------------------------------------------------------------------------------


def mask(kind: NumberKind | str, value: str) -> str:
    """``110105********002X``, ``138****5678``, ``91350100********43``."""
    kind = NumberKind(kind)
    if kind is NumberKind.RIC:
        return value[:6] + "*" * max(len(value) - 10, 0) + value[-4:]
    if kind is NumberKind.MOBILE:
        return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:]
    return value[:8] + "*" * max(len(value) - 10, 0) + value[-2:]


def mask_name(name: str, *, person: bool) -> str:
    """A person's name shows its first character only; an organisation's name is public."""
    name = name.strip()
    if not person:
        return name
    return name[:1] + "*" * max(len(name) - 1, 1)
