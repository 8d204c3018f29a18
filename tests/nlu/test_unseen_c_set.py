"""The third held-out set (tests/nlu/unseen_c.yml, issue 16) must stay unseen: no near-copy of a training
line, nor of a line of the other two held-out sets; every intent of the domain; every service named.

A failure prints only the set C line, never the line it matched: the set's author must rewrite the line
in a new phrasing without reading training data (see tests/nlu/UNSEEN_C_README.md).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import REGRESSION_FILE, Example, load_examples
from tests.nlu.test_regression_set import CONTRACT_INTENTS, near_identical
from tests.nlu.test_unseen_set import JENIS, MPPS, UNSEEN_FILE

SET_C_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_c.yml"
STYLES_C_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_c_styles.tsv"
PROJECT_INTENTS = {"hapus_data", "informasi", "cek_pengaduan", "cek_permohonan", "koreksi"}
FAQ_AND_BOOKING = {
    "tanya_syarat",
    "tanya_biaya",
    "tanya_jadwal",
    "tanya_lokasi",
    "tanya_lama_proses",
    "pesan_antrean",
}
STYLES = {
    "typo",
    "abbr",
    "slang",
    "codemix",
    "english",
    "formal",
    "voice",
    "short",
    "betawi",
    "jawa",
    "sunda",
    "long",
    "informal",
}
PHENOMENA = {
    "price_word",
    "service_hours",
    "service_day",
    "own_appt",
    "sched_vocab",
    "booking_place",
    "slang_thanks",
    "implied_service",
    "smalltalk_numbers",
    "jenis_trap",
    "grievance",
    "where_complain",
    "delete_data",
}


def _set_c() -> list[Example]:
    return load_examples(Path(SET_C_FILE))


def _flagged(others: list[str]) -> list[str]:
    # Only the set C line is kept, so that no report (nor pytest's diff) shows the other line.
    return [line for line, _, _ in near_identical([e.text for e in _set_c()], others)]


def test_set_c_lines_are_not_near_copies_of_training_lines() -> None:
    training = [m.get("text") for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples]
    flagged = _flagged(training)
    assert flagged == [], f"{len(flagged)} set C lines too close to a training line:\n" + "\n".join(
        f"  {line!r}" for line in flagged
    )


def test_set_c_does_not_overlap_the_other_held_out_sets() -> None:
    others = [e.text for path in (REGRESSION_FILE, UNSEEN_FILE) for e in load_examples(Path(path))]
    flagged = _flagged(others)
    assert flagged == [], f"{len(flagged)} set C lines too close to a regression or unseen line:\n" + "\n".join(
        f"  {line!r}" for line in flagged
    )


def test_set_c_covers_every_intent_with_enough_lines() -> None:
    examples = _set_c()
    counts = Counter(e.intent for e in examples)
    assert set(counts) == CONTRACT_INTENTS | PROJECT_INTENTS
    assert 300 <= len(examples) <= 400
    assert {i: n for i, n in counts.items() if n < 10} == {}
    assert {i: n for i, n in counts.items() if i in FAQ_AND_BOOKING and n < 18} == {}


def test_set_c_lines_are_unique_and_their_entities_are_canonical() -> None:
    examples = _set_c()
    texts = Counter(e.text.lower() for e in examples)
    assert [t for t, n in texts.items() if n > 1] == []
    values = {name: {v for e in examples for v in e.entities.get(name, ())} for name in ("layanan", "jenis", "mpp")}
    assert values["layanan"] == set(SERVICE_CODES)  # every service named, no other code
    assert values["jenis"] == JENIS
    assert values["mpp"] == MPPS
    # The scorer wants exactly one service where one is named: no line names two.
    assert [e.text for e in examples if len(e.entities.get("layanan", ())) > 1] == []
    assert all(len(n) == 16 and n.isdigit() for e in examples for n in e.entities.get("nik", ()))


def test_style_sheet_lists_every_set_c_line_once_with_known_tags() -> None:
    with STYLES_C_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert Counter((r["intent"], r["text"]) for r in rows) == Counter((e.intent, e.text) for e in _set_c())
    styles = [(r["intent"], s) for r in rows for s in r["styles"].split(",")]
    phenomena = {p for r in rows for p in r["phenomena"].split(",") if p != "-"}
    assert {s for _, s in styles} == STYLES
    assert phenomena == PHENOMENA
    intents_per_style = Counter(s for _, s in set(styles))
    assert {s: n for s, n in intents_per_style.items() if n < 5} == {}  # each style in several intents
    # The line column points into unseen_c.yml, in the file's order.
    yml = SET_C_FILE.read_text(encoding="utf-8").splitlines()
    lines = [int(r["line"]) for r in rows]
    assert lines == sorted(lines)
    assert all(yml[n - 1].lstrip().startswith("- ") for n in lines)
