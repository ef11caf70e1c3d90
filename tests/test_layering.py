"""Every package imports only packages below it in the layer order of docs/architecture.md,
function-level imports included; the few imports that still run up are named exceptions in
pyproject.toml, and an exception that no longer matches an import fails the check too."""

from __future__ import annotations

import tomllib
from pathlib import Path

import importlinter.cli

import chainwarden

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(chainwarden.__file__).parent
CONFIG = ROOT / "pyproject.toml"


def _contract() -> dict[str, object]:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return contract


def test_every_package_has_a_place_in_the_layer_order():
    placed = {
        name.strip().removeprefix("chainwarden.")
        for layer in _contract()["layers"]  # type: ignore[attr-defined]
        for name in layer.split("|")
    }
    present = {
        path.stem if path.suffix == ".py" else path.name
        for path in SRC.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert present - placed == set(), "add the new package to the layers in pyproject.toml"
    assert placed - present == set()


def test_no_import_runs_up_the_layer_order():
    # Exit code 0: the contract is kept. The report (printed on failure) names each import.
    assert importlinter.cli.lint_imports(config_filename=str(CONFIG), no_cache=True) == 0
