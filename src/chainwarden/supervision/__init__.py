"""Supervision (监管, Arts. 9, 15, 18–22): security assessments (``assessments``, Art. 9),
inspection cases and their findings (``inspections``, Art. 18), rectification orders that suspend
a service until the correction is accepted (``rectification``, Art. 15), penalty rules and
decisions within the statutory ranges (``penalties``, Arts. 19–22), the regulator's dashboard and
printable reports.

Other domains call:

- ``is_service_suspended(session, service_id) -> bool`` before publishing through a service;
- ``record_screening_counts(session, actor, provider_id, day, counts)`` with a provider
  report's blocked items per screening category;
- ``public_penalties(session, provider_id)`` / ``public_penalties_for_number(session, number)``
  for the final decisions the public registry shows.
"""

from chainwarden.supervision.dashboard import record_screening_counts
from chainwarden.supervision.errors import PenaltyOutOfRange, SupervisionError
from chainwarden.supervision.penalties import (
    PublicPenalty,
    public_penalties,
    public_penalties_for_number,
)
from chainwarden.supervision.rectification import is_service_suspended

__all__ = [
    "PenaltyOutOfRange",
    "PublicPenalty",
    "SupervisionError",
    "is_service_suspended",
    "public_penalties",
    "public_penalties_for_number",
    "record_screening_counts",
]
