"""The catalogue editor on real databases: drafts, approval, the answers that change, undo, displaced bookings."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mpp import faq
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.slots import day_slots
from mpp.catalogue.store import CatalogueProvider, save_catalogue
from mpp.clock import fixed_clock
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.db.staff_tables import AuditRow
from mpp.db.uow import UnitOfWork
from mpp.editor.changes import APPROVED, DRAFT, REVERTED, SUBMITTED, CatalogueEditor, EditorError
from mpp.editor.document import OFFERING, SERVICE, Target
from mpp.staff.roles import Refused, Role, StaffMember
from testkit.core import on_database

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday
DAY = date(2026, 12, 1)  # Tuesday, open
POLRES = StaffMember(1, "polres.bogor", Role.CLERK, "kota_bogor", "polresta")
DUKCAPIL = StaffMember(2, "dukcapil.bogor", Role.CLERK, "kota_bogor", "disdukcapil")
SAMSAT = StaffMember(3, "samsat.bogor", Role.CLERK, "kota_bogor", "samsat")
ADMIN = StaffMember(4, "admin.bogor", Role.MPP_ADMIN, "kota_bogor", None)
ADMIN_BEKASI = StaffMember(5, "admin.bekasi", Role.MPP_ADMIN, "kota_bekasi", None)
NATIONAL = StaffMember(6, "pusat", Role.NATIONAL_ADMIN, None, None)
SOURCE = {"source_title": "Contoh uji (bukan sumber nyata)", "source_url": "https://contoh.example/uji"}


@pytest.fixture()
def site(db_url: str, demo):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        uow.commit()
    provider = CatalogueProvider(factory, refresh_seconds=3600)  # only invalidate() refreshes it here
    services = on_database(factory, provider.get, fixed_clock(NOW))
    editor = CatalogueEditor(factory, services.bookings, lambda: NOW, provider.invalidate)
    yield editor, provider, services, factory
    engine.dispose()


def fee_form(editor: CatalogueEditor, amount: str, **extra: str) -> dict[str, str]:
    form = editor.fields("fees", Target(SERVICE, service="skck"))
    assert form["fee_0_label"] == "SKCK untuk WNI" and form["fee_0_amount"] == "30000"
    return {**form, "fee_0_amount": amount, **SOURCE, **extra}


def skck_fee_answer(provider: CatalogueProvider) -> str:
    return faq.answer(provider.get(), faq.Question("tanya_biaya", service="skck"), DAY).text


def test_a_fee_change_goes_live_only_when_approved_and_undo_restores_the_answer(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, _, factory = site
    before = skck_fee_answer(provider)
    assert "SKCK untuk WNI: Rp30.000" in before
    change = editor.save(POLRES, "fees", Target(SERVICE, service="skck"), fee_form(editor, "35000"), submit=True)
    assert change.status == SUBMITTED and change.problems == {}
    assert skck_fee_answer(provider) == before  # submitted is not live
    preview = editor.preview(change)
    lines = [line for block in preview.blocks for line in block.lines]
    assert ("-", "• SKCK untuk WNI: Rp30.000") in lines and ("+", "• SKCK untuk WNI: Rp35.000") in lines

    with pytest.raises(Refused, match="admin nasional"):
        editor.approve(ADMIN, change.id)  # fees are national facts
    with pytest.raises(Refused):
        editor.approve(POLRES, change.id)
    outcome = editor.approve(NATIONAL, change.id)
    after = skck_fee_answer(provider)
    assert "SKCK untuk WNI: Rp35.000" in after and "Rp30.000" not in after.split("WNA")[0]
    stored = provider.get().services["skck"]
    assert stored.fees[0].amount == 35000
    fact = stored.facts["fee:0"]
    assert fact.checked == NOW.date() and fact.sources[0].startswith("konsol_20261127_contoh_uji")
    assert stored.facts["fee:1"].checked < NOW.date()  # the untouched fee keeps its own source and date
    assert editor.get(change.id).status == APPROVED and editor.get(change.id).version_id == outcome.version

    editor.revert(NATIONAL, change.id)
    assert skck_fee_answer(provider) == before
    assert editor.get(change.id).status == REVERTED
    origins = [r.origin for r in editor.revisions()]
    assert origins[:3] == ["revert", "change", "yaml"]
    with factory() as s:
        actions = [a for (a,) in s.execute(select(AuditRow.action).order_by(AuditRow.id))]
    assert actions == ["catalogue_submit", "catalogue_approve", "catalogue_revert"]


def test_a_clerk_of_another_agency_or_mpp_cannot_edit_it(site) -> None:  # type: ignore[no-untyped-def]
    editor, *_ = site
    form = fee_form(editor, "35000")
    with pytest.raises(Refused, match="polresta"):
        editor.save(SAMSAT, "fees", Target(SERVICE, service="skck"), form, submit=True)
    with pytest.raises(Refused):
        editor.save(ADMIN_BEKASI, "offering", Target(OFFERING, "kota_bogor", "ktp_el"), {}, submit=True)
    with pytest.raises(Refused, match="admin MPP"):
        editor.save(DUKCAPIL, "hours", Target("mpp", "kota_bogor"), {}, submit=True)


def test_an_invalid_edit_is_refused_with_field_and_reason_and_the_draft_is_kept(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    target = Target(SERVICE, service="skck")
    negative = editor.save(POLRES, "fees", target, fee_form(editor, "-5000"), submit=True)
    assert negative.status == DRAFT
    assert negative.problems == {"fees[0].amount": "ensure this value is greater than or equal to 0"}
    assert negative.form["fee_0_amount"] == "-5000"  # what was typed survives
    words = editor.save(POLRES, "fees", target, fee_form(editor, "tiga puluh ribu"), submit=True, change_id=negative.id)
    assert words.id == negative.id and "fee_0_amount" in words.problems and "bilangan" in words.problems["fee_0_amount"]
    unsourced = {k: v for k, v in fee_form(editor, "35000").items() if not k.startswith("source")}
    no_source = editor.save(POLRES, "fees", target, unsourced, submit=True, change_id=negative.id)
    assert no_source.status == DRAFT and "sumber" in no_source.problems["source"]
    with pytest.raises(EditorError):
        editor.approve(NATIONAL, negative.id)  # a draft is not approvable
    assert provider.get().services["skck"].fees[0].amount == 30000


def test_two_drafts_on_the_same_facts_the_later_one_must_be_redone(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    target = Target(SERVICE, service="skck")
    first = editor.save(POLRES, "fees", target, fee_form(editor, "35000"), submit=True)
    second = editor.save(POLRES, "fees", target, fee_form(editor, "40000"), submit=True)
    editor.approve(NATIONAL, first.id)
    with pytest.raises(EditorError, match="sudah berubah"):
        editor.approve(NATIONAL, second.id)
    assert provider.get().services["skck"].fees[0].amount == 35000


def book(services, i: int, start) -> Booking:  # type: ignore[no-untyped-def]
    outcome = services.bookings.book(
        BookingRequest(
            f"req-{i}",
            f"telegram:{100 + i}",
            "kota_bogor",
            "ktp_el",
            DAY,
            start,
            f"Warga {i}",
            f"327104{(i % 28) + 1:02d}0890{i + 1:04d}",
        )
    )
    assert isinstance(outcome, Booking), outcome
    return outcome


def test_a_quota_cut_reoffers_the_bookings_it_displaces_once_each(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, services, factory = site
    cat = provider.get()
    offering = cat.offering("kota_bogor", "ktp_el")
    assert offering is not None and offering.quota_per_slot == 3
    start = day_slots(cat.mpps["kota_bogor"], offering, DAY)[0].start
    kept, *moved = [book(services, i, start) for i in range(3)]
    target = Target(OFFERING, "kota_bogor", "ktp_el")
    form = {**editor.fields("offering", target), "quota_per_slot": "1", "source_id": "demo_config"}
    change = editor.save(DUKCAPIL, "offering", target, form, submit=True)
    assert change.problems == {}
    assert editor.preview(change).displaced == 2
    with pytest.raises(Refused):
        editor.approve(ADMIN_BEKASI, change.id)
    outcome = editor.approve(ADMIN, change.id)  # an MPP's own settings: its administrator approves
    assert outcome.notified == 2
    with pytest.raises(EditorError):
        editor.approve(ADMIN, change.id)
    with factory() as s:
        notices = s.execute(select(NotificationRow).where(NotificationRow.kind == "closure")).scalars().all()
    assert sorted(n.booking_id for n in notices) == sorted(b.id for b in moved)
    assert all("kuota per slot dikurangi" in n.text and "ubah jadwal" in n.text for n in notices)
    assert all("Slot terdekat" in n.text for n in notices)
    assert provider.get().offering("kota_bogor", "ktp_el").quota_per_slot == 1  # type: ignore[union-attr]
    # the kept booking is untouched; the moved ones may move for free
    with factory() as s:
        assert not s.execute(
            select(NotificationRow).where(NotificationRow.booking_id == kept.id, NotificationRow.kind == "closure")
        ).first()


def test_new_hours_and_a_closure_move_the_bookings_they_orphan(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, services, factory = site
    cat = provider.get()
    offering = cat.offering("kota_bogor", "ktp_el")
    assert offering is not None
    slots = day_slots(cat.mpps["kota_bogor"], offering, DAY)
    early, late = book(services, 1, slots[0].start), book(services, 2, slots[-1].start)
    wednesday = book_on(services, 3, date(2026, 12, 2))
    target = Target("mpp", "kota_bogor")
    form = editor.fields("hours", target)
    assert form["selasa_open"] and form["rabu_open"]
    form.update(
        selasa_close="12:00",
        selasa_break_start="",
        selasa_break_end="",
        selasa_break_reason="",
        closures=form["closures"] + "\n2026-12-02 | Pemeliharaan gedung (uji)",
        source_id="demo_config",
    )
    with pytest.raises(Refused, match="admin MPP"):
        editor.save(DUKCAPIL, "hours", target, form, submit=True)
    change = editor.save(ADMIN, "hours", target, form, submit=True)
    assert change.problems == {}
    with pytest.raises(Refused, match="pembuatnya sendiri"):
        editor.approve(ADMIN, change.id)
    outcome = editor.approve(NATIONAL, change.id)
    assert outcome.notified == 2  # the afternoon slot is gone, the Wednesday is closed; the morning stays
    with factory() as s:
        told = {
            n.booking_id: n.text
            for n in s.execute(select(NotificationRow).where(NotificationRow.kind == "closure")).scalars()
        }
    assert set(told) == {late.id, wednesday.id} and early.id not in told
    assert "jadwal layanan berubah" in told[late.id] and "Pemeliharaan gedung (uji)" in told[wednesday.id]
    hours = faq.answer(provider.get(), faq.Question("tanya_jadwal", mpp="kota_bogor"), DAY).text
    assert "Pemeliharaan gedung (uji)" in hours


def book_on(services, i: int, day: date) -> Booking:  # type: ignore[no-untyped-def]
    cat = services.catalogue.get()
    start = day_slots(cat.mpps["kota_bogor"], cat.offering("kota_bogor", "ktp_el"), day)[0].start
    outcome = services.bookings.book(
        BookingRequest(
            f"req-{i}",
            f"telegram:{100 + i}",
            "kota_bogor",
            "ktp_el",
            day,
            start,
            f"Warga {i}",
            f"327104{(i % 28) + 1:02d}0890{i + 1:04d}",
        )
    )
    assert isinstance(outcome, Booking), outcome
    return outcome


def test_requirements_per_jenis_keep_the_untouched_lists_sources(site) -> None:  # type: ignore[no-untyped-def]
    editor, provider, *_ = site
    target = Target(SERVICE, service="ktp_el")
    form = editor.fields("requirements", target)
    jenis = [k.removeprefix("req_") for k in form if k.startswith("req_") and k != "req_general" and form[k]]
    assert jenis, form
    first = jenis[0]
    general = provider.get().services["ktp_el"].facts["requirement"]
    form[f"req_{first}"] += "\nSurat keterangan uji (bukan fakta)"
    change = editor.save(DUKCAPIL, "requirements", target, {**form, **SOURCE}, submit=True)
    editor.approve(NATIONAL, change.id)
    service = provider.get().services["ktp_el"]
    assert service.requirements[first][-1] == "Surat keterangan uji (bukan fakta)"
    assert service.facts[f"requirement:{first}"].checked == NOW.date()
    assert service.facts["requirement"] == general  # the general list was not touched: same sources and date
    text = faq.answer(provider.get(), faq.Question("tanya_syarat", service="ktp_el", jenis=first), DAY).text
    assert "Surat keterangan uji (bukan fakta)" in text


def test_two_approvals_at_once_lose_no_change(site) -> None:  # type: ignore[no-untyped-def]
    """Each approval starts from the live version; the second writer from the same version is refused, not lost."""
    import threading

    editor, provider, *_ = site
    fees = editor.save(POLRES, "fees", Target(SERVICE, service="skck"), fee_form(editor, "35000"), submit=True)
    target = Target(OFFERING, "kota_bogor", "ktp_el")
    quota = editor.save(
        DUKCAPIL,
        "offering",
        target,
        {**editor.fields("offering", target), "quota_per_slot": "4", "source_id": "demo_config"},
        submit=True,
    )
    barrier, results = threading.Barrier(2), {}

    def approve(change_id: int) -> None:
        barrier.wait()
        try:
            results[change_id] = editor.approve(NATIONAL, change_id).version
        except EditorError as exc:
            results[change_id] = str(exc)

    threads = [threading.Thread(target=approve, args=(c.id,)) for c in (fees, quota)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for change_id, result in results.items():
        if isinstance(result, str):
            assert "baru saja diubah" in result
            results[change_id] = editor.approve(NATIONAL, change_id).version  # a retry goes through
    assert len(set(results.values())) == 2
    live = provider.get()
    assert live.services["skck"].fees[0].amount == 35000
    assert live.offering("kota_bogor", "ktp_el").quota_per_slot == 4  # type: ignore[union-attr]
