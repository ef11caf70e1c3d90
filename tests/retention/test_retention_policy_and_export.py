"""Retention periods (Art. 17), legal holds, purging, and authority exports checked offline."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from chainwarden import merkle
from chainwarden.accounts import SYSTEM
from chainwarden.accounts.access import AccessError
from chainwarden.audit.models import AuditEvent
from chainwarden.retention import (
    EntryType,
    NewEntry,
    RetentionError,
    append_many,
    policy,
    proofs,
)
from chainwarden.retention import log as retention_log
from chainwarden.retention.bundle import verify_bundle
from chainwarden.retention.export import ExportQuery, export_bundle
from chainwarden.retention.models import LogEntry, LogPayload

from support.retention import Logs

OLD = datetime(2025, 1, 10, 3, tzinfo=UTC)
RECENT = datetime(2026, 3, 2, 3, tzinfo=UTC)
NOW = datetime(2026, 4, 1, 3, tzinfo=UTC)


def _seed(logs: Logs) -> None:
    """Old and recent entries for two users on two services."""
    items = []
    for at in (OLD, RECENT):
        for user, service in (("alice", "svc-a"), ("bob", "svc-b")):
            items.append(
                NewEntry(
                    EntryType.PUBLISHED_ITEM,
                    f"user:{user}",
                    {"text": f"{user} @ {at:%Y-%m}"},
                    service_id=service,
                    user_id=user,
                    case_ref="CASE-7" if user == "bob" else None,
                    at=at,
                )
            )
    with logs.db.session() as s:
        append_many(s, logs.beijing, items)


def test_retention_below_six_months_is_refused_citing_article_17(logs: Logs) -> None:
    _seed(logs)
    with pytest.raises(RetentionError) as caught, logs.db.session() as s:
        policy.set_retention_period(s, logs.bj_admin, logs.beijing, 5)
    assert caught.value.code == "retention_too_short"
    assert "第十七条" in caught.value.zh and "Art. 17" in caught.value.en
    with logs.db.session() as s:
        assert policy.set_retention_period(s, logs.bj_admin, logs.beijing, 12, "policy") == 12
    with logs.db.session() as s:
        assert policy.retention_months(s, logs.bj_admin, logs.beijing) == 12
        with pytest.raises(AccessError):
            policy.set_retention_period(s, logs.sh_admin, logs.beijing, 24)
        with pytest.raises(AccessError):
            policy.set_retention_period(s, logs.bj_reviewer, logs.beijing, 24)


def test_purge_removes_old_payloads_keeps_hashes_and_respects_holds(logs: Logs) -> None:
    _seed(logs)
    with logs.db.session() as s:
        before_root = retention_log.head(s, logs.beijing).root_hash
        proof_before = proofs.inclusion_proof(s, logs.beijing, 0, 4)
        hold = policy.place_hold(s, logs.bj_regulator, logs.beijing, "case", "CASE-7", "调查")
    with logs.db.session() as s:
        [result] = policy.purge(s, logs.bj_admin, now=NOW)
    assert (result.purged, result.held) == (1, 1)  # alice's old entry; bob's is held
    assert result.cutoff == datetime(2025, 10, 1, 3, tzinfo=UTC)
    with logs.db.session() as s:
        kept = {
            row.user_id: row.payload_purged_at is not None
            for row in s.scalars(select(LogEntry).where(LogEntry.at == OLD))
        }
        assert kept == {"alice": True, "bob": False}
        assert (
            s.scalar(
                select(LogPayload).where(
                    LogPayload.entry_id.in_(
                        select(LogEntry.id).where(LogEntry.user_id == "alice", LogEntry.at == OLD)
                    )
                )
            )
            is None
        )
        # No hash changed: the old root is still a prefix of the log and old proofs verify.
        leaf0 = s.scalar(select(LogEntry.leaf_hash).where(LogEntry.idx == 0))
        assert leaf0 is not None
        assert merkle.verify_inclusion(leaf0, 0, 4, proof_before, before_root)
        assert proofs.root_at(s, logs.beijing, 4) == before_root
        assert retention_log.verify_log(s, logs.beijing) == []
        # The purge itself is in the log and the audit trail.
        last = s.scalar(select(LogEntry).order_by(LogEntry.idx.desc()).limit(1))
        assert last is not None and json.loads(last.leaf)["type"] == "admin_operation"
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "retention.purge"))

    with logs.db.session() as s:
        policy.release_hold(s, logs.bj_regulator, hold.id, "结案")
    with logs.db.session() as s:
        [again] = policy.purge(s, SYSTEM, now=NOW)
    assert (again.purged, again.held) == (1, 0)
    with logs.db.session() as s:
        assert retention_log.verify_log(s, logs.beijing) == []


def test_holds_by_user_and_service_and_who_may_place_them(logs: Logs) -> None:
    _seed(logs)
    with logs.db.session() as s:
        policy.place_hold(s, logs.bj_admin, logs.beijing, "user", "alice", "投诉")
        policy.place_hold(s, logs.cac, logs.beijing, "service", "svc-b", "检查")
        with pytest.raises(AccessError):
            policy.place_hold(s, logs.sh_regulator, logs.beijing, "user", "x", "no")
        with pytest.raises(AccessError):
            policy.place_hold(s, logs.sh_admin, logs.beijing, "user", "x", "no")
        with pytest.raises(RetentionError):
            policy.place_hold(s, logs.bj_admin, logs.beijing, "province", "11", "no")
        assert len(policy.active_holds(s, logs.bj_admin, logs.beijing)) == 2
    with logs.db.session() as s:
        [result] = policy.purge(s, SYSTEM, now=NOW)
    assert (result.purged, result.held) == (0, 2)


def _export(logs: Logs, **query: object) -> bytes:
    with logs.db.session() as s:
        result = export_bundle(
            s,
            logs.bj_regulator,
            logs.beijing,
            ExportQuery(**query),
            reason="协查函 2026-01",  # type: ignore[arg-type]
        )
    return result.bundle


def _rewrite(bundle: bytes, name: str, change: object) -> bytes:
    files = {}
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        for info in z.infolist():
            files[info.filename] = z.read(info.filename)
    files[name] = change(files[name])  # type: ignore[operator]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    return out.getvalue()


def _lines(bundle: bytes) -> list[dict[str, object]]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        return [json.loads(x) for x in z.read("entries.jsonl").decode().splitlines()]


def _with_lines(bundle: bytes, edit: object) -> bytes:
    def change(raw: bytes) -> bytes:
        lines = [json.loads(x) for x in raw.decode().splitlines()]
        lines = edit(lines)  # type: ignore[operator]
        return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()

    return _rewrite(bundle, "entries.jsonl", change)


def test_export_selects_proves_signs_and_is_itself_logged(logs: Logs) -> None:
    _seed(logs)
    bundle = _export(logs, user_id="bob")
    lines = _lines(bundle)
    assert [line["index"] for line in lines] == [1, 3]
    report = verify_bundle(bundle)
    assert report.ok, report.problems
    assert (report.entries, report.tree_size, report.provider_id) == (2, 5, logs.beijing)
    with logs.db.session() as s:
        exported = s.scalar(select(LogEntry).where(LogEntry.entry_type == "export"))
        assert exported is not None and exported.idx == 4
        assert exported.actor_name == "北京网信办"
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "retention.export"))
        assert retention_log.verify_log(s, logs.beijing) == []

    by_time = _export(logs, since=RECENT, entry_types=("published_item",))
    assert [line["index"] for line in _lines(by_time)] == [2, 3]
    assert verify_bundle(by_time).ok


def test_export_is_for_the_providers_own_regulator_and_admins(logs: Logs) -> None:
    _seed(logs)
    with pytest.raises(AccessError), logs.db.session() as s:
        export_bundle(s, logs.sh_regulator, logs.beijing, ExportQuery(), reason="x")
    with pytest.raises(AccessError), logs.db.session() as s:
        export_bundle(s, logs.bj_reviewer, logs.beijing, ExportQuery(), reason="x")


def test_verify_names_the_entry_that_was_altered_removed_or_reordered(logs: Logs) -> None:
    _seed(logs)
    bundle = _export(logs)
    ids = {line["index"]: line["id"] for line in _lines(bundle)}

    def alter_payload(lines: list[dict[str, object]]) -> list[dict[str, object]]:
        lines[2]["payload"] = '{"text":"篡改"}'
        return lines

    report = verify_bundle(_with_lines(bundle, alter_payload))
    assert report.problems == [
        f"entry 2 (id {ids[2]}): payload altered (its digest differs from the leaf)"
    ]

    def alter_leaf(lines: list[dict[str, object]]) -> list[dict[str, object]]:
        lines[1]["leaf"] = str(lines[1]["leaf"]).replace("bob", "eve")
        return lines

    report = verify_bundle(_with_lines(bundle, alter_leaf))
    assert report.problems[0].startswith(f"entry 1 (id {ids[1]}): leaf altered")
    assert all(p.startswith(f"entry 1 (id {ids[1]})") for p in report.problems)

    def drop_payload(lines: list[dict[str, object]]) -> list[dict[str, object]]:
        lines[3]["payload"] = None
        lines[3]["payload_purged"] = True
        return lines

    report = verify_bundle(_with_lines(bundle, drop_payload))
    assert report.problems == [f"entry 3 (id {ids[3]}): payload removed from the bundle"]

    report = verify_bundle(_with_lines(bundle, lambda lines: lines[:1] + lines[2:]))
    assert report.problems == [f"entry 1 (id {ids[1]}): removed from the bundle"]

    def swap(lines: list[dict[str, object]]) -> list[dict[str, object]]:
        lines[0], lines[3] = lines[3], lines[0]
        return lines

    report = verify_bundle(_with_lines(bundle, swap))
    assert sorted(report.problems) == [
        f"entry 0 (id {ids[0]}): out of order (found at line 4)",
        f"entry 3 (id {ids[3]}): out of order (found at line 1)",
    ]

    def drop_from_manifest(raw: bytes) -> bytes:
        manifest = json.loads(raw)
        manifest["entries"] = manifest["entries"][1:]
        return json.dumps(manifest).encode()

    report = verify_bundle(_rewrite(bundle, "manifest.json", drop_from_manifest))
    assert "manifest signature does not verify (the list of entries changed)" in report.problems
    assert "line 1: entry 0 is not in the signed manifest (added)" in report.problems

    def other_root(raw: bytes) -> bytes:
        head = json.loads(raw)
        head["root_hash"] = "00" * 32
        return json.dumps(head).encode()

    report = verify_bundle(_rewrite(bundle, "tree_head.json", other_root))
    assert report.problems[0] == "tree head signature does not verify with the public key"
    assert len(report.problems) == 1 + 4  # and no entry proves against the forged root


def test_purged_payloads_still_verify_in_an_export(logs: Logs) -> None:
    _seed(logs)
    with logs.db.session() as s:
        policy.purge(s, SYSTEM, now=NOW)
    bundle = _export(logs, user_id="alice")
    lines = _lines(bundle)
    assert [(line["index"], line["payload_purged"]) for line in lines] == [(0, True), (2, False)]
    assert lines[0]["payload"] is None
    assert verify_bundle(bundle).ok


def test_export_by_user_finds_entries_in_every_block_of_the_log(logs: Logs) -> None:
    """Entries are looked up by user block by block (2^14 indexes each): a user's entries on
    both sides of a block boundary, and in the partial last block, are all exported."""
    alice = {3, 16383, 16384, 16390}
    items = [
        NewEntry(EntryType.LOGIN, "x", {"n": i}, user_id="alice" if i in alice else f"u{i % 50}")
        for i in range(16395)
    ]
    with logs.db.session() as s:
        for start in range(0, len(items), 5000):
            append_many(s, logs.beijing, items[start : start + 5000])
    bundle = _export(logs, user_id="alice")
    assert [line["index"] for line in _lines(bundle)] == sorted(alice)
    assert verify_bundle(bundle).ok
