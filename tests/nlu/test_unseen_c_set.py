"""The third held-out set (tests/nlu/unseen_c.yml, issue 16) must stay unseen: no near-copy of a training
line, nor of a line of the other two held-out sets; every intent of the domain; every service named.

A failure prints only the set C line, never the line it matched: the set's author must rewrite the line
in a new phrasing without reading training data (see tests/nlu/UNSEEN_C_README.md).
The checks shared with sets D, E and F are in tests/nlu/heldout.py.
"""

from __future__ import annotations

from collections import Counter

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import REGRESSION_FILE, UNSEEN_FILE
from tests.nlu.heldout import (
    ALL_INTENTS,
    FAQ_AND_BOOKING,
    PHENOMENA,
    HeldOutSet,
    assert_no_near_copies,
    assert_style_sheet,
    assert_unique_and_canonical,
    texts_of,
    training_texts,
)

SET_C_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_c.yml"
STYLES_C_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_c_styles.tsv"
SET_C = HeldOutSet("C", SET_C_FILE, STYLES_C_FILE)
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


def test_set_c_lines_are_not_near_copies_of_training_lines() -> None:
    assert_no_near_copies(SET_C, training_texts(), "a training line")


def test_set_c_does_not_overlap_the_other_held_out_sets() -> None:
    assert_no_near_copies(SET_C, texts_of((REGRESSION_FILE, UNSEEN_FILE)), "a regression or unseen line")


def test_set_c_covers_every_intent_with_enough_lines() -> None:
    examples = SET_C.examples()
    counts = Counter(e.intent for e in examples)
    assert set(counts) == ALL_INTENTS
    assert 300 <= len(examples) <= 400
    assert {i: n for i, n in counts.items() if n < 10} == {}
    assert {i: n for i, n in counts.items() if i in FAQ_AND_BOOKING and n < 18} == {}


def test_set_c_lines_are_unique_and_their_entities_are_canonical() -> None:
    assert_unique_and_canonical(SET_C.examples())


def test_style_sheet_lists_every_set_c_line_once_with_known_tags() -> None:
    assert_style_sheet(SET_C, styles=STYLES, phenomena=PHENOMENA)
