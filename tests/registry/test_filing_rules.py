"""Each statutory rule of the filing procedure, with dates counted by hand from the State
Council's holiday schedules (National Day 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked;
Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked)."""

from __future__ import annotations

from datetime import date

import pytest

from chainwarden.errors import ChainwardenError
from chainwarden.registry import filings
from chainwarden.registry.models import Filing, FilingState
from chainwarden.registry.numbers import parse_filing_number
from chainwarden.workdays import WorkingCalendar

from support.world import at, make_world, new_filing

CAL = WorkingCalendar()


@pytest.fixture
def world(db):
    with db.session() as session:
        return make_world(session)


def submit(db, world, filing_id, day):
    with db.session() as s:
        return filings.submit(s, world.bj_provider, CAL, filing_id, at(day))


def test_filing_within_ten_working_days_is_on_time(db, world):
    # Started Mon 2025-09-22: the 10th working day after is make-up Saturday 2025-10-11.
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started="2025-09-22")
        assert s.get(Filing, filing_id).filing_due == date(2025, 10, 11)
    assert submit(db, world, filing_id, "2025-10-11").late is False


def test_filing_after_ten_working_days_is_accepted_but_late(db, world):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started="2025-09-22")
    filing = submit(db, world, filing_id, "2025-10-13")
    assert filing.state == FilingState.SUBMITTED
    assert filing.late is True


def test_services_running_before_the_regulations_had_twenty_working_days(db, world):
    # Art. 23: from 2019-02-15 (Fri), 20 working days end on Fri 2019-03-15.
    with db.session() as s:
        old = new_filing(s, world, CAL, started="2018-06-01")
        day_before = new_filing(s, world, CAL, name="前一天", started="2019-02-14")
        assert s.get(Filing, old).filing_due == date(2019, 3, 15)
        assert s.get(Filing, day_before).filing_due == date(2019, 3, 15)
    assert submit(db, world, old, "2019-03-15").late is False
    assert submit(db, world, day_before, "2019-03-18").late is True


def test_review_is_due_twenty_working_days_after_submission(db, world):
    # Submitted Tue 2026-02-10; counting Sat Feb 14 and Sat Feb 28, skipping Feb 15–23.
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started="2026-02-02")
    assert submit(db, world, filing_id, "2026-02-10").review_due == date(2026, 3, 16)
    with db.session() as s:
        assert filings.overdue_reviews(s, world.cac, date(2026, 3, 16)) == []
        overdue = filings.overdue_reviews(s, world.cac, date(2026, 3, 17))
        assert [f.id for f in overdue] == [filing_id]
        # Provincial scoping: Shanghai's office does not see a Beijing filing.
        assert filings.overdue_reviews(s, world.sh_regulator, date(2026, 3, 17)) == []
        assert len(filings.overdue_reviews(s, world.bj_regulator, date(2026, 3, 17))) == 1


def test_decided_filings_are_not_overdue(db, world):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started="2026-02-02")
    submit(db, world, filing_id, "2026-02-10")
    with db.session() as s:
        filings.approve(s, world.cac, filing_id, at("2026-03-20"))
        assert filings.overdue_reviews(s, world.cac, date(2026, 4, 1)) == []


def test_returned_filing_restarts_the_review_clock_but_keeps_first_lateness(db, world):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started="2025-09-22")
    submit(db, world, filing_id, "2025-10-10")  # on time
    with db.session() as s:
        returned = filings.return_for_completion(s, world.bj_regulator, filing_id, "缺营业执照")
        assert returned.state == FilingState.RETURNED
        assert returned.review_due is None
        filings.edit_draft(s, world.bj_provider, CAL, filing_id, {"node_count": 5})
    resubmitted = submit(db, world, filing_id, "2025-11-03")
    assert resubmitted.late is False
    assert resubmitted.review_due == CAL.add_working_days(date(2025, 11, 3), 20)


def test_a_returned_or_refused_decision_needs_a_reason(db, world):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL)
    submit(db, world, filing_id, "2026-03-03")
    with db.session() as s, pytest.raises(ChainwardenError) as err:
        filings.refuse(s, world.cac, filing_id, "  ")
    assert err.value.code == "reason_required"


def test_filing_number_is_issued_on_filing_and_is_valid_and_unique(db, world):
    with db.session() as s:
        first = new_filing(s, world, CAL, name="甲")
        second = new_filing(s, world, CAL, name="乙")
    for filing_id in (first, second):
        submit(db, world, filing_id, "2026-03-03")
    with db.session() as s:
        a = filings.approve(s, world.bj_regulator, first, at("2026-03-20"))
        b = filings.approve(s, world.bj_regulator, second, at("2026-03-20"))
        assert a.number != b.number
        parsed_a, parsed_b = parse_filing_number(a.number), parse_filing_number(b.number)
    assert a.number.startswith("京网信备110108")
    assert parsed_a.year == 2026
    assert parsed_a.provider_serial == parsed_b.provider_serial  # one serial per provider
    assert (parsed_a.service_sequence, parsed_b.service_sequence) == (1, 2)


def test_only_a_regulator_of_the_province_decides(db, world):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL)
    submit(db, world, filing_id, "2026-03-03")
    with db.session() as s:
        with pytest.raises(ChainwardenError) as err:
            filings.approve(s, world.sh_regulator, filing_id)
        assert err.value.kind == "not_found"
        with pytest.raises(ChainwardenError) as err:
            filings.approve(s, world.bj_provider, filing_id)
        assert err.value.kind == "forbidden"


