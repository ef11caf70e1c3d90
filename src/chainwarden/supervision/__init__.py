"""Supervision (监管, Arts. 9, 15, 18–22): security assessments, inspection cases, rectification
orders that suspend a service until the correction is accepted, penalty decisions within the
statutory ranges, the regulator's dashboard and reports.

Other domains call:

- ``is_service_suspended(session, service_id) -> bool`` before publishing through a service;
- ``record_screening_counts(session, actor, provider_id, day, counts)`` with a provider
  report's blocked items per screening category;
- ``public_penalties(session, provider_id)`` / ``public_penalties_for_number(session, number)``
  for the final decisions the public registry shows.
"""

from chainwarden.supervision.cases import (
    PublicPenalty,
    is_service_suspended,
    public_penalties,
    public_penalties_for_number,
)
from chainwarden.supervision.dashboard import record_screening_counts
from chainwarden.supervision.errors import PenaltyOutOfRange, SupervisionError

__all__ = [
    "PenaltyOutOfRange",
    "PublicPenalty",
    "SupervisionError",
    "is_service_suspended",
    "public_penalties",
    "public_penalties_for_number",
    "record_screening_counts",
]
