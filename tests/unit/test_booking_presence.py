"""An agency whose presence at an MPP is unverified takes no bookings there: it is not among the
booking buttons, and a citizen who names that MPP anyway is pointed to the agency's own channel
instead of being booked (or refused after a slot was picked). A walk-in counter takes no slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionSelesaiPesan
from actions.booking_forms import ActionAskPesanMpp, ValidateFormPesanAntrean
from mpp.booking.model import BookingRequest, Reason
from mpp.catalogue.model import Catalogue
from mpp.clock import fixed_clock
from mpp.faq import Question, answer
from testkit.core import Services, in_memory

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=WIB)  # a Thursday
MONDAY = date(2026, 12, 7)


@pytest.fixture()
def cat(demo) -> Catalogue:  # type: ignore[no-untyped-def]
    return demo.catalogue


@pytest.fixture()
def core(cat: Catalogue) -> Services:
    return in_memory(cat, fixed_clock(NOW))


def _tracker(slots: dict[str, Any]) -> Tracker:
    base = {"layanan": None, "jenis": None, "mpp": None, "konfirmasi": None, "requested_slot": None}
    return Tracker(
        "console:tester",
        {**base, **slots},
        {"intent": {"name": "informasi"}, "entities": [], "text": ""},
        [],
        False,
        None,
        {"name": "form_pesan_antrean"},
        None,
    )


def test_the_catalogue_model_leaves_unverified_agencies_out(cat: Catalogue) -> None:
    assert not cat.present("kota_bogor", "sertifikat_tanah")
    assert [x.code for x in cat.mpps_offering("sertifikat_tanah")] == ["kota_tangerang_selatan"]
    assert [x.code for x in cat.mpps_listing("sertifikat_tanah")] == ["kota_bogor", "kota_tangerang_selatan"]
    assert cat.booking_mode("kota_bogor", "sertifikat_tanah") != "mpp_slot"
    assert cat.booking_route("kota_bogor", "sertifikat_tanah").reason == "presence_unverified"
    assert cat.booking_mode("kota_tangerang_selatan", "sertifikat_tanah") == "mpp_slot"
    assert cat.booking_mode("kota_bekasi", "bpjs_kesehatan") == "walk_in"  # Car Free Day pop-up only
    assert cat.booking_mode("kota_bogor", "bpjs_kesehatan") == "mpp_slot"


async def test_booking_buttons_leave_out_the_mpp_where_the_agency_is_unverified(cat: Catalogue, core: Services) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskPesanMpp(core).run(dispatcher, _tracker({"pesan_layanan": "sertifikat_tanah"}), {})
    payloads = [b["payload"] for msg in dispatcher.messages for b in msg.get("buttons", [])]
    assert payloads == ['/informasi{"mpp": "kota_tangerang_selatan"}']


async def test_naming_that_mpp_anyway_points_to_the_agency_channel_and_books_nothing(
    cat: Catalogue, core: Services
) -> None:
    slots = {"pesan_layanan": "sertifikat_tanah", "pesan_mpp": "kota_bogor"}
    form = ValidateFormPesanAntrean(core)
    required = await form.required_slots(list(slots), CollectingDispatcher(), _tracker(slots), {})
    assert required == ["pesan_layanan"]  # no date, time, name or NIK asked: the form ends here
    dispatcher = CollectingDispatcher()
    events = await ActionSelesaiPesan(core).run(dispatcher, _tracker(slots), {})
    text = dispatcher.messages[0]["text"]
    assert "Kantor Pertanahan (BPN) di MPP Kota Bogor belum terverifikasi" in text
    assert "0811-1068-0000" in text  # the ATR/BPN hotline from the catalogue
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["MPP Kota Tangerang Selatan"]
    # the form is reset and nothing is left to confirm: no booking is pending
    assert all(e["value"] is None for e in events if e.get("event") == "slot")


def test_the_booking_service_refuses_the_slot_too(core: Services) -> None:
    bookings = core.bookings
    refusal = bookings.check_slot("kota_bogor", "sertifikat_tanah", MONDAY, None)
    assert refusal is not None and refusal.reason == Reason.NOT_BOOKABLE
    request = BookingRequest(
        request_id="r1",
        chat_id="console:tester",
        mpp_code="kota_bogor",
        service_code="sertifikat_tanah",
        jenis=None,
        day=MONDAY,
        start=datetime(2026, 12, 7, 9, 0).time(),
        name="Warga Uji",
        nik="3271045708900001",
        phone=None,
    )
    outcome = bookings.book(request)
    assert getattr(outcome, "reason", None) == Reason.NOT_BOOKABLE
    assert bookings.check_slot("kota_tangerang_selatan", "sertifikat_tanah", MONDAY, None) is None
    assert bookings.check_slot("kota_bekasi", "bpjs_kesehatan", MONDAY, None).reason == Reason.NOT_BOOKABLE  # type: ignore[union-attr]


def test_faq_answers_say_the_presence_is_unverified(cat: Catalogue) -> None:
    today = date(2026, 12, 3)
    where = answer(cat, Question("tanya_lokasi", "sertifikat_tanah", mpp="kota_bogor"), today).text
    assert "belum terverifikasi" in where and "loket 12" not in where
    listing = answer(cat, Question("daftar_layanan", mpp="kota_bogor"), today).text
    assert "Kantor Pertanahan (BPN) (kehadiran belum terverifikasi)" in listing
    elsewhere = answer(cat, Question("tanya_lokasi", "sertifikat_tanah", mpp="kota_bekasi"), today).text
    assert "ada di MPP Kota Tangerang Selatan" in elsewhere and "MPP Kota Bogor kehadiran loketnya belum" in elsewhere
    walk_in = answer(cat, Question("tanya_lokasi", "bpjs_kesehatan", mpp="kota_bekasi"), today).text
    assert "tanpa pemesanan antrean" in walk_in and "Car Free Day" in walk_in
