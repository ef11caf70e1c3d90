"""A writer process for the durability tests: appends batches, printing each entry id only
after its transaction has committed (that is its acknowledgement). With ``pause_at`` it stops
inside that batch — rows written, transaction not committed — and says ``pending``, so a test
can kill it at exactly that point."""

from __future__ import annotations

import sys
import time

from chainwarden.retention import EntryType, NewEntry, append_many
from chainwarden.store import Database


def main(url: str, provider_id: str, name: str, batch: int, batches: int, pause_at: int) -> None:
    db = Database(url)
    for number in range(batches):
        items = [
            NewEntry(EntryType.PUBLISHED_ITEM, name, {"writer": name, "batch": number, "n": i})
            for i in range(batch)
        ]
        with db.session() as session:
            entries = append_many(session, provider_id, items)
            session.flush()
            if number == pause_at:
                sys.stdout.write("pending\n")
                sys.stdout.flush()
                time.sleep(60)
        # Acknowledged: the transaction above has committed.
        sys.stdout.write("".join(f"{e.id}\n" for e in entries))
        sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4], *(int(a) for a in sys.argv[4:7]))  # type: ignore[arg-type]
