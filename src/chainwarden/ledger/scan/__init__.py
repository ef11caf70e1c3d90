"""Scanners that pull text out of public chains' blocks so it can be screened.

Extraction (``bitcoin``, ``ethereum``) is kept apart from screening: ``screen_extracts`` takes
any ``screen_many(texts) -> list[dict]`` callable, such as the screening engine's."""

from chainwarden.ledger.scan.text import Extract, ScanError, printable_runs, screen_extracts

__all__ = ["Extract", "ScanError", "printable_runs", "screen_extracts"]
