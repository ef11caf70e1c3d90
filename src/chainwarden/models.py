"""Imports every table so the metadata is complete (for migrations and tests)."""

from chainwarden.accounts import models as accounts
from chainwarden.audit import models as audit
from chainwarden.gateway import models as gateway
from chainwarden.identity import models as identity
from chainwarden.keys import installation as keys
from chainwarden.ledger import models as ledger
from chainwarden.ledger.scan import records as chain_scans
from chainwarden.registry import models as registry
from chainwarden.retention import models as retention
from chainwarden.supervision import models as supervision
from chainwarden.workdays import models as workdays

__all__ = [
    "accounts",
    "audit",
    "chain_scans",
    "gateway",
    "identity",
    "keys",
    "ledger",
    "registry",
    "retention",
    "supervision",
    "workdays",
]
