"""The booking and move forms take a change of any detail at any step, on the in-memory core.

Each test hands the form validation one message as Rasa does (the tracker with the asked slot, the
message's intent and entities) and reads what the form fills, empties, says and asks next. An empty
answer means the form rejects the turn and the rules take the message (a question).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_forms import ValidateFormPesanAntrean, ValidateFormUbahJadwal
from mpp.booking.confirmation import Operation
from mpp.clock import fixed_clock
from testkit.core import Services, in_memory

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday morning
FORM_SLOTS = (
    "pesan_layanan",
    "pesan_mpp",
    "pesan_tanggal",
    "pesan_waktu",
    "pesan_nama",
    "pesan_nik",
    "pesan_telepon",
    "pesan_ubah",
    "pesan_konfirmasi",
)
FILLED = {
    "pesan_layanan": "kk",
    "pesan_mpp": "kota_bogor",
    "pesan_tanggal": "2026-11-30",
    "pesan_waktu": "09:00",
    "pesan_nama": "Rina Oktaviani",
    "pesan_nik": "3271025608910003",
    "pesan_telepon": "-",
}


@pytest.fixture()
def deps(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


def message(
    text: str,
    asked: str | None,
    slots: dict[str, Any],
    intent: str = "informasi",
    confidence: float = 0.9,
    entities: tuple[tuple[str, str, str | None], ...] = (),
    form: str = "form_pesan_antrean",
    history: tuple[dict[str, Any], ...] = (),
) -> Tracker:
    """The tracker the form's validation receives for ``text``, said while ``asked`` was asked."""
    found = []
    for entity, surface, value in entities:
        start = text.index(surface)
        found.append({"entity": entity, "start": start, "end": start + len(surface), "value": value or surface})
    events = [
        *history,
        {"event": "user", "text": text},
        {"event": "action", "name": "action_extract_slots"},
        {"event": "slot", "name": "requested_slot", "value": asked},
        {"event": "action", "name": form},
    ]
    state = {"layanan": None, "jenis": None, "mpp": None, "konfirmasi": None, **dict.fromkeys(FORM_SLOTS)}
    state.update(slots, requested_slot=asked)
    latest = {"intent": {"name": intent, "confidence": confidence}, "entities": found, "text": text}
    return Tracker("console:tester", state, latest, events, False, None, {"name": form}, "action_listen")


async def run(deps: Services, tracker: Tracker, move: bool = False) -> tuple[dict[str, Any], str, list[str]]:
    """(slots set, the slot asked next, the texts said) after the form read ``tracker``'s message."""
    action = ValidateFormUbahJadwal(deps) if move else ValidateFormPesanAntrean(deps)
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {"forms": {}})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, slots.pop("requested_slot", "<rejected>"), [m.get("text") or "" for m in dispatcher.messages]


# ---- at the summary ---------------------------------------------------------------------
async def test_a_time_said_at_the_summary_changes_only_the_time_and_the_summary_comes_again(deps) -> None:  # type: ignore[no-untyped-def]
    text = "eh bentar, jamnya salah. jam 10 aja"
    t = message(text, "pesan_konfirmasi", FILLED, "koreksi", entities=(("waktu", "jam 10", None),))
    slots, asked, said = await run(deps, t)
    assert slots["pesan_waktu"] == "10:00" and slots["pesan_konfirmasi"] is None
    assert "pesan_tanggal" not in slots and "pesan_nama" not in slots  # everything else is kept
    assert asked == "pesan_konfirmasi" and said == ["Baik, jam diubah: 10.00."]


async def test_of_two_days_the_one_not_turned_away_is_taken(deps) -> None:  # type: ignore[no-untyped-def]
    text = "tanggalnya ganti ya, kamis aja jangan rabu"
    filled = {**FILLED, "pesan_tanggal": "2026-12-02"}
    t = message(
        text,
        "pesan_konfirmasi",
        filled,
        "ubah_jadwal",
        entities=(("tanggal", "kamis", None), ("tanggal", "rabu", None)),
    )
    slots, _, _ = await run(deps, t)
    assert slots["pesan_tanggal"] == "2026-12-03"


