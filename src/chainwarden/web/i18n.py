"""Languages of the pages: Chinese by default, English on request.

Messages are Babel catalogues under ``web/locale`` (msgids are English; ``zh`` translates them).
A compiled ``.mo`` is used when it is present; otherwise the ``.po`` is compiled in memory on first
use, so a fresh checkout serves Chinese pages without a build step. ``make i18n`` extracts,
updates and compiles the catalogues.

The language of a request is, in order: ``?lang=``, the ``cw_lang`` cookie, the Accept-Language
header, Chinese.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT = "zh"
LANGUAGES = ("zh", "en")
# The value of <html lang>, and the name people see in the language switch.
HTML_LANG = {"zh": "zh-CN", "en": "en"}
NAMES = {"zh": "中文", "en": "English"}
LANG_COOKIE = "cw_lang"
LANG_PARAM = "lang"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def _normalise(value: str | None) -> str | None:
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def _from_accept_language(header: str) -> str | None:
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = _normalise(tag)
        if language and quality > 0:
            choices.append((-quality, position, language))
    return min(choices)[2] if choices else None


def requested_language(request: Request) -> str | None:
    """The language asked for explicitly with ``?lang=``, if it is one we speak."""
    return _normalise(request.query_params.get(LANG_PARAM))


def negotiate(request: Request) -> str:
    return (
        requested_language(request)
        or _normalise(request.cookies.get(LANG_COOKIE))
        or _from_accept_language(request.headers.get("accept-language", ""))
        or DEFAULT
    )


def _compile(po_path: Path) -> Translations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def translations(language: str) -> gettext.NullTranslations:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo_path, po_path = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo_path.exists():
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if po_path.exists():
        return _compile(po_path)
    # English is the language of the msgids: nothing to translate.
    return NullTranslations()
