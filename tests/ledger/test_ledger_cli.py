"""``chainwarden ledger`` and ``chainwarden chain`` as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from chainwarden.accounts import SYSTEM
from chainwarden.cli import ledger as ledger_cli
from chainwarden.cli.main import app
from chainwarden.ledger import record_item
from chainwarden.ledger.models import Item
from chainwarden.registry.providers import register_provider
from chainwarden.retention.models import LogEntry
from chainwarden.settings import get_settings
from chainwarden.store import Database

from support.world import BEIJING

DATA = Path(__file__).parent / "data"
GENESIS_TEXT = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CHAINWARDEN_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    db.upgrade()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    yield run, db
    db.dispose()
    get_settings.cache_clear()


def test_seal_dispose_verify_and_prove(cli, tmp_path):
    run, db = cli
    with db.session() as s:
        # A real provider: an executed disposal is also logged in the provider's retention log.
        provider = register_provider(s, SYSTEM, BEIJING)
        ids = [record_item(s, provider_id=provider.id, content=f"post {n}").id for n in range(5)]
    sealed = run("ledger", "seal", "--block-size", "2", "--json")
    assert sealed.exit_code == 0, sealed.output
    assert [b["items"] for b in json.loads(sealed.output)] == [2, 2, 1]

    done = run(
        "ledger", "dispose", "--item", ids[3], "--reason", "违规", "--reference", "京处-1", "--json"
    )
    assert done.exit_code == 0, done.output
    order = json.loads(done.output)
    assert order["targets"] == [ids[3]] and order["block_height"] == 3
    with db.session() as s:
        logged = s.scalars(select(LogEntry).where(LogEntry.provider_id == provider.id)).all()
        assert len(logged) == 1 and logged[0].entry_type == "admin_operation"

    checked = run("ledger", "verify")
    assert checked.exit_code == 0, checked.output
    assert "every block valid" in checked.output and "4/4 blocks valid" in checked.output

    shown = run("ledger", "show", ids[3])
    assert shown.exit_code == 1
    assert "removed under disposal order 京处-1" in " ".join(shown.output.split())
    assert run("ledger", "show", ids[0]).output.strip() == "post 0"

    proof_file = tmp_path / "proof.json"
    assert run("ledger", "proof", order["id"], "-o", str(proof_file)).exit_code == 0
    holds = run("ledger", "check-proof", str(proof_file))
    assert holds.exit_code == 0 and "disposal proof holds" in holds.output
    forged = json.loads(proof_file.read_text())
    forged["record"]["reference"] = "另一份"
    proof_file.write_text(json.dumps(forged))
    assert run("ledger", "check-proof", str(proof_file)).exit_code == 1

    # Tampering is reported and the command fails.
    with db.session() as s:
        s.get_one(Item, ids[0]).content = b"edited"
    broken = run("ledger", "verify", "--json")
    assert broken.exit_code == 1
    assert json.loads(broken.output)[0]["valid"] is False


def test_bad_input_is_one_line_exit_2(cli, tmp_path):
    run, _db = cli
    for args in (
        ("ledger", "dispose", "--item", "missing", "--reason", "r", "--reference", "x"),
        ("ledger", "show", "missing"),
        ("ledger", "proof", "missing"),
        ("ledger", "check-proof", str(tmp_path / "none.json")),
        ("chain", "scan-eth", "--rpc", "http://127.0.0.1:9", "--from", "5", "--to", "1"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def fake_screen(texts):
    return [
        {"decision": "block" if "bailout" in t else "pass", "categories": [], "score": 0}
        for t in texts
    ]


def test_scan_btc_prints_json_lines_and_skips_malformed(cli, tmp_path, monkeypatch):
    run, _db = cli
    monkeypatch.setattr(ledger_cli, "SCREEN_MANY", fake_screen)
    broken = tmp_path / "broken.bin"
    broken.write_bytes(b"\x01\x00\x00")
    result = run("chain", "scan-btc", str(DATA / "genesis.hex"), str(broken))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines == [
        {
            "block": "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            "tx": "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
            "location": "coinbase",
            "text": GENESIS_TEXT,
            "decision": "block",
            "categories": [],
        }
    ]
    assert "skipped malformed block" in result.stderr and "1 skipped" in result.stderr


def test_scan_eth_over_a_block_range(cli, monkeypatch):
    from web3 import EthereumTesterProvider, Web3

    run, _db = cli
    w3 = Web3(EthereumTesterProvider())
    tx = w3.eth.send_transaction(
        {
            "from": w3.eth.accounts[0],
            "to": w3.eth.accounts[1],
            "value": 0,
            "data": "0x" + b"government bailout for banks".hex(),
        }
    )
    monkeypatch.setattr(ledger_cli, "SCREEN_MANY", fake_screen)
    monkeypatch.setattr(ledger_cli, "_web3", lambda rpc: w3)
    result = run("chain", "scan-eth", "--rpc", "http://127.0.0.1:8545", "--from", "0", "--to", "1")
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert line["tx"] == tx.to_0x_hex() and line["location"] == "input"
    assert line["block"] == "1" and line["decision"] == "block"


def test_scan_with_the_screening_engine(cli):
    pytest.importorskip("chainwarden.screening")
    run, _db = cli
    result = run("chain", "scan-btc", str(DATA / "genesis.hex"))
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["decision"] in ("pass", "review", "block")
