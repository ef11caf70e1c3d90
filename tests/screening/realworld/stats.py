"""Check holdout.jsonl and print its count tables as Markdown (python3 stats.py)."""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = [
    "ico",
    "trading",
    "speculation",
    "fundraising",
    "pyramid",
    "fraud",
    "tech",
    "news",
    "warning",
    "other",
    "gray",
]
EXPECTED = {
    **dict.fromkeys(["ico", "trading", "speculation", "fundraising", "pyramid", "fraud"], "block"),
    **dict.fromkeys(["tech", "news", "warning", "other"], "pass"),
    "gray": "review",
}
OBFUSCATIONS = ["none", "fullwidth", "spaced", "traditional", "pinyin", "zero_width"]
BUCKETS = ["short", "post", "article", "long"]
FIELDS = {"id", "text", "lang", "label", "expected", "obfuscation", "source_style"}


def bucket(text: str) -> str:
    """Length bucket in characters: short < 50 <= post <= 200 < article <= 1000 < long."""
    n = len(text)
    if n < 50:
        return "short"
    if n <= 200:
        return "post"
    if n <= 1000:
        return "article"
    return "long"


def load(path: Path = HERE / "holdout.jsonl") -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def problems(rows: list[dict[str, str]]) -> list[str]:
    """Every schema violation found, one line each (empty when the file is sound)."""
    out: list[str] = []
    ids: Counter[str] = Counter(r.get("id", "") for r in rows)
    texts: Counter[str] = Counter(" ".join(r.get("text", "").split()) for r in rows)
    for r in rows:
        rid = r.get("id", "?")
        if set(r) != FIELDS:
            out.append(f"{rid}: fields {sorted(r)}")
            continue
        if ids[rid] > 1:
            out.append(f"{rid}: duplicate id")
        if texts[" ".join(r["text"].split())] > 1:
            out.append(f"{rid}: duplicate text")
        if r["label"] not in EXPECTED:
            out.append(f"{rid}: unknown label {r['label']}")
        elif r["expected"] != EXPECTED[r["label"]]:
            out.append(f"{rid}: expected {r['expected']} does not match label {r['label']}")
        if r["lang"] not in ("zh", "en"):
            out.append(f"{rid}: lang {r['lang']}")
        if r["obfuscation"] not in OBFUSCATIONS:
            out.append(f"{rid}: obfuscation {r['obfuscation']}")
        if not r["source_style"] or not r["text"].strip():
            out.append(f"{rid}: empty text or source_style")
    return out


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report(rows: list[dict[str, str]]) -> str:
    n = len(rows)
    lengths = [len(r["text"]) for r in rows]
    by = Counter((r["label"], r["lang"], bucket(r["text"])) for r in rows)
    parts = [
        f"Total samples: {n}; text length {min(lengths)}-{max(lengths)} characters (median {statistics.median(lengths):g})."
    ]

    parts.append("### Label x language x length bucket")
    header = (
        ["label", "expected"]
        + [f"{lang} {b}" for lang in ("zh", "en") for b in BUCKETS]
        + ["total"]
    )
    body = []
    for lab in LABELS:
        cells = [by[(lab, lang, b)] for lang in ("zh", "en") for b in BUCKETS]
        body.append([lab, EXPECTED[lab], *cells, sum(cells)])
    totals = [sum(by[(lab, lang, b)] for lab in LABELS) for lang in ("zh", "en") for b in BUCKETS]
    body.append(["**total**", "", *totals, n])
    parts.append(table(header, body))

    parts.append("### By expected decision")
    ex = Counter(r["expected"] for r in rows)
    parts.append(
        table(
            ["expected", "count", "share"],
            [[e, ex[e], f"{100 * ex[e] / n:.1f}%"] for e in ("block", "pass", "review")],
        )
    )

    parts.append("### By language and length bucket")
    lb = Counter((r["lang"], bucket(r["text"])) for r in rows)
    lang_rows = []
    for lang in ("zh", "en"):
        k = sum(lb[(lang, b)] for b in BUCKETS)
        lang_rows.append([lang, *[lb[(lang, b)] for b in BUCKETS], k, f"{100 * k / n:.1f}%"])
    lang_rows.append(
        ["total", *[sum(lb[(lg, b)] for lg in ("zh", "en")) for b in BUCKETS], n, "100%"]
    )
    parts.append(table(["lang", *BUCKETS, "total", "share"], lang_rows))

    parts.append("### By obfuscation")
    ob = Counter((r["obfuscation"], r["expected"]) for r in rows)
    blocked = ex["block"] or 1
    ob_rows = [
        [
            o,
            ob[(o, "block")],
            ob[(o, "pass")],
            ob[(o, "review")],
            sum(ob[(o, e)] for e in ("block", "pass", "review")),
        ]
        for o in OBFUSCATIONS
    ]
    parts.append(table(["obfuscation", "block", "pass", "review", "total"], ob_rows))
    obf_block = ex["block"] - ob[("none", "block")]
    parts.append(
        f"\nObfuscated share of prohibited texts: {obf_block}/{ex['block']} = {100 * obf_block / blocked:.1f}%."
    )

    parts.append("### By source style")
    st = Counter((r["source_style"], r["expected"]) for r in rows)
    styles = sorted({r["source_style"] for r in rows})
    parts.append(
        table(
            ["source_style", "block", "pass", "review"],
            [[s, st[(s, "block")], st[(s, "pass")], st[(s, "review")]] for s in styles],
        )
    )
    return "\n\n".join(parts)


def main() -> int:
    rows = load()
    bad = problems(rows)
    for line in bad:
        print(line, file=sys.stderr)
    print(report(rows))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
