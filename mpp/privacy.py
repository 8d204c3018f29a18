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
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import regex
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mpp.codes import ALPHABET
from mpp.config import PROJECT_ROOT
from mpp.deployment import ConfigurationError, production_mode, required_secret, secret

# What may stand between the digit groups of a NIK or phone number, after NFKC: any Unicode
# space or line break, any dash (and the minus sign), dots, brackets ("(0812) 3456 7890") and
# invisible format characters (zero-width space, soft hyphen, ...), any number of them. Everything
# ``mpp.booking.nik.check_nik`` accepts as a NIK is therefore found here first
# (tests/unit/test_privacy_properties.py). ``\d`` is any script's decimal digit.
_SEP = r"[\s\p{Z}\p{Pd}\p{Ps}\p{Pe}\p{Cf}\u2212.]"
# Any run of 12 or more digits, however they are separated, is treated as a NIK (possibly
# mistyped, or glued to another number): none of it reaches Rasa in clear.
LONG_NUMBER = regex.compile(rf"\d(?:{_SEP}*\d){{11,}}")
# Indonesian phone numbers: 08xx… or +62/62 8xx…, 10–13 digits after the prefix, separators allowed.
PHONE_PATTERN = regex.compile(rf"(?<![\d+])(?:\+62|62|0){_SEP}*8(?:{_SEP}*\d){{8,12}}(?!\d)")
TOKEN_PATTERN = re.compile(r"\b(NIKREF|TELREF)([A-Z2-9]{10})\b")
KINDS = {"NIKREF": "nik", "TELREF": "telepon"}
PREFIX = {v: k for k, v in KINDS.items()}
KEY_SEPARATOR = ","  # MPP_PII_KEY may hold several Fernet keys, newest first (rotation)


@dataclass(frozen=True)
class Keys:
    encryption: bytes  # one or more Fernet keys (urlsafe base64 of 32 bytes), comma-separated, newest first
    hashing: bytes

    @classmethod
    def generate(cls) -> "Keys":
        return cls(Fernet.generate_key(), base64.urlsafe_b64encode(secrets.token_bytes(32)))

    def fernet_keys(self) -> list[bytes]:
        return [k.strip() for k in self.encryption.split(KEY_SEPARATOR.encode()) if k.strip()]


def _checked(keys: Keys, where: str) -> Keys:
    """Refuse keys Fernet cannot use, and a hash key too short to be a secret, naming where they came from."""
    fernet_keys = keys.fernet_keys()
    if not fernet_keys:
        raise ConfigurationError(f"MPP_PII_KEY ({where}) holds no key")
    for i, key in enumerate(fernet_keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                f"MPP_PII_KEY ({where}): key {i} is not a Fernet key (32 url-safe base64-encoded bytes); "
                "generate one with: mpp keys generate"
            ) from exc
    if len(keys.hashing) < 32:
        raise ConfigurationError(f"MPP_PII_HASH_KEY ({where}) is too short (at least 32 characters)")
    return keys


def load_keys(secrets_file: Path | None = None) -> Keys:
    """Keys from MPP_PII_KEY / MPP_PII_HASH_KEY (or their ``*_FILE``), else from (or newly into) var/secrets.json.

    Both or neither: half of the pair is always an error (it would silently pair a configured key
    with a generated one). In production mode both are required, and placeholders are refused.
    """
    if production_mode():
        enc, hsh = required_secret("MPP_PII_KEY", min_length=44), required_secret("MPP_PII_HASH_KEY", min_length=32)
    else:
        enc, hsh = secret("MPP_PII_KEY"), secret("MPP_PII_HASH_KEY")
    if bool(enc) != bool(hsh):
        missing = "MPP_PII_HASH_KEY" if enc else "MPP_PII_KEY"
        present = "MPP_PII_KEY" if enc else "MPP_PII_HASH_KEY"
        raise ConfigurationError(f"{present} is set but {missing} is not: set both (or neither, for local use)")
    if enc and hsh:
        return _checked(Keys(enc.encode(), hsh.encode()), "environment")
    path = secrets_file or PROJECT_ROOT / "var" / "secrets.json"
    if path.exists():
        data = json.loads(path.read_text())
        return _checked(Keys(data["pii_key"].encode(), data["pii_hash_key"].encode()), str(path))
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
    """Fernet encryption under the newest key (any listed key decrypts) and the keyed hash for look-ups."""

    def __init__(self, keys: Keys):
        self._fernet = MultiFernet([Fernet(k) for k in keys.fernet_keys()])
        self._hash_key = keys.hashing

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def encrypt_bytes(self, value: bytes) -> bytes:
        return self._fernet.encrypt(value)

    def decrypt(self, token: str) -> str | None:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def decrypt_bytes(self, token: bytes) -> bytes | None:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            return None

    def rotate(self, token: str) -> str | None:
        """The same value encrypted under the newest key (None if no configured key opens it)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
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
    digits = ascii_digits(text)
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def new_token(kind: str) -> str:
    return PREFIX[kind] + "".join(secrets.choice(ALPHABET) for _ in range(10))


def ascii_digits(text: str) -> str:
    """Every decimal digit of ``text`` (any script) as ASCII, in order; nothing else."""
    return "".join(str(unicodedata.digit(c)) for c in text if unicodedata.category(c) == "Nd")


def normalize_text(text: str) -> str:
    """NFKC: full-width and other compatibility forms (e.g. superscript digits, ideographic spaces)
    become their plain form, so that one pattern sees every way of typing a number."""
    return unicodedata.normalize("NFKC", text)


def find_personal_data(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) for every NIK and phone number in a message (give it ``normalize_text``'s output).

    Any run of 12 or more digits counts as a (possibly mistyped) NIK, so that a NIK with a digit
    too many or too few does not reach Rasa either — unless the run is a phone number, or a phone
    number glued to another run of 12 or more digits (then both are found). A phone-like piece
    inside a NIK ("327104 080381 5398": "080381 5398") does not split it: what is left beside it
    is too short to be a NIK of its own, so the whole run is the NIK. Values are ASCII digits
    whatever script they were typed in.
    """
    found: list[tuple[int, int, str, str]] = []
    masked = list(text)
    for run in LONG_NUMBER.finditer(text):
        start, end = run.span()
        if start > 0 and text[start - 1] == "+":  # +62 …: the plus sign goes with the number
            start -= 1
        if PHONE_PATTERN.fullmatch(text, start, end):
            found.append((start, end, "telepon", normalize_phone(ascii_digits(run.group()))))
        else:
            phones = list(PHONE_PATTERN.finditer(text, start, end))
            rest = list(text[start:end])
            for m in phones:
                rest[m.start() - start : m.end() - start] = "#" * (m.end() - m.start())
            others = list(LONG_NUMBER.finditer("".join(rest)))
            if phones and others:  # e.g. "3271045708900001 081234567890": a NIK, then a phone number
                found += [(m.start(), m.end(), "telepon", normalize_phone(ascii_digits(m.group()))) for m in phones]
                found += [(start + m.start(), start + m.end(), "nik", ascii_digits(m.group())) for m in others]
            else:
                found.append((run.start(), end, "nik", ascii_digits(run.group())))
        masked[start:end] = "#" * (end - start)
    # shorter phone numbers (under 12 digits) are not runs: look for them in what is left
    found += [
        (m.start(), m.end(), "telepon", normalize_phone(ascii_digits(m.group())))
        for m in PHONE_PATTERN.finditer("".join(masked))
    ]
    return sorted(found)


def is_token(text: str) -> bool:
    return bool(TOKEN_PATTERN.fullmatch(text.strip()))
