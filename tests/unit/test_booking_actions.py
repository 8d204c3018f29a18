"""Booking form validation and flows, through the Rasa SDK actions, on the in-memory core (no database)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionAskPesanKonfirmasi, ActionJawabKonfirmasi, ActionSelesaiPesan
from actions.booking_forms import ActionAskPesanWaktu, ValidateFormPesanAntrean
from actions.booking_manage import ActionBatalAntrean, ActionCekAntrean, ActionUbahJadwal
from mpp.clock import fixed_clock
from testkit.core import MovableClock, Services, in_memory

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday morning
NIK = "3271045708900001"


@pytest.fixture()
def deps(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


def tracker(
    slots: dict[str, Any],
    intent: str = "informasi",
    entities: list | None = None,
    text: str = "",
    sender: str = "console:tester",
    events: list | None = None,
) -> Tracker:
    base = {"layanan": None, "jenis": None, "mpp": None, "konfirmasi": None, "requested_slot": None}
    return Tracker(
        sender,
        {**base, **slots},
        {"intent": {"name": intent}, "entities": entities or [], "text": text},
        events or [],
        False,
        None,
        {"name": "form_pesan_antrean"},
        None,
    )


def slot_events(slots_set: dict[str, Any]) -> list[dict[str, Any]]:
    """Events that make these slots 'to validate' for a FormValidationAction."""
    return [{"event": "user", "text": "x"}] + [{"event": "slot", "name": k, "value": v} for k, v in slots_set.items()]


async def validate(deps, filled: dict[str, Any], new: dict[str, Any], **kw: Any) -> tuple[dict[str, Any], list[str]]:  # type: ignore[no-untyped-def]
    action = ValidateFormPesanAntrean(deps)
    dispatcher = CollectingDispatcher()
    t = tracker({**filled, **new}, events=slot_events(new), **kw)
    events = await action.run(
        dispatcher,
        t,
        {
            "forms": {
                "form_pesan_antrean": {
                    "required_slots": [
                        "pesan_layanan",
                        "pesan_mpp",
                        "pesan_tanggal",
                        "pesan_waktu",
                        "pesan_nama",
                        "pesan_nik",
                        "pesan_telepon",
                    ]
                }
            }
        },
    )
    result = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return result, [m.get("text") or "" for m in dispatcher.messages]


async def test_colloquial_date_and_time_become_a_free_slot(deps) -> None:  # type: ignore[no-untyped-def]
    slots, _ = await validate(
        deps,
        {"pesan_layanan": "kk", "pesan_mpp": "kota_bogor"},
        {"pesan_tanggal": "senin depan", "pesan_waktu": "jam 9"},
    )
    assert slots["pesan_tanggal"] == "2026-11-30" and slots["pesan_waktu"] == "09:00"


async def test_holiday_is_refused_with_the_reason_and_alternatives(demo) -> None:  # type: ignore[no-untyped-def]
    later = in_memory(demo.catalogue, fixed_clock(datetime(2026, 12, 14, 9, 0, tzinfo=WIB)))
    slots, texts = await validate(
        later, {"pesan_layanan": "kk", "pesan_mpp": "kota_bogor"}, {"pesan_tanggal": "24 desember"}
    )
    assert slots["pesan_tanggal"] is None
    assert "cuti bersama" in texts[0]


async def test_service_missing_at_the_mpp_offers_the_mpps_that_have_it(deps) -> None:  # type: ignore[no-untyped-def]
    slots, texts = await validate(deps, {"pesan_layanan": "sim"}, {"pesan_mpp": "kota_bogor"})
    assert slots["pesan_mpp"] is None and "tidak tersedia di MPP Kota Bogor" in texts[0]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("327104570890001", "16 angka"),
        ("9971045708900001", "kode provinsi"),
        ("3271047202900001", "tanggal lahir"),
    ],
)
async def test_invalid_nik_gets_its_specific_message(deps, typed: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    slots, texts = await validate(deps, {"pesan_layanan": "kk"}, {"pesan_nik": typed})
    assert slots["pesan_nik"] is None and problem in texts[0]


async def test_phone_is_optional(deps) -> None:  # type: ignore[no-untyped-def]
    slots, _ = await validate(deps, {"pesan_layanan": "kk"}, {"pesan_telepon": "lewati"})
    assert slots["pesan_telepon"] == "-"
    slots, texts = await validate(deps, {"pesan_layanan": "kk"}, {"pesan_telepon": "12345"})
    assert slots["pesan_telepon"] is None and "Nomor HP" in texts[0]


async def test_full_slot_offers_nearest_and_other_mpps(deps, demo) -> None:  # type: ignore[no-untyped-def]
    from mpp.booking.model import BookingRequest

    service = deps.bookings
    quota = demo.catalogue.offering("kota_bogor", "kk").quota_per_slot
    for i in range(quota):
        nik = f"32710{i + 1}5708900001"
        service.book(
            BookingRequest(
                f"r{i}",
                f"console:c{i}",
                "kota_bogor",
                "kk",
                datetime(2026, 11, 30).date(),
                datetime(2026, 1, 1, 9, 0).time(),
                "Warga",
                nik,
            )
        )
    slots, texts = await validate(
        deps,
        {"pesan_layanan": "kk", "pesan_mpp": "kota_bogor", "pesan_tanggal": "2026-11-30"},
        {"pesan_waktu": "jam 9"},
    )
    assert slots["pesan_waktu"] is None
    assert "penuh" in texts[0] and "MPP Kota Bekasi" in texts[0]


async def test_time_buttons_show_free_places(deps) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    t = tracker({"pesan_layanan": "kk", "pesan_mpp": "kota_bogor", "pesan_tanggal": "2026-11-30"})
    await ActionAskPesanWaktu(deps).run(dispatcher, t, {})
    buttons = dispatcher.messages[0]["buttons"]
    assert 1 <= len(buttons) <= 10 and all(b["payload"].startswith('/informasi{"waktu": ') for b in buttons)


async def _book(deps, sender: str = "console:tester") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    filled = {
        "pesan_layanan": "kk",
        "pesan_mpp": "kota_bogor",
        "pesan_tanggal": "2026-11-30",
        "pesan_waktu": "09:00",
        "pesan_nama": "Budi Santoso",
        "pesan_nik": NIK,
        "pesan_telepon": "-",
    }
    dispatcher = CollectingDispatcher()
    events = await ActionAskPesanKonfirmasi(deps).run(dispatcher, tracker(filled, sender=sender), {})
    assert "3271********0001" in dispatcher.messages[0]["text"]
    konfirmasi = next(e["value"] for e in events if e["name"] == "konfirmasi")
    dispatcher = CollectingDispatcher()
    t = tracker({**filled, "konfirmasi": konfirmasi, "pesan_konfirmasi": "ya"}, intent="afirmasi", sender=sender)
    await ActionSelesaiPesan(deps).run(dispatcher, t, {})
    # the same confirmation again (a double tap that reached the action twice) books once
    await ActionSelesaiPesan(deps).run(CollectingDispatcher(), t, {})
    return {"messages": dispatcher.messages, "konfirmasi": konfirmasi}


async def test_confirmed_booking_gets_code_number_requirements_and_qr(deps) -> None:  # type: ignore[no-untyped-def]
    result = await _book(deps)
    text = "\n".join(m.get("text") or "" for m in result["messages"])
    assert "Kode booking:" in text and "Nomor antrean: A-001" in text and "Bawa persyaratan" in text
    qr = next(m["custom"] for m in result["messages"] if m.get("custom"))
    assert qr["type"] == "booking_qr" and len(qr["code"]) == 8 and qr["png_base64"]
    assert len(deps.bookings.upcoming("console:tester")) == 1


async def test_check_cancel_and_move_by_chat(deps) -> None:  # type: ignore[no-untyped-def]
    await _book(deps)
    dispatcher = CollectingDispatcher()
    await ActionCekAntrean(deps).run(dispatcher, tracker({}, intent="cek_antrean"), {})
    assert "A-001" in dispatcher.messages[0]["text"]

    dispatcher = CollectingDispatcher()
    events = await ActionUbahJadwal(deps).run(dispatcher, tracker({}, intent="ubah_jadwal"), {})
    moving = [e["value"] for e in events if e.get("name") == "ubah_booking"]
    assert moving[-1] is not None  # the rules then open form_ubah_jadwal

    dispatcher = CollectingDispatcher()
    events = await ActionBatalAntrean(deps).run(dispatcher, tracker({}, intent="batal_antrean"), {})
    pending = json.loads(next(e["value"] for e in events if e["name"] == "konfirmasi"))
    assert pending["op"] == "batal"
    dispatcher = CollectingDispatcher()
    t = tracker({"konfirmasi": json.dumps(pending)}, intent="afirmasi")
    await ActionJawabKonfirmasi(deps).run(dispatcher, t, {})
    assert "sudah dibatalkan" in dispatcher.messages[0]["text"]
    assert deps.bookings.upcoming("console:tester") == []


async def test_no_declines_and_a_stale_yes_confirms_nothing(deps) -> None:  # type: ignore[no-untyped-def]
    old = json.dumps({"op": "hapus", "asked": "2026-11-27T08:00:00+07:00"})  # two hours ago
    dispatcher = CollectingDispatcher()
    await ActionJawabKonfirmasi(deps).run(dispatcher, tracker({"konfirmasi": old}, intent="afirmasi"), {})
    assert dispatcher.messages[0]["response"] == "utter_afirmasi"


async def test_check_answers_the_live_position_on_the_day(demo) -> None:  # type: ignore[no-untyped-def]
    clock = MovableClock(NOW)
    deps = in_memory(demo.catalogue, clock)
    await _book(deps)  # Monday 30 November, 09.00
    booking = deps.bookings.upcoming("console:tester")[0]
    clock.at = datetime(2026, 11, 30, 8, 30, tzinfo=WIB)
    for _ in range(2):
        deps.queue.issue_walk_in("kota_bogor", "ktp_el")
    deps.queue.check_in("kota_bogor", booking.code)
    dispatcher = CollectingDispatcher()
    await ActionCekAntrean(deps).run(
        dispatcher, tracker({}, intent="cek_antrean", text="antrean saya nomor berapa, masih berapa lama?"), {}
    )
    text = dispatcher.messages[0]["text"]
    assert f"{booking.queue_number}: tinggal 2 nomor lagi, perkiraan 30 menit" in text  # 2 x 15-minute slots, 1 counter


async def test_core_calls_leave_the_event_loop(deps) -> None:  # type: ignore[no-untyped-def]
    """Database work runs in a worker thread, so one slow query never stalls other conversations."""
    import threading

    seen: list[int] = []
    upcoming = deps.bookings.upcoming

    def recording(chat_id: str):  # type: ignore[no-untyped-def]
        seen.append(threading.get_ident())
        return upcoming(chat_id)

    deps.bookings.upcoming = recording
    await ActionCekAntrean(deps).run(CollectingDispatcher(), tracker({}, intent="cek_antrean"), {})
    assert seen and threading.get_ident() not in seen


async def test_summary_mentions_a_booking_of_the_same_service_already_held(deps) -> None:  # type: ignore[no-untyped-def]
    # A citizen who books KK again (for another day) may mean to move the first one: the summary says
    # which booking they already hold, and how to move it instead; another service gets no such note.
    await _book(deps)
    held = deps.bookings.upcoming("console:tester")[0]
    again = {
        "pesan_layanan": "kk",
        "pesan_mpp": "kota_bogor",
        "pesan_tanggal": "2026-12-01",
        "pesan_waktu": "10:00",
        "pesan_nama": "Budi Santoso",
        "pesan_nik": NIK,
        "pesan_telepon": "-",
    }
    dispatcher = CollectingDispatcher()
    await ActionAskPesanKonfirmasi(deps).run(dispatcher, tracker(again), {})
    text = dispatcher.messages[0]["text"]
    assert "sudah punya antrean" in text and held.code in text and "Senin, 30 November 2026" in text
    assert "ubah jadwal" in text

    dispatcher = CollectingDispatcher()
    await ActionAskPesanKonfirmasi(deps).run(dispatcher, tracker({**again, "pesan_layanan": "ktp_el"}), {})
    assert "sudah punya antrean" not in dispatcher.messages[0]["text"]
