"""The import format for a year's official holiday schedule (JSON or YAML, see docs/calendar.md).

```yaml
year: 2027
holidays:
  - {date: "2027-01-01", name: "元旦 New Year's Day"}
  - {from: "2027-02-05", to: "2027-02-12", name: "春节 Spring Festival"}
workdays:
  - {date: "2027-02-14", name: "春节调休"}
```

A schedule is refused, naming the problem, when a day lies outside its year, is listed twice, is
both a holiday and a working day, or when a statutory holiday of that year (全国年节及纪念日放假办法
Art. 2, from 2025) is missing from ``holidays``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import yaml

from chainwarden.workdays import provisional
from chainwarden.workdays.calendar import CalendarError, YearSchedule

KEYS = {"year", "holidays", "workdays"}


def _bad(source: str, zh: str, en: str) -> CalendarError:
    return CalendarError("bad_schedule", f"{source}: {zh}", f"{source}: {en}")


def _date(value: Any, source: str, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _bad(
            source,
            f"{where} 的日期 {value!r} 无效（应为 YYYY-MM-DD）",
            f"{where}: {value!r} is not a date like 2027-01-01",
        ) from None


def _days(entries: Any, section: str, year: int, source: str) -> dict[date, str]:
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise _bad(source, f"{section} 应为列表", f"{section} must be a list")
    days: dict[date, str] = {}
    for index, entry in enumerate(entries):
        where = f"{section}[{index}]"
        if not isinstance(entry, dict):
            raise _bad(
                source,
                f"{where} 应为含 date 或 from/to 的映射",
                f"{where} must be a mapping with date or from/to",
            )
        name = str(entry.get("name") or "")
        if "date" in entry:
            first = last = _date(entry["date"], source, where)
        elif "from" in entry and "to" in entry:
            first, last = _date(entry["from"], source, where), _date(entry["to"], source, where)
            if first > last:
                raise _bad(source, f"{where} 的开始日期晚于结束日期", f"{where}: from is after to")
        else:
            raise _bad(source, f"{where} 缺少 date 或 from/to", f"{where} needs date or from/to")
        day = first
        while day <= last:
            if day.year != year:
                raise _bad(
                    source,
                    f"{where} 的日期 {day} 不在 {year} 年",
                    f"{where}: {day} is not in {year}",
                )
            if day in days:
                raise _bad(
                    source,
                    f"{where} 的日期 {day} 重复列出",
                    f"{where}: {day} is listed twice",
                )
            days[day] = name
            day += timedelta(days=1)
    return days


def parse_schedule(text: str, source: str) -> YearSchedule:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        at = f" (line {line + 1})" if line is not None else ""
        raise _bad(source, f"不是有效的 JSON/YAML{at}", f"not valid JSON or YAML{at}") from None
    if not isinstance(document, dict):
        raise _bad(
            source,
            "顶层应为映射（year, holidays, workdays）",
            "the top level must be a mapping (year, holidays, workdays)",
        )
    unknown = set(map(str, document)) - KEYS
    if unknown:
        raise _bad(
            source,
            f"未知字段 {', '.join(sorted(unknown))}",
            f"unknown keys {', '.join(sorted(unknown))}",
        )
    year = document.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise _bad(source, f"year 无效：{year!r}", f"year is missing or invalid: {year!r}")
    holidays = _days(document.get("holidays"), "holidays", year, source)
    workdays = _days(document.get("workdays"), "workdays", year, source)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise _bad(
            source,
            f"{both[0]} 同时被列为假日和工作日",
            f"{both[0]} is listed both as a holiday and as a working day",
        )
    if provisional.covers(year):
        missing = [s for s in provisional.statutory_days(year) if s.day not in holidays]
        if missing:
            names = "; ".join(f"{s.name} {s.day}" for s in missing)
            raise _bad(
                source,
                f"缺少 {year} 年的法定节假日：{names}",
                f"statutory holidays of {year} are missing: {names}",
            )
    return YearSchedule(year, holidays, workdays, source)
