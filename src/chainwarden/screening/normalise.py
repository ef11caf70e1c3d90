"""Text normalisation that keeps a map from every normalised character back to the original.

Steps, in order: a per-character fold (Unicode NFKC, full-width to half-width, case folding,
accents stripped from Latin letters, traditional to simplified Chinese via OpenCC, Cyrillic and
Greek look-alikes to Latin), removal of invisible and control characters, removal of separators
placed between the characters of one word (``保-本-保-息``, ``P.U.M.P``), Chinese numerals read as
numbers where they count something (``百倍`` → ``100倍``, ``百分之五`` → ``5%``), and the
substitutions of pinyin, abbreviations, homophones and slang (``jys`` → ``交易所``).

The fast path is one table lookup over the code points of a whole batch plus searches that find
nothing (array operations where the pattern is simple: invisible characters, split words); only
texts that need a rewrite go through the slower path that tracks positions. ``Normalised.span``
maps a normalised ``[start, end)`` back to the original text.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import FrozenInstanceError, dataclass

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

# Characters read as a word separator when they sit between the characters of one word.
_SEPARATORS = " \t\r\n\u3000\u00a0-_*.|/\\~·丶`'\"+=#^•●★☆♥♡◆◇■□▲△○◎✦✧→—–"
_SEP_CLASS = "[" + re.escape(_SEPARATORS) + "]"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Separators between two Chinese characters: 保 本 / 保-本 / 保*本 (group 1). Patterns here begin
# with a character, not a look-behind, so that the regex engine can skip ahead quickly.
_CJK_SPLIT = re.compile(f"[{_CJK}]({_SEP_CLASS}+)(?=[{_CJK}])")
# Three or more single Latin letters separated by separators: P.U.M.P, u s d t.
_LATIN_SPLIT = re.compile(f"[a-z](?<![a-z0-9][a-z])(?:{_SEP_CLASS}+[a-z](?![a-z0-9])){{2,}}")
_MARK = "\x01"  # joins a batch; a control character, so never part of a normalised text
_SEP_RUN = re.compile(f"{_SEP_CLASS}+")

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUM = "零〇一二两三四五六七八九十百千万"
# 百倍 / 十倍 / 三个点 / 五% : numerals that count something; 百分之五 / 百分之零点五.
_CN_COUNT = re.compile(f"[{_CN_NUM}]+(?=倍|%|‰|个点)")
# Finds the same places as _CN_COUNT, from the rarer end: a numeral is common, 倍 is not.
_CN_COUNT_AT = re.compile(
    f"倍(?<=[{_CN_NUM}]倍)|%(?<=[{_CN_NUM}]%)|‰(?<=[{_CN_NUM}]‰)|个点(?<=[{_CN_NUM}]个点)"
)
_CN_PERCENT = re.compile(f"百分之([{_CN_NUM}]+(?:点[{_CN_NUM}]+)?|[0-9]+(?:\\.[0-9]+)?)")
# "U" where it is money: 100u, 0.5u, 出u / 收u, u商.
_MONEY_U = re.compile(r"u(?:(?<=[0-9出收换买卖充提兑]u)(?![a-z])|(?<![a-z0-9]u)(?=[商币]))")

# Latin look-alikes among Cyrillic and Greek letters (after lower-casing).
_CONFUSABLES = {
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "ӏ": "l",
    "ԛ": "q",
    "ԝ": "w",
    "ɡ": "g",
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
    "ı": "i",
    "ℓ": "l",
}

# Planes scanned when building the character table (the rest map to themselves).
_RANGES = ((0x0000, 0xD800), (0xE000, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F200))


def _t2s_table() -> dict[str, str]:
    """Traditional → simplified, one character at a time, from OpenCC's t2s dictionary."""
    import opencc

    chars = [
        chr(cp)
        for lo, hi in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
        for cp in range(lo, hi)
    ]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a broken OpenCC build
        raise RuntimeError("OpenCC t2s did not convert character by character")
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


