"""What counts as a name and a phone number on a booking (the NIK has ``nik.py``)."""

from __future__ import annotations

import re

from mpp.privacy import TOKEN_PATTERN, normalize_phone

NAME = re.compile(r"^[A-Za-zÀ-ÿ' .,-]{3,80}$")  # as on a KTP/KK: letters, spaces, apostrophes, dots
MOBILE = re.compile(r"08\d{8,11}")  # Indonesian mobile numbers, national form
SKIP_WORDS = re.compile(
    r"^\s*(lewat(i)?|skip|(tidak|tdk|gak|ga|gk|nggak|ngga|enggak|engga|kagak|kaga|ndak|nda|ora|teu)"
    r"(\s+(ada|ad|punya|pny))?|-|no)\b",
    re.I,
)
NO_PHONE = "-"  # the phone slot's value when the citizen chose to give none


def clean_name(text: str) -> str | None:
    """The name as it will be stored (title case, single spaces), or None if it is not a name."""
    name = " ".join(text.split())
    if TOKEN_PATTERN.search(name) or not NAME.match(name):
        return None
    return name.title()


def declines_phone(text: str) -> bool:
    """ "lewati", "tidak ada", "-": the phone number is optional."""
    return bool(SKIP_WORDS.match(text)) or text.strip() in ("/negasi", "-", "–", "—")


def clean_phone(digits: str) -> str | None:
    """08… national form, or None if it cannot be a mobile number."""
    phone = normalize_phone(digits)
    return phone if MOBILE.fullmatch(phone) else None
