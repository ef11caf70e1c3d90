"""The provider's chain as chainwarden sees it (Art. 6): off-chain items with on-chain salted
commitments in signed blocks, verifiable disposal, anchoring to external chains, and scanners
that extract text from Bitcoin and Ethereum blocks for screening."""

from chainwarden.ledger.disposal import (
    add_disposal_listener,
    check_disposal_proof,
    disposal_proof,
    dispose,
    execute_disposal,
    issue_disposal,
)
from chainwarden.ledger.errors import LedgerError
from chainwarden.ledger.items import read_item, record_item, seal_pending
from chainwarden.ledger.verification import ChainReport, verify, verify_chain

__all__ = [
    "ChainReport",
    "LedgerError",
    "add_disposal_listener",
    "check_disposal_proof",
    "disposal_proof",
    "dispose",
    "execute_disposal",
    "issue_disposal",
    "read_item",
    "record_item",
    "seal_pending",
    "verify",
    "verify_chain",
]
