from __future__ import annotations

from chainwarden.errors import ChainwardenError


class RetentionError(ChainwardenError):
    pass
