"""NIK detection sees through every way of typing one (property tests): NFKC forms, other scripts'
digits, any Unicode space, dash, line break or invisible character between the digit groups."""

from __future__ import annotations

import sys
import unicodedata
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mpp.booking.nik import PROVINCES, check_nik
from mpp.privacy import ascii_digits, find_personal_data, normalize_text

TODAY = date(2026, 11, 27)
NIKS = ["3271045708900001", "3273015506880005", "1101010101900002", "9471014512990003", "3271040803815398"]


@st.composite
def valid_niks(draw: st.DrawFn) -> str:
    """NIKs ``check_nik`` accepts (on TODAY): any province, regency, district, birth date and serial.

    Random, not a fixed list: a birth day of 08 puts "08…" after a separator ("327104 080381 5398"),
    which looks like the start of a phone number.
    """
    province = draw(st.sampled_from(sorted(PROVINCES)))
    regency, district = draw(st.integers(1, 79)), draw(st.integers(1, 99))
    day, month = draw(st.integers(1, 28)) + draw(st.sampled_from([0, 40])), draw(st.integers(1, 12))
    year = draw(st.integers(0, 99).filter(lambda y: y != TODAY.year % 100))
    serial = draw(st.integers(1, 9999))
    return f"{province:02d}{regency:02d}{district:02d}{day:02d}{month:02d}{year:02d}{serial:04d}"


ANY_NIK = st.one_of(st.sampled_from(NIKS), valid_niks())


def _chars(*categories: str) -> list[str]:
    return [c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) in categories]


SPACES = [*_chars("Zs", "Zl", "Zp"), "\t", "\n", "\r", "\x0b", "\x0c", "\x85"]
DASHES = [*_chars("Pd"), "\u2212", "\ufe63", "\uff0d"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
SEPARATOR_PIECES = st.one_of(st.sampled_from(SPACES), st.sampled_from(DASHES), st.sampled_from(INVISIBLE), st.just("."))
# One separator between two digit groups: a few pieces, e.g. " – ", "\r\n", "\u200b".
SEPARATOR = st.lists(SEPARATOR_PIECES, min_size=1, max_size=4).map("".join)
DIGIT_FORMS = [
    lambda d: d,
    lambda d: chr(0xFF10 + int(d)),  # full-width
    lambda d: chr(0x0660 + int(d)),  # Arabic-Indic
    lambda d: chr(0x0966 + int(d)),  # Devanagari
    lambda d: chr(0x1D7CE + int(d)),  # mathematical bold (NFKC: the digit)
]


@st.composite
def nik_spellings(draw: st.DrawFn) -> tuple[str, str]:
    nik = draw(ANY_NIK)
    form = draw(st.sampled_from(DIGIT_FORMS))
    cuts = sorted(draw(st.sets(st.integers(1, 15), max_size=8)))
    groups, last = [], 0
    for cut in [*cuts, 16]:
        groups.append("".join(form(d) for d in nik[last:cut]))
        last = cut
    spelled = groups[0]
    for group in groups[1:]:
        spelled += draw(SEPARATOR) + group
    before = draw(st.sampled_from(["", "nik saya ", "NIK: ", "ini nik nya\n", "nik "]))
    after = draw(st.sampled_from(["", " ya", ".", " makasih kak 🙏", "\n"]))
    return nik, before + spelled + after


def redacted(text: str) -> str:
    text = normalize_text(text)
    for start, end, _, _ in reversed(find_personal_data(text)):
        text = text[:start] + "NIKREFXXXXXXXXXX" + text[end:]
    return text


@settings(max_examples=600, deadline=None)
@given(nik_spellings())
@example(("3271040803815398", "327104 080381 5398"))  # "080381 5398" alone would look like a phone number
@example(("3271040803815398", "32.71.04.080381.5398"))
def test_every_spelling_of_a_nik_is_found_and_none_of_its_digits_stay(case: tuple[str, str]) -> None:
    nik, typed = case
    found = [value for _, _, kind, value in find_personal_data(normalize_text(typed)) if kind == "nik"]
    assert found == [nik]
    assert ascii_digits(redacted(typed)) == ""  # nothing of it reaches Rasa


ACCEPTED_BY_CHECK_NIK = st.lists(
    st.one_of(
        st.sampled_from("0123456789"),
        st.sampled_from([chr(0xFF10 + d) for d in range(10)]),
        st.sampled_from([" ", ".", "-", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\r\n"]),
    ),
    min_size=16,
    max_size=40,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(ACCEPTED_BY_CHECK_NIK, ANY_NIK)
def test_whatever_the_form_would_accept_as_a_nik_the_channel_tokenises_first(noise: str, nik: str) -> None:
    # The form's check (mpp.booking.nik) strips NFKC spaces, dots and dashes; interleave a real
    # NIK's digits with such noise and check both agree that it is this NIK.
    pieces = [c for c in noise if not unicodedata.normalize("NFKC", c).isdigit()]
    typed = "".join(d + (pieces[i] if i < len(pieces) else "") for i, d in enumerate(nik))
    accepted = check_nik(typed, TODAY)
    assert accepted.nik == nik
    assert [v for _, _, k, v in find_personal_data(normalize_text(typed)) if k == "nik"] == [nik]
