"""Phone-keyboard habits undone from a vocabulary (no Rasa here).

Citizens type on phones: words glued together ("syaratktp", "brpbiayanya", "jam9"), a word split by a
stray space ("pas por"), a letter held down ("okeeee"), digits for letters ("b3sok"), punctuation as a
separator ("ktp,kk/akta"). ``TypingRepair`` maps such a token (or a run of tokens) to the words meant.
It knows no word list of its own: ``vocabulary`` is every word it must leave alone (the words of the
training data, the slang lexicon and the formal words, nlu/lexicon), ``pieces`` the words a glued
token may be cut into (words the training data uses at least twice, the protected domain words, and
any vocabulary word of PIECE_ANY_LENGTH+ letters). It is conservative: a word it knows, one derived
from a known word by Indonesian affixes ("dijadwalkan"), one a single typo away from a known word
("kelahran"), a word repeated with "2" ("kira2"), one with a NIK, a phone number, a booking code or a
date in it, and one it cannot cut wholly into pieces stay as typed.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise, product
from typing import Iterable, Sequence

# Affixes a known word may carry: "dijadwalkan", "kematian", "biayanya", "ngecek", "carane" are one word
# each, never pieces to cut apart.
PREFIXES = (
    "di", "ke", "se", "ter", "ber", "be", "per", "pe", "pen", "pem", "peng", "peny", "me", "mem", "men",
    "meng", "meny", "nge", "ng", "ny", "ku", "kau", "diper", "memper",
)  # fmt: skip
SUFFIXES = ("nya", "lah", "kah", "pun", "ku", "mu", "kan", "an", "i", "in", "e", "ne", "ke", "na")
CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")  # a piece may carry one ("brp|biayanya")
# Two-letter words that may stand alone inside a glued token ("dimpp" = "di mpp"): prepositions, "ya",
# the shortest chat forms of yang / saya / tidak / tapi / dari / jadi / sama / dengan / lagi, two
# domain words.
SHORT_WORDS = frozenset("di ke ya yg sy ga gk tp dr jd sm dg lg kk rt rw".split())
MIN_GLUED = 5  # a glued token has at least this many letters
MAX_PIECES = 4
PIECE_ANY_LENGTH = 5  # a known word this long may be a piece even if the training data never used it
MIN_TYPO_TARGET = 6  # a token one edit away from a known word this long is a typo, not words glued
LEET = {"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "9": "g", "6": "g", "8": "b"}
# Two-letter chat words digits may spell ("y4", "0k"); any other word they spell has three letters or more
LEET_SHORT = frozenset("ya ga ok oh ah eh".split())
_LETTERS_DIGITS = re.compile(r"[a-z]+|\d+(?:[.:]\d{2})?")
_ALNUM = re.compile(r"[a-z0-9]+(?:[.:]\d{2})?")
_SEPARATOR = re.compile(r"(?<=[a-z])[,/.;+&|](?=[a-z])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_EDGE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.S)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_WORD_CHARS = re.compile(r"[^\W\d_]+", re.UNICODE)


def one_edit(word: str) -> Iterable[str]:
    """Every string one deletion, transposition, substitution or insertion away from ``word``."""
    for i in range(len(word) + 1):
        left, right = word[:i], word[i:]
        if right:
            yield left + right[1:]
            for c in _ALPHABET:
                if c != right[0]:
                    yield left + c + right[1:]
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        for c in _ALPHABET:
            yield left + c + right


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """How often each word of letters (lowercase, punctuation at its edges cut; "bapak/ibu" counts as
    both words) occurs in ``texts``. Numbers are not counted."""
    counts: Counter[str] = Counter()
    for text in texts:
        for token in text.lower().split():
            core = _EDGE.match(token).group(2)  # type: ignore[union-attr]
            if core.isalpha():
                counts[core] += 1
            else:
                counts.update(_WORD_CHARS.findall(core))
    return counts


class TypingRepair:
    """Undoes phone-keyboard habits: ``vocabulary`` words stay, glued tokens are cut into ``pieces``."""

    def __init__(self, vocabulary: Iterable[str], pieces: Iterable[str], domain: Iterable[str] = ()) -> None:
        self.domain = frozenset(domain)  # nouns of the domain: "dimpp", "kektp" are glued, never derived
        # stretched spellings ("yaaaa") are not words: they are undone first
        self.pieces = frozenset(w for w in pieces if w.isalpha() and not _REPEATS.search(w))
        self.vocabulary = frozenset(w for w in vocabulary if w.isalpha() and not _REPEATS.search(w)) | self.pieces
        self._longest = max((len(w) for w in self.vocabulary), default=0)
        self._memo = lru_cache(maxsize=8192)(self._repair_word)

    # -- single words ------------------------------------------------------------------------

    def known(self, word: str) -> bool:
        """In the vocabulary, or a vocabulary word (3+ letters) with a prefix and up to two suffixes."""
        return word in self.vocabulary or self._derived(word)

    def _derived(self, word: str) -> bool:
        heads = [word] + [word[len(p) :] for p in PREFIXES if word.startswith(p) and len(word) - len(p) >= 3]
        for head in heads:
            if head != word and head in self.vocabulary and not self._preposition(word[: len(word) - len(head)], head):
                return True
            for s1 in SUFFIXES:
                if not head.endswith(s1) or len(head) - len(s1) < 3:
                    continue
                stem = head[: -len(s1)]
                if stem in self.vocabulary:
                    return True
                for s2 in SUFFIXES:
                    if stem.endswith(s2) and len(stem) - len(s2) >= 3 and stem[: -len(s2)] in self.vocabulary:
                        return True
        return False

    def _preposition(self, prefix: str, head: str) -> bool:
        """A preposition, not a prefix: "di", "ke", "se" before a domain word or a short word ("dimpp", "kektp")."""
        return prefix in ("di", "ke", "se") and (head in self.domain or len(head) < 4)

    def _piece(self, word: str) -> bool:
        if len(word) <= 2:
            return word in SHORT_WORDS
        if word in self.pieces or (len(word) >= PIECE_ANY_LENGTH and word in self.vocabulary):
            return True
        return any(word.endswith(c) and word[: -len(c)] in self.pieces for c in CLITICS)

    def _near_known(self, word: str) -> bool:
        """One typo away from a known word of MIN_TYPO_TARGET+ letters: a typo, not words glued."""
        return any(len(w) >= MIN_TYPO_TARGET and w in self.vocabulary for w in one_edit(word))

    def segment(self, word: str) -> list[str] | None:
        """``word`` cut into 2-4 pieces (fewest pieces, then the longest pieces), or None."""
        if len(word) < MIN_GLUED or not word.isalpha() or self.known(word):
            return None
        n = len(word)
        # best[i]: (pieces, -sum of squared piece lengths, cut positions) for word[:i]
        best: list[tuple[int, int, tuple[int, ...]] | None] = [None] * (n + 1)
        best[0] = (0, 0, ())
        for end in range(2, n + 1):
            for start in range(max(0, end - self._longest - 3), end - 1):
                before = best[start]
                if before is None or before[0] >= MAX_PIECES or not self._piece(word[start:end]):
                    continue
                size = end - start
                candidate = (before[0] + 1, before[1] - size * size, before[2] + (end,))
                current = best[end]
                if current is None or candidate[:2] < current[:2]:
                    best[end] = candidate
        found = best[n]
        if found is None or found[0] < 2 or self._near_known(word):
            return None
        cuts = (0, *found[2])
        return [word[a:b] for a, b in pairwise(cuts)]

    def deleet(self, word: str) -> str | None:
        """Digits typed for letters ("b3sok", "s4ya"): the known word they spell, else None."""
        if not word.isalnum() or word.isdigit() or word.isalpha():
            return None
        options = [[c] if not c.isdigit() else [LEET[c]] if c in LEET else [] for c in word]
        if any(not o for o in options):
            return None
        for letters in product(*options):
            candidate = "".join(letters)
            if (len(candidate) >= 3 or candidate in LEET_SHORT) and self.known(candidate):
                return candidate
        for letters in product(*options):  # digits for letters and a letter held down: "b3nerrr"
            held = "".join(letters)
            if _REPEATS.search(held):
                for candidate in (_REPEATS.sub(r"\1", held), _REPEATS.sub(r"\1\1", held)):
                    if len(candidate) >= 3 and self.known(candidate):
                        return candidate
        return None

    def unstretch(self, word: str) -> str | None:
        """A letter held down ("okeeee", "tungguuu"): the known word with the run cut to one or two."""
        if not _REPEATS.search(word):
            return None
        candidates = [_REPEATS.sub(r"\1", word), _REPEATS.sub(r"\1\1", word)]
        for test in (lambda w: w in self.pieces, self.known):
            for candidate in candidates:
                if test(candidate):
                    return candidate
        for candidate in candidates:
            pieces = self.segment(candidate)
            if pieces:
                return " ".join(pieces)
        return None

    def _repair_word(self, word: str) -> tuple[str, ...] | None:
        stretched = self.unstretch(word)
        if stretched:
            return tuple(stretched.split())
        if self.known(word):
            return None
        parts = _SEPARATOR.split(word)
        if len(parts) > 1:  # "ktp,kk", "syarat/biaya"; not "s/d"
            if any(len(p) < 2 for p in parts):
                return None
            return tuple(p for part in parts for p in (self._repair_word(part) or (part,)))
        if word.isalpha():
            pieces = self.segment(word)
            return tuple(pieces) if pieces else None
        if _ALNUM.fullmatch(word):
            leet = self.deleet(word)
            if leet:
                return (leet,)
            pieces = _LETTERS_DIGITS.findall(word)
            if (
                len(pieces) > 1
                and "".join(pieces) == word
                and pieces[1:2] != ["2"]  # "kira2", "syarat2nya": a word said twice
                and all(p[0].isdigit() or self._piece(p) for p in pieces)
            ):
                return tuple(pieces)  # "jam9", "tgl12", "2hari", "jam09.00"
        return None

    def repair_word(self, word: str) -> tuple[str, ...] | None:
        """The words a lowercase token without edge punctuation stands for, or None when it stands as typed."""
        if not word or len(word) > 40:
            return None
        return self._memo(word)

    # -- runs of words -----------------------------------------------------------------------

    def joins(self, words: Sequence[str]) -> dict[int, tuple[int, str]]:
        """Words split by a stray space ("pas por", "ke tera ngan"): start index -> (end index, word),
        where two or three neighbours, one of which is not a known word, spell a known word of 5+ letters."""
        out: dict[int, tuple[int, str]] = {}
        i = 0
        while i < len(words):
            for size in (3, 2):
                run = words[i : i + size]
                if len(run) < size or not all(w.isalpha() and len(w) >= 2 for w in run):
                    continue
                joined = "".join(run)
                if len(joined) >= 5 and joined in self.vocabulary and any(self._fragment(w) for w in run):
                    out[i] = (i + size, joined)
                    break
            i = out[i][0] if i in out else i + 1
        return out

    def _fragment(self, word: str) -> bool:
        """Not a word on its own ("por" of "pas por"); a clitic typed apart ("kk nya") is how many write."""
        return word not in self.vocabulary and word not in SUFFIXES

    # -- whole texts, with offsets -----------------------------------------------------------

    def repair_text(self, text: str, keep: re.Pattern[str] | None = None) -> tuple[str, list[int]]:
        """``text`` with its habits undone (lowercase where repaired), and for each of its characters the
        index of the typed character it comes from (so that a span found in it points into ``text``).
        ``keep``: what must stay exactly as typed (a NIK token); words glued to it are cut off it."""
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        cores: list[tuple[int, int, str]] = []  # start, end, lowercase core of each token
        for start, end in spans:
            head, core, _ = _EDGE.match(text[start:end]).groups()  # type: ignore[union-attr]
            cores.append((start + len(head), start + len(head) + len(core), core.lower()))
        replaced: list[tuple[int, int, str]] = []  # typed span -> its repair
        joined = self.joins([c for _, _, c in cores])
        i = 0
        while i < len(cores):
            if i in joined:
                end, word = joined[i]
                # only a run with nothing but spaces between its words
                if all(cores[k][1] == spans[k][1] and cores[k + 1][0] == spans[k + 1][0] for k in range(i, end - 1)):
                    replaced.append((cores[i][0], cores[end - 1][1], word))
                    i = end
                    continue
            start, stop, core = cores[i]
            kept = keep.search(text, start, stop) if keep else None
            if kept:  # "nikNIKREF…": "nik NIKREF…"
                if (kept.start(), kept.end()) != (start, stop) and not re.search(
                    r"\d", text[start : kept.start()] + text[kept.end() : stop]
                ):
                    head = text[start : kept.start()].lower()
                    tail = text[kept.end() : stop].lower()
                    repair = " ".join(p for p in (head, kept.group(), tail) if p)
                    replaced.append((start, stop, repair))
            else:
                pieces = self.repair_word(core)
                if pieces:
                    replaced.append((start, stop, " ".join(pieces)))
            i += 1
        if not replaced:
            return text, list(range(len(text)))
        out: list[str] = []
        index: list[int] = []
        at = 0
        for start, stop, repair in replaced:
            out.append(text[at:start])
            index.extend(range(at, start))
            out.append(repair)
            typed = text[start:stop]
            index.extend(min(i, stop - 1) for i in _aligned(repair.lower(), typed.lower(), start))
            at = stop
        out.append(text[at:])
        index.extend(range(at, len(text)))
        return "".join(out), index


def _aligned(repair: str, typed: str, offset: int) -> list[int]:
    """For each character of ``repair``, the index (from ``offset``) of the typed character it stands for."""
    index = [offset] * len(repair)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, repair, typed, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            if tag == "equal":
                index[k] = offset + j1 + (k - i1)
            else:  # a letter for a digit, a space for a separator or between pieces: its typed neighbour
                index[k] = offset + min(j1 + (k - i1), max(j2 - 1, j1), len(typed) - 1)
    return index
