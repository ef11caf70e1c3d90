"""The database remembers which keyring it was set up with.

Every ciphertext and look-up hash in the database was made with the installation's key file. A
start with another key file, or with none while the database already holds such data, would make
reveals and signing fail and let the same identity number register twice (its look-up hash
would differ); such a start is refused instead of quietly creating a new keyring.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import String, exists, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from chainwarden.keys import Keyring, KeysError, remember
from chainwarden.store import Database
from chainwarden.store.base import Base, utcnow

# Tables whose rows hold ciphertexts or look-up hashes made with the keyring.
KEYED_TABLES = ("identity_users", "retention_logs", "ledger_chains", "gateway_complaints")


class KeyringFingerprint(Base):
    """One row: the fingerprint of the keyring this database's data was made with."""

    __tablename__ = "keyring_fingerprint"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


def _holds_keyed_data(session: Session) -> bool:
    return any(session.scalar(select(exists().select_from(table(name)))) for name in KEYED_TABLES)


def check_keyring(session: Session, path: Path) -> Keyring:
    """The key file's keyring if it belongs to this database (recording its fingerprint the
    first time); a new key file for a database without keyed data; otherwise ``KeysError``."""
    stored = session.get(KeyringFingerprint, 1)
    if path.exists():
        ring = Keyring.open(path, create=False)
    elif stored is not None or _holds_keyed_data(session):
        raise KeysError(
            "key_file_missing",
            f"密钥文件 {path} 不存在，而数据库中已有用原密钥加密的数据：请恢复该文件"
            "（或设置 CHAINWARDEN_KEY_FILE），不会新建密钥",
            f"key file {path} is missing but the database holds data encrypted with its keys: "
            "restore the file (or set CHAINWARDEN_KEY_FILE); no new keyring is created",
        )
    else:
        ring = Keyring.open(path, create=True)  # a new installation
    if stored is None:
        session.add(KeyringFingerprint(id=1, fingerprint=ring.fingerprint))
        try:
            session.flush()
        except IntegrityError:  # another process recorded it first
            session.rollback()
            stored = session.get_one(KeyringFingerprint, 1)
    if stored is not None and stored.fingerprint != ring.fingerprint:
        raise KeysError(
            "key_file_mismatch",
            f"密钥文件 {path}（指纹 {ring.fingerprint[:16]}…）不是本数据库使用的密钥"
            f"（指纹 {stored.fingerprint[:16]}…），拒绝启动",
            f"key file {path} (fingerprint {ring.fingerprint[:16]}…) is not the keyring this "
            f"database was set up with (fingerprint {stored.fingerprint[:16]}…); not starting",
        )
    remember(path, ring)
    return ring


def check_installation_keyring(database: Database) -> Keyring:
    """The start-up check of servers and commands: the configured key file
    (``CHAINWARDEN_KEY_FILE``) against this database."""
    from chainwarden.settings import get_settings

    with database.session() as session:
        return check_keyring(session, Path(get_settings().key_file))
