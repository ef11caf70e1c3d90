"""Every error supervision raises, declared once (the pattern is in ``chainwarden.errors``)."""

from __future__ import annotations

from chainwarden.errors import ChainwardenError, Declared


class SupervisionError(ChainwardenError):
    """A supervision rule was not met (assessments, cases, orders, penalties); the message says
    which and how to proceed."""


class PenaltyOutOfRange(SupervisionError):
    """A penalty decision goes beyond what the article breached allows."""


def _missing(field: str, zh: str, en: str) -> Declared[SupervisionError]:
    return SupervisionError.declare("missing_field", zh, en, field=field)


# --- required texts (chainwarden.errors.required_text) ----------------------------------------

case_title_missing = _missing("title", "缺少案件名称", "title is required")
finding_missing = _missing("description", "请描述发现的问题", "Describe what was found")
closing_reason_missing = _missing("reason", "请说明结案理由", "Say why the case is closed")
requirement_missing = _missing("requirement", "请写明整改要求", "State what must be corrected")
order_service_missing = _missing(
    "service_id", "请指明需整改的服务", "Name the service that must be corrected"
)
correction_note_missing = _missing("note", "请说明整改情况", "Describe the correction made")
rejection_reason_missing = _missing(
    "reason", "请说明退回理由", "Say why the correction falls short"
)
facts_missing = _missing("facts", "请写明违法事实", "State the facts found")
assessment_title_missing = _missing("title", "缺少评估名称", "title is required")
assessment_description_missing = _missing(
    "description", "请说明新产品、应用或功能", "Describe what launches"
)
decision_reason_missing = _missing("reason", "请说明理由", "Give the reasons")

# --- choices and values -------------------------------------------------------------------------

invalid_choice = SupervisionError.declare(
    "invalid_choice",
    "{name_zh}必须是 {choices} 之一",
    "{field} must be one of {choices}",
    carries=("field",),
)
bad_period = SupervisionError.declare(
    "bad_period",
    "整改期限应为1至{most}个工作日",
    "The correction period must be 1 to {most} working days",
    field="working_days",
)
launch_not_ahead = SupervisionError.declare(
    "launch_not_ahead",
    "安全评估须在上线前报送：上线日期应晚于今天",
    "A security assessment is filed before launch: the launch date must be after today",
    field="launch_date",
)
unknown_duty = SupervisionError.declare(
    "unknown_duty",
    "自评清单含未知项目：{unknown}",
    "Unknown checklist items: {unknown}",
    field="checklist",
)
checklist_incomplete = SupervisionError.declare(
    "checklist_incomplete",
    "自评清单缺少：{names_zh}",
    "The self-assessment lacks: {names_en}",
    field="checklist",
    carries=("missing",),
)
evidence_required = SupervisionError.declare(
    "evidence_required",
    "「{duty_zh}」自评为已落实，须附证明材料",
    "'{duty_en}' is marked as met: attach evidence",
    carries=("field",),
)
explanation_required = SupervisionError.declare(
    "explanation_required",
    "「{duty_zh}」尚未落实，须说明原因和计划",
    "'{duty_en}' is not met: explain why and what is planned",
    carries=("field",),
)
unknown_category = SupervisionError.declare(
    "unknown_category",
    "未知的审核类别：{unknown}；可选：{choices}",
    "Unknown screening categories: {unknown}; choose from {choices}",
    field="counts",
)
negative_count = SupervisionError.declare(
    "negative_count", "拦截数量不能为负", "Counts cannot be negative", field="counts"
)

# --- states -----------------------------------------------------------------------------------

case_closed = SupervisionError.declare(
    "case_closed", "案件已结案", "The case is closed", kind="conflict"
)
orders_pending = SupervisionError.declare(
    "orders_pending",
    "仍有 {count} 项整改未验收，不能结案",
    "{count} rectification order(s) are not accepted yet; the case stays open",
    kind="conflict",
)
order_wrong_state = SupervisionError.declare(
    "wrong_state",
    "整改通知当前状态为 {state}，不能{doing_zh}",
    "The order is {state}; it cannot be {doing_en}",
    kind="conflict",
    carries=("state",),
)
assessment_wrong_state = SupervisionError.declare(
    "wrong_state",
    "安全评估当前为「{state_zh}」，不能{doing_zh}",
    "The assessment is {state}; it cannot be {doing_en}",
    kind="conflict",
    carries=("state",),
)
already_final = SupervisionError.declare(
    "already_final", "处罚决定已生效", "The decision is already final", kind="conflict"
)

# --- penalty rules ----------------------------------------------------------------------------

before_regulations = SupervisionError.declare(
    "before_regulations",
    "《区块链信息服务管理规定》于2019年2月15日施行，此前的行为不适用",
    "The Regulations took effect on 2019-02-15; earlier acts are outside them",
)
unknown_article = SupervisionError.declare(
    "unknown_article",
    "第{article}条不是第十九至二十二条所罚的义务条款；可选：{choices}",
    "Art. {article} is not a duty punished by Arts. 19–22; choose one of {choices}",
    field="article",
)
unknown_measure = SupervisionError.declare(
    "unknown_measure", "未知的处罚措施：{problem}", "Unknown measure: {problem}", field="measures"
)
measure_only_if_aggravated = PenaltyOutOfRange.declare(
    "measure_not_allowed",
    "依{basis_zh}，{names_zh}仅在拒不改正或者情节严重时可以并处",
    "Under Art. {article}, {names_en}: only when the provider refuses to correct or the "
    "circumstances are serious",
    field="measures",
    carries=("allowed",),
)
measure_not_provided = PenaltyOutOfRange.declare(
    "measure_not_allowed",
    "依{basis_zh}，{names_zh}不在该条规定的处罚种类内",
    "Under Art. {article}, {names_en}: not a measure that article provides",
    field="measures",
    carries=("allowed",),
)
measure_required = PenaltyOutOfRange.declare(
    "measure_required",
    "依{basis_zh}，本情形必须包括：{names_zh}",
    "Under Art. {article} this decision must include: {names_en}",
    field="measures",
    carries=("required",),
)
fine_out_of_range = PenaltyOutOfRange.declare(
    "fine_out_of_range",
    "依{basis_zh}，罚款应为{low}元以上{high}元以下（决定为{decided_zh}）",
    "Under Art. {article} the fine must be {low} to {high} yuan (decided: {decided_en})",
    field="fine_yuan",
    carries=("minimum", "maximum"),
)
