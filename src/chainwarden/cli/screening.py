"""Content screening from the command line: screen JSON Lines, measure on a labelled set, train."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from chainwarden.cli.common import err_console, fail, out_console, print_json
from chainwarden.collector import long_lived

app = typer.Typer(help="Content screening / 内容审核", no_args_is_help=True)

LEXICON = typer.Option(
    None,
    "--lexicon",
    help="A provider's own lexicon: a TSV file (term, lang, weight, note, category) or a folder "
    "laid out like the packaged one. Repeatable.",
)
BATCH = 2000


def _screener(extra: list[Path] | None, model: bool = True) -> Any:
    from chainwarden.screening import Screener

    if not extra and model:
        return Screener.default()
    return Screener.load(extra or [], **({} if model else {"model": None}))


# A surrogate escape in a line: the only way JSON carries a lone surrogate, which no output
# could encode. Such a line is refused alone; the rest of its batch is screened.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _encodable(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse(line: str, number: int) -> tuple[Any, str | None, str | None]:
    """``(id, text, error)`` of one input line."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"line {number}: not valid JSON ({exc.msg}) / 第{number}行不是有效的JSON"
    if _SURROGATE_ESCAPE.search(line) and not _encodable(data):
        return (
            None,
            None,
            f"line {number}: holds a lone surrogate (a \\ud800–\\udfff escape without its pair) "
            f"/ 第{number}行含有孤立的代理码位",
        )
    if not isinstance(data, dict):
        return None, None, f"line {number}: not a JSON object / 第{number}行不是JSON对象"
    text = data.get("text")
    if not isinstance(text, str):
        return (
            data.get("id"),
            None,
            f"line {number}: no string field 'text' / 第{number}行缺少text字符串",
        )
    return data.get("id"), text, None


def _screen_stream(
    screener: Any, lines: Iterator[str], out: IO[str], advance: Any
) -> tuple[int, int]:
    done = errors = 0
    chunk: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal done, errors
        parsed = [_parse(line, number) for number, line in chunk]
        texts = [text for _, text, _ in parsed if text is not None]
        results = iter(screener.screen_many(texts))
        for (id_, text, error), (_, line) in zip(parsed, chunk, strict=True):
            if text is None:
                record: dict[str, Any] = {} if id_ is None else {"id": id_}
                record["error"] = error
                errors += 1
            else:
                result = next(results)
                record = (result.with_id(id_) if id_ is not None else result).to_dict()
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            advance(len(line.encode("utf-8")) + 1)
        done += len(chunk)
        chunk.clear()

    for number, line in enumerate(lines, start=1):
        chunk.append((number, line.rstrip("\n").rstrip("\r")))
        if len(chunk) >= BATCH:
            flush()
    if chunk:
        flush()
    return done, errors


def screen(
    file: str = typer.Argument(
        ..., help='JSON Lines with {"id", "text"}, or - for standard input.'
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write results here instead of standard output."
    ),
    lexicon: list[Path] = LEXICON,
) -> None:
    """Screen texts: one JSON result per input line, in order (decision, score, categories, hits)."""
    screener = _screener(lexicon)
    with ExitStack() as stack:
        stack.enter_context(long_lived())
        if file == "-":
            source: IO[str] = sys.stdin
            size = None
        else:
            path = Path(file)
            source = stack.enter_context(path.open(encoding="utf-8", newline=""))
            size = path.stat().st_size
        out: IO[str] = (
            stack.enter_context(output.open("w", encoding="utf-8")) if output else sys.stdout
        )
        try:
            if size is None:
                done, errors = _screen_stream(screener, iter(source), out, lambda _: None)
            else:
                progress = stack.enter_context(
                    Progress(
                        TextColumn("screening 审核"),
                        BarColumn(),
                        TextColumn("{task.percentage:>3.0f}%"),
                        TimeRemainingColumn(),
                        console=err_console,
                        transient=True,
                    )
                )
                task = progress.add_task("screen", total=size)
                done, errors = _screen_stream(
                    screener, iter(source), out, lambda n: progress.advance(task, n)
                )
        except UnicodeDecodeError:
            fail(f"{file}: 不是UTF-8编码 / is not UTF-8")
    if size is not None:
        err_console.print(f"{done} lines screened 已审核, {errors} with errors 有错误")


