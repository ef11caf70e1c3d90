"""Ledger disposals logged in retention: when a disposal order is executed on a provider's chain,
an operation entry naming the order and the removed items goes into the provider's log, in the
same transaction. Registered with the ledger when ``chainwarden.gateway`` is imported."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.gateway.models import Post
from chainwarden.ledger import add_disposal_listener
from chainwarden.ledger.models import Disposal
from chainwarden.retention import EntryType, append


def log_disposal(session: Session, disposal: Disposal) -> None:
    if disposal.provider_id is None:
        return  # the shared chain of no provider has no retention log
    posts: dict[str | None, str] = {
        item_id: post_id
        for item_id, post_id in session.execute(
            select(Post.item_id, Post.id).where(Post.item_id.in_(list(disposal.targets)))
        )
    }
    append(
        session,
        provider_id=disposal.provider_id,
        entry_type=EntryType.ADMIN_OPERATION,
        actor=disposal.executed_by or disposal.issued_by,
        payload={
            "operation": "ledger.disposal",
            "disposal_id": disposal.id,
            "reference": disposal.reference,
            "reason": disposal.reason,
            "issued_by": disposal.issued_by,
            "issued_role": disposal.issued_role,
            "items": list(disposal.targets),
            "posts": [posts[i] for i in disposal.targets if i in posts],
            "block_height": disposal.block_height,
        },
        case_ref=disposal.reference,
        at=disposal.executed_at,
    )


def register() -> None:
    add_disposal_listener(log_disposal)
