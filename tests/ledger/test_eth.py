"""Anchoring to, and scanning, an in-process Ethereum chain (eth-tester on py-evm)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from web3 import EthereumTesterProvider, Web3

from chainwarden.ledger import record_item, seal_pending
from chainwarden.ledger.anchoring import EthereumAnchor, anchor_head, check_anchors, payload
from chainwarden.ledger.models import Block, Chain
from chainwarden.ledger.scan import ScanError
from chainwarden.ledger.scan.ethereum import scan_range

# Runtime code that emits its call data as an anonymous event (CALLDATACOPY, LOG0), and the
# constructor that deploys it.
EMITTER_RUNTIME = "366000600037366000a000"
EMITTER_INIT = "600b600c600039600b6000f3" + EMITTER_RUNTIME
# A well-known test key (the first account of many development chains).
LOCAL_KEY = "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d"


@pytest.fixture(scope="module")
def w3():
    return Web3(EthereumTesterProvider())


def send(w3, **tx):
    tx.setdefault("from", w3.eth.accounts[0])
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction(tx))
    return receipt


def test_scan_finds_input_and_log_text(w3):
    start = w3.eth.block_number + 1
    b = w3.eth.accounts[1]
    plain = send(w3, to=b, value=0, data="0x" + "稳赚不赔 USDT 理财群".encode().hex())
    contract = send(w3, data="0x" + EMITTER_INIT).contractAddress
    logged = send(w3, to=contract, data="0x" + "空气币预售 presale now".encode().hex(), gas=100_000)
    send(w3, to=b, value=1)  # no data: nothing to report
    end = w3.eth.block_number

    results = list(scan_range(w3, start, end))
    assert len(results) == end - start + 1
    found = [e for r in results if isinstance(r, list) for e in r]
    by_text = {(e.location, e.text): e for e in found}
    first = by_text[("input", "稳赚不赔 USDT 理财群")]
    assert first.tx == plain.transactionHash.to_0x_hex()
    assert first.block == str(plain.blockNumber)
    assert ("input", "空气币预售 presale now") in by_text
    log = by_text[("log:0", "空气币预售 presale now")]
    assert log.tx == logged.transactionHash.to_0x_hex()
    # The contract's creation code is bytes, not text.
    assert not any(e.tx == contract for e in found)


def test_scan_reports_unreadable_blocks_and_goes_on(w3):
    head = w3.eth.block_number
    results = list(scan_range(w3, head, head + 2))
    assert isinstance(results[0], list)
    assert all(isinstance(r, ScanError) for r in results[1:])
    assert results[1].source == f"block {head + 1}"


def test_anchor_head_and_check_it_back(db, w3):
    with db.session() as s:
        record_item(s, provider_id=None, content="a")
        seal_pending(s, provider_id=None)
        chain = s.scalar(select(Chain))
        anchorer = EthereumAnchor(w3)
        anchor = anchor_head(s, chain, anchorer)
        assert anchor.block_hash == chain.head_hash
        tx = w3.eth.get_transaction(anchor.tx_hash)
        assert bytes(tx["input"]) == payload(chain.id, 0, chain.head_hash)
        assert [c.valid for c in check_anchors(s, chain, anchorer)] == [True]
        # A block rewritten after anchoring no longer matches its anchor.
        s.scalar(select(Block)).hash = "ab" * 32
        (check,) = check_anchors(s, chain, anchorer)
        assert check.problem == "the block no longer has the anchored hash"


def test_anchor_signed_with_a_local_key(db, w3):
    local = EthereumAnchor(w3, private_key=LOCAL_KEY)
    send(w3, to=local.sender, value=10**18)  # fund it
    with db.session() as s:
        record_item(s, provider_id=None, content="b")
        seal_pending(s, provider_id=None)
        chain = s.scalar(select(Chain))
        anchor = anchor_head(s, chain, local)
        assert w3.eth.get_transaction(anchor.tx_hash)["from"] == local.sender
        assert check_anchors(s, chain, local)[0].valid
        # An anchor whose transaction the external chain does not hold fails the check.
        anchor.tx_hash = "0x" + "12" * 32
        assert check_anchors(s, chain, local)[0].problem == (
            "the external chain does not hold this anchor"
        )
