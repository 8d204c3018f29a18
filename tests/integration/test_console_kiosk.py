"""Kiosks are enrolled devices: enrolment, revocation, per-device limits, priority, and the audit of every action."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from console.settings import ConsoleSettings
from mpp.db.queue_tables import TicketRow
from mpp.db.staff_tables import AuditRow
from mpp.staff.kiosks import KioskPolicy
from testkit.core import on_database
from tests.console_harness import running_console

POLICY = KioskPolicy(walk_ins=5, priority=2, bad_codes=3, window=timedelta(minutes=10))


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo, ConsoleSettings(kiosk=POLICY)) as running:
        yield running


def tickets(site) -> int:  # type: ignore[no-untyped-def]
    with site.factory() as s:
        return int(s.execute(select(func.count()).select_from(TicketRow)).scalar_one())


def audit(site) -> list[tuple[str, int | None, int | None]]:  # type: ignore[no-untyped-def]
    with site.factory() as s:
        rows = s.execute(select(AuditRow).where(AuditRow.action.like("kiosk%")).order_by(AuditRow.id)).scalars()
        return [(r.action, r.device_id, r.ticket_id) for r in rows]


async def test_an_unenrolled_browser_gets_no_ticket_and_no_check_in(site) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=site.base) as stranger:
        page = await stranger.get("/kiosk/kota_bogor")
        assert page.status_code == 403 and "belum terdaftar" in page.text
        assert 'name="kiosk"' not in page.text  # no form, no token
        for action, data in (("walk-in", {"service": "kk"}), ("check-in", {"code": "ZZZZ2222"})):
            refused = await stranger.post(f"/kiosk/kota_bogor/{action}", data=data)
            assert refused.status_code == 403
        forged = await stranger.post(
            "/kiosk/kota_bogor/walk-in", data={"service": "kk"}, cookies={"mpp_kiosk": "guessed-credential"}
        )
        assert forged.status_code == 403
    assert tickets(site) == 0


async def test_a_kiosk_flood_stops_at_the_per_device_limit_and_other_kiosks_go_on(site, caplog) -> None:  # type: ignore[no-untyped-def]
    kiosk, token, device = await site.kiosk()
    other, other_token, other_device = await site.kiosk()
    async with contextlib.aclosing(kiosk), contextlib.aclosing(other):
        issued = 0
        for _ in range(40):
            page = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk"})
            assert page.status_code == 200
            if "Nomor antrean Anda" in page.text:
                issued += 1
            else:
                assert "terlalu banyak permintaan" in page.text
        assert issued == POLICY.walk_ins
        assert tickets(site) == POLICY.walk_ins
        ok = await other.post("/kiosk/kota_bogor/walk-in", data={"kiosk": other_token, "service": "kk"})
        assert "Nomor antrean Anda" in ok.text  # the limit is per device
        site.clock.at += POLICY.window + timedelta(seconds=1)
        again = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk"})
        assert "Nomor antrean Anda" in again.text  # the window slides
    assert len([r for r in caplog.records if "refused walk-in" in r.getMessage()]) == 1  # the log is not flooded
    walk_ins = [(d, t) for a, d, t in audit(site) if a == "kiosk_walk_in"]
    assert len(walk_ins) == POLICY.walk_ins + 2
    assert {d for d, _ in walk_ins} == {device, other_device}
    assert all(t is not None for _, t in walk_ins)  # each audit row names its ticket


async def test_priority_needs_a_counted_reason_and_past_the_limit_a_staff_member(site) -> None:  # type: ignore[no-untyped-def]
    kiosk, token, device = await site.kiosk()
    async with contextlib.aclosing(kiosk):
        bad = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk", "priority": "vip"})
        assert "Pilih alasan prioritas" in bad.text
        for reason in ("lansia", "hamil"):
            page = await kiosk.post(
                "/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk", "priority": reason}
            )
            assert "jalur prioritas" in page.text
        third = await kiosk.post(
            "/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk", "priority": "disabilitas"}
        )
        assert "minta nomor prioritas kepada petugas" in third.text
        plain = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk"})
        assert "Nomor antrean Anda" in plain.text  # an ordinary ticket is still there
    with site.factory() as s:
        priority = s.execute(select(TicketRow).where(TicketRow.priority.is_(True))).scalars().all()
        reasons = s.execute(
            select(AuditRow.detail).where(AuditRow.action == "kiosk_priority", AuditRow.device_id == device)
        ).scalars()
        assert len(priority) == POLICY.priority
        assert sorted(r.split()[-1] for r in reasons) == ["hamil", "lansia"]  # the reason is counted per device
    # the staff member confirms priority in the console
    clerk, csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(clerk):
        await clerk.post("/walk-in", data={"csrf": csrf, "service": "kk", "priority": "1"})
    with site.factory() as s:
        assert s.execute(select(func.count()).where(TicketRow.priority.is_(True))).scalar_one() == POLICY.priority + 1


async def test_a_revoked_device_gets_nothing_at_its_next_tap(site) -> None:  # type: ignore[no-untyped-def]
    kiosk, token, device = await site.kiosk()
    admin, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(kiosk), contextlib.aclosing(admin):
        assert (
            "Nomor antrean Anda"
            in (await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk"})).text
        )
        listing = (await admin.get("/kiosks")).text
        assert "Lobi" in listing and "aktif" in listing
        revoked = await admin.post(f"/kiosks/{device}/revoke", data={"csrf": csrf})
        assert revoked.status_code == 303
        assert "dicabut" in (await admin.get("/kiosks")).text
        after = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk"})
        assert after.status_code == 403
        assert (await kiosk.get("/kiosk/kota_bogor")).status_code == 403
    assert tickets(site) == 1
    assert ("kiosk_revoked", device, None) in audit(site)


async def test_check_ins_are_audited_with_the_device_and_code_guessing_is_limited(site, demo) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, time

    from mpp.booking.model import Booking, BookingRequest

    booked_on = datetime(2026, 11, 27, 3, 0, tzinfo=site.clock.at.tzinfo)  # days before the visit
    bookings = on_database(site.factory, demo.catalogue, lambda: booked_on).bookings
    visit = site.clock().date()
    booking = bookings.book(
        BookingRequest("k1", "telegram:42", "kota_bogor", "kk", visit, time(10, 0), "Warga", "3271045708900001")
    )
    assert isinstance(booking, Booking), booking
    kiosk, token, device = await site.kiosk()
    async with contextlib.aclosing(kiosk):
        ok = await kiosk.post("/kiosk/kota_bogor/check-in", data={"kiosk": token, "code": booking.code})
        assert "Check-in berhasil" in ok.text
        empty = await kiosk.post("/kiosk/kota_bogor/check-in", data={"kiosk": token, "code": "  "})
        assert "Masukkan kode booking" in empty.text
        answers = [
            (await kiosk.post("/kiosk/kota_bogor/check-in", data={"kiosk": token, "code": f"ZZZZ222{i}"})).text
            for i in range(5)
        ]
        assert sum("tidak ditemukan di MPP ini" in a for a in answers) == POLICY.bad_codes
        assert "Terlalu banyak kode booking" in answers[-1]
    log = audit(site)
    check_in = next(entry for entry in log if entry[0] == "kiosk_check_in")
    assert check_in[1] == device and check_in[2] is not None
    assert [a for a, d, _ in log if a == "kiosk_bad_code" and d == device] == ["kiosk_bad_code"] * POLICY.bad_codes


async def test_an_enrolment_code_works_once_and_not_after_it_expires(site) -> None:  # type: ignore[no-untyped-def]
    _, code = site.enrolment_code()
    async with httpx.AsyncClient(base_url=site.base, follow_redirects=True) as first:
        form = await first.get(f"/kiosk/enrol?code={code}")
        assert code in form.text  # the link fills the form; only the button enrols (no prefetch enrolment)
        assert (await first.post("/kiosk/enrol", data={"code": code.lower().replace("-", " ")})).status_code == 200
    async with httpx.AsyncClient(base_url=site.base, follow_redirects=True) as second:
        reused = await second.post("/kiosk/enrol", data={"code": code})
        assert reused.status_code == 400 and "tidak berlaku" in reused.text and code in reused.text
        _, late = site.enrolment_code()
        site.clock.at += timedelta(minutes=31)
        assert (await second.post("/kiosk/enrol", data={"code": late})).status_code == 400
        assert (await second.post("/kiosk/enrol", data={"code": ""})).status_code == 400
        assert (await second.get("/kiosk/kota_bogor")).status_code == 403


async def test_enrolment_guessing_is_throttled_per_address(site) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=site.base) as guesser:
        statuses = [
            (await guesser.post("/kiosk/enrol", data={"code": f"AAAAA-AAAA{i}"})).status_code for i in range(12)
        ]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


async def test_only_mpp_and_national_admins_manage_kiosks_and_only_their_own(site) -> None:  # type: ignore[no-untyped-def]
    device, _ = site.enrolment_code("kota_bogor", "Pintu Timur")
    clerk, clerk_csrf = await site.login("dukcapil.bogor")
    other, other_csrf = await site.login("admin.bekasi")
    national, national_csrf = await site.login("nasional")
    async with contextlib.aclosing(clerk), contextlib.aclosing(other), contextlib.aclosing(national):
        assert (await clerk.get("/kiosks")).status_code == 403
        assert (await clerk.post(f"/kiosks/{device}/revoke", data={"csrf": clerk_csrf})).status_code == 403
        assert "Pintu Timur" not in (await other.get("/kiosks")).text  # another MPP's devices are not listed
        assert "Pintu Timur" in (await national.get("/kiosks")).text
        assert (await other.post(f"/kiosks/{device}/revoke", data={"csrf": other_csrf})).status_code == 403
        assert (
            await other.post("/kiosks", data={"csrf": other_csrf, "name": "X", "mpp": "kota_bogor"})
        ).status_code == 403
        created = await national.post("/kiosks", data={"csrf": national_csrf, "name": "Lobi 2", "mpp": "kota_bekasi"})
        assert created.status_code == 200
        assert re.search(r'id="enrol-code">[A-Z2-9]{5}-[A-Z2-9]{5}<', created.text)
        assert created.headers["Cache-Control"] == "no-store"


async def test_bad_input_on_the_kiosk_forms_gets_a_clear_message_and_keeps_what_was_typed(site) -> None:  # type: ignore[no-untyped-def]
    admin, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        empty = await admin.post("/kiosks", data={"csrf": csrf, "name": "   "})
        assert empty.status_code == 400 and "Beri nama anjungan" in empty.text
        long_name = "Anjungan " + "x" * 100
        too_long = await admin.post("/kiosks", data={"csrf": csrf, "name": long_name})
        assert too_long.status_code == 400 and "paling panjang 80" in too_long.text and long_name in too_long.text
        wrong_mpp = await admin.post("/kiosks", data={"csrf": csrf, "name": "Lobi Utara", "mpp": "atlantis"})
        assert wrong_mpp.status_code == 400 and "Pilih MPP" in wrong_mpp.text and 'value="Lobi Utara"' in wrong_mpp.text
        unknown = await admin.post("/kiosks/999/revoke", data={"csrf": csrf})
        assert unknown.status_code == 303
        assert "tidak ada" in (await admin.get("/kiosks")).text
    clerk, clerk_csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(clerk):
        await clerk.post("/check-in", data={"csrf": clerk_csrf, "code": "   "})
        assert "Masukkan kode booking" in (await clerk.get("/")).text
    kiosk, token, _ = await site.kiosk()
    async with contextlib.aclosing(kiosk):
        wrong_service = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "teleport"})
        assert "tidak tersedia" in wrong_service.text
        assert (await kiosk.post("/kiosk/kota_bogor/walk-in", data={"service": "kk"})).status_code == 403  # no token
        assert (await kiosk.get("/kiosk/kota_bekasi")).status_code == 403  # enrolled for another MPP


async def test_the_kiosk_offers_no_walk_in_for_an_agency_whose_presence_is_unverified(site) -> None:  # type: ignore[no-untyped-def]
    """BPN and KPP at MPP Kota Bogor are only in a 2019 MoU: no ticket for them, listed or forged."""
    kiosk, token, _ = await site.kiosk()
    async with contextlib.aclosing(kiosk):
        page = (await kiosk.get("/kiosk/kota_bogor")).text
        offered = set(re.findall(r'<option value="([a-z_]+)">', page))
        assert {"ktp_el", "kk", "pajak_kendaraan"} <= offered
        assert not {"sertifikat_tanah", "npwp"} & offered
        before = tickets(site)
        forged = await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "sertifikat_tanah"})
        assert "belum terverifikasi" in forged.text
        assert tickets(site) == before
