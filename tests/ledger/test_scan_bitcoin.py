"""Text extraction from raw Bitcoin blocks."""

from __future__ import annotations

import itertools
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
from chainwarden.ledger.scan.bitcoin import raw_blocks, scan_file


def parse_block(raw: bytes) -> CBlock:
    return CBlock.deserialize(raw)


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
    assert errors[0].source.endswith(f"@{8 + len(good)}")  # where the frame starts
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


def _reference(raw: bytes) -> list[tuple[str, str, str]]:
    """What python-bitcoinlib's full parse finds: the scanner must agree with it exactly."""
    from bitcoin.core.script import CScriptInvalidError

    def joined(script: CScript) -> bytes:
        data = bytearray()
        try:
            for _op, push, _index in script.raw_iter():
                if push is not None:
                    data += push
        except CScriptInvalidError:
            return bytes(script)
        return bytes(data)

    block = CBlock.deserialize(raw)
    found = []
    for tx in block.vtx:
        txid = b2lx(tx.GetTxid())
        if tx.is_coinbase():
            found += [(txid, "coinbase", t) for t in printable_runs(joined(tx.vin[0].scriptSig))]
        for i, out in enumerate(tx.vout):
            kind = (
                "op_return"
                if len(out.scriptPubKey) and out.scriptPubKey[0] == OP_RETURN
                else "push"
            )
            found += [
                (txid, f"output:{i}:{kind}", t) for t in printable_runs(joined(out.scriptPubKey))
            ]
    return found


def test_the_scanner_agrees_with_a_full_parse_on_witness_blocks(tmp_path):
    import random

    from bitcoin.core import CTxInWitness, CTxWitness
    from bitcoin.core.script import CScriptWitness

    rng = random.Random(7)
    genesis = parse_block(genesis_raw())
    txs = [
        CMutableTransaction(
            [CMutableTxIn(COutPoint(), CScript([b"\x03\x01\x02", "/mined by 某矿池/".encode()]))],
            [CMutableTxOut(50, CScript([b"\x02" * 33, 0xAC]))],
        )
    ]
    words = ["空气币 presale 100x", "hello world again", "返佣 永久 contract", "\x00\x01"]
    for n in range(40):
        outs = [
            CMutableTxOut(n, CScript([OP_RETURN, rng.choice(words).encode() * rng.randint(1, 3)])),
            CMutableTxOut(n, CScript([0, rng.randbytes(20)])),  # pay-to-witness-key-hash
            CMutableTxOut(n, CScript(rng.randbytes(rng.randint(0, 60)))),  # any bytes
        ]
        tx = CMutableTransaction(
            [CMutableTxIn(COutPoint(lx(rng.randbytes(32).hex()), n), CScript())], outs
        )
        if n % 2:  # a witness spend: the txid must leave the witness out
            tx.wit = CTxWitness([CTxInWitness(CScriptWitness([rng.randbytes(71), b"\x02" * 33]))])
        txs.append(tx)
    block = CBlock(
        nVersion=0x20000000,
        hashPrevBlock=genesis.GetHash(),
        nTime=genesis.nTime + 600,
        nBits=genesis.nBits,
        vtx=txs,
    )
    raw = block.serialize()
    path = tmp_path / "block.bin"
    path.write_bytes(raw)
    (extracts,) = list(scan_file(path))
    assert [(e.tx, e.location, e.text) for e in extracts] == _reference(raw)
    assert {e.block for e in extracts} == {b2lx(block.GetHash())}
    assert any(e.location == "output:0:op_return" for e in extracts)


def test_a_range_of_a_framed_file_is_scanned_alone(tmp_path):
    from chainwarden.ledger.scan.bitcoin import frame_offsets

    good = genesis_raw()
    magic = bytes.fromhex("f9beb4d9")
    frame = magic + len(good).to_bytes(4, "little") + good
    path = tmp_path / "blk00001.dat"
    path.write_bytes(frame * 10)
    ranges = frame_offsets(path, chunk_bytes=3 * len(frame))
    assert ranges[0][0] == 0 and ranges[-1][1] == 10 * len(frame)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    blocks = [r for start, end in ranges for r in scan_file(path, start=start, end=end)]
    assert len(blocks) == 10 and all(
        isinstance(b, list) and b[0].text == GENESIS_TEXT for b in blocks
    )
