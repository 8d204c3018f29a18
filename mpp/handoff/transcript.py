"""What staff see of a transcript: NIK and phone numbers masked, whichever way they arrived.

Citizens' messages reach the handoff with NIK and phone numbers already swapped for tokens
(``bot.rasa_channel``); a token shows as the masked value it stands for (``3271********0001``),
or as a bare label once the value is erased. Anything else that looks like a NIK or a phone
number (typed by staff, or in the assistant's earlier answers) is masked the same way.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mpp.privacy import TOKEN_PATTERN, Crypto, find_personal_data, mask_nik, mask_phone, normalize_text
from mpp.privacy_store import resolve_token

LABELS = {"NIKREF": "[NIK]", "TELREF": "[nomor HP]"}


def _masked(kind: str, value: str) -> str:
    return mask_nik(value) if kind == "nik" else mask_phone(value)


def mask(session: Session, crypto: Crypto, sender: str, text: str) -> str:
    def token(match):  # type: ignore[no-untyped-def]
        value = resolve_token(session, crypto, sender, match.group(0))
        if value is None:
            return LABELS[match.group(1)]
        return _masked("nik" if match.group(1) == "NIKREF" else "telepon", value)

    text = TOKEN_PATTERN.sub(token, normalize_text(text))
    found = find_personal_data(text)
    for start, end, kind, value in reversed(found):
        text = text[:start] + _masked(kind, value) + text[end:]
    return text
