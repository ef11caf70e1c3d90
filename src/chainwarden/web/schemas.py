"""Request and response bodies of the REST API."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from chainwarden.accounts.access import Role
from chainwarden.bounds import FIRST_DAY, LAST_DAY, MAX_COUNT

# --- bounds shared by every body and parameter (stated in the OpenAPI document) ---

_RANGE = f"{FIRST_DAY.isoformat()} … {LAST_DAY.isoformat()}"
# How far a listing may be paged.
MAX_OFFSET = 100_000

Day = Annotated[
    date,
    Field(
        ge=FIRST_DAY,
        le=LAST_DAY,
        description=f"ISO 8601 day, {_RANGE}",
        json_schema_extra={
            "formatMinimum": FIRST_DAY.isoformat(),
            "formatMaximum": LAST_DAY.isoformat(),
        },
    ),
]

_NUMBER = re.compile(r"\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    # pydantic would read a bare number as seconds since 1970: "until=-14709" is a typo, not 1969.
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("应为 ISO 8601 日期时间 / an ISO 8601 date-time is expected, not a number")
    return value


def _within_range(value: datetime) -> datetime:
    day = (value if value.tzinfo is None else value.astimezone(UTC)).date()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"日期时间应在 {_RANGE} 之间 / the date-time must lie within {_RANGE}")
    return value


Moment = Annotated[
    datetime,
    BeforeValidator(_iso_only),
    AfterValidator(_within_range),
    Field(
        description=f"ISO 8601 date-time, {_RANGE}",
        json_schema_extra={
            "formatMinimum": f"{FIRST_DAY.isoformat()}T00:00:00Z",
            "formatMaximum": f"{LAST_DAY.isoformat()}T23:59:59Z",
        },
    ),
]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- accounts ---


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class AccountIn(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(max_length=200)
    role: Role
    display_name: str | None = Field(default=None, max_length=200)
    provider_id: str | None = None
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")
    reason: str | None = None


class AccountOut(Out):
    id: str
    username: str
    display_name: str
    role: str
    provider_id: str | None
    province_code: str | None
    active: bool


class LoginOut(BaseModel):
    account: AccountOut
    csrf_token: str
    expires_at: datetime


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(Out):
    id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; store it now")


# --- providers and services ---


class ProviderIn(BaseModel):
    name: str = Field(max_length=200)
    uscc: str = Field(max_length=40)
    kind: str
    region_code: str = Field(max_length=6)
    legal_representative: str = Field(max_length=100)
    responsible_person: str = Field(max_length=100)
    contact_phone: str = Field(max_length=32)
    address: str | None = Field(default=None, max_length=300)
    contact_email: str | None = Field(default=None, max_length=200)
    reason: str | None = None


class ProviderPatch(BaseModel):
    values: dict[str, Any]
    reason: str


class ProviderOut(Out):
    id: str
    name: str
    uscc: str
    kind: str
    region_code: str
    province_code: str
    address: str | None
    legal_representative: str
    responsible_person: str
    contact_phone: str
    contact_email: str | None
    filing_serial: int | None


class ServiceIn(BaseModel):
    name: str = Field(max_length=200)
    category: str = Field(max_length=100)
    form: str
    address: str = Field(max_length=300, description="URL or app identifier")
    application_field: str = Field(max_length=200)
    chain_type: str
    platform: str = Field(max_length=200)
    node_count: int = Field(ge=1, le=1_000_000)
    started_on: Day
    server_addresses: list[str] = Field(min_length=1, max_length=100)
    issues_or_trades_tokens: bool = False


class ServiceOut(Out):
    id: str
    provider_id: str
    sequence: int
    name: str
    category: str
    form: str
    address: str
    application_field: str
    chain_type: str
    platform: str
    node_count: int
    server_addresses: list[str]
    issues_or_trades_tokens: bool
    started_on: date


# --- filings ---


class FilingChangeOut(Out):
    id: str
    change_date: date
    due: date
    submitted_at: datetime
    late: bool
    fields: dict[str, Any]
    reason: str
    submitted_by: str
    # ``due`` was counted with a provisional year (no official holiday schedule yet).
    provisional: bool


class FilingOut(Out):
    id: str
    service: ServiceOut
    provider_id: str
    province_code: str
    state: str
    filing_due: date
    late: bool
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    review_due: date | None
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    number: str | None
    filed_on: date | None
    termination_date: date | None
    cancellation_arrangements: str | None
    # Art. 11(3): the earliest date 30 working days after the cancellation was notified, and
    # whether the termination date chosen comes before it.
    termination_earliest: date | None
    termination_notice_late: bool
    # A deadline of this filing was counted with a provisional year (no official schedule yet).
    provisional: bool
    changes: list[FilingChangeOut]


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class OptionalReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class ChangeIn(BaseModel):
    change_date: Day
    values: dict[str, Any] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=2000)


class CancellationIn(BaseModel):
    termination_date: Day
    arrangements: str = Field(min_length=1, max_length=4000)


# --- regular checks ---


class CampaignIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    opens_on: Day
    closes_on: Day
    province_code: str | None = Field(default=None, pattern=r"^\d{2}$")


class CampaignOut(Out):
    id: str
    title: str
    province_code: str | None
    opens_on: date
    closes_on: date
    created_by: str


class CheckResponseIn(BaseModel):
    filing_id: str
    updates: dict[str, Any] = Field(default_factory=dict)
    note: str | None = Field(default=None, max_length=2000)


class CheckResponseOut(Out):
    id: str
    campaign_id: str
    filing_id: str
    submitted_at: datetime
    in_time: bool
    updates: dict[str, Any]
    note: str | None


class OutstandingOut(BaseModel):
    filing_id: str
    number: str | None
    service_name: str
    provider_id: str
    late_response_at: datetime | None


class AuditEventOut(Out):
    id: str
    at: datetime
    actor_name: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    reason: str | None
    details: dict[str, Any]
