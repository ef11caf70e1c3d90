"""Text extraction from raw Bitcoin blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from bitcoin.core import (
    CBlock,
    CMutableTransaction,
    CMutableTxIn,
    CMutableTxOut,
    COutPoint,
    b2lx,
    lx,
)
from bitcoin.core.script import OP_CHECKMULTISIG, OP_RETURN, CScript

from chainwarden.ledger.scan import ScanError, printable_runs
from chainwarden.ledger.scan.bitcoin import parse_block, raw_blocks, scan_file

DATA = Path(__file__).parent / "data"
GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
GENESIS_TEXT = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"


def genesis_raw() -> bytes:
    return bytes.fromhex((DATA / "genesis.hex").read_text().strip())


def test_genesis_block_parses_to_its_known_hash():
    block = parse_block(genesis_raw())
    assert b2lx(block.GetHash()) == GENESIS_HASH


def test_genesis_coinbase_text(tmp_path):
    path = tmp_path / "genesis.bin"
    path.write_bytes(genesis_raw())
    (extracts,) = list(scan_file(path))
    assert [(e.block, e.location, e.text) for e in extracts] == [
        (GENESIS_HASH, "coinbase", GENESIS_TEXT)
    ]
    assert extracts[0].tx == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"


def spending_block(outputs: list[CScript]) -> bytes:
    genesis = parse_block(genesis_raw())
    coinbase = CMutableTransaction(
        [CMutableTxIn(COutPoint(), CScript([b"\x01\x02", "中文矿池标记 /pool/".encode()]))],
        [CMutableTxOut(50, CScript([b"\x02" * 33, 0xAC]))],
    )
    spend = CMutableTransaction(
        [CMutableTxIn(COutPoint(lx("11" * 32), 0), CScript([b"\x30" * 71]))],
        [CMutableTxOut(0, script) for script in outputs],
    )
    block = CBlock(
        nVersion=1,
        hashPrevBlock=genesis.GetHash(),
        nTime=genesis.nTime + 600,
        nBits=genesis.nBits,
        vtx=[coinbase, spend],
    )
    return block.serialize()


def test_op_return_and_data_pushes_in_outputs(tmp_path):
    message = "保本高收益 空气币 ICO presale".encode()
    # Text hidden in fake public keys of a bare multisig output, split across two keys.
    stuffed = b"\x04" + b"hidden message one, " + b"x" * 10
    stuffed2 = b"\x04" + b"continued in the second key" + b"y" * 5
    raw = spending_block(
        [
            CScript([OP_RETURN, message]),
            CScript([1, stuffed, stuffed2, 2, OP_CHECKMULTISIG]),
            CScript([b"\x02" * 33, 0xAC]),  # an ordinary pay-to-pubkey: nothing to report
        ]
    )
    path = tmp_path / "block.hex"
    path.write_text(raw.hex() + "\n")
    (extracts,) = list(scan_file(path))
    found = {(e.location, e.text) for e in extracts}
    assert ("coinbase", "中文矿池标记 /pool/") in found
    assert ("output:0:op_return", "保本高收益 空气币 ICO presale") in found
    pushed = [text for loc, text in found if loc == "output:1:push"]
    assert any(text.startswith("hidden message one") for text in pushed)
    assert any(text.startswith("continued in the second key") for text in pushed)
    assert not any(loc == "output:2:push" for loc, _ in found)


def test_blk_dat_framing_and_malformed_blocks_are_skipped(tmp_path):
    good = genesis_raw()
    magic = bytes.fromhex("f9beb4d9")
    framed = b"".join(
        magic + len(raw).to_bytes(4, "little") + raw
        for raw in (good, good[:100], good + b"\x00extra")
    )
    path = tmp_path / "blk00000.dat"
    path.write_bytes(framed + magic + good)  # truncated last frame of wrong length
    results = list(scan_file(path))
    assert isinstance(results[0], list) and results[0][0].text == GENESIS_TEXT
    errors = [r for r in results[1:] if isinstance(r, ScanError)]
    assert len(errors) == len(results) - 1 >= 3
    assert errors[0].source.endswith("#1")
    assert "skipped malformed block" in errors[0].line()


def test_unreadable_and_garbage_files(tmp_path):
    (missing,) = list(scan_file(tmp_path / "nope.dat"))
    assert isinstance(missing, ScanError)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\xff" * 50)
    (bad,) = list(scan_file(garbage))
    assert isinstance(bad, ScanError)
    odd = tmp_path / "odd.hex"
    odd.write_text("abc\n")
    assert isinstance(next(raw_blocks(odd.read_bytes(), "odd")), ScanError)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\x00\x01The Times 03/Jan\xff\xfe", ["The Times 03/Jan"]),
        ("\x00币圈空气币项目\x00".encode(), ["币圈空气币项目"]),
        (b"\x01short\x02", []),  # under the minimum length
        (b"12345678901234", []),  # no letter: numbers and noise are not text
        (b"\xe5\xb8\x81\xe5", []),  # a cut-off UTF-8 sequence
    ],
)
def test_printable_runs(data, expected):
    assert printable_runs(data) == expected
