"""Accounts, roles and access: who may see and change what."""

from chainwarden.accounts.access import SYSTEM, AccessError, Actor, Role
from chainwarden.accounts.models import Account, ApiToken, WebSession

__all__ = ["SYSTEM", "AccessError", "Account", "Actor", "ApiToken", "Role", "WebSession"]