def _fold_char(char: str, t2s: dict[str, str]) -> str:
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in "\t\n\r":
        return "" if category != "Cn" else char
    if char in "\t\n\r":
        return " "
    if category == "Mn":
        return ""
    text = unicodedata.normalize("NFKC", char)
    out = []
    for c in text:
        base = unicodedata.normalize("NFKD", c)
        if len(base) > 1 and base[0].isascii() and base[0].isalpha():
            c = base[0]  # é → e, ü → u
        for lower in c.lower():
            lower = _CONFUSABLES.get(lower, lower)
            out.append(t2s.get(lower, lower))
    return "".join(c for c in out if unicodedata.category(c) not in ("Mn", "Cf"))


@dataclass(frozen=True)
class CharTables:
    """The per-character fold: a 1:1 ``str.translate`` table and the characters that change length."""

    one_to_one: dict[int, int]
    other: dict[str, str]  # characters that vanish or expand
    special: re.Pattern[str]  # finds any character of ``other``
    special_unmarked: re.Pattern[str]  # the same but the batch mark (U+0001)

    def fold(self, char: str) -> str:
        if char in self.other:
            return self.other[char]
        return chr(self.one_to_one.get(ord(char), ord(char)))


@functools.cache
def char_tables() -> CharTables:
    t2s = _t2s_table()
    mapping: dict[str, str] = {}
    for lo, hi in _RANGES:
        for cp in range(lo, hi):
            char = chr(cp)
            folded = _fold_char(char, t2s)
            if folded != char:
                mapping[char] = folded
    # Close the mapping so that folding a folded text changes nothing.
    for _ in range(3):
        changed = False
        for char, folded in mapping.items():
            again = "".join(mapping.get(c, c) for c in folded)
            if again != folded:
                mapping[char] = again
                changed = True
        if not changed:
            break
    one_to_one = {ord(a): ord(b) for a, b in mapping.items() if len(b) == 1}
    # A lone surrogate (a text decoded with ``surrogateescape``, a JSON ``"\\ud800"``) folds to
    # U+FFFD: same length, so positions hold, and the matchers never meet an unencodable text.
    one_to_one.update(dict.fromkeys(range(0xD800, 0xE000), 0xFFFD))
    other = {a: b for a, b in mapping.items() if len(b) != 1}
    points = sorted(ord(c) for c in other)
    special = re.compile("[" + "".join(_ranges_class(points)) + "]")
    unmarked = re.compile("[" + "".join(_ranges_class([p for p in points if p != 1])) + "]")
    return CharTables(one_to_one, other, special, unmarked)


def _ranges_class(points: Sequence[int]) -> Iterable[str]:
    start = prev = -2
    for cp in [*points, -10]:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            yield (
                re.escape(chr(start))
                if start == prev
                else f"{re.escape(chr(start))}-{re.escape(chr(prev))}"
            )
        start = prev = cp


