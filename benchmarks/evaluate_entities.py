"""Score the entity extractor alone (layanan, jenis) on the regression and the held-out set, without training.

    PYTHONPATH=. .venv/bin/python -m benchmarks.evaluate_entities [--misses] [--training] [SET.yml ...]

Builds the alias tables from ``data/nlu`` exactly as ``MppEntityExtractor.train`` does, runs the rules of
``nlu.entity_matcher`` on every line and scores them with ``testkit.nlu_eval.score`` (exactly one
``layanan`` value where one is named, none where none; jenis likewise where one is named). The figures equal
those of ``benchmarks.evaluate_unseen`` on a freshly trained model, since no other component sets these
entities. Also prints the extraction time per message (median and p95 over all lines, dates off).
Files named on the command line (a dev set such as tests/nlu/jenis_dev.yml) are scored instead of the two
sets; --misses prints their misclassified lines, so never name a blind set.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import BLIND_SETS, REGRESSION_FILE, SETS, load_examples, quiet_rasa, score

UNSEEN_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen.yml"


def build_extractor() -> Any:
    from rasa.shared.nlu.training_data.loading import load_data

    from nlu.extractor import MppEntityExtractor, collect_aliases

    tables = collect_aliases(load_data(str(PROJECT_ROOT / "data" / "nlu")))
    return MppEntityExtractor({"dates": False, "runtime_mpp_names": False}, None, None, tables)  # type: ignore[arg-type]


def main() -> None:
    quiet_rasa()
    show_misses = "--misses" in sys.argv
    extractor = build_extractor()
    timings: list[float] = []
    named = [Path(a) for a in sys.argv[1:] if not a.startswith("--")]
    blind = {path.resolve() for key, path in SETS.items() if key in BLIND_SETS and key != "unseen"}
    if any(path.resolve() in blind for path in named):
        sys.exit("error: a blind set is scored by benchmarks.evaluate_unseen (figures only), not here")
    sets = [(path.stem, path) for path in named] or [("regression", REGRESSION_FILE), ("unseen", UNSEEN_FILE)]
    if "--training" in sys.argv:  # the rules against the annotations they were learnt from
        sets.insert(0, ("training", PROJECT_ROOT / "data" / "nlu"))
    for name, path in sets:
        examples = load_examples(path)
        parses = []
        for example in examples:
            start = time.perf_counter()
            entities = extractor.extract(example.text)
            timings.append(time.perf_counter() - start)
            parses.append({"intent": {"name": example.intent}, "entities": entities})
        r = score(name, examples, parses)
        print(
            f"{name}: n={r.n} layanan={r.layanan_accuracy:.3f} (n={r.layanan_n}, false positives "
            f"{r.layanan_false_positives}) jenis={r.jenis_accuracy:.3f} (n={r.jenis_n}); F1 jenis "
            f"{r.jenis_f1:.3f} (P {r.jenis_precision:.3f} / R {r.jenis_recall:.3f})"
        )
        if show_misses:
            for text, entity, want, got in r.entity_misses:
                print(f"   {entity}: want {want or '-'} got {got or '-'} | {text}")
    timings.sort()
    print(
        f"extract: median {statistics.median(timings) * 1000:.3f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.3f} ms over {len(timings)} messages"
    )


if __name__ == "__main__":
    main()
