"""Content screening (Arts. 5, 10, 16): stop prohibited promotion, pass technology, news, warnings.

A pure library: ``Screener.default().screen(text)`` returns a ``ScreeningResult`` whose
``to_dict()`` is the JSON contract of DESIGN.md (decision, score, categories, hits with offsets
into the original text).
"""

from chainwarden.screening.engine import (
    Decision,
    Hit,
    Screener,
    ScreeningResult,
    Thresholds,
)
from chainwarden.screening.errors import DataFileError, ScreeningError

__all__ = [
    "DataFileError",
    "Decision",
    "Hit",
    "Screener",
    "ScreeningError",
    "ScreeningResult",
    "Thresholds",
]
