"""Supervision sits above the registry: it may import registry, never the other way round, and
no domain package imports the web or CLI layers."""

from __future__ import annotations

import ast
from pathlib import Path

import chainwarden

SRC = Path(chainwarden.__file__).parent


def _imports(package: str) -> set[str]:
    found = set()
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_registry_does_not_import_supervision():
    assert not {m for m in _imports("registry") if m.startswith("chainwarden.supervision")}


def test_supervision_imports_no_web_or_cli():
    imported = _imports("supervision")
    assert "chainwarden.registry.filings" in imported  # the check itself reads real imports
    assert not {m for m in imported if m.startswith(("chainwarden.web", "chainwarden.cli"))}