async def test_a_new_service_keeps_the_mpp_date_and_time_it_fits(deps) -> None:  # type: ignore[no-untyped-def]
    text = "salah layanannya, bukan kk tapi kia buat anak saya"
    t = message(
        text, "pesan_konfirmasi", FILLED, "negasi", 0.3, entities=(("layanan", "kk", None), ("layanan", "kia", None))
    )
    slots, asked, said = await run(deps, t)
    assert slots["pesan_layanan"] == "kia"
    assert (slots["pesan_mpp"], slots["pesan_tanggal"], slots["pesan_waktu"]) == ("kota_bogor", "2026-11-30", "09:00")
    assert asked == "pesan_konfirmasi" and "layanan diubah" in said[0]


async def test_the_button_to_change_the_date_asks_the_date_again_and_keeps_the_rest(deps) -> None:  # type: ignore[no-untyped-def]
    t = message('/koreksi{"bagian": "tanggal"}', "pesan_konfirmasi", FILLED, "koreksi", 1.0)
    t.latest_message["entities"] = [{"entity": "bagian", "value": "tanggal"}]
    slots, asked, _ = await run(deps, t)
    assert slots["pesan_tanggal"] is None and "pesan_waktu" not in slots and asked == "pesan_tanggal"


async def test_tidak_at_the_summary_asks_what_to_change_and_batal_then_stops(deps) -> None:  # type: ignore[no-untyped-def]
    slots, asked, _ = await run(deps, message("tidak", "pesan_konfirmasi", FILLED, "negasi", 0.99))
    assert slots == {"pesan_konfirmasi": "tidak"} and asked == "pesan_ubah"
    refused = {**FILLED, "pesan_konfirmasi": "tidak"}
    slots, asked, _ = await run(deps, message("batal aja deh", "pesan_ubah", refused, "nlu_fallback", 0.3))
    assert slots == {"pesan_konfirmasi": "batal"} and asked is None  # the form ends; nothing was booked


async def test_tidak_then_the_detail_to_change(deps) -> None:  # type: ignore[no-untyped-def]
    refused = {**FILLED, "pesan_konfirmasi": "tidak"}
    t = message("mpp nya, saya mau di bekasi", "pesan_ubah", refused, entities=(("mpp", "bekasi", "kota_bekasi"),))
    slots, asked, _ = await run(deps, t)
    assert slots["pesan_mpp"] == "kota_bekasi" and slots["pesan_konfirmasi"] is None and asked == "pesan_konfirmasi"


async def test_yes_confirms_a_fresh_summary_only(deps) -> None:  # type: ignore[no-untyped-def]
    fresh = deps.bookings.ask(Operation.BOOK, request_id="r1").dumps()
    slots, asked, _ = await run(
        deps, message("iya betul", "pesan_konfirmasi", {**FILLED, "konfirmasi": fresh}, "afirmasi")
    )
    assert slots == {"pesan_konfirmasi": "ya"} and asked is None
    stale = '{"op": "pesan", "asked": "2026-11-27T09:00:00+07:00", "request_id": "r0"}'
    slots, asked, said = await run(deps, message("ya", "pesan_konfirmasi", {**FILLED, "konfirmasi": stale}, "afirmasi"))
    assert slots == {"pesan_konfirmasi": None} and asked == "pesan_konfirmasi" and "15 menit" in said[0]


async def test_a_question_at_the_summary_goes_to_the_rules_and_changes_nothing(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "nanti perlu bawa fotokopi kk gak?", "pesan_konfirmasi", FILLED, "tanya_syarat", 0.8, (("layanan", "kk", None),)
    )
    assert await run(deps, t) == ({}, "<rejected>", [])


