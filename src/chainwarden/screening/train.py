"""Train the classifier on the project's corpus (``corpus/train.jsonl``) with scikit-learn."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from chainwarden.screening.engine import EXTRAS, LABELS, Screener
from chainwarden.screening.errors import ScreeningError
from chainwarden.screening.evaluate import EXPECTED, Sample
from chainwarden.screening.model import Batch, LinearModel, hashed_ngrams, ngram_scale

CORPUS = Path(__file__).with_name("corpus") / "train.jsonl"

DEFAULTS: dict[str, Any] = {
    "orders": (1, 2, 3),
    "buckets": 1 << 18,
    "c": 3.0,  # chosen by 5-fold held-out cross-validation on the hand-written corpus
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
    scale = sparse.diags(1.0 / ngram_scale(per_doc))
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
    used = np.flatnonzero(df >= min_df)  # fit only the columns that can get a weight
    x = sparse.hstack([ngrams[:, used], sparse.csr_matrix(extras)]).tocsr()
    weights = _group_weights(labels)
    # Two heads over the same features: which label (for the categories shown), and which
    # decision (for the decision itself, so six prohibited labels do not pool their mass).
    fine = LogisticRegression(C=c, max_iter=500, tol=1e-3).fit(x, labels, sample_weight=weights)
    decisions = [f"decision:{EXPECTED[label]}" for label in labels]
    coarse = LogisticRegression(C=c, max_iter=500, tol=1e-3).fit(
        x, decisions, sample_weight=weights
    )
    coef = np.vstack([fine.coef_, coarse.coef_]).astype(np.float32)  # (outputs, features)
    outputs = (*fine.classes_, *coarse.classes_)
    ngram_weights = np.zeros((buckets + 1, len(outputs)), dtype=np.float32)
    ngram_weights[used] = coef[:, : len(used)].T
    ngram_weights[np.abs(ngram_weights) < 1e-4] = 0.0
    return LinearModel(
        labels=tuple(str(label) for label in outputs),
        orders=tuple(orders),
        buckets=buckets,
        extras=EXTRAS,
        extra_scale=extra_scale,
        intercept=np.concatenate([fine.intercept_, coarse.intercept_]).astype(np.float32),
        extra_weights=np.ascontiguousarray(coef[:, len(used) :].T),
        ngram_weights=ngram_weights,
        meta={
            "samples": len(samples),
            "c": c,
            "min_df": min_df,
            "lexicon_version": screener.lexicon.version,
            **(meta or {}),
        },
        heads=(len(fine.classes_), len(coarse.classes_)),
    )


# Share of the training weight given to each expected decision: a label's texts share its
# decision's part equally, so six prohibited labels do not outweigh four allowed ones.
DECISION_SHARE = {"block": 0.4, "pass": 0.4, "review": 0.2}


def _group_weights(labels: Sequence[str]) -> Any:
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    per_decision: dict[str, int] = {}
    for label in counts:
        per_decision[EXPECTED[label]] = per_decision.get(EXPECTED[label], 0) + 1
    weights = [
        DECISION_SHARE[EXPECTED[label]] / per_decision[EXPECTED[label]] / counts[label]
        for label in labels
    ]
    return np.asarray(weights) * len(labels)


def corpus_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
