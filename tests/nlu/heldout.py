"""Checks shared by the blind held-out sets H and I (tests/nlu/test_unseen_{h,i}_set.py; sets C to G, training
data since 2026-12-06, used them too).

A set is a Rasa NLU file plus a style sheet (tab-separated: line in the yml, intent, plain text, styles,
phenomena). Each set's test module states what is particular to it (its size, its styles, the sets it
is kept apart from) and calls these checks for the rest.

A near-copy failure prints only the held-out line, never the line it matched: the set's author must
rewrite the line in a new phrasing without reading the training data or the other sets.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from mpp.catalogue.model import SERVICE_CODES
from mpp.config import PROJECT_ROOT
from testkit.nlu_eval import Example, load_examples
from tests.nlu.test_regression_set import CONTRACT_INTENTS, near_identical

PROJECT_INTENTS = {"hapus_data", "informasi", "cek_pengaduan", "cek_permohonan", "koreksi"}
ALL_INTENTS = CONTRACT_INTENTS | PROJECT_INTENTS
FAQ_AND_BOOKING = {
    "tanya_syarat",
    "tanya_biaya",
    "tanya_jadwal",
    "tanya_lokasi",
    "tanya_lama_proses",
    "pesan_antrean",
}
CHITCHAT = {"sapa", "terima_kasih", "pamit", "afirmasi", "negasi"}
JENIS = {"baru", "hilang", "rusak", "perpanjangan", "perubahan"}
MPPS = {"kota_bogor", "kota_bekasi", "kota_tangerang_selatan"}
# The failure families of issue 16, as tagged in the style sheets' phenomena column.
PHENOMENA = {
    "price_word",
    "service_hours",
    "service_day",
    "own_appt",
    "sched_vocab",
    "booking_place",
    "slang_thanks",
    "implied_service",
    "smalltalk_numbers",
    "jenis_trap",
    "grievance",
    "where_complain",
    "delete_data",
}
# A family is labelled by the user's main request, never by the surface word that misled the model.
GOLD_INTENTS = {
    "price_word": {"tanya_biaya"},
    "own_appt": {"cek_antrean"},
    "sched_vocab": {"pesan_antrean"},
    "booking_place": {"pesan_antrean"},
    "slang_thanks": {"terima_kasih"},
    "delete_data": {"hapus_data"},
    "where_complain": {"keluhan"},
    "grievance": {"keluhan"},
    "service_hours": {"tanya_jadwal"},
    "service_day": {"tanya_jadwal"},
    "smalltalk_numbers": {"di_luar_topik"},
}
# Families sets F to I added: bare continuations, out-of-scope questions of every kind, regional yes/no,
# "how long until it is done", location and directions.
LATER_GOLD = {
    "continuation": {"informasi"},
    "out_of_scope": {"di_luar_topik"},
    "regional_yesno": {"afirmasi", "negasi"},
    "how_long": {"tanya_lama_proses"},
    "directions": {"tanya_lokasi"},
}
LATER_PHENOMENA = PHENOMENA | set(LATER_GOLD)
LATER_GOLD_INTENTS = {**GOLD_INTENTS, **LATER_GOLD}
KODE_BOOKING = re.compile(r"^(?=(?:.*[2-9]){2})[ABCDEFGHJKLMNPQRSTUVWXYZ2-9]{8}$")


@dataclass(frozen=True)
class HeldOutSet:
    letter: str  # "C", "D", ...: how failures name the set
    yml: Path
    styles: Path

    def examples(self) -> list[Example]:
        return load_examples(self.yml)

    def rows(self) -> list[dict[str, str]]:
        with self.styles.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def training_texts() -> list[str]:
    return [m.get("text") for m in load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples]


def texts_of(paths: Iterable[Path]) -> list[str]:
    return [e.text for path in paths for e in load_examples(Path(path))]


def assert_no_near_copies_within(held: HeldOutSet) -> None:
    """Two lines of the set that differ by spelling or one word would count one phrasing twice."""
    texts = [e.text for e in held.examples()]
    close = [line for i, line in enumerate(texts) if near_identical([line], texts[:i] + texts[i + 1 :])]
    assert close == []


def assert_no_near_copies(held: HeldOutSet, others: list[str], what: str) -> None:
    """No line of the set is the same as one of `others` up to spelling or one word (test_regression_set)."""
    # pytest prints a failing frame's arguments: hide this frame, or `others` (training lines) shows up.
    __tracebackhide__ = True
    # Only the held-out line is kept, so that no report (nor pytest's diff) shows the other line.
    flagged = [line for line, _, _ in near_identical([e.text for e in held.examples()], others)]
    assert flagged == [], f"{len(flagged)} set {held.letter} lines too close to {what}:\n" + "\n".join(
        f"  {line!r}" for line in flagged
    )


def assert_unique_and_canonical(
    examples: list[Example], *, min_lines_per_service: int = 0, personal_data: bool = True
) -> None:
    """No duplicate line; every service, jenis and MPP named with its canonical value; one service a line."""
    texts = Counter(e.text.lower() for e in examples)
    assert [t for t, n in texts.items() if n > 1] == []
    values = {name: {v for e in examples for v in e.entities.get(name, ())} for name in ("layanan", "jenis", "mpp")}
    assert values["layanan"] == set(SERVICE_CODES)  # every service named, no other code
    assert values["jenis"] == JENIS
    assert values["mpp"] == MPPS
    # The scorer wants exactly one service where one is named: no line names two.
    assert [e.text for e in examples if len(e.entities.get("layanan", ())) > 1] == []
    assert all(len(n) == 16 and n.isdigit() for e in examples for n in e.entities.get("nik", ()))
    named = Counter(v for e in examples for v in e.entities.get("layanan", ()))
    assert {code: n for code, n in named.items() if n < min_lines_per_service} == {}  # every service in several lines
    if not personal_data:
        # No personal data in clear text: the set carries no NIK and no phone number.
        assert [e.text for e in examples if {"nik", "telepon"} & set(e.entities)] == []


def assert_style_sheet(
    held: HeldOutSet,
    *,
    styles: set[str],
    phenomena: set[str],
    min_lines_per_phenomenon: int = 0,
    min_intents_per_style: int = 5,
) -> None:
    """The sheet lists every line of the set once, with known style and phenomenon tags, at its yml line."""
    rows = held.rows()
    assert Counter((r["intent"], r["text"]) for r in rows) == Counter((e.intent, e.text) for e in held.examples())
    tagged = [(r["intent"], s) for r in rows for s in r["styles"].split(",")]
    families = Counter(p for r in rows for p in r["phenomena"].split(",") if p != "-")
    assert {s for _, s in tagged} == styles
    assert set(families) == phenomena
    # Each failure family tried several times.
    assert {p: n for p, n in families.items() if n < min_lines_per_phenomenon} == {}
    intents_per_style = Counter(s for _, s in set(tagged))
    assert {s: n for s, n in intents_per_style.items() if n < min_intents_per_style} == {}
    # The line column points into the yml, in the file's order.
    yml = held.yml.read_text(encoding="utf-8").splitlines()
    lines = [int(r["line"]) for r in rows]
    assert lines == sorted(lines)
    assert all(yml[n - 1].lstrip().startswith("- ") for n in lines)


def assert_gold_labels(held: HeldOutSet, gold: Mapping[str, set[str]]) -> None:
    """Each tagged family carries exactly the intents its labelling rule gives."""
    rows = held.rows()
    seen = {p: {r["intent"] for r in rows if p in r["phenomena"].split(",")} for p in gold}
    assert seen == dict(gold)


def assert_jenis_traps_unannotated(held: HeldOutSet) -> None:
    # "baru", "rusak", "hilang" describing something else (a newborn, a broken machine) are no jenis.
    traps = {r["text"] for r in held.rows() if "jenis_trap" in r["phenomena"].split(",")}
    assert traps and [e.text for e in held.examples() if e.text in traps and "jenis" in e.entities] == []


# Sets F to I: sized for per-intent floors, booking codes well-formed, no number shaped like personal data.
MIN_LINES_PER_INTENT = 14  # one miss moves an intent's recall by at most 1/14 (~7 points)
BIG_INTENTS = {"tanya_syarat", "tanya_biaya", "pesan_antrean", "tanya_jadwal", "tanya_lokasi", "keluhan"}
PERSONAL_NUMBER = re.compile(r"\d{8,}|(?:\+62|\b08)[\d\s-]{6,}")


def assert_sized_for_per_intent_floors(held: HeldOutSet) -> None:
    examples = held.examples()
    counts = Counter(e.intent for e in examples)
    assert set(counts) == ALL_INTENTS
    assert 390 <= len(examples) <= 440
    assert {i: n for i, n in counts.items() if n < MIN_LINES_PER_INTENT} == {}
    # Citizens ask, book and complain more than they chat: those intents have more lines than any other.
    assert min(counts[i] for i in BIG_INTENTS) > max(n for i, n in counts.items() if i not in BIG_INTENTS)
    assert min(counts[i] for i in FAQ_AND_BOOKING) > max(counts[i] for i in CHITCHAT)


def assert_canonical_with_booking_codes(held: HeldOutSet) -> None:
    examples = held.examples()
    assert_unique_and_canonical(examples, min_lines_per_service=5, personal_data=False)
    codes = [c for e in examples for c in e.entities.get("kode_booking", ())]
    assert codes and [c for c in codes if not KODE_BOOKING.match(c)] == []


def assert_every_value_named(held: HeldOutSet, entity: str, at_least: int) -> Counter[str]:
    """Each value of ``entity`` the set names is on at least ``at_least`` lines; returns the counts."""
    counts: Counter[str] = Counter(v for example in held.examples() for v in example.entities.get(entity, ()))
    assert {value: n for value, n in counts.items() if n < at_least} == {}
    return counts


def assert_no_personal_numbers(held: HeldOutSet) -> None:
    # Not even made-up ones: a run of 8+ digits (a phone number, a NIK) or a +62/08 prefix followed by digits.
    assert [e.text for e in held.examples() if PERSONAL_NUMBER.search(e.text)] == []


def assert_new_styles_spread(
    held: HeldOutSet,
    flavours: Iterable[str],
    shapes: Iterable[str],
    writers: Iterable[str],
    *,
    min_shape_intents: int = 8,
    min_writer_intents: int = 10,
) -> None:
    """Sets J and K: each new flavour in every intent (a flavour in two intents would say nothing about the
    others), English and Sundanese in every intent (issue 16 names both), a quarter of the lines built on the
    shared lexicons' slang spellings, and each message shape and each kind of writer spread over many intents
    rather than bunched in one."""
    rows = held.rows()
    intents = {r["intent"] for r in rows}

    def styles(row: dict[str, str]) -> set[str]:
        return set(row["styles"].split(","))

    for style in (*flavours, "english", "sunda"):
        assert {r["intent"] for r in rows if style in styles(r)} == intents, style
    assert sum("lexicon" in styles(r) for r in rows) >= 0.25 * len(rows)
    for style in shapes:
        assert len({r["intent"] for r in rows if style in styles(r)}) >= min_shape_intents, style
    for style in writers:
        assert len({r["intent"] for r in rows if style in styles(r)}) >= min_writer_intents, style
