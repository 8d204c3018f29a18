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
from typing import Iterable, Mapping, Sequence

from nlu.phone_typing import TypingRepair

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
# A message of emoji alone ("👍", "🙏🙏", "🤔"): the Indonesian word each stands for in chat (written for
# this project); skin tones and the emoji presentation selector are ignored. Unlisted emoji stay as typed.
EMOJI_FILE = LEXICON_DIR / "emoji_words.tsv"
_EMOJI_MODIFIERS = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")
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
def load_emoji_words() -> Mapping[str, str]:
    return dict(_read_tsv(EMOJI_FILE))


def emoji_words(token: str) -> str | None:
    """The words a token of emoji alone stands for ("🙏🙏" -> "terima kasih"), or None."""
    core = _EMOJI_MODIFIERS.sub("", token)
    if not core or any(c.isalnum() for c in core):
        return None
    table = load_emoji_words()
    words = list(dict.fromkeys(table[c] for c in core if c in table))
    return " ".join(words) if words else None


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


PIECE_MIN_COUNT = 2  # a word the training data uses this often may be a piece of a glued token


def typing_repair(lexicon: Mapping[str, str], words: Mapping[str, int] | None = None) -> TypingRepair:
    """Phone-keyboard repairs (nlu/phone_typing.py) against the formal words, the lexicon, the protected
    domain words and ``words`` (the training data's word counts): words it has stay, glued tokens are cut
    into protected words and words the training data uses at least PIECE_MIN_COUNT times."""
    words = words or {}
    common = {w for w, n in words.items() if n >= PIECE_MIN_COUNT}
    vocabulary = load_formal_words() | frozenset(lexicon) | frozenset(words) | PROTECTED_WORDS
    return TypingRepair(vocabulary, common | PROTECTED_WORDS, PROTECTED_WORDS)


class Normalizer:
    """Maps one token to its formal form; unknown and protected tokens stay as they are.

    ``words``: how often each word occurs in the training data (SlangNormalizer learns it): the
    vocabulary of the phone-keyboard repairs ("syaratktp" -> "syarat ktp"), which need the lexicon.
    """

    def __init__(self, lexicon: Mapping[str, str] | None = None, words: Mapping[str, int] | None = None):
        self._lexicon = lexicon if lexicon is not None else load_lexicon()
        # an empty lexicon (lexicon: false) turns the spelling repairs off too
        self._known = (load_formal_words() | frozenset(self._lexicon)) if self._lexicon else frozenset()
        self.repair = typing_repair(self._lexicon, words) if self._lexicon else None

    def normalize_token(self, token: str) -> str:
        glued = PERSONAL_TOKEN.search(token)
        if glued and self.repair is not None and not PERSONAL_TOKEN.fullmatch(token.strip(".,!?;:")):
            # "nik3201234567890123", "nikNIKREF…": the number's placeholder beside the words glued to it
            parts = (token[: glued.start()], glued.group(), token[glued.end() :])
            return " ".join(self.normalize_token(p) for p in parts if _EDGE_PUNCT.sub("", p))
        if PERSONAL_TOKEN.fullmatch(token.strip(".,!?;:")):
            # a NIK or phone number (or the token standing for it): one placeholder word, so
            # that training (raw numbers) and serving (tokens) look the same to the classifier
            core = token.strip(".,!?;:")
            return "nomornik" if core.startswith("NIKREF") or (core.isdecimal() and len(core) == 16) else "nomortelepon"
        word = token.lower()
        core = _EDGE_PUNCT.sub("", word)
        if not core:
            emoji = emoji_words(word) if self._lexicon else None
            return " ".join(self._formal(w) for w in emoji.split()) if emoji else word
        if core in PROTECTED_WORDS or core.isdecimal():
            return core
        if core in self._lexicon:
            return self._lexicon[core]
        squeezed = _REPEATS.sub(r"\1", core)
        if squeezed in self._lexicon:
            return self._lexicon[squeezed]
        undoubled = self._undouble(squeezed)
        if undoubled == squeezed and self.repair is not None:
            pieces = self.repair.repair_word(core)
            if pieces:  # "syaratktp", "brpbiayanya", "jam9", "b3sok", "ktp,kk", "okeeee"
                return " ".join(self._formal(p) for p in pieces)
        return undoubled

    def _formal(self, piece: str) -> str:
        if piece in PROTECTED_WORDS or piece.isdecimal():
            return piece
        return self._lexicon.get(piece, piece)

    def normalize_tokens(self, tokens: Sequence[str]) -> list[str]:
        """The lemma of each token; a word split by a stray space ("pas por") is the first token's lemma,
        the other tokens' lemma is empty."""
        lemmas = [self.normalize_token(t) for t in tokens]
        if self.repair is None:
            return lemmas
        cores = [_EDGE_PUNCT.sub("", t.lower()) for t in tokens]
        for start, (end, word) in self.repair.joins(cores).items():
            if all(_EDGE_PUNCT.sub("", t) == t for t in tokens[start : end - 1]):  # no comma inside the run
                lemmas[start:end] = [self.normalize_token(word)] + [""] * (end - start - 1)
        return lemmas

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
        return " ".join(lemma for lemma in self.normalize_tokens(text.split()) if lemma)
