"""The editor's forms for processing time per jenis and for the MPP's own facts (address and map pin,
counters, agencies' presence and contacts): sourced, approved, refused with field and reason."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mpp import faq
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.slots import day_slots
from mpp.catalogue.completion import PROMISED, promised_completion
from mpp.catalogue.store import CatalogueProvider, save_catalogue
from mpp.clock import fixed_clock
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.editor.changes import DRAFT, SUBMITTED, CatalogueEditor
from mpp.editor.document import MPP, SERVICE, SITE, Target
from mpp.staff.roles import Refused, Role, StaffMember
from testkit.core import on_database

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday
DAY = date(2026, 12, 1)  # Tuesday
DUKCAPIL = StaffMember(2, "dukcapil.bogor", Role.CLERK, "kota_bogor", "disdukcapil")
ADMIN = StaffMember(4, "admin.bogor", Role.MPP_ADMIN, "kota_bogor", None)
ADMIN2 = StaffMember(7, "admin2.bogor", Role.MPP_ADMIN, "kota_bogor", None)
ADMIN_BEKASI = StaffMember(5, "admin.bekasi", Role.MPP_ADMIN, "kota_bekasi", None)
NATIONAL = StaffMember(6, "pusat", Role.NATIONAL_ADMIN, None, None)
SOURCE = {"source_title": "Contoh uji (bukan sumber nyata)", "source_url": "https://contoh.example/uji"}
BOGOR, SITE_BOGOR = Target(MPP, "kota_bogor"), Target(SITE, "kota_bogor")


@pytest.fixture()
def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        uow.commit()
    provider = CatalogueProvider(factory, refresh_seconds=3600)
    services = on_database(factory, provider.get, fixed_clock(NOW))
    editor = CatalogueEditor(factory, services.bookings, lambda: NOW, provider.invalidate)
    yield editor, provider, services, factory
    engine.dispose()


def test_processing_time_per_jenis_feeds_the_promised_completion_date(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    target = Target(SERVICE, service="ktp_el")
    before = promised_completion(provider.get(), "ktp_el", "hilang", DAY, "kota_bogor")
    assert before.day is None  # no sourced bound yet: no date is promised
    form = {
        **editor.fields("processing", target),
        "proc_hilang_text": "3 hari kerja sejak berkas lengkap (uji)",
        "proc_hilang_working_days": "3",
        **SOURCE,
    }
    change = editor.save(DUKCAPIL, "processing", target, form, submit=True)
    assert change.status == SUBMITTED and change.problems == {}
    with pytest.raises(Refused, match="admin nasional"):
        editor.approve(ADMIN, change.id)  # processing time is a national fact
    editor.approve(NATIONAL, change.id)
    cat = provider.get()
    after = promised_completion(cat, "ktp_el", "hilang", DAY, "kota_bogor")
    assert after.reason == PROMISED and after.day == date(2026, 12, 4)  # Tue + 3 working days
    assert promised_completion(cat, "ktp_el", "baru", DAY, "kota_bogor").day is None  # other jenis untouched
    fact = cat.services["ktp_el"].facts["processing_time:hilang"]
    assert fact.checked == NOW.date() and fact.sources[0].startswith("konsol_20261127_contoh_uji")
    answer = faq.answer(cat, faq.Question("tanya_lama_proses", service="ktp_el", jenis="hilang"), DAY).text
    assert "3 hari kerja sejak berkas lengkap (uji)" in answer


def test_bad_processing_input_is_refused_per_field_and_kept(site) -> None:  # type: ignore[no-untyped-def]
    editor, *_ = site
    target = Target(SERVICE, service="ktp_el")
    base = {**editor.fields("processing", target), **SOURCE}
    both = editor.save(
        DUKCAPIL,
        "processing",
        target,
        {**base, "proc_hilang_text": "Hari itu juga", "proc_hilang_working_days": "2", "proc_hilang_same_day": "1"},
        submit=True,
    )
    assert both.status == DRAFT and "jangan keduanya" in both.problems["proc_hilang_working_days"]
    words = editor.save(
        DUKCAPIL,
        "processing",
        target,
        {**base, "proc_rusak_text": "Tiga hari", "proc_rusak_working_days": "tiga"},
        submit=True,
        change_id=both.id,
    )
    assert "bilangan bulat" in words.problems["proc_rusak_working_days"]
    assert words.form["proc_rusak_working_days"] == "tiga"  # what was typed survives
    no_text = editor.save(DUKCAPIL, "processing", target, {**base, "proc_baru_working_days": "5"}, submit=True)
    assert "kalimat" in no_text.problems["proc_baru_text"]
    too_long = editor.save(
        DUKCAPIL, "processing", target, {**base, "proc_baru_text": "x", "proc_baru_working_days": "400"}, submit=True
    )
    assert "antara 1 dan 365" in too_long.problems["proc_baru_working_days"]


def test_address_and_map_pin_reach_the_location_answer(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    assert faq.answer(provider.get(), faq.Question("tanya_lokasi", mpp="kota_bogor"), DAY).location is None
    form = {**editor.fields("address", BOGOR), "lat": "-6,6010", "lon": "106.8045", **SOURCE}
    with pytest.raises(Refused, match="admin MPP"):
        editor.save(DUKCAPIL, "address", BOGOR, form, submit=True)
    with pytest.raises(Refused):
        editor.save(ADMIN_BEKASI, "address", BOGOR, form, submit=True)
    change = editor.save(ADMIN, "address", BOGOR, form, submit=True)
    assert change.problems == {}
    with pytest.raises(Refused, match="pembuatnya sendiri"):
        editor.approve(ADMIN, change.id)
    editor.approve(ADMIN2, change.id)  # an MPP fact: another administrator of that MPP approves
    reply = faq.answer(provider.get(), faq.Question("tanya_lokasi", mpp="kota_bogor"), DAY)
    assert reply.location is not None and (reply.location.latitude, reply.location.longitude) == (-6.601, 106.8045)
    assert provider.get().mpps["kota_bogor"].facts["coordinates"].checked == NOW.date()


@pytest.mark.parametrize(
    ("typed", "field", "reason"),
    [
        ({"lat": "selatan", "lon": "106.8"}, "lat", "angka desimal"),
        ({"lat": "-6.6", "lon": ""}, "lon", "keduanya"),
        ({"lat": "40.7", "lon": "-74.0"}, "lat", "wilayah Indonesia"),
        ({"address_text": "Bogor"}, "address_text", "alamat lengkap"),
    ],
)
def test_bad_address_input_names_the_field_and_the_reason(site, typed, field, reason) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    change = editor.save(ADMIN, "address", BOGOR, {**editor.fields("address", BOGOR), **SOURCE, **typed}, submit=True)
    assert change.status == DRAFT and reason in change.problems[field]
    assert all(change.form[k] == v for k, v in typed.items())
    assert provider.get().mpps["kota_bogor"].latitude is None


def test_counters_are_edited_with_a_source_and_bad_lines_are_refused(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    form = editor.fields("counters", SITE_BOGOR)
    lines = form["counters"].splitlines()
    assert lines[0] == "1 | Loket Dukcapil 1 | Lantai Dasar | disdukcapil"
    for bad, reason in (
        ("1 | Loket Dukcapil 1 | disdukcapil", "kode | nama loket | lantai | kode instansi"),
        ("1 | Loket Dukcapil 1 | Lantai Dasar | dukcapil", "instansi 'dukcapil' tidak ada"),
        (lines[1].replace("2 |", "1 |", 1), "dipakai dua kali"),
    ):
        typed = "\n".join([bad, *lines[1:]]) if "dua kali" not in reason else "\n".join([lines[0], bad, *lines[2:]])
        refused = editor.save(ADMIN, "counters", SITE_BOGOR, {**form, "counters": typed, **SOURCE}, submit=True)
        assert refused.status == DRAFT and reason in refused.problems["counters"], refused.problems
    in_use = editor.save(
        ADMIN, "counters", SITE_BOGOR, {**form, "counters": "\n".join(lines[1:]), **SOURCE}, submit=True
    )
    assert in_use.status == DRAFT and any("counter" in p for p in in_use.problems.values())  # loket 1 serves KTP-el
    renamed = "\n".join([lines[0].replace("Lantai Dasar", "Lantai 1 (uji)"), *lines[1:]])
    change = editor.save(
        ADMIN, "counters", SITE_BOGOR, {**form, "counters": renamed, "counters_verified": "1", **SOURCE}, submit=True
    )
    assert change.problems == {}
    assert any(
        mark == "+" and "Lantai 1 (uji)" in text for b in editor.preview(change).blocks for mark, text in b.lines
    )
    editor.approve(NATIONAL, change.id)
    counter = provider.get().mpps["kota_bogor"].counters["1"]
    assert counter.floor == "Lantai 1 (uji)" and counter.provenance is not None and counter.provenance.verified
    assert provider.get().mpps["kota_bogor"].counters["2"].provenance.verified is False  # type: ignore[union-attr]


def test_an_agency_made_unverified_stops_taking_bookings_and_the_booked_are_told(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, services, factory = site
    cat = provider.get()
    start = day_slots(cat.mpps["kota_bogor"], cat.offering("kota_bogor", "pajak_kendaraan"), DAY)[0].start
    booked = services.bookings.book(
        BookingRequest(
            "req-1", "telegram:101", "kota_bogor", "pajak_kendaraan", DAY, start, "Warga", "3271041208900001"
        )
    )
    assert isinstance(booked, Booking)
    form = editor.fields("agencies", SITE_BOGOR)
    bad = editor.save(
        ADMIN,
        "agencies",
        SITE_BOGOR,
        {**form, "contact_samsat": "WhatsApp", "presence_kpp": "ada", **SOURCE},
        submit=True,
    )
    assert "jenis | nomor" in bad.problems["contact_samsat"] and "verified" in bad.problems["presence_kpp"]
    form.update(
        presence_samsat="unverified", contact_samsat="Call center | 0800-000-0000 | nomor uji (bukan nyata)", **SOURCE
    )
    change = editor.save(ADMIN, "agencies", SITE_BOGOR, form, submit=True)
    assert change.problems == {} and editor.preview(change).displaced == 1
    outcome = editor.approve(ADMIN2, change.id)
    assert outcome.notified == 1
    cat = provider.get()
    samsat = cat.mpps["kota_bogor"].agencies["samsat"]
    assert not samsat.present and samsat.contact[0].value == "0800-000-0000"
    assert cat.booking_mode("kota_bogor", "pajak_kendaraan") != "mpp_slot"
    assert "0800-000-0000" in "\n".join(faq.contacts(cat, cat.services["pajak_kendaraan"], cat.mpps["kota_bogor"]))
    with factory() as s:
        told = s.execute(select(NotificationRow.booking_id).where(NotificationRow.kind == "closure")).scalars().all()
    assert told == [booked.id]


def test_the_audit_of_the_stored_catalogue_counts_the_facts_corrected_in_the_console(
    site, sqlite_url: str, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from mpp.cli import main as cli

    editor, *_ = site
    monkeypatch.setenv("DATABASE_URL", sqlite_url)

    def bogor(*flags: str) -> str:
        assert cli(["catalogue", "audit", "--today", "2026-12-03", *flags]) == 0
        return capsys.readouterr().out.split("== MPP Kota Bogor")[1].split("\n== ")[0]

    assert "no coordinates" in bogor("--stored")
    form = {**editor.fields("address", BOGOR), "lat": "-6.6010", "lon": "106.8045", **SOURCE}
    editor.approve(NATIONAL, editor.save(ADMIN, "address", BOGOR, form, submit=True).id)
    assert "no coordinates" not in bogor("--stored")  # the console's approved pin counts
    assert "no coordinates" in bogor()  # the YAML files are unchanged
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/dir/mpp.db")
    assert cli(["catalogue", "audit", "--stored"]) == 3
    assert "cannot read the stored catalogue" in capsys.readouterr().err