def cn_number(text: str) -> str:
    """A Chinese numeral as digits: 百 → 100, 二十五 → 25, 一五 → 15, 三点五 → 3.5."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        return cn_number(whole or "零") + "." + "".join(str(_CN_DIGITS.get(c, 0)) for c in frac)
    if all(c in _CN_DIGITS for c in text):
        return "".join(str(_CN_DIGITS[c]) for c in text)
    total = section = digit = 0
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c == "万":
            section = (section + digit) or 1
            total += section * 10000
            section = digit = 0
        else:
            section += (digit or 1) * _CN_UNITS[c]
            digit = 0
    return str(total + section + digit)


class Normalised:
    """A normalised text; ``starts[i]``/``ends[i]`` bound the original characters of ``text[i]``.

    ``starts is None`` means the text kept its length, so positions are the same in both.
    Immutable. A text from a batch keeps its maps as slices of the batch's arrays until they are
    first read (most texts of a batch are never asked for a position).
    """

    __slots__ = ("_at", "_ends", "_maps", "_starts", "original", "text")
    original: str
    text: str
    _starts: tuple[int, ...] | None
    _ends: tuple[int, ...] | None
    _maps: tuple[IntArray, IntArray] | None
    _at: int

    def __init__(
        self,
        original: str,
        text: str,
        starts: tuple[int, ...] | None = None,
        ends: tuple[int, ...] | None = None,
    ) -> None:
        _set(self, "original", original)
        _set(self, "text", text)
        _set(self, "_starts", starts)
        _set(self, "_ends", ends)
        _set(self, "_maps", None)
        _set(self, "_at", 0)

    @classmethod
    def _plain(cls, original: str, text: str) -> Normalised:
        """``Normalised(original, text)``, made faster (a batch makes thousands)."""
        new = object.__new__(cls)
        _set(new, "original", original)
        _set(new, "text", text)
        _set(new, "_starts", None)
        _set(new, "_ends", None)
        _set(new, "_maps", None)
        return new

    @classmethod
    def _mapped(
        cls, original: str, text: str, maps: tuple[IntArray, IntArray], at: int
    ) -> Normalised:
        """A text whose maps are ``maps[0][at : at + len(text)]`` and the same of ``maps[1]``."""
        new = cls(original, text)
        _set(new, "_maps", maps)
        _set(new, "_at", at)
        return new

    def _fill(self) -> None:
        if self._starts is None and self._maps is not None:
            stop = self._at + len(self.text)
            _set(self, "_ends", tuple(self._maps[1][self._at : stop].tolist()))
            _set(self, "_starts", tuple(self._maps[0][self._at : stop].tolist()))

    @property
    def starts(self) -> tuple[int, ...] | None:
        self._fill()
        starts: tuple[int, ...] | None = self._starts
        return starts

    @property
    def ends(self) -> tuple[int, ...] | None:
        self._fill()
        ends: tuple[int, ...] | None = self._ends
        return ends

    def _key(self) -> tuple[str, str, tuple[int, ...] | None, tuple[int, ...] | None]:
        return (self.original, self.text, self.starts, self.ends)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Normalised):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        original, text, starts, ends = self._key()
        return f"Normalised({original=!r}, {text=!r}, {starts=!r}, {ends=!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` of the normalised ``[start, end)`` (``end > start``)."""
        starts, ends = self.starts, self.ends
        if starts is None or ends is None:
            return start, end
        return starts[start], ends[end - 1]


_set = object.__setattr__
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _apply(
    text: str, starts: list[int], ends: list[int], edits: Sequence[Edit]
) -> tuple[str, list[int], list[int]]:
    parts: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for a, b, replacement in edits:
        parts.append(text[pos:a])
        new_starts.extend(starts[pos:a])
        new_ends.extend(ends[pos:a])
        parts.append(replacement)
        if replacement:
            new_starts.extend([starts[a]] * len(replacement))
            new_ends.extend([ends[b - 1]] * len(replacement))
        pos = b
    parts.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(parts), new_starts, new_ends


def _apply_arrays(
    text: str, starts: IntArray, ends: IntArray, edits: Sequence[Edit]
) -> tuple[str, IntArray, IntArray]:
    """``_apply`` with the position maps as arrays: each position is repeated as often as it
    appears in the result (once if untouched, the replacement's length for the first start and
    the last end of an edit, never for the rest of an edit)."""
    first_list, stop_list, replacements = zip(*edits, strict=True)
    first = np.array(first_list, dtype=np.int64)
    stop = np.array(stop_list, dtype=np.int64)
    if (first >= stop).any():  # pragma: no cover - no stage makes an empty edit
        text, s, e = _apply(text, starts.tolist(), ends.tolist(), edits)
        return text, np.asarray(s, dtype=np.int64), np.asarray(e, dtype=np.int64)
    # The text between edits, then each replacement: slices by the edges in one pass.
    bounds = [0, *itertools.chain.from_iterable(zip(first_list, stop_list, strict=True))]
    kept = [text[a:b] for a, b in zip(bounds[:-1:2], bounds[1::2], strict=True)]
    parts = [*itertools.chain.from_iterable(zip(kept, replacements, strict=True))]
    parts.append(text[stop_list[-1] :])
    size = np.fromiter(map(len, replacements), dtype=np.int64, count=len(edits))
    # Edits do not overlap: positions inside one are dropped, the others kept once.
    delta = np.bincount(stop, minlength=len(text) + 1) - np.bincount(first, minlength=len(text) + 1)
    untouched = 1 + np.cumsum(delta[:-1])
    repeat_starts = untouched.copy()
    repeat_starts[first] = size
    repeat_ends = untouched
    repeat_ends[stop - 1] = size
    return "".join(parts), np.repeat(starts, repeat_starts), np.repeat(ends, repeat_ends)