@app.command("eval")
def eval_(
    file: Path = typer.Argument(
        ..., help="Labelled JSON Lines (id, text, lang, label, expected, obfuscation)."
    ),
    lexicon: list[Path] = LEXICON,
    worst: int = typer.Option(10, min=0, help="How many of the worst misses to list."),
    json_: bool = typer.Option(False, "--json", help="Print JSON for machines."),
) -> None:
    """Measure the screener on a labelled set: confusion table; the four headline rates by
    category, language and length (<50, 50–200, 200–1,000, >1,000 characters); obfuscated
    against clean recall."""
    from chainwarden.screening.evaluate import evaluate, read_samples

    samples = read_samples(file)
    report = evaluate(_screener(lexicon), samples, worst)
    if json_:
        print_json(report.to_dict())
        return
    table = Table(
        "expected 应为 \\ decision 结论", "pass", "review", "block", title=f"{report.total} texts"
    )
    for expected, row in report.confusion.items():
        table.add_row(expected, *(str(row[d]) for d in ("pass", "review", "block")))
    out_console.print(table)

    def rates_table(title: str, head: str, rows: dict[str, Any]) -> Table:
        table = Table(
            head,
            "texts 条数",
            "prohibited passed 违规放行",
            "block recall 拦截率",
            "lawful blocked 误拦",
            "lawful flagged 误报",
            title=title,
        )
        for name, r in rows.items():
            table.add_row(
                name,
                str(r.texts),
                f"{r.prohibited_passed:.1%}" if r.prohibited else "–",
                f"{r.block_recall:.1%}" if r.prohibited else "–",
                f"{r.allowed_blocked:.1%}" if r.allowed else "–",
                f"{r.allowed_flagged:.1%}" if r.allowed else "–",
            )
        return table

    out_console.print(rates_table("by category 按类别", "label 类别", report.by_label))
    out_console.print(rates_table("by language 按语言", "lang 语言", report.by_lang))
    out_console.print(
        rates_table("by length (characters) 按长度（字符）", "length 长度", report.by_length)
    )
    tricks = Table("obfuscation 混淆", "blocked 拦截率", title="prohibited texts by obfuscation")
    for trick, value in report.obfuscation_recall.items():
        tricks.add_row(trick, f"{value:.1%}")
    out_console.print(tricks)
    out_console.print(
        f"prohibited passed silently 违规放行: {report.prohibited_passed:.1%}   "
        f"block recall 拦截率: {report.block_recall:.1%}   "
        f"lawful blocked 误拦: {report.allowed_blocked:.1%}   "
        f"lawful flagged 误报(复核+拦截): {report.allowed_flagged:.1%}"
    )
    out_console.print(
        f"recall clean 未混淆召回: {report.clean_recall:.1%}   "
        f"obfuscated 混淆召回: {report.obfuscated_recall:.1%}   "
        f"blocks without located evidence 无证据拦截: {report.blocked_without_evidence}"
    )
    if report.misses:
        misses = Table("id", "label", "decision", "score", "text", title="worst misses 最严重错误")
        for m in report.misses:
            misses.add_row(m["id"], m["label"], m["decision"], f"{m['score']:.2f}", m["text"][:80])
        out_console.print(misses)


@app.command()
def train(
    corpus: Path = typer.Option(
        None, help="Training corpus [default: the packaged corpus/train.jsonl]."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Model file [default: the packaged model.json]."
    ),
    c: float = typer.Option(3.0, "--c", min=1e-4, help="Inverse regularisation strength."),
) -> None:
    """Rebuild the classifier from the training corpus and write it as JSON."""
    from chainwarden.screening import Screener
    from chainwarden.screening.evaluate import read_samples
    from chainwarden.screening.model import PACKAGED
    from chainwarden.screening.train import CORPUS, corpus_digest
    from chainwarden.screening.train import train as fit

    corpus = corpus or CORPUS
    output = output or PACKAGED
    samples = read_samples(corpus)
    screener = Screener.load(model=None)
    with err_console.status(f"training on {len(samples)} texts 训练中"):
        model = fit(samples, screener, c=c, meta={"corpus_sha256": corpus_digest(corpus)})
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save(output)
    trained = Screener(screener.lexicon, model, screener.thresholds)
    from chainwarden.screening.evaluate import evaluate

    fit_report = evaluate(trained, samples, worst=0)
    err_console.print(
        f"wrote {output}: {len(samples)} texts, {len(model.labels)} labels, "
        f"training-set agreement {sum(fit_report.label_recall.values()) / len(fit_report.label_recall):.1%}"
    )
