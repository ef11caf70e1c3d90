"""Build the screening training corpus ``train.jsonl``.

Sources, all written for this project:

* ``handwritten_zh.tsv`` and ``handwritten_en.tsv``: one sample per line (``label<TAB>text``);
* templates in this module, filled with invented names, numbers and quoted scheme phrases, so
  that allowed texts (news, warnings) quote the same vocabulary that prohibited texts use;
* obfuscation transforms (full-width, spaced, traditional, pinyin, zero-width) applied to a
  share of the samples, marked in the ``obfuscation`` field.

The output is deterministic for a given seed::

    python src/chainwarden/screening/corpus/build_corpus.py [--seed N] [--output PATH]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEXICON_DIR = HERE.parent / "lexicon"
DEFAULT_OUTPUT = HERE / "train.jsonl"
SEED = 20261101

PROHIBITED = ("ico", "trading", "speculation", "fundraising", "pyramid", "fraud")
ALLOWED = ("tech", "news", "warning", "other")
EXPECTED = {
    **dict.fromkeys(PROHIBITED, "block"),
    **dict.fromkeys(ALLOWED, "pass"),
    "gray": "review",
}

OBFUSCATIONS = ("none", "fullwidth", "spaced", "traditional", "pinyin", "zero_width")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
SEPARATORS_ZH = (" ", "-", "*", ".", "|", "丶", "/", "_", "~", "·")
SEPARATORS_EN = (" ", ".", "-", "*", "_", "|")

# Hand-written files: the original short samples, real-world-style texts (adverts, lures,
# notices, judgments, news, explainers) and everyday background text unrelated to the topic.
SOURCE_PREFIXES = ("handwritten", "realworld", "background")
# A sample may be a two-character reply or a multi-paragraph page: real traffic is both.
MIN_LENGTH = 2
MAX_LENGTH = 8000


@dataclass(frozen=True)
class Sample:
    text: str
    lang: str
    label: str
    obfuscation: str = "none"


# --------------------------------------------------------------------------- slot fillers

SLOTS: dict[str, tuple[str, ...]] = {
    "proj_zh": (
        "澜舟链",
        "青穹",
        "北辰DAO",
        "鲸歌",
        "云帆链",
        "星垣",
        "锚点",
        "赤霄",
        "玄鸟",
        "川流",
        "潮汐链",
        "松果",
        "银杏",
        "燕归",
        "雾凇",
        "远岫",
        "栖梧",
        "拾光",
        "青禾",
        "蓝鲸湾",
    ),
    "proj_en": (
        "Lumora",
        "Orbitra",
        "Kestrel",
        "Veyra",
        "Quill",
        "Nebulix",
        "Zephyra",
        "Mossbank",
        "Driftwood",
        "Emberline",
        "Solvane",
        "Pinecrest",
        "Halcyon Grid",
        "Brindle",
        "Cobaltia",
        "Wrenfield",
        "Aurelis",
        "Tallowmere",
        "Gildfern",
        "Oxbow Labs",
    ),
    "tok": (
        "LZC",
        "QQN",
        "BCD",
        "JGX",
        "YFC",
        "LUM",
        "ORB",
        "KST",
        "VYR",
        "QIL",
        "NBX",
        "ZPH",
        "MSB",
        "DRW",
        "EMB",
        "SLV",
        "PNC",
        "HGX",
        "BRN",
        "CBT",
    ),
    "ex_zh": ("星港", "潮汐所", "金帆交易平台", "蓝桥", "远洋数字", "鲸湾", "北极星平台"),
    "ex_en": ("HarborX", "Coralbit", "Tidepool", "Gullwing", "Northmark", "Sandbar", "Quayside"),
    "daily": ("0.8", "1", "1.2", "1.5", "2", "2.5", "3"),
    "monthly": ("8", "10", "12", "15", "20", "30"),
    "mult": ("10", "20", "50", "100", "200", "1000"),
    "k": ("3", "5", "8", "12", "21", "30", "50", "99", "100", "300"),
    "small": ("50", "100", "200", "300", "500", "1000"),
    "price": ("0.002", "0.005", "0.01", "0.03", "0.08", "0.15"),
    "amt_zh": ("两亿", "3.6亿", "八千万", "1.2亿", "五千余万", "十七亿", "九百万"),
    "amt_en": ("$12 million", "$3.4 million", "$48 million", "$900,000", "$210 million"),
    "years_zh": ("三", "五", "七", "九", "十一", "十三"),
    "years_en": ("three", "five", "seven", "nine", "eleven"),
    "place_zh": ("某市", "南方某市", "A市", "B县", "某省", "沿海某地", "西部某市"),
    "place_en": ("a coastal city", "the capital", "two provinces", "the northern district"),
    "time_zh": ("今晚八点", "明早十点", "周五晚九点", "今晚十点", "明天中午", "周日晚上"),
    "time_en": ("tonight at 20:00 UTC", "Friday 18:00 UTC", "tomorrow noon UTC", "Sunday night"),
    "coin_zh": ("比特币", "以太坊", "狗狗币", "莱特币"),
    "coin_en": ("Bitcoin", "Ether", "Dogecoin", "Litecoin", "Solana"),
    "usd": ("61,200", "58,900", "3,040", "2,870", "0.16", "142", "88"),
    "pct": ("0.8", "1.4", "2.1", "3.5", "4.2", "6.7"),
    "net_en": ("Sepolia", "Holesky", "the local devnet", "our staging chain"),
    "svc_en": ("billing", "gateway", "notification", "profile", "search"),
    "slug": ("claim", "bonus", "vip", "node", "presale", "support", "wallet-check", "join"),
}

QUOTE_ZH = (
    "保本保息",
    "日息1%",
    "稳赚不赔",
    "拉人头奖励",
    "发展下线返利",
    "空投领取",
    "充值解冻",
    "百倍币",
    "带单喊单",
    "节点认购",
    "私募预售",
    "高价收U",
    "云算力每日收益",
    "静态加动态收益",
    "钱包验证",
    "转一返二",
    "平台兜底",
    "月化20%",
    "伞下业绩分红",
    "免费领币",
    "内部认购额度",
    "量化托管年化百分之百",
    "缴税后提现",
    "直推奖10%",
    "合约百倍杠杆",
    "一键跟单",
)
QUOTE_EN = (
    "guaranteed daily returns",
    "2% a day",
    "no risk",
    "recruit three friends",
    "downline bonus",
    "claim your airdrop",
    "pay to unfreeze",
    "100x gem",
    "VIP signals",
    "node sale",
    "presale allocation",
    "we buy USDT",
    "cloud mining income",
    "static and dynamic income",
    "wallet validation",
    "send 1 get 2",
    "the platform covers losses",
    "20% monthly",
    "team volume bonus",
    "free tokens",
    "insider allocation",
    "AI bot with fixed returns",
    "tax before withdrawal",
    "10 referral levels",
    "125x leverage",
    "copy trading",
)

OPEN_ZH = (
    "【重磅】",
    "兄弟们，",
    "各位老板好，",
    "最新消息：",
    "",
    "好消息！",
    "🔥",
    "限时福利：",
    "朋友们注意了，",
    "今日推荐：",
    "",
    "",
    "📢",
    "老铁们，",
)
CTA_ZH = (
    "私聊了解。",
    "加微信详聊。",
    "进群看置顶。",
    "名额有限，先到先得。",
    "链接：{url}",
    "有意向的扣1。",
    "感兴趣的私信我。",
    "详情咨询客服。",
    "错过不再有。",
    "",
    "",
    "速度上车！",
)
OPEN_EN = (
    "🚀 ",
    "BREAKING: ",
    "Hey fam, ",
    "Quick one: ",
    "",
    "",
    "Attention: ",
    "🔥 ",
    "Don't sleep on this. ",
    "GM! ",
)
CTA_EN = (
    "DM me for details.",
    "Link: {url}",
    "Limited spots.",
    "Join the group, link in bio.",
    "First come, first served.",
    "",
    "",
    "Reply YES to get in.",
    "Act fast.",
)

PROMO: dict[str, dict[str, tuple[str, ...]]] = {
    "ico": {
        "zh": (
            "{proj_zh}私募第二轮开启，私募价{price}U，上所价预计翻{mult}倍。",
            "{proj_zh}创世节点认购火热进行中，仅剩{k}个席位。",
            "{tok}预售价{price}，{time_zh}截止，即将上所。",
            "白名单认购通道已开放，{proj_zh}首发额度有限。",
            "{proj_zh}通证首期认购，{small}U起认购，上线后分期释放。",
            "{proj_zh}内部认购额度开放，上所即翻倍。",
            "{proj_zh}生态权益凭证认购中，持有即享全网手续费分成。",
            "新币首发：{tok}打新通道{time_zh}开启，人人有份。",
            "{proj_zh}联创节点只剩{k}席，持有节点享受平台收益分成。",
            "拼车私募{small}U一份，{proj_zh}上所后按份额释放。",
            "{proj_zh}原始积分限量认购，积分上线后一比一兑换{tok}。",
            "{tok}第三期预售价{price}U，下一期上调百分之三十。",
        ),
        "en": (
            "{proj_en} ({tok}) presale is live at ${price}, listing price will be {mult}x higher.",
            "Only {k} genesis nodes left in the {proj_en} node sale.",
            "{tok} private round closes {time_en}. Secure your allocation.",
            "Whitelist for the {proj_en} IDO is open, {small} USDT minimum.",
            "{proj_en} token sale stage 2: price increases next stage, buy before listing.",
            "Insider allocation for {tok} before it lists on {ex_en}.",
            "{proj_en} founder passes: {k} left, each converts to {tok} at launch.",
            "Group buy for the {tok} seed sale, {small} USDT per slot.",
            "Node licenses for {proj_en} sell out fast, phase 2 price is {mult}% higher.",
        ),
    },
    "trading": {
        "zh": (
            "长期收U，{ex_zh}现价加{price}，大额可谈。",
            "注册{ex_zh}送{small}U体验金，合约{mult}倍杠杆随便开。",
            "出金入金通道稳定，{ex_zh}充提秒到，无需实名。",
            "专业承兑{small}万以内当天结清，资金干净不冻卡。",
            "{ex_zh}永续合约上线新币对，返佣比例高达{monthly}0%。",
            "场外大宗OTC，现金换U，{place_zh}可当面交易。",
            "U价{usd}收，大量收U，款到放币。",
            "{ex_zh}秒合约三十秒一局，猜对涨跌收益百分之八十五。",
            "代收代付，承兑通道稳定，码商日结佣金。",
            "国际版APP下载教程，美区ID登录{ex_zh}，买U入金一步到位。",
        ),
        "en": (
            "Sign up on {ex_en} and get {small} USDT, trade perps with {mult}x leverage.",
            "Buying USDT above market rate, bank or cash, any size.",
            "{ex_en}: no KYC, instant withdrawals, zero trading fees.",
            "OTC desk for {tok} and USDT, crypto to cash same day.",
            "Use my code on {ex_en} for a {monthly}% fee rebate and a deposit bonus.",
            "Cash for USDT in {place_en}, same day, no questions asked.",
            "60-second trades on {ex_en}: predict up or down and win 85%.",
            "Rent your bank account for payment processing, {small} a week.",
        ),
    },
    "speculation": {
        "zh": (
            "{tok}{time_zh}准时拉盘，提前埋伏，目标{mult}倍。",
            "百倍币就在眼前，{tok}市值才几百万，现在上车还来得及。",
            "免费带单，胜率九成，今晚给出{tok}精准点位。",
            "喊单群今天又翻倍，明天继续冲{tok}。",
            "一键跟单{proj_zh}老师，月收益翻倍不是梦。",
            "土狗{tok}即将起飞，错过再等十年。",
            "{tok}庄家吸筹完毕，{time_zh}起爆，目标价先看{mult}倍。",
            "实盘带单今晚继续，上周喊的{tok}已经翻了{mult}倍。",
            "信号群今日点位：{tok}多单进场，止盈百分之{monthly}。",
        ),
        "en": (
            "{tok} is the next 100x gem, pump scheduled {time_en}.",
            "VIP signals: long {tok}, TP1 +{monthly}%, TP2 +{mult}%.",
            "Copy my trades on {ex_en}, last call did {mult}x.",
            "{tok} about to explode, ape in before it moons.",
            "Low cap gem alert: {tok}, easy {mult}x this cycle.",
            "Coordinated buy on {tok} {time_en}, sell into the spike.",
            "Master trader on {ex_en} up {mult}% this month, mirror his portfolio now.",
            "Hidden 100x: {tok} still under the radar, load your bags.",
        ),
    },
    "fundraising": {
        "zh": (
            "{proj_zh}USDT理财，日化{daily}%，保本保息。",
            "存U生息，{small}U起投，每天到账，本金随时可取。",
            "云算力套餐，月化{monthly}%，回本后纯收益。",
            "质押{tok}锁仓30天，日收益{daily}%，稳赚不赔。",
            "量化托管，月化{monthly}%，亏损由平台承担。",
            "静态收益每天{daily}%，躺着也能赚钱。",
            "{proj_zh}算力包{small}U起，每天产币，{k}天回本。",
            "存币生息，币本位理财，日化{daily}%，亏损全赔。",
            "矿机托管收益每日结算，{proj_zh}承诺保底收益。",
        ),
        "en": (
            "{proj_en} vault pays a guaranteed {daily}% daily on USDT deposits.",
            "Cloud mining plan: {monthly}% monthly, principal protected.",
            "Stake {tok} and earn a fixed {daily}% every day, zero risk.",
            "Our AI bot returns {monthly}% a month, we cover your losses.",
            "Deposit {small} USDT, receive fixed daily payouts for 180 days.",
            "{proj_en} mining packages from {small} USDT, daily BTC payouts guaranteed.",
            "Lock your USDT for {k} days, {monthly}% on top, capital returned at the end.",
            "Risk-free arbitrage bot: {daily}% a day, compounding daily.",
        ),
    },
    "pyramid": {
        "zh": (
            "直推奖{monthly}%，间推奖5%，伞下业绩满{small}万升级。",
            "推三返本，发展下线每人奖励{small}U。",
            "{proj_zh}双轨对碰，每碰一单奖{small}U，无限代拿提成。",
            "动态收益按团队业绩计算，级差奖加平级奖。",
            "拉人头就有钱，邀请满{k}人升级团队长。",
            "全网公排，你下面的人越多，分红越多。",
            "见点奖{small}U，拿无限代，{proj_zh}排单即可参与。",
            "小区业绩满{small}万即可拿加权分红，推荐加速释放。",
            "报单中心招募，区域内伞下业绩全部提成百分之{monthly}。",
        ),
        "en": (
            "Earn {monthly}% on direct referrals and 5% on {k} levels below.",
            "Recruit 3 and your {small} USDT package pays for itself.",
            "{proj_en} binary plan: pairing bonus of {small} USDT per match.",
            "Team volume unlocks leadership bonus and global pool share.",
            "Every deposit by your downline pays you a commission, unlimited depth.",
            "Fast start bonus of {small} USDT when your first {k} recruits activate.",
            "{proj_en} matrix plan: spillover fills your slots, cycle bonus every round.",
            "Earn from their earnings on {k} generations below you.",
        ),
    },
    "fraud": {
        "zh": (
            "恭喜获得{proj_zh}空投资格，点击{url}连接钱包授权领取。",
            "您好，钱包官方客服提醒您钱包异常，请提供助记词验证。",
            "账户已冻结，充值{monthly}%保证金即可解冻提现。",
            "转{daily}个ETH到活动地址，系统自动返还双倍。",
            "提现前需先缴纳个人所得税，缴纳后原路返还。",
            "{proj_zh}周年庆限时空投，扫码授权即可领取{small}U。",
            "您的{ex_zh}账户因流水不足被冻结，请缴纳解冻费{small}U。",
            "{proj_zh}项目官方回购：旧币转入回收地址，三天内双倍返还新币。",
            "系统检测到钱包风险，请在{url}输入私钥完成安全验证。",
        ),
        "en": (
            "You are eligible for the {proj_en} airdrop, connect your wallet to claim at {url}.",
            "Official support: your wallet needs validation, enter your seed phrase here {url}.",
            "Send {daily} ETH and receive double back, giveaway ends {time_en}.",
            "Account frozen. Pay the {small} USDT unfreeze fee to withdraw.",
            "Pay the tax first and your {small} USDT withdrawal will be released.",
            "Your {ex_en} balance is locked, a release fee of {monthly}% is required.",
            "Migrate your {tok} to the new contract at {url} before the deadline.",
            "Unclaimed {tok} rewards are waiting, sign the message at {url} to claim.",
        ),
    },
}

FRAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "news": {
        "zh": (
            "据报道，{place_zh}警方侦破一起案件，嫌疑人以“{q}”为名吸收资金{amt_zh}元。",
            "法院审理查明，被告人在群内宣传“{q}”，诱骗{k}名受害人投资，一审被判处有期徒刑{years_zh}年。",
            "警方通报：{place_zh}一团伙打着“{q}”的旗号实施诈骗，{k}名嫌疑人已被刑事拘留。",
            "检察院指控，{proj_zh}平台以“{q}”为噱头发展会员，涉案金额{amt_zh}元。",
            "记者调查发现，所谓“{q}”实际是资金盘，{proj_zh}平台已关闭提现。",
            "经审理，法院认定被告人以“{q}”为诱饵非法吸收公众存款，判处有期徒刑{years_zh}年并处罚金。",
            "{place_zh}公安机关通报，涉案平台对外宣称“{q}”，受害人遍布多个省份。",
            "庭审中，公诉人宣读了被告人发布的广告：“{q}”。",
            "{place_zh}法院一审宣判：被告人以“{q}”吸引投资人{k}名，构成集资诈骗罪。",
            "记者调查：“{q}”背后，是一条完整的诈骗产业链。",
            "据了解，该团伙在宣传中使用“{q}”等话术，已有{k}人报案。",
        ),
        "en": (
            "Prosecutors said the operators of {proj_en} lured investors with promises of “{q}”.",
            "The court found the defendant advertised “{q}” to at least {k} victims; he was sentenced to {years_en} years.",
            "Police in {place_en} arrested {k} suspects accused of running a “{q}” scheme worth {amt_en}.",
            "According to the indictment, {proj_en} marketed “{q}” while paying old members with new deposits.",
            "Regulators said ads for “{q}” had spread through messaging groups before the platform collapsed.",
            "At trial, prosecutors read out the defendant's post: “{q}”.",
            "Investigators said the group used phrases like “{q}” to attract {k} victims in {place_en}.",
            "A court in {place_en} convicted the founder, whose ads promised “{q}”.",
        ),
    },
    "warning": {
        "zh": (
            "警惕！凡是宣传“{q}”的都是骗局，请勿轻信。",
            "反诈提醒：看到“{q}”这样的说法，请立即停止转账并拨打96110。",
            "风险提示：“{q}”是典型诈骗话术，不要相信。",
            "谨防“{q}”陷阱，守好自己的钱袋子。",
            "提醒广大群众：任何以“{q}”为名义的投资活动都不受法律保护。",
            "温馨提示：正规机构从不会承诺“{q}”，遇到请提高警惕。",
            "防骗课堂：听到“{q}”，先别急着转账，核实后再说。",
            "家人们注意：“{q}”这种话，十有八九是骗局，千万不要上当。",
            "风险教育：什么是“{q}”？其实就是骗子设计的圈套。",
        ),
        "en": (
            "Scam alert: anyone offering “{q}” is trying to take your money.",
            "Red flag: “{q}”. Walk away and report the account.",
            "Beware of posts promising “{q}”. Legitimate projects never do this.",
            "Investor alert: “{q}” is a common line in crypto fraud. Do not send funds.",
            "If you see “{q}”, it is a scam. Stay safe and warn your friends.",
            "Fraud alert: messages about “{q}” are circulating again. Do not reply.",
            "Protect your family: explain why “{q}” is a classic scam line.",
            "Watch out for “{q}”. Real platforms never promise that.",
        ),
    },
}

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "tech": {
        "zh": (
            "在测试网部署合约前，先从水龙头领取{small}个测试币支付Gas。",
            "{proj_zh}联盟链采用改进的拜占庭容错共识，出块时间约{k}秒。",
            "接口鉴权使用JWT访问令牌，有效期{k}分钟，过期后用刷新令牌续期。",
            "工作量证明挖矿就是不断调整随机数计算区块头哈希，直到低于难度目标。",
            "令牌桶限流：每秒补充{small}个令牌，突发上限为两倍。",
            "默克尔空投合约只存根哈希，用户提交证明即可领取，节省Gas。",
            "本版本修复了节点同步在高度{small}万附近卡住的问题。",
            "供应链溯源平台把质检报告的哈希写入区块链，扫码即可核验真伪。",
        ),
        "en": (
            "Grab test ETH from the {net_en} faucet before running the integration suite.",
            "The {svc_en} service checks the JWT access token and rejects anything older than {k} minutes.",
            "Proof-of-work mining repeatedly hashes the block header with a new nonce until it is below the target.",
            "A token bucket with {small} tokens per second smooths bursts in the {svc_en} API.",
            "The airdrop distributor verifies a Merkle proof against the stored root before transferring tokens.",
            "Light clients sync block headers only and request Merkle proofs for the transactions they care about.",
            "The tokenizer maps each subword to an id; the vocabulary has {small}00 tokens.",
        ),
    },
    "other": {
        "zh": (
            "{time_zh}一起去吃火锅吧，我订好位置了。",
            "小区{k}号楼电梯维修，请大家走楼梯。",
            "今天跑了{k}公里，腿有点酸。",
            "孩子的家长会改到{time_zh}了，记得请假。",
            "超市鸡蛋打折，{small}克一盒才几块钱。",
        ),
        "en": (
            "Dinner {time_en}? I booked a table for {k}.",
            "The elevator in building {k} is under repair, please use the stairs.",
            "Ran {k} km today, legs are done.",
            "Parent-teacher meeting moved to {time_en}.",
        ),
    },
    "gray": {
        "zh": (
            "{coin_zh}今日收于{usd}美元，24小时下跌{pct}%，成交量有所放大。",
            "{coin_zh}早盘小幅上涨{pct}%，截至发稿报{usd}美元。",
            "{proj_zh}靠谱吗？朋友让我投{small}U，说每天返{daily}%，是不是骗局？",
            "有人了解{ex_zh}吗？这个平台正规吗？",
            "行情数据显示，{coin_zh}本周震荡，周内跌幅{pct}%。",
            "群里有人推{tok}，说要上大所，这种消息能信吗？",
        ),
        "en": (
            "{coin_en} closed at ${usd}, down {pct}% in the past 24 hours.",
            "{coin_en} was trading at ${usd} at press time, up {pct}% on the day.",
            "Is {proj_en} legit? They say I can earn {daily}% a day. Is this a scam?",
            "Has anyone used {ex_en}? Can I trust it with my savings?",
            "Trading volume for {coin_en} fell {pct}% week over week.",
            "Someone is shilling {tok} in my group chat, scam or legit?",
        ),
    },
}

# Small simplified -> traditional table covering the vocabulary of this corpus.
_S2T_PAIRS = (
    "币幣钱錢资資产產账賬户戶冻凍结結费費稳穩赚賺无無风風险險码碼链鏈块塊网網络絡节節点點认認"
    "购購预預额額满滿开開发發现現买買卖賣兑兌换換汇匯银銀号號线線团團队隊业業绩績奖獎励勵级級"
    "层層动動态態红紅证證单單带帶涨漲盘盤庄莊内內会會员員请請领領记記词詞验驗钥鑰权權务務诈詐"
    "骗騙报報谨謹专專导導师師机機矿礦云雲质質锁鎖仓倉这這个個们們为為对對于於后後时時间間进進"
    "还還过過让讓给給说說话話问問题題关關门門东東车車长長来來国國际際实實页頁输輸读讀写寫与與"
    "从從众眾规規则則万萬亿億两兩试試测測区區数數据據经經营營联聯载載货貨爱愛亲親击擊连連钟鐘"
    "头頭荐薦佣傭伞傘计計划劃统統将將启啟财財贵貴设設备備马馬飞飛传傳销銷边邊场場杠槓杆桿约約"
    "续續没沒样樣么麼吗嗎难難尽盡确確准準断斷语語诉訴书書习習乐樂听聽见見觉覺种種远遠达達运運"
    "选選刚剛处處术術负負责責检檢审審罚罰讯訊调調侦偵诱誘饵餌组組织織虚虛拟擬类類视視频頻获獲"
    "围圍简簡宝寶体體脑腦电電优優赠贈庆慶轮輪阶階轻輕亏虧损損赔賠环環稣穌惊驚险險欢歡闻聞"
    "绑綁证證鉴鑒讲講论論设設议議调調还還种種缘緣恋戀软軟账賬价價项項错錯转轉详詳纳納随隨着著积積顶頂铁鐵当當双雙创創标標别別兴興几幾参參广廣伙夥鲸鯨税稅释釋杀殺猪豬软軟违違扫掃钻鑽坛壇贴貼库庫凭憑陆陸赢贏厂廠闲閒帮幫终終鉴鑒颁頒楼樓紧緊张張绝絕总總显顯举舉档檔乡鄉历歷华華侨僑爷爺饭飯馆館鱼魚鸡雞汤湯课課补補缴繳识識扬揚荡蕩"
)
S2T = {_S2T_PAIRS[i]: _S2T_PAIRS[i + 1] for i in range(0, len(_S2T_PAIRS), 2)}


# --------------------------------------------------------------------------- loading


def read_handwritten(path: Path, lang: str) -> list[Sample]:
    samples: list[Sample] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#") or line == "label\ttext":
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3) or fields[0] not in EXPECTED:
            raise ValueError(f"{path.name}:{number}: expected 'label<TAB>text', got {line!r}")
        obfuscation = fields[2] if len(fields) == 3 else "none"
        if obfuscation not in OBFUSCATIONS:
            raise ValueError(f"{path.name}:{number}: unknown obfuscation {obfuscation!r}")
        text = unescape(fields[1].strip())
        samples.append(Sample(text=text, lang=lang, label=fields[0], obfuscation=obfuscation))
    return samples


def unescape(raw: str) -> str:
    """Invisible characters are written as ``\\uXXXX`` and paragraph breaks as ``\\n``, so that
    editors can neither drop them nor break the one-sample-per-line format."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
    return text.replace("\\n", "\n")


