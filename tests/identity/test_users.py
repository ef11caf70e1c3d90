"""Service users: registration, encryption at rest, look-up, verification, tokens, and the
publish path's question (verified, agreement accepted, not restricted, not closed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from chainwarden.accounts import SYSTEM
from chainwarden.errors import ChainwardenError
from chainwarden.identity import agreements, measures, users
from chainwarden.identity.errors import IdentityError
from chainwarden.identity.models import AgreementKind, ServiceUser
from chainwarden.identity.verifiers import OfflineVerifier, Outcome, VerificationResult
from chainwarden.keys import keyring

RIC = "11010519491231002X"
NOW = datetime(2026, 5, 6, 3, tzinfo=UTC)


def new_user(**extra: object) -> users.NewUser:
    values: dict[str, object] = {"nickname": "链上小王", "real_name": "王小明", "number": RIC}
    values.update(extra)
    return users.NewUser(**values)  # type: ignore[arg-type]


class Answer:
    """A verifier with a fixed answer."""

    name = "fixed"

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.calls: list[tuple[str, str, str]] = []

    def verify(self, kind, number, name):
        self.calls.append((str(kind), number, name))
        return VerificationResult(self.outcome, self.name, "答复", "answer", 1)


def test_register_stores_only_ciphertext_hash_and_mask(db, iw):
    with db.session() as s:
        user, token = users.register_user(
            s, iw.bj_provider, iw.service_id, new_user(mobile="+86 138 1234 5678"), now=NOW
        )
        user_id = user.id
    assert token.secret.startswith("cwu_")
    with db.session() as s:
        user = s.get_one(ServiceUser, user_id)
        assert user.number_masked == "110105********002X"
        assert user.mobile_masked == "138****5678"
        assert user.name_masked == "王**"
        assert user.kind == "person" and user.verification == "unverified"
        assert RIC not in user.number_ct and "13812345678" not in (user.mobile_ct or "")
        assert (
            keyring().decrypt(user.number_ct, context=f"identity_users.number_ct:{user_id}")
            == RIC.encode()
        )


def test_no_plaintext_identity_data_in_the_sqlite_file(iw, db):
    if not db.url.startswith("sqlite"):
        pytest.skip("scans the SQLite file")
    numbers = [RIC, "44030419900307123X", "91350100M000100Y43"]
    with db.session() as s:
        for i, number in enumerate(numbers):
            users.register_user(
                s,
                iw.bj_provider,
                iw.service_id,
                new_user(
                    nickname=f"user{i}",
                    real_name=f"真名{i}号",
                    number=number,
                    mobile=f"1391234567{i}",
                ),
                now=NOW,
            )
        (user,) = users.find_users(s, iw.bj_provider, RIC)
        users.verify_user(s, iw.bj_provider, user.id, OfflineVerifier(), now=NOW)
    db.dispose()
    path = db.url.removeprefix("sqlite:///")
    raw = b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if Path(p).exists())
    assert b"110105********002X" in raw  # the scan does read the stored rows
    for secret in [*numbers, *[f"1391234567{i}" for i in range(3)]]:
        assert secret.encode() not in raw, secret
        assert secret.lower().encode() not in raw
    # People's names are secret; an organisation's name (the third) is public record.
    for i in range(2):
        assert f"真名{i}号".encode() not in raw


def test_duplicates_are_found_by_keyed_hash(db, iw):
    with db.session() as s:
        users.register_user(s, iw.bj_provider, iw.service_id, new_user(mobile="13812345678"))
        with pytest.raises(IdentityError) as caught:
            users.register_user(
                s, iw.bj_provider, iw.service_id, new_user(number="110105 19491231 002x")
            )
        assert caught.value.code == "user_exists" and caught.value.kind == "conflict"
        # Another provider's service may register the same person.
        users.register_user(s, iw.sh_provider, iw.other_service_id, new_user())
        assert len(users.find_users(s, iw.bj_provider, RIC)) == 1
        assert len(users.find_users(s, iw.cac, RIC)) == 2
        assert len(users.find_users(s, iw.bj_provider, "+8613812345678")) == 1
        assert users.find_users(s, iw.sh_provider, "13812345678") == []


def test_organisations_register_by_uscc(db, iw):
    with db.session() as s:
        user, _ = users.register_user(
            s,
            iw.bj_provider,
            iw.service_id,
            new_user(real_name="示例科技有限公司", number="91350100M000100Y43"),
        )
        assert user.kind == "organisation"
        assert user.number_masked == "91350100********43"
        assert user.name_masked == "示例科技有限公司"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"number": "110105194912310021"}, "ric_checksum"),
        ({"mobile": "12345678901"}, "mobile_prefix"),
        ({"nickname": " "}, "invalid_nickname"),
        ({"real_name": ""}, "invalid_real_name"),
    ],
)
def test_bad_registrations_say_why(db, iw, change, code):
    with db.session() as s, pytest.raises(IdentityError) as caught:
        users.register_user(s, iw.bj_provider, iw.service_id, new_user(**change))
    assert caught.value.code == code


def test_only_the_providers_own_staff_manage_its_users(db, iw):
    with db.session() as s:
        for actor in (iw.sh_provider, iw.sh_regulator):
            with pytest.raises(ChainwardenError) as caught:
                users.register_user(s, actor, iw.service_id, new_user())
            assert caught.value.kind == "not_found"
        for actor in (iw.bj_regulator, iw.admin):
            with pytest.raises(ChainwardenError) as caught:
                users.register_user(s, actor, iw.service_id, new_user())
            assert caught.value.kind == "forbidden"
        user, _ = users.register_user(s, iw.bj_reviewer, iw.service_id, new_user())
        # Regulators of the province read (masked); other providers do not see the user.
        assert users.get_user(s, iw.bj_regulator, user.id).id == user.id
        with pytest.raises(ChainwardenError):
            users.get_user(s, iw.sh_provider, user.id)
        with pytest.raises(ChainwardenError):
            users.verify_user(s, iw.bj_regulator, user.id, OfflineVerifier())
        assert users.list_users(s, iw.sh_regulator, iw.other_service_id) == []


def test_reveal_needs_a_provider_admin_and_a_reason(db, iw):
    with db.session() as s:
        user, _ = users.register_user(s, iw.bj_provider, iw.service_id, new_user())
        with pytest.raises(ChainwardenError):
            users.reveal(s, iw.bj_reviewer, user.id, "查询")
        with pytest.raises(IdentityError):
            users.reveal(s, iw.bj_provider, user.id, " ")
        shown = users.reveal(s, iw.bj_provider, user.id, "公安机关依法调取")
        assert shown == {"real_name": "王小明", "number": RIC, "mobile": None}


def test_verification_outcomes(db, iw):
    with db.session() as s:
        user, _ = users.register_user(s, iw.bj_provider, iw.service_id, new_user())
        error = Answer(Outcome.ERROR)
        users.verify_user(s, iw.bj_provider, user.id, error, now=NOW)
        assert error.calls == [("ric", RIC, "王小明")]
        assert user.verification == "unverified"  # unchanged: try again later
        users.verify_user(s, iw.bj_provider, user.id, Answer(Outcome.NO_MATCH), now=NOW)
        assert user.verification == "rejected" and user.verified_at is None
        result = users.verify_user(s, iw.bj_reviewer, user.id, OfflineVerifier(), now=NOW)
        assert result.outcome is Outcome.FORMAT_ONLY
        assert user.verification == "verified" and user.verified_at == NOW
        assert user.verification_method == "offline:format_only"
        assert "format and checksum only" in (user.verification_note or "")


def test_tokens_resolve_to_the_user_only(db, iw):
    with db.session() as s:
        user, first = users.register_user(s, iw.bj_provider, iw.service_id, new_user(), now=NOW)
        assert users.user_for_token(s, first.secret, now=NOW).id == user.id
        assert users.user_for_token(s, first.secret + "x", now=NOW) is None
        assert users.user_for_token(s, first.secret, now=NOW + timedelta(days=91)) is None
        second = users.issue_token(s, iw.bj_provider, user.id, revoke_others=True, now=NOW)
        assert users.user_for_token(s, first.secret, now=NOW) is None
        assert users.user_for_token(s, second.secret, now=NOW).id == user.id
        with pytest.raises(ChainwardenError):
            users.issue_token(s, iw.sh_provider, user.id)


def test_can_publish_only_when_verified_agreed_and_unrestricted(db, iw):
    with db.session() as s:
        actor = iw.bj_provider
        user, _ = users.register_user(s, actor, iw.service_id, new_user(), now=NOW)

        def refusal(service_id: str = iw.service_id, at: datetime = NOW) -> str | None:
            try:
                users.require_can_publish(s, user, service_id, now=at)
            except IdentityError as exc:
                assert exc.zh and exc.en and exc.kind == "forbidden"
                return exc.code
            return None

        assert refusal() == "not_verified"
        users.verify_user(s, actor, user.id, OfflineVerifier(), now=NOW)
        assert refusal() == "no_agreement"
        terms = agreements.publish_agreement(
            s, actor, iw.service_id, "service_agreement", "服务协议", "第一条 ……", now=NOW
        )
        assert refusal() == "agreement_not_accepted"
        agreements.accept_agreement(s, user, terms.id, now=NOW)
        assert refusal() is None
        assert refusal(iw.other_service_id) == "wrong_service"

        rules = agreements.publish_agreement(
            s, actor, iw.service_id, AgreementKind.PLATFORM_RULES, "平台公约", "禁止发布 ……"
        )
        assert refusal() == "agreement_not_accepted"
        agreements.accept_agreement(s, user, rules.id, recorded_by=iw.bj_reviewer)
        assert refusal() is None

        until = NOW + timedelta(days=7)
        measures.apply_measure(
            s, actor, user.id, "restriction", "刷屏", functions=["post"], until=until, now=NOW
        )
        assert refusal() == "function_restricted"
        assert refusal(at=until) is None  # expired
        users.require_can_use(s, user, "comment", now=NOW)  # other functions stay open

        measures.apply_measure(
            s, actor, user.id, "closure", "多次违规", now=NOW + timedelta(hours=1)
        )
        assert refusal(at=NOW + timedelta(hours=2)) == "account_closed"
        measures.apply_measure(
            s, actor, user.id, "reinstatement", "申诉成立", now=NOW + timedelta(hours=3)
        )
        assert refusal(at=NOW + timedelta(hours=4)) is None

        terms2 = agreements.publish_agreement(
            s, actor, iw.service_id, "service_agreement", "服务协议", "第一条（修订）"
        )
        assert terms2.version == 2
        assert refusal(at=NOW + timedelta(hours=4)) == "agreement_not_accepted"
        with pytest.raises(IdentityError) as caught:
            agreements.accept_agreement(s, user, terms.id)
        assert caught.value.code == "agreement_superseded"
        agreements.accept_agreement(s, user, terms2.id)
        assert refusal(at=NOW + timedelta(hours=4)) is None
        history = agreements.acceptances_of(s, user.id)
        assert [(g.kind, g.version, a.recorded_by) for a, g in history] == [
            ("service_agreement", 1, "user"),
            ("platform_rules", 1, "bj-reviewer"),
            ("service_agreement", 2, "user"),
        ]


def test_only_provider_admins_publish_agreements(db, iw):
    with db.session() as s:
        for actor in (iw.bj_reviewer, iw.bj_regulator):
            with pytest.raises(ChainwardenError):
                agreements.publish_agreement(s, actor, iw.service_id, "service_agreement", "t", "b")
        with pytest.raises(IdentityError) as caught:
            agreements.publish_agreement(s, SYSTEM, iw.service_id, "cookie_policy", "t", "b")
        assert caught.value.code == "invalid_agreement_kind"
        a = agreements.publish_agreement(s, SYSTEM, iw.service_id, "service_agreement", "t", "b")
        assert len(a.body_sha256) == 64
        assert s.scalar(select(ServiceUser.id)) is None
