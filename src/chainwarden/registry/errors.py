from __future__ import annotations

from chainwarden.errors import ChainwardenError


class RegistryError(ChainwardenError):
    """A filing-registry rule was not met; the message says which and how to proceed."""