def source_files() -> list[tuple[Path, str]]:
    """Every hand-written file with its language, taken from the ``_zh``/``_en`` suffix."""
    files = []
    for prefix in SOURCE_PREFIXES:
        for path in sorted(HERE.glob(f"{prefix}_*.tsv")):
            lang = path.stem.rsplit("_", 1)[1]
            if lang not in ("zh", "en"):
                raise ValueError(f"{path.name}: the name must end in _zh or _en")
            files.append((path, lang))
    return files


def hand_written_samples() -> list[Sample]:
    """The samples of every hand-written file, in a fixed order."""
    samples: list[Sample] = []
    for path, lang in source_files():
        samples += read_handwritten(path, lang)
    return samples


def read_key_terms() -> dict[str, list[str]]:
    """Lexicon terms strong enough to be worth hiding, longest first, per language."""
    terms: dict[str, list[str]] = {"zh": [], "en": []}
    for category in PROHIBITED:
        for line in (LEXICON_DIR / f"{category}.tsv").read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#") or line.startswith("term\t"):
                continue
            term, lang, weight, _note = line.split("\t")
            if float(weight) < 0.4 or len(term) < 2:
                continue
            for key in ("zh", "en") if lang == "any" else (lang,):
                terms[key].append(term)
    for key in terms:
        terms[key] = sorted(set(terms[key]), key=lambda term: (-len(term), term))
    return terms


