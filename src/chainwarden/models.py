"""Imports every table so the metadata is complete (for migrations and tests)."""

from chainwarden.accounts import models as accounts
from chainwarden.audit import models as audit
from chainwarden.identity import models as identity
from chainwarden.ledger import models as ledger
from chainwarden.registry import models as registry
from chainwarden.retention import models as retention
from chainwarden.workdays import models as workdays

__all__ = ["accounts", "audit", "identity", "registry", "workdays"]
__all__ = ["accounts", "audit", "registry", "retention", "workdays"]
__all__ = ["accounts", "audit", "ledger", "registry", "workdays"]
from chainwarden.supervision import models as supervision

__all__ = ["accounts", "audit", "registry", "supervision", "workdays"]
