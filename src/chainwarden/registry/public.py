"""The public registry: what anyone may look up about filed services (Arts. 12, 13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from chainwarden.regions import find_province, province
from chainwarden.registry.filings import PUBLISHED
from chainwarden.registry.models import Filing, Provider, Service
from chainwarden.registry.numbers import parse_filing_number


@dataclass(frozen=True)
class RegistryEntry:
    number: str
    service_name: str
    provider_name: str
    provider_kind: str
    province_code: str
    province_name: str
    form: str
    address: str
    application_field: str
    state: str
    filed_on: date
    termination_date: date | None


def _entry(filing: Filing) -> RegistryEntry:
    service = filing.service
    assert filing.number is not None and filing.filed_on is not None  # published ⇒ numbered
    return RegistryEntry(
        number=filing.number,
        service_name=service.name,
        provider_name=service.provider.name,
        provider_kind=service.provider.kind,
        province_code=filing.province_code,
        province_name=province(filing.province_code).name_zh,
        form=service.form,
        address=service.address,
        application_field=service.application_field,
        state=filing.state,
        filed_on=filing.filed_on,
        termination_date=filing.termination_date,
    )


def search(
    session: Session,
    query: str | None = None,
    *,
    province_query: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[RegistryEntry]:
    """Search published entries by service or provider name, filing number, or province."""
    stmt = (
        select(Filing)
        .join(Service, Filing.service_id == Service.id)
        .join(Provider, Filing.provider_id == Provider.id)
        .where(Filing.state.in_([str(s) for s in PUBLISHED]))
        # One query: each entry's service and provider come with it, not one by one.
        .options(contains_eager(Filing.service).contains_eager(Service.provider))
        .order_by(Filing.filed_on.desc(), Filing.number)
        .limit(limit)
        .offset(offset)
    )
    if query and query.strip():
        text = query.strip()
        pattern = f"%{text}%"
        stmt = stmt.where(
            or_(
                Service.name.ilike(pattern),
                Provider.name.ilike(pattern),
                Filing.number.ilike(pattern),
            )
        )
    if province_query:
        found = find_province(province_query)
        if found is None:
            return []
        stmt = stmt.where(Filing.province_code == found.code)
    return [_entry(f) for f in session.scalars(stmt)]


def lookup_number(session: Session, number: str) -> RegistryEntry | None:
    """The published entry for a filing number; a malformed number raises FilingNumberError."""
    canonical = str(parse_filing_number(number))
    filing = session.scalar(
        select(Filing)
        .where(Filing.number == canonical, Filing.state.in_([str(s) for s in PUBLISHED]))
        .options(joinedload(Filing.service).joinedload(Service.provider))
    )
    return _entry(filing) if filing else None
