"""The installation's data keys: status and rotation."""

from __future__ import annotations

from pathlib import Path

import typer

from chainwarden.cli.common import err_console, fail, open_database, print_json
from chainwarden.errors import ChainwardenError
from chainwarden.keys import Keyring, forget_cached
from chainwarden.settings import get_settings

app = typer.Typer(help="Data keys / 数据密钥", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print JSON for machines.")


def _open() -> tuple[Path, Keyring]:
    path = Path(get_settings().key_file)
    try:
        return path, Keyring.open(path, create=False)
    except ChainwardenError as exc:
        fail(exc.line())


@app.command()
def status(json_: bool = JSON) -> None:
    """Key ids, the current key, and how many users still have data under an older key."""
    from chainwarden.identity.protect import count_stale

    path, ring = _open()
    with open_database().session() as session:
        stale = count_stale(session, ring)
    result = {
        "file": str(path),
        "keys": ring.key_ids,
        "current": ring.current,
        "fingerprint": ring.fingerprint,
        "stale_users": stale,
    }
    if json_:
        print_json(result)
        return
    err_console.print(
        f"{path}: keys {', '.join(ring.key_ids)}; current {ring.current}; "
        f"{stale} users under older keys; keyring fingerprint {ring.fingerprint}"
    )


@app.command()
def rotate(json_: bool = JSON) -> None:
    """Add a new data key and make it current. Old ciphertexts stay readable; then run
    `chainwarden identity reencrypt` and restart running servers."""
    path, ring = _open()
    new_id = ring.rotate()
    ring.save(path)
    forget_cached()
    if json_:
        print_json({"file": str(path), "current": new_id, "keys": ring.key_ids})
        return
    err_console.print(
        f"new current key {new_id} in {path}; next: chainwarden identity reencrypt / "
        f"已启用新密钥 {new_id}，请运行 chainwarden identity reencrypt"
    )
