"""Provincial-level divisions and region codes (GB/T 2260), as used in filing numbers, account
scopes and dashboards: plain data at the foundation layer, so any package may use it."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import numdb

from chainwarden.errors import ChainwardenError


class RegionError(ChainwardenError):
    pass


@dataclass(frozen=True)
class Province:
    code: str
    name_zh: str
    name_en: str
    abbreviation: str


PROVINCES: dict[str, Province] = {
    p.code: p
    for p in (
        Province(*row)
        for row in [
            ("11", "北京市", "Beijing", "京"),
            ("12", "天津市", "Tianjin", "津"),
            ("13", "河北省", "Hebei", "冀"),
            ("14", "山西省", "Shanxi", "晋"),
            ("15", "内蒙古自治区", "Inner Mongolia", "蒙"),
            ("21", "辽宁省", "Liaoning", "辽"),
            ("22", "吉林省", "Jilin", "吉"),
            ("23", "黑龙江省", "Heilongjiang", "黑"),
            ("31", "上海市", "Shanghai", "沪"),
            ("32", "江苏省", "Jiangsu", "苏"),
            ("33", "浙江省", "Zhejiang", "浙"),
            ("34", "安徽省", "Anhui", "皖"),
            ("35", "福建省", "Fujian", "闽"),
            ("36", "江西省", "Jiangxi", "赣"),
            ("37", "山东省", "Shandong", "鲁"),
            ("41", "河南省", "Henan", "豫"),
            ("42", "湖北省", "Hubei", "鄂"),
            ("43", "湖南省", "Hunan", "湘"),
            ("44", "广东省", "Guangdong", "粤"),
            ("45", "广西壮族自治区", "Guangxi", "桂"),
            ("46", "海南省", "Hainan", "琼"),
            ("50", "重庆市", "Chongqing", "渝"),
            ("51", "四川省", "Sichuan", "川"),
            ("52", "贵州省", "Guizhou", "黔"),
            ("53", "云南省", "Yunnan", "滇"),
            ("54", "西藏自治区", "Tibet", "藏"),
            ("61", "陕西省", "Shaanxi", "陕"),
            ("62", "甘肃省", "Gansu", "甘"),
            ("63", "青海省", "Qinghai", "青"),
            ("64", "宁夏回族自治区", "Ningxia", "宁"),
            ("65", "新疆维吾尔自治区", "Xinjiang", "新"),
        ]
    )
}
_BY_ABBREVIATION = {p.abbreviation: p for p in PROVINCES.values()}
_SUFFIXES = ("维吾尔自治区", "回族自治区", "壮族自治区", "自治区", "省", "市")
# GB/T 2260 county-level names, as shipped with python-stdnum (used for citizen ID numbers).
_LOCATIONS = numdb.get("cn/loc")


def province(code: str) -> Province:
    try:
        return PROVINCES[code]
    except KeyError:
        raise RegionError(
            "unknown_province",
            f"未知的省级行政区划代码 {code}",
            f"Unknown province code {code}",
            field="province_code",
        ) from None


def province_by_abbreviation(character: str) -> Province | None:
    return _BY_ABBREVIATION.get(character)


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def find_province(text: str) -> Province | None:
    """A province from its code, Chinese name (with or without suffix), English name or 京-style
    abbreviation."""
    value = text.strip()
    if value in PROVINCES:
        return PROVINCES[value]
    if value in _BY_ABBREVIATION:
        return _BY_ABBREVIATION[value]
    for p in PROVINCES.values():
        if value.lower() == p.name_en.lower() or _short(value) == _short(p.name_zh):
            return p
    return None


def _parts(code: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for _, info in _LOCATIONS.info(code):
        merged.update(info)
    return merged


def validate_region_code(code: str) -> str:
    """A 6-digit region code of a known province, known to GB/T 2260 at county level, or a
    prefecture-level code (XXYY00)."""
    value = code.strip()
    if len(value) != 6 or not value.isdigit():
        raise RegionError(
            "invalid_region",
            f"地区代码 {code} 应为6位数字",
            f"Region code {code} must be 6 digits",
            field="region_code",
        )
    province(value[:2])
    if value.endswith("00") or "county" in _parts(value):
        return value
    raise RegionError(
        "unknown_region",
        f"地区代码 {code} 不在 GB/T 2260 行政区划代码中",
        f"Region code {code} is not a GB/T 2260 region code",
        field="region_code",
    )


def region_name(code: str) -> str:
    parts = _parts(code)
    return province(code[:2]).name_zh + parts.get("county", "")
