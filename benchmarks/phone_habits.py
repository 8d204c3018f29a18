"""The dev sets typed the way phone keyboards type them, scored habit by habit (issue 16).

    .venv/bin/python -m benchmarks.phone_habits [--model models/eval/ours.tar.gz] [--sets regression unseen]
                                                [--habits clean glue split ...] [--seed 1616]

Each habit is a seeded function of a held-out line (written for this benchmark, apart from the
training-time noise of nlu/augment.py: another generator, another seed): words glued together
(``glue``: "syaratktp", "jam9"), words split (``split``: "pas por"), stretched letters
(``stretch``: "okeeee"), all caps (``caps``), punctuation as separators (``punct``: "ktp,kk/akta"),
digits for letters (``digits``: "b3sok"), autocorrect slips to a real but wrong word (``autocorrect``)
and all of them at lower rates (``mixed``). Words with a digit (NIK, phone numbers, dates, booking
codes) are never touched. The gold intent and entity values stay those of the clean line. Prints
intent accuracy / macro-F1 / layanan F1 / jenis F1 per set and habit, and the parse time (median /
p95 ms over every parse); never a held-out line. Without ``--model``, config.yml's NLU model is
trained (or reused) in models/eval like ``make evaluate``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from functools import cache
from pathlib import Path
from typing import Callable

from testkit.nlu_eval import SETS, Example, evaluate_sets, percentile

WORD = re.compile(r"^[A-Za-z]+$")
VOWELS = "aiueo"
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "g": "9"}
SEPARATORS = (",", "/", ".", ",", "+")
FORMAL_WORDS = Path(__file__).resolve().parent.parent / "nlu" / "lexicon" / "stif_formal_words.txt"

Habit = Callable[[str, random.Random], str]


@cache
def _real_words() -> dict[tuple[str, int], list[str]]:
    """Correctly spelt words by (first letter, length): the targets of an autocorrect slip."""
    table: dict[tuple[str, int], list[str]] = {}
    for line in FORMAL_WORDS.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#") and word.isalpha():
            table.setdefault((word[0], len(word)), []).append(word)
    return table


def _plain(word: str) -> bool:
    return bool(WORD.match(word))


def glue(text: str, rng: random.Random, p: float = 0.35) -> str:
    """The space between two words dropped ("syarat ktp" -> "syaratktp", "jam 9" -> "jam9")."""
    words = text.split()
    out = words[:1]
    for word in words[1:]:
        last = out[-1]
        numeric = any(c.isdigit() for c in last) or any(c.isdigit() for c in word)
        short_number = numeric and len(re.sub(r"\D", "", last + word)) <= 4  # "jam9", not a NIK
        if (numeric and not short_number) or rng.random() >= p:
            out.append(word)
        else:
            out[-1] = last + word
    return " ".join(out)


def split(text: str, rng: random.Random, p: float = 0.25) -> str:
    """A space typed inside a word of 6+ letters ("paspor" -> "pas por")."""
    out = []
    for word in text.split():
        if _plain(word) and len(word) >= 6 and rng.random() < p:
            i = rng.randrange(2, len(word) - 1)
            out.append(word[:i] + " " + word[i:])
        else:
            out.append(word)
    return " ".join(out)


def stretch(text: str, rng: random.Random, p: float = 0.3) -> str:
    """A letter held down: the last letter, or the last vowel, typed 3-6 times ("okeeee", "makasiiih")."""
    out = []
    for word in text.split():
        if _plain(word) and rng.random() < p:
            vowels = [i for i, c in enumerate(word.lower()) if c in VOWELS]
            i = len(word) - 1 if rng.random() < 0.6 or not vowels else vowels[-1]
            out.append(word[: i + 1] + word[i] * rng.randrange(2, 6) + word[i + 1 :])
        else:
            out.append(word)
    return " ".join(out)


def caps(text: str, rng: random.Random) -> str:
    """Caps lock on."""
    return text.upper()


def punct(text: str, rng: random.Random, p: float = 0.4) -> str:
    """Punctuation instead of a space between two words ("ktp,kk,akta", "syarat/biaya")."""
    words = text.split()
    out = words[:1]
    for word in words[1:]:
        if _plain(out[-1]) and _plain(word) and rng.random() < p:
            out[-1] = out[-1] + rng.choice(SEPARATORS) + word
        else:
            out.append(word)
    return " ".join(out)


def digits(text: str, rng: random.Random, p: float = 0.25) -> str:
    """Digits for letters ("b3sok", "s4ya"): one or every leet-able letter of a word."""
    out = []
    for word in text.split():
        spots = [i for i, c in enumerate(word.lower()) if c in LEET]
        if _plain(word) and len(word) >= 3 and spots and rng.random() < p:
            picked = set(spots) if rng.random() < 0.3 else {rng.choice(spots[1:] or spots)}
            word = "".join(LEET[c.lower()] if i in picked else c for i, c in enumerate(word))
        out.append(word)
    return " ".join(out)


def _one_edit(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def autocorrect(text: str, rng: random.Random, p: float = 0.12) -> str:
    """A word of 4+ letters replaced by a real word of the same length one letter away ("biaya" ->
    "biasa"), as a phone's autocorrect does after a slip."""
    out = []
    for word in text.split():
        lower = word.lower()
        if _plain(word) and len(word) >= 4 and rng.random() < p:
            near = [w for w in _real_words().get((lower[0], len(lower)), []) if _one_edit(w, lower)]
            if near:
                word = rng.choice(near)
        out.append(word)
    return " ".join(out)


