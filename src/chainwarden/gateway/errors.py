from __future__ import annotations

from chainwarden.errors import ChainwardenError


class GatewayError(ChainwardenError):
    """A publish, review, report or complaint rule was not met; the message says which."""
