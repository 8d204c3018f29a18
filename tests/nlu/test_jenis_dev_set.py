"""Well-formedness of the `jenis` development set (`jenis_dev.yml`, see JENIS_DEV_README.md).

A development set: the `jenis` rules may be tuned on it. These checks parse the file only; no model is loaded.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import load_examples

SET_FILE = PROJECT_ROOT / "tests" / "nlu" / "jenis_dev.yml"
JENIS_VALUES = frozenset({"baru", "hilang", "rusak", "perpanjangan", "perubahan"})
MIN_PER_JENIS = 18
MIN_WITHOUT_JENIS = 120
MPP_CODES = frozenset(p.stem for p in (PROJECT_ROOT / "data" / "catalogue" / "mpp").glob("*.yaml"))
KODE_BOOKING = re.compile(r"^(?=(?:.*\d){2})[ABCDEFGHJKLMNPQRSTUVWXYZ2-9]{8}$")
# 16 digits in a row (a NIK), or a phone number: 08…/628…/+628… with 8 or more further digits, spaces,
# dots and dashes allowed between them.
SIXTEEN_DIGITS = re.compile(r"\d{16}")
PHONE = re.compile(r"(?:\+?62|0)[\s.-]?8(?:[\s.-]?\d){7,}")


@pytest.fixture(scope="module")
def examples():
    return load_examples(SET_FILE)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_set_is_loaded_and_sized(examples):
    assert 200 <= len(examples) <= 300


def test_every_intent_is_in_the_domain(examples):
    domain_intents = set(yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"])
    unknown = sorted({e.intent for e in examples} - domain_intents)
    assert not unknown, unknown


def test_entity_values_are_canonical(examples):
    bad = []
    for e in examples:
        for value in e.entities.get("jenis", ()):
            if value not in JENIS_VALUES:
                bad.append((e.text, "jenis", value))
        for value in e.entities.get("layanan", ()):
            if value not in SERVICE_CODES:
                bad.append((e.text, "layanan", value))
        for value in e.entities.get("mpp", ()):
            if value not in MPP_CODES:
                bad.append((e.text, "mpp", value))
        for value in e.entities.get("kode_booking", ()):
            if not KODE_BOOKING.match(value):
                bad.append((e.text, "kode_booking", value))
    assert not bad, bad


def test_only_known_entities(examples):
    known = {"jenis", "layanan", "tanggal", "waktu", "mpp", "kode_booking"}
    extra = sorted({name for e in examples for name in e.entities} - known)
    assert not extra, extra


def test_no_duplicate_lines(examples):
    counts = Counter(_norm(e.text) for e in examples)
    duplicates = sorted(text for text, n in counts.items() if n > 1)
    assert not duplicates, duplicates


def test_every_jenis_value_has_enough_lines(examples):
    per_value = Counter(v for e in examples for v in e.entities.get("jenis", ()))
    short = {v: per_value[v] for v in JENIS_VALUES if per_value[v] < MIN_PER_JENIS}
    assert not short, short


def test_one_jenis_value_per_line(examples):
    multi = [e.text for e in examples if len(e.entities.get("jenis", ())) > 1]
    assert not multi, multi


def test_enough_lines_without_jenis(examples):
    without = sum(1 for e in examples if not e.entities.get("jenis"))
    assert without >= MIN_WITHOUT_JENIS, without


def test_no_nik_or_phone_shaped_numbers(examples):
    bad = [e.text for e in examples if SIXTEEN_DIGITS.search(e.text) or PHONE.search(e.text)]
    assert not bad, bad
    raw = SET_FILE.read_text()
    assert not SIXTEEN_DIGITS.search(raw)
    assert not PHONE.search(raw)