class Normaliser:
    """Builds once (tables, substitution automaton) and normalises many texts."""

    def __init__(self, substitutions: Iterable[tuple[str, str]] = ()) -> None:
        self.tables = char_tables()
        # The same fold as an array indexed by code point, for whole batches.
        self._code_table: npt.NDArray[np.uint32] = np.arange(0x110000, dtype=np.uint32)
        one_to_one = self.tables.one_to_one
        self._code_table[np.fromiter(one_to_one, dtype=np.int64, count=len(one_to_one))] = (
            np.fromiter(one_to_one.values(), dtype=np.uint32, count=len(one_to_one))
        )
        pairs: dict[str, str] = {}
        for variant, canonical in substitutions:
            v = self.fold(variant).strip()
            c = self.fold(canonical).strip()
            if v and c and v != c and v not in pairs:
                pairs[v] = c
        # A canonical form must not itself be rewritten again (keeps normalisation idempotent).
        for v in list(pairs):
            if any(other in pairs[v] for other in pairs if other != v) or v in pairs[v]:
                del pairs[v]
        self.variants = list(pairs)
        self.canonical = [pairs[v] for v in self.variants]
        self._latin_edges = [(_is_word(v[0]), _is_word(v[-1])) for v in self.variants]
        self._left_word = np.array([left for left, _ in self._latin_edges], dtype=bool)
        self._right_word = np.array([right for _, right in self._latin_edges], dtype=bool)
        # Characters that vanish or expand (the batch mark aside), as a lookup by code point.
        self._special_codes = np.zeros(0x110000, dtype=bool)
        self._special_codes[[ord(c) for c in self.tables.other if c != _MARK]] = True
        _char_classes()  # built now, not while the first batch waits
        self._automaton = (
            # A DFA: larger, but over twice as fast to run as the default for these few matches.
            ahocorasick_rs.AhoCorasick(
                self.variants,
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                implementation=ahocorasick_rs.Implementation.DFA,
            )
            if self.variants
            else None
        )
        # Searched one by one: an alternation of them would be far slower to scan.
        self._triggers = (_CJK_SPLIT, _LATIN_SPLIT, _CN_COUNT_AT, _CN_PERCENT, _MONEY_U)
        # The same, for a text whose code points are at hand: the split words by array operations.
        self._code_triggers = tuple(
            p for p in self._triggers if p is not _LATIN_SPLIT and p is not _CJK_SPLIT
        )

    def fold(self, text: str) -> str:
        """Only the per-character fold (no change of positions tracked)."""
        tables = self.tables
        folded = text.translate(tables.one_to_one)
        if tables.special.search(folded):
            folded = "".join(tables.other.get(c, c) for c in folded)
        return folded

    def normalise(self, text: str) -> Normalised:
        folded = text.translate(self.tables.one_to_one)
        if (
            self.tables.special.search(folded)
            or any(p.search(folded) for p in self._triggers)
            or self._substitution_edits(folded)
        ):
            return self._slow(text, folded)
        return Normalised(text, folded)

    def normalise_many(self, texts: Sequence[str]) -> list[Normalised]:
        """The same as ``normalise`` on each text, with the searches run once over the batch."""
        folded, rewritten = self.normalise_texts(texts)
        plain = Normalised._plain
        return [
            rewritten.get(i) or plain(t, f)
            for i, (t, f) in enumerate(zip(texts, folded, strict=True))
        ]

    def normalise_texts(self, texts: Sequence[str]) -> tuple[list[str], dict[int, Normalised]]:
        """``normalise_many`` as the normalised strings, and the whole ``Normalised`` only of
        the texts that took the position-tracking path (by index); in the others every
        character kept its position. Spares making an object per text of a big batch."""
        joined = _MARK.join(texts)
        # Few texts, or a text that holds the mark itself: one by one.
        if len(texts) < 8 or joined.count(_MARK) != len(texts) - 1:
            done = [self.normalise(t) for t in texts]
            return [n.text for n in done], dict(enumerate(done))
        codes = self._translate_codes(joined)
        folded_all = _decode(codes) if codes is not None else self._translate(joined)
        pieces = folded_all.split(_MARK)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        starts = np.cumsum(lengths + 1) - lengths - 1
        found: list[int] = []
        patterns: tuple[re.Pattern[str], ...]
        if codes is not None:
            found += np.flatnonzero(self._special_codes[codes]).tolist()
            found += _split_at(codes).tolist()
            patterns = self._code_triggers
        else:  # pragma: no cover - a code point the codec refuses
            patterns = (self.tables.special_unmarked, *self._triggers)
        for pattern in patterns:
            found += [m.start() for m in pattern.finditer(folded_all)]
        if self._automaton is not None:
            found += self._valid_substitutions(folded_all, codes)
        chosen = np.unique(np.searchsorted(starts, found, side="right") - 1).tolist()
        rewritten: dict[int, Normalised] = {}
        if chosen:
            redone = self._slow_many([texts[i] for i in chosen], [pieces[i] for i in chosen])
            for i, n in zip(chosen, redone, strict=True):
                pieces[i] = n.text
                rewritten[i] = n
        return pieces, rewritten

    def _translate_codes(self, text: str) -> npt.NDArray[np.uint32] | None:
        """The code points of ``text.translate(one_to_one)``, by one array lookup."""
        try:
            codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        except UnicodeError:  # pragma: no cover - a code point the codec refuses
            return None
        translated: npt.NDArray[np.uint32] = self._code_table[codes]
        return translated

    def _translate(self, text: str) -> str:
        """``text.translate(one_to_one)``, as one array lookup over the code points."""
        codes = self._translate_codes(text)
        if codes is None:  # pragma: no cover - a code point the codec refuses
            return text.translate(self.tables.one_to_one)
        return _decode(codes)

    def _valid_substitutions(self, text: str, codes: npt.NDArray[np.uint32] | None) -> list[int]:
        """Where the substitutions that ``_valid_substitution`` accepts begin."""
        assert self._automaton is not None
        found = self._automaton.find_matches_as_indexes(text)
        if codes is None or not found:  # pragma: no cover - a code point the codec refuses
            return [s for i, s, e in found if self._valid_substitution(text, i, s, e)]
        table = np.fromiter(
            itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found)
        ).reshape(-1, 3)
        index, start, end = table[:, 0], table[:, 1], table[:, 2]
        word = (codes < 128) & _ASCII_WORD[codes & 127]
        bad = self._left_word[index] & (start > 0) & word[np.maximum(start - 1, 0)]
        bad |= self._right_word[index] & (end < len(codes)) & word[np.minimum(end, len(codes) - 1)]
        valid: list[int] = start[~bad].tolist()
        return valid

    def _slow_many(self, originals: Sequence[str], foldeds: Sequence[str]) -> list[Normalised]:
        """``_slow`` of each text, with every stage run once over the texts joined by the mark.

        No stage matches across the mark (a control character that is neither a separator, a
        letter nor a digit), so each text comes out as it would alone; a text that stopped
        changing stays unchanged in the later rounds."""
        text = _MARK.join(foldeds)
        starts = np.arange(len(text), dtype=np.int64)
        ends = starts + 1
        other = self.tables.other
        codes = _code_points(text)
        if codes is None:  # pragma: no cover - a code point the codec refuses
            at = [m.start() for m in self.tables.special_unmarked.finditer(text)]
        else:  # one array lookup rather than a scan with a large character class
            at = np.flatnonzero(self._special_codes[codes]).tolist()
        edits = [(i, i + 1, other[text[i]]) for i in at]
        if edits:
            text, starts, ends = _apply_arrays(text, starts, ends, edits)
        for _ in range(4):
            for stage in self._stages:
                edits = stage(self, text)
                if edits:
                    text, starts, ends = _apply_arrays(text, starts, ends, edits)
            if not self._could_change(text):
                break
        pieces = text.split(_MARK)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        folded_lengths = np.fromiter(map(len, foldeds), dtype=np.int64, count=len(foldeds))
        bases = np.cumsum(folded_lengths + 1) - folded_lengths - 1
        piece_of = np.repeat(np.arange(len(pieces)), lengths + 1)[:-1]
        base = bases[piece_of]
        rel_starts = starts - base
        rel_ends = ends - base
        firsts = np.cumsum(lengths + 1) - lengths - 1
        moved = rel_starts != np.arange(len(text)) - firsts[piece_of]
        moved_pieces = np.bincount(piece_of[moved], minlength=len(pieces)).tolist()
        maps = (rel_starts, rel_ends)
        out: list[Normalised] = []
        for original, piece, a, changed in zip(
            originals, pieces, firsts.tolist(), moved_pieces, strict=True
        ):
            if len(piece) == len(original) and not changed:
                out.append(Normalised(original, piece))
            else:
                out.append(Normalised._mapped(original, piece, maps, a))
        return out

    def _slow(self, original: str, folded: str) -> Normalised:
        text = folded
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
        other = self.tables.other
        edits = [(m.start(), m.end(), other[m.group()]) for m in self.tables.special.finditer(text)]
        if edits:
            text, starts, ends = _apply(text, starts, ends, edits)
        for _ in range(4):
            for stage in self._stages:
                edits = stage(self, text)
                if edits:
                    text, starts, ends = _apply(text, starts, ends, edits)
            if not self._could_change(text):
                break
        if len(text) == len(original) and starts == list(range(len(text))):
            return Normalised(original, text)
        return Normalised(original, text, tuple(starts), tuple(ends))

    def _could_change(self, text: str) -> bool:
        """Whether a round of the stages could edit ``text``: each stage edits only where one of
        these searches finds something. Cheaper than a round that finds nothing to do."""
        if any(p.search(text) for p in self._code_triggers):
            return True
        codes = _code_points(text)
        # Exactly, here: a text with 丶 left in it must not cost another round.
        if _CJK_SPLIT.search(text):
            return True
        if codes is None:  # pragma: no cover - a code point the codec refuses
            if _LATIN_SPLIT.search(text):
                return True
        elif len(_latin_split_at(codes)):
            return True
        if self._automaton is None:
            return False
        return bool(self._valid_substitutions(text, codes))

    # Stages of the slow path; each returns sorted, non-overlapping edits.
    def _split_edits(self, text: str) -> list[Edit]:
        edits: list[Edit] = [(m.start(1), m.end(1), "") for m in _CJK_SPLIT.finditer(text)]
        codes = _code_points(text)
        if codes is None:  # pragma: no cover - a code point the codec refuses
            for m in _LATIN_SPLIT.finditer(text):
                for sep in _SEP_RUN.finditer(text, m.start(), m.end()):
                    edits.append((sep.start(), sep.end(), ""))
        else:
            starts, stops = _latin_split_separators(codes)
            edits += [(a, b, "") for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]
        edits.sort()
        return _non_overlapping(edits)

    def _number_edits(self, text: str) -> list[Edit]:
        edits: list[Edit] = []
        for m in _CN_PERCENT.finditer(text):
            value = m.group(1)
            digits = value if value[0].isdigit() else cn_number(value)
            edits.append((m.start(), m.end(), digits + "%"))
        for m in _CN_COUNT.finditer(text):
            edits.append((m.start(), m.end(), cn_number(m.group())))
        for m in _MONEY_U.finditer(text):
            edits.append((m.start(), m.end(), "usdt"))
        edits.sort()
        return _non_overlapping(edits)

    def _substitution_edits(self, text: str) -> list[Edit]:
        if self._automaton is None:
            return []
        return [
            (start, end, self.canonical[index])
            for index, start, end in self._automaton.find_matches_as_indexes(text)
            if self._valid_substitution(text, index, start, end)
        ]

    def _valid_substitution(self, text: str, index: int, start: int, end: int) -> bool:
        """A Latin variant (``bi``, ``jys``) counts only as a whole word, not inside ``big``."""
        left, right = self._latin_edges[index]
        if left and start > 0 and _is_word(text[start - 1]):
            return False
        return not (right and end < len(text) and _is_word(text[end]))

    _stages: tuple[Callable[[Normaliser, str], list[Edit]], ...] = (
        _split_edits,
        _substitution_edits,
        _split_edits,
        _number_edits,
    )


