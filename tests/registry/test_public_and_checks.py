"""The public registry and regular checks, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from chainwarden.errors import ChainwardenError
from chainwarden.registry import checks, filings, public
from chainwarden.registry.models import FilingState
from chainwarden.workdays import WorkingCalendar

from support.world import at, make_world, new_filing

CAL = WorkingCalendar()


@pytest.fixture
def filed(db):
    """World plus one filed service in Beijing and one in Shanghai, and a Beijing draft."""
    with db.session() as s:
        world = make_world(s)
        ids = {
            "bj": new_filing(s, world, CAL, name="京链存证"),
            "sh": new_filing(s, world, CAL, provider="shanghai", name="沪链溯源"),
            "draft": new_filing(s, world, CAL, name="未提交服务"),
        }
        for key, actor in (("bj", world.bj_provider), ("sh", world.sh_provider)):
            filings.submit(s, actor, CAL, ids[key], at("2026-03-03"))
            filings.approve(s, world.cac, ids[key], at("2026-03-20"))
    return world, ids


def test_search_by_name_number_and_province(db, filed):
    with db.session() as s:
        everything = public.search(s)
        assert {e.service_name for e in everything} == {"京链存证", "沪链溯源"}
        assert [e.service_name for e in public.search(s, "京链")] == ["京链存证"]
        assert [e.provider_name for e in public.search(s, "上海链测")] == ["上海链测数据有限公司"]
        number = next(e.number for e in everything if e.service_name == "沪链溯源")
        assert [e.service_name for e in public.search(s, number)] == ["沪链溯源"]
        assert public.lookup_number(s, number).province_name == "上海市"
        for query in ("沪", "上海", "Shanghai", "31"):
            assert [e.service_name for e in public.search(s, province_query=query)] == ["沪链溯源"]
        assert public.search(s, province_query="Atlantis") == []


def test_cancelled_services_stay_public_with_their_end_date(db, filed):
    world, ids = filed
    with db.session() as s:
        filings.cancel(
            s,
            world.bj_provider,
            CAL,
            ids["bj"],
            termination_date=date(2026, 6, 30),
            arrangements="通知用户导出数据",
            now=at("2026-04-01"),
        )
    with db.session() as s:
        entry = next(e for e in public.search(s) if e.service_name == "京链存证")
    assert (entry.state, entry.termination_date) == (FilingState.CANCELLED, date(2026, 6, 30))


def test_regular_check_window_and_non_responders(db, filed):
    world, ids = filed
    with db.session() as s:
        campaign = checks.open_campaign(
            s, world.cac, title="2026 查验", opens_on=date(2026, 4, 1), closes_on=date(2026, 4, 15)
        )
        with pytest.raises(ChainwardenError) as err:
            checks.respond(s, world.bj_provider, CAL, campaign.id, ids["bj"], now=at("2026-03-31"))
        assert err.value.code == "check_not_open"
    with db.session() as s:
        response = checks.respond(
            s,
            world.bj_provider,
            CAL,
            campaign.id,
            ids["bj"],
            updates={"node_count": 11},
            note="扩容",
            now=at("2026-04-10"),
        )
        assert response.in_time is True
    with db.session() as s:
        # The update was applied as a filing change of that day.
        filing = filings.get_filing(s, world.cac, ids["bj"])
        assert filing.service.node_count == 11 and filing.changes[-1].change_date == date(
            2026, 4, 10
        )
        outstanding = checks.non_responders(s, world.cac, campaign.id)
        assert [o.filing.id for o in outstanding] == [ids["sh"]]
        # The Beijing office sees only its own province's non-responders.
        assert checks.non_responders(s, world.bj_regulator, campaign.id) == []
        with pytest.raises(ChainwardenError):
            checks.non_responders(s, world.bj_provider, campaign.id)
        with pytest.raises(ChainwardenError) as err:
            checks.respond(s, world.bj_provider, CAL, campaign.id, ids["bj"], now=at("2026-04-11"))
        assert err.value.code == "already_responded"


def test_checklist_shows_each_actor_its_own_services_and_their_responses(db, filed):
    world, ids = filed
    with db.session() as s:
        campaign = checks.open_campaign(
            s, world.cac, title="查验", opens_on=date(2026, 4, 1), closes_on=date(2026, 4, 15)
        )
        checks.respond(s, world.bj_provider, CAL, campaign.id, ids["bj"], now=at("2026-04-02"))
    with db.session() as s:
        everything = checks.checklist(s, world.cac, campaign.id)
        assert {(i.filing.id, i.response is not None) for i in everything} == {
            (ids["bj"], True),
            (ids["sh"], False),
        }
        assert [i.filing.id for i in checks.checklist(s, world.sh_provider, campaign.id)] == [
            ids["sh"]
        ]
        assert [i.filing.id for i in checks.checklist(s, world.bj_regulator, campaign.id)] == [
            ids["bj"]
        ]


def test_provincial_regulator_cannot_open_a_check_elsewhere(db, filed):
    world, _ = filed
    with db.session() as s, pytest.raises(ChainwardenError) as err:
        checks.open_campaign(
            s,
            world.bj_regulator,
            title="越权",
            opens_on=date(2026, 4, 1),
            closes_on=date(2026, 4, 2),
            province_code="31",
        )
    assert err.value.kind == "forbidden"


def test_demo_data_has_a_service_in_every_filing_state(db):
    from chainwarden.demo import seed

    lines = list(seed(db))
    assert any("cac" in line for line in lines)
    with db.session() as s:
        from chainwarden.accounts import SYSTEM

        states = {f.state for f in filings.list_filings(s, SYSTEM)}
        assert states == {str(state) for state in FilingState}
        assert any(f.changes for f in filings.list_filings(s, SYSTEM))
    again = list(seed(db))
    assert again[0].startswith("demo logins")  # a second run seeds nothing
