"""Score a trained model on the regression set and on the blind held-out set (tests/nlu/unseen.yml).

    PYTHONPATH=. .venv/bin/python -m benchmarks.evaluate_unseen [--summary] [models/asisten.tar.gz]

Prints intent accuracy, macro-F1, layanan and jenis accuracy for each set (testkit.nlu_eval's scorer:
the top intent of the parse, nlu_fallback counts as a miss unless the line is out of scope).
With --summary it also prints per-intent F1 and the confusion pairs with their counts, never a line of
text: whoever writes training data can see which families go wrong without reading the held-out lines.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import REGRESSION_FILE, Example, Report, evaluate_model, load_examples

UNSEEN_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen.yml"
# set C, written blind after unseen.yml was used for tuning
UNSEEN_C_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_c.yml"


def per_intent_f1(examples: list[Example], report: Report) -> dict[str, tuple[int, float]]:
    """Gold count and F1 per gold intent, from the confusion counts alone."""
    gold = Counter(e.intent for e in examples)
    missed: Counter[str] = Counter()
    wrongly_taken: Counter[str] = Counter()
    for g, p, n in report.confusions:
        missed[g] += n
        wrongly_taken[p] += n
    out = {}
    for intent, n in gold.items():
        tp = n - missed[intent]
        fp = wrongly_taken[intent]
        f1 = 2 * tp / (2 * tp + fp + missed[intent]) if tp else 0.0
        out[intent] = (n, f1)
    return out


def print_summary(examples: list[Example], report: Report) -> None:
    for intent, (n, f1) in sorted(per_intent_f1(examples, report).items(), key=lambda kv: kv[1][1]):
        print(f"  F1 {f1:.3f}  n={n:<3d} {intent}")
    for g, p, n in report.confusions:
        print(f"  confusion {n:3d}  {g} -> {p or '(none)'}")


def main() -> None:
    args = sys.argv[1:]
    summary = "--summary" in args
    args = [a for a in args if a != "--summary"]
    model = Path(args[0]) if args else PROJECT_ROOT / "models" / "asisten.tar.gz"
    for name, path in (("regression", REGRESSION_FILE), ("unseen", UNSEEN_FILE), ("unseen_c", UNSEEN_C_FILE)):
        examples = load_examples(path)
        r = evaluate_model(name, model, examples)
        print(
            f"{name}: n={r.n} intent={r.intent_accuracy:.3f} macro-F1={r.macro_f1:.3f} "
            f"layanan={r.layanan_accuracy:.3f} (n={r.layanan_n}, false positives {r.layanan_false_positives}) "
            f"jenis={r.jenis_accuracy:.3f} (n={r.jenis_n})"
        )
        if summary:
            print_summary(examples, r)


if __name__ == "__main__":
    main()