_ASCII_WORD = np.array([chr(i).isalnum() for i in range(128)], dtype=bool)


_SEP_BIT, _LETTER_BIT, _DIGIT_BIT, _CJK_BIT = 1, 2, 4, 8


@functools.cache
def _char_classes() -> npt.NDArray[np.uint8]:
    """By code point: a separator, a letter a-z, a digit 0-9, a Chinese character (the classes
    of _LATIN_SPLIT and _CJK_SPLIT)."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):  # as _CJK
        table[lo : hi + 1] |= _CJK_BIT
    table[[ord(c) for c in _SEPARATORS]] |= _SEP_BIT
    table[ord("a") : ord("z") + 1] |= _LETTER_BIT
    table[ord("0") : ord("9") + 1] |= _DIGIT_BIT
    return table


def _separator_links(
    codes: npt.NDArray[np.uint32],
) -> tuple[IntArray, IntArray, BoolArray, npt.NDArray[np.uint8], BoolArray]:
    """The runs of separators ``[start, stop)``; for each run but the last, whether it and the
    next one join three single letters (no letter or digit on either side of each): the pieces
    of _LATIN_SPLIT; the class of each character; and which runs lie between two Chinese
    characters."""
    classes = _char_classes()[codes]
    sep = (classes & _SEP_BIT).view(np.int8)
    edge = np.zeros(1, dtype=np.int8)  # int8 throughout: a plain 0 would widen to int64
    edges = np.flatnonzero(np.diff(np.concatenate((edge, sep, edge))))
    run_start, run_stop = edges[::2], edges[1::2]
    # The classes two characters either side of each run; outside the text, none.
    padded = np.concatenate((np.zeros(2, np.uint8), classes, np.zeros(2, np.uint8)))
    before, before2 = padded[run_start + 1], padded[run_start]
    after, after2 = padded[run_stop + 2], padded[run_stop + 3]
    alnum = _LETTER_BIT | _DIGIT_BIT
    # A letter next to a run is single when the character on its other side is no letter or digit.
    linked = (before & _LETTER_BIT != 0) & (before2 & alnum == 0)
    linked &= (after & _LETTER_BIT != 0) & (after2 & alnum == 0)
    # Two linked runs with one letter between them: the letter after the first begins the next.
    chained: BoolArray = linked[:-1] & linked[1:] & (run_stop[:-1] + 1 == run_start[1:])
    between_cjk: BoolArray = (before & _CJK_BIT != 0) & (after & _CJK_BIT != 0)
    return run_start, run_stop, chained, classes, between_cjk


def _latin_split_at(codes: npt.NDArray[np.uint32]) -> IntArray:
    """Where _LATIN_SPLIT matches, found with array operations."""
    run_start, _, chained, _, _ = _separator_links(codes)
    found: IntArray = run_start[:-1][chained] - 1
    return found


def _split_at(codes: npt.NDArray[np.uint32]) -> IntArray:
    """Positions in every text where _LATIN_SPLIT or _CJK_SPLIT matches (and a few more)."""
    run_start, _, chained, classes, between_cjk = _separator_links(codes)
    # A separator that is a Chinese character too (丶) can begin or end a split inside a run
    # of separators: its texts are looked at closely.
    both = np.flatnonzero(classes == (_SEP_BIT | _CJK_BIT))
    return np.concatenate((run_start[:-1][chained] - 1, run_start[between_cjk] - 1, both))


def _latin_split_separators(codes: npt.NDArray[np.uint32]) -> tuple[IntArray, IntArray]:
    """The separator runs inside the matches of _LATIN_SPLIT: a match runs through as many
    chained runs as follow one another, so a run is inside one when chained to a neighbour."""
    run_start, run_stop, chained, _, _ = _separator_links(codes)
    inside = np.zeros(len(run_start), dtype=bool)
    inside[:-1] |= chained
    inside[1:] |= chained
    return run_start[inside], run_stop[inside]


def _code_points(text: str) -> npt.NDArray[np.uint32] | None:
    try:
        return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    except UnicodeError:  # pragma: no cover - a code point the codec refuses
        return None


def _decode(codes: npt.NDArray[np.uint32]) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def _is_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    last = -1
    for edit in edits:
        if edit[0] >= last:
            out.append(edit)
            last = edit[1]
    return out
