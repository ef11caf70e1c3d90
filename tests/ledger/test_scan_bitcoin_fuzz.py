"""Property tests of the Bitcoin block scanner: any bytes are either blocks or reported as
malformed, never an exception. A fixed number of examples, so CI stays fast."""

from __future__ import annotations

from pathlib import Path

from bitcoin.core import CBlock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainwarden.ledger.scan import ScanError
from chainwarden.ledger.scan.bitcoin import MAGICS, scan_bytes

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
GENESIS = bytes.fromhex((Path(__file__).parent / "data" / "genesis.hex").read_text().strip())


def _scanned(data: bytes) -> list[object]:
    results = list(scan_bytes(data, "fuzz"))
    for result in results:
        if isinstance(result, ScanError):
            assert result.reason and "Error" not in result.reason
        else:
            assert isinstance(result, list)
    return results


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_are_blocks_or_reported_malformed(data: bytes) -> None:
    results = _scanned(data)
    if results and not isinstance(results[0], ScanError) and data[:4] not in MAGICS:
        # Only what really is a block gets through: it parses and serialises back to itself.
        assert CBlock.deserialize(data).serialize() == data


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6))
def test_a_damaged_real_block_never_crashes_the_scan(edits: list[tuple[int, int]]) -> None:
    data = bytearray(GENESIS)
    for position, value in edits:
        data[position % len(data)] = value
    _scanned(bytes(data))


@FUZZ
@given(
    magic=st.sampled_from(sorted(MAGICS)),
    size=st.integers(0, 2**32 - 1),
    tail=st.binary(max_size=300),
)
def test_blk_files_with_any_sizes_never_crash(magic: bytes, size: int, tail: bytes) -> None:
    _scanned(magic + size.to_bytes(4, "little") + GENESIS + magic + tail)
