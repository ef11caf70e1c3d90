"""The publish path in the domain: refusals, the three outcomes, one transaction for post, ledger
item and retention entry, and the retention log's proofs over what was published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from chainwarden import merkle
from chainwarden.errors import ChainwardenError
from chainwarden.gateway import publish as gateway
from chainwarden.gateway.models import Post
from chainwarden.identity import agreements, measures
from chainwarden.ledger.models import Item
from chainwarden.retention import proofs
from chainwarden.retention.models import LogEntry, LogPayload
from chainwarden.supervision import inspections, rectification
from chainwarden.workdays import WorkingCalendar

from support.gateway import ALLOWED, GRAY, MOBILES, NOW, PROHIBITED, ready_user


def counts(s) -> tuple[int, int, int]:
    return (
        s.scalar(select(func.count()).select_from(Post)),
        s.scalar(select(func.count()).select_from(Item)),
        s.scalar(select(func.count()).select_from(LogEntry)),
    )


def test_pass_writes_item_and_log_entry_together(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        outcome = gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW)
        assert outcome.decision == "pass" and outcome.post.state == "published"
        assert outcome.item is not None and outcome.post.item_id == outcome.item.id
        post_id, entry_index = outcome.post.id, outcome.entry.index
    with db.session() as s:
        post = s.get_one(Post, post_id)
        item = s.get_one(Item, post.item_id)
        assert item.content == ALLOWED.encode() and item.author_ref == f"service_user:{user.id}"
        assert post.text is None  # the content lives on the ledger only
        entry = s.get_one(LogEntry, post.entry_id)
        assert entry.entry_type == "published_item" and entry.idx == entry_index
        payload = s.get_one(LogPayload, entry.id)
        assert f'"item_id":"{item.id}"' in payload.body and ALLOWED in payload.body
        # The entry is provably in the provider's log.
        head = proofs.head(s, gw.beijing_id)
        path = proofs.inclusion_proof(s, gw.beijing_id, entry.idx)
        assert merkle.verify_inclusion(entry.leaf_hash, entry.idx, head.size, path, head.root_hash)


def test_review_and_block_are_recorded_and_logged(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        held = gateway.publish(s, user, gw.service_id, GRAY, now=NOW)
        blocked = gateway.publish(s, user, gw.service_id, PROHIBITED, now=NOW + timedelta(1))
        assert (held.post.state, blocked.post.state) == ("held", "blocked")
        assert held.item is None and blocked.item is None
        assert "ico" in blocked.post.categories or "fundraising" in blocked.post.categories
        for hit in blocked.post.hits:
            assert PROHIBITED[hit["start"] : hit["end"]] == hit["matched"]
        assert counts(s) == (2, 0, 2)
        types = {s.get_one(LogEntry, o.post.entry_id).entry_type for o in (held, blocked)}
        assert types == {"screening_decision"}


@pytest.mark.parametrize("case", ["unverified", "no_acceptance", "restricted", "closed"])
def test_refusals_write_nothing(db, gw, case):
    with db.session() as s:
        user, _ = ready_user(
            s, gw, MOBILES[0], verify=case != "unverified", accept=case != "no_acceptance"
        )
        if case == "restricted":
            measures.apply_measure(
                s, gw.bj_admin, user.id, "restriction", "广告", functions=["post"], now=NOW
            )
        if case == "closed":
            measures.apply_measure(s, gw.bj_admin, user.id, "closure", "多次违规", now=NOW)
        with pytest.raises(ChainwardenError) as refused:
            gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW + timedelta(hours=1))
        expected = {
            "unverified": "not_verified",
            "no_acceptance": "agreement_not_accepted",
            "restricted": "function_restricted",
            "closed": "account_closed",
        }[case]
        assert refused.value.code == expected and refused.value.kind == "forbidden"
        assert refused.value.zh and refused.value.en
        assert counts(s)[:2] == (0, 0)


def test_a_new_agreement_version_must_be_accepted_again(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        agreements.publish_agreement(
            s, gw.bj_admin, gw.service_id, "service_agreement", "协议", "v2"
        )
        with pytest.raises(ChainwardenError, match="accepted first"):
            gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW)


def test_suspended_service_and_unknown_service_are_refused(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        with pytest.raises(ChainwardenError) as unknown:
            gateway.publish(s, user, "no-such-service", ALLOWED, now=NOW)
        assert unknown.value.code == "service_not_found" and unknown.value.kind == "not_found"
        with pytest.raises(ChainwardenError) as wrong:
            gateway.publish(s, user, gw.other_service_id, ALLOWED, now=NOW)
        assert wrong.value.code == "wrong_service"
        case = inspections.open_case(
            s, gw.bj_regulator, gw.beijing_id, title="检查", service_id=gw.service_id, now=NOW
        )
        rectification.order_rectification(
            s,
            gw.bj_regulator,
            WorkingCalendar(),
            case.id,
            article="17",
            requirement="日志留存不少于六个月",
            working_days=10,
            service_id=gw.service_id,
            now=NOW,
        )
        with pytest.raises(ChainwardenError) as suspended:
            gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW)
        assert suspended.value.code == "service_suspended"


@pytest.mark.parametrize("text", ["", "   ", "字" * (gateway.MAX_TEXT + 1), "a\x00b"])
def test_bad_text_is_refused(db, gw, text):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        with pytest.raises(ChainwardenError) as refused:
            gateway.publish(s, user, gw.service_id, text, now=NOW)
        assert refused.value.kind == "invalid"


@pytest.mark.parametrize("where", ["ledger", "retention", "post"])
def test_failure_after_screening_leaves_nothing_half_written(db, gw, monkeypatch, where):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW)
        user_id = user.id
    before = None
    with db.session() as s:
        before = counts(s)

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    if where == "ledger":
        monkeypatch.setattr(gateway, "record_item", boom)
    elif where == "retention":
        monkeypatch.setattr(gateway, "append_many", boom)
    else:
        # Everything was written; the transaction fails when it flushes the post.
        original = gateway.append_many

        def then_break(session, *args, **kwargs):
            entries = original(session, *args, **kwargs)
            session.add(Post(id="broken"))  # violates NOT NULL at flush
            return entries

        monkeypatch.setattr(gateway, "append_many", then_break)
    with pytest.raises(Exception), db.session() as s:  # noqa: B017
        user = s.get_one(gateway.ServiceUser, user_id)
        gateway.publish(s, user, gw.service_id, ALLOWED + "!", now=NOW + timedelta(hours=1))
        s.flush()
    with db.session() as s:
        assert counts(s) == before
        # Every item has its post and its log entry, and the other way round.
        for post in s.scalars(select(Post)):
            assert s.get(LogEntry, post.entry_id) is not None
            assert post.item_id is None or s.get(Item, post.item_id) is not None
        items = set(s.scalars(select(Item.id)))
        assert items == set(s.scalars(select(Post.item_id).where(Post.item_id.is_not(None))))
        assert proofs.head(s, gw.beijing_id).size == before[2]


def test_a_ledger_disposal_is_logged_in_retention(db, gw):
    import json

    from chainwarden import gateway as _gateway  # noqa: F401  (registers the disposal log)
    from chainwarden.ledger import dispose, read_item

    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        post = gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW).post
        s.flush()
        disposal = dispose(
            s,
            gw.bj_admin,
            item_ids=[post.item_id],
            reason="违法信息",
            reference="京网信处〔2026〕1号",
            now=NOW + timedelta(hours=1),
        )
        with pytest.raises(ChainwardenError):
            read_item(s, post.item_id)
        entry = s.scalars(select(LogEntry).where(LogEntry.entry_type == "admin_operation")).one()
        assert entry.case_ref == "京网信处〔2026〕1号" and entry.actor_name == "bj-admin"
        payload = json.loads(s.get_one(LogPayload, entry.id).body)
        assert payload["disposal_id"] == disposal.id
        assert payload["items"] == [post.item_id] and payload["posts"] == [post.id]
