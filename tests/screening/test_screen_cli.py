"""``chainwarden screen`` and ``chainwarden screening eval`` as an operator runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from chainwarden.cli.main import app

HERE = Path(__file__).parent
LEXICON = HERE / "lexicon"
runner = CliRunner()
PROMOTION = "本平台保-本-保-息，日化收益2%，稳赚不赔，欢迎加入"


def test_screen_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": 1, "text": PROMOTION}, ensure_ascii=False),
                "{not json",
                json.dumps({"id": "no-text"}),
                json.dumps(["a", "list"]),
                json.dumps({"id": 5, "text": "周末去公园散步"}, ensure_ascii=False),
            ]
        )
        + "\n",
        "utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["screen", str(source), "--output", str(out), "--lexicon", str(LEXICON)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(lines) == 5
    assert lines[0]["id"] == 1 and lines[0]["decision"] == "block"
    assert lines[0]["hits"]
    for hit in lines[0]["hits"]:
        assert PROMOTION[hit["start"] : hit["end"]] == hit["matched"]
    assert "error" in lines[1] and "line 2" in lines[1]["error"]
    assert lines[2] == {"id": "no-text", "error": lines[2]["error"]} and "text" in lines[2]["error"]
    assert "error" in lines[3]
    assert lines[4]["id"] == 5 and lines[4]["decision"] == "pass" and lines[4]["categories"] == []


def test_screen_reads_standard_input() -> None:
    result = runner.invoke(
        app,
        ["screen", "-", "--lexicon", str(LEXICON)],
        input='{"text": "never share your seed phrase"}\n',
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["decision"] == "pass"


def test_malformed_lexicon_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("term\tlang\tweight\tnote\tcategory\n好\tzh\tstrong\t\tfraud\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "chainwarden.cli.main", "screen", "-", "--lexicon", str(extra)],
        input='{"text": "x"}\n',
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert "mine.tsv:2" in message and "weight" in message


def test_missing_input_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2


def test_eval_prints_the_confusion_and_rates() -> None:
    result = runner.invoke(
        app, ["screening", "eval", str(HERE / "corpus.jsonl"), "--lexicon", str(LEXICON), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"] == 33
    assert set(report["confusion"]) == {"pass", "review", "block"}
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 33
    for key in ("prohibited_passed", "allowed_blocked", "allowed_flagged", "clean_recall"):
        assert 0.0 <= report[key] <= 1.0
    human = runner.invoke(
        app, ["screening", "eval", str(HERE / "corpus.jsonl"), "--lexicon", str(LEXICON)]
    )
    assert human.exit_code == 0
    assert "误拦" in human.stdout and "拦截率" in human.stdout
    for bucket in ("<50", "50-200", "200-1000", ">1000"):
        assert bucket in human.stdout
        assert set(report["by_length"][bucket]) >= {
            "prohibited_passed",
            "block_recall",
            "allowed_blocked",
            "allowed_flagged",
        }
    assert report["by_length"]["<50"]["texts"] + report["by_length"]["50-200"]["texts"] <= 33
    assert set(report["by_lang"]) == {"zh", "en"} and "fundraising" in report["by_label"]
    assert report["blocked_without_evidence"] == 0


def test_eval_rejects_an_unlabelled_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": "ico"}\n{"text": "y"}\n', "utf-8")
    result = runner.invoke(app, ["screening", "eval", str(bad)])
    assert result.exit_code == 2
    assert "bad.jsonl:2" in " ".join(result.output.split())
