"""Identity data at rest: ciphertexts under the installation keyring (``chainwarden.keys``),
keyed hashes for look-ups, and re-encryption after a key rotation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainwarden.identity.models import ServiceUser
from chainwarden.identity.numbers import NumberKind
from chainwarden.keys import Keyring, KeysError, forget_cached, keyring

# Each ciphertext is bound to its field and row: copied elsewhere it no longer decrypts.
_FIELDS = ("real_name_ct", "number_ct", "mobile_ct")


def context(field: str, user_id: str) -> str:
    return f"identity_users.{field}:{user_id}"


def seal(value: str, field: str, user_id: str, ring: Keyring | None = None) -> str:
    return (ring or keyring()).encrypt(value.encode(), context=context(field, user_id))


def unseal(token: str, field: str, user_id: str, ring: Keyring | None = None) -> str:
    if ring is not None:
        return ring.decrypt(token, context=context(field, user_id)).decode()
    try:
        return keyring().decrypt(token, context=context(field, user_id)).decode()
    except KeysError as exc:
        if exc.code != "key_unknown":
            raise
        # Another process rotated the key file since this one loaded it: read it again.
        forget_cached()
        return keyring().decrypt(token, context=context(field, user_id)).decode()


def number_hash(kind: NumberKind | str, value: str, ring: Keyring | None = None) -> str:
    """The keyed hash of a canonical number; equal numbers of one kind hash equally."""
    return (ring or keyring()).lookup_hash(value, purpose=f"identity.{NumberKind(kind)}")


@dataclass
class ReencryptStats:
    users: int = 0
    fields: int = 0


def count_stale(session: Session, ring: Keyring | None = None) -> int:
    """Users with at least one field under a key that is no longer current."""
    ring = ring or keyring()
    prefix = f"cw1.{ring.current}.%"
    return int(
        session.scalar(
            select(func.count())
            .select_from(ServiceUser)
            .where(
                ~ServiceUser.real_name_ct.like(prefix)
                | ~ServiceUser.number_ct.like(prefix)
                | (ServiceUser.mobile_ct.is_not(None) & ~ServiceUser.mobile_ct.like(prefix))
            )
        )
        or 0
    )


def reencrypt_batch(
    session: Session,
    *,
    after_id: str = "",
    limit: int = 200,
    ring: Keyring | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ReencryptStats, str | None]:
    """Re-encrypt the next ``limit`` users (by id, after ``after_id``) under the current key.

    Returns what changed and the id to continue after (None when done). The caller commits each
    batch, so a long run can stop and resume without losing work."""
    ring = ring or keyring()
    users = list(
        session.scalars(
            select(ServiceUser)
            .where(ServiceUser.id > after_id)
            .order_by(ServiceUser.id)
            .limit(limit)
        )
    )
    stats = ReencryptStats()
    for user in users:
        changed = 0
        for name in _FIELDS:
            token = getattr(user, name)
            if token is not None and not ring.is_current(token):
                setattr(user, name, ring.reencrypt(token, context=context(name, user.id)))
                changed += 1
        stats.users += 1 if changed else 0
        stats.fields += changed
        if progress is not None:
            progress(1)
    return stats, (users[-1].id if len(users) == limit else None)
