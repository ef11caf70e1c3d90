"""The classifier: a linear model over hashed character n-grams plus the rule evidence.

Features of one normalised text: every character n-gram (orders 1–3 by default, the text starts
with a marker so that beginnings count) hashed into ``buckets`` columns, counted and divided by the
number of n-grams (a mean, so that repeating a text does not change its score); then a few dense "extra" features computed by the engine
(lexicon and pattern evidence per category, context cues per kind). Scores are
``intercept + ngrams @ W + extras @ V`` and a softmax over the labels.

The n-gram hashing runs in numpy over a whole batch at once (one array of code points for all
texts), so a batch costs a few vector operations rather than a Python loop per character.

The model file is JSON (no pickle): labels, hashing parameters, intercepts, the weights of the
extra features, and one row ``[bucket, w_label1, w_label2, …]`` for each non-zero bucket.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chainwarden.screening.errors import DataFileError

FORMAT = "chainwarden-screening-model"
PACKAGED = Path(__file__).with_name("model") / "model.json"
MARK = "\x01"  # starts every text in a batch; never left in normalised text

_MULTIPLIERS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)

FloatArray = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]
_SMALL = 2048  # a batch of at most this many code points is scored without a sparse matrix
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Batch:
    """A batch of normalised texts joined into one string, each text preceded by ``MARK``."""

    joined: str
    codes: npt.NDArray[np.uint32]  # code points of ``joined``
    doc_of: npt.NDArray[np.int64]  # the text each position of ``joined`` belongs to
    starts: npt.NDArray[np.int64]  # where each text begins in ``joined`` (after its mark)
    size: int

    @classmethod
    def of(cls, texts: Sequence[str]) -> Batch:
        joined = MARK + MARK.join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        starts = np.cumsum(lengths) - lengths + 1
        return cls(joined, codes, doc_of, starts, len(texts))


def ngram_scale(counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """What a text's n-gram counts are divided by, given how many n-grams it has: their number,
    so that the n-gram part is a mean and a text repeated, or a sentence said twice, scores the
    same (the square root, used before, let a harmless text score higher the longer it got)."""
    return np.maximum(counts, 1.0) ** NGRAM_POWER * NGRAM_REFERENCE


NGRAM_POWER = 1.0
# The mean is multiplied by this, so that its features weigh what they did for a text of about
# a hundred n-grams under the square root, against the same regularisation of the extras.
NGRAM_REFERENCE = 0.1


def _hash_positions(
    codes: npt.NDArray[np.uint32], order: int, buckets: int, scratch: npt.NDArray[np.uint32]
) -> npt.NDArray[np.uint32]:
    """The bucket of the n-gram starting at every position where one fits, boundaries or not.

    ``scratch`` is a buffer at least as long, reused to spare the allocation of temporaries
    (fresh pages of a big array cost as much as the arithmetic)."""
    n = len(codes) - order + 1
    # 32-bit multiply-xorshift hashing; wrapping arithmetic is intended.
    h = np.full(n, (order * 0x632BE5AB) & 0xFFFFFFFF, dtype=np.uint32)
    tmp = scratch[:n]
    for k in range(order):
        np.multiply(codes[k : k + n], np.uint32(_MULTIPLIERS[k]), out=tmp)
        h += tmp
    return _mix(h, buckets, tmp)


def _mix(
    h: npt.NDArray[np.uint32], buckets: int, tmp: npt.NDArray[np.uint32] | None = None
) -> npt.NDArray[np.uint32]:
    """The final mixing of the n-gram hashes ``h`` (in place) and their bucket."""
    if tmp is None:
        tmp = np.empty_like(h)
    np.right_shift(h, np.uint32(15), out=tmp)
    h ^= tmp
    h *= np.uint32(0x2C1B3C6D)
    np.right_shift(h, np.uint32(12), out=tmp)
    h ^= tmp
    if buckets & (buckets - 1) == 0:
        h &= np.uint32(buckets - 1)
    else:
        h %= np.uint32(buckets)
    return h


def hashed_ngrams(batch: Batch, order: int, buckets: int) -> tuple[IntArray, IntArray]:
    """``(doc, bucket)`` of every n-gram of this order that lies inside one text, in text order."""
    n = len(batch.codes) - order + 1
    if n <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    scratch = np.empty(n, dtype=np.uint32)
    bucket = _hash_positions(batch.codes, order, buckets, scratch).astype(np.int64)
    doc = batch.doc_of[:n]
    if order > 1:
        inside = doc == batch.doc_of[order - 1 :]
        return doc[inside], bucket[inside]
    return doc, bucket


@dataclass(frozen=True)
class LinearModel:
    labels: tuple[str, ...]
    orders: tuple[int, ...]
    buckets: int
    extras: tuple[str, ...]
    extra_scale: float
    # Weights are held and summed in float64 (read from float32 or JSON), so that a text scores
    # the same to 1e-9 whether screened alone or in any batch, whatever the order of the sums.
    intercept: npt.NDArray[np.floating[Any]]  # (labels,)
    extra_weights: npt.NDArray[np.floating[Any]]  # (extras, labels)
    ngram_weights: npt.NDArray[np.floating[Any]]  # (buckets + 1, labels); the last row zero
    meta: dict[str, Any]
    heads: tuple[int, ...] = ()  # sizes of the softmax groups over ``labels``; () = one group

    def __post_init__(self) -> None:
        for name in ("intercept", "extra_weights", "ngram_weights"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.float64))

    @property
    def padding(self) -> int:
        """The index of an all-zero row appended to ``ngram_weights``."""
        return self.buckets

    def logits(self, batch: Batch, extras: FloatArray) -> Float64Array:
        """Scores of shape (texts, labels) for a batch and its extra features (texts, extras)."""
        from scipy import sparse

        if len(batch.codes) <= _SMALL:
            return self._logits_small(batch, extras)
        size = batch.size
        total: Float64Array = np.zeros((size, len(self.labels)), dtype=np.float64)
        counts = np.zeros(size, dtype=np.float64)
        codes = batch.codes
        # Positions of each text's mark, where its n-grams begin, and its length with the mark.
        first = batch.starts - 1
        spans = np.diff(np.append(first, len(codes)))
        scratch = np.empty(len(codes), dtype=np.uint32)
        ones = np.ones(len(codes), dtype=np.float64)
        for order in self.orders:
            n = len(codes) - order + 1
            if n <= 0:
                continue
            bucket = self._buckets(codes, first, order, scratch)
            # Rows are the texts' runs of positions: a CSR matrix straight from the arrays.
            indptr = np.minimum(np.append(first, len(codes)), n).astype(np.int32)
            x = sparse.csr_matrix((ones[:n], bucket, indptr), shape=(size, self.buckets + 1))
            total += x @ self.ngram_weights
            counts += np.maximum(spans - order + 1, 0)
        return self._finish(total, counts, extras)

    def _buckets(
        self,
        codes: npt.NDArray[np.uint32],
        first: npt.NDArray[np.int64],
        order: int,
        scratch: npt.NDArray[np.uint32],
    ) -> npt.NDArray[np.int32]:
        """The weight row of each n-gram of ``order`` starting at each position of a batch; an
        n-gram running into the next text counts for nothing (the all-zero padding row)."""
        n = len(codes) - order + 1
        bucket = _hash_positions(codes, order, self.buckets, scratch).view(np.int32)
        for back in range(1, order):
            crossing = first[1:] - back
            bucket[crossing[(crossing >= 0) & (crossing < n)]] = self.padding
        return bucket

    def _finish(
        self, total: Float64Array, counts: npt.NDArray[np.float64], extras: FloatArray
    ) -> Float64Array:
        """The n-gram sums made a mean, plus the extra features and the intercept."""
        total /= ngram_scale(counts)[:, None]
        total += (extras.astype(np.float64) * self.extra_scale) @ self.extra_weights
        total += self.intercept
        return total

    def _logits_small(self, batch: Batch, extras: FloatArray) -> Float64Array:
        """``logits`` for a few short texts: gather the weight rows and sum them per text, with
        no sparse matrix (whose set-up costs more than the sums for one message)."""
        codes = batch.codes
        first = batch.starts - 1
        bounds = np.append(first, len(codes))
        sums = []
        counts = np.zeros(batch.size, dtype=np.float64)
        scratch = np.empty(len(codes), dtype=np.uint32)
        for order in self.orders:
            n = len(codes) - order + 1
            if n <= 0:
                continue
            bucket = self._buckets(codes, first, order, scratch)
            rows = self.ngram_weights[bucket]
            ends = np.minimum(bounds, n)
            cumulative = np.vstack([np.zeros((1, rows.shape[1])), rows.cumsum(axis=0)])
            sums.append(cumulative[ends[1:]] - cumulative[ends[:-1]])
            counts += np.maximum(np.diff(bounds) - order + 1, 0)
        total: Float64Array = (
            np.sum(sums, axis=0)
            if sums
            else np.zeros((batch.size, len(self.labels)), dtype=np.float64)
        )
        return self._finish(total, counts, extras)

    def logits_few(self, texts: Sequence[str], extras: FloatArray) -> Float64Array:
        """``logits`` of a few short texts (the sentences of one message) in a dozen array steps:
        every order hashed at once, one gather of the weight rows, one sum per text and order."""
        joined = MARK + MARK.join(texts)
        size = len(joined)
        top = max(self.orders)
        # Zeros after the end let every order hash ``size`` positions; those past it are padding.
        codes = np.frombuffer((joined + "\0" * top).encode("utf-32-le"), dtype=np.uint32)
        lengths = [len(t) + 1 for t in texts]
        first = list(itertools.accumulate(lengths, initial=0))
        terms = [codes * np.uint32(_MULTIPLIERS[k]) for k in range(top)]
        blocks = []
        padding: list[int] = []
        for i, order in enumerate(self.orders):
            h = terms[0][:size] + np.uint32((order * 0x632BE5AB) & 0xFFFFFFFF)
            for k in range(1, order):
                h += terms[k][k : k + size]
            blocks.append(h)
            # An n-gram running into the next text, or past the end, counts for nothing.
            at = i * size
            for stop in first[1:]:
                padding.extend(range(at + max(stop - order + 1, 0), at + stop))
        bucket = _mix(np.concatenate(blocks), self.buckets).astype(np.intp)
        bucket[padding] = self.padding
        segments = [i * size + f for i in range(len(self.orders)) for f in first[:-1]]
        sums = np.add.reduceat(self.ngram_weights[bucket], segments, axis=0)
        total: Float64Array = sums.reshape(len(self.orders), len(texts), -1).sum(axis=0)
        counts = np.array(
            [sum(max(length - order + 1, 0) for order in self.orders) for length in lengths],
            dtype=np.float64,
        )
        return self._finish(total, counts, extras)

    def probabilities(self, batch: Batch, extras: FloatArray) -> Float64Array:
        """A softmax within each head (the labels, then the decisions)."""
        return self.softmax(self.logits(batch, extras))

    def softmax(self, z: Float64Array) -> Float64Array:
        """Scores made probabilities, in place, within each head."""
        start = 0
        for size in self.heads or (len(self.labels),):
            part = z[:, start : start + size]
            part -= part.max(axis=1, keepdims=True)
            np.exp(part, out=part)
            part /= part.sum(axis=1, keepdims=True)
            start += size
        return z

    def to_json(self) -> dict[str, Any]:
        nonzero = np.flatnonzero(np.abs(self.ngram_weights[: self.buckets]).max(axis=1) > 0)
        return {
            "format": FORMAT,
            "version": 1,
            "labels": list(self.labels),
            "heads": list(self.heads or (len(self.labels),)),
            "orders": list(self.orders),
            "buckets": self.buckets,
            "extras": list(self.extras),
            "extra_scale": self.extra_scale,
            "meta": self.meta,
            "intercept": _round(self.intercept),
            "extra_weights": [_round(row) for row in self.extra_weights],
            "ngram_weights": [[int(b), *_round(self.ngram_weights[b])] for b in nonzero.tolist()],
        }

    def save(self, path: Path) -> None:
        data = self.to_json()
        rows = data.pop("ngram_weights")
        head = json.dumps(data, ensure_ascii=False, indent=1)
        # One n-gram row per line keeps the file readable and its errors locatable.
        body = ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows)
        path.write_text(
            head[:-2] + ',\n "ngram_weights": [\n' + body + "\n ]\n}\n", encoding="utf-8"
        )


def _round(values: npt.NDArray[Any]) -> list[float]:
    return [round(float(v), 5) for v in values]


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def load_model(path: Path, extras: Sequence[str]) -> LinearModel:
    """Read a model file; any problem names the file (and the line where it can be told)."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(name, None, f"无法读取（{exc}）", f"cannot read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            name, exc.lineno, f"不是有效的JSON：{exc.msg}", f"not valid JSON: {exc.msg}"
        ) from None

    def bad(field: str, zh: str, en: str) -> DataFileError:
        return DataFileError(name, _line_of(text, f'"{field}"'), f"{field}：{zh}", f"{field}: {en}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataFileError(name, 1, "不是chainwarden筛查模型文件", f"not a {FORMAT} file")
    try:
        labels = tuple(str(x) for x in data["labels"])
        heads = tuple(int(x) for x in data.get("heads", [len(labels)]))
        orders = tuple(int(x) for x in data["orders"])
        buckets = int(data["buckets"])
        model_extras = tuple(str(x) for x in data["extras"])
        scale = float(data["extra_scale"])
        intercept = np.asarray(data["intercept"], dtype=np.float32)
        extra_weights = np.asarray(data["extra_weights"], dtype=np.float32)
        rows = data["ngram_weights"]
        meta = dict(data.get("meta", {}))
    except KeyError as exc:
        raise DataFileError(
            name, None, f"缺少字段 {exc.args[0]}", f"missing field {exc.args[0]}"
        ) from None
    except (TypeError, ValueError) as exc:
        raise DataFileError(
            name, None, f"字段类型错误（{exc}）", f"a field has the wrong type ({exc})"
        ) from None
    if model_extras != tuple(extras):
        raise bad(
            "extras",
            "与本版本引擎的证据特征不符，请重新训练",
            "do not match this engine's features; retrain the model",
        )
    if sum(heads) != len(labels) or min(heads, default=0) < 2:
        raise bad(
            "heads", "各组大小之和应等于labels的长度", "sizes must add up to the number of labels"
        )
    if intercept.shape != (len(labels),):
        raise bad("intercept", "长度与labels不符", "length differs from labels")
    if extra_weights.shape != (len(model_extras), len(labels)):
        raise bad("extra_weights", "形状不符", "has the wrong shape")
    if not 0 < buckets < 2**31 - 1 or not orders or min(orders) < 1 or not math.isfinite(scale):
        raise bad("buckets", "哈希参数无效", "invalid hashing parameters")
    weights = np.zeros((buckets + 1, len(labels)), dtype=np.float32)
    start_line = _line_of(text, '"ngram_weights"') or 0
    for i, row in enumerate(rows):
        if (
            not isinstance(row, list)
            or len(row) != len(labels) + 1
            or not isinstance(row[0], int)
            or not 0 <= row[0] < buckets
        ):
            raise DataFileError(
                name,
                start_line + 1 + i,
                f"第{i + 1}个n-gram权重行无效",
                f"n-gram weight row {i + 1} is invalid (expected [bucket, {len(labels)} weights])",
            )
        try:
            weights[row[0]] = row[1:]
        except (TypeError, ValueError):
            raise DataFileError(
                name,
                start_line + 1 + i,
                f"第{i + 1}行权重不是数字",
                f"row {i + 1} has a weight that is not a number",
            ) from None
    return LinearModel(
        labels, orders, buckets, model_extras, scale, intercept, extra_weights, weights, meta, heads
    )
