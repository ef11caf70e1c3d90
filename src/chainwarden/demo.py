"""Demo data for ``chainwarden run --demo``: regulators, three providers, a service in every
filing state. Dates are fixed in 2026 so every deadline can be counted with the official
holiday schedule."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainwarden.accounts import SYSTEM, Account, Actor, Role
from chainwarden.accounts import service as accounts
from chainwarden.gateway import publish
from chainwarden.identity import agreements, users
from chainwarden.identity.verifiers import OfflineVerifier
from chainwarden.registry import checks, filings
from chainwarden.registry.models import Filing, Service
from chainwarden.registry.providers import ProviderInfo, ServiceInfo, register_provider
from chainwarden.store import Database
from chainwarden.supervision import (
    assessments,
    inspections,
    penalties,
    record_screening_counts,
    rectification,
)
from chainwarden.supervision.assessments import DUTIES, AssessmentInfo, ChecklistItem
from chainwarden.workdays import WorkingCalendar
from chainwarden.workdays.store import load_calendar

PASSWORD = "chainwarden-demo"

PROVIDERS = [
    ProviderInfo(
        name="链信科技（北京）有限公司",
        uscc="91110108MA01ABCD0B",
        kind="entity",
        region_code="110108",
        legal_representative="王建国",
        responsible_person="李明",
        contact_phone="010-62345678",
        address="北京市海淀区中关村大街1号",
        contact_email="compliance@lianxin.example",
    ),
    ProviderInfo(
        name="沪链数据服务有限公司",
        uscc="91310115MA1HXY2T0D",
        kind="node",
        region_code="310115",
        legal_representative="陈静",
        responsible_person="周伟",
        contact_phone="13912345678",
        address="上海市浦东新区张江路88号",
    ),
    ProviderInfo(
        name="浙链云计算有限公司",
        uscc="91330106MA2CDEF1K9",
        kind="technical_support",
        region_code="330106",
        legal_representative="吴芳",
        responsible_person="郑磊",
        contact_phone="0571-87654321",
        address="杭州市西湖区文三路200号",
    ),
]


def _at(day: str, hour: int = 2) -> datetime:
    # 02:00 UTC is 10:00 in Beijing: the same calendar day on both sides.
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _service(name: str, started: str, **extra: object) -> ServiceInfo:
    values: dict[str, object] = {
        "name": name,
        "category": "区块链存证",
        "form": "website",
        "address": f"https://s{zlib.crc32(name.encode()) % 10_000}.demo.example",
        "application_field": "司法存证",
        "chain_type": "consortium",
        "platform": "FISCO BCOS",
        "node_count": 7,
        "started_on": date.fromisoformat(started),
        "server_addresses": ["203.0.113.10"],
    }
    values.update(extra)
    return ServiceInfo(**values)  # type: ignore[arg-type]


def seed(db: Database) -> Iterator[str]:
    """Seed once; on later runs only print the logins."""
    with db.session() as session:
        if session.scalar(select(Account.id).where(Account.username == "admin")) is None:
            _seed(session, load_calendar(session))
            yield "demo data created / 已创建演示数据"
    yield f"demo logins (password for all: {PASSWORD}) / 演示账户（密码均为 {PASSWORD}）:"
    for username, what in [
        ("admin", "system administrator / 系统管理员"),
        ("cac", "national regulator / 国家网信办"),
        ("bj-cac", "Beijing regulator / 北京市网信办"),
        ("lianxin-admin", "provider admin, 链信科技 (Beijing)"),
        ("lianxin-reviewer", "provider reviewer, 链信科技 (Beijing)"),
        ("hulian-admin", "provider admin, 沪链数据 (Shanghai)"),
        ("zhelian-admin", "provider admin, 浙链云 (Zhejiang)"),
    ]:
        yield f"  {username:<18} {what}"


def _seed(session: Session, calendar: WorkingCalendar) -> None:
    def account(username: str, role: Role, **scope: str | None) -> None:
        accounts.create_account(
            session,
            SYSTEM,
            username=username,
            password=PASSWORD,
            role=role,
            reason="demo data",
            **scope,
        )

    account("admin", Role.ADMIN)
    account("cac", Role.REGULATOR)
    account("bj-cac", Role.REGULATOR, province_code="11")
    providers = [register_provider(session, SYSTEM, info, reason="demo data") for info in PROVIDERS]
    lianxin, hulian, zhelian = providers
    account("lianxin-admin", Role.PROVIDER_ADMIN, provider_id=lianxin.id)
    account("lianxin-reviewer", Role.PROVIDER_REVIEWER, provider_id=lianxin.id)
    account("hulian-admin", Role.PROVIDER_ADMIN, provider_id=hulian.id)
    account("zhelian-admin", Role.PROVIDER_ADMIN, provider_id=zhelian.id)

    regulator = accounts.actor_of(
        session.scalars(select(Account).where(Account.username == "cac")).one()
    )

    def filing(provider_id: str, info: ServiceInfo) -> str:
        service = filings.open_service(session, SYSTEM, calendar, provider_id, info)
        assert service.filing is not None
        return service.filing.id

    def submitted(provider_id: str, info: ServiceInfo, day: str) -> str:
        filing_id = filing(provider_id, info)
        filings.submit(session, SYSTEM, calendar, filing_id, _at(day))
        return filing_id

    # draft
    filing(lianxin.id, _service("链信存证平台（测试版）", "2026-11-16"))
    # filed, later changed, and a filed service that is being cancelled
    filed = submitted(lianxin.id, _service("链信电子合同", "2026-03-02"), "2026-03-10")
    filings.approve(session, regulator, filed, _at("2026-03-27"))
    filings.submit_change(
        session,
        SYSTEM,
        calendar,
        filed,
        change_date=date(2026, 6, 1),
        values={"node_count": 12, "server_addresses": ["203.0.113.10", "203.0.113.11"]},
        reason="扩容节点 / added nodes",
        now=_at("2026-06-03"),
    )
    ending = submitted(
        hulian.id,
        _service("沪链供应链金融", "2026-01-05", form="app", address="com.hulian.scf"),
        "2026-01-09",
    )
    filings.approve(session, regulator, ending, _at("2026-01-30"))
    filings.cancel(
        session,
        SYSTEM,
        calendar,
        ending,
        termination_date=date(2026, 9, 30),
        arrangements="用户数据已迁移至新平台 / user data migrated",
        now=_at("2026-07-01"),
    )
    # submitted: one awaiting review in time, one past its review deadline, one filed late
    submitted(hulian.id, _service("沪链数字藏品溯源", "2026-11-10"), "2026-11-20")
    submitted(zhelian.id, _service("浙链BaaS平台", "2026-08-03", chain_type="public"), "2026-08-10")
    submitted(zhelian.id, _service("浙链跨链网关", "2026-04-01"), "2026-06-15")
    # returned for completion, and refused
    returned = submitted(
        lianxin.id,
        _service("链信司法链小程序", "2026-10-12", form="mini_program", address="wx1234567890"),
        "2026-10-16",
    )
    filings.return_for_completion(
        session,
        regulator,
        returned,
        "缺少服务器地址证明材料 / server address proof missing",
        _at("2026-10-30"),
    )
    refused = submitted(
        zhelian.id,
        _service("浙链代币交易所", "2026-05-06", issues_or_trades_tokens=True),
        "2026-05-08",
    )
    filings.refuse(
        session,
        regulator,
        refused,
        "提供虚拟货币交易服务，违反国家规定 / offers virtual-currency trading, which is prohibited",
        _at("2026-05-20"),
    )
    checks.open_campaign(
        session,
        regulator,
        title="2026年度定期查验 / 2026 regular check",
        opens_on=date(2026, 11, 2),
        closes_on=date(2026, 12, 18),
    )
    _seed_supervision(session, calendar, regulator, filed, zhelian.id)
    _seed_posts(session, filed)


def _seed_supervision(
    session: Session, calendar: WorkingCalendar, regulator: Actor, filed: str, zhelian_id: str
) -> None:
    """A settled case with a final penalty on 链信电子合同, an overdue order that keeps a 浙链
    service suspended, a security assessment awaiting review, and weeks of screening counts."""
    filing = session.get_one(Filing, filed)
    service = filing.service
    case = inspections.open_case(
        session,
        regulator,
        filing.provider_id,
        title="日志留存专项检查 / log retention inspection",
        service_id=service.id,
        now=_at("2026-07-06"),
    )
    inspections.add_finding(
        session,
        regulator,
        case.id,
        article="17",
        description="链上操作日志仅保存90天 / operation logs kept 90 days only",
        now=_at("2026-07-06", 3),
    )
    order = rectification.order_rectification(
        session,
        regulator,
        calendar,
        case.id,
        article="17",
        requirement="日志留存不少于六个月 / keep logs at least six months",
        working_days=10,
        now=_at("2026-07-07"),
    )
    rectification.report_correction(
        session, SYSTEM, order.id, "归档系统已上线 / archive in service", _at("2026-07-17")
    )
    rectification.accept_correction(
        session, regulator, order.id, "复查合格 / verified", _at("2026-07-20")
    )
    decision = penalties.decide_penalty(
        session,
        regulator,
        case.id,
        breached_article="17",
        serious=True,
        measures=["warning", "order_correction", "suspension", "fine"],
        fine_yuan=10_000,
        facts="日志留存不足六个月，涉及用户逾十万 / logs short of six months for 100,000+ users",
        now=_at("2026-07-22"),
    )
    penalties.finalise_penalty(session, regulator, decision.id, _at("2026-07-24"))
    inspections.close_case(session, regulator, case.id, "整改完成 / corrected", _at("2026-07-27"))

    baas = session.scalars(
        select(Service).where(Service.provider_id == zhelian_id, Service.name == "浙链BaaS平台")
    ).one()
    open_case = inspections.open_case(
        session,
        regulator,
        zhelian_id,
        title="信息审核制度检查 / information review inspection",
        service_id=baas.id,
        now=_at("2026-11-13"),
    )
    rectification.order_rectification(
        session,
        regulator,
        calendar,
        open_case.id,
        article="5",
        requirement="建立信息审核制度 / set up information review",
        working_days=5,
        now=_at("2026-11-16"),
    )
    checklist = {key: ChecklistItem(True, "已落实 / in place", [f"{key}.pdf"]) for key in DUTIES}
    assessments.submit(
        session,
        SYSTEM,
        calendar,
        service.id,
        AssessmentInfo(
            title="电子合同跨链存证功能 / cross-chain notarisation",
            kind="function",
            description="合同摘要同步至司法链 / contract digests anchored on the judicial chain",
            launch_date=date(2027, 1, 15),
            checklist=checklist,
        ),
        _at("2026-11-18"),
    )
    day = date(2026, 9, 28)
    while day <= date(2026, 11, 24):
        n = day.toordinal()
        record_screening_counts(
            session,
            SYSTEM,
            filing.provider_id,
            day,
            {"ico": n % 5, "trading": n % 7, "fraud": n % 3, "pyramid": (n // 7) % 4},
            _at(day.isoformat(), 15),
        )
        day += timedelta(days=1)


# What users of 链信电子合同 tried to publish: screening lets the first through (ledger and
# retention), holds the question for the reviewer and refuses the advertisement.
DEMO_POSTS = [
    "今天把三百份采购合同的哈希上链存证，司法链节点同步正常。",
    "朋友推荐的一个数字藏品平台靠谱吗？有人用过吗",
    "新币私募最后一轮，保本保息，日化收益2%，拉人头还有推荐奖励，速进群！",
]


def _seed_posts(session: Session, filed: str) -> None:
    service = session.get_one(Filing, filed).service
    admin = Actor(
        id=None, name="lianxin-admin", role=Role.PROVIDER_ADMIN, provider_id=service.provider_id
    )
    now = _at("2026-11-20")
    agreement = agreements.publish_agreement(
        session,
        admin,
        service.id,
        "service_agreement",
        "链信电子合同用户服务协议",
        "用户应实名注册，不得利用本服务发布法律、行政法规禁止的信息。",
    )
    for n, text in enumerate(DEMO_POSTS):
        user, _ = users.register_user(
            session,
            admin,
            service.id,
            users.NewUser(nickname=f"演示用户{n + 1}", real_name="张三", number=f"1390000010{n}"),
            now=now,
        )
        users.verify_user(session, admin, user.id, OfflineVerifier(), now=now)
        agreements.accept_agreement(session, user, agreement.id, now=now)
        publish.publish(session, user, service.id, text, now=now + timedelta(hours=n + 1))
