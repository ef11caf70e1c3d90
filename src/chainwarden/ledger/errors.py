from __future__ import annotations

from chainwarden.errors import ChainwardenError


class LedgerError(ChainwardenError):
    pass


def item_removed(item_id: str, disposal_id: str, reference: str) -> LedgerError:
    """A disposed item: its content is gone, and the answer names the order that removed it."""
    return LedgerError(
        "item_removed",
        f"内容已依处置令 {reference} 删除",
        f"removed under disposal order {reference}",
        kind="removed",
        item_id=item_id,
        disposal_id=disposal_id,
        reference=reference,
    )
