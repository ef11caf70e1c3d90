from __future__ import annotations

from chainwarden.errors import ChainwardenError


class SupervisionError(ChainwardenError):
    """A supervision rule was not met (assessments, cases, orders, penalties); the message says
    which and how to proceed."""


class PenaltyOutOfRange(SupervisionError):
    """A penalty decision goes beyond what the article breached allows."""
