"""The review queue: highlighted hits, approve publishes (ledger + retention), reject needs a
reason and counts as an offence, bulk decisions are all-or-nothing, escalation by age."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from chainwarden.audit.trail import events_for
from chainwarden.errors import ChainwardenError
from chainwarden.gateway import publish as gateway
from chainwarden.gateway import review
from chainwarden.gateway.models import Post
from chainwarden.gateway.policy import set_policy
from chainwarden.ledger.models import Item
from chainwarden.retention.models import LogEntry

from support.gateway import GRAY, MOBILES, NOW, ready_user

HOUR = timedelta(hours=1)


def held_posts(s, gw, n: int = 1) -> list[str]:
    user, _ = ready_user(s, gw, MOBILES[0])
    return [
        gateway.publish(s, user, gw.service_id, GRAY + "？" * i, now=NOW + i * HOUR).post.id
        for i in range(n)
    ]


def test_segments_merge_overlaps_and_cover_the_text():
    text = "保本保息月收益30%"
    hits = [
        {"start": 0, "end": 4, "category": "fundraising"},
        {"start": 2, "end": 4, "category": "fraud"},
        {"start": 4, "end": 10, "category": "fundraising"},
        {"start": 50, "end": 60, "category": "ico"},  # outside the text: ignored
    ]
    segs = review.segments(text, hits)
    assert "".join(s["text"] for s in segs) == text
    assert segs[0] == {
        "text": "保本保息月收益30%",
        "hit": True,
        "categories": ["fundraising", "fraud"],
    }
    html = review.highlight_html("<b>" + text, [{"start": 3, "end": 5, "category": "x"}])
    assert html.startswith("&lt;b&gt;<mark") and 'data-category="x">保本</mark>' in html


def test_approve_publishes_and_logs_the_decision(db, gw):
    with db.session() as s:
        (post_id,) = held_posts(s, gw)
        listed = review.queue(s, gw.bj_reviewer)
        assert [p.id for p in listed] == [post_id]
        assert review.queue(s, gw.sh_admin) == []  # another provider's queue
        with pytest.raises(ChainwardenError):
            review.queue(s, gw.bj_regulator)
        decided = review.decide(
            s, gw.bj_reviewer, post_id, approve=True, reason="询问，不是推广", now=NOW + HOUR
        )
        assert decided.item is not None
    with db.session() as s:
        post = s.get_one(Post, post_id)
        assert post.state == "published" and post.text is None
        assert s.get_one(Item, post.item_id).content == GRAY.encode()
        decision = s.get_one(LogEntry, post.review_entry_id)
        assert decision.entry_type == "reviewer_decision" and decision.actor_name == "bj-reviewer"
        published = s.scalars(select(LogEntry).where(LogEntry.entry_type == "published_item")).one()
        assert published.idx == decision.idx + 1
        assert [e.action for e in events_for(s, post_id)] == ["post.approve"]
        assert review.queue(s, gw.bj_reviewer) == []
        with pytest.raises(ChainwardenError) as again:
            review.decide(s, gw.bj_reviewer, post_id, approve=False, reason="x")
        assert again.value.code == "not_held"


def test_reject_needs_a_reason_and_other_providers_cannot_decide(db, gw):
    with db.session() as s:
        (post_id,) = held_posts(s, gw)
        with pytest.raises(ChainwardenError) as no_reason:
            review.decide(s, gw.bj_reviewer, post_id, approve=False, reason=" ")
        assert no_reason.value.code == "reason_required"
        with pytest.raises(ChainwardenError) as other:
            review.decide(s, gw.sh_admin, post_id, approve=True)
        assert other.value.kind == "not_found"
        with pytest.raises(ChainwardenError):
            review.decide(s, gw.bj_regulator, post_id, approve=True)
        review.decide(s, gw.bj_reviewer, post_id, approve=False, reason="推广虚拟币", now=NOW)
        post = s.get_one(Post, post_id)
        assert post.state == "rejected" and post.item_id is None and post.text == GRAY
        assert s.scalars(select(Item)).all() == []


def test_bulk_is_all_or_nothing(db, gw):
    with db.session() as s:
        ids = held_posts(s, gw, 3)
        review.decide(s, gw.bj_reviewer, ids[0], approve=True, now=NOW + 4 * HOUR)
        with pytest.raises(ChainwardenError) as refused:
            review.decide_many(s, gw.bj_reviewer, ids, approve=True, now=NOW + 5 * HOUR)
        assert refused.value.code == "not_held"
        assert {s.get_one(Post, i).state for i in ids[1:]} == {"held"}
        done = review.decide_many(s, gw.bj_reviewer, ids[1:], approve=True, now=NOW + 5 * HOUR)
        assert [d.post.state for d in done] == ["published", "published"]


def test_escalation_by_configured_age(db, gw):
    with db.session() as s:
        ids = held_posts(s, gw, 3)  # held at NOW, NOW+1h, NOW+2h
        set_policy(s, gw.bj_admin, gw.beijing_id, [], escalate_after_hours=2, now=NOW)
        first = review.escalate(s, gw.bj_admin, now=NOW + 3 * HOUR + timedelta(minutes=30))
        assert [p.id for p in first] == ids[:2]
        assert review.escalate(s, gw.bj_admin, now=NOW + 3 * HOUR) == []  # not twice
        assert [p.id for p in review.queue(s, gw.bj_reviewer, escalated_only=True)] == ids[:2]
        later = review.escalate(s, gw.bj_admin, older_than=HOUR, now=NOW + 3 * HOUR + 1 * HOUR)
        assert [p.id for p in later] == ids[2:]
        with pytest.raises(ChainwardenError):
            review.escalate(s, gw.bj_reviewer, now=NOW)  # admins (or the CLI) escalate
        assert [e.action for e in events_for(s, ids[0])] == ["post.escalate"]
