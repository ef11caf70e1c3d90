"""Train the classifier on the project's corpus (``corpus/train.jsonl``) with scikit-learn."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from chainwarden.screening.engine import EXTRAS, LABELS, Screener
from chainwarden.screening.errors import ScreeningError
from chainwarden.screening.evaluate import Sample
from chainwarden.screening.model import Batch, LinearModel, hashed_ngrams

CORPUS = Path(__file__).with_name("corpus") / "train.jsonl"

DEFAULTS: dict[str, Any] = {
    "orders": (1, 2, 3),
    "buckets": 1 << 18,
    "c": 4.0,
    "extra_scale": 2.0,
    "min_df": 2,
}


def features(
    screener: Screener,
    texts: Sequence[str],
    orders: Sequence[int],
    buckets: int,
    extra_scale: float,
) -> Any:
    """The training matrix: scaled n-gram counts followed by the scaled extra features."""
    from scipy import sparse

    normalised = screener.normaliser.normalise_many(texts)
    batch = Batch.of([n.text for n in normalised])
    extras = screener.evidence(batch).extras
    docs, cols = [], []
    for order in orders:
        doc, bucket = hashed_ngrams(batch, order, buckets)
        docs.append(doc)
        cols.append(bucket)
    doc_all = np.concatenate(docs)
    col_all = np.concatenate(cols)
    counts = sparse.csr_matrix(
        (np.ones(len(doc_all), dtype=np.float64), (doc_all, col_all)), shape=(len(texts), buckets)
    )
    per_doc = np.asarray(counts.sum(axis=1)).ravel()
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(per_doc, 1.0)))
    return scale @ counts, extras.astype(np.float64) * extra_scale


def train(
    samples: Sequence[Sample],
    screener: Screener,
    *,
    orders: Sequence[int] = DEFAULTS["orders"],
    buckets: int = DEFAULTS["buckets"],
    c: float = DEFAULTS["c"],
    extra_scale: float = DEFAULTS["extra_scale"],
    min_df: int = DEFAULTS["min_df"],
    meta: dict[str, Any] | None = None,
) -> LinearModel:
    """Fit a multinomial logistic regression; n-grams seen in fewer than ``min_df`` texts get no weight."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    labels = [s.label for s in samples]
    missing = sorted(set(LABELS) - set(labels))
    if missing:
        raise ScreeningError(
            "screening.corpus_labels",
            f"训练语料缺少类别：{', '.join(missing)}",
            f"the training corpus has no sample of: {', '.join(missing)}",
        )
    ngrams, extras = features(screener, [s.text for s in samples], orders, buckets, extra_scale)
    df = np.asarray((ngrams > 0).sum(axis=0)).ravel()
    keep = sparse.diags((df >= min_df).astype(np.float64))
    x = sparse.hstack([ngrams @ keep, sparse.csr_matrix(extras)]).tocsr()
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, labels)
    coef = np.asarray(clf.coef_, dtype=np.float32)  # (labels, features)
    ngram_weights = np.zeros((buckets + 1, len(clf.classes_)), dtype=np.float32)
    ngram_weights[:buckets] = coef[:, :buckets].T
    ngram_weights[np.abs(ngram_weights) < 1e-4] = 0.0
    return LinearModel(
        labels=tuple(str(label) for label in clf.classes_),
        orders=tuple(orders),
        buckets=buckets,
        extras=EXTRAS,
        extra_scale=extra_scale,
        intercept=np.asarray(clf.intercept_, dtype=np.float32),
        extra_weights=np.ascontiguousarray(coef[:, buckets:].T),
        ngram_weights=ngram_weights,
        meta={
            "samples": len(samples),
            "c": c,
            "min_df": min_df,
            "lexicon_version": screener.lexicon.version,
            **(meta or {}),
        },
    )


def corpus_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
