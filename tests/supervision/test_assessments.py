"""Security assessments (Art. 9): filing, review with working-day deadlines, scoping."""

from __future__ import annotations

from datetime import date

import pytest

from chainwarden.audit.trail import events_for
from chainwarden.errors import ChainwardenError
from chainwarden.supervision import assessments
from chainwarden.supervision.assessments import DUTIES, AssessmentInfo, ChecklistItem
from chainwarden.supervision.models import AssessmentState
from chainwarden.workdays import WorkingCalendar

from support.world import at

CAL = WorkingCalendar()


def info(**changes) -> AssessmentInfo:
    values = {
        "title": "链上数字藏品转赠功能",
        "kind": "function",
        "description": "允许用户将存证凭证转赠给他人",
        "launch_date": date(2026, 5, 1),
        "checklist": {
            key: ChecklistItem(met=True, note="已落实", evidence=[f"{key}.pdf"]) for key in DUTIES
        },
    }
    values.update(changes)
    return AssessmentInfo(**values)


def submit(s, world, now="2026-03-02", **changes):
    return assessments.submit(
        s, world.bj_provider, CAL, world.ids["bj_service"], info(**changes), now=at(now)
    )


def test_review_due_in_working_days_and_lifecycle(db, world):
    with db.session() as s:
        a = submit(s, world)
        assert a.review_due == date(2026, 3, 30)  # 20 working days after Monday 2 March
        assert a.province_code == "11"
    with db.session() as s:
        assert assessments.overdue_reviews(s, world.bj_regulator, date(2026, 3, 30)) == []
        assert len(assessments.overdue_reviews(s, world.bj_regulator, date(2026, 3, 31))) == 1
        assert assessments.overdue_reviews(s, world.sh_regulator, date(2026, 3, 31)) == []
        with pytest.raises(ChainwardenError) as err:
            assessments.request_changes(s, world.bj_regulator, a.id, " ")
        assert err.value.code == "missing_field"
        assessments.request_changes(
            s, world.bj_regulator, a.id, "补充应急预案演练记录", now=at("2026-03-05")
        )
    with db.session() as s:
        a = assessments.resubmit(
            s, world.bj_provider, CAL, a.id, info(title="转赠功能（修订）"), now=at("2026-03-10")
        )
        assert (a.state, a.review_due) == (AssessmentState.SUBMITTED, date(2026, 4, 8))
        assessments.accept(s, world.cac, a.id, now=at("2026-03-12"))
    with db.session() as s:
        a = assessments.get(s, world.bj_provider, a.id)
        assert (a.state, a.decided_by, a.review_due) == (AssessmentState.ACCEPTED, "cac", None)
        with pytest.raises(ChainwardenError) as err:
            assessments.reject(s, world.bj_regulator, a.id, "迟到的否决")
        assert err.value.code == "wrong_state"
        assert [e.action for e in events_for(s, a.id)] == [
            "assessment.submit",
            "assessment.changes_requested",
            "assessment.resubmit",
            "assessment.accepted",
        ]


def test_checklist_must_cover_every_duty_with_evidence(db, world):
    with db.session() as s:
        partial = {k: ChecklistItem(True, "", ["x"]) for k in list(DUTIES)[:-1]}
        with pytest.raises(ChainwardenError) as err:
            submit(s, world, checklist=partial)
        assert err.value.code == "checklist_incomplete"
        assert "日志留存" in err.value.zh
        no_evidence = {k: ChecklistItem(True, "", []) for k in DUTIES}
        with pytest.raises(ChainwardenError) as err:
            submit(s, world, checklist=no_evidence)
        assert err.value.code == "evidence_required"
        unmet = {k: ChecklistItem(k != "log_retention", "", ["x"]) for k in DUTIES}
        with pytest.raises(ChainwardenError) as err:
            submit(s, world, checklist=unmet)
        assert err.value.code == "explanation_required"


def test_assessment_comes_before_launch(db, world):
    with db.session() as s:
        with pytest.raises(ChainwardenError) as err:
            submit(s, world, launch_date=date(2026, 3, 2))
        assert err.value.code == "launch_not_ahead"


def test_scoping(db, world):
    with db.session() as s:
        a = submit(s, world)
        with pytest.raises(ChainwardenError) as err:
            assessments.submit(
                s, world.sh_provider, CAL, world.ids["bj_service"], info(), now=at("2026-03-02")
            )
        assert err.value.kind == "not_found"
        assert [x.id for x in assessments.list_assessments(s, world.bj_regulator)] == [a.id]
        assert assessments.list_assessments(s, world.sh_regulator) == []
        assert assessments.list_assessments(s, world.sh_provider) == []
        with pytest.raises(ChainwardenError) as err:
            assessments.accept(s, world.sh_regulator, a.id)
        assert err.value.kind == "not_found"
        with pytest.raises(ChainwardenError) as err:
            assessments.accept(s, world.bj_provider, a.id)
        assert err.value.kind == "forbidden"
