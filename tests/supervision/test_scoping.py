"""Provincial regulators see and act on their province only; providers see their own."""

from __future__ import annotations

from datetime import date

import pytest

from chainwarden.errors import ChainwardenError
from chainwarden.supervision import inspections, rectification
from chainwarden.workdays import WorkingCalendar

from support.world import at

CAL = WorkingCalendar()


@pytest.fixture
def two_cases(db, world):
    with db.session() as s:
        ids = {}
        for key, regulator, provider, service in (
            ("bj", world.bj_regulator, world.beijing_id, world.ids["bj_service"]),
            ("sh", world.sh_regulator, world.shanghai_id, world.ids["sh_service"]),
        ):
            case = inspections.open_case(
                s,
                regulator,
                provider,
                title=f"{key} 检查",
                service_id=service,
                now=at("2026-03-02"),
            )
            ids[key] = case.id
            ids[f"{key}_order"] = rectification.order_rectification(
                s,
                regulator,
                CAL,
                case.id,
                article="5",
                requirement="完善制度",
                working_days=3,
                now=at("2026-03-02"),
            ).id
    return ids


def _ids(items):
    return {i.id for i in items}


def test_each_sees_its_own(db, world, two_cases):
    with db.session() as s:
        assert _ids(inspections.list_cases(s, world.cac)) == {two_cases["bj"], two_cases["sh"]}
        assert _ids(inspections.list_cases(s, world.bj_regulator)) == {two_cases["bj"]}
        assert _ids(inspections.list_cases(s, world.sh_regulator)) == {two_cases["sh"]}
        assert _ids(inspections.list_cases(s, world.bj_provider)) == {two_cases["bj"]}
        assert _ids(rectification.list_orders(s, world.sh_provider)) == {two_cases["sh_order"]}
        late = date(2026, 4, 1)
        assert _ids(rectification.overdue_orders(s, world.bj_regulator, late)) == {
            two_cases["bj_order"]
        }
        assert len(rectification.overdue_orders(s, world.cac, late)) == 2
        assert len(rectification.active_suspensions(s, world.sh_regulator)) == 1


def test_other_province_is_not_found(db, world, two_cases):
    with db.session() as s:
        for call in (
            lambda: inspections.get_case(s, world.bj_regulator, two_cases["sh"]),
            lambda: inspections.get_case(s, world.bj_provider, two_cases["sh"]),
            lambda: rectification.accept_correction(s, world.bj_regulator, two_cases["sh_order"]),
            lambda: inspections.open_case(s, world.bj_regulator, world.shanghai_id, title="越权"),
        ):
            with pytest.raises(ChainwardenError) as err:
                call()
            assert err.value.kind == "not_found"


def test_providers_cannot_regulate(db, world, two_cases):
    with db.session() as s:
        with pytest.raises(ChainwardenError) as err:
            inspections.open_case(s, world.bj_provider, world.beijing_id, title="自查")
        assert err.value.kind == "forbidden"
        with pytest.raises(ChainwardenError):
            rectification.overdue_orders(s, world.bj_provider, date(2026, 4, 1))