def read_substitutions() -> dict[str, dict[str, list[str]]]:
    """canonical -> variants usable to obfuscate, per language."""
    table: dict[str, dict[str, list[str]]] = {"zh": {}, "en": {}}
    path = LEXICON_DIR / "substitutions.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("variant\t"):
            continue
        variant, canonical, lang, note = line.split("\t")
        if "only" in note or variant.casefold() == canonical.casefold():
            continue
        for key in ("zh", "en") if lang == "any" else (lang,):
            table[key].setdefault(canonical, []).append(variant)
    return table


# --------------------------------------------------------------------------- generation


def fill(template: str, rng: random.Random, quote: str | None = None) -> str:
    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "q":
            return quote or ""
        if name == "url":
            return f"https://{rng.choice(SLOTS['slug'])}.example.com/{rng.randint(10, 999)}"
        return rng.choice(SLOTS[name])

    return re.sub(r"\{(\w+)\}", slot, template)


def generate_templated(rng: random.Random, per_template: int) -> list[Sample]:
    samples: list[Sample] = []
    for label, by_lang in PROMO.items():
        for lang, claims in by_lang.items():
            opens, ctas = (OPEN_ZH, CTA_ZH) if lang == "zh" else (OPEN_EN, CTA_EN)
            joiner = "" if lang == "zh" else " "
            for claim in claims:
                for _ in range(per_template):
                    body = fill(claim, rng)
                    if rng.random() < 0.35:
                        body += joiner + fill(rng.choice([c for c in claims if c != claim]), rng)
                    opener = rng.choice(opens)
                    if opener.endswith(", ") and body[:1].isupper() and body[1:2].islower():
                        body = body[0].lower() + body[1:]
                    parts = [opener + body, fill(rng.choice(ctas), rng)]
                    text = joiner.join(p for p in parts if p).strip()
                    samples.append(Sample(text=text, lang=lang, label=label))
    for label, by_lang in FRAMES.items():
        for lang, frames in by_lang.items():
            quotes = QUOTE_ZH if lang == "zh" else QUOTE_EN
            for frame in frames:
                for _ in range(per_template):
                    text = fill(frame, rng, rng.choice(quotes))
                    samples.append(Sample(text=text, lang=lang, label=label))
    for label, by_lang in TEMPLATES.items():
        for lang, templates in by_lang.items():
            for template in templates:
                for _ in range(per_template):
                    samples.append(Sample(text=fill(template, rng), lang=lang, label=label))
    return samples


