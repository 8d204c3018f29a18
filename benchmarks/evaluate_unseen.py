"""Score a trained model on the regression set and on the blind held-out set (tests/nlu/unseen.yml).

    PYTHONPATH=. .venv/bin/python -m benchmarks.evaluate_unseen [models/asisten.tar.gz]

Prints intent accuracy, macro-F1, layanan and jenis accuracy for each set (testkit.nlu_eval's scorer:
the top intent of the parse, nlu_fallback counts as a miss unless the line is out of scope).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import REGRESSION_FILE, evaluate_model, load_examples

UNSEEN_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen.yml"
UNSEEN_C_FILE = (
    PROJECT_ROOT / "tests" / "nlu" / "unseen_c.yml"
)  # set C, written blind after unseen.yml was used for tuning


def main() -> None:
    model = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "models" / "asisten.tar.gz"
    for name, path in (("regression", REGRESSION_FILE), ("unseen", UNSEEN_FILE), ("unseen_c", UNSEEN_C_FILE)):
        r = evaluate_model(name, model, load_examples(path))
        print(
            f"{name}: n={r.n} intent={r.intent_accuracy:.3f} macro-F1={r.macro_f1:.3f} "
            f"layanan={r.layanan_accuracy:.3f} (n={r.layanan_n}, false positives {r.layanan_false_positives}) "
            f"jenis={r.jenis_accuracy:.3f} (n={r.jenis_n})"
        )


if __name__ == "__main__":
    main()
