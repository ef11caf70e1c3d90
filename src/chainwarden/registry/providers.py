"""Provider organisations (区块链信息服务提供者) and their services."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from typing import Any, get_type_hints

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as NumberError

from chainwarden.accounts.access import Actor, Role, not_found, restrict
from chainwarden.audit import record
from chainwarden.bounds import FIRST_DAY, LAST_DAY, day_in_range
from chainwarden.regions import validate_region_code
from chainwarden.registry.errors import RegistryError
from chainwarden.registry.models import (
    ChainType,
    Filing,
    FilingState,
    Provider,
    ProviderKind,
    Service,
    ServiceForm,
)

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def validate_uscc(value: str) -> str:
    """Unified social credit code (GB 32100-2015), checked with python-stdnum."""
    try:
        return str(uscc.validate(value))
    except InvalidLength:
        zh, en = "长度应为18位", "must be 18 characters long"
    except InvalidChecksum:
        zh, en = "校验码不正确", "has a wrong check character"
    except NumberError:
        zh, en = (
            "含有不允许的字符或结构不正确",
            "has characters or a structure GB 32100 does not allow",
        )
    raise RegistryError(
        "invalid_uscc",
        f"统一社会信用代码 {value} {zh}",
        f"Unified social credit code {value} {en}",
        field="uscc",
    )


def _enum(value: str, kind: type[ProviderKind | ServiceForm | ChainType], field_name: str) -> str:
    allowed = [str(k) for k in kind]
    if value not in allowed:
        raise RegistryError(
            "invalid_choice",
            f"{field_name} 的取值必须是 {', '.join(allowed)} 之一",
            f"{field_name} must be one of {', '.join(allowed)}",
            field=field_name,
        )
    return value


def _required(name: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise RegistryError(
            "missing_field", f"缺少必填项 {name}", f"{name} is required", field=name
        )
    return value.strip()


def _phone(value: str) -> str:
    compact = re.sub(r"[\s()]", "", value)
    if not (MOBILE.match(compact) or LANDLINE.match(compact)):
        raise RegistryError(
            "invalid_phone",
            f"联系电话 {value} 不是有效的手机号或固定电话",
            f"Contact phone {value} is not a valid mobile or landline number",
            field="contact_phone",
        )
    return compact


@dataclass
class ProviderInfo:
    name: str
    uscc: str
    kind: str
    region_code: str
    legal_representative: str
    responsible_person: str
    contact_phone: str
    address: str | None = None
    contact_email: str | None = None


EDITABLE_PROVIDER_FIELDS = frozenset(f.name for f in fields(ProviderInfo) if f.name not in {"uscc"})


@cache
def _adapter(cls: type, name: str) -> TypeAdapter[Any]:
    return TypeAdapter(get_type_hints(cls)[name])


def _typed(values: dict[str, Any], cls: type) -> dict[str, Any]:
    """Coerce each value to its field's type (e.g. "2026-03-02" to a date), or say which field
    is wrong: values arriving from JSON must never reach the rules untyped."""
    typed = {}
    for name, value in values.items():
        try:
            typed[name] = _adapter(cls, name).validate_python(value)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise RegistryError(
                "invalid_value",
                f"字段 {name} 的值无效：{problem}",
                f"{name}: {problem}",
                field=name,
            ) from None
    return typed


def _checked_provider_values(values: dict[str, Any]) -> dict[str, Any]:
    checked = _typed(values, ProviderInfo)
    for name in ("name", "legal_representative", "responsible_person"):
        if name in checked:
            checked[name] = _required(name, checked[name])
    if "kind" in checked:
        checked["kind"] = _enum(checked["kind"], ProviderKind, "kind")
    if "region_code" in checked:
        checked["region_code"] = validate_region_code(checked["region_code"])
        checked["province_code"] = checked["region_code"][:2]
    if "contact_phone" in checked:
        checked["contact_phone"] = _phone(checked["contact_phone"])
    return checked


def register_provider(
    session: Session, actor: Actor, info: ProviderInfo, reason: str | None = None
) -> Provider:
    actor.require(Role.ADMIN)
    code = validate_uscc(info.uscc)
    if session.scalar(select(Provider.id).where(Provider.uscc == code)):
        raise RegistryError(
            "provider_exists",
            f"统一社会信用代码 {code} 已登记",
            f"A provider with USCC {code} exists",
            kind="conflict",
        )
    values = _checked_provider_values(
        {f.name: getattr(info, f.name) for f in fields(ProviderInfo) if f.name != "uscc"}
    )
    provider = Provider(uscc=code, **values)
    session.add(provider)
    session.flush()
    record(
        session,
        actor,
        "provider.register",
        "provider",
        provider.id,
        reason=reason,
        provider_id=provider.id,
        province_code=provider.province_code,
        details={"name": provider.name, "uscc": code},
    )
    return provider


def get_provider(session: Session, actor: Actor, provider_id: str) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None or not actor.can_see(provider.id, provider.province_code):
        raise not_found("提供者", "Provider")
    return provider


def list_providers(session: Session, actor: Actor) -> list[Provider]:
    query = select(Provider).order_by(Provider.name)
    query = restrict(query, actor, provider=Provider.id, province=Provider.province_code)
    return list(session.scalars(query))


def update_provider(
    session: Session, actor: Actor, provider_id: str, changes: dict[str, Any], reason: str
) -> Provider:
    provider = get_provider(session, actor, provider_id)
    if actor.role is not Role.ADMIN:
        actor.require_provider_admin_of(provider.id)
    unknown = set(changes) - EDITABLE_PROVIDER_FIELDS
    if unknown:
        raise RegistryError(
            "field_not_editable",
            f"不可修改的字段: {', '.join(sorted(unknown))}",
            f"These fields cannot be changed: {', '.join(sorted(unknown))}",
        )
    if provider.filing_serial is not None and "region_code" in changes:
        # The region is part of issued filing numbers; moving needs a new filing.
        raise RegistryError(
            "region_locked",
            "已有备案的提供者不能修改所在地区，请注销后重新备案",
            "A provider with filings cannot change its region; cancel and file again",
        )
    reason = require_reason(reason)
    diff = _apply(provider, _checked_provider_values(changes))
    record(
        session,
        actor,
        "provider.update",
        "provider",
        provider.id,
        reason=reason,
        provider_id=provider.id,
        province_code=provider.province_code,
        details={"fields": diff},
    )
    return provider


# --- services -------------------------------------------------------------------------------


@dataclass
class ServiceInfo:
    name: str
    category: str
    form: str
    address: str
    application_field: str
    chain_type: str
    platform: str
    node_count: int
    started_on: date
    server_addresses: list[str] = field(default_factory=list)
    issues_or_trades_tokens: bool = False


SERVICE_FIELDS = frozenset(f.name for f in fields(ServiceInfo))
MAX_NODES = 1_000_000
MAX_ADDRESSES = 100


def checked_service_values(values: dict[str, Any]) -> dict[str, Any]:
    checked = _typed(values, ServiceInfo)
    for name in ("name", "category", "address", "application_field", "platform"):
        if name in checked:
            checked[name] = _required(name, checked[name])
    if "form" in checked:
        checked["form"] = _enum(checked["form"], ServiceForm, "form")
    if "chain_type" in checked:
        checked["chain_type"] = _enum(checked["chain_type"], ChainType, "chain_type")
    if "node_count" in checked and checked["node_count"] < 1:
        raise RegistryError(
            "invalid_node_count",
            "节点数量至少为1",
            "node_count must be at least 1",
            field="node_count",
        )
    if "node_count" in checked and checked["node_count"] > MAX_NODES:
        raise RegistryError(
            "invalid_node_count",
            f"节点数量最多为{MAX_NODES}",
            f"node_count may be at most {MAX_NODES}",
            field="node_count",
        )
    if "started_on" in checked and not day_in_range(checked["started_on"]):
        raise RegistryError(
            "invalid_started_on",
            f"上线日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间",
            f"started_on must lie within {FIRST_DAY} … {LAST_DAY}",
            field="started_on",
        )
    if len(checked.get("server_addresses") or ()) > MAX_ADDRESSES:
        raise RegistryError(
            "too_many_addresses",
            f"服务器地址最多{MAX_ADDRESSES}个",
            f"At most {MAX_ADDRESSES} server addresses",
            field="server_addresses",
        )
    if "server_addresses" in checked:
        addresses = [a.strip() for a in checked["server_addresses"] if a and a.strip()]
        if not addresses:
            raise RegistryError(
                "missing_field",
                "至少需要一个服务器地址",
                "At least one server address is required",
                field="server_addresses",
            )
        checked["server_addresses"] = addresses
    return checked


def create_service(
    session: Session,
    actor: Actor,
    provider_id: str,
    info: ServiceInfo,
    *,
    filing_due: date,
) -> Service:
    """A new service starts with a draft filing (the provider completes and submits it)."""
    provider = get_provider(session, actor, provider_id)
    actor.require_provider_admin_of(provider.id)
    values = checked_service_values({f.name: getattr(info, f.name) for f in fields(ServiceInfo)})
    sequence = (
        session.scalar(select(func.max(Service.sequence)).where(Service.provider_id == provider.id))
        or 0
    ) + 1
    if sequence > 999:
        raise RegistryError(
            "too_many_services",
            "一个提供者最多备案999个服务",
            "A provider can file at most 999 services",
            kind="conflict",
        )
    service = Service(provider_id=provider.id, sequence=sequence, **values)
    session.add(service)
    session.flush()
    filing = Filing(
        service_id=service.id,
        provider_id=provider.id,
        province_code=provider.province_code,
        state=FilingState.DRAFT,
        filing_due=filing_due,
    )
    session.add(filing)
    session.flush()
    record(
        session,
        actor,
        "service.create",
        "service",
        service.id,
        provider_id=provider.id,
        province_code=provider.province_code,
        details={"name": service.name, "filing": filing.id},
    )
    return service


def get_service(session: Session, actor: Actor, service_id: str) -> Service:
    service = session.get(Service, service_id)
    if service is None or not actor.can_see(service.provider_id, service.provider.province_code):
        raise not_found("服务", "Service")
    return service


def list_services(session: Session, actor: Actor, provider_id: str | None = None) -> list[Service]:
    query = select(Service).join(Provider).order_by(Provider.name, Service.sequence)
    if provider_id:
        query = query.where(Service.provider_id == provider_id)
    query = restrict(query, actor, provider=Service.provider_id, province=Provider.province_code)
    return list(session.scalars(query))


def _apply(target: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the values that differ and return them as {field: [old, new]}."""
    diff: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(target, name)
        if old != new:
            diff[name] = [_plain(old), _plain(new)]
            setattr(target, name, new)
    return diff


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def require_reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise RegistryError(
            "reason_required", "请说明修改原因", "Say why this change is made", field="reason"
        )
    return reason.strip()


def apply_service_values(service: Service, values: dict[str, Any]) -> dict[str, list[Any]]:
    unknown = set(values) - SERVICE_FIELDS
    if unknown:
        raise RegistryError(
            "field_not_editable",
            f"不可修改的字段: {', '.join(sorted(unknown))}",
            f"These fields cannot be changed: {', '.join(sorted(unknown))}",
        )
    return _apply(service, checked_service_values(values))
