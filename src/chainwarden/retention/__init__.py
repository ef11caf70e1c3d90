"""Retention (Art. 17): a tamper-evident, append-only log per provider of published content and
operations, kept at least six months, with proofs an authority can check offline.

- ``retention.log``: ``append`` / ``append_many`` inside the caller's transaction.
- ``retention.proofs``: inclusion and consistency proofs, signed tree heads, verifiers.
- ``chainwarden.merkle`` (shared with the ledger): RFC 9162 hashing and proof algorithms (pure).
"""

from chainwarden.retention.errors import RetentionError
from chainwarden.retention.log import Entry, EntryType, NewEntry, append, append_many

__all__ = ["Entry", "EntryType", "NewEntry", "RetentionError", "append", "append_many"]
