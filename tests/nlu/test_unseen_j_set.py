"""The tenth held-out set (tests/nlu/unseen_j.yml, issue 16) must stay unseen: no near-copy of a training
line, nor of a line of any other held-out set (regression, A, H; set I is training data since J's first
score); every intent of the domain with enough lines that one miss does not swing an intent's score by more
than ~7 points; every service named; no personal data.

A failure prints only the set J line, never the line it matched: the set's author must rewrite the line
in a new phrasing without reading training data (see tests/nlu/UNSEEN_J_README.md).
The checks shared with set H are in tests/nlu/heldout.py.
"""

from __future__ import annotations

from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import (
    AWAITING_FLOORS,
    BLIND_SETS,
    REGRESSION_FILE,
    SET_FLOORS,
    SETS,
    UNSEEN_FILE,
    UNSEEN_H_FILE,
    UNSEEN_J_FILE,
)
from tests.nlu.heldout import (
    LATER_GOLD_INTENTS,
    LATER_PHENOMENA,
    HeldOutSet,
    assert_canonical_with_booking_codes,
    assert_gold_labels,
    assert_jenis_traps_unannotated,
    assert_new_styles_spread,
    assert_no_near_copies,
    assert_no_near_copies_within,
    assert_no_personal_numbers,
    assert_sized_for_per_intent_floors,
    assert_style_sheet,
    texts_of,
    training_texts,
)

STYLES_J_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_j_styles.tsv"
SET_J = HeldOutSet("J", UNSEEN_J_FILE, STYLES_J_FILE)
# Set J leans on five regional flavours no earlier set used (Surabaya/Jawa Timuran Javanese, Kupang/NTT
# Malay, Papuan Malay, Medan Indonesian, Sasak-flavoured Indonesian of Lombok), each in every intent; on slang
# spellings taken from the shared lexicons ("lexicon", a quarter of the lines); on message shapes set I did not
# use (a reply that quotes the bot's message, a voice-note transcript with fillers, a comment under an
# Instagram post, a WhatsApp forward, a typo followed by its "*correction"); and on writers set I did not
# use (parents writing for a child, people writing for an elderly parent, ojol drivers, small traders,
# fishermen, people with disabilities).
FLAVOURS = ("suroboyo", "kupang", "papua", "medan", "sasak")
SHAPES = {"botreply", "voicenote", "igcomment", "forward", "starfix"}
WRITERS = {"parent", "forparent", "ojol", "trader", "fisher", "disabled"}
OTHER_STYLES = {"lexicon", "english", "sunda", "codemix", "typo", "long", "formal", "short", "abbr", "chat"}
STYLES = set(FLAVOURS) | SHAPES | WRITERS | OTHER_STYLES
PHENOMENA_J = LATER_PHENOMENA  # issue 16's families and those sets F to I added (heldout.py)
GOLD_J = LATER_GOLD_INTENTS


def test_set_j_is_scored_as_a_blind_set_with_floors_from_its_first_score() -> None:
    assert SETS["unseen_j"] == UNSEEN_J_FILE
    assert "unseen_j" in BLIND_SETS
    # Its floors come from its first blind score (2026-12-06, testkit/nlu_eval.py), never from a guess.
    assert "unseen_j" not in AWAITING_FLOORS
    assert "unseen_j" in SET_FLOORS


def test_set_j_lines_are_not_near_copies_of_training_lines() -> None:
    assert_no_near_copies(SET_J, training_texts(), "a training line")


def test_set_j_does_not_overlap_the_other_held_out_sets() -> None:
    # (sets C to I are training data now: the check above covers them)
    others = texts_of((REGRESSION_FILE, UNSEEN_FILE, UNSEEN_H_FILE))
    assert_no_near_copies(SET_J, others, "a regression, A or H line")


def test_set_j_lines_are_not_near_copies_of_each_other() -> None:
    assert_no_near_copies_within(SET_J)


def test_set_j_covers_every_intent_with_enough_lines_for_a_per_intent_floor() -> None:
    assert_sized_for_per_intent_floors(SET_J)


def test_set_j_lines_are_unique_and_their_entities_are_canonical() -> None:
    assert_canonical_with_booking_codes(SET_J)


def test_set_j_holds_no_number_shaped_like_a_nik_or_a_phone_number() -> None:
    assert_no_personal_numbers(SET_J)


def test_style_sheet_lists_every_set_j_line_once_with_known_tags() -> None:
    assert_style_sheet(SET_J, styles=STYLES, phenomena=PHENOMENA_J, min_lines_per_phenomenon=4)


def test_labelled_traps_keep_their_gold_labels() -> None:
    # The failure families of issue 16 are labelled by the user's main request, not by a surface word.
    assert_gold_labels(SET_J, GOLD_J)
    assert_jenis_traps_unannotated(SET_J)


def test_new_flavours_lexicon_slang_shapes_and_writers_carry_the_set() -> None:
    # The point of set J: its new flavours, English and Sundanese in every intent, lexicon slang on a quarter
    # of the lines, message shapes and writers spread over many intents (heldout.py).
    assert_new_styles_spread(SET_J, FLAVOURS, SHAPES, WRITERS)
