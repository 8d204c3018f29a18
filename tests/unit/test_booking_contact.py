"""The optional phone prompt: every everyday way of saying "none" skips it; a number or a name never does."""

from __future__ import annotations

import pytest

from mpp.booking.contact import declines_phone


@pytest.mark.parametrize(
    "text",
    ["lewati", "skip", "-", "gak ada", "gk ad", "ga ad", "tdk ada", "nggak punya", "kagak ada", "teu aya", "ora"],
)
def test_none_in_chat_words_skips_the_phone(text: str) -> None:
    assert declines_phone(text)


@pytest.mark.parametrize("text", ["0812 3456 7890", "+62 812-3456-7890", "gilang", "nomor saya 0813xxxx", "gadis"])
def test_a_number_or_a_word_that_only_starts_alike_is_not_a_no(text: str) -> None:
    assert not declines_phone(text)