def mixed(text: str, rng: random.Random) -> str:
    """Every habit at a third of its rate, caps on one line in ten."""
    text = glue(text, rng, 0.12)
    text = split(text, rng, 0.08)
    text = stretch(text, rng, 0.1)
    text = punct(text, rng, 0.12)
    text = digits(text, rng, 0.08)
    text = autocorrect(text, rng, 0.04)
    return caps(text, rng) if rng.random() < 0.1 else text


HABITS: dict[str, Habit | None] = {
    "clean": None,
    "glue": glue,
    "split": split,
    "stretch": stretch,
    "caps": caps,
    "punct": punct,
    "digits": digits,
    "autocorrect": autocorrect,
    "mixed": mixed,
}


def noisy(examples: list[Example], habit: Habit | None, seed: int) -> list[Example]:
    """The examples with ``habit`` applied to each text (seeded per set and habit); gold labels kept."""
    if habit is None:
        return examples
    rng = random.Random(seed)
    return [Example(habit(e.text, rng), e.intent, e.entities) for e in examples]


def main(argv: list[str] | None = None) -> int:
    from benchmarks.evaluate_nlu import OURS, load_sets, train

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="a trained model (default: config.yml's, NLU only)")
    parser.add_argument("--sets", nargs="*", choices=["regression", "unseen"], default=["regression", "unseen"])
    parser.add_argument("--habits", nargs="*", choices=sorted(HABITS), default=list(HABITS))
    parser.add_argument("--seed", type=int, default=1616)
    args = parser.parse_args(argv)
    assert set(args.sets) <= set(SETS)
    model = args.model or train("ours", OURS)[0]
    clean = load_sets(args.sets)
    sets = {
        f"{name}:{habit}": noisy(examples, HABITS[habit], args.seed + 101 * i + 7 * j)
        for j, (name, examples) in enumerate(clean.items())
        for i, habit in enumerate(args.habits)
    }
    reports = evaluate_sets(model.name, model, sets)
    took = [ms for r in reports.values() for ms in r.parse_ms]
    print(
        f"\nmodel {model}; parse ms median / p95 over all {len(took)} parses: "
        f"{percentile(took, 50):.1f} / {percentile(took, 95):.1f}"
    )
    head = f"{'habit':<12}" + "".join(f"{n + ' acc/F1/lay/jen':>34}" for n in clean)
    print(head + "\n" + "-" * len(head))
    for habit in args.habits:
        cells = []
        for name in clean:
            r = reports[f"{name}:{habit}"]
            cells.append(f"{r.intent_accuracy:.3f}/{r.macro_f1:.3f}/{r.layanan_f1:.3f}/{r.jenis_f1:.3f}")
        print(f"{habit:<12}" + "".join(f"{c:>34}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
