"""The built-in ledger (``chainwarden ledger``) and the chain scanners (``chainwarden chain``)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chainwarden.accounts import SYSTEM
from chainwarden.cli.common import err_console, fail, open_database, out_console, print_json
from chainwarden.errors import ChainwardenError

app = typer.Typer(help="Built-in ledger and disposal / 内置账本与处置", no_args_is_help=True)
chain_app = typer.Typer(
    help="Scan public chains for prohibited content / 扫描公链上的违规信息", no_args_is_help=True
)

JSON = typer.Option(False, "--json", help="Print JSON for machines.")
PROVIDER = typer.Option(None, "--provider", help="Provider id [default: every chain].")

PROOF_UNPINNED = (
    "仅用证明附带的公钥核验——请用 --public-key 固定账本公布的公钥 / checked against the key in "
    "the proof — pin it with --public-key (the chain's published key)"
)

# The screening step of the scanners: ``screen_many(texts) -> list[dict]``. Left empty, the
# screening engine's default screener is used.
SCREEN_MANY: Callable[[Sequence[str]], Sequence[dict[str, Any]]] | None = None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


# --- ledger -------------------------------------------------------------------------------


@app.command()
def verify(provider: str = PROVIDER, json_: bool = JSON) -> None:
    """Walk every chain: links, Merkle roots, hashes, signatures and item commitments.

    Exit 0 when every block is valid, 1 when anything fails."""
    from chainwarden.ledger.verification import verify as verify_chains

    try:
        with open_database().session() as session:
            reports = [r.to_dict() for r in verify_chains(session, SYSTEM, provider_id=provider)]
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json(reports)
    else:
        if not reports:
            out_console.print("没有账本 / no ledger yet")
        for r in reports:
            state = "[green]valid[/]" if r["valid"] else "[bold red]INVALID[/]"
            out_console.print(
                f"chain {r['chain_id']} (provider {r['provider_id'] or '-'}): "
                f"{r['valid_blocks']}/{r['blocks']} blocks valid, {r['items']} items "
                f"({r['pending']} pending, {r['disposed']} disposed) — {state}"
            )
            for problem in r["problems"]:
                out_console.print(f"  [red]✗[/] {problem}", soft_wrap=True)
        if reports and all(r["valid"] for r in reports):
            out_console.print("每个区块均有效 / every block valid")
    if not all(r["valid"] for r in reports):
        raise typer.Exit(1)


@app.command()
def seal(
    provider: str = PROVIDER,
    block_size: int = typer.Option(1000, min=1, help="Items per block."),
    json_: bool = JSON,
) -> None:
    """Seal pending items into signed blocks (the provider's chain, or every chain)."""
    from chainwarden.ledger.items import seal_pending

    try:
        with open_database().session() as session:
            blocks = seal_pending(
                session,
                provider_id=provider,
                all_chains=provider is None,
                block_size=block_size,
            )
            sealed = [
                {"chain_id": b.chain_id, "height": b.height, "items": b.leaf_count, "hash": b.hash}
                for b in blocks
            ]
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json(sealed)
    else:
        out_console.print(f"{len(sealed)} 个区块 / blocks sealed")


@app.command()
def show(item_id: str = typer.Argument(..., help="Item id."), json_: bool = JSON) -> None:
    """Show a published item (exit 1 with the order when it was disposed)."""
    from chainwarden.ledger.items import read_item

    try:
        with open_database().session() as session:
            item = read_item(session, item_id)
    except ChainwardenError as exc:
        if exc.kind == "removed":
            err_console.print(exc.line(), soft_wrap=True)
            raise typer.Exit(1) from None
        fail(exc.line())
    if json_:
        print_json(
            {
                "id": item.id,
                "provider_id": item.provider_id,
                "media_type": item.media_type,
                "text": item.text,
                "commitment": item.commitment,
                "block_height": item.block_height,
            }
        )
    else:
        out_console.print(item.text if item.text is not None else f"<{len(item.content)} bytes>")


@app.command()
def dispose(
    items: list[str] = typer.Option(..., "--item", help="Item id to remove (repeatable)."),
    reason: str = typer.Option(..., help="Why (处置理由)."),
    reference: str = typer.Option(..., help="Order reference (处置令文号)."),
    json_: bool = JSON,
) -> None:
    """Emergency takedown: delete content and salt, append a signed disposal record."""
    from chainwarden.ledger.disposal import dispose as run_disposal

    try:
        with open_database().session() as session:
            disposal = run_disposal(
                session, SYSTEM, item_ids=items, reason=reason, reference=reference
            )
            result = {
                "id": disposal.id,
                "reference": disposal.reference,
                "targets": disposal.targets,
                "block_height": disposal.block_height,
                "executed_at": disposal.executed_at,
            }
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json(result)
    else:
        out_console.print(
            f"已处置 / disposed {len(items)} item(s) under {reference} "
            f"(order {result['id']}, block {result['block_height']})"
        )


@app.command()
def proof(
    disposal_id: str = typer.Argument(..., help="Disposal order id."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """Export the proof of a disposal (check it anywhere with ``check-proof``)."""
    from chainwarden.ledger.disposal import disposal_proof

    try:
        with open_database().session() as session:
            data = disposal_proof(session, SYSTEM, disposal_id)
    except ChainwardenError as exc:
        fail(exc.line())
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@app.command("check-proof")
def check_proof(
    file: Path = typer.Argument(..., help="A proof file from `ledger proof`."),
    public_key: str = typer.Option(
        None,
        help="The chain's Ed25519 public key, obtained independently: 64 hex digits, or a file "
        "(PEM or hex) [default: the proof's own, which a forger can replace].",
    ),
) -> None:
    """Check a disposal proof offline: exit 0 when it holds, 1 when it does not, 2 when the file
    is not a proof or the key is malformed. The key's fingerprint (SHA-256 of the raw public key)
    is printed, to compare with the published one."""
    from chainwarden.keys.public import fingerprint, raw_public_key
    from chainwarden.ledger.disposal import check_disposal_proof
    from chainwarden.retention.bundle import printable

    try:
        pinned = raw_public_key(public_key).hex() if public_key is not None else None
    except ChainwardenError as exc:
        fail(exc.line())
    try:
        data = json.loads(file.read_bytes().decode("utf-8"))
    except OSError as exc:
        fail(f"{file}: 无法读取 / cannot be read ({exc.strerror or 'error'})")
    except (UnicodeDecodeError, ValueError, RecursionError):
        fail(f"{file}: 不是 JSON 格式的处置证明 / not a disposal proof (not JSON)")
    if not isinstance(data, dict):
        fail(f"{file}: 不是处置证明 / not a disposal proof")
    key = pinned or data.get("public_key")
    raw_key = bytes.fromhex(key) if isinstance(key, str) and _is_key_hex(key) else None
    if raw_key is not None:
        out_console.print(
            f"公钥指纹 / key fingerprint (SHA-256): {fingerprint(raw_key)}", soft_wrap=True
        )
    if pinned is None:
        err_console.print(f"[yellow]warning:[/] {PROOF_UNPINNED}", soft_wrap=True)
    # Ids and references come from the file: escaped, so they cannot drive the terminal.
    problems = [escape(printable(p)) for p in check_disposal_proof(data, pinned)]
    for problem in problems:
        err_console.print(f"[red]✗[/] {problem}", soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    reference = escape(printable(str(data["record"].get("reference"))))
    out_console.print(
        f"处置证明有效 / disposal proof holds: order {reference}, {len(data['items'])} item(s)"
    )


def _is_key_hex(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text)


def _web3(rpc: str) -> Any:
    from web3 import Web3

    w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": 30}))
    if not w3.is_connected():
        fail(f"cannot reach a JSON-RPC node at {rpc} / 无法连接 JSON-RPC 节点")
    return w3


@app.command()
def anchor(
    rpc: str = typer.Option(..., help="JSON-RPC endpoint of an Ethereum-compatible chain."),
    provider: str = PROVIDER,
    sender: str = typer.Option(None, help="Unlocked account on the node [default: its first]."),
    json_: bool = JSON,
) -> None:
    """Write each chain's head block hash to an Ethereum-compatible chain.

    With CHAINWARDEN_ANCHOR_KEY (hex private key) set, transactions are signed here instead of
    by the node."""
    from sqlalchemy import select

    from chainwarden.ledger.anchoring import EthereumAnchor, anchor_head
    from chainwarden.ledger.models import Chain

    w3 = _web3(rpc)
    try:
        anchorer = EthereumAnchor(
            w3, sender=sender, private_key=os.environ.get("CHAINWARDEN_ANCHOR_KEY")
        )
    except Exception:  # a malformed key, or a node without accounts: the library's type varies
        fail(
            "CHAINWARDEN_ANCHOR_KEY 不是有效私钥，或节点没有可用账户 / CHAINWARDEN_ANCHOR_KEY "
            "is not a valid private key, or the node has no unlocked account"
        )
    done = []
    try:
        with open_database().session() as session:
            query = select(Chain).where(Chain.height >= 0)
            if provider:
                query = query.where(Chain.provider_id == provider)
            for chain in session.scalars(query):
                a = anchor_head(session, chain, anchorer)
                done.append({"chain_id": chain.id, "height": a.height, "tx_hash": a.tx_hash})
    except ChainwardenError as exc:
        fail(exc.line())
    if json_:
        print_json(done)
    else:
        for a in done:
            out_console.print(f"chain {a['chain_id']} block {a['height']} → {a['tx_hash']}")


@app.command("check-anchors")
def check_anchors_command(
    rpc: str = typer.Option(..., help="JSON-RPC endpoint the anchors were written to."),
    json_: bool = JSON,
) -> None:
    """Check every anchor against the ledger and the external chain (exit 1 on a mismatch)."""
    from sqlalchemy import select

    from chainwarden.ledger.anchoring import EthereumAnchor, check_anchors
    from chainwarden.ledger.models import Chain

    anchorer = EthereumAnchor(_web3(rpc))
    with open_database().session() as session:
        checks = [
            {"chain_id": c.id, "height": a.height, "tx_hash": a.tx_hash, "problem": a.problem}
            for c in session.scalars(select(Chain))
            for a in check_anchors(session, c, anchorer)
        ]
    if json_:
        print_json(checks)
    else:
        for c in checks:
            out_console.print(
                f"chain {c['chain_id']} block {c['height']}: {c['problem'] or 'ok'}",
                soft_wrap=True,
            )
    if any(c["problem"] for c in checks):
        raise typer.Exit(1)


# --- chain scanners -----------------------------------------------------------------------


def screener() -> Callable[[Sequence[str]], Sequence[dict[str, Any]]]:
    if SCREEN_MANY is not None:
        return SCREEN_MANY
    try:
        from chainwarden.screening import Screener  # type: ignore[import-not-found]
    except ImportError:
        fail("the screening engine is not installed / 未安装审核引擎")
    engine = Screener.default()

    def screen_many(texts: Sequence[str]) -> list[dict[str, Any]]:
        return [r.to_dict() for r in engine.screen_many(list(texts))]

    return screen_many


def _emit(
    results: Iterable[Any],
    total: int,
    description: str,
    screen_many: Callable[[Sequence[str]], Sequence[dict[str, Any]]],
) -> None:
    from chainwarden.ledger.scan import ScanError, screen_extracts

    skipped = 0
    blocks = 0

    def extracts() -> Iterator[Any]:
        nonlocal skipped, blocks
        with _progress() as progress:
            task = progress.add_task(description, total=total or None)
            for result in results:
                if isinstance(result, ScanError):
                    skipped += 1
                    err_console.print(f"[yellow]warning:[/] {result.line()}", soft_wrap=True)
                else:
                    blocks += 1
                    yield from result
                progress.advance(task)

    for line in screen_extracts(extracts(), screen_many):
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    err_console.print(f"{blocks} 个区块已扫描 / blocks scanned, {skipped} skipped")


RECORD = typer.Option(
    False,
    "--record",
    help="Keep the scan in the database as segments any worker may run, resumable; the findings "
    "go to the database, not stdout (with CHAINWARDEN_QUEUE_URL, workers run it).",
)
WAIT = typer.Option(True, "--wait/--no-wait", help="With a queue: follow the workers' progress.")


def _engine() -> Any:
    """The packaged screener when the scanners use it (its version is recorded on a scan)."""
    if SCREEN_MANY is not None:
        return None
    from chainwarden.screening import Screener  # type: ignore[import-not-found]

    return Screener.default()


@chain_app.command("scan-btc")
def scan_btc(
    files: list[Path] = typer.Argument(
        ..., help="Raw blocks: binary, hex (one per line) or blk*.dat files."
    ),
    min_bytes: int = typer.Option(8, min=1, help="Shortest text run to report, in bytes."),
    record: bool = RECORD,
    chunk_mb: int = typer.Option(64, min=1, help="With --record: segment size in MB."),
    wait: bool = WAIT,
) -> None:
    """Extract text from Bitcoin blocks (coinbase, OP_RETURN, data pushes) and screen it.

    JSON Lines on stdout: block, tx, location, text, decision, categories. Files are read a block
    at a time, so memory stays bounded whatever their size."""
    from chainwarden.ledger.scan.bitcoin import scan_file

    for path in files:
        if not path.is_file():
            fail(f"{path}: 文件不存在或不是文件 / no such file")
    screen_many = screener()
    if record:
        from chainwarden.cli.scans import record_bitcoin

        record_bitcoin(
            files,
            chunk_mb=chunk_mb,
            min_bytes=min_bytes,
            screen_many=screen_many,
            engine=_engine(),
            wait=wait,
        )
        return

    def results() -> Iterator[Any]:
        for path in files:
            yield from scan_file(path, min_bytes=min_bytes)

    _emit(results(), 0, "scanning blocks", screen_many)


@chain_app.command("scan-eth")
def scan_eth(
    rpc: str = typer.Option(..., help="JSON-RPC endpoint (http://…)."),
    start: int = typer.Option(..., "--from", min=0, help="First block number."),
    end: int = typer.Option(..., "--to", min=0, help="Last block number (inclusive)."),
    min_bytes: int = typer.Option(8, min=1, help="Shortest text run to report, in bytes."),
    record: bool = RECORD,
    chunk_blocks: int = typer.Option(100, min=1, help="With --record: blocks per segment."),
    wait: bool = WAIT,
) -> None:
    """Extract text from Ethereum transaction input and event log data, and screen it.

    JSON Lines on stdout: block, tx, location, text, decision, categories."""
    if end < start:
        fail(f"--to {end} is before --from {start} / 结束区块早于起始区块")
    from chainwarden.ledger.scan.ethereum import scan_range

    screen_many = screener()
    w3 = _web3(rpc)
    if record:
        from chainwarden.cli.scans import record_ethereum

        record_ethereum(
            rpc,
            start,
            end,
            chunk_blocks=chunk_blocks,
            min_bytes=min_bytes,
            screen_many=screen_many,
            engine=_engine(),
            web3_for=lambda url: w3 if url == rpc else _web3(url),
            wait=wait,
        )
        return
    _emit(
        scan_range(w3, start, end, min_bytes=min_bytes),
        end - start + 1,
        "scanning blocks",
        screen_many,
    )


@chain_app.command("scans")
def scans(json_: bool = JSON) -> None:
    """Recorded scans, newest first: segments done, blocks read, findings by decision."""
    from chainwarden.cli.scans import list_scans

    list_scans(json_)


@chain_app.command("scan-show")
def scan_show(
    scan_id: str = typer.Argument(..., help="The scan's id (from `chain scans`)."),
    findings: bool = typer.Option(False, "--findings", help="List what was blocked or held."),
    json_: bool = JSON,
) -> None:
    """One recorded scan: progress, screening version and, with --findings, what it found."""
    from chainwarden.cli.scans import show_scan

    show_scan(scan_id, findings, json_)


@chain_app.command("scan-resume")
def scan_resume(
    scan_id: str = typer.Argument(..., help="The scan's id (from `chain scans`)."),
    wait: bool = WAIT,
) -> None:
    """Queue (or, without a queue, run) the segments of a scan that are not done yet: after a
    crash or a stop, the scan goes on from where it was; done segments are not scanned again."""
    from chainwarden.cli.scans import submit_and_run
    from chainwarden.ledger.scan.records import ChainScan

    db = open_database()
    with db.session() as session:
        scan = session.get(ChainScan, scan_id)
        if scan is None:
            fail(f"没有扫描 {scan_id} / no scan {scan_id}")
        chain = scan.chain
    submit_and_run(db, scan_id, screener(), _web3 if chain == "ethereum" else None, wait=wait)
