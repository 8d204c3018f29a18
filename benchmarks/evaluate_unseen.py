"""Score a trained model (by default the `scripts/train.sh` one) on every held-out set of testkit.nlu_eval.SETS.

    PYTHONPATH=. .venv/bin/python -m benchmarks.evaluate_unseen [--summary] [models/asisten.tar.gz] [DEV.yml ...]

Prints intent accuracy, macro-F1, layanan and jenis accuracy and F1 (precision / recall) for each set (testkit.nlu_eval's scorer:
the top intent of the parse, nlu_fallback counts as a miss unless the line is out of scope).
With --summary it also prints per-intent F1 and the confusion pairs with their counts, never a line of
text: whoever writes training data can see which families go wrong without reading the held-out lines.
Files named after the model (a dev set such as tests/nlu/dev14.yml) are scored too, under their file's stem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import SETS, Report, evaluate_sets, load_examples


def print_summary(report: Report) -> None:
    for intent, (n, f1) in sorted(report.per_intent_f1.items(), key=lambda kv: kv[1][1]):
        print(f"  F1 {f1:.3f}  n={n:<3d} {intent}")
    for g, p, n in report.confusions:
        print(f"  confusion {n:3d}  {g} -> {p or '(none)'}")


def main() -> None:
    args = sys.argv[1:]
    if {"-h", "--help"} & set(args):
        print(__doc__)
        return
    unknown = [a for a in args if a.startswith("-") and a != "--summary"]
    if unknown:
        sys.exit(f"evaluate_unseen: unknown option {', '.join(unknown)} (only --summary; --help shows usage)")
    summary = "--summary" in args
    args = [a for a in args if a != "--summary"]
    extra = [Path(a) for a in args if a.endswith(".yml")]
    models = [a for a in args if not a.endswith(".yml")]
    model = Path(models[0]) if models else PROJECT_ROOT / "models" / "asisten.tar.gz"
    missing = [str(p) for p in [model, *extra] if not p.is_file()]
    if missing:
        sys.exit(f"evaluate_unseen: no such file: {', '.join(missing)}")
    sets = {name: load_examples(path) for name, path in SETS.items()}
    sets.update({path.stem: load_examples(path) for path in extra})
    for name, r in evaluate_sets("model", model, sets).items():
        print(
            f"{name}: n={r.n} intent={r.intent_accuracy:.3f} macro-F1={r.macro_f1:.3f} "
            f"layanan={r.layanan_accuracy:.3f} (n={r.layanan_n}, false positives {r.layanan_false_positives}) "
            f"jenis={r.jenis_accuracy:.3f} (n={r.jenis_n}); F1 layanan {r.layanan_f1:.3f} "
            f"(P {r.layanan_precision:.3f} / R {r.layanan_recall:.3f}), jenis {r.jenis_f1:.3f} "
            f"(P {r.jenis_precision:.3f} / R {r.jenis_recall:.3f})"
        )
        if summary:
            print_summary(r)


if __name__ == "__main__":
    main()
