"""The fourth held-out set (tests/nlu/unseen_d.yml, issue 16) must stay unseen: no near-copy of a training
line, nor of a line of the other held-out sets; every intent of the domain; every service named.

A failure prints only the set D line, never the line it matched: the set's author must rewrite the line
in a new phrasing without reading training data (see tests/nlu/UNSEEN_D_README.md).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import BLIND_SETS, REGRESSION_FILE, SETS, UNSEEN_C_FILE, UNSEEN_D_FILE, Example, load_examples
from tests.nlu.test_regression_set import CONTRACT_INTENTS, near_identical
from tests.nlu.test_unseen_c_set import FAQ_AND_BOOKING, PHENOMENA, PROJECT_INTENTS
from tests.nlu.test_unseen_c_set import STYLES as STYLES_C
from tests.nlu.test_unseen_set import JENIS, MPPS, UNSEEN_FILE

STYLES_D_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_d_styles.tsv"
# Set C's styles plus four regional flavours: Minang, Batak/Medan, Bugis/Makassar, Banjar.
STYLES = STYLES_C | {"minang", "batak", "bugis", "banjar"}
CHITCHAT = {"sapa", "terima_kasih", "pamit", "afirmasi", "negasi"}


def _set_d() -> list[Example]:
    return load_examples(Path(UNSEEN_D_FILE))


def _flagged(others: list[str]) -> list[str]:
    # Only the set D line is kept, so that no report (nor pytest's diff) shows the other line.
    return [line for line, _, _ in near_identical([e.text for e in _set_d()], others)]


def test_set_d_is_scored_as_a_blind_set() -> None:
    assert SETS["unseen_d"] == UNSEEN_D_FILE
    assert "unseen_d" in BLIND_SETS


def test_set_d_lines_are_not_near_copies_of_training_lines() -> None:
    training = [m.get("text") for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples]
    flagged = _flagged(training)
    assert flagged == [], f"{len(flagged)} set D lines too close to a training line:\n" + "\n".join(
        f"  {line!r}" for line in flagged
    )


def test_set_d_does_not_overlap_the_other_held_out_sets() -> None:
    others = [e.text for path in (REGRESSION_FILE, UNSEEN_FILE, UNSEEN_C_FILE) for e in load_examples(Path(path))]
    flagged = _flagged(others)
    assert flagged == [], f"{len(flagged)} set D lines too close to a regression, A or C line:\n" + "\n".join(
        f"  {line!r}" for line in flagged
    )


def test_set_d_covers_every_intent_in_proportion() -> None:
    examples = _set_d()
    counts = Counter(e.intent for e in examples)
    assert set(counts) == CONTRACT_INTENTS | PROJECT_INTENTS
    assert 300 <= len(examples) <= 360
    assert {i: n for i, n in counts.items() if n < 8} == {}
    # Citizens ask and book far more than they chat: each FAQ/booking intent has twice the lines of any chitchat one.
    assert min(counts[i] for i in FAQ_AND_BOOKING) >= 2 * max(counts[i] for i in CHITCHAT)


def test_set_d_lines_are_unique_and_their_entities_are_canonical() -> None:
    examples = _set_d()
    texts = Counter(e.text.lower() for e in examples)
    assert [t for t, n in texts.items() if n > 1] == []
    values = {name: {v for e in examples for v in e.entities.get(name, ())} for name in ("layanan", "jenis", "mpp")}
    assert values["layanan"] == set(SERVICE_CODES)  # every service named, no other code
    assert values["jenis"] == JENIS
    assert values["mpp"] == MPPS
    # The scorer wants exactly one service where one is named: no line names two.
    assert [e.text for e in examples if len(e.entities.get("layanan", ())) > 1] == []
    assert all(len(n) == 16 and n.isdigit() for e in examples for n in e.entities.get("nik", ()))
    named = Counter(v for e in examples for v in e.entities.get("layanan", ()))
    assert {code: n for code, n in named.items() if n < 5} == {}  # every service in several lines


def test_style_sheet_lists_every_set_d_line_once_with_known_tags() -> None:
    with STYLES_D_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert Counter((r["intent"], r["text"]) for r in rows) == Counter((e.intent, e.text) for e in _set_d())
    styles = [(r["intent"], s) for r in rows for s in r["styles"].split(",")]
    phenomena = Counter(p for r in rows for p in r["phenomena"].split(",") if p != "-")
    assert {s for _, s in styles} == STYLES
    assert set(phenomena) == PHENOMENA
    assert {p: n for p, n in phenomena.items() if n < 4} == {}  # each failure family tried several times
    intents_per_style = Counter(s for _, s in set(styles))
    assert {s: n for s, n in intents_per_style.items() if n < 5} == {}  # each style in several intents
    # The line column points into unseen_d.yml, in the file's order.
    yml = UNSEEN_D_FILE.read_text(encoding="utf-8").splitlines()
    lines = [int(r["line"]) for r in rows]
    assert lines == sorted(lines)
    assert all(yml[n - 1].lstrip().startswith("- ") for n in lines)


def test_labelled_traps_keep_their_gold_labels() -> None:
    # The failure families of issue 16 are labelled by the user's main request, not by a surface word.
    with STYLES_D_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    gold = {
        "own_appt": {"cek_antrean"},
        "sched_vocab": {"pesan_antrean"},
        "booking_place": {"pesan_antrean"},
        "slang_thanks": {"terima_kasih"},
        "delete_data": {"hapus_data"},
        "where_complain": {"keluhan"},
        "grievance": {"keluhan"},
        "service_hours": {"tanya_jadwal"},
        "service_day": {"tanya_jadwal"},
    }
    seen = {p: {r["intent"] for r in rows if p in r["phenomena"].split(",")} for p in gold}
    assert seen == gold
