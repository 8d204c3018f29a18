"""`make evaluate`: NLU figures on the regression set, our pipeline beside the stock one.

Trains (NLU only, cached by a digest of config and data) and scores:
  ours          config.yml
  ours+lexicon  config.yml with the slang lexicon of nlu.normalizer switched on (is it worth it?)
  stock         the `rasa init` pipeline (benchmarks/configs/stock_rasa_init.yml)
Prints intent accuracy, macro-F1, layanan/jenis accuracy, and the main confusions.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import FLOORS, Report, evaluate_model, load_examples

OUT = PROJECT_ROOT / "models" / "eval"
RASA = str(Path(sys.executable).parent / "rasa")


def _variant_configs() -> dict[str, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    ours = PROJECT_ROOT / "config.yml"
    config = yaml.safe_load(ours.read_text())
    for component in config["pipeline"]:
        if component["name"] == "nlu.normalizer.SlangNormalizer":
            component["lexicon"] = True
    with_lexicon = OUT / "config_lexicon.yml"
    with_lexicon.write_text(yaml.safe_dump(config, sort_keys=False))
    return {
        "ours": ours,
        "ours+lexicon": with_lexicon,
        "stock": PROJECT_ROOT / "benchmarks" / "configs" / "stock_rasa_init.yml",
    }


def _digest(config: Path) -> str:
    h = hashlib.sha256(config.read_bytes())
    for path in sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml")) + sorted((PROJECT_ROOT / "nlu").rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def train(name: str, config: Path) -> tuple[Path, float | None]:
    model = OUT / f"{name}.tar.gz"
    stamp = OUT / f"{name}.digest"
    digest = _digest(config)
    if model.exists() and stamp.exists() and stamp.read_text() == digest:
        return model, None
    start = time.perf_counter()
    subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            "data/nlu",
            "--out",
            str(OUT),
            "--fixed-model-name",
            name,
            "--quiet",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        # Rasa 3.6's training cache reuses a LogisticRegressionClassifier file under another
        # node's name when configs differ in component order; train every variant afresh.
        env={**os.environ, "RASA_MAX_CACHE_SIZE": "0", "RASA_TELEMETRY_ENABLED": "false"},
    )
    stamp.write_text(digest)
    return model, time.perf_counter() - start


def table(reports: list[Report]) -> str:
    rows = [
        ("intent accuracy", "intent_accuracy"),
        ("intent macro-F1", "macro_f1"),
        ("layanan accuracy", "layanan_accuracy"),
        ("jenis accuracy", "jenis_accuracy"),
    ]
    head = f"{'metric':<20}" + "".join(f"{r.name:>14}" for r in reports) + f"{'floor':>8}"
    lines = [head, "-" * len(head)]
    for label, attr in rows:
        floor = FLOORS.get(attr)
        lines.append(
            f"{label:<20}"
            + "".join(f"{getattr(r, attr):>14.3f}" for r in reports)
            + (f"{floor:>8.2f}" if floor else f"{'':>8}")
        )
    lines.append(f"{'layanan false pos.':<20}" + "".join(f"{r.layanan_false_positives:>14d}" for r in reports))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="variants to run (ours, ours+lexicon, stock)")
    parser.add_argument("--misses", action="store_true", help="print every misclassified utterance")
    args = parser.parse_args(argv)
    examples = load_examples()
    reports = []
    for name, config in _variant_configs().items():
        if args.only and name not in args.only:
            continue
        model, seconds = train(name, config)
        took = f"trained in {seconds:.0f} s" if seconds is not None else "cached model"
        print(f"[{name}] {took}; scoring {len(examples)} regression utterances ...", flush=True)
        reports.append(evaluate_model(name, model, examples))
    n_layanan = reports[0].layanan_n if reports else 0
    print(f"\nNLU regression set: {len(examples)} utterances ({n_layanan} naming a service)\n")
    print(table(reports))
    for r in reports:
        print(f"\n[{r.name}] top confusions (gold -> predicted: count):")
        for gold, pred, n in r.confusions[:10]:
            print(f"  {gold} -> {pred}: {n}")
        if args.misses:
            for text, gold, pred in r.misses:
                print(f"  MISS {gold} -> {pred}: {text}")
            for text, entity, want, got in r.entity_misses:
                print(f"  ENTITY {entity} want={want} got={got}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
