"""Who may manage a provider's service users and read its measures."""

from __future__ import annotations

from chainwarden.accounts.access import PROVIDER_ROLES, Actor, Role, denied


def require_manager_of(actor: Actor, provider_id: str) -> None:
    """Registering, verifying and taking measures against users: the provider's own admins and
    reviewers (and the server's command line). Regulators and platform admins only read."""
    if actor.role is Role.SYSTEM:
        return
    if actor.role in PROVIDER_ROLES and actor.provider_id == provider_id:
        return
    raise denied()


def require_reader_of(actor: Actor, provider_id: str, province_code: str) -> None:
    """Reading users and measures: the managers above, regulators of the province (or national),
    and platform admins."""
    if not actor.can_see(provider_id, province_code):
        raise denied()
