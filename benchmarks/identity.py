"""What identity costs per user: validating a number (against python-stdnum's bare validate),
sealing it with AES-GCM and hashing it for look-up, as ratios to the bare stdnum check measured in
the same run.

    .venv/bin/python benchmarks/identity.py [N]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from stdnum.cn import ric

from chainwarden.identity import protect
from chainwarden.identity.numbers import check
from chainwarden.keys import Keyring

NUMBERS = ["11010519491231002X", "44030419900307123X", "110101198001010010"]


def timed(label: str, n: int, work: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for i in range(n):
        work(i)
    per = (time.perf_counter() - started) / n
    print(f"{label:<44} {per * 1e6:9.1f} µs/op")
    return per


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    ring = Keyring.generate()
    sealed = protect.seal(NUMBERS[0], "number_ct", "u", ring)
    baseline = timed("stdnum.cn.ric.validate (baseline)", n, lambda i: ric.validate(NUMBERS[i % 3]))
    rows = {
        "identity.check (classify + reasons)": lambda i: check(NUMBERS[i % 3]),
        "protect.seal (AES-GCM)": lambda i: protect.seal(NUMBERS[i % 3], "number_ct", "u", ring),
        "protect.unseal": lambda i: protect.unseal(sealed, "number_ct", "u", ring),
        "protect.number_hash (HMAC-SHA256)": lambda i: protect.number_hash(
            "ric", NUMBERS[i % 3], ring
        ),
    }
    for label, work in rows.items():
        per = timed(label, n, work)
        print(f"{'':<44} {per / baseline:9.2f} x baseline")


if __name__ == "__main__":
    main()
