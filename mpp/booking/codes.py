"""Booking codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I)."""

from __future__ import annotations

import secrets

from mpp.codes import ALPHABET

__all__ = ["ALPHABET", "LENGTH", "new_code", "normalize_code"]
LENGTH = 8


def new_code() -> str:
    """A random code with 2–6 digits, so that it reads as a code and not as a word or number."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        digits = sum(c.isdecimal() for c in code)
        if 2 <= digits <= 6:
            return code


def normalize_code(text: str) -> str:
    return text.replace("-", "").replace(" ", "").upper()
