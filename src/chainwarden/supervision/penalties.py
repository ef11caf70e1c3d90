"""Penalties (Arts. 19–22): the rules (given the article breached and the facts, the measures a
regulator may take and the fine range) and the decisions taken under them in a case. A decision
outside the rules is refused with the reason; a final decision is public.

The ranges and the Cybersecurity Law provisions Art. 20 refers to are data, versioned by the day
they took effect (that law was amended on 2025-10-28, in force 2026-01-01), not constants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts.access import Actor, Role
from chainwarden.registry.filings import PUBLISHED
from chainwarden.registry.models import Filing
from chainwarden.registry.numbers import parse_filing_number
from chainwarden.store.base import utcnow
from chainwarden.supervision.common import (
    case_audit,
    local_date,
    regulated_case,
    require_text,
    visible,
)
from chainwarden.supervision.errors import PenaltyOutOfRange, SupervisionError
from chainwarden.supervision.models import PenaltyDecision, PenaltyState


class Measure(StrEnum):
    WARNING = "warning"  # 警告
    ORDER_CORRECTION = "order_correction"  # 责令限期改正
    SUSPENSION = "suspension"  # 改正前暂停相关业务
    FINE = "fine"  # 罚款
    REFERRAL = "referral"  # 依照《网络安全法》处理（移交）


MEASURE_NAMES = {
    Measure.WARNING: ("警告", "warning"),
    Measure.ORDER_CORRECTION: ("责令限期改正", "order to correct by a deadline"),
    Measure.SUSPENSION: ("改正前暂停相关业务", "suspension of the service until corrected"),
    Measure.FINE: ("罚款", "fine"),
    Measure.REFERRAL: (
        "依照《网络安全法》处理",
        "handled under the Cybersecurity Law",
    ),
}


@dataclass(frozen=True)
class PenaltyRule:
    """One penalty article: the duties whose breach it punishes, the measures it always allows,
    and what it adds when the provider refuses to correct or the circumstances are serious."""

    article: str
    breaches: tuple[str, ...]
    base: frozenset[Measure]
    aggravated: frozenset[Measure]  # added on refusal to correct / serious circumstances
    fine_min: int | None = None
    fine_max: int | None = None
    basis_zh: str = ""
    basis_en: str = ""
    referral_to: str | None = None


@dataclass(frozen=True)
class RuleSet:
    effective_from: date
    rules: tuple[PenaltyRule, ...]
    source: str = ""


_BASE_19_21 = frozenset({Measure.WARNING, Measure.ORDER_CORRECTION, Measure.SUSPENSION})
_FINED = frozenset({Measure.FINE})


def _rules(referral_to: str) -> tuple[PenaltyRule, ...]:
    return (
        PenaltyRule(
            article="19",
            breaches=("5", "6", "7", "9", "11(2)", "13", "15", "17", "18"),
            base=_BASE_19_21,
            aggravated=_FINED,
            fine_min=5_000,
            fine_max=30_000,
            basis_zh="《区块链信息服务管理规定》第十九条",
            basis_en="Regulations on Blockchain Information Services, Art. 19",
        ),
        PenaltyRule(
            article="20",
            breaches=("8", "16"),
            base=frozenset({Measure.REFERRAL}),
            aggravated=frozenset(),
            basis_zh="《区块链信息服务管理规定》第二十条",
            basis_en="Regulations on Blockchain Information Services, Art. 20",
            referral_to=referral_to,
        ),
        PenaltyRule(
            article="21",
            breaches=("10",),
            base=_BASE_19_21,
            aggravated=_FINED,
            fine_min=20_000,
            fine_max=30_000,
            basis_zh="《区块链信息服务管理规定》第二十一条",
            basis_en="Regulations on Blockchain Information Services, Art. 21",
        ),
        PenaltyRule(
            article="22",
            breaches=("11(1)",),
            base=frozenset({Measure.ORDER_CORRECTION}),
            aggravated=frozenset({Measure.WARNING, Measure.FINE}),
            fine_min=10_000,
            fine_max=30_000,
            basis_zh="《区块链信息服务管理规定》第二十二条",
            basis_en="Regulations on Blockchain Information Services, Art. 22",
        ),
    )


RULESETS: tuple[RuleSet, ...] = (
    RuleSet(
        date(2019, 2, 15),
        _rules("《中华人民共和国网络安全法》（2016年）第六十一条、第六十八条"),
        "CAC Order No. 3 (2019); Cybersecurity Law (2016)",
    ),
    RuleSet(
        date(2026, 1, 1),
        _rules("《中华人民共和国网络安全法》（2025年修正）相应条款"),
        "CAC Order No. 3 (2019); Cybersecurity Law as amended 2025-10-28",
    ),
)

BREACHABLE = tuple(a for r in RULESETS[-1].rules for a in r.breaches)


def ruleset(on: date) -> RuleSet:
    """The rules in force on a day (the act is judged by the law of its time)."""
    chosen = [s for s in RULESETS if s.effective_from <= on]
    if not chosen:
        raise SupervisionError(
            "before_regulations",
            "《区块链信息服务管理规定》于2019年2月15日施行，此前的行为不适用",
            "The Regulations took effect on 2019-02-15; earlier acts are outside them",
        )
    return chosen[-1]


def normalise_article(article: str) -> str:
    """ "11.1", "11(1)", "第十一条第一款"-style input is not guessed: accept "11(1)" / "11(2)"
    and plain numbers, and say what is allowed otherwise."""
    text = article.strip().replace("（", "(").replace("）", ")").replace(" ", "")
    if text not in BREACHABLE:
        raise SupervisionError(
            "unknown_article",
            f"第{article}条不是第十九至二十二条所罚的义务条款；可选：{', '.join(BREACHABLE)}",
            f"Art. {article} is not a duty punished by Arts. 19–22; choose one of "
            f"{', '.join(BREACHABLE)}",
            field="article",
        )
    return text


@dataclass(frozen=True)
class Allowed:
    """What the law allows for one breach in given circumstances."""

    breached_article: str
    rule: PenaltyRule
    refused_to_correct: bool
    serious: bool
    measures: frozenset[Measure]
    required: frozenset[Measure]
    fine_range: tuple[int, int] | None
    notes: tuple[str, ...] = field(default=())

    @property
    def legal_basis(self) -> str:
        basis = f"{self.rule.basis_zh}（违反第{self.breached_article}条）"
        if self.rule.referral_to:
            basis += f"；{self.rule.referral_to}"
        return basis


def allowed(
    breached_article: str, *, refused_to_correct: bool = False, serious: bool = False, on: date
) -> Allowed:
    article = normalise_article(breached_article)
    rule = next(r for r in ruleset(on).rules if article in r.breaches)
    aggravated = refused_to_correct or serious
    measures = rule.base | (rule.aggravated if aggravated else frozenset())
    # The articles list their measures without "may": a warning, an order to correct and (Arts.
    # 19, 21) suspension "应当" go together, and "并处" adds the fine (and Art. 22's warning) to
    # them. So every allowed measure is also required; the regulator's choice is the amount.
    required = measures
    fine_range = (
        (rule.fine_min, rule.fine_max)
        if Measure.FINE in measures and rule.fine_min is not None and rule.fine_max is not None
        else None
    )
    notes: tuple[str, ...] = ()
    if rule.article in ("19", "21"):
        notes = ("构成犯罪的，依法追究刑事责任 / criminal liability where a crime is committed",)
    return Allowed(
        breached_article=article,
        rule=rule,
        refused_to_correct=refused_to_correct,
        serious=serious,
        measures=measures,
        required=required,
        fine_range=fine_range,
        notes=notes,
    )


def _yuan(n: int) -> str:
    return f"{n:,}"


def check_decision(
    allowance: Allowed, measures: Iterable[Measure | str], fine_yuan: int | None
) -> frozenset[Measure]:
    """The decided measures if the law allows them; otherwise PenaltyOutOfRange saying why."""
    try:
        chosen = frozenset(Measure(m) for m in measures)
    except ValueError as exc:
        raise SupervisionError(
            "unknown_measure",
            f"未知的处罚措施：{exc}",
            f"Unknown measure: {exc}",
            field="measures",
        ) from None
    rule = allowance.rule
    if fine_yuan is not None:
        chosen |= {Measure.FINE}
    beyond = chosen - allowance.measures
    if beyond:
        names = "、".join(MEASURE_NAMES[m][0] for m in sorted(beyond))
        names_en = ", ".join(MEASURE_NAMES[m][1] for m in sorted(beyond))
        why_zh = (
            "仅在拒不改正或者情节严重时可以并处"
            if beyond <= rule.aggravated
            else "不在该条规定的处罚种类内"
        )
        why_en = (
            "only when the provider refuses to correct or the circumstances are serious"
            if beyond <= rule.aggravated
            else "not a measure that article provides"
        )
        raise PenaltyOutOfRange(
            "measure_not_allowed",
            f"依{rule.basis_zh}，{names}{why_zh}",
            f"Under Art. {rule.article}, {names_en}: {why_en}",
            field="measures",
            allowed=sorted(str(m) for m in allowance.measures),
        )
    missing = allowance.required - chosen
    if missing:
        names = "、".join(MEASURE_NAMES[m][0] for m in sorted(missing))
        names_en = ", ".join(MEASURE_NAMES[m][1] for m in sorted(missing))
        raise PenaltyOutOfRange(
            "measure_required",
            f"依{rule.basis_zh}，本情形必须包括：{names}",
            f"Under Art. {rule.article} this decision must include: {names_en}",
            field="measures",
            required=sorted(str(m) for m in allowance.required),
        )
    if Measure.FINE in chosen:
        assert allowance.fine_range is not None  # FINE is allowed only with a range
        low, high = allowance.fine_range
        if fine_yuan is None or not low <= fine_yuan <= high:
            raise PenaltyOutOfRange(
                "fine_out_of_range",
                f"依{rule.basis_zh}，罚款应为{_yuan(low)}元以上{_yuan(high)}元以下"
                f"（决定为{_yuan(fine_yuan) + '元' if fine_yuan is not None else '未填写'}）",
                f"Under Art. {rule.article} the fine must be {_yuan(low)} to {_yuan(high)} yuan "
                f"(decided: {_yuan(fine_yuan) if fine_yuan is not None else 'none'})",
                field="fine_yuan",
                minimum=low,
                maximum=high,
            )
    return chosen


# --- decisions ------------------------------------------------------------------------------


def decide_penalty(
    session: Session,
    actor: Actor,
    case_id: str,
    *,
    breached_article: str,
    measures: list[str],
    facts: str,
    fine_yuan: int | None = None,
    refused_to_correct: bool = False,
    serious: bool = False,
    act_date: date | None = None,
    now: datetime | None = None,
) -> PenaltyDecision:
    """Record a penalty decision (a draft until finalised); outside the statutory measures or
    fine range it is refused with the reason (PenaltyOutOfRange)."""
    case = regulated_case(session, actor, case_id)
    now = now or utcnow()
    allowance = allowed(
        breached_article,
        refused_to_correct=refused_to_correct,
        serious=serious,
        on=act_date or local_date(case.opened_at),
    )
    chosen = check_decision(allowance, measures, fine_yuan)
    decision = PenaltyDecision(
        case_id=case.id,
        provider_id=case.provider_id,
        province_code=case.province_code,
        breached_article=allowance.breached_article,
        penalty_article=allowance.rule.article,
        refused_to_correct=refused_to_correct,
        serious=serious,
        measures=sorted(str(m) for m in chosen),
        fine_yuan=fine_yuan,
        legal_basis=allowance.legal_basis,
        facts=require_text(facts, "facts", "请写明违法事实", "State the facts found"),
        state=PenaltyState.DRAFT,
        decided_by=actor.name,
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    case_audit(
        session,
        actor,
        "penalty.decide",
        case,
        at=now,
        reason=decision.facts,
        details={
            "penalty": decision.id,
            "article": decision.penalty_article,
            "measures": decision.measures,
            "fine_yuan": fine_yuan,
        },
    )
    return decision


def finalise_penalty(
    session: Session, actor: Actor, penalty_id: str, now: datetime | None = None
) -> PenaltyDecision:
    """Make a decision final: from then on it is shown on the provider's public registry
    entries."""
    decision = visible(session, actor, PenaltyDecision, penalty_id, "处罚决定", "Penalty decision")
    actor.require(Role.REGULATOR)
    if decision.state != PenaltyState.DRAFT:
        raise SupervisionError(
            "already_final", "处罚决定已生效", "The decision is already final", kind="conflict"
        )
    now = now or utcnow()
    decision.state = PenaltyState.FINAL
    decision.final_at = now
    case_audit(
        session,
        actor,
        "penalty.finalise",
        decision.case,
        at=now,
        details={"penalty": decision.id},
    )
    return decision


@dataclass(frozen=True)
class PublicPenalty:
    """A final decision as the public registry shows it."""

    decided_on: date
    penalty_article: str
    breached_article: str
    measures: list[str]
    measures_zh: list[str]
    fine_yuan: int | None
    legal_basis: str
    facts: str


def public_penalties(session: Session, provider_id: str) -> list[PublicPenalty]:
    """Final penalty decisions against a provider (no actor: this is public information)."""
    decisions = session.scalars(
        select(PenaltyDecision)
        .where(
            PenaltyDecision.provider_id == provider_id,
            PenaltyDecision.state == PenaltyState.FINAL,
        )
        .order_by(PenaltyDecision.final_at.desc())
    )
    return [
        PublicPenalty(
            decided_on=local_date(d.final_at or d.decided_at),
            penalty_article=d.penalty_article,
            breached_article=d.breached_article,
            measures=list(d.measures),
            measures_zh=[MEASURE_NAMES[Measure(m)][0] for m in d.measures],
            fine_yuan=d.fine_yuan,
            legal_basis=d.legal_basis,
            facts=d.facts,
        )
        for d in decisions
    ]


def public_penalties_for_number(session: Session, number: str) -> list[PublicPenalty] | None:
    """Final decisions against the provider of a published filing number; None when the number
    is not in the public registry (a malformed number raises FilingNumberError)."""
    canonical = str(parse_filing_number(number))
    provider_id = session.scalar(
        select(Filing.provider_id).where(
            Filing.number == canonical, Filing.state.in_([str(s) for s in PUBLISHED])
        )
    )
    return None if provider_id is None else public_penalties(session, provider_id)
