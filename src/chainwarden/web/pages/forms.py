"""Form bodies of the console pages. Values stay as typed by the person; the domain coerces and
checks them and names the field that is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from chainwarden.bounds import FIRST_DAY, LAST_DAY, day_in_range
from chainwarden.errors import ChainwardenError

SERVICE_TEXT_FIELDS = (
    "name",
    "category",
    "form",
    "address",
    "application_field",
    "chain_type",
    "platform",
    "node_count",
    "started_on",
)


class ServiceFields(BaseModel):
    """The service information of a filing, as the service form posts it."""

    name: str = ""
    category: str = ""
    form: str = ""
    address: str = ""
    application_field: str = ""
    chain_type: str = ""
    platform: str = ""
    node_count: str = ""
    started_on: str = ""
    # One address per line.
    server_addresses: str = ""
    # A ticked checkbox posts "on"; an unticked one posts nothing.
    issues_or_trades_tokens: str = ""

    def values(self, *, include_start: bool = True) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: getattr(self, name).strip()
            for name in SERVICE_TEXT_FIELDS
            if include_start or name != "started_on"
        }
        values["server_addresses"] = [
            line.strip() for line in self.server_addresses.splitlines() if line.strip()
        ]
        values["issues_or_trades_tokens"] = bool(self.issues_or_trades_tokens)
        return values


def service_form_values(service: Any) -> dict[str, Any]:
    """A stored service as the form shows it."""
    values = {name: getattr(service, name) for name in SERVICE_TEXT_FIELDS}
    values["started_on"] = service.started_on.isoformat()
    values["server_addresses"] = "\n".join(service.server_addresses)
    values["issues_or_trades_tokens"] = service.issues_or_trades_tokens
    return values


def parse_date(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ChainwardenError(
            "invalid_date",
            f"{field}：请输入日期，格式为 2026-12-31",
            f"{field}: enter a date as 2026-12-31",
            field=field,
        ) from None
    if not day_in_range(day):
        raise ChainwardenError(
            "invalid_date",
            f"{field}：日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间",
            f"{field}: the date must lie within {FIRST_DAY} … {LAST_DAY}",
            field=field,
        )
    return day
