"""`make evaluate`: NLU figures on the three held-out sets, our pipeline beside the stock one.

Trains (NLU only, cached in models/eval by a digest of config, data and our components) and scores:
  ours           config.yml
  ours±lexicon   config.yml with the slang lexicon of nlu.normalizer toggled (is it worth it?)
  stock          the `rasa init` pipeline (benchmarks/configs/stock_rasa_init.yml, seeded)
on each held-out set (testkit.nlu_eval.SETS): regression (close to training), unseen (set A, the dev
set), unseen_h (set H, blind; flatters since round 7), unseen_j and unseen_k (sets J and K, blind: scored, never
tuned on; sets C-I are training data since 2026-12-06), unseen_l (set L, blind, first scored 2026-12-07) and
unseen_m (set M, blind, first scored 2026-12-07). A set awaiting its first score has no CI
floor column.
Prints per set:
intent accuracy, macro-F1, layanan / jenis precision, recall and F1, parse time per message (median, p95),
per-intent F1 and the main confusions (counts only; --misses prints the regression set's misclassified lines).

    .venv/bin/python -m benchmarks.evaluate_nlu [--only ours stock] [--sets regression unseen] [--markdown]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks import nlu_report
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import BLIND_SETS, SET_FLOORS, SETS, Report, evaluate_sets, load_examples

OUT = PROJECT_ROOT / "models" / "eval"
RASA = str(Path(sys.executable).parent / "rasa")
OURS = PROJECT_ROOT / "config.yml"
STOCK = PROJECT_ROOT / "benchmarks" / "configs" / "stock_rasa_init.yml"


def component(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in config["pipeline"] if c["name"] == name)


def write_config(name: str, config: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"config_{name}.yml"
    text = yaml.safe_dump(config, sort_keys=False)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def _variant_configs() -> dict[str, Path]:
    config = yaml.safe_load(OURS.read_text())
    normalizer = component(config, "nlu.normalizer.SlangNormalizer")
    normalizer["lexicon"] = not normalizer.get("lexicon", False)
    toggled = "ours+lexicon" if normalizer["lexicon"] else "ours-lexicon"
    return {
        "ours": OURS,
        toggled: write_config(toggled.replace("+", "_plus_").replace("-", "_minus_"), config),
        "stock": STOCK,
    }


def _digest(config: Path) -> str:
    """Of the config's settings (not its comments), the training data and, if used, our components."""
    text = yaml.safe_dump(yaml.safe_load(config.read_text()), sort_keys=True).encode()
    h = hashlib.sha256(text)
    paths = sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml"))
    if b"nlu." in text:  # our own components: their code is part of the model
        paths += sorted(p for p in (PROJECT_ROOT / "nlu").rglob("*") if "__pycache__" not in p.parts)
    for path in paths:
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def train(name: str, config: Path) -> tuple[Path, float | None]:
    """The NLU model of a config, trained unless a model of the same digest is in models/eval."""
    OUT.mkdir(parents=True, exist_ok=True)
    model = OUT / f"{name}.tar.gz"
    stamp = OUT / f"{name}.digest"
    digest = _digest(config)
    if model.exists() and stamp.exists() and stamp.read_text() == digest:
        return model, None
    for other in OUT.glob("*.digest"):  # the same settings under another name (ours = the sweep's base)
        if other.read_text() == digest and other.with_suffix(".tar.gz").exists():
            return other.with_suffix(".tar.gz"), None
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


def load_sets(names: list[str] | None = None) -> dict[str, list[Any]]:
    return {name: load_examples(path) for name, path in SETS.items() if not names or name in names}


def run_variants(configs: dict[str, Path], sets: dict[str, list[Any]]) -> dict[str, list[Report]]:
    """Trains (or reuses) each variant and scores it on every set: set name -> one report per variant."""
    results: dict[str, list[Report]] = {name: [] for name in sets}
    for name, config in configs.items():
        model, seconds = train(name, config)
        took = f"trained in {seconds:.0f} s" if seconds is not None else "cached model"
        print(f"[{name}] {took}; scoring {sum(map(len, sets.values()))} held-out lines ...", flush=True)
        for set_name, report in evaluate_sets(name, model, sets).items():
            results[set_name].append(report)
            print(
                f"  {set_name}: intent {report.intent_accuracy:.3f} macro-F1 {report.macro_f1:.3f} "
                f"layanan F1 {report.layanan_f1:.3f} jenis F1 {report.jenis_f1:.3f}",
                flush=True,
            )
    return results


def print_results(results: dict[str, list[Report]], misses: bool = False) -> None:
    for set_name, reports in results.items():
        if not reports:
            continue
        r0 = reports[0]
        print(f"\n=== {set_name}: {r0.n} lines ({r0.layanan_n} naming a service, {r0.jenis_n} a jenis) ===\n")
        print(nlu_report.summary(reports, SET_FLOORS.get(set_name)))
        print("\nper-intent F1:")
        print(nlu_report.per_intent(reports))
        for r in reports:
            print(f"\n[{r.name}] top confusions on {set_name} (gold -> predicted: count):")
            print(nlu_report.confusions(r))
            if misses and set_name not in BLIND_SETS:
                for text, gold, pred in r.misses:
                    print(f"  MISS {gold} -> {pred}: {text}")
                for text, entity, want, got in r.entity_misses:
                    print(f"  ENTITY {entity} want={want} got={got}: {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="variants to run (ours, ours+lexicon / ours-lexicon, stock)")
    parser.add_argument("--sets", nargs="*", choices=sorted(SETS), help="held-out sets (default: all)")
    parser.add_argument("--misses", action="store_true", help="print the regression set's misclassified lines")
    parser.add_argument("--markdown", action="store_true", help="also print the README table")
    args = parser.parse_args(argv)
    configs = {n: c for n, c in _variant_configs().items() if not args.only or n in args.only}
    results = run_variants(configs, load_sets(args.sets))
    print_results(results, args.misses)
    if args.markdown:
        print("\n" + nlu_report.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
