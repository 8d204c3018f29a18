"""The multi-turn evaluation sets (tests/e2e/conversations/booking_repair.yml, the second, unseen
booking_repair_b.yml, and the third, booking_repair_c.yml, written blind to both) must be playable: well-formed, and every expected booking possible under the
catalogue and the booking rules at the sets' fixed clock. Played against one database, the sets must
not compete: no slot and no NIK is shared, within a set or across them. A conversation these tests find
impossible is rewritten, not the rule.

Each check returns the problems it finds (``"<id>: <reason>"``) so that the mutation tests can show it
catches a broken conversation. Cross-set messages name only conversations of the second set.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mpp.booking.nik import check_nik
from mpp.booking.slots import Policy, bookable_slots
from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.model import SERVICE_CODES, Catalogue
from mpp.catalogue.yaml_io import read_yaml
from mpp.config import PROJECT_ROOT

SET_DIR = PROJECT_ROOT / "tests" / "e2e" / "conversations"
CONVERSATIONS = SET_DIR / "booking_repair.yml"
CONVERSATIONS_B = SET_DIR / "booking_repair_b.yml"
CONVERSATIONS_C = SET_DIR / "booking_repair_c.yml"  # the third set, written blind to the first two
CONVERSATIONS_D = SET_DIR / "booking_repair_d.yml"  # the fourth, blind to the code and to a, b and c
CONVERSATIONS_E = SET_DIR / "booking_repair_e.yml"  # the fifth, blind to the code and to a-d
CONVERSATIONS_F = SET_DIR / "booking_repair_f.yml"  # the sixth, blind to the code and to a-e
SETS = [CONVERSATIONS, CONVERSATIONS_B, CONVERSATIONS_C, CONVERSATIONS_D, CONVERSATIONS_E, CONVERSATIONS_F]
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # Friday, the sets' clock
STEPS = {"ask_layanan", "ask_mpp", "ask_tanggal", "ask_waktu", "ask_nama", "ask_nik", "ask_telepon"}
AT = STEPS | {"summary", "after_booking"}
REPLIES = {"layanan", "mpp", "tanggal", "waktu", "nama", "nik", "telepon", "konfirmasi"}
# Offered in the catalogue, but whether the counter exists is unverified: not used as an expected booking.
UNVERIFIED = {("kota_bogor", "sertifikat_tanah"), ("kota_bekasi", "bpjs_kesehatan")}
# What the second set was written to cover (issue 17): kind label -> at least this many conversations.
KINDS_B = {
    "correction_at_summary": 12,  # date, time, service, MPP, name, phone: two each
    "correction_mid_form": 3,
    "change_service": 2,
    "change_mpp": 2,
    "question_in_middle": 4,  # fee, location, requirements, hours
    "tidak_then_change": 2,
    "tidak_then_batal": 2,
    "change_of_mind_cancel": 2,
    "invalidating_change": 3,  # a service the new MPP lacks, the Friday prayer break, a closed day
    "name_is_not_a_name": 2,
    "typos": 2,
    "move_existing": 3,
    "odd_phone": 2,
    "all_in_one_opening": 2,
}


@cache
def _load(path: Path) -> tuple[dict[str, Any], ...]:
    data = read_yaml(path)  # refuses a repeated key
    assert isinstance(data, list), path.name
    return tuple(data)


def _conversations(path: Path) -> list[dict[str, Any]]:
    return copy.deepcopy(list(_load(path)))


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return read_catalogue(PROJECT_ROOT / "data" / "catalogue").catalogue


def _booked(conversations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in conversations if c["expect"]["outcome"] == "booked"]


def _slot(c: dict[str, Any]) -> tuple[str, str, str]:
    return (c["expect"]["mpp"], c["expect"]["date"], c["expect"]["time"])


def _nik(c: dict[str, Any]) -> str | None:
    return check_nik(c["replies"]["nik"], NOW.date()).nik


# --- checks: each returns "<id>: <problem>" lines ---------------------------------------------------


def shape_problems(conversations: list[dict[str, Any]]) -> list[str]:
    """Exactly the documented keys, every reply said, events at known steps, complete expectations."""
    problems = [f"{i}: id used {n} times" for i, n in Counter(c["id"] for c in conversations).items() if n > 1]
    for c in conversations:
        cid = c["id"]
        if not set(c) <= {"id", "kind", "opening", "replies", "events", "expect"}:
            problems.append(
                f"{cid}: unknown keys {sorted(set(c) - {'id', 'kind', 'opening', 'replies', 'events', 'expect'})}"
            )
        if not {"id", "kind", "opening", "replies", "expect"} <= set(c):
            problems.append(f"{cid}: missing keys")
            continue
        if not (str(c["opening"]).strip() and str(c["kind"]).strip()):
            problems.append(f"{cid}: empty opening or kind")
        if set(c["replies"]) != REPLIES:
            problems.append(f"{cid}: replies must be exactly {sorted(REPLIES)}")
        if not all(isinstance(v, str) and v.strip() for v in c["replies"].values()):
            problems.append(f"{cid}: every reply is non-empty text")
        for event in c.get("events", []):
            if set(event) != {"at", "say"} or event["at"] not in AT or not str(event["say"]).strip():
                problems.append(f"{cid}: bad event {event}")
        expect = c["expect"]
        if expect.get("outcome") == "booked":
            if set(expect) != {"outcome", "layanan", "mpp", "date", "time"}:
                problems.append(f"{cid}: a booking expects layanan, mpp, date and time")
        elif expect != {"outcome": "not_booked"}:
            problems.append(f"{cid}: expect is booked (with details) or exactly not_booked")
        if any(e.get("at") == "after_booking" for e in c.get("events", [])) and expect.get("outcome") != "booked":
            problems.append(f"{cid}: a move needs a booking to move")
    return problems


def nik_problems(conversations: list[dict[str, Any]]) -> list[str]:
    """Every NIK passes the assistant's own check, and each citizen has their own."""
    problems, seen = [], Counter[str]()
    for c in conversations:
        checked = check_nik(c["replies"]["nik"], NOW.date())
        if checked.problem is not None:
            problems.append(f"{c['id']}: {checked.problem}")
        elif checked.nik is not None:
            seen[checked.nik] += 1
            if seen[checked.nik] == 2:
                problems.append(f"{c['id']}: NIK already used in this set")
    return problems