# --------------------------------------------------------------------------- composition

# How many long texts of each kind to compose per language. Real pages are long and mixed: a
# forum thread with one advert among the replies, a news page that reports a scheme and then
# moves on to the weather, a landing page that repeats its pitch in several blocks.
COMPOSED = {
    "page": 700,  # everyday paragraphs of a portal or notice board -> other
    "thread": 560,  # a forum or group-chat thread of short posts -> other
    "report": 240,  # several paragraphs of one lawful label (news, warning, tech) -> that label
    "report_page": 240,  # a lawful report followed by unrelated everyday paragraphs -> its label
    "embedded": 70,  # per prohibited label: one prohibited text inside everyday text -> that label
    "landing": 35,  # per prohibited label: several pitches of one label together -> that label
    "gray_page": 100,  # a market report or a question among everyday text -> gray
}
PARAGRAPH_MIN = {"zh": 30, "en": 70}
THREAD_MARKS = {
    "zh": ("", "", "楼主：", "回复：", "#{n} ", "{n}楼 ", "网友：", "追问："),
    "en": ("", "", "OP: ", "Reply: ", "#{n} ", "Re: ", "> ", "Edit: "),
}


def _paragraph_pools(samples: list[Sample]) -> dict[tuple[str, str, str], list[str]]:
    """Hand-written texts by (size, lang, label), size being ``para`` or ``short``."""
    pools: dict[tuple[str, str, str], list[str]] = {}
    for sample in samples:
        if sample.obfuscation != "none":
            continue
        size = "para" if len(sample.text) >= PARAGRAPH_MIN[sample.lang] else "short"
        pools.setdefault((size, sample.lang, sample.label), []).append(sample.text)
        pools.setdefault(("any", sample.lang, sample.label), []).append(sample.text)
    return pools


