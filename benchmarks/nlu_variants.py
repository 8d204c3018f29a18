"""Sweep of our NLU pipeline's settings, scored on the sets a config may be chosen on.

    .venv/bin/python -m benchmarks.nlu_variants [--only base char14 ...] [--sets regression unseen]

Each variant is config.yml with a few settings of the normaliser (lexicon) or of
nlu.intent_classifier.TfidfIntentClassifier (char / word n-gram ranges, class weights, C, sentence
encoder) changed; it is trained NLU-only (cached in models/eval like `make evaluate`) and scored on the
regression set and unseen set A. Set C is blind: choose on these two, then report C with
`make evaluate`. Prints one row per variant (figures only, no held-out line) with the parse time
per message over those sets (median / p95 ms, one message at a time as served).
"""

from __future__ import annotations

import argparse
import copy
import sys
from typing import Any

import yaml

from benchmarks.evaluate_nlu import OURS, component, load_sets, run_variants, write_config
from testkit.nlu_eval import SETS, Report, percentile

NORMALIZER = "nlu.normalizer.SlangNormalizer"
CLASSIFIER = "nlu.intent_classifier.TfidfIntentClassifier"

# name -> {component: {setting: value}} applied over config.yml
VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "base": {},
    "lexicon_on": {NORMALIZER: {"lexicon": True}},
    "lexicon_off": {NORMALIZER: {"lexicon": False}},
    "char14": {CLASSIFIER: {"char_ngrams": [1, 4]}},
    "lex_char14": {NORMALIZER: {"lexicon": True}, CLASSIFIER: {"char_ngrams": [1, 4]}},
    "lex_C300": {NORMALIZER: {"lexicon": True}, CLASSIFIER: {"C": 300}},
    "char24": {CLASSIFIER: {"char_ngrams": [2, 4]}},
    "char15": {CLASSIFIER: {"char_ngrams": [1, 5]}},
    "char25": {CLASSIFIER: {"char_ngrams": [2, 5]}},
    "char26": {CLASSIFIER: {"char_ngrams": [2, 6]}},
    "char35": {CLASSIFIER: {"char_ngrams": [3, 5]}},
    "word13": {CLASSIFIER: {"word_ngrams": [1, 3]}},
    "unweighted": {CLASSIFIER: {"class_weight": None}},
    "C10": {CLASSIFIER: {"C": 10}},
    "C30": {CLASSIFIER: {"C": 30}},
    "C300": {CLASSIFIER: {"C": 300}},
    "C1000": {CLASSIFIER: {"C": 1000}},
    # the sentence encoder's embedding beside the n-grams (nlu/encoder.py); tfidf: without it
    "tfidf": {CLASSIFIER: {"sentence_encoder": None}},  # n-grams only (the config before the encoder)
    "e5": {CLASSIFIER: {"sentence_encoder": "multilingual-e5-small", "encoder_below": 0.9}},
    "e5_always": {CLASSIFIER: {"sentence_encoder": "multilingual-e5-small", "encoder_below": 1.0}},
    "e5_below05": {CLASSIFIER: {"sentence_encoder": "multilingual-e5-small", "encoder_below": 0.5}},
    "e5_below06": {CLASSIFIER: {"sentence_encoder": "multilingual-e5-small", "encoder_below": 0.6}},
    "e5_below07": {CLASSIFIER: {"sentence_encoder": "multilingual-e5-small", "encoder_below": 0.7}},
    # training-time noise (nlu/augment.py): k noisy copies per training line; _reuse: the copies reuse
    # their line's embedding in the joint model instead of being embedded; tfidf_: n-grams only
    "aug1": {CLASSIFIER: {"augment": 1}},
    "aug2": {CLASSIFIER: {"augment": 2}},
    "aug3": {CLASSIFIER: {"augment": 3}},
    "aug2_reuse": {CLASSIFIER: {"augment": 2, "augment_embed": False}},
    # config.yml's unknown_words_weight 0.25 off: junk (no known word) is scored by the model as it is
    "nojunk": {CLASSIFIER: {"unknown_words_weight": 1.0}},
    "aug4_reuse": {CLASSIFIER: {"augment": 4, "augment_embed": False}},
    "aug2_half": {CLASSIFIER: {"augment": 2, "augment_weight": 0.5}},
    "tfidf_aug2": {CLASSIFIER: {"sentence_encoder": None, "augment": 2}},
    "tfidf_aug4": {CLASSIFIER: {"sentence_encoder": None, "augment": 4}},
    # the embedding's scale beside the n-grams (the knn blend and a separate C for the joint model,
    # measured and not adopted, are in commit d0c9b71: README, "Training-time noise")
    "encw2": {CLASSIFIER: {"encoder_weight": 2.0}},
    # the noise copies also type like a phone keyboard: words glued, letters held, all caps (augment.py)
    "aug2_phone": {CLASSIFIER: {"augment": 2, "augment_phone": True}},
}


def variant_config(base: dict[str, Any], changes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    config = copy.deepcopy(base)
    for name, settings in changes.items():
        component(config, name).update(settings)
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", choices=sorted(VARIANTS), help="variants to run (default: all)")
    parser.add_argument("--sets", nargs="*", choices=sorted(SETS), default=["regression", "unseen"])
    args = parser.parse_args(argv)
    base = yaml.safe_load(OURS.read_text())
    names = args.only or list(VARIANTS)
    configs = {f"v_{n}": write_config(f"v_{n}", variant_config(base, VARIANTS[n])) for n in names}
    results = run_variants(configs, load_sets(args.sets))
    head = f"{'variant':<16}" + "".join(f"{s + ' acc/F1/lay/jen':>32}" for s in results) + f"{'parse ms':>14}"
    print("\n" + head + "\n" + "-" * len(head))
    for i, name in enumerate(names):
        cells, took = [], []
        for reports in results.values():
            r: Report = reports[i]
            cells.append(f"{r.intent_accuracy:.3f}/{r.macro_f1:.3f}/{r.layanan_f1:.3f}/{r.jenis_f1:.3f}")
            took += r.parse_ms
        ms = f"{percentile(took, 50):.1f}/{percentile(took, 95):.1f}"
        print(f"{name:<16}" + "".join(f"{c:>32}" for c in cells) + f"{ms:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
