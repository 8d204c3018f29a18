"""The fourth held-out set (tests/nlu/unseen_d.yml, issue 16) must stay unseen: no near-copy of a training
line, nor of a line of the other held-out sets; every intent of the domain; every service named.

A failure prints only the set D line, never the line it matched: the set's author must rewrite the line
in a new phrasing without reading training data (see tests/nlu/UNSEEN_D_README.md).
The checks shared with sets C, E and F are in tests/nlu/heldout.py.
"""

from __future__ import annotations

from collections import Counter

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import BLIND_SETS, REGRESSION_FILE, SETS, UNSEEN_C_FILE, UNSEEN_D_FILE, UNSEEN_FILE
from tests.nlu.heldout import (
    ALL_INTENTS,
    CHITCHAT,
    FAQ_AND_BOOKING,
    GOLD_INTENTS,
    PHENOMENA,
    HeldOutSet,
    assert_gold_labels,
    assert_no_near_copies,
    assert_style_sheet,
    assert_unique_and_canonical,
    texts_of,
    training_texts,
)
from tests.nlu.test_unseen_c_set import STYLES as STYLES_C

STYLES_D_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_d_styles.tsv"
SET_D = HeldOutSet("D", UNSEEN_D_FILE, STYLES_D_FILE)
# Set C's styles plus four regional flavours: Minang, Batak/Medan, Bugis/Makassar, Banjar.
STYLES = STYLES_C | {"minang", "batak", "bugis", "banjar"}


def test_set_d_is_scored_as_a_blind_set() -> None:
    assert SETS["unseen_d"] == UNSEEN_D_FILE
    assert "unseen_d" in BLIND_SETS


def test_set_d_lines_are_not_near_copies_of_training_lines() -> None:
    assert_no_near_copies(SET_D, training_texts(), "a training line")


def test_set_d_does_not_overlap_the_other_held_out_sets() -> None:
    others = texts_of((REGRESSION_FILE, UNSEEN_FILE, UNSEEN_C_FILE))
    assert_no_near_copies(SET_D, others, "a regression, A or C line")


def test_set_d_covers_every_intent_in_proportion() -> None:
    examples = SET_D.examples()
    counts = Counter(e.intent for e in examples)
    assert set(counts) == ALL_INTENTS
    assert 300 <= len(examples) <= 360
    assert {i: n for i, n in counts.items() if n < 8} == {}
    # Citizens ask and book far more than they chat: each FAQ/booking intent has twice the lines of any chitchat one.
    assert min(counts[i] for i in FAQ_AND_BOOKING) >= 2 * max(counts[i] for i in CHITCHAT)


def test_set_d_lines_are_unique_and_their_entities_are_canonical() -> None:
    assert_unique_and_canonical(SET_D.examples(), min_lines_per_service=5)


def test_style_sheet_lists_every_set_d_line_once_with_known_tags() -> None:
    assert_style_sheet(SET_D, styles=STYLES, phenomena=PHENOMENA, min_lines_per_phenomenon=4)


def test_labelled_traps_keep_their_gold_labels() -> None:
    # The failure families of issue 16 are labelled by the user's main request, not by a surface word.
    gold = {p: intents for p, intents in GOLD_INTENTS.items() if p not in {"price_word", "smalltalk_numbers"}}
    assert_gold_labels(SET_D, gold)
