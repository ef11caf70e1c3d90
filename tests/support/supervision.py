"""The registry world of support.world plus one filed service per provider, for supervision."""

from __future__ import annotations

from chainwarden.registry import filings
from chainwarden.registry.models import Filing
from chainwarden.store import Database
from chainwarden.workdays import WorkingCalendar

from support.world import World, at, make_world, new_filing

CAL = WorkingCalendar()


def build_world(db: Database) -> World:
    """Beijing and Shanghai providers, each with one filed service; ids in ``world.ids``
    (``bj_service``, ``bj_number``, ``sh_service``, ``sh_number``)."""
    with db.session() as s:
        w = make_world(s)
        ids = {}
        for key, provider, actor in (
            ("bj", "beijing", w.bj_provider),
            ("sh", "shanghai", w.sh_provider),
        ):
            filing_id = new_filing(s, w, CAL, provider=provider, name=f"{key}链存证")
            filings.submit(s, actor, CAL, filing_id, at("2026-03-03"))
            filings.approve(s, w.cac, filing_id, at("2026-03-20"))
            filing = s.get_one(Filing, filing_id)
            ids[f"{key}_service"] = filing.service_id
            ids[f"{key}_number"] = str(filing.number)
    w.ids = ids  # type: ignore[attr-defined]
    return w