def booking_problems(conversations: list[dict[str, Any]]) -> list[str]:
    """Every expected booking is a free slot of an open day in the window, at an MPP that takes bookings for
    the service, on the service's grid, not too soon today; and no two bookings share a slot."""
    catalogue, policy, problems = _catalogue(), Policy(), []
    booked = _booked(conversations)
    for c in booked:
        e, cid = c["expect"], c["id"]
        if e["layanan"] not in SERVICE_CODES:
            problems.append(f"{cid}: unknown service {e['layanan']}")
            continue
        if e["mpp"] not in catalogue.mpps:
            problems.append(f"{cid}: unknown MPP {e['mpp']}")
            continue
        if (e["mpp"], e["layanan"]) in UNVERIFIED:
            problems.append(f"{cid}: {e['layanan']} at {e['mpp']} is unverified")
            continue
        offering = catalogue.offering(e["mpp"], e["layanan"])
        if offering is None:
            problems.append(f"{cid}: {e['mpp']} does not offer {e['layanan']}")
            continue
        if catalogue.booking_mode(e["mpp"], e["layanan"]) != "mpp_slot":
            problems.append(f"{cid}: {e['layanan']} at {e['mpp']} is not booked in MPP slots")
            continue
        day, start = date.fromisoformat(str(e["date"])), time.fromisoformat(str(e["time"]))
        starts = [s.start for s in bookable_slots(catalogue, catalogue.mpps[e["mpp"]], offering, day, NOW, policy)]
        if start not in starts:
            problems.append(f"{cid}: {e['date']} {e['time']} is not a bookable slot of {e['layanan']}")
    slots = Counter(_slot(c) for c in booked)
    problems += [f"{c['id']}: slot {_slot(c)} shared in this set" for c in booked if slots[_slot(c)] > 1]
    return problems


# --- both sets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_set_is_big_with_unique_ids_and_exactly_the_documented_keys(path: Path) -> None:
    conversations = _conversations(path)
    assert 60 <= len(conversations) <= 70
    assert shape_problems(conversations) == []


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_every_nik_is_plausible_and_each_citizen_has_their_own(path: Path) -> None:
    assert nik_problems(_conversations(path)) == []


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_every_expected_booking_is_a_free_slot_of_an_open_day_in_the_window(path: Path) -> None:
    assert booking_problems(_conversations(path)) == []


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_set_spreads_over_the_mpps_and_has_both_outcomes_and_moves(path: Path) -> None:
    conversations = _conversations(path)
    booked = _booked(conversations)
    per_mpp = Counter(c["expect"]["mpp"] for c in booked)
    assert set(per_mpp) == set(_catalogue().mpps) and min(per_mpp.values()) >= 12
    assert len({c["expect"]["layanan"] for c in booked}) >= 9
    assert len(conversations) - len(booked) >= 7  # both outcomes, well represented
    moves = [c for c in booked if any(e["at"] == "after_booking" for e in c.get("events", []))]
    assert len(moves) >= 3


# --- the second set against the first --------------------------------------------------------------


