"""The slang normaliser brings real informal messages closer to their formal rewrite (STIF)."""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import mean

from rapidfuzz.distance import Levenshtein

from nlu.lexicon import Normalizer

STIF = Path(__file__).resolve().parents[1] / "data" / "normalizer" / "stif_informal_formal_pairs.tsv"


def word_error_rate(hypothesis: str, reference: str) -> float:
    ref = reference.lower().split()
    return Levenshtein.distance(hypothesis.lower().split(), ref) / max(1, len(ref))


def test_normaliser_lowers_word_error_rate_on_held_out_stif_pairs() -> None:
    with STIF.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["split"] == "test"]
    assert len(rows) > 300
    normalizer = Normalizer()
    before = mean(word_error_rate(r["informal"], r["formal"]) for r in rows)
    after = mean(word_error_rate(normalizer.normalize_text(r["informal"]), r["formal"]) for r in rows)
    print(f"STIF test split ({len(rows)} pairs): WER {before:.3f} raw -> {after:.3f} normalised")
    assert after < before * 0.9
