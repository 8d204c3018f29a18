"""A complaint through the running assistant's REST channel (the path of the gateway and the terminal): filed by
chat with its number and secret, checked from the same chat and from another, triaged by the supervisor (pungli:
nobody else sees it), answered and resolved with each step reaching the chat; bad input along the way."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from sqlalchemy import select

from mpp.catalogue.loader import read_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.grievance.export import render
from mpp.grievance.service import ComplaintService
from mpp.notify_outbox import unseal
from mpp.privacy import Crypto
from mpp.staff.accounts import add_staff, member_of
from mpp.staff.roles import Role
from tests.conftest import CATALOGUE_DIR
from tests.e2e.conftest import FIXED_NOW, Assistant

NOW = datetime.fromisoformat(FIXED_NOW)


def _staff(factory, role: Role):  # type: ignore[no-untyped-def]
    with UnitOfWork(factory, write=True) as uow:
        row = add_staff(
            uow.session, f"s-{uuid.uuid4().hex[:8]}", "kata-sandi-rahasia", "Dewi", "kota_bogor", None, role=role
        )
        uow.session.flush()
        member = member_of(row)
        uow.commit()
    return member


def test_pungli_complaint_filed_checked_answered_and_resolved(assistant: Assistant) -> None:
    factory = make_session_factory(make_engine(assistant.db_url))
    crypto = Crypto(assistant.keys)
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    staff_side = ComplaintService(factory, lambda: catalogue, crypto, lambda: NOW)
    me, other = assistant.new_sender(), assistant.new_sender()

    first = assistant.text(me, "petugas loket samsat di mpp bogor minta uang pelicin 200rb biar stnk cepat")
    assert "pengaduan resmi" in first and "Kapan kejadiannya" in first
    assert "Nomor HP atau email" in assistant.text(me, "kemarin sekitar jam 10 pagi")
    assert "Mohon periksa pengaduan" in assistant.text(me, "lewati")  # the summary before filing (issue 17)
    filed = assistant.text(me, "ya")
    number = re.search(r"Nomor pengaduan: (ADU-2026-\d{6})", filed)
    secret = re.search(r"Kode rahasia: ([A-Z0-9]{6})", filed)
    assert number and secret, filed
    assert "hanya dibaca supervisor" in filed
    assert "diterima, menunggu ditelaah" in assistant.text(me, "cek pengaduan saya")

    # Another chat: the number alone gets how to check; a wrong secret the one polite answer; the right one the status.
    assert "hanya bisa dicek bersama kode rahasianya" in assistant.text(other, f"cek pengaduan {number.group(1)}")
    assert "tidak ditemukan" in assistant.text(other, f"cek pengaduan {number.group(1)} ZZ22ZZ")
    assert "Status:" in assistant.text(other, f"cek pengaduan {number.group(1)} {secret.group(1)}")

    spv, admin = _staff(factory, Role.SUPERVISOR), _staff(factory, Role.MPP_ADMIN)
    mine = [c for c in staff_side.triage(spv) if c.number == number.group(1)]
    assert mine and not [c for c in staff_side.triage(admin) if c.number == number.group(1)]
    staff_side.reply(spv, mine[0].id, "Kami sudah memanggil petugas yang bersangkutan.", None)
    assert "Kami sudah memanggil petugas" in assistant.text(me, f"cek pengaduan {number.group(1)}")
    staff_side.resolve(spv, mine[0].id, "Petugas diberi sanksi sesuai aturan.")
    assert "selesai" in assistant.text(me, "cek pengaduan")
    with UnitOfWork(factory) as uow:
        sent = [
            unseal(crypto, r.text) or ""
            for r in uow.session.execute(select(NotificationRow).where(NotificationRow.chat_id == me)).scalars()
        ]
    assert len(sent) == 2 and "Kami sudah memanggil" in sent[0] and "dinyatakan selesai" in sent[1]
    records = staff_side.export(spv, date(2026, 11, 27), date(2026, 11, 27))
    assert any(r["nomor"] == number.group(1) and r["rahasia"] for r in records)
    assert "minta uang pelicin" in render(records, "csv")
    factory.kw["bind"].dispose()  # type: ignore[attr-defined]


def test_bad_input_in_the_complaint_form_loses_nothing_and_batal_keeps_nothing(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Ceritakan singkat apa yang terjadi" in assistant.text(me, "saya mau komplain")
    too_long = assistant.text(me, "antri lama sekali " * 300)
    assert "terlalu panjang" in too_long and "maksimal 2.000" in too_long
    assert "Di MPP mana" in assistant.text(me, "ac di ruang tunggu mati dari pagi, panas sekali")
    assert "Baik, pengaduan tidak jadi dikirim" in assistant.text(me, "batal")
    assert "Belum ada pengaduan" in assistant.text(me, "cek pengaduan saya")


def test_an_mpp_corrected_mid_complaint_is_taken_and_the_rest_asked_again(assistant: Assistant) -> None:
    """Issue 17 in the complaint form: the MPP corrected while the time is asked; the agency is asked again."""
    me = assistant.new_sender()
    first = assistant.text(me, "petugas loket samsat di mpp bogor minta uang pelicin 150rb biar cepat")
    assert "Kapan kejadiannya" in first
    fixed = assistant.text(me, "eh salah, mpp nya bekasi bukan bogor")
    assert "MPP diubah: MPP Kota Bekasi" in fixed
    assert "Kapan kejadiannya" not in fixed.split("MPP diubah")[0]  # the correction is not stored as the time
    for _ in range(3):  # the agency (it belongs to the MPP), then the time, are asked again
        if "Nomor HP atau email" in fixed:
            break
        fixed = assistant.text(me, "lewati" if "Kapan kejadiannya" not in fixed else "kemarin pagi")
    assert "• MPP: MPP Kota Bekasi" in assistant.text(me, "lewati")
    filed = assistant.text(me, "iya benar")
    assert re.search(r"Nomor pengaduan: ADU-2026-\d{6}", filed), filed
    assert "pengelola pengaduan MPP Kota Bekasi" in filed  # filed where the citizen said, after the correction
    assert "(MPP Kota Bekasi" in assistant.text(me, "cek pengaduan saya")


def to_summary(assistant: Assistant, me: str, complaint: str, when: str) -> str:
    """The complaint told, then each prompt answered (agency: not known, contact: none) up to the summary."""
    reply = assistant.text(me, complaint)
    for _ in range(4):
        if "Mohon periksa pengaduan" in reply:
            return reply
        reply = assistant.text(me, when if "Kapan kejadiannya" in reply else "lewati")
    raise AssertionError(reply)


def test_at_the_complaint_summary_tidak_asks_what_to_change_and_only_that_is_asked_again(assistant: Assistant) -> None:
    """Issue 17: "tidak" keeps everything and asks which part; the time said again; the summary shows it."""
    me = assistant.new_sender()
    summary = to_summary(
        assistant, me, "petugas loket pdam di mpp bogor membentak warga yang bertanya", "kemarin siang"
    )
    assert "Mohon periksa pengaduan" in summary and "• Waktu kejadian: kemarin siang" in summary
    which = assistant.text(me, "tidak")
    assert "Bagian mana yang perlu diubah" in which and "Nomor pengaduan" not in which
    assert "Kapan kejadiannya" in assistant.text(me, "waktunya salah")
    again = assistant.text(me, "rabu kemarin jam 2 siang")
    assert "• Waktu kejadian: rabu kemarin jam 2 siang" in again and "membentak warga" in again
    filed = assistant.text(me, "benr")  # a typo'd yes files it
    assert re.search(r"Nomor pengaduan: ADU-2026-\d{6}", filed), filed


def test_at_the_complaint_summary_tidak_then_batal_keeps_nothing(assistant: Assistant) -> None:
    me = assistant.new_sender()
    summary = to_summary(assistant, me, "toilet di mpp bekasi kotor sekali dan tidak ada air", "tadi pagi")
    assert "Mohon periksa pengaduan" in summary
    assert "Bagian mana" in assistant.text(me, "bukan")
    assert "tidak jadi dikirim" in assistant.text(me, "batal aja")
    assert "Belum ada pengaduan" in assistant.text(me, "cek pengaduan saya")
