from __future__ import annotations

from chainwarden.errors import ChainwardenError


class IdentityError(ChainwardenError):
    """A real-name, agreement or user-measure rule was not met; the message says which."""
