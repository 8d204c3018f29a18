"""The development set dev14 (tests/nlu/dev14.yml, see DEV14_README.md) must stay well-formed.

Well-formedness only: it loads, covers every intent of the domain with at least ten lines, names entities
with their canonical values, holds no duplicate line and no number shaped like a NIK or a phone number.
dev14 is a DEVELOPMENT set: it is scored to choose training data, so it is no unseen figure.
"""

from __future__ import annotations

from collections import Counter

import yaml

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import load_examples
from tests.nlu.heldout import JENIS, KODE_BOOKING, MPPS, PERSONAL_NUMBER

DEV14_FILE = PROJECT_ROOT / "tests" / "nlu" / "dev14.yml"
MIN_LINES_PER_INTENT = 10


def _domain_intents() -> set[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}


def test_dev14_loads_and_covers_every_domain_intent_with_ten_lines() -> None:
    counts = Counter(e.intent for e in load_examples(DEV14_FILE))
    assert set(counts) == _domain_intents()
    assert {i: n for i, n in counts.items() if n < MIN_LINES_PER_INTENT} == {}
    assert 300 <= sum(counts.values()) <= 360


def test_dev14_entity_values_are_canonical() -> None:
    examples = load_examples(DEV14_FILE)

    def values(name: str) -> set[str]:
        return {v for e in examples for v in e.entities.get(name, ())}

    assert values("layanan") <= set(SERVICE_CODES)
    assert values("jenis") <= JENIS
    assert values("mpp") <= MPPS
    assert [c for c in values("kode_booking") if not KODE_BOOKING.match(c)] == []
    # One service a line, so that the scorer's layanan figure is unambiguous.
    assert [e.text for e in examples if len(e.entities.get("layanan", ())) > 1] == []


def test_dev14_has_no_duplicate_lines() -> None:
    texts = Counter(e.text.lower() for e in load_examples(DEV14_FILE))
    assert [t for t, n in texts.items() if n > 1] == []


def test_dev14_holds_no_number_shaped_like_a_nik_or_a_phone_number() -> None:
    examples = load_examples(DEV14_FILE)
    assert [e.text for e in examples if PERSONAL_NUMBER.search(e.text)] == []
    assert [e.text for e in examples if {"nik", "telepon"} & set(e.entities)] == []