# ---- in the middle of the form ------------------------------------------------------------------
async def test_a_question_mentioning_the_asked_detail_is_still_a_question(deps) -> None:  # type: ignore[no-untyped-def]
    slots = {"pesan_layanan": "pindah", "pesan_mpp": "kota_bogor"}
    t = message(
        "mpp nya buka hari sabtu gak?", "pesan_tanggal", slots, "tanya_jadwal", 1.0, (("tanggal", "hari sabtu", None),)
    )
    assert (await run(deps, t))[1] == "<rejected>"


async def test_a_bare_answer_the_nlu_took_for_a_question_is_an_answer(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "mpp bogor",
        "pesan_mpp",
        {"pesan_layanan": "ktp_el"},
        "tanya_lokasi",
        0.75,
        (("mpp", "mpp bogor", "kota_bogor"),),
    )
    slots, asked, _ = await run(deps, t)
    assert slots["pesan_mpp"] == "kota_bogor" and asked == "pesan_tanggal"


async def test_a_day_changed_while_the_time_is_asked_asks_the_time_for_that_day(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {"pesan_layanan": "ktp_el", "pesan_mpp": "kota_bogor", "pesan_tanggal": "2026-11-30"}
    text = "eh bentar, harinya rabu aja deh, senin saya ujian"
    t = message(text, "pesan_waktu", filled, entities=(("tanggal", "rabu", None), ("tanggal", "senin", None)))
    slots, asked, said = await run(deps, t)
    assert slots["pesan_tanggal"] == "2026-12-02" and asked == "pesan_waktu"
    assert said == ["Baik, tanggal diubah: Rabu, 2 Desember 2026."]


async def test_a_service_change_at_the_name_prompt_is_no_name(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    text = "ganti, mau urus akta kelahiran anak aja"
    t = message(text, "pesan_nama", filled, entities=(("layanan", "akta kelahiran", "akta_kelahiran"),))
    slots, asked, _ = await run(deps, t)
    assert slots["pesan_layanan"] == "akta_kelahiran" and slots.get("pesan_nama") is None and asked == "pesan_nama"


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [("lho kok nama, saya kan cuma mau antri", "pesan_antrean", 0.49), ("ya", "afirmasi", 0.99)],
)
async def test_what_is_not_a_name_is_not_stored_and_the_name_is_asked_again(
    deps, text: str, intent: str, confidence: float
) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    slots, asked, said = await run(deps, message(text, "pesan_nama", filled, intent, confidence))
    assert slots == {"pesan_nama": None} and asked == "pesan_nama" and said


@pytest.mark.parametrize(
    ("text", "entities"),
    [("lho kok nama? kan udah ada di ktp", (("layanan", "ktp", "ktp_el"),)), ("nama buat apa sih?", ())],
)
async def test_why_the_name_is_asked_is_answered_even_naming_a_document(deps, text: str, entities: Any) -> None:  # type: ignore[no-untyped-def]
    # booking_repair d050: "ktp" there says where the name is written, not a new service
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    t = message(text, "pesan_nama", filled, "informasi", 0.6, entities=entities)
    slots, asked, said = await run(deps, t)
    assert slots == {"pesan_nama": None} and asked == "pesan_nama"
    assert len(said) == 1 and "Nama, NIK, dan nomor HP hanya dipakai petugas" in said[0]


async def test_a_name_the_nlu_misread_is_still_the_name(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    t = message("Indah Permatasari", "pesan_nama", filled, "nlu_fallback", 0.3, (("layanan", "Indah", "pindah"),))
    slots, asked, _ = await run(deps, t)
    assert slots == {"pesan_nama": "Indah Permatasari"} and asked == "pesan_nik"
    slots, _, _ = await run(deps, message("Kurniasih", "pesan_nama", filled, "terima_kasih", 0.33))
    assert slots == {"pesan_nama": "Kurniasih"}


async def test_a_name_that_is_also_a_no_somewhere_is_the_name(deps) -> None:  # type: ignore[no-untyped-def]
    # "hana" is "no" in Acehnese: the NLU may be sure of negasi, but a message written like a name at the name
    # prompt is the name, and the booking goes on (benchmarks.booking_repair --set a, r021)
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    slots, asked, _ = await run(deps, message("Hana Pertiwi", "pesan_nama", filled, "negasi", 0.87))
    assert slots == {"pesan_nama": "Hana Pertiwi"} and asked == "pesan_nik"
    # a no written with capitals still stops the form
    for text in ("Nda Usah", "Tidak Jadi", "Ora Usah"):
        slots, _, _ = await run(deps, message(text, "pesan_nama", filled, "negasi", 0.95))
        assert slots.get("pesan_nama") is None, text


async def test_a_lower_case_name_read_as_a_no_is_asked_about_and_a_yes_keeps_it(deps) -> None:  # type: ignore[no-untyped-def]
    # typed in lower case, "hana pertiwi" is no name by its look, and the NLU is sure it is a no: the form asks
    # which it is instead of stopping the booking, and stores nothing until the citizen says
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    slots, asked, said = await run(deps, message("hana pertiwi", "pesan_nama", filled, "negasi", 0.95))
    assert slots == {"pesan_nama": None} and asked == "pesan_nama"
    assert len(said) == 1 and "apakah Hana Pertiwi nama pemohon?" in said[0]
    history = (
        {"event": "user", "text": "hana pertiwi"},
        {"event": "bot", "text": said[0]},
        {"event": "bot", "text": "Atas nama siapa antreannya?"},
    )
    for yes, intent in (("/afirmasi", "afirmasi"), ("iya betul", "afirmasi"), ("muhun", "nlu_fallback")):
        t = message(yes, "pesan_nama", filled, intent, 1.0 if yes.startswith("/") else 0.4, history=history)
        slots, asked, _ = await run(deps, t)
        assert slots == {"pesan_nama": "Hana Pertiwi"} and asked == "pesan_nik", yes
    # a yes with no such question before it is no name
    plain = ({"event": "user", "text": "hana pertiwi"}, {"event": "bot", "text": "Atas nama siapa antreannya?"})
    slots, asked, _ = await run(deps, message("iya", "pesan_nama", filled, "afirmasi", 0.99, history=plain))
    assert slots == {"pesan_nama": None} and asked == "pesan_nama"


@pytest.mark.parametrize("text", ["ora sido", "no thanks", "ndak usah lah", "moal ah"])
async def test_a_no_made_of_refusal_words_still_stops_the_form(deps, text: str) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu")}
    slots, _, said = await run(deps, message(text, "pesan_nama", filled, "negasi", 0.95))
    assert slots.get("pesan_nama") is None and slots.get("pesan_konfirmasi") == "batal", text
    assert not any("nama pemohon?" in s for s in said)


async def test_salah_asks_the_answer_before_again(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu", "pesan_nama")}
    before = ({"event": "slot", "name": "pesan_nama", "value": "Rina Oktaviani"},)
    slots, asked, _ = await run(deps, message("yang tadi salah", "pesan_nik", filled, "koreksi", history=before))
    assert slots["pesan_nama"] is None and asked == "pesan_nama"


async def test_an_mpp_without_the_service_is_said_and_only_the_mpp_asked_again(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "eh di mpp bogor aja deh",
        "pesan_tanggal",
        {"pesan_layanan": "sim", "pesan_mpp": "kota_bekasi"},
        entities=(("mpp", "mpp bogor", "kota_bogor"),),
    )
    slots, asked, said = await run(deps, t)
    assert slots["pesan_mpp"] is None and asked == "pesan_mpp" and "tidak tersedia di MPP Kota Bogor" in said[0]


async def test_a_day_where_the_time_kept_does_not_exist_asks_only_for_the_time(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {**FILLED, "pesan_tanggal": "2026-12-03", "pesan_waktu": "11:45"}  # Thursday 11.45
    text = "eh ganti hari jumat 4 desember aja, jamnya sama"
    t = message(text, "pesan_konfirmasi", filled, "tanya_jadwal", 0.89, (("tanggal", "hari jumat 4 desember", None),))
    slots, asked, said = await run(deps, t)
    assert slots["pesan_tanggal"] == "2026-12-04" and slots["pesan_waktu"] is None and asked == "pesan_waktu"
    assert any("Tidak ada slot pukul 11.45" in s for s in said)  # the Friday prayer break


@pytest.mark.parametrize(
    ("text", "intent", "asked", "entities", "stopped"),
    [
        ("gak jadi deh, nanti aja", "negasi", "pesan_waktu", (), True),
        ("batal aja, ga jadi booking. maaf ya", "batal_antrean", "pesan_telepon", (), True),
        (
            "ga jadi senin, selasa aja",
            "informasi",
            "pesan_waktu",
            (("tanggal", "senin", None), ("tanggal", "selasa", None)),
            False,
        ),
    ],
)
async def test_stopping_the_form(deps, text: str, intent: str, asked: str, entities: tuple, stopped: bool) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in ("pesan_layanan", "pesan_mpp", "pesan_tanggal")}
    slots, _, _ = await run(deps, message(text, asked, filled, intent, 0.9, entities))
    assert (slots.get("pesan_konfirmasi") == "batal") is stopped


async def test_no_to_the_phone_is_no_phone(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {k: FILLED[k] for k in FILLED if k != "pesan_telepon"}
    for text in ("gak usah", "-", "/negasi"):
        slots, asked, _ = await run(deps, message(text, "pesan_telepon", filled, "negasi"))
        assert slots == {"pesan_telepon": "-"} and asked == "pesan_konfirmasi"


async def test_the_first_message_gives_what_it_says(deps) -> None:  # type: ignore[no-untyped-def]
    text = "tolong booking antrean akta kelahiran di mpp bogor selasa 1 desember jam 1 siang atas nama Larasati Putri"
    started = {"pesan_layanan": "akta_kelahiran", "pesan_mpp": "kota_bogor"}
    t = message(
        text,
        None,
        started,
        "pesan_antrean",
        entities=(("tanggal", "selasa 1 desember", None), ("waktu", "jam 1 siang", None)),
    )
    slots, asked, _ = await run(deps, t)
    assert (slots["pesan_tanggal"], slots["pesan_waktu"], slots["pesan_nama"]) == (
        "2026-12-01",
        "13:00",
        "Larasati Putri",
    )
    assert asked == "pesan_nik"


async def test_back_from_a_question_the_message_is_not_read_again(deps) -> None:  # type: ignore[no-untyped-def]
    answered = (
        {"event": "action_execution_rejected", "name": "form_pesan_antrean"},
        {"event": "action", "name": "action_jawab_pertanyaan"},
    )
    t = message("biaya kk berapa?", "pesan_konfirmasi", FILLED, "tanya_biaya", entities=(("layanan", "kk", None),))
    t.events[-1:-1] = list(answered)  # the rules answered between the message and the form
    slots, asked, said = await run(deps, t)
    assert slots == {} and asked == "pesan_konfirmasi" and said == []


# ---- moving a booking ---------------------------------------------------------------------
async def test_the_move_form_takes_a_change_of_time_before_the_yes(deps) -> None:  # type: ignore[no-untyped-def]
    moving = {
        "pesan_layanan": "kk",
        "pesan_mpp": "kota_bogor",
        "pesan_tanggal": "2026-12-02",
        "pesan_waktu": "09:00",
        "ubah_booking": "1",
    }
    t = message(
        "eh jamnya jam 10 aja",
        "pesan_konfirmasi",
        moving,
        "koreksi",
        entities=(("waktu", "jam 10", None),),
        form="form_ubah_jadwal",
    )
    slots, asked, _ = await run(deps, t, move=True)
    assert slots["pesan_waktu"] == "10:00" and asked == "pesan_konfirmasi"
    slots, asked, _ = await run(
        deps, message("tidak", "pesan_konfirmasi", moving, "negasi", form="form_ubah_jadwal"), move=True
    )
    assert slots == {"pesan_konfirmasi": "tidak"} and asked == "pesan_ubah"