def cross_set_problems(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[str]:
    """Both sets are played against one database: a shared slot could be full, a shared NIK trips the
    per-NIK limits. Names only the second set's conversations, never the first set's contents."""
    first_ids = {c["id"] for c in first}
    first_niks = {_nik(c) for c in first} - {None}
    first_slots = {_slot(c) for c in _booked(first)}
    return (
        [f"{c['id']}: id also in the first set" for c in second if c["id"] in first_ids]
        + [f"{c['id']}: NIK also in the first set" for c in second if _nik(c) in first_niks]
        + [f"{c['id']}: slot also in the first set" for c in _booked(second) if _slot(c) in first_slots]
    )


def test_second_set_shares_no_id_nik_or_slot_with_the_first() -> None:
    assert cross_set_problems(_conversations(CONVERSATIONS), _conversations(CONVERSATIONS_B)) == []


def test_a_slot_or_nik_taken_from_the_first_set_is_reported() -> None:
    first, second = _conversations(CONVERSATIONS), _conversations(CONVERSATIONS_B)
    taken = _booked(first)[0]
    second[0]["expect"] = dict(taken["expect"])
    second[1]["replies"]["nik"] = taken["replies"]["nik"]
    second[2]["id"] = taken["id"]
    # Compared by reason only, so that a failure shows nothing of the first set.
    assert sorted(p.split(": ", 1)[1] for p in cross_set_problems(first, second)) == [
        "NIK also in the first set",
        "id also in the first set",
        "slot also in the first set",
    ]


def test_second_set_covers_the_kinds_it_was_written_for() -> None:
    kinds = Counter(c["kind"] for c in _conversations(CONVERSATIONS_B))
    assert {k: kinds[k] for k, n in KINDS_B.items() if kinds[k] < n} == {}
    assert all(c["expect"]["outcome"] == "not_booked" for c in _conversations(CONVERSATIONS_B) if "batal" in c["kind"])
    assert all(
        c["expect"]["outcome"] == "not_booked"
        for c in _conversations(CONVERSATIONS_B)
        if c["kind"] == "change_of_mind_cancel"
    )


# --- the checks catch a broken conversation -------------------------------------------------------


def _mutated(cid: str, **expect: str) -> list[dict[str, Any]]:
    conversations = _conversations(CONVERSATIONS_B)
    (c,) = [c for c in conversations if c["id"] == cid]
    c["expect"].update(expect)
    return conversations


@pytest.mark.parametrize(
    ("cid", "change", "why"),
    [
        ("b001", {"date": "2026-12-05"}, "a Saturday"),
        ("b001", {"date": "2026-12-04", "time": "11:45"}, "the Friday prayer break"),
        ("b001", {"date": "2026-12-14"}, "after the 14-day window"),
        ("b001", {"date": "2026-12-24"}, "cuti bersama, after the window"),
        ("b001", {"date": "2026-11-27", "time": "10:45"}, "under 60 minutes from now"),
        ("b001", {"time": "16:00"}, "the closing time of a Thursday"),
        ("b001", {"time": "09:20"}, "off the 15-minute grid"),
        ("b003", {"mpp": "kota_bogor"}, "SIM at Bogor: not offered"),
        ("b020", {"mpp": "kota_bekasi"}, "BPJS Kesehatan at Bekasi: unverified"),
        ("b025", {"time": "09:00"}, "09:00 is off BPN's 20-minute grid"),
        ("b025", {"mpp": "kota_bekasi"}, "BPN at Bekasi: not offered"),
        ("b001", {"layanan": "skck"}, "SKCK is booked through the agency's own system"),
        ("b002", {"mpp": "kota_bekasi", "date": "2026-12-03", "time": "09:15"}, "b001's slot"),
    ],
)
def test_an_impossible_booking_is_reported(cid: str, change: dict[str, str], why: str) -> None:
    assert booking_problems(_conversations(CONVERSATIONS_B)) == []
    problems = booking_problems(_mutated(cid, **change))
    assert problems and all(p.startswith(("b001:", "b002:", cid + ":")) for p in problems), why


@pytest.mark.parametrize(
    ("nik", "why"),
    [
        ("327503120588001", "15 digits"),
        ("3275031213880011", "month 13"),
        ("9975031205880011", "no such province"),
        ("3674024702930004", "b002's NIK"),
    ],
)
def test_an_impossible_or_shared_nik_is_reported(nik: str, why: str) -> None:
    conversations = _conversations(CONVERSATIONS_B)
    conversations[0]["replies"]["nik"] = nik
    assert nik_problems(conversations) != [], why


def test_a_malformed_conversation_is_reported() -> None:
    conversations = _conversations(CONVERSATIONS_B)
    conversations[1]["id"] = conversations[0]["id"]
    conversations[2]["replies"].pop("telepon")
    conversations[3]["events"] = [{"at": "ask_umur", "say": "30"}]
    conversations[4]["expect"] = {"outcome": "booked", "layanan": "kk"}
    assert len(shape_problems(conversations)) == 4


# What the third set was written to cover (issue 17): kind label -> at least this many conversations.
KINDS_C = {
    "correction_at_summary": 12,  # date, time, service, MPP, name, phone: two each
    "correction_mid_form": 6,
    "change_service": 3,
    "change_mpp": 3,
    "question_in_middle": 5,
    "tidak_then_change": 4,
    "tidak_then_batal": 4,
    "change_of_mind_cancel": 4,
    "invalidating_change": 5,
    "name_is_not_a_name": 3,
    "typos": 3,
    "move_existing": 4,
    "phone_odd_spelling": 2,
    "all_in_one_opening": 2,
}


def earlier_set_problems(earlier: list[dict[str, Any]], third: list[dict[str, Any]]) -> list[str]:
    """What the third set shares with the earlier ones: an id, a NIK, an expected slot.

    Reported by the third set's ids only: its writer must not learn the earlier sets' contents.
    """
    ids = {c["id"] for c in earlier}
    niks = {_nik(c) for c in earlier} - {None}
    slots = {_slot(c) for c in _booked(earlier)}
    problems = [f"{c['id']}: id used by an earlier set" for c in third if c["id"] in ids]
    problems += [f"{c['id']}: NIK used by an earlier set" for c in third if _nik(c) in niks]
    problems += [f"{c['id']}: slot expected by an earlier set" for c in _booked(third) if _slot(c) in slots]
    return problems


def _earlier() -> list[dict[str, Any]]:
    return _conversations(CONVERSATIONS) + _conversations(CONVERSATIONS_B)


def test_third_set_shares_no_id_nik_or_slot_with_the_earlier_sets() -> None:
    problems = earlier_set_problems(_earlier(), _conversations(CONVERSATIONS_C))
    assert not problems, problems


def test_a_slot_or_nik_of_an_earlier_set_in_the_third_is_reported() -> None:
    earlier = _earlier()
    taken = _booked(earlier)[0]
    third = copy.deepcopy(_conversations(CONVERSATIONS_C))
    slot_victim, nik_victim = _booked(third)[:2]
    slot_victim["expect"] = {**slot_victim["expect"], **{k: taken["expect"][k] for k in ("mpp", "date", "time")}}
    nik_victim["replies"] = {**nik_victim["replies"], "nik": _nik(taken)}
    problems = earlier_set_problems(earlier, third)
    assert f"{slot_victim['id']}: slot expected by an earlier set" in problems
    assert f"{nik_victim['id']}: NIK used by an earlier set" in problems


def test_third_set_covers_the_kinds_it_was_written_for() -> None:
    kinds = Counter(c["kind"] for c in _conversations(CONVERSATIONS_C))
    short = {kind: (kinds[kind], n) for kind, n in KINDS_C.items() if kinds[kind] < n}
    assert not short, f"kind: (have, want) {short}"
    booked = _booked(_conversations(CONVERSATIONS_C))
    moves = [c for c in booked if any(e["at"] == "after_booking" for e in c.get("events", []))]
    assert len(moves) >= 4


# --- the round-4 set (booking_repair_r4.yml): the blind sets' failure families, in other words -----

CONVERSATIONS_R4 = SET_DIR / "booking_repair_r4.yml"
KINDS_R4 = {
    "greeting_opening": 3,  # "pagi min, ..." is no time; the opening's date stays
    "regional_correction": 3,  # Sundanese, Javanese, Betawi corrections at the summary
    "weekday_correction": 3,  # "eh kamis aja", at the summary and mid-form
    "question_mid_form": 3,  # requirements, fee, location, processing time
    "name_prompt": 3,  # someone else's booking, a protest, a date change
    "mpp_change_at_summary": 3,
    "typo_opening": 3,
    "date_in_opening": 3,
    "nik_prompt": 4,  # round 6: the NIK prompt answered with a question, a correction, a change of mind
    "phone_prompt": 4,  # ... and the phone prompt
}


def test_round_four_set_is_playable_and_shares_nothing_with_the_other_sets() -> None:
    r4 = _conversations(CONVERSATIONS_R4)
    assert shape_problems(r4) == [] and nik_problems(r4) == [] and booking_problems(r4) == []
    # r4 was written before set e (each set plays on its own database; e may reuse r4's slots)
    others = [c for path in SETS if path != CONVERSATIONS_E for c in _conversations(path)]
    problems = earlier_set_problems(others, r4)  # names only this set's conversations
    assert not problems, problems
    kinds = Counter(c["kind"] for c in r4)
    assert {k: kinds[k] for k, n in KINDS_R4.items() if kinds[k] < n} == {}