def test_state_machine_refuses_illegal_transitions(db, world):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL)
        with pytest.raises(ChainwardenError) as err:
            filings.approve(s, world.cac, filing_id)  # still a draft
        assert err.value.code == "wrong_state"
    submit(db, world, filing_id, "2026-03-03")
    with db.session() as s:
        filings.refuse(s, world.cac, filing_id, "提供代币交易")
    with db.session() as s, pytest.raises(ChainwardenError) as err:
        filings.submit(s, world.bj_provider, CAL, filing_id, at("2026-03-05"))
    assert err.value.code == "wrong_state"


def _filed(db, world, started="2025-09-01"):
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started=started)
    submit(db, world, filing_id, "2025-09-05")
    with db.session() as s:
        filings.approve(s, world.cac, filing_id, at("2025-09-10"))
    return filing_id


def test_change_within_five_working_days_is_on_time(db, world):
    # Change on Fri 2025-09-26: Sun 9/28, 9/29, 9/30, 10/9, 10/10 → due Fri 2025-10-10.
    filing_id = _filed(db, world)
    with db.session() as s:
        change = filings.submit_change(
            s,
            world.bj_provider,
            CAL,
            filing_id,
            change_date=date(2025, 9, 26),
            values={"node_count": 9},
            reason="扩容",
            now=at("2025-10-10"),
        )
        assert (change.due, change.late) == (date(2025, 10, 10), False)
        assert change.fields == {"node_count": [4, 9]}
        assert s.get(Filing, filing_id).service.node_count == 9


def test_change_after_five_working_days_is_flagged_late(db, world):
    filing_id = _filed(db, world)
    with db.session() as s:
        change = filings.submit_change(
            s,
            world.bj_provider,
            CAL,
            filing_id,
            change_date=date(2025, 9, 26),
            values={"platform": "Hyperledger Fabric"},
            reason="更换底层平台",
            now=at("2025-10-11"),  # make-up Saturday, the 6th working day
        )
        assert change.late is True


def test_change_that_changes_nothing_is_refused(db, world):
    filing_id = _filed(db, world)
    with db.session() as s, pytest.raises(ChainwardenError) as err:
        filings.submit_change(
            s,
            world.bj_provider,
            CAL,
            filing_id,
            change_date=date(2025, 9, 26),
            values={"node_count": 4},
            reason="无",
            now=at("2025-09-29"),
        )
    assert err.value.code == "nothing_changed"


def _cancel(db, world, filing_id, ends):
    with db.session() as s:
        return filings.cancel(
            s,
            world.bj_provider,
            CAL,
            filing_id,
            termination_date=date.fromisoformat(ends),
            arrangements="数据迁移",
            now=at("2026-02-02"),
        )


def test_cancellation_with_thirty_working_days_notice_is_on_time(db, world):
    # Notified Mon 2026-02-02; 30 working days (with Feb 14 and Feb 28 worked) end Fri 2026-03-20.
    cancelled = _cancel(db, world, _filed(db, world), "2026-03-20")
    assert cancelled.state == FilingState.CANCELLED
    assert cancelled.termination_date == date(2026, 3, 20)
    assert cancelled.termination_earliest == date(2026, 3, 20)
    assert cancelled.termination_notice_late is False


def test_late_cancellation_notice_is_accepted_flagged_and_listed_for_the_regulator(db, world):
    # Art. 11(3) is the provider's duty: shorter notice is not refused but flagged.
    filing_id = _filed(db, world)
    cancelled = _cancel(db, world, filing_id, "2026-03-19")
    assert cancelled.state == FilingState.CANCELLED
    assert cancelled.termination_notice_late is True
    assert cancelled.termination_earliest == date(2026, 3, 20)
    assert cancelled.cancellation_notified_on == date(2026, 2, 2)
    with db.session() as s:
        assert [f.id for f in filings.late_cancellations(s, world.bj_regulator)] == [filing_id]
        assert filings.late_cancellations(s, world.sh_regulator) == []


def test_a_deadline_in_a_year_without_official_data_is_provisional(db, world):
    # Started Mon 2026-12-28: 10 wd are 29–31 Dec, 4–8 Jan and 11–12 Jan 2027 (1 Jan is 元旦).
    with db.session() as s:
        filing_id = new_filing(s, world, CAL, started="2026-12-28")
        filing = s.get(Filing, filing_id)
        assert filing.filing_due == date(2027, 1, 12)
        assert filing.provisional is True
        on_time = new_filing(s, world, CAL, name="早", started="2026-11-02")
        assert s.get(Filing, on_time).provisional is False


def test_every_change_is_recorded_with_who_and_why(db, world):
    from chainwarden.audit import events_for

    with db.session() as s:
        filing_id = new_filing(s, world, CAL)
    submit(db, world, filing_id, "2026-03-03")
    with db.session() as s:
        filings.return_for_completion(s, world.bj_regulator, filing_id, "缺服务器地址说明")
        events = events_for(s, filing_id)
    assert [e.action for e in events] == ["filing.submit", "filing.return"]
    assert events[-1].actor_name == "bj-cac"
    assert events[-1].reason == "缺服务器地址说明"