def _thread(rng: random.Random, posts: list[str], lang: str) -> str:
    lines = []
    for n, post in enumerate(posts, start=1):
        mark = rng.choice(THREAD_MARKS[lang]).replace("{n}", str(n))
        lines.append(mark + post)
    return "\n".join(lines)


def compose_long(rng: random.Random, samples: list[Sample]) -> list[Sample]:
    """Long texts put together from hand-written paragraphs; the label is that of the one
    prohibited part if there is one, otherwise that of the lawful report or ``other``."""
    pools = _paragraph_pools(samples)
    return _compose_for(rng, pools, "zh") + _compose_for(rng, pools, "en")


def _compose_for(
    rng: random.Random, pools: dict[tuple[str, str, str], list[str]], lang: str
) -> list[Sample]:
    out: list[Sample] = []
    paragraphs = pools.get(("para", lang, "other"), [])
    everyday = pools.get(("any", lang, "other"), [])
    if len(paragraphs) < 10 or len(everyday) < 20:
        return out
    sep = rng.choice(("\n\n", "\n"))

    # Chinese says as much in fewer characters: more paragraphs make pages of similar length.
    scale = 3 if lang == "zh" else 1

    def page(low: int, high: int) -> list[str]:
        count = rng.randint(low * scale, high * scale)
        return rng.sample(paragraphs, min(len(paragraphs), count))

    def chat(low: int, high: int) -> list[str]:
        return rng.sample(everyday, min(len(everyday), rng.randint(low, high)))

    for _ in range(COMPOSED["page"]):
        out.append(Sample("\n\n".join(page(2, 9)), lang, "other"))
    for _ in range(COMPOSED["thread"]):
        out.append(Sample(_thread(rng, chat(3, 14), lang), lang, "other"))
    lawful = [label for label in ("news", "warning", "tech") if pools.get(("any", lang, label))]
    for _ in range(COMPOSED["report"]):
        label = rng.choice(lawful)
        pool = pools[("any", lang, label)]
        parts = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
        out.append(Sample(sep.join(parts), lang, label))
    for _ in range(COMPOSED["report_page"]):
        label = rng.choice(lawful)
        pool = pools[("any", lang, label)]
        parts = rng.sample(pool, min(len(pool), rng.randint(1, 3))) + page(1, 5)
        out.append(Sample("\n\n".join(parts), lang, label))
    for label in PROHIBITED:
        pool = pools.get(("any", lang, label), [])
        if not pool:
            continue
        for _ in range(COMPOSED["embedded"]):
            parts = page(1, 6) if rng.random() < 0.5 else chat(2, 10)
            parts.insert(rng.randint(0, len(parts)), rng.choice(pool))
            text = "\n\n".join(parts) if rng.random() < 0.5 else _thread(rng, parts, lang)
            out.append(Sample(text, lang, label))
        for _ in range(COMPOSED["landing"]):
            parts = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
            out.append(Sample(sep.join(parts), lang, label))
    gray = pools.get(("any", lang, "gray"), [])
    for _ in range(COMPOSED["gray_page"] if gray else 0):
        parts = chat(1, 5) if rng.random() < 0.5 else page(1, 4)
        parts.insert(rng.randint(0, len(parts)), rng.choice(gray))
        out.append(Sample(_thread(rng, parts, lang), lang, "gray"))
    return out


