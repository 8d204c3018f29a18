"""Personal data (NIK, phone numbers): tokens, keyed hashes, encryption, masking.

Rasa stores whatever the user typed in its trackers and prints it in debug logs,
so the NIK and phone numbers are swapped for tokens (``NIKREF…``/``TELREF…``)
before a message reaches Rasa (``bot.rasa_channel``). The real value lives only
in the core database, encrypted (Fernet) with a keyed hash (HMAC-SHA256) for
look-ups, so that a database dump alone reveals neither. Keys come from the
environment (``MPP_PII_KEY``, ``MPP_PII_HASH_KEY``); the embedded local setup
generates them once into ``var/secrets.json``, outside the repository.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from mpp.codes import ALPHABET
from mpp.config import PROJECT_ROOT

LONG_NUMBER = re.compile(r"(?<![\d])\d(?:[ .-]?\d){11,19}(?![\d])")
# Indonesian phone numbers: 08xx… or +62/62 8xx…, 10–13 digits after the prefix, separators allowed.
PHONE_PATTERN = re.compile(r"(?<![\d+])(?:\+62|62|0)\s?8\d(?:[ .-]?\d){7,11}(?!\d)")
TOKEN_PATTERN = re.compile(r"\b(NIKREF|TELREF)([A-Z2-9]{10})\b")
KINDS = {"NIKREF": "nik", "TELREF": "telepon"}
PREFIX = {v: k for k, v in KINDS.items()}


@dataclass(frozen=True)
class Keys:
    encryption: bytes  # a Fernet key (urlsafe base64 of 32 bytes)
    hashing: bytes

    @classmethod
    def generate(cls) -> "Keys":
        return cls(Fernet.generate_key(), base64.urlsafe_b64encode(secrets.token_bytes(32)))


def load_keys(secrets_file: Path | None = None) -> Keys:
    """Keys from MPP_PII_KEY / MPP_PII_HASH_KEY, else from (or newly into) var/secrets.json."""
    enc, hsh = os.environ.get("MPP_PII_KEY"), os.environ.get("MPP_PII_HASH_KEY")
    if enc and hsh:
        return Keys(enc.encode(), hsh.encode())
    path = secrets_file or PROJECT_ROOT / "var" / "secrets.json"
    if path.exists():
        data = json.loads(path.read_text())
        return Keys(data["pii_key"].encode(), data["pii_hash_key"].encode())
    keys = Keys.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"pii_key": keys.encryption.decode(), "pii_hash_key": keys.hashing.decode()}, handle)
    try:
        os.link(tmp, path)  # atomic: if another process (Rasa or the action server) won, use its keys
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return load_keys(path)


class Crypto:
    def __init__(self, keys: Keys):
        self._fernet = Fernet(keys.encryption)
        self._hash_key = keys.hashing

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


def mask_nik(nik: str) -> str:
    """3271045708900001 -> 3271********0001."""
    return nik[:4] + "*" * 8 + nik[-4:] if len(nik) == 16 else "*" * len(nik)


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[:4] + "*" * max(0, len(digits) - 7) + digits[-3:]


def normalize_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def new_token(kind: str) -> str:
    return PREFIX[kind] + "".join(secrets.choice(ALPHABET) for _ in range(10))


def find_personal_data(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) for every NIK and phone number in a message.

    Any run of 12-20 digits that is not a phone number counts as a (possibly mistyped) NIK,
    so that a NIK with a digit too many or too few does not reach Rasa either.
    """
    found = [(m.start(), m.end(), "telepon", normalize_phone(m.group())) for m in PHONE_PATTERN.finditer(text)]
    for m in LONG_NUMBER.finditer(text):
        if not any(m.start() < e and s < m.end() for s, e, _, _ in found):
            found.append((m.start(), m.end(), "nik", re.sub(r"\D", "", m.group())))
    return sorted(found)


def is_token(text: str) -> bool:
    return bool(TOKEN_PATTERN.fullmatch(text.strip()))
