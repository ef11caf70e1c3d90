from __future__ import annotations

from chainwarden.errors import ChainwardenError


class ScreeningError(ChainwardenError):
    """The screening engine cannot start: a lexicon, model or threshold is not usable."""


class DataFileError(ScreeningError):
    """A lexicon or model file is malformed; the message names the file and the line."""

    def __init__(self, path: str, line: int | None, problem_zh: str, problem_en: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(
            "screening.data_file",
            f"{where}: {problem_zh}",
            f"{where}: {problem_en}",
            path=path,
            line=line,
        )
        self.path = path
        self.line_number = line