SEGMENT_KINDS = (
    "news.open",
    "news.scheme",
    "news.finding",
    "news.close",
    "warning.open",
    "warning.point",
    "warning.close",
)
ASSEMBLED = {"news": 400, "warning": 260}  # per language


def read_segments(path: Path) -> dict[str, list[str]]:
    """``kind<TAB>text`` lines: the sentences reports and warnings are assembled from."""
    segments: dict[str, list[str]] = {kind: [] for kind in SEGMENT_KINDS}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line == "kind\ttext":
            continue
        fields = line.split("\t")
        if len(fields) != 2 or fields[0] not in segments:
            raise ValueError(f"{path.name}:{number}: expected 'kind<TAB>text', got {line!r}")
        segments[fields[0]].append(unescape(fields[1].strip()))
    return segments


def assemble_reports(rng: random.Random) -> list[Sample]:
    """News reports and warnings that restate schemes in the promoters' own terms: lawful texts
    whose vocabulary is that of the adverts they describe."""
    out: list[Sample] = []
    for lang in ("zh", "en"):
        path = HERE / f"segments_{lang}.tsv"
        if not path.exists():
            continue
        seg = read_segments(path)
        join = "" if lang == "zh" else " "
        for _ in range(ASSEMBLED["news"]):
            schemes = rng.sample(seg["news.scheme"], rng.randint(1, 3))
            body = join.join(schemes)
            parts = [rng.choice(seg["news.open"]), body, rng.choice(seg["news.finding"])]
            if rng.random() < 0.7:
                parts.append(rng.choice(seg["news.close"]))
            sep = rng.choice((join, "\n"))
            out.append(Sample(sep.join(parts), lang, "news"))
        for _ in range(ASSEMBLED["warning"]):
            points = rng.sample(seg["warning.point"], rng.randint(2, 6))
            parts = [rng.choice(seg["warning.open"]), *points]
            if rng.random() < 0.8:
                parts.append(rng.choice(seg["warning.close"]))
            out.append(Sample("\n".join(parts), lang, "warning"))
    return out


