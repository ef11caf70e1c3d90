"""User measures (Art. 16): lifecycles, validation, explainable automatic measures, scoping, and
the provider's report to the regulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chainwarden.audit.trail import events_for
from chainwarden.errors import ChainwardenError
from chainwarden.identity import measures, users
from chainwarden.identity.errors import IdentityError

NOW = datetime(2026, 5, 6, 3, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def user_id(db, iw) -> str:
    with db.session() as s:
        user, _ = users.register_user(
            s,
            iw.bj_provider,
            iw.service_id,
            users.NewUser(nickname="小王", real_name="王小明", number="11010519491231002X"),
        )
        return user.id


def test_warning_restriction_closure_reinstatement(db, iw, user_id):
    with db.session() as s:
        warn = measures.apply_measure(
            s,
            iw.bj_reviewer,
            user_id,
            "warning",
            "发布虚拟货币广告",
            content_refs=["post:1"],
            now=NOW,
        )
        assert warn.actor_name == "bj-reviewer" and warn.content_refs == ["post:1"]
        assert measures.active_measures(s, user_id, now=NOW) == []  # a warning restricts nothing

        restrict = measures.apply_measure(
            s,
            iw.bj_reviewer,
            user_id,
            "restriction",
            "再次发布",
            functions=["post", "comment", "post"],
            until=NOW + 48 * HOUR,
            content_refs=["post:2", "post:3"],
            now=NOW + HOUR,
        )
        assert restrict.functions == ["comment", "post"]
        assert measures.restriction_in_force(s, user_id, "post", now=NOW + 2 * HOUR) == restrict
        assert measures.restriction_in_force(s, user_id, "message", now=NOW + 2 * HOUR) is None
        assert measures.restriction_in_force(s, user_id, "post", now=NOW + 49 * HOUR) is None

        close = measures.apply_measure(
            s, iw.bj_provider, user_id, "closure", "屡教不改", now=NOW + 2 * HOUR
        )
        user = users.get_user(s, iw.bj_provider, user_id)
        assert user.status == "closed"
        with pytest.raises(IdentityError) as caught:
            measures.apply_measure(
                s, iw.bj_provider, user_id, "closure", "again", now=NOW + 3 * HOUR
            )
        assert caught.value.code == "already_closed"

        back = measures.apply_measure(
            s, iw.bj_provider, user_id, "reinstatement", "申诉成立", now=NOW + 4 * HOUR
        )
        assert user.status == "active"
        assert restrict.lifted_by == back.id and close.lifted_by == back.id
        assert restrict.lifted_at == NOW + 4 * HOUR
        assert measures.active_measures(s, user_id, now=NOW + 5 * HOUR) == []
        with pytest.raises(IdentityError) as caught:
            measures.apply_measure(
                s, iw.bj_provider, user_id, "reinstatement", "再次", now=NOW + 5 * HOUR
            )
        assert caught.value.code == "nothing_to_reinstate"

        kinds = [m.kind for m in measures.measures_of(s, user_id)]
        assert kinds == ["warning", "restriction", "closure", "reinstatement"]
        trail = [(e.action, e.reason, e.actor_name) for e in events_for(s, user_id)]
        assert ("measure.restriction", "再次发布", "bj-reviewer") in trail
        assert ("measure.reinstatement", "申诉成立", "bj-admin") in trail


def test_an_open_ended_restriction_outlasts_a_dated_one(db, iw, user_id):
    with db.session() as s:
        measures.apply_measure(
            s,
            iw.bj_provider,
            user_id,
            "restriction",
            "a",
            functions=["post"],
            until=NOW + HOUR,
            now=NOW,
        )
        open_ended = measures.apply_measure(
            s, iw.bj_provider, user_id, "restriction", "b", functions=["post"], now=NOW
        )
        assert measures.restriction_in_force(s, user_id, "post", now=NOW) == open_ended
        assert (
            measures.restriction_in_force(s, user_id, "post", now=NOW + 1000 * HOUR) == open_ended
        )


@pytest.mark.parametrize(
    ("kind", "options", "code"),
    [
        ("ban", {}, "invalid_measure_kind"),
        ("restriction", {}, "invalid_functions"),
        ("restriction", {"functions": ["post", "psot"]}, "invalid_functions"),
        ("restriction", {"functions": ["post"], "until": NOW - HOUR}, "until_in_past"),
        ("restriction", {"functions": ["post"], "until": datetime(2027, 1, 1)}, "naive_time"),
        ("warning", {"functions": ["post"]}, "not_a_restriction"),
        ("closure", {"until": NOW + HOUR}, "not_a_restriction"),
        ("warning", {"automatic": True}, "rule_required"),
        ("warning", {"automatic": True, "rule": {"name": "x"}}, "rule_required"),
        ("warning", {"content_refs": ["x" * 201]}, "invalid_content_refs"),
        ("reinstatement", {}, "nothing_to_reinstate"),
    ],
)
def test_invalid_measures_say_why(db, iw, user_id, kind, options, code):
    with db.session() as s, pytest.raises(IdentityError) as caught:
        measures.apply_measure(s, iw.bj_provider, user_id, kind, "理由", now=NOW, **options)
    assert caught.value.code == code
    assert caught.value.zh and caught.value.en


def test_a_measure_needs_a_reason(db, iw, user_id):
    with db.session() as s, pytest.raises(IdentityError) as caught:
        measures.apply_measure(s, iw.bj_provider, user_id, "warning", "  ", now=NOW)
    assert caught.value.code == "reason_required"


def test_automatic_measures_keep_their_rule(db, iw, user_id):
    rule = {"id": "gateway.block-threshold", "explain": "3 blocked posts in 24 h", "count": 3}
    with db.session() as s:
        m = measures.apply_measure(
            s,
            iw.bj_provider,
            user_id,
            "restriction",
            "24小时内3次发布被拦截的内容",
            functions=["post"],
            until=NOW + 24 * HOUR,
            content_refs=["post:a", "post:b", "post:c"],
            automatic=True,
            rule=rule,
            now=NOW,
        )
    with db.session() as s:
        (stored,) = measures.measures_for_user(s, iw.bj_regulator, user_id)
        assert stored.id == m.id and stored.automatic and stored.rule == rule


def test_only_the_providers_staff_take_measures(db, iw, user_id):
    with db.session() as s:
        with pytest.raises(ChainwardenError) as caught:
            measures.apply_measure(s, iw.sh_provider, user_id, "warning", "x", now=NOW)
        assert caught.value.kind == "not_found"
        for actor in (iw.bj_regulator, iw.cac, iw.admin):
            with pytest.raises(ChainwardenError) as caught:
                measures.apply_measure(s, actor, user_id, "warning", "x", now=NOW)
            assert caught.value.kind == "forbidden"
        with pytest.raises(ChainwardenError):
            measures.measures_for_user(s, iw.sh_regulator, user_id)


def test_report_lists_measures_masked_for_the_regulator(db, iw, user_id):
    with db.session() as s:
        measures.apply_measure(s, iw.bj_provider, user_id, "warning", "一", now=NOW)
        measures.apply_measure(
            s, iw.bj_provider, user_id, "restriction", "二", functions=["post"], now=NOW + 24 * HOUR
        )
        measures.apply_measure(s, iw.bj_provider, user_id, "closure", "三", now=NOW + 48 * HOUR)
    with db.session() as s:
        report = measures.measure_report(
            s, iw.bj_regulator, iw.beijing_id, since=NOW + HOUR, until=NOW + 72 * HOUR
        )
        data = report.as_dict()
    assert data["counts"] == {"warning": 0, "restriction": 1, "closure": 1, "reinstatement": 0}
    assert [m["reason"] for m in data["measures"]] == ["二", "三"]
    assert data["measures"][0]["number"] == "110105********002X"
    assert data["measures"][0]["name"] == "王**"
    assert data["provider"]["name"] == "北京链测科技有限公司"
    assert "11010519491231002X" not in str(data)
    with db.session() as s:
        for actor in (iw.bj_provider, iw.bj_reviewer, iw.cac, iw.admin):
            assert len(measures.measure_report(s, actor, iw.beijing_id).rows) == 3
        for actor in (iw.sh_regulator, iw.sh_provider):
            with pytest.raises(ChainwardenError) as caught:
                measures.measure_report(s, actor, iw.beijing_id)
            assert caught.value.kind == "not_found"
