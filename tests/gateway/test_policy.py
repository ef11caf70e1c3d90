"""Repeat offenders: configurable rules take identity's measures automatically, each naming the
rule and the posts that triggered it; a restriction stops posting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chainwarden.errors import ChainwardenError
from chainwarden.gateway import publish as gateway
from chainwarden.gateway import review
from chainwarden.gateway.policy import DEFAULT_RULES, parse_rules, policy_of, set_policy
from chainwarden.identity import measures
from chainwarden.retention.models import LogEntry

from support.gateway import ALLOWED, GRAY, MOBILES, NOW, PROHIBITED, ready_user

HOUR = timedelta(hours=1)


def test_default_rules_warn_then_restrict(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        other, _ = ready_user(s, gw, MOBILES[1])
        first = gateway.publish(s, user, gw.service_id, PROHIBITED, now=NOW)
        gateway.publish(s, other, gw.service_id, PROHIBITED, now=NOW)  # someone else's offence
        assert first.measures == []
        second = gateway.publish(s, user, gw.service_id, PROHIBITED + "！", now=NOW + HOUR)
        (warning,) = second.measures
        assert warning.kind == "warning" and warning.automatic
        assert warning.rule["id"] == "repeat-warning"
        assert warning.rule["posts"] == [first.post.id, second.post.id]
        assert warning.content_refs == [f"post:{first.post.id}", f"post:{second.post.id}"]
        assert "repeat-warning" in warning.reason
        third = gateway.publish(s, user, gw.service_id, PROHIBITED + "!!", now=NOW + 2 * HOUR)
        (restriction,) = third.measures
        assert restriction.kind == "restriction" and restriction.functions == ["post"]
        assert restriction.until == NOW + 2 * HOUR + timedelta(days=7)
        assert len(restriction.rule["posts"]) == 3
        logged = s.get(LogEntry, third.entry.id)
        assert logged is not None
        with pytest.raises(ChainwardenError) as refused:
            gateway.publish(s, user, gw.service_id, ALLOWED, now=NOW + 3 * HOUR)
        assert refused.value.code == "function_restricted"
        # The other user is untouched, and the restriction ends on its own.
        gateway.publish(s, other, gw.service_id, ALLOWED, now=NOW + 3 * HOUR)
        assert (
            measures.restriction_in_force(s, user.id, "post", now=NOW + timedelta(days=8)) is None
        )


def test_offences_outside_the_window_do_not_count(db, gw):
    with db.session() as s:
        user, _ = ready_user(s, gw, MOBILES[0])
        gateway.publish(s, user, gw.service_id, PROHIBITED, now=NOW)
        late = gateway.publish(s, user, gw.service_id, PROHIBITED, now=NOW + timedelta(days=8))
        assert late.measures == []


def test_rejections_count_and_custom_rules_apply(db, gw):
    with db.session() as s:
        set_policy(
            s,
            gw.bj_admin,
            gw.beijing_id,
            [{"id": "one-strike", "offences": 1, "days": 30, "measure": "restriction"}],
            now=NOW,
        )
        user, _ = ready_user(s, gw, MOBILES[0])
        held = gateway.publish(s, user, gw.service_id, GRAY, now=NOW)
        decided = review.decide(
            s, gw.bj_reviewer, held.post.id, approve=False, reason="广告", now=NOW + HOUR
        )
        (measure,) = decided.measures
        assert measure.rule["id"] == "one-strike" and measure.until is None
        assert measure.rule["posts"] == [held.post.id]


@pytest.mark.parametrize(
    "rules",
    [
        [{"id": "x", "offences": 0, "days": 7, "measure": "warning"}],
        [{"id": "x", "offences": 2, "days": 7, "measure": "closure"}],
        [{"id": "x", "offences": 2, "days": 7, "measure": "warning", "restrict_days": 3}],
        [{"id": "x", "offences": 2, "days": 7}],
        [
            {"id": "x", "offences": 2, "days": 7, "measure": "warning"},
            {"id": "x", "offences": 3, "days": 7, "measure": "warning"},
        ],
    ],
)
def test_bad_rules_are_refused(rules):
    with pytest.raises(ChainwardenError) as refused:
        parse_rules(rules)
    assert refused.value.code == "invalid_policy"


def test_only_the_provider_admin_sets_the_policy(db, gw):
    with db.session() as s:
        assert policy_of(s, gw.beijing_id) == (list(DEFAULT_RULES), 24)
        for actor in (gw.bj_reviewer, gw.sh_admin, gw.bj_regulator):
            with pytest.raises(ChainwardenError):
                set_policy(s, actor, gw.beijing_id, [])
