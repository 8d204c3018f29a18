"""The live handoff on SQLite and PostgreSQL: the offer, the line, left messages, claims, replies, time-outs,
bad input, erasure and retention — as the citizen and the staff member each see it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from mpp.catalogue.store import save_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.handoff_tables import HandoffMessageRow, HandoffRow
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.handoff.model import Author, HandoffError, NotFound, Status
from mpp.handoff.service import Gate, HandoffService
from mpp.notify_outbox import is_sealed, unseal
from mpp.privacy import Crypto, Keys
from mpp.privacy_store import erase_conversation, store_token
from mpp.retention import purge_database
from mpp.staff.accounts import add_staff, member_of
from mpp.staff.roles import Refused, Role, StaffMember
from testkit.core import MovableClock

WIB = ZoneInfo("Asia/Jakarta")
TUESDAY_9 = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)  # MPP Kota Bogor serves 07.30-12.00, 13.00-16.00
SATURDAY_10 = datetime(2026, 12, 5, 10, 0, tzinfo=WIB)  # closed; opens again Monday 7 December 07.30


@dataclass
class Env:
    service: HandoffService
    clock: MovableClock
    factory: object
    crypto: Crypto
    staff: dict[str, StaffMember]

    def notices(self, chat: str) -> list[tuple[str, str]]:
        with UnitOfWork(self.factory) as uow:  # type: ignore[arg-type]
            rows = uow.session.execute(
                select(NotificationRow).where(NotificationRow.chat_id == chat).order_by(NotificationRow.id)
            ).scalars()
            return [(r.kind, unseal(self.crypto, r.text) or "") for r in rows]

    def join(self, sender: str, agency: str | None = "disdukcapil", service: str | None = "kk") -> str:
        return self.service.join(sender, "kota_bogor", agency, service, "tanya_syarat").text

    def waiting_id(self, sender: str) -> int:
        h = self.service.current(sender)
        assert h is not None
        return h.id


@pytest.fixture()
def env(db_url: str, demo) -> Iterator[Env]:  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(db_url))
    staff = {}
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        for username, name, role, mpp, agency in [
            ("sari", "Sari", Role.CLERK, "kota_bogor", "disdukcapil"),
            ("budi", "Budi", Role.CLERK, "kota_bogor", "disdukcapil"),
            ("joko", "Joko", Role.CLERK, "kota_bogor", "samsat"),
            ("rina", "Rina", Role.CLERK, "kota_bekasi", "disdukcapil"),
            ("spv", "Supervisor", Role.SUPERVISOR, "kota_bogor", None),
            ("admin", "Admin", Role.MPP_ADMIN, "kota_bogor", None),
        ]:
            row = add_staff(uow.session, username, "kata-sandi-rahasia", name, mpp, agency, role=role)
            uow.session.flush()
            staff[username] = member_of(row)
        uow.commit()
    clock = MovableClock(TUESDAY_9)
    crypto = Crypto(Keys.generate())
    yield Env(HandoffService(factory, lambda: demo.catalogue, crypto, clock), clock, factory, crypto, staff)
    factory.kw["bind"].dispose()  # type: ignore[attr-defined]


def texts(gate: Gate | None) -> str:
    assert gate is not None
    return "\n".join(r.text for r in gate.replies)


def test_outside_hours_the_citizen_leaves_a_message_and_is_told_when_to_expect_an_answer(env: Env) -> None:
    env.clock.at = SATURDAY_10
    offer = env.service.offer("telegram:1", "kota_bogor", None)
    assert "di luar jam layanan" in offer.text and "Senin, 7 Desember 2026 pukul 07.30 WIB" in offer.text
    assert [c.title for c in offer.choices] == ["Tinggalkan pesan", "Tidak"]
    assert "tulis pesan Anda" in env.join("telegram:1")
    left = env.service.gate("telegram:1", "Berkas KK saya kurang apa ya? Saya sudah bawa surat pindah.")
    assert left is not None and not left.to_assistant
    assert "sudah kami simpan" in texts(left) and "Senin, 7 Desember 2026 pukul 07.30 WIB" in texts(left)
    assert env.service.gate("telegram:1", "syarat ktp apa") is None  # the assistant answers meanwhile

    env.clock.at = datetime(2026, 12, 7, 8, 0, tzinfo=WIB)  # the next shift
    waiting = env.service.overview(env.staff["sari"])
    assert [h.sender for h in waiting.messages] == ["telegram:1"]
    h, lines = env.service.chat(env.staff["sari"], waiting.messages[0].id)
    assert [line.text for line in lines] == ["Berkas KK saya kurang apa ya? Saya sudah bawa surat pindah."]
    env.service.claim(env.staff["sari"], h.id, "Sari")
    assert env.notices("telegram:1")[-1][0] == "handoff_claimed"
    assert env.service.gate("telegram:1", "baik terima kasih sudah dibalas") == Gate()  # now held: quiet


def test_in_hours_with_staff_on_duty_the_chat_joins_the_line_with_its_place_and_an_honest_wait(env: Env) -> None:
    assert "belum ada petugas yang bertugas" in env.service.offer("telegram:1", "kota_bogor", "disdukcapil").text
    env.service.seen(env.staff["sari"])
    offer = env.service.offer("telegram:1", "kota_bogor", "disdukcapil")
    assert "tidak ada yang mengantre sebelum Anda" in offer.text and "sebentar lagi" in offer.text
    assert "urutan ke-1" in env.join("telegram:1")
    env.service.claim(env.staff["sari"], env.waiting_id("telegram:1"), "Sari")  # Sari is busy now
    assert "urutan ke-1" in env.join("telegram:2")
    joined = env.join("telegram:3")
    assert "urutan ke-2" in joined and "belum bisa diperkirakan" in joined  # nothing measured yet
    # another agency's chat is not behind these two; with nobody of that agency on duty, it is a message
    assert "tulis pesan" in env.service.offer("telegram:4", "kota_bogor", "samsat").text.replace(
        "meninggalkan pesan", "tulis pesan"
    )
    env.service.seen(env.staff["joko"])
    assert "urutan ke-1" in env.service.join("telegram:4", "kota_bogor", "samsat", "pajak_kendaraan", None).text


def test_the_wait_is_estimated_from_measured_handling_times(env: Env) -> None:
    for i in range(5):  # five chats, each held 6 minutes
        env.service.seen(env.staff["sari"])
        env.join(f"telegram:{100 + i}")
        env.service.claim(env.staff["sari"], env.waiting_id(f"telegram:{100 + i}"), "Sari")
        env.clock.advance(minutes=6)
        env.service.reply(env.staff["sari"], env.waiting_id(f"telegram:{100 + i}"), "Baik, sudah dijawab.", "Sari")
        env.service.end(env.staff["sari"], env.service.overview(env.staff["sari"]).mine[0].id)
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    env.service.claim(env.staff["sari"], env.waiting_id("telegram:1"), "Sari")
    assert "urutan ke-1, perkiraan waktu tunggu sekitar 6 menit" in env.join("telegram:2")
    assert "urutan ke-2, perkiraan waktu tunggu sekitar 12 menit" in env.join("telegram:3")
    env.service.seen(env.staff["budi"])  # a second staff member (free: takes the first, then shares the rest)
    assert "ada 2 orang mengantre sebelum Anda; perkiraan waktu tunggu: sekitar 9 menit" in (
        env.service.offer("telegram:9", "kota_bogor", "disdukcapil").text
    )


def test_a_staff_member_is_on_duty_only_while_their_page_is_open(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.clock.advance(minutes=4)
    assert "belum ada petugas yang bertugas" in env.service.offer("telegram:1", "kota_bogor", None).text
    env.service.seen(env.staff["sari"])
    env.service.off_duty(env.staff["sari"].id or 0)
    assert "belum ada petugas yang bertugas" in env.service.offer("telegram:1", "kota_bogor", None).text


def test_claim_reply_and_end_reach_the_citizen_through_the_outbox(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.service.join(
        "whatsapp:abc",
        "kota_bogor",
        "disdukcapil",
        "kk",
        "tanya_syarat",
        [(Author.CITIZEN, "syarat kk", TUESDAY_9), (Author.BOT, "Persyaratan Kartu Keluarga: ...", TUESDAY_9)],
    )
    assert "teruskan" in texts(env.service.gate("whatsapp:abc", "halo, ada orang?", "inbox:7"))
    hid = env.waiting_id("whatsapp:abc")
    env.service.claim(env.staff["sari"], hid, "Sari")
    assert env.service.gate("whatsapp:abc", "saya mau pindah KK ke Bogor", "inbox:8") == Gate()
    env.service.reply(env.staff["sari"], hid, "Bisa, bawa surat pindah (SKPWNI) ya.", "Sari", "form-1")
    env.service.reply(env.staff["sari"], hid, "Bisa, bawa surat pindah (SKPWNI) ya.", "Sari", "form-1")  # again
    env.service.end(env.staff["sari"], hid)
    assert env.notices("whatsapp:abc") == [
        ("handoff_claimed", env.notices("whatsapp:abc")[0][1]),
        ("handoff_reply", "👤 Sari (petugas MPP Kota Bogor):\nBisa, bawa surat pindah (SKPWNI) ya."),
        ("handoff_ended", env.notices("whatsapp:abc")[2][1]),
    ]
    assert "Sari, petugas MPP Kota Bogor, kini melayani chat Anda" in env.notices("whatsapp:abc")[0][1]
    assert "sudah selesai" in env.notices("whatsapp:abc")[2][1]
    _, lines = env.service.chat(env.staff["sari"], hid)
    assert [(line.author, line.text) for line in lines] == [
        (Author.CITIZEN, "syarat kk"),
        (Author.BOT, "Persyaratan Kartu Keluarga: ..."),
        (Author.CITIZEN, "halo, ada orang?"),
        (Author.CITIZEN, "saya mau pindah KK ke Bogor"),
        (Author.STAFF, "Bisa, bawa surat pindah (SKPWNI) ya."),
    ]
    assert env.service.gate("whatsapp:abc", "syarat ktp") is None  # the assistant answers again


def test_nothing_typed_is_stored_in_clear(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    env.service.gate("telegram:1", "alamat saya Jl. Melati 12 Bogor")
    hid = env.waiting_id("telegram:1")
    env.service.claim(env.staff["sari"], hid, "Sari")
    env.service.reply(env.staff["sari"], hid, "Nama ibu kandung Anda Siti Rahmah?", "Sari")
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        dump = " ".join(
            str(v)
            for table in ("handoff_message", "notification")
            for row in uow.session.execute(text(f"SELECT * FROM {table}"))
            for v in row
        )
    assert "Melati" not in dump and "Siti Rahmah" not in dump
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        reply = uow.session.execute(
            select(NotificationRow.text).where(NotificationRow.kind == "handoff_reply")
        ).scalar_one()
    assert is_sealed(reply)


def test_the_way_back_leaves_the_line_and_hapus_data_reaches_the_assistant(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    back = env.service.gate("telegram:1", "Kembali ke asisten!")
    assert "keluar dari antrean" in texts(back) and not back.to_assistant  # type: ignore[union-attr]
    assert env.service.current("telegram:1") is None
    assert env.service.gate("telegram:1", "syarat ktp") is None
    assert "sedang dilayani asisten" in texts(env.service.gate("telegram:1", "/kembali_ke_asisten"))

    env.join("telegram:2")
    env.service.claim(env.staff["sari"], env.waiting_id("telegram:2"), "Sari")
    erase = env.service.gate("telegram:2", "hapus data saya")
    assert erase == Gate(to_assistant=True)  # the assistant asks its own confirmation
    assert env.service.current("telegram:2") is None


def test_time_outs_end_a_held_chat_and_turn_an_unclaimed_wait_into_a_left_message_once(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    env.service.claim(env.staff["sari"], env.waiting_id("telegram:1"), "Sari")
    env.join("telegram:2")
    env.clock.advance(minutes=9)
    env.service.seen(env.staff["sari"])  # still on duty (the page refreshes itself)
    assert env.service.sweep() == {"timed_out": 0, "moved_to_message": 0, "dropped": 0}
    env.clock.advance(minutes=2)
    env.service.seen(env.staff["sari"])
    env.clock.advance(minutes=4)  # held 15 minutes without a staff message; waited 15 minutes
    assert env.service.sweep() == {"timed_out": 1, "moved_to_message": 1, "dropped": 0}
    assert env.service.sweep() == {"timed_out": 0, "moved_to_message": 0, "dropped": 0}
    assert [k for k, _ in env.notices("telegram:1")] == ["handoff_claimed", "handoff_timeout"]
    assert "10 menit" in env.notices("telegram:1")[-1][1]
    assert [k for k, _ in env.notices("telegram:2")] == ["handoff_moved"]
    assert env.service.gate("telegram:1", "halo?") is None
    assert env.service.current("telegram:2").status is Status.MESSAGE  # type: ignore[union-attr]


def test_a_time_out_takes_effect_on_the_next_message_without_a_sweep(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    hid = env.waiting_id("telegram:1")
    env.service.claim(env.staff["sari"], hid, "Sari")
    env.clock.advance(minutes=8)
    env.service.reply(env.staff["sari"], hid, "Sebentar saya cek.", "Sari")
    env.clock.advance(minutes=9)
    assert env.service.gate("telegram:1", "masih di sana?") == Gate()  # 9 minutes since her last message
    env.clock.advance(minutes=2)
    late = env.service.gate("telegram:1", "halo??")
    assert late is not None and late.to_assistant and "tidak ada balasan petugas selama 10 menit" in texts(late)
    assert env.service.sweep()["timed_out"] == 0  # told once
    with pytest.raises(HandoffError, match="waktu habis"):
        env.service.reply(env.staff["sari"], hid, "Maaf tadi saya tinggal.", "Sari")


def test_bad_input_from_staff_gets_a_clear_message_and_changes_nothing(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    hid = env.waiting_id("telegram:1")
    with pytest.raises(NotFound):
        env.service.claim(env.staff["rina"], hid, "Rina")  # another MPP's clerk
    with pytest.raises(NotFound):
        env.service.claim(env.staff["joko"], hid, "Joko")  # another agency's clerk
    with pytest.raises(NotFound):
        env.service.claim(env.staff["sari"], 999_999, "Sari")  # a forged id
    with pytest.raises(Refused):
        env.service.claim(env.staff["admin"], hid, "Admin")  # a role without the permission
    with pytest.raises(HandoffError, match="Ambil percakapan ini dulu"):
        env.service.reply(env.staff["sari"], hid, "Halo", "Sari")
    env.service.claim(env.staff["sari"], hid, "Sari")
    with pytest.raises(HandoffError, match="sudah diambil petugas lain"):
        env.service.claim(env.staff["budi"], hid, "Budi")
    with pytest.raises(HandoffError, match="ditangani petugas lain"):
        env.service.reply(env.staff["budi"], hid, "Halo", "Budi")
    with pytest.raises(HandoffError, match="kosong"):
        env.service.reply(env.staff["sari"], hid, "   \n ", "Sari")
    with pytest.raises(HandoffError, match=re.escape("terlalu panjang (5.000 karakter; paling panjang 2.000)")):
        env.service.reply(env.staff["sari"], hid, "x" * 5000, "Sari")
    with pytest.raises(HandoffError, match="ditangani petugas lain"):
        env.service.end(env.staff["budi"], hid)
    assert [k for k, _ in env.notices("telegram:1")] == ["handoff_claimed"]
    _, lines = env.service.chat(env.staff["sari"], hid)
    assert all(line.author is not Author.STAFF for line in lines)
    # the supervisor sees any chat of the MPP; a clerk of another agency does not see this one at all
    assert env.service.chat(env.staff["spv"], hid)[0].id == hid
    assert env.service.overview(env.staff["joko"]).others == []


def test_bad_input_from_the_citizen_is_answered_and_loses_nothing_stored(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    hid = env.waiting_id("telegram:1")
    env.service.claim(env.staff["sari"], hid, "Sari")
    assert "terlalu panjang" in texts(env.service.gate("telegram:1", "a" * 5000))
    assert "tombol dari asisten tidak berlaku" in texts(env.service.gate("telegram:1", "/afirmasi"))
    assert "kosong" in texts(env.service.gate("telegram:1", "   "))
    assert env.service.gate("telegram:1", "pesan yang sama", "inbox:41") == Gate()
    assert env.service.gate("telegram:1", "pesan yang sama", "inbox:41") == Gate()  # redelivered by the gateway
    _, lines = env.service.chat(env.staff["sari"], hid)
    assert [line.text for line in lines] == ["pesan yang sama"]


def test_staff_see_personal_data_masked(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        token = store_token(uow.session, env.crypto, "telegram:1", "nik", "3271045708900001", TUESDAY_9)
        uow.commit()
    env.service.join("telegram:1", "kota_bogor", None, None, None, [(Author.CITIZEN, f"NIK saya {token}", TUESDAY_9)])
    env.service.gate("telegram:1", "hp saya 081234567890")
    _, lines = env.service.chat(env.staff["sari"], env.waiting_id("telegram:1"))
    assert [line.text for line in lines] == ["NIK saya 3271********0001", "hp saya 0812*****890"]


def test_hapus_data_saya_erases_handoffs_their_transcripts_and_notices(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    env.join("telegram:2")
    hid = env.waiting_id("telegram:1")
    env.service.claim(env.staff["sari"], hid, "Sari")
    env.service.reply(env.staff["sari"], hid, "Halo", "Sari")
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        erase_conversation(uow.session, "telegram:1")
        uow.commit()
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        senders = set(uow.session.execute(select(HandoffRow.sender)).scalars())
        lines = uow.session.execute(select(HandoffMessageRow)).scalars().all()
    assert senders == {"telegram:2"} and lines == []
    assert env.notices("telegram:1") == []
    with pytest.raises(NotFound):
        env.service.chat(env.staff["sari"], hid)


def test_the_retention_job_removes_handoffs_thirty_days_after_they_ended(env: Env) -> None:
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    hid = env.waiting_id("telegram:1")
    env.service.claim(env.staff["sari"], hid, "Sari")
    env.service.end(env.staff["sari"], hid)
    env.join("telegram:2")  # still waiting: kept
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        early = purge_database(uow.session, TUESDAY_9 + timedelta(days=29))
        late = purge_database(uow.session, TUESDAY_9 + timedelta(days=31))
        uow.commit()
    assert early["handoff"] == 0 and late["handoff"] == 2


def test_a_late_whatsapp_reply_must_fit_the_template(env: Env) -> None:
    env.clock.at = SATURDAY_10
    env.join("whatsapp:late")
    env.service.gate("whatsapp:late", "Tolong kabari saya soal berkas akta.")
    env.clock.at = datetime(2026, 12, 7, 9, 0, tzinfo=WIB)  # Monday: 47 hours later
    hid = env.waiting_id("whatsapp:late")
    env.service.claim(env.staff["sari"], hid, "Sari")
    with pytest.raises(HandoffError, match="lebih dari 24 jam"):
        env.service.reply(env.staff["sari"], hid, "Berkas Anda. " * 80, "Sari")
    env.service.reply(env.staff["sari"], hid, "Berkas akta Anda sudah bisa diambil.", "Sari")
    assert env.notices("whatsapp:late")[-1][0] == "handoff_reply"


def test_key_rotation_re_encrypts_transcripts_and_sealed_replies(env: Env, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mpp import cli

    old = Keys.generate()
    env.service.crypto = Crypto(old)
    env.service.seen(env.staff["sari"])
    env.join("telegram:1")
    env.service.gate("telegram:1", "alamat saya di Jl. Kenari")
    hid = env.waiting_id("telegram:1")
    env.service.claim(env.staff["sari"], hid, "Sari")
    env.service.reply(env.staff["sari"], hid, "Terima kasih.", "Sari")
    new = Keys.generate()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MPP_PII_KEY", f"{new.encryption.decode()},{old.encryption.decode()}")
    monkeypatch.setenv("MPP_PII_HASH_KEY", old.hashing.decode())
    assert cli.main(["keys", "rotate"]) == 0
    only_new = Crypto(Keys(new.encryption, old.hashing))
    with UnitOfWork(env.factory) as uow:  # type: ignore[arg-type]
        bodies = [only_new.decrypt(b) for b in uow.session.execute(select(HandoffMessageRow.body_encrypted)).scalars()]
        reply = uow.session.execute(
            select(NotificationRow.text).where(NotificationRow.kind == "handoff_reply")
        ).scalar_one()
    assert "alamat saya di Jl. Kenari" in bodies
    assert unseal(only_new, reply) == "👤 Sari (petugas MPP Kota Bogor):\nTerima kasih."


def test_a_left_message_joins_the_line_at_its_old_place_when_someone_comes_on_duty(env: Env) -> None:
    env.join("telegram:1")  # nobody on duty: a message
    env.service.gate("telegram:1", "Pesan pertama saya.")
    env.clock.advance(minutes=5)
    env.service.seen(env.staff["sari"])
    assert "urutan ke-1" in env.join("telegram:2")
    assert "urutan ke-1" in env.join("telegram:1")  # asked again: into the line, ahead of the later one
    assert [h.sender for h in env.service.overview(env.staff["sari"]).waiting] == ["telegram:1", "telegram:2"]


async def test_the_terminal_chat_keeps_its_notifications_sealed(env: Env) -> None:
    from bot.console_channel import ConsoleChannel
    from mpp import console_chat
    from mpp.db.queue_tables import ConsoleMessageRow

    await ConsoleChannel(env.factory, env.crypto).notify(
        "console:warga", "👤 Sari: NIK Anda 3271045708900001?", TUESDAY_9
    )  # type: ignore[arg-type]
    with UnitOfWork(env.factory, write=True) as uow:  # type: ignore[arg-type]
        stored = uow.session.execute(select(ConsoleMessageRow.text)).scalar_one()
        shown = console_chat.take_undelivered(uow.session, "console:warga", env.crypto)
        uow.commit()
    assert is_sealed(stored) and "3271045708900001" not in stored
    assert shown == ["👤 Sari: NIK Anda 3271045708900001?"]
