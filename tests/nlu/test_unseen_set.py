"""The second held-out set (tests/nlu/unseen.yml) must stay unseen: no near-copy of a training line
nor of a regression line, every intent of the contract plus the project's own, every service named.

A failure prints only the unseen line, never the training line it matched: the set's author must
rewrite the line in a new phrasing without reading training data (see tests/nlu/UNSEEN_README.md).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import REGRESSION_FILE, Example, load_examples
from tests.nlu.heldout import JENIS, MPPS
from tests.nlu.test_regression_set import CONTRACT_INTENTS, near_identical

UNSEEN_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen.yml"
STYLES_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_styles.tsv"
PROJECT_INTENTS = {"hapus_data", "informasi", "cek_pengaduan", "cek_permohonan"}
BIG_INTENTS = {
    "tanya_syarat",
    "tanya_biaya",
    "tanya_jadwal",
    "tanya_lokasi",
    "tanya_lama_proses",
    "pesan_antrean",
    "keluhan",
    "cek_antrean",
    "minta_petugas",
}


def _unseen() -> list[Example]:
    return load_examples(Path(UNSEEN_FILE))


def test_unseen_lines_are_not_near_copies_of_training_lines() -> None:
    training = [m.get("text") for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples]
    # Only the unseen line is kept, so that no report (nor pytest's diff) shows the training line:
    # the set's author rewrites a flagged line blind.
    flagged = [line for line, _, _ in near_identical([e.text for e in _unseen()], training)]
    assert flagged == [], f"{len(flagged)} unseen lines too close to a training line:\n" + "\n".join(
        f"  {line!r}" for line in flagged
    )


def test_unseen_and_regression_sets_do_not_overlap() -> None:
    copies = near_identical([e.text for e in _unseen()], [e.text for e in load_examples(Path(REGRESSION_FILE))])
    assert copies == [], "unseen lines too close to regression lines:\n" + "\n".join(
        f"  {u!r} ~ {r!r} ({s:.0f})" for u, r, s in copies
    )


def test_unseen_set_covers_every_intent_with_enough_lines() -> None:
    examples = _unseen()
    counts = Counter(e.intent for e in examples)
    assert set(counts) == CONTRACT_INTENTS | PROJECT_INTENTS
    assert 480 <= len(examples) <= 600
    assert {i: n for i, n in counts.items() if n < 15} == {}
    assert {i: n for i, n in counts.items() if i in BIG_INTENTS and not 30 <= n <= 45} == {}


def test_unseen_lines_are_unique_and_their_entities_are_canonical() -> None:
    examples = _unseen()
    texts = Counter(e.text.lower() for e in examples)
    assert [t for t, n in texts.items() if n > 1] == []
    values = {name: {v for e in examples for v in e.entities.get(name, ())} for name in ("layanan", "jenis", "mpp")}
    assert values["layanan"] == set(SERVICE_CODES)  # every service named, no other code
    assert values["jenis"] == JENIS
    assert values["mpp"] == MPPS


def test_style_sheet_lists_every_unseen_line_once() -> None:
    with STYLES_FILE.open(encoding="utf-8", newline="") as f:
        rows = [(r["intent"], r["text"]) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert Counter(rows) == Counter((e.intent, e.text) for e in _unseen())
