"""The eighth held-out set (tests/nlu/unseen_h.yml, issue 16) must stay unseen: no near-copy of a training
line, nor of a line of any other held-out set (regression, A; C to G are training data since 2026-12-06); every intent of the domain with
enough lines that one miss does not swing an intent's score by more than ~7 points; every service named;
no personal data.

A failure prints only the set H line, never the line it matched: the set's author must rewrite the line
in a new phrasing without reading training data (see tests/nlu/UNSEEN_H_README.md).
The checks shared with sets C to G are in tests/nlu/heldout.py.
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
)
from tests.nlu.heldout import (
    LATER_GOLD_INTENTS,
    LATER_PHENOMENA,
    HeldOutSet,
    assert_canonical_with_booking_codes,
    assert_gold_labels,
    assert_jenis_traps_unannotated,
    assert_no_near_copies,
    assert_no_near_copies_within,
    assert_no_personal_numbers,
    assert_sized_for_per_intent_floors,
    assert_style_sheet,
    texts_of,
    training_texts,
)

STYLES_H_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_h_styles.tsv"
SET_H = HeldOutSet("H", UNSEEN_H_FILE, STYLES_H_FILE)
# Set H leans on the conversation around a message (replies to the bot's own previous question), on five
# regional flavours no earlier set used (Betawi, Palembang Malay, Banyumas "ngapak" Javanese, Madurese,
# Balinese), each in every intent, and on what else a message carries: numbers (ages, times, counts, queue
# numbers, sums), emoji, anger, institutional letters (an office, a cooperative, a company's HR writing),
# people writing for someone else, and two requests in one message.
FLAVOURS = ("betawi", "palembang", "ngapak", "madura", "bali")
CONTEXT = {"reply", "numbers", "emoji", "angry", "dinas", "proxy", "twofold"}
OTHER_STYLES = {"english", "sunda", "voice", "abbr", "short", "chat"}
STYLES = set(FLAVOURS) | CONTEXT | OTHER_STYLES
PHENOMENA_H = LATER_PHENOMENA  # issue 16's families and those sets F to I added (heldout.py)
GOLD_H = LATER_GOLD_INTENTS


def test_set_h_is_scored_as_a_blind_set_with_floors_from_its_first_score() -> None:
    assert SETS["unseen_h"] == UNSEEN_H_FILE
    assert "unseen_h" in BLIND_SETS
    # Its floors come from its first blind score (2026-12-06, testkit/nlu_eval.py), not from a guess.
    assert "unseen_h" not in AWAITING_FLOORS
    assert "unseen_h" in SET_FLOORS


def test_set_h_lines_are_not_near_copies_of_training_lines() -> None:
    assert_no_near_copies(SET_H, training_texts(), "a training line")


def test_set_h_does_not_overlap_the_other_held_out_sets() -> None:
    # (sets C to G are training data now: the check above covers them)
    others = texts_of((REGRESSION_FILE, UNSEEN_FILE))
    assert_no_near_copies(SET_H, others, "a regression or A line")


def test_set_h_lines_are_not_near_copies_of_each_other() -> None:
    assert_no_near_copies_within(SET_H)


def test_set_h_covers_every_intent_with_enough_lines_for_a_per_intent_floor() -> None:
    assert_sized_for_per_intent_floors(SET_H)


def test_set_h_lines_are_unique_and_their_entities_are_canonical() -> None:
    assert_canonical_with_booking_codes(SET_H)


def test_set_h_holds_no_number_shaped_like_a_nik_or_a_phone_number() -> None:
    assert_no_personal_numbers(SET_H)


def test_style_sheet_lists_every_set_h_line_once_with_known_tags() -> None:
    assert_style_sheet(SET_H, styles=STYLES, phenomena=PHENOMENA_H, min_lines_per_phenomenon=4)


def test_labelled_traps_keep_their_gold_labels() -> None:
    # The failure families of issue 16 are labelled by the user's main request, not by a surface word.
    assert_gold_labels(SET_H, GOLD_H)
    assert_jenis_traps_unannotated(SET_H)


def test_new_regional_flavours_and_conversational_context_carry_the_set() -> None:
    # The point of set H: each new flavour in every intent (a flavour in two intents would say nothing
    # about the others), and a real share of lines that lean on what surrounds the words (a reply to the
    # bot, a number, an emoji, anger, a letterhead, a proxy, a second request).
    rows = SET_H.rows()
    intents = {r["intent"] for r in rows}
    for flavour in FLAVOURS:
        assert {r["intent"] for r in rows if flavour in r["styles"].split(",")} == intents, flavour
    context = [r for r in rows if CONTEXT & set(r["styles"].split(","))]
    assert len(context) >= 0.35 * len(rows)
    replies = {r["intent"] for r in rows if "reply" in r["styles"].split(",")}
    assert len(replies) >= 20
