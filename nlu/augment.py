"""Training-time noise: copies of a training line typed the way a hurried citizen would (no Rasa here).

``TfidfIntentClassifier`` (``augment: k``) adds k noisy copies of each training line's raw text,
tokenised and normalised exactly like a served message, so the n-gram model sees typos it will
meet and the encoder sees the slang and particles the lexicon hides. The noise, per copy:

* fast-thumb typos inside a word of 4+ letters: a letter dropped, typed twice, or two swapped
  (never the first letter, never a word with a digit: NIKs, phone numbers, dates and their
  placeholder tokens stay intact);
* formal -> slang abbreviations (``yang`` -> ``yg``, ``sudah`` -> ``udh``) from the reverse of the
  normaliser's own lexicon (IndoCollex and Kamus Alay, MIT; nlu/lexicon/), so the normaliser
  brings them back to the same lemma;
* particles (sih, dong, ya, kak, min, nih, deh, gan) added or dropped;
* case and end punctuation changed;
* with ``phone`` (``augment_phone``), phone-keyboard habits: two words glued (a space dropped), a
  letter held down at a word's end, the whole copy in capitals.

Seeded: the same lines and seed give the same copies.
"""

from __future__ import annotations

import random
import re
from functools import cache
from typing import Mapping

from nlu.lexicon import PERSONAL_TOKEN, PROTECTED_WORDS, load_lexicon

PARTICLES = ("sih", "dong", "ya", "kak", "min", "nih", "deh", "gan")
_WORD = re.compile(r"^([^\w]*)([A-Za-z]+)([^\w]*)$")
_END_PUNCT = re.compile(r"[.?!]+$")

# per-word and per-copy chances (measured together, see config.yml)
P_TYPO = 0.12
P_SLANG = 0.3
P_PARTICLE_ADD = 0.3
P_PARTICLE_DROP = 0.5
P_LOWER = 0.4
P_PUNCT = 0.4
# phone-keyboard habits (augment_phone): per gap between two words of letters, per word, per copy
P_GLUE = 0.06
P_HOLD = 0.04
P_CAPS = 0.06


@cache
def reverse_lexicon() -> dict[str, tuple[str, ...]]:
    """The reverse of the normaliser's lexicon (see ``reversed_lexicon``)."""
    return reversed_lexicon(load_lexicon())


def reversed_lexicon(lexicon: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """formal word -> its informal spellings that ``lexicon`` maps back to it (letters only, no
    longer than the formal word, never a protected domain word)."""
    table: dict[str, list[str]] = {}
    for informal, formal in lexicon.items():
        if (
            informal.isalpha()
            and formal.isalpha()
            and informal != formal
            and len(informal) <= len(formal)
            and informal not in PROTECTED_WORDS
            and formal not in PROTECTED_WORDS
        ):
            table.setdefault(formal, []).append(informal)
    return {formal: tuple(sorted(forms)) for formal, forms in table.items()}


def typo(word: str, rng: random.Random) -> str:
    """One fast-thumb slip inside ``word`` (4+ letters, letters only): drop, double or swap a letter
    after the first."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _noisy_word(token: str, rng: random.Random, reverse: Mapping[str, tuple[str, ...]]) -> str:
    if PERSONAL_TOKEN.fullmatch(token.strip(".,!?;:")):
        return token
    match = _WORD.match(token)
    if not match:  # digits, dates, codes, hyphenated words: as they are
        return token
    head, core, tail = match.groups()
    lower = core.lower()
    forms = reverse.get(lower)
    if forms and rng.random() < P_SLANG:
        core = rng.choice(forms)
    elif lower not in PROTECTED_WORDS and rng.random() < P_TYPO:
        core = typo(core, rng)
    return head + core + tail


def phone_habits(words: list[str], rng: random.Random) -> list[str]:
    """A space dropped between two words of letters, a letter held down at the end of a word of letters."""
    out: list[str] = []
    for word in words:
        if _WORD.match(word) and word[-1].isalpha() and rng.random() < P_HOLD:
            word = word + word[-1] * rng.randrange(2, 5)
        if out and out[-1].isalpha() and word.isalpha() and rng.random() < P_GLUE:
            out[-1] += word
        else:
            out.append(word)
    return out


def noisy_copy(
    text: str, rng: random.Random, reverse: Mapping[str, tuple[str, ...]] | None = None, phone: bool = False
) -> str:
    """One noisy copy of a raw training line (``phone``: with phone-keyboard habits too)."""
    reverse = reverse_lexicon() if reverse is None else reverse
    words = [_noisy_word(w, rng, reverse) for w in text.split()]
    if rng.random() < P_PARTICLE_DROP:
        kept = [w for w in words if _END_PUNCT.sub("", w.lower()) not in PARTICLES]
        words = kept or words
    if rng.random() < P_PARTICLE_ADD and words:
        particle = rng.choice(PARTICLES)
        if rng.random() < 0.7:  # at the end, before the end punctuation
            last = words[-1]
            end = _END_PUNCT.search(last)
            if end and end.start() > 0:
                words[-1] = last[: end.start()]
                words += [particle + end.group()]
            else:
                words.append(particle)
        else:
            words.insert(min(1, len(words)), particle)
    if phone:
        words = phone_habits(words, rng)
    copy = " ".join(words)
    if phone and rng.random() < P_CAPS:
        return copy.upper()
    if rng.random() < P_LOWER:  # words with a digit (NIK tokens, booking codes) keep their case
        copy = " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in copy.split())
    if rng.random() < P_PUNCT:
        stripped = _END_PUNCT.sub("", copy)
        copy = stripped if stripped != copy else copy + rng.choice(("?", "??", "."))
    return copy
