"""Complaints with a tracking number on SQLite and PostgreSQL: filing, checking from the same and another chat,
triage scopes (pungli to the supervisor only), assignment, replies and resolution reaching the chat, deadlines
and overdue cases, the SP4N-LAPOR export, bad input, erasure and retention."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mpp.catalogue.store import save_catalogue
from mpp.db.complaint_tables import ComplaintNoteRow, ComplaintRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.grievance.export import FIELDS, render
from mpp.grievance.model import Category, ComplaintError, Draft, NotFound, Status
from mpp.grievance.service import ComplaintService
from mpp.notify_outbox import is_sealed, unseal
from mpp.privacy import Crypto, Keys
from mpp.privacy_store import erase_conversation, store_token
from mpp.retention import purge_database
from mpp.staff.accounts import add_staff, member_of
from mpp.staff.roles import OPERATOR, Role, StaffMember
from testkit.core import MovableClock

WIB = ZoneInfo("Asia/Jakarta")
TUESDAY_9 = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
NUMBER = re.compile(r"Nomor pengaduan: (ADU-2026-\d{6})")
SECRET = re.compile(r"Kode rahasia: ([A-Z0-9]{6})")
SLOW = "Sudah antri 4 jam di loket Dukcapil, pelayanan lama banget"
PUNGLI = "Petugas loket Samsat minta uang pelicin 200rb biar STNK cepat"


@dataclass
class Env:
    service: ComplaintService
    clock: MovableClock
    factory: object
    crypto: Crypto
    staff: dict[str, StaffMember]

    def file(self, sender: str, text: str = SLOW, agency: str | None = "disdukcapil", contact: str | None = None):
        complaint, reply = self.service.file(sender, Draft(text, "kota_bogor", agency, "tadi pagi", contact))
        number = NUMBER.search(reply.text)
        secret = SECRET.search(reply.text)
        assert number and secret, reply.text
        return complaint, number.group(1), secret.group(1)

    def notices(self, chat: str) -> list[tuple[str, str]]:
        with UnitOfWork(self.factory) as uow:  # type: ignore[arg-type]
            rows = uow.session.execute(
                select(NotificationRow).where(NotificationRow.chat_id == chat).order_by(NotificationRow.id)
            ).scalars()
            return [(r.kind, unseal(self.crypto, r.text) or "") for r in rows]

    def raw(self, complaint_id: int) -> ComplaintRow:
        with UnitOfWork(self.factory) as uow:  # type: ignore[arg-type]
            row = uow.session.get(ComplaintRow, complaint_id)
            uow.session.expunge(row)
            return row


@pytest.fixture()
def env(db_url: str, demo) -> Iterator[Env]:  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(db_url))
    staff = {}
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        for username, role, mpp, agency in [
            ("sari", Role.CLERK, "kota_bogor", "disdukcapil"),
            ("joko", Role.CLERK, "kota_bogor", "samsat"),
            ("rina", Role.MPP_ADMIN, "kota_bekasi", None),
            ("spv", Role.SUPERVISOR, "kota_bogor", None),
            ("admin", Role.MPP_ADMIN, "kota_bogor", None),
        ]:
            row = add_staff(uow.session, username, "kata-sandi-rahasia", username.title(), mpp, agency, role=role)
            uow.session.flush()
            staff[username] = member_of(row)
        uow.commit()
    clock = MovableClock(TUESDAY_9)
    crypto = Crypto(Keys.generate())
    yield Env(ComplaintService(factory, lambda: demo.catalogue, crypto, clock), clock, factory, crypto, staff)
    factory.kw["bind"].dispose()  # type: ignore[attr-defined]


def test_filed_complaint_gets_a_yearly_number_a_secret_and_sourced_deadlines(env: Env) -> None:
    first, number, secret = env.file("telegram:1")
    second, number2, _ = env.file("telegram:2")
    assert (number, number2) == ("ADU-2026-000001", "ADU-2026-000002")
    assert first.category is Category.LAMBAT and first.status is Status.BARU
    # Filed Tuesday 1 December: 3 working days -> Friday 4 December; 5 working days -> Tuesday 8 December.
    assert first.respond_by == date(2026, 12, 4)
    assert first.resolve_by == date(2026, 12, 8)
    row = env.raw(first.id)
    assert SLOW not in (row.description_encrypted or "") and secret not in (row.secret_hash or "")
    assert env.crypto.decrypt(row.description_encrypted) == SLOW


CONCURRENT = """
import sys, threading
from datetime import datetime
from zoneinfo import ZoneInfo
from mpp.catalogue.loader import read_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.grievance.model import Draft
from mpp.grievance.service import ComplaintService
from mpp.privacy import Crypto, Keys
from tests.conftest import CATALOGUE_DIR

