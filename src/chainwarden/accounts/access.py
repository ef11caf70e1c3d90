"""Who is acting, and which organisation's or province's data they may touch.

Art. 3 divides supervision: the national Cyberspace Administration (国家互联网信息办公室) over the
whole country, the provincial offices over their own administrative region. A regulator account
without a province is national and sees everything; one with a province sees that province's
providers and their data (``Actor.sees_everything``, ``can_see``, ``restrict``). A provider's
staff see their own organisation's.

Domain services take an ``Actor`` and call these checks themselves, so a new entry point (API,
web page, CLI) cannot forget them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, false
from sqlalchemy.sql.elements import SQLCoreOperations

from chainwarden.errors import ChainwardenError


class Role(StrEnum):
    PROVIDER_ADMIN = "provider_admin"
    PROVIDER_REVIEWER = "provider_reviewer"
    REGULATOR = "regulator"
    ADMIN = "admin"
    # The command line run by an operator on the server itself.
    SYSTEM = "system"


PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_REVIEWER})


class AccessError(ChainwardenError):
    pass


def denied() -> AccessError:
    return AccessError("forbidden", "无权执行此操作", "You may not do this", kind="forbidden")


def not_found(what_zh: str, what_en: str) -> AccessError:
    # Objects outside the actor's scope are reported as missing, so their existence leaks nothing.
    return AccessError("not_found", f"{what_zh}不存在", f"{what_en} not found", kind="not_found")


@dataclass(frozen=True)
class Actor:
    id: str | None
    name: str
    role: Role
    provider_id: str | None = None
    province_code: str | None = None

    @property
    def is_provider(self) -> bool:
        return self.role in PROVIDER_ROLES

    @property
    def is_regulator(self) -> bool:
        return self.role is Role.REGULATOR

    @property
    def sees_everything(self) -> bool:
        """Admins, the system and national regulators see every province and organisation."""
        return self.role in (Role.ADMIN, Role.SYSTEM) or (
            self.role is Role.REGULATOR and self.province_code is None
        )

    def can_see(self, provider_id: str, province_code: str) -> bool:
        if self.sees_everything:
            return True
        if self.is_regulator:
            return self.province_code == province_code
        return self.is_provider and self.provider_id == provider_id

    def require(self, *roles: Role) -> None:
        if self.role not in roles and self.role is not Role.SYSTEM:
            raise denied()

    def require_provider_admin_of(self, provider_id: str) -> None:
        if self.role is Role.SYSTEM or (
            self.role is Role.PROVIDER_ADMIN and self.provider_id == provider_id
        ):
            return
        raise denied()


def restrict(
    query: Select[Any],
    actor: Actor,
    *,
    provider: SQLCoreOperations[Any],
    province: SQLCoreOperations[Any],
) -> Select[Any]:
    """Narrow a query to the rows the actor may see, given the columns holding each row's
    provider organisation and province."""
    if actor.sees_everything:
        return query
    if actor.is_regulator:
        return query.where(province == actor.province_code)
    if actor.is_provider:
        return query.where(provider == actor.provider_id)
    return query.where(false())


SYSTEM = Actor(id=None, name="system", role=Role.SYSTEM)
