"""The development sets dev12, dev14, dev15, dev16 and dev17 (tests/nlu/dev1?.yml, see DEV12_README.md,
DEV14_README.md, DEV15_README.md, DEV16_README.md, DEV17_README.md) must stay well-formed.

Well-formedness only: it loads, covers every intent of the domain with at least ten lines, names entities
with their canonical values, holds no duplicate line and no number shaped like a NIK or a phone number.
A development set is scored to choose training data, so it is no unseen figure
(the first scores of dev14, dev15, dev16 and dev17 excepted).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import load_examples
from tests.nlu.heldout import JENIS, KODE_BOOKING, MPPS, PERSONAL_NUMBER, training_texts
from tests.nlu.test_regression_set import near_identical

# set -> its file and the bounds of its size
DEV_SETS = {
    "dev12": (PROJECT_ROOT / "tests" / "nlu" / "dev12.yml", 280, 360),
    "dev14": (PROJECT_ROOT / "tests" / "nlu" / "dev14.yml", 300, 360),
    "dev15": (PROJECT_ROOT / "tests" / "nlu" / "dev15.yml", 300, 360),
    "dev16": (PROJECT_ROOT / "tests" / "nlu" / "dev16.yml", 300, 360),
    "dev17": (PROJECT_ROOT / "tests" / "nlu" / "dev17.yml", 300, 360),
}
MIN_LINES_PER_INTENT = 10


def _domain_intents() -> set[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}


@pytest.fixture(params=sorted(DEV_SETS))
def dev_set(request: pytest.FixtureRequest) -> tuple[Path, int, int]:
    return DEV_SETS[request.param]


def test_a_dev_set_loads_and_covers_every_domain_intent_with_ten_lines(dev_set: tuple[Path, int, int]) -> None:
    path, least, most = dev_set
    counts = Counter(e.intent for e in load_examples(path))
    assert set(counts) == _domain_intents()
    assert {i: n for i, n in counts.items() if n < MIN_LINES_PER_INTENT} == {}
    assert least <= sum(counts.values()) <= most


def test_a_dev_sets_entity_values_are_canonical(dev_set: tuple[Path, int, int]) -> None:
    examples = load_examples(dev_set[0])

    def values(name: str) -> set[str]:
        return {v for e in examples for v in e.entities.get(name, ())}

    assert values("layanan") <= set(SERVICE_CODES)
    assert values("jenis") <= JENIS
    assert values("mpp") <= MPPS
    assert [c for c in values("kode_booking") if not KODE_BOOKING.match(c)] == []
    # One service a line, so that the scorer's layanan figure is unambiguous.
    assert [e.text for e in examples if len(e.entities.get("layanan", ())) > 1] == []


def test_a_dev_set_has_no_duplicate_lines(dev_set: tuple[Path, int, int]) -> None:
    texts = Counter(e.text.lower() for e in load_examples(dev_set[0]))
    assert [t for t, n in texts.items() if n > 1] == []


def test_a_dev_set_holds_no_number_shaped_like_a_nik_or_a_phone_number(dev_set: tuple[Path, int, int]) -> None:
    examples = load_examples(dev_set[0])
    assert [e.text for e in examples if PERSONAL_NUMBER.search(e.text)] == []
    assert [e.text for e in examples if {"nik", "telepon"} & set(e.entities)] == []


def test_a_dev_set_is_no_near_copy_of_training_data(dev_set: tuple[Path, int, int]) -> None:
    # Training written from a dev set's misses must paraphrase families, never copy lines: a dev line that
    # training repeats up to spelling or one word scores the model on its own training data.
    # pytest prints a failing frame's arguments: hide this frame, so that no training line shows.
    __tracebackhide__ = True
    lines = [e.text for e in load_examples(dev_set[0])]
    assert [line for line, _, _ in near_identical(lines, training_texts())] == []
