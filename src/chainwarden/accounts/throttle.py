"""Back-off for guessed passwords and tokens: failures are counted per account and per client
address, and each tier spent locks the account or the address for a longer window (5 failures
lock for up to a minute, 10 for 4 minutes, 20 for 16, 40 for an hour). A lock refuses even the
right password until it ends; the right password afterwards works again. Each lock is an
audit event. Addresses are counted by keyed hash, never stored as such."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chainwarden.accounts import service
from chainwarden.accounts.access import SYSTEM, AccessError
from chainwarden.accounts.models import Account
from chainwarden.audit import record
from chainwarden.keys import keyring
from chainwarden.store import Database
from chainwarden.store.ratelimits import Tiers

ACCOUNT_FAILURES = Tiers.of("sign-in:account", (5, 1), (10, 4), (20, 16), (40, 64))
# One address may serve many people (an office behind NAT): it gets more room.
ADDRESS_FAILURES = Tiers.of("sign-in:address", (20, 1), (50, 16), (100, 64))
TOKEN_FAILURES = Tiers.of("token:address", (20, 1), (50, 16), (100, 64))


def _address(address: str) -> str:
    return keyring().lookup_hash(address or "unknown", purpose="accounts.throttle-address")


def _account(username: str) -> str:
    return username.strip().casefold()


def too_many_attempts(seconds: int) -> AccessError:
    return AccessError(
        "too_many_attempts",
        f"尝试次数过多，请在 {seconds} 秒后重试",
        f"Too many failed attempts; try again in {seconds} seconds",
        kind="too_many_requests",
        retry_after=seconds,
    )


def _refuse_while_locked(*locks: tuple[Tiers, str]) -> None:
    waits = [w for tiers, identity in locks if (w := tiers.retry_after(identity)) is not None]
    if waits:
        raise too_many_attempts(max(waits))


def _locked(db: Database, tiers: Tiers, identity: str, *, what: str, object_id: str) -> None:
    # Its own transaction: the refused request's own is rolled back.
    with db.session() as session:
        record(
            session,
            SYSTEM,
            "throttle.locked",
            what,
            object_id,
            details={"limit": tiers.name, "retry_after": tiers.retry_after(identity)},
        )


def authenticate(
    db: Database, session: Session, username: str, password: str, *, address: str
) -> Account:
    """``service.authenticate`` behind the back-off: refused with 429 while the account or the
    address is locked, and each wrong password counted against both."""
    account_key, address_key = _account(username), _address(address)
    _refuse_while_locked((ACCOUNT_FAILURES, account_key), (ADDRESS_FAILURES, address_key))
    try:
        account = service.authenticate(session, username, password)
    except AccessError:
        if ACCOUNT_FAILURES.hit(account_key):
            _locked(db, ACCOUNT_FAILURES, account_key, what="account", object_id=account_key)
        if ADDRESS_FAILURES.hit(address_key):
            _locked(db, ADDRESS_FAILURES, address_key, what="address", object_id=address_key[:16])
        raise
    ACCOUNT_FAILURES.clear(account_key)
    return account


def refuse_locked_address(address: str) -> None:
    """Before a bearer token is looked up: 429 while the address is locked for bad tokens."""
    _refuse_while_locked((TOKEN_FAILURES, _address(address)))


def bad_token(db: Database, address: str) -> None:
    """Count a bad bearer token from ``address``."""
    key = _address(address)
    if TOKEN_FAILURES.hit(key):
        _locked(db, TOKEN_FAILURES, key, what="address", object_id=key[:16])