# --------------------------------------------------------------------------- obfuscation


@functools.cache
def _word_pattern(needle: str) -> re.Pattern[str]:
    """A term as a whole word; compiled once, there are more terms than ``re`` caches."""
    return re.compile(r"(?<![a-z0-9])" + re.escape(needle) + r"(?![a-z0-9])")


def _key_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Up to three non-overlapping lexicon terms in ``text``, outside URLs."""
    folded = text.casefold()
    blocked = [(m.start(), m.end()) for m in re.finditer(r"https?://\S+", folded)]
    spans: list[tuple[int, int]] = []
    for term in terms:
        needle = term.casefold()
        if needle.isascii():
            match = _word_pattern(needle).search(folded)
            if match is None:
                continue
            start = match.start()
        else:
            start = folded.find(needle)
            if start < 0:
                continue
        end = start + len(term)
        taken = spans + blocked
        if all(end <= s or start >= e for s, e in taken):
            spans.append((start, end))
        if len(spans) >= 3:
            break
    return sorted(spans)


def _rewrite_spans(text: str, spans: list[tuple[int, int]], rewrite: object) -> str:
    assert callable(rewrite)
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        out.append(text[cursor:start])
        out.append(str(rewrite(text[start:end])))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def obfuscate(
    sample: Sample,
    kind: str,
    rng: random.Random,
    terms: dict[str, list[str]],
    subs: dict[str, dict[str, list[str]]],
) -> Sample | None:
    text = sample.text
    spans = _key_spans(text, terms[sample.lang])
    if kind == "fullwidth":
        if not spans or (sample.lang == "en" and rng.random() < 0.4):
            new = to_fullwidth(text)
        else:
            new = _rewrite_spans(text, spans, to_fullwidth)
            new = re.sub(r"[0-9A-Za-z%]", lambda m: to_fullwidth(m.group(0)), new)
    elif kind == "spaced":
        if not spans:
            return None
        seps = SEPARATORS_ZH if sample.lang == "zh" else SEPARATORS_EN
        sep = rng.choice(seps)
        new = _rewrite_spans(text, spans, lambda s: " ".join(sep.join(w) for w in s.split(" ")))
    elif kind == "zero_width":
        if not spans:
            return None

        def hide(word: str) -> str:
            chars = list(word)
            for _ in range(rng.randint(1, 2)):
                chars.insert(rng.randint(1, len(chars) - 1), rng.choice(ZERO_WIDTH))
            return "".join(chars)

        new = _rewrite_spans(text, spans, hide)
    elif kind == "traditional":
        if sample.lang != "zh":
            return None
        new = "".join(S2T.get(c, c) for c in text)
    elif kind == "pinyin":
        table = subs[sample.lang]
        # URLs stay as they are: split them off and rewrite only the text between them.
        parts = re.split(r"(https?://\S+)", text)
        replaced = 0
        for canonical in sorted(table, key=lambda c: (-len(c), c)):
            if len(canonical) < 2:
                continue
            for i in range(0, len(parts), 2):
                if canonical in parts[i]:
                    parts[i] = parts[i].replace(canonical, rng.choice(table[canonical]), 1)
                    replaced += 1
                    break
            if replaced >= 2:
                break
        new = "".join(parts)
    else:
        raise ValueError(f"unknown obfuscation {kind!r}")
    if new == text:
        return None
    return Sample(text=new, lang=sample.lang, label=sample.label, obfuscation=kind)


def apply_obfuscation(
    samples: list[Sample],
    rng: random.Random,
    terms: dict[str, list[str]],
    subs: dict[str, dict[str, list[str]]],
) -> list[Sample]:
    kinds_zh = ("fullwidth", "spaced", "traditional", "pinyin", "zero_width")
    kinds_en = ("fullwidth", "spaced", "pinyin", "zero_width")
    out: list[Sample] = []
    for sample in samples:
        rate = 0.3 if sample.label in PROHIBITED else 0.05 if sample.label in ALLOWED else 0.02
        if sample.obfuscation == "none" and rng.random() < rate:
            kinds = list(kinds_zh if sample.lang == "zh" else kinds_en)
            rng.shuffle(kinds)
            for kind in kinds:
                changed = obfuscate(sample, kind, rng, terms, subs)
                if changed is not None:
                    sample = changed
                    break
        out.append(sample)
    return out


# --------------------------------------------------------------------------- main


def build(seed: int = SEED, per_template: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    hand = hand_written_samples()
    samples = hand + generate_templated(rng, per_template) + compose_long(rng, hand)
    samples += assemble_reports(rng)
    seen: set[str] = set()
    unique: list[Sample] = []
    for sample in samples:
        if sample.text not in seen and MIN_LENGTH <= len(sample.text) <= MAX_LENGTH:
            seen.add(sample.text)
            unique.append(sample)
    unique = apply_obfuscation(unique, rng, read_key_terms(), read_substitutions())
    rng.shuffle(unique)
    return [
        {
            "id": f"t{number:05d}",
            "text": sample.text,
            "lang": sample.lang,
            "label": sample.label,
            "expected": EXPECTED[sample.label],
            "obfuscation": sample.obfuscation,
        }
        for number, sample in enumerate(unique, start=1)
    ]


def dump_line(row: dict[str, str]) -> str:
    """One JSON line; invisible characters stay visible as ``\\uXXXX`` escapes."""
    line = json.dumps(row, ensure_ascii=False)
    for char in ZERO_WIDTH:
        line = line.replace(char, f"\\u{ord(char):04x}")
    return line


LENGTH_BUCKETS = ((1, 9), (10, 100), (101, 400), (401, 1000), (1001, MAX_LENGTH))


def counts_markdown(rows: list[dict[str, str]]) -> str:
    """The README's count tables: per label and language, and per length bucket."""
    labels = (*PROHIBITED, *ALLOWED, "gray")
    by = Counter((row["label"], row["lang"]) for row in rows)
    hidden = Counter(row["label"] for row in rows if row["obfuscation"] != "none")
    names = [
        f"{low}–{high}" if high < MAX_LENGTH else f">{low - 1}" for low, high in LENGTH_BUCKETS
    ]
    lengths = Counter(
        (row["label"], name)
        for row in rows
        for (low, high), name in zip(LENGTH_BUCKETS, names, strict=True)
        if low <= len(row["text"]) <= high
    )
    out = [
        "| label | expected | zh | en | obfuscated | total | " + " | ".join(names) + " |",
        "|---|---|---|---|---|---|" + "---|" * len(names),
    ]
    for label in labels:
        cells = [label, EXPECTED[label], by[(label, "zh")], by[(label, "en")], hidden[label]]
        cells += [by[(label, "zh")] + by[(label, "en")], *(lengths[(label, n)] for n in names)]
        out.append("| " + " | ".join(str(c) for c in cells) + " |")
    langs = Counter(row["lang"] for row in rows)
    cells = ["**total**", "", langs["zh"], langs["en"], sum(hidden.values()), len(rows)]
    cells += [sum(lengths[(label, n)] for label in labels) for n in names]
    out.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--counts", action="store_true", help="print the README's count tables")
    args = parser.parse_args()
    rows = build(args.seed)
    with args.output.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(dump_line(row) + "\n")
    labels = Counter(row["label"] for row in rows)
    langs = Counter(row["lang"] for row in rows)
    print(f"{len(rows)} samples -> {args.output}")
    print(" ".join(f"{k}={v}" for k, v in sorted(labels.items())))
    print(" ".join(f"{k}={v}" for k, v in sorted(langs.items())))
    if args.counts:
        print(counts_markdown(rows))


if __name__ == "__main__":
    main()
