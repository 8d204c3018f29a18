"""Application status after the visit on SQLite and PostgreSQL: recorded by the clerk of the ticket's agency,
each change told to the chat once, asked about from the chat, walk-ins bound by the printed ticket's link,
overdue ones first, erased by "hapus data saya", purged when kept long enough."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mpp.applications.links import make_token
from mpp.applications.model import ApplicationError, Change, NotFound, State
from mpp.applications.service import ApplicationService
from mpp.booking.model import Booking, BookingRequest
from mpp.catalogue.completion import promised_completion
from mpp.catalogue.store import save_catalogue
from mpp.db.application_tables import ApplicationRow
from mpp.db.queue_tables import NotificationRow
from mpp.db.staff_tables import AuditRow
from mpp.db.uow import UnitOfWork
from mpp.notify_outbox import is_sealed, unseal
from mpp.privacy import Crypto, Keys
from mpp.privacy_store import erase_conversation
from mpp.queue.service import Staff
from mpp.retention import purge_database
from mpp.staff.accounts import add_staff, member_of
from mpp.staff.roles import Refused, Role, StaffMember
from testkit.core import MovableClock, Services, on_database

WIB = ZoneInfo("Asia/Jakarta")
TUESDAY_9 = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
CHAT = "telegram:5551"


@dataclass
class Env:
    apps: ApplicationService
    core: Services
    clock: MovableClock
    crypto: Crypto
    staff: dict[str, StaffMember]
    keys: Keys

    @property
    def factory(self):  # type: ignore[no-untyped-def]
        return self.core.session_factory

    def notices(self, chat: str) -> list[str]:
        with UnitOfWork(self.factory) as uow:
            rows = uow.session.execute(
                select(NotificationRow)
                .where(NotificationRow.chat_id == chat, NotificationRow.kind == "application_status")
                .order_by(NotificationRow.id)
            ).scalars()
            out = []
            for r in rows:
                assert is_sealed(r.text), "the clerk's note is not at rest in clear text"
                out.append(unseal(self.crypto, r.text) or "")
            return out

    def serve(self, ticket_id: int, agency: str, counter: str) -> None:
        clerk = Staff(1, "kota_bogor", agency, counter)
        called = self.core.queue.call_next(clerk)
        assert called is not None and called.id == ticket_id
        self.core.queue.served(clerk, ticket_id)

    def walk_in(self, service: str = "paspor", agency: str = "imigrasi", counter: str = "5") -> int:
        ticket = self.core.queue.issue_walk_in("kota_bogor", service)
        self.serve(ticket.id, agency, counter)
        return ticket.id


@pytest.fixture()
def env(db_url: str, demo) -> Env:  # type: ignore[no-untyped-def]
    clock = MovableClock(TUESDAY_9)
    keys = Keys.generate()
    crypto = Crypto(keys)
    core = on_database(db_url, demo.catalogue, clock, crypto=crypto)
    staff = {}
    with UnitOfWork(core.session_factory, write=True) as uow:  # type: ignore[arg-type]
        save_catalogue(uow.session, demo)
        for username, role, mpp, agency in [
            ("imi", Role.CLERK, "kota_bogor", "imigrasi"),
            ("duk", Role.CLERK, "kota_bogor", "disdukcapil"),
            ("imi_bekasi", Role.CLERK, "kota_bekasi", "imigrasi"),
            ("admin", Role.MPP_ADMIN, "kota_bogor", None),
        ]:
            row = add_staff(uow.session, username, "kata-sandi-rahasia", username, mpp, agency, role=role)
            uow.session.flush()
            staff[username] = member_of(row)
        uow.commit()
    apps = ApplicationService(core.session_factory, lambda: demo.catalogue, crypto, clock)  # type: ignore[arg-type]
    return Env(apps, core, clock, crypto, staff, keys)


def test_a_walk_in_binds_its_chat_and_hears_of_every_state_once(env: Env, demo) -> None:  # type: ignore[no-untyped-def]
    ticket = env.core.queue.issue_walk_in("kota_bogor", "paspor")
    token = env.apps.token_for(ticket.id)
    assert "terhubung dengan nomor antrean " + ticket.number in env.apps.bind(CHAT, token).text
    assert "sudah terhubung" in env.apps.bind(CHAT, token).text  # scanning twice is harmless
    env.serve(ticket.id, "imigrasi", "5")
    with UnitOfWork(env.factory) as uow:  # the bound walk-in follows its turn too
        called = uow.session.execute(
            select(NotificationRow.text).where(NotificationRow.chat_id == CHAT, NotificationRow.kind == "called")
        ).scalars()
        assert any("loket 5" in (unseal(env.crypto, t) or "").lower() for t in called)
    imi = env.staff["imi"]

    promised = promised_completion(demo.catalogue, "paspor", None, TUESDAY_9.date(), "kota_bogor").day
    assert promised is not None
    view, changed = env.apps.record(imi, ticket.id, Change(State.DIPROSES))
    assert changed and view.promised_on == promised
    assert env.apps.record(imi, ticket.id, Change(State.DIPROSES))[1] is False  # a repeated post changes nothing
    missing = Change.parse("perlu_berkas", note="Fotokopi akta kelahiran belum ada")
    env.apps.record(imi, ticket.id, missing)
    env.apps.record(imi, ticket.id, missing)
    ready = Change.parse("siap_diambil", note="Loket 5 lantai 2, bawa bukti permohonan", ready_until="2026-12-31")
    env.apps.record(imi, ticket.id, ready)
    answer = env.apps.status(CHAT).text
    assert "siap diambil" in answer and "Loket 5 lantai 2" in answer and "31 Desember 2026" in answer
    env.apps.record(imi, ticket.id, Change(State.SELESAI))
    with pytest.raises(ApplicationError, match="sudah selesai"):
        env.apps.record(imi, ticket.id, Change(State.DIPROSES))

    told = env.notices(CHAT)
    assert len(told) == 4  # one per change, none for the repeats
    assert "diproses" in told[0] and "7 Desember 2026" in told[0]  # 4 working days after Tuesday 1 December
    assert "Fotokopi akta kelahiran" in told[1] and "perlu melengkapi berkas" in told[1]
    assert "siap diambil" in told[2] and "selesai" in told[3]
    with UnitOfWork(env.factory) as uow:
        row = uow.session.execute(select(ApplicationRow)).scalar_one()
        assert row.note_encrypted is None or "akta" not in row.note_encrypted
        actions = [a.action for a in uow.session.execute(select(AuditRow).order_by(AuditRow.id)).scalars()]
        details = " ".join(a.detail or "" for a in uow.session.execute(select(AuditRow)).scalars())
    assert [a for a in actions if a.startswith("application_")] == [
        "application_diproses",
        "application_perlu_berkas",
        "application_siap_diambil",
        "application_selesai",
    ]
    assert "akta" not in details and "Loket 5" not in details  # the note is never in the audit log


def test_no_promise_without_a_sourced_processing_time(env: Env) -> None:
    ticket_id = env.walk_in("ktp_el", "disdukcapil", "1")
    view, _ = env.apps.record(env.staff["duk"], ticket_id, Change(State.DIPROSES))
    assert view.promised_on is None
    with UnitOfWork(env.factory, write=True) as uow:
        uow.session.execute(ApplicationRow.__table__.update().values(chat_id=CHAT))
        uow.commit()
    assert "Tidak ada tanggal selesai yang dijanjikan" in env.apps.status(CHAT).text


def test_only_the_clerk_of_the_tickets_agency_at_its_mpp_records(env: Env) -> None:
    ticket_id = env.walk_in()
    with pytest.raises(NotFound):
        env.apps.record(env.staff["duk"], ticket_id, Change(State.DIPROSES))  # another agency
    with pytest.raises(NotFound):
        env.apps.record(env.staff["imi_bekasi"], ticket_id, Change(State.DIPROSES))  # another MPP
    with pytest.raises(NotFound):
        env.apps.record(env.staff["imi"], 2**31 - 1, Change(State.DIPROSES))
    with pytest.raises(Refused):
        env.apps.record(env.staff["admin"], ticket_id, Change(State.DIPROSES))  # sees, never changes
    waiting = env.core.queue.issue_walk_in("kota_bogor", "paspor")
    with pytest.raises(ApplicationError, match="selesai dilayani"):
        env.apps.record(env.staff["imi"], waiting.id, Change(State.DIPROSES))
    with pytest.raises(ApplicationError, match="Jenis"):
        env.apps.record(env.staff["imi"], ticket_id, Change(State.DIPROSES, jenis="teleport"))
    with UnitOfWork(env.factory) as uow:
        assert uow.session.execute(select(ApplicationRow)).first() is None  # nothing half-stored


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"state": "hilang"}, "Pilih status"),
        ({"state": ""}, "Pilih status"),
        ({"state": "perlu_berkas", "note": "   "}, "berkas apa"),
        ({"state": "perlu_berkas", "note": "x" * 5000}, "terlalu panjang"),
        ({"state": "siap_diambil", "note": "Loket 5"}, "batas waktu"),
        ({"state": "siap_diambil", "note": "Loket 5", "ready_until": "31/12"}, "batas waktu"),
        ({"state": "siap_diambil", "note": "Loket 5", "ready_until": "2020-01-01"}, "hari ini atau sesudahnya"),
        ({"state": "siap_diambil", "note": "", "ready_until": "2026-12-20"}, "di mana"),
    ],
)
def test_bad_input_gets_a_message_saying_what_to_fix(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ApplicationError, match=message):
        Change.parse(**fields, today=date(2026, 12, 1))


def test_forged_expired_and_taken_links_are_refused_politely(env: Env) -> None:
    ticket = env.core.queue.issue_walk_in("kota_bogor", "paspor")
    token = env.apps.token_for(ticket.id)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    other_key = make_token(Crypto(Keys.generate()), ticket.id, env.clock())
    for bad in (forged, other_key, "tk1_zz_" + "0" * 24, "tk" + "a" * 60):
        assert "tidak sah atau sudah kedaluwarsa" in env.apps.bind(CHAT, bad).text
    stretched = make_token(env.crypto, ticket.id + 1, env.clock())  # a real token for a ticket that does not exist
    assert "tidak sah" in env.apps.bind(CHAT, stretched).text
    assert "terhubung" in env.apps.bind(CHAT, token).text
    assert "chat lain" in env.apps.bind("whatsapp:someone-else", token).text  # a photo of the ticket opens nothing
    later = env.core.queue.issue_walk_in("kota_bogor", "paspor")
    late_token = env.apps.token_for(later.id)
    env.clock.advance(days=4)
    assert "kedaluwarsa" in env.apps.bind("whatsapp:late", late_token).text


def test_the_booking_code_answers_only_from_its_own_chat(env: Env) -> None:
    booking = env.core.bookings.book(
        BookingRequest(
            "r1", "console:warga", "kota_bogor", "kk", TUESDAY_9.date(), time(10, 45), "Warga", "3271045708900001"
        )
    )
    assert isinstance(booking, Booking)
    ticket = env.core.queue.check_in("kota_bogor", booking.code)
    env.serve(ticket.id, "disdukcapil", "1")
    env.apps.record(env.staff["duk"], ticket.id, Change.parse("perlu_berkas", note="Surat pengantar RT/RW"))
    mine = env.apps.status("console:warga", booking.code.lower()).text
    assert "perlu melengkapi berkas" in mine and "Surat pengantar RT/RW" in mine
    theirs = env.apps.status("console:orang-lain", booking.code).text
    assert "Surat pengantar" not in theirs and "kode booking orang lain" in theirs
    assert "Belum ada catatan" in env.apps.status("console:warga", "ZZZZ2222").text
    assert len(env.notices("console:warga")) == 1


def test_overdue_applications_come_first_in_the_console(env: Env) -> None:
    late = env.walk_in()
    fresh_ticket = env.walk_in("ktp_el", "disdukcapil", "1")
    imi = env.staff["imi"]
    env.apps.record(imi, late, Change(State.DIPROSES))
    env.apps.record(env.staff["duk"], fresh_ticket, Change(State.DIPROSES))
    assert not any(v.overdue(env.apps.overview(imi).today) for v in env.apps.overview(imi).open)
    env.clock.advance(days=10)
    admin_view = env.apps.overview(env.staff["admin"])
    assert [v.ticket_id for v in admin_view.open] == [late, fresh_ticket]
    assert admin_view.open[0].overdue(admin_view.today) and not admin_view.open[1].overdue(admin_view.today)
    clerk_view = env.apps.overview(env.staff["duk"])  # a clerk sees their own agency's
    assert [v.ticket_id for v in clerk_view.open] == [fresh_ticket]
    assert env.apps.overview(env.staff["imi_bekasi"]).open == []  # another MPP's clerk sees nothing


def test_hapus_data_saya_erases_the_chat_and_note_and_retention_deletes(env: Env) -> None:
    ticket = env.core.queue.issue_walk_in("kota_bogor", "paspor")
    env.apps.bind(CHAT, env.apps.token_for(ticket.id))
    env.serve(ticket.id, "imigrasi", "5")
    env.apps.record(env.staff["imi"], ticket.id, Change.parse("perlu_berkas", note="KTP asli Budi 3271045708900001"))
    with UnitOfWork(env.factory, write=True) as uow:
        erase_conversation(uow.session, CHAT)
        uow.commit()
    assert env.notices(CHAT) == []
    assert "Belum ada catatan" in env.apps.status(CHAT).text
    with UnitOfWork(env.factory) as uow:
        row = uow.session.execute(select(ApplicationRow)).scalar_one()
        assert (row.chat_id, row.note_encrypted, row.state) == (None, None, "perlu_berkas")  # an anonymous line stays
    env.apps.record(env.staff["imi"], ticket.id, Change(State.SELESAI))
    env.clock.advance(days=29)
    with UnitOfWork(env.factory, write=True) as uow:
        assert purge_database(uow.session, env.clock())["application"] == 0
        uow.commit()
    env.clock.advance(days=2)
    with UnitOfWork(env.factory, write=True) as uow:
        assert purge_database(uow.session, env.clock())["application"] == 1
        uow.commit()


def test_key_rotation_re_encrypts_the_note_and_its_notice(env: Env, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import argparse

    from mpp import privacy_cli

    ticket = env.core.queue.issue_walk_in("kota_bogor", "paspor")
    env.apps.bind(CHAT, env.apps.token_for(ticket.id))
    env.serve(ticket.id, "imigrasi", "5")
    env.apps.record(env.staff["imi"], ticket.id, Change.parse("perlu_berkas", note="Akta kelahiran asli"))
    old, new = env.keys, Keys.generate()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MPP_PII_KEY", f"{new.encryption.decode()},{old.encryption.decode()}")
    monkeypatch.setenv("MPP_PII_HASH_KEY", old.hashing.decode())
    assert privacy_cli.cmd_keys_rotate(argparse.Namespace()) == 0
    only_new = Crypto(Keys(new.encryption, old.hashing))
    with UnitOfWork(env.factory) as uow:
        note = uow.session.execute(select(ApplicationRow.note_encrypted)).scalar_one()
        notice = uow.session.execute(
            select(NotificationRow.text).where(NotificationRow.kind == "application_status")
        ).scalar_one()
    assert only_new.decrypt(note) == "Akta kelahiran asli"
    assert "Akta kelahiran asli" in (unseal(only_new, notice) or "")
