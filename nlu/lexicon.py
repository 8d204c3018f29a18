"""Informal → formal Indonesian word normalisation (no Rasa here).

The slang lists (IndoCollex and Kamus Alay, MIT; see nlu/lexicon/) map, e.g.,
``brp`` → ``berapa`` and ``gmn`` → ``bagaimana``. Both also map ``kk`` → ``kakak``
and one maps ``rt`` → ``retweet``, which would destroy the very words this
assistant must understand, so the domain words of the contract are protected and
never rewritten. A small project list (``domain_overrides.tsv``) adds and corrects
entries for public-service talk (``antri`` → ``antre``, ``akte`` → ``akta``).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Iterable, Mapping

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
SLANG_FILE = LEXICON_DIR / "merged_slang_mit_only.tsv"
OVERRIDES_FILE = LEXICON_DIR / "domain_overrides.tsv"

# architecture.md §3: words a slang lexicon must not rewrite.
PROTECTED_WORDS = frozenset(
    "kk ktp sim skck kia nik npwp nib bpjs stnk bpkb rt rw kel kec pbg imb".split()
) | frozenset(
    # service and place words that some slang entries would also rewrite
    "paspor akta kartu keluarga nikah kua pdam bpn oss samsat mpp loket antre antrean "
    "bogor bekasi tangsel serpong jht jkn kis e-ktp ektp".split()
)
PERSONAL_TOKEN = re.compile(r"NIKREF[A-Z2-9]{10}|TELREF[A-Z2-9]{10}|\d{16}|(\+?62|0)8\d{7,11}")
_REPEATS = re.compile(r"(\w)\1{2,}")  # "makasiiih" -> "makasih"
_DOUBLES = re.compile(r"(\w)\1")  # "cekk antriann" -> "cek antrian", when that is a known word
FORMAL_WORDS_FILE = LEXICON_DIR / "stif_formal_words.txt"
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


def _read_tsv(path: Path) -> Iterable[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)  # header
        for row in reader:
            if len(row) >= 2 and row[0] and row[1]:
                yield row[0].strip().lower(), row[1].strip().lower()


@cache
def load_lexicon() -> Mapping[str, str]:
    """Single-word entries only (offsets stay per token); IndoCollex wins ties, overrides win all."""
    table: dict[str, str] = {}
    for informal, formal in _read_tsv(SLANG_FILE):
        if " " in informal or informal in PROTECTED_WORDS:
            continue
        table.setdefault(informal, formal)
    for informal, formal in _read_tsv(OVERRIDES_FILE):
        table[informal] = formal
    # Resolve one level of chaining (udh -> udah -> sudah).
    return {k: table.get(v, v) if " " not in v else v for k, v in table.items()}


@cache
def load_formal_words() -> frozenset[str]:
    """Correctly spelt words: the formal side of the STIF pairs (MIT) and of the slang lexicon."""
    lines = FORMAL_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    words = {w.strip().lower() for w in lines if w.strip() and not w.startswith("#")}
    words.update(f for formal in load_lexicon().values() for f in formal.split())
    return frozenset(words)


def _undoubled(word: str) -> Iterable[str]:
    """``word`` with some of its doubled letters made single, fewest changes first ("sayaa" -> "saya")."""
    runs = [m.start() for m in _DOUBLES.finditer(word)][:4]
    for size in range(1, len(runs) + 1):
        for picked in combinations(runs, size):
            yield "".join(c for i, c in enumerate(word) if i not in picked)


class Normalizer:
    """Maps one token to its formal form; unknown and protected tokens stay as they are."""

    def __init__(self, lexicon: Mapping[str, str] | None = None):
        self._lexicon = lexicon if lexicon is not None else load_lexicon()
        # an empty lexicon (lexicon: false) turns the spelling repairs off too
        self._known = (load_formal_words() | frozenset(self._lexicon)) if self._lexicon else frozenset()

    def normalize_token(self, token: str) -> str:
        if PERSONAL_TOKEN.fullmatch(token.strip(".,!?;:")):
            # a NIK or phone number (or the token standing for it): one placeholder word, so
            # that training (raw numbers) and serving (tokens) look the same to the classifier
            core = token.strip(".,!?;:")
            return "nomornik" if core.startswith("NIKREF") or (core.isdecimal() and len(core) == 16) else "nomortelepon"
        word = token.lower()
        core = _EDGE_PUNCT.sub("", word)
        if not core:
            return word
        if core in PROTECTED_WORDS or core.isdecimal():
            return core
        if core in self._lexicon:
            return self._lexicon[core]
        squeezed = _REPEATS.sub(r"\1", core)
        if squeezed in self._lexicon:
            return self._lexicon[squeezed]
        return self._undouble(squeezed)

    def _undouble(self, word: str) -> str:
        """An elongated word ("cekk", "antriann") whose letters typed twice hide a known word."""
        if word in self._known or not self._known or not word.isalpha():
            return word
        for candidate in _undoubled(word):
            if len(candidate) < 3:  # "gg" is not "g"
                continue
            if candidate in self._lexicon:
                return self._lexicon[candidate]
            if candidate in self._known:
                return candidate
        return word

    def normalize_text(self, text: str) -> str:
        return " ".join(self.normalize_token(t) for t in text.split())