engine = make_engine(sys.argv[1])
cat = read_catalogue(CATALOGUE_DIR).catalogue
at = datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Jakarta"))
service = ComplaintService(make_session_factory(engine), lambda: cat, Crypto(Keys.generate()), lambda: at)
numbers = []
def file(i):
    numbers.append(service.file(f"telegram:{i}", Draft("antri lama sekali", "kota_bogor", None, None, None))[0].number)
threads = [threading.Thread(target=file, args=(i,)) for i in range(12)]
[t.start() for t in threads]
[t.join() for t in threads]
engine.dispose()
print(" ".join(sorted(numbers)))
"""


def test_numbers_never_collide_under_concurrent_filing(env: Env, db_url: str) -> None:
    # Twelve filings at once from twelve threads, in a process of their own (nothing of it stays in pytest's).
    import subprocess
    import sys

    from mpp.config import PROJECT_ROOT

    out = subprocess.run(
        [sys.executable, "-c", CONCURRENT, db_url], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [f"ADU-2026-{i:06d}" for i in range(1, 13)]


def test_same_chat_checks_freely_another_chat_only_with_the_secret(env: Env) -> None:
    _, number, secret = env.file("telegram:1")
    assert "diterima, menunggu ditelaah" in env.service.check("telegram:1", "cek pengaduan").text
    assert number in env.service.check("telegram:1", f"status {number}").text
    # Another chat: the number alone is not enough, the secret opens it, a wrong one gets the one polite answer.
    ask = env.service.check("whatsapp:9", f"cek {number}").text
    assert "hanya bisa dicek bersama kode rahasianya" in ask
    assert env.service.check("whatsapp:9", "cek ADU-2026-999999").text == ask  # no hint whether a number exists
    assert "Status:" in env.service.check("whatsapp:9", f"cek {number} {secret.lower()}").text
    wrong = env.service.check("whatsapp:9", f"cek {number} AA22AA").text
    forged = env.service.check("whatsapp:9", "cek ADU-2026-999999 AA22AA").text
    assert wrong == forged and "tidak ditemukan" in wrong
    assert SLOW not in wrong


def test_guessing_is_throttled_even_with_the_right_secret(env: Env) -> None:
    _, number, secret = env.file("telegram:1")
    for i in range(5):
        env.service.check("whatsapp:9", f"cek ADU-2026-00009{i} AA22AA")
    assert "terlalu banyak percobaan" in env.service.check("whatsapp:9", f"cek {number} {secret}").text
    env.clock.advance(hours=1, minutes=1)
    assert "Status:" in env.service.check("whatsapp:9", f"cek {number} {secret}").text


@pytest.mark.parametrize("text", ["", "   ", "x" * 5000])
def test_empty_or_overlong_complaints_are_refused_with_a_clear_message(env: Env, text: str) -> None:
    with pytest.raises(ComplaintError) as exc:
        env.service.file("telegram:1", Draft(text, "kota_bogor", None, None, None))
    assert ("kosong" in str(exc.value)) or ("5.000 karakter" in str(exc.value))
    assert env.service.mine("telegram:1") == []


def test_pungli_goes_to_the_supervisor_only_never_to_the_agency_named(env: Env) -> None:
    c, _, _ = env.file("telegram:1", PUNGLI, agency="samsat")
    assert c.category is Category.PUNGLI
    assert [x.id for x in env.service.triage(env.staff["spv"])] == [c.id]
    for who in ("joko", "admin", "sari"):
        assert env.service.triage(env.staff[who]) == []
        with pytest.raises(NotFound):
            env.service.detail(env.staff[who], c.id)
    with pytest.raises(ComplaintError, match="tidak diteruskan"):
        env.service.assign(env.staff["spv"], c.id, "samsat")
    export = env.service.export(env.staff["spv"], date(2026, 12, 1), date(2026, 12, 1))
    assert export[0]["rahasia"] is True and export[0]["instansi"] == ""
    assert env.service.export(env.staff["admin"], date(2026, 12, 1), date(2026, 12, 1)) == []


def test_complaint_assigned_answered_resolved_each_step_reaches_the_chat(env: Env) -> None:
    c, number, _ = env.file("telegram:1")
    admin, clerk = env.staff["admin"], env.staff["sari"]
    assert env.service.triage(clerk) == []  # not assigned to Dukcapil yet
    env.service.assign(admin, c.id, "disdukcapil")
    assert "Disdukcapil Kota Bogor" in env.service.check("telegram:1", "cek pengaduan").text
    assert [x.id for x in env.service.triage(clerk)] == [c.id]
    assert env.service.triage(env.staff["joko"]) == []
    env.service.reply(clerk, c.id, "Mohon maaf, loket 3 kami buka tambahan mulai besok.", "n1")
    env.service.reply(clerk, c.id, "Mohon maaf, loket 3 kami buka tambahan mulai besok.", "n1")  # double submit
    status = env.service.check("telegram:1", number).text
    assert "sudah ditanggapi" in status and "loket 3" in status
    env.service.resolve(clerk, c.id, "Loket tambahan sudah dibuka.")
    assert "selesai" in env.service.check("telegram:1", "cek pengaduan").text
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        kinds_noted = [n.kind for n in uow.session.execute(select(ComplaintNoteRow)).scalars()]
    assert kinds_noted == ["assigned", "reply", "resolved"]  # the double submit is noted once too
    kinds = [k for k, _ in env.notices("telegram:1")]
    assert kinds == ["complaint_assigned", "complaint_reply", "complaint_resolved"]
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        texts = [r.text for r in uow.session.execute(select(NotificationRow)).scalars()]
    assert all(is_sealed(t) for t in texts if "loket 3" in (unseal(env.crypto, t) or "") or is_sealed(t))
    assert not any("loket 3" in t for t in texts)  # the staff reply is sealed at rest
    with pytest.raises(ComplaintError):
        env.service.reply(clerk, c.id, "lagi", None)


def test_staff_of_another_mpp_and_unknown_ids_get_the_same_not_found(env: Env) -> None:
    c, _, _ = env.file("telegram:1")
    with pytest.raises(NotFound) as other:
        env.service.detail(env.staff["rina"], c.id)
    with pytest.raises(NotFound) as unknown:
        env.service.detail(env.staff["admin"], 999999)
    assert str(other.value) == str(unknown.value)
    assert env.service.triage(env.staff["rina"]) == []


def test_overdue_cases_are_marked_and_the_citizen_is_told(env: Env) -> None:
    c, number, _ = env.file("telegram:1")
    env.clock.at = datetime(2026, 12, 7, 9, 0, tzinfo=WIB)  # Monday: the first answer was due Friday 4th
    listed = env.service.triage(env.staff["admin"])[0]
    assert listed.overdue(env.service.today("kota_bogor"))
    assert "sudah lewat" in env.service.check("telegram:1", number).text


def test_staff_see_personal_data_masked(env: Env) -> None:
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        token = store_token(uow.session, env.crypto, "telegram:1", "nik", "3271045708900001", env.clock.at)
        uow.commit()
    c, _, _ = env.file("telegram:1", f"NIK saya {token} ditolak, petugas kasar", contact="081234567890")
    d = env.service.detail(env.staff["admin"], c.id)
    assert "3271********0001" in d.description and "3271045708900001" not in d.description
    assert d.contact is not None and "081234567890" not in d.contact


def test_export_has_lapor_fields_in_csv_and_json(env: Env) -> None:
    env.file("telegram:1", contact="081234567890")
    env.file("telegram:2", "AC di ruang tunggu mati, panas sekali", agency=None)
    records = env.service.export(OPERATOR, date(2026, 12, 1), date(2026, 12, 31))
    assert [r["nomor"] for r in records] == ["ADU-2026-000001", "ADU-2026-000002"]
    assert records[0]["anonim"] is False and records[1]["anonim"] is True
    assert records[1]["kategori"] == "Sarana dan fasilitas"
    rows = list(csv.DictReader(io.StringIO(render(records, "csv"))))
    assert tuple(rows[0]) == FIELDS and rows[0]["instansi"] == "Disdukcapil Kota Bogor"
    assert "081234567890" not in render(records, "csv")
    assert json.loads(render(records, "json"))[1]["lokasi"].startswith("MPP")
    assert env.service.export(OPERATOR, date(2026, 11, 1), date(2026, 11, 30)) == []


def test_erasure_keeps_only_anonymised_counts(env: Env) -> None:
    c, number, secret = env.file("telegram:1", contact="081234567890")
    env.service.reply(env.staff["admin"], c.id, "Kami tindak lanjuti, Bu Ani.", None)
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        erase_conversation(uow.session, "telegram:1")
        uow.commit()
    row = env.raw(c.id)
    assert row.sender is None and row.description_encrypted is None and row.contact_encrypted is None
    assert row.number == number and row.category == "lambat"
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        assert all(n.body_encrypted is None for n in uow.session.execute(select(ComplaintNoteRow)).scalars())
    assert env.notices("telegram:1") == []
    assert "Belum ada pengaduan" in env.service.check("telegram:1", "cek pengaduan").text
    assert "tidak ditemukan" in env.service.check("telegram:1", f"{number} {secret}").text
    assert len(env.service.triage(env.staff["admin"])) == 1  # still counted


def test_retention_empties_texts_a_year_after_resolution(env: Env) -> None:
    c, _, _ = env.file("telegram:1")
    env.service.resolve(env.staff["admin"], c.id, "")
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        counts = purge_database(uow.session, env.clock.at + timedelta(days=300))
        uow.commit()
    assert counts["complaint"] == 0
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        counts = purge_database(uow.session, env.clock.at + timedelta(days=366))
        uow.commit()
    assert counts["complaint"] == 1
    assert env.raw(c.id).description_encrypted is None
