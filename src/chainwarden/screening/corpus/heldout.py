"""Held-out check of the classifier on the project's own corpus (k-fold cross-validation).

The hand-written samples of ``train.jsonl`` that were not obfuscated are split into k folds;
each fold is screened by a model trained on every other sample of the corpus (templated and
obfuscated samples always train; composed long texts train unless they contain a held-out
text). The figures are those of ``chainwarden screening eval``, on text the model was not
fitted to, so they say how well the data generalises. Use it to choose
training settings (``--c``) instead of tuning on the development set::

    python src/chainwarden/screening/corpus/heldout.py [--folds 5] [--c 3.0] [--misses]
"""

from __future__ import annotations

import argparse
import random

from chainwarden.screening.corpus.build_corpus import hand_written_samples
from chainwarden.screening.engine import Screener
from chainwarden.screening.evaluate import Sample, read_samples
from chainwarden.screening.lexicon import packaged_lexicon
from chainwarden.screening.train import CORPUS, DEFAULTS, train


def handwritten_texts() -> set[str]:
    """The texts of the hand-written files, as ``build_corpus.py`` reads them."""
    return {sample.text for sample in hand_written_samples()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=DEFAULTS["c"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--misses", action="store_true", help="list held-out texts decided wrongly")
    args = parser.parse_args()
    samples = read_samples(CORPUS)
    hand = handwritten_texts()
    candidates = [i for i, s in enumerate(samples) if s.text in hand]
    random.Random(args.seed).shuffle(candidates)
    lexicon = packaged_lexicon()
    rules_only = Screener(lexicon, None)
    held: list[Sample] = []
    decisions: list[str] = []
    for fold in range(args.folds):
        test = set(candidates[fold :: args.folds])
        # Composed long texts are made of hand-written paragraphs: one that contains a held-out
        # text would leak it into training.
        held_texts = [samples[i].text for i in test]
        kept = [
            s
            for i, s in enumerate(samples)
            if i not in test and not any(h in s.text for h in held_texts if len(h) < len(s.text))
        ]
        model = train(kept, rules_only, c=args.c)
        part = [samples[i] for i in sorted(test)]
        held += part
        decisions += [
            r.decision.value for r in Screener(lexicon, model).screen_many([s.text for s in part])
        ]
    blocked = [d for s, d in zip(held, decisions, strict=True) if s.expected == "block"]
    allowed = [d for s, d in zip(held, decisions, strict=True) if s.expected == "pass"]
    gray = [d for s, d in zip(held, decisions, strict=True) if s.expected == "review"]
    print(f"held out: {len(held)} hand-written texts, {args.folds} folds, C={args.c}")
    print(
        f"prohibited passed {blocked.count('pass') / len(blocked):.1%} ({blocked.count('pass')}/{len(blocked)})"
        f"   prohibited blocked {blocked.count('block') / len(blocked):.1%}"
        f"   allowed blocked {allowed.count('block') / len(allowed):.1%} ({allowed.count('block')}/{len(allowed)})"
        f"   allowed flagged {(len(allowed) - allowed.count('pass')) / len(allowed):.1%}"
        f"   gray held for review {gray.count('review') / len(gray):.1%}"
    )
    if args.misses:
        for sample, decision in zip(held, decisions, strict=True):
            wrong = (sample.expected == "block" and decision == "pass") or (
                sample.expected == "pass" and decision == "block"
            )
            if wrong:
                print(f"{sample.label}\t{decision}\t{sample.text}")


if __name__ == "__main__":
    main()
