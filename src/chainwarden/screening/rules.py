"""Pattern rules for what single words cannot express, run on normalised text.

Each rule has a stable id (shown in every hit), the category it is evidence for, and a weight in
(0, 1] like a lexicon term. The patterns see the normalised text: lower case, half-width, simplified
Chinese, Chinese numerals that count something already turned into digits.

A regular expression over every text of a batch would cost more than everything else together, so
each rule names ``anchors``, literals of which one must occur for it to match; the engine finds the
anchors with an automaton and runs a rule only on texts that contain one of its anchors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"[0-9]+(?:\.[0-9]+)?"


@dataclass(frozen=True, slots=True)
class PatternRule:
    """``anchors``: literals of which one must occur for the pattern to match; ``long_token``:
    the pattern needs a run of at least 25 letters and digits (addresses) instead."""

    rule: str
    category: str
    weight: float
    pattern: re.Pattern[str]
    anchors: tuple[str, ...] = ()
    long_token: bool = False


def _rule(
    rule: str,
    category: str,
    weight: float,
    pattern: str,
    anchors: tuple[str, ...] = (),
    long_token: bool = False,
) -> PatternRule:
    if not anchors and not long_token:
        raise ValueError(f"{rule}: a pattern rule needs anchors or long_token")
    return PatternRule(rule, category, weight, re.compile(pattern), anchors, long_token)


def _first_words(words: tuple[str, ...], rest: str) -> str:
    """``(?:w1|w2|…)rest`` written ``w1rest|w2rest|…``: the same matches (the branches are tried
    in the same order), but a pattern whose every branch starts with a literal lets the regex
    engine skip to the places where one of those characters occurs, several times faster."""
    return "|".join(re.escape(w) + rest for w in words)


_DIGIT_X = tuple(f"{d}{sep}x" for d in "0123456789" for sep in ("", " "))
_DIGIT_TIMES = tuple(f"{d}{sep}倍" for d in "0123456789" for sep in ("", " "))
_V_LEVEL = tuple(f"v{d}" for d in "0123456789")
LONG_TOKEN = 25

RULES: tuple[PatternRule, ...] = (
    # Promised yields: 日化3% / 月化 10% / 年化收益率 36% / 每天返2% / 3% daily / 1.5% per day.
    _rule(
        "pattern:yield-period",
        "fundraising",
        0.7,
        _first_words(
            (
                *("日化", "月化", "年化", "日息", "月息", "日收益", "月收益", "日利", "日返"),
                *("每天返", "每日返", "每天收益", "每日收益", "每天", "每日", "每月"),
                *("静态收益", "稳定收益", "保底收益", "固定收益"),
            ),
            rf"[^0-9\n]{{0,6}}{_NUM}\s*%",
        ),
        ("%",),
    ),
    _rule(
        "pattern:yield-daily",
        "fundraising",
        0.7,
        rf"{_NUM}\s*%\s*(?:(?:guaranteed\s+)?(?:daily|a day|per day|every day|each day|monthly|"
        rf"a month|per month|weekly|a week|per week)\b|/\s*(?:day|month|week)\b|"
        rf"(?:的)?(?:日收益|日化|每天|每日|月收益|每月|周收益))",
        ("%",),
    ),
    _rule(
        "pattern:yield-return",
        "fundraising",
        0.6,
        _first_words(
            ("guaranteed", "fixed", "stable", "passive", "daily"),
            rf"\s+(?:returns?|income|profits?|yields?)\s+(?:of\s+)?{_NUM}\s*%",
        )
        + "|"
        + _first_words(
            ("保本", "保息", "稳赚", "稳定", "固定", "保底"), rf"[^0-9\n]{{0,8}}{_NUM}\s*%"
        ),
        ("%",),
    ),
    # Multipliers: 100倍 / 千倍币 / 100x / 1000x gem.
    _rule(
        "pattern:multiplier",
        "speculation",
        0.6,
        # The look-behind after the first digit (the same test) lets the engine skip to digits.
        r"[1-9](?<![0-9.][1-9])[0-9]{1,5}\s*倍",
        _DIGIT_TIMES,
    ),
    _rule(
        "pattern:multiplier-x",
        "speculation",
        0.6,
        r"[1-9](?<![0-9a-z.$][1-9])[0-9]{1,5}\s*x(?![a-z0-9])(?!\s*(?:\d|leverage|杠杆))",
        _DIGIT_X,
    ),
    _rule(
        "pattern:leverage",
        "trading",
        0.6,
        r"(?<![0-9a-z.])[1-9][0-9]{0,3}\s*(?:x|倍)\s*(?:leverage|杠杆)"
        r"|(?:杠杆|leverage)\s*(?:up to\s*)?[1-9][0-9]{0,3}\s*(?:x|倍)",
        ("leverage", "杠杆"),
    ),
    # Invite and referral codes and links.
    _rule(
        "pattern:invite-code",
        "pyramid",
        0.6,
        r"(?:邀请码|推荐码|注册码|邀请链接|推广码|invite code|invitation code|referral code|"
        r"ref code|promo code)\s*[:：]?\s*[a-z0-9]{4,12}(?![a-z0-9])",
        (
            "邀请码",
            "推荐码",
            "注册码",
            "邀请链接",
            "推广码",
            "invite code",
            "invitation code",
            "referral code",
            "ref code",
            "promo code",
        ),
    ),
    _rule(
        "pattern:invite-link",
        "pyramid",
        0.5,
        r"https?://\S+?[?&](?:ref|invite|inviter|invitecode|invite_code|referral|code|aff|parent)"
        r"=[a-z0-9_-]+",
        ("ref=", "invite", "referral=", "code=", "aff=", "parent="),
    ),
    # Wallet addresses (weak alone: technical documents show them too).
    _rule(
        "pattern:address-evm",
        "fraud",
        0.3,
        r"(?<![0-9a-z])0x[0-9a-f]{40}(?![0-9a-z])",
        long_token=True,
    ),
    _rule(
        "pattern:address-tron",
        "trading",
        0.3,
        r"(?<![0-9a-z])t[1-9a-hj-np-z]{33}(?![0-9a-z])",
        long_token=True,
    ),
    _rule(
        "pattern:address-btc",
        "fraud",
        0.3,
        r"(?<![0-9a-z])(?:bc1[02-9ac-hj-np-z]{25,60}|[13][1-9a-hj-np-z]{25,34})(?![0-9a-z])",
        long_token=True,
    ),
    # Recruitment levels: V1直推5人 / 伞下100人 / 3代收益 / level 2 … 10 referrals.
    _rule(
        "pattern:levels",
        "pyramid",
        0.7,
        _first_words(
            ("直推", "伞下", "团队", "下级", "下线", "推荐"),
            r"\s*(?:满)?\s*[0-9]+\s*(?:人|个|名|位)",
        )
        + r"|v(?<![a-z]v)[0-9]{1,2}\s*(?:会员|等级|级别|节点|直推|团队|可享|享)|"
        + _first_words(tuple("123456789"), r"\s*代(?:收益|奖励|分红|提成)"),
        (
            "直推",
            "伞下",
            "团队",
            "下级",
            "下线",
            "推荐",
            "代收益",
            "代奖励",
            "代分红",
            "代提成",
            *_V_LEVEL,
        ),
    ),
    _rule(
        "pattern:levels-en",
        "pyramid",
        0.6,
        r"\b(?:recruit|refer|invite|bring in)\s+[0-9]+\s+(?:people|friends|members|referrals|users)\b"
        r"|\b(?:level|tier)\s*[1-9]\b[^.\n]{0,40}\b(?:downlines?|referrals?|team)\b",
        ("recruit", "refer", "invite", "bring in", "level", "tier"),
    ),
    # Returns promised without a scheme word: for life / forever; as much again as invested.
    _rule(
        "pattern:yield-forever",
        "fundraising",
        0.75,
        r"(?:daily|every day|each day|per day|monthly|weekly)\s+(?:returns?|income|profits?|"
        r"earnings?|payouts?|interest|dividends?)\b[^.\n]{0,40}\b(?:for life|for a lifetime|"
        r"forever|for ever|lifelong|for the rest of your life)\b"
        r"|\b(?:lifetime|lifelong|forever)\s+(?:daily\s+)?(?:returns?|income|dividends?|payouts?)"
        r"|(?:终身|永久|一辈子|一直|天天)(?:享受?|拿|领|获得)?(?:收益|分红|利息|返利|返现)"
        r"|(?:躺着|躺平|睡着)(?:就能|也能|都能)?(?:赚钱|赚|拿收益|收钱)",
        (
            *("daily", "every day", "each day", "per day", "monthly", "weekly"),
            *("lifetime", "lifelong", "forever"),
            *("终身", "永久", "一辈子", "一直", "天天", "躺着", "躺平", "睡着"),
        ),
    ),
    _rule(
        "pattern:deposit-bonus",
        "fundraising",
        0.75,
        rf"(?:投|充|存|买|入金)多少(?:就)?(?:送|返|赠|奖)多少"
        rf"|(?:送|赠送|奖励|返还?|额外(?:送|奖励|返))\s*(?:您|你)?(?:的)?\s*"
        rf"(?:投资|投入|充值|入金|本金|存入)(?:金额|额|资金)?的?\s*{_NUM}\s*%"
        rf"|(?:投资|投入|充值|入金|存入)(?:金额|额)?(?:即|就|立)?(?:送|赠送?|返|奖励)\s*{_NUM}\s*%"
        rf"|\b(?:bonus|reward|extra)\s+of\s+{_NUM}\s*%\s+(?:on|of)\s+(?:your|the|every|each|any)?"
        rf"\s*(?:first\s+)?(?:amount\s+(?:you\s+)?)?(?:deposit|investment|invest|top[- ]?up)"
        rf"|{_NUM}\s*%\s+(?:deposit|investment|top[- ]?up|welcome)\s+bonus"
        rf"|\b(?:double|triple)\s+(?:your|the)\s+(?:deposit|investment|money)\b",
        (
            *("多少", "送", "赠送", "奖励", "返", "额外"),
            *("投资", "充值", "入金", "存入", "投入"),
            *("bonus", "reward", "extra", "double", "triple"),
        ),
    ),
    # Cloud mining and hash-power packages sold for income.
    _rule(
        "pattern:mining-package",
        "fundraising",
        0.7,
        r"(?:云算力|算力|矿机|云矿机|挖矿)(?:套餐|合约|包|租赁|托管|理财|份额)"
        r"|\b(?:cloud[- ]?mining|hash[- ]?(?:rate|power)|mining)\s+(?:packages?|plans?|contracts?"
        r"|rigs? for rent|subscriptions?)\b[^.\n]{0,60}\b(?:earn|income|profit|returns?|daily|"
        r"passive|payout)",
        (
            *("云算力", "算力", "矿机", "挖矿"),
            *("cloud mining", "cloud-mining", "cloudmining", "hash", "mining"),
        ),
    ),
    # A wallet or account said to be suspended, with a request to verify: a phishing lure.
    _rule(
        "pattern:suspended-verify",
        "fraud",
        0.75,
        r"(?:钱包|账户|账号|资产)(?:已经|已|已被|被|将被|将)?(?:冻结|暂停|停用|锁定|封禁|异常|限制|风控)"
        r"[^\n]{0,40}(?:验证|认证|解冻|激活|同步|提交|输入|点击|链接|授权)"
        r"|\b(?:wallet|account)\s+(?:has\s+been|have\s+been|was|is|will\s+be|got)\s+"
        r"(?:temporarily\s+)?(?:suspended|locked|frozen|restricted|disabled|flagged|deactivated)"
        r"\b[^\n]{0,100}\b(?:verify|validate|confirm|restore|unlock|reactivate|sync|connect)",
        ("钱包", "账户", "账号", "资产", "wallet", "account"),
    ),
    # Listing hype: a token said to be about to list on the big exchanges.
    _rule(
        "pattern:listing-hype",
        "speculation",
        0.65,
        r"(?:即将|马上|很快|下周|近期|准备|就要|月底)(?:登录|登陆|上线|上)(?:各大|多家|主流|头部|一线|"
        r"全球|知名)?(?:的)?(?:交易所|交易平台)"
        r"|\b(?:about to|soon to|set to|going to|will soon|will|gonna)\s+(?:be\s+)?list(?:ed|ing)?\s+"
        r"on\s+(?:all\s+)?(?:the\s+)?(?:major|top|big|biggest|tier[- ]?1|leading)\b",
        (
            *("即将", "马上", "很快", "下周", "近期", "准备", "就要", "月底"),
            *("about to", "soon to", "set to", "going to", "will", "gonna"),
        ),
    ),
    # A coin sold as the only lawful or state-approved digital currency.
    _rule(
        "pattern:only-lawful-coin",
        "ico",
        0.8,
        r"唯一(?:合法|合规|官方|国家认可|国家批准|政府认可|政府批准|受法律保护)的?"
        r"(?:数字货币|虚拟货币|数字资产|加密货币|币|数字人民币)"
        r"|\bonly\s+(?:legal|lawful|legitimate|licensed|government[- ]approved|"
        r"(?:officially|state|government)[- ]approved|regulated)\s+(?:digital\s+currency|"
        r"cryptocurrency|crypto(?:currency)?|coin|token|digital\s+asset)",
        ("唯一", "only"),
    ),
    # Exchange promotion: a lifetime fee rebate.
    _rule(
        "pattern:fee-rebate",
        "trading",
        0.6,
        rf"(?:永久|终身|最高|高达)\s*(?:{_NUM}\s*%\s*)?(?:的)?(?:手续费)?(?:返佣|返还手续费|手续费返还)"
        rf"|\b(?:lifetime|permanent|forever)\s+(?:{_NUM}\s*%\s+)?(?:trading\s+)?(?:fee\s+)?"
        rf"(?:rebates?|kickbacks?|commission\s+rebates?|fee\s+discounts?)",
        ("永久", "终身", "最高", "高达", "lifetime", "permanent", "forever"),
    ),
    # Speech act: a contact handle or a link addressed to the reader (context, not a category).
    _rule(
        "pattern:contact-handle",
        "context:promotion",
        0.8,
        r"(?:微信|v信|vx|wx|weixin|qq|tg|telegram|电报|飞机|whatsapp|wechat|line)\s*(?:号|id|群)?"
        r"\s*[:：]\s*@?[a-z0-9_-]{5,}"
        r"|(?:加|添加|联系)(?:微信|v信|vx|wx|qq|tg|电报|飞机)\s*@?[a-z0-9_-]{5,}",
        (
            *("微信", "v信", "vx", "wx", "weixin", "qq", "tg", "telegram", "电报", "飞机"),
            *("whatsapp", "wechat", "line"),
        ),
    ),
    # Return of a multiple: 转入 0.1 eth 返还 1 eth / send 1 eth get 2 back.
    _rule(
        "pattern:send-back",
        "fraud",
        0.7,
        rf"(?:转入|转账|发送|send|deposit)\s*{_NUM}\s*[a-z]{{2,5}}[^\n]{{0,30}}"
        rf"(?:返还|返回|回馈|赠送|get|receive|back)\s*{_NUM}\s*[a-z]{{2,5}}",
        ("转入", "转账", "发送", "send", "deposit"),
    ),
)
