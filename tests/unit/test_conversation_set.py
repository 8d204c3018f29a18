"""The multi-turn evaluation set (tests/e2e/conversations/booking_repair.yml) must be playable:
well-formed, and every expected booking possible under the catalogue and the booking rules at the
set's fixed clock. A conversation this test finds impossible is rewritten, not the rule.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from mpp.booking.nik import check_nik
from mpp.booking.slots import Policy, bookable_slots
from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.model import SERVICE_CODES, Catalogue
from mpp.catalogue.yaml_io import read_yaml
from mpp.config import PROJECT_ROOT

CONVERSATIONS = PROJECT_ROOT / "tests" / "e2e" / "conversations" / "booking_repair.yml"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # Friday, the set's clock
STEPS = {"ask_layanan", "ask_mpp", "ask_tanggal", "ask_waktu", "ask_nama", "ask_nik", "ask_telepon"}
AT = STEPS | {"summary", "after_booking"}
REPLIES = {"layanan", "mpp", "tanggal", "waktu", "nama", "nik", "telepon", "konfirmasi"}
# Offered in the catalogue, but whether the counter exists is unverified: not used as an expected booking.
UNVERIFIED = {("kota_bogor", "sertifikat_tanah"), ("kota_bekasi", "bpjs_kesehatan")}


@lru_cache(maxsize=1)
def _conversations() -> list[dict[str, Any]]:
    data = read_yaml(CONVERSATIONS)  # refuses a repeated key
    assert isinstance(data, list)
    return data


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return read_catalogue(PROJECT_ROOT / "data" / "catalogue").catalogue


def _booked() -> list[dict[str, Any]]:
    return [c for c in _conversations() if c["expect"]["outcome"] == "booked"]


def test_set_is_big_with_unique_ids_and_exactly_the_documented_keys() -> None:
    conversations = _conversations()
    assert 60 <= len(conversations) <= 70
    ids = Counter(c["id"] for c in conversations)
    assert [i for i, n in ids.items() if n > 1] == []
    for c in conversations:
        assert set(c) <= {"id", "kind", "opening", "replies", "events", "expect"}, c["id"]
        assert {"id", "kind", "opening", "replies", "expect"} <= set(c), c["id"]
        assert c["opening"].strip() and c["kind"].strip(), c["id"]
        assert set(c["replies"]) == REPLIES, c["id"]
        assert all(isinstance(v, str) and v.strip() for v in c["replies"].values()), c["id"]


def test_events_fire_at_known_steps_with_something_to_say() -> None:
    for c in _conversations():
        for event in c.get("events", []):
            assert set(event) == {"at", "say"}, c["id"]
            assert event["at"] in AT, (c["id"], event["at"])
            assert event["say"].strip(), c["id"]
        if any(e["at"] == "after_booking" for e in c.get("events", [])):
            assert c["expect"]["outcome"] == "booked", f"{c['id']}: a move needs a booking to move"


def test_every_nik_is_plausible_and_each_citizen_has_their_own() -> None:
    niks = []
    for c in _conversations():
        checked = check_nik(c["replies"]["nik"], NOW.date())
        assert checked.problem is None, (c["id"], checked.problem)
        niks.append(checked.nik)
    assert [n for n, k in Counter(niks).items() if k > 1] == []


def test_expected_outcomes_are_complete() -> None:
    for c in _conversations():
        expect = c["expect"]
        if expect["outcome"] == "booked":
            assert set(expect) == {"outcome", "layanan", "mpp", "date", "time"}, c["id"]
        else:
            assert expect == {"outcome": "not_booked"}, c["id"]


def test_every_expected_booking_is_a_free_slot_of_an_open_day_in_the_window() -> None:
    catalogue, policy = _catalogue(), Policy()
    for c in _booked():
        e = c["expect"]
        assert e["layanan"] in SERVICE_CODES, c["id"]
        assert (e["mpp"], e["layanan"]) not in UNVERIFIED, c["id"]
        offering = catalogue.offering(e["mpp"], e["layanan"])
        assert offering is not None, f"{c['id']}: {e['mpp']} does not offer {e['layanan']}"
        assert catalogue.booking_mode(e["mpp"], e["layanan"]) == "mpp_slot", c["id"]
        day, start = date.fromisoformat(e["date"]), time.fromisoformat(e["time"])
        starts = [s.start for s in bookable_slots(catalogue, catalogue.mpps[e["mpp"]], offering, day, NOW, policy)]
        assert start in starts, f"{c['id']}: {e['date']} {e['time']} is not a bookable slot of {e['layanan']}"


def test_expected_bookings_do_not_compete_for_one_slot() -> None:
    # Played one after another on one database, two conversations on the same slot could find it full.
    slots = Counter((c["expect"]["mpp"], c["expect"]["date"], c["expect"]["time"]) for c in _booked())
    assert [s for s, n in slots.items() if n > 1] == []


def test_set_spreads_over_the_mpps_and_has_both_outcomes_and_moves() -> None:
    booked = _booked()
    per_mpp = Counter(c["expect"]["mpp"] for c in booked)
    assert set(per_mpp) == set(_catalogue().mpps) and min(per_mpp.values()) >= 12
    assert len({c["expect"]["layanan"] for c in booked}) >= 9
    assert len(_conversations()) - len(booked) >= 8
    moves = [c for c in booked if any(e["at"] == "after_booking" for e in c.get("events", []))]
    assert len(moves) >= 3
