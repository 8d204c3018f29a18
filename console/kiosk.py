"""Kiosk routes: enrolment with a one-time code, the kiosk screen, and staff's kiosk management.

The kiosk cookie holds the device credential (``mpp_kiosk``, HttpOnly, SameSite=Strict,
path ``/kiosk``); it is checked against the database on every request, so a revoked device
is refused at its next tap. Kiosk forms carry the device's CSRF token in the ``kiosk`` field.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import timedelta
from typing import Any

from aiohttp import web

from console import kiosk_pages
from console.web import ConsoleBase
from mpp.applications.links import Links
from mpp.applications.service import ApplicationService
from mpp.booking.replies import qr_png_base64
from mpp.queue.service import QueueError
from mpp.staff import kiosks
from mpp.staff.accounts import StaffSession
from mpp.staff.kiosks import PRIORITY_REASONS, KioskDevice, KioskRefused
from mpp.staff.roles import Permission, Refused
from mpp.staff.throttle import ENROL_ADDRESS, Throttled

logger = logging.getLogger("console.kiosk")
KIOSK_COOKIE = "mpp_kiosk"
DEVICE_COOKIE_DAYS = 400  # browsers cap cookie lifetime at 400 days; re-enrol after that


def add_routes(app: web.Application, console: ConsoleBase) -> None:
    routes = KioskRoutes(console)
    app.router.add_get("/kiosk/enrol", routes.enrol_form)  # before /kiosk/{mpp}
    app.router.add_post("/kiosk/enrol", routes.enrol)
    app.router.add_get("/kiosk/{mpp}", routes.screen)
    app.router.add_post("/kiosk/{mpp}/{action}", routes.act)
    app.router.add_get("/kiosks", routes.manage)
    app.router.add_post("/kiosks", routes.create)
    app.router.add_post("/kiosks/{device:\\d+}/{action}", routes.device_action)


class KioskRoutes:
    def __init__(self, console: ConsoleBase):
        self.c = console
        self._applications: ApplicationService | None = None
        self._links = Links.from_env()

    # ---- the kiosk ------------------------------------------------------------------
    async def enrol_form(self, request: web.Request) -> web.Response:
        code = request.query.get("code", "")[:20]
        return web.Response(text=kiosk_pages.enrol_page(code), content_type="text/html")

    async def enrol(self, request: web.Request) -> web.Response:
        form = await request.post()
        code = str(form.get("code", "")).strip()[:20]
        if not code:
            return web.Response(
                text=kiosk_pages.enrol_page("", "Masukkan kode pendaftaran dari admin MPP."),
                content_type="text/html",
                status=400,
            )
        address, now = self.c.client(request), self.c.now()
        try:
            await asyncio.to_thread(self.c.db, self.c.throttle.reserve, [(ENROL_ADDRESS, address)], now)
        except Throttled as exc:
            if self.c.quiet.due(f"enrol:{address}"):
                logger.warning("kiosk enrolment throttled from %s (logged once a minute)", address)
            return web.Response(
                text=kiosk_pages.enrol_page(code, f"Terlalu banyak percobaan. Coba lagi dalam {exc.minutes} menit."),
                content_type="text/html",
                status=429,
                headers={"Retry-After": str(int(exc.retry_after.total_seconds()))},
            )
        enrolled = await asyncio.to_thread(self.c.db, kiosks.enrol, code, now)
        if enrolled is None:
            logger.warning("kiosk enrolment with a wrong or expired code from %s", address)
            return web.Response(
                text=kiosk_pages.enrol_page(
                    code,
                    "Kode pendaftaran tidak berlaku (salah, sudah dipakai, atau kedaluwarsa). "
                    "Minta kode baru kepada admin MPP.",
                ),
                content_type="text/html",
                status=400,
            )
        device, credential = enrolled
        logger.info("kiosk device %d (%s) enrolled from %s", device.id, device.mpp_code, address)
        response = self.c.redirect(f"/kiosk/{device.mpp_code}", f"Anjungan '{device.name}' terdaftar.")
        self.c.cookie(response, KIOSK_COOKIE, credential, max_age=DEVICE_COOKIE_DAYS * 86400, path="/kiosk")
        return response

    async def _device(self, request: web.Request, mpp_code: str) -> KioskDevice:
        device = await asyncio.to_thread(self.c.db, kiosks.resolve, request.cookies.get(KIOSK_COOKIE), write=False)
        if device is None:
            raise web.HTTPForbidden(text=kiosk_pages.not_enrolled_page(), content_type="text/html")
        if device.mpp_code != mpp_code:
            raise web.HTTPForbidden(
                text=kiosk_pages.not_enrolled_page("Perangkat ini terdaftar sebagai anjungan MPP lain."),
                content_type="text/html",
            )
        return device

    async def screen(self, request: web.Request) -> web.Response:
        cat = self.c.catalogue()
        mpp = cat.mpp(request.match_info["mpp"])
        if mpp is None:
            raise web.HTTPNotFound(text="MPP tidak dikenal.")
        device = await self._device(request, mpp.code)
        return self.c.html(request, lambda flash: kiosk_pages.kiosk_page(cat, mpp, device.csrf_token or "", flash))

    async def act(self, request: web.Request) -> web.Response:
        mpp_code, action = request.match_info["mpp"], request.match_info["action"]
        if action not in ("check-in", "walk-in"):
            raise web.HTTPNotFound()
        device = await self._device(request, mpp_code)
        form = await request.post()
        if not device.csrf_token or not hmac.compare_digest(device.csrf_token, str(form.get("kiosk", ""))):
            raise web.HTTPForbidden(text="Sesi anjungan tidak sah. Muat ulang halaman.")
        back = f"/kiosk/{mpp_code}"
        try:
            if action == "check-in":
                code = str(form.get("code", "")).strip()[:32]
                if not code:
                    return self.c.redirect(back, "Masukkan kode booking atau pindai QR.")
                ticket = await asyncio.to_thread(self.c.kiosks.check_in, device, code)
                return self.c.redirect(
                    back, f"Check-in berhasil. Nomor antrean Anda: {ticket.number}. Silakan tunggu panggilan."
                )
            reason = str(form.get("priority", "")).strip()[:32] or None
            service = str(form.get("service", ""))[:64]
            ticket = await asyncio.to_thread(self.c.kiosks.walk_in, device, service, reason)
            lane = " (jalur prioritas)" if reason else ""
            message = f"Nomor antrean Anda: {ticket.number}{lane}. Silakan tunggu panggilan."
            printed = await asyncio.to_thread(self._printed_ticket, ticket.id, ticket.number)
            cat, mpp = self.c.catalogue(), self.c.catalogue().mpp(mpp_code)
            assert mpp is not None  # the device is enrolled at a known MPP
            return web.Response(
                text=kiosk_pages.kiosk_page(cat, mpp, device.csrf_token or "", message, printed),
                content_type="text/html",
            )
        except KioskRefused as exc:
            if self.c.quiet.due(f"kiosk:{device.id}:{action}"):
                logger.warning("kiosk device %d refused %s (logged once a minute): %s", device.id, action, exc)
            return self.c.redirect(back, str(exc))
        except QueueError as exc:
            return self.c.redirect(back, str(exc))

    def _printed_ticket(self, ticket_id: int, number: str) -> str:
        """The walk-in ticket's link to a chat (``mpp.applications.links``): signed, expiring, one chat."""
        if self._applications is None:
            from console.applications import default_service

            self._applications = default_service(self.c)
        token = self._applications.token_for(ticket_id)
        links = [(label, url, qr_png_base64(url)) for label, url in self._links.for_token(token)]
        return kiosk_pages.ticket_section(number, token, links)

    # ---- staff: managing kiosks ---------------------------------------------------------
    def _manager(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.MANAGE_KIOSKS)
        return staff

    async def _page(
        self, request: web.Request, staff: StaffSession, note: str | None = None, name: str = "", status: int = 200
    ) -> web.Response:
        since = self.c.now() - timedelta(hours=24)

        def load(session: Any) -> tuple[list[KioskDevice], dict[int, dict[str, int]]]:
            devices = kiosks.list_devices(session, staff.member)
            return devices, kiosks.activity(session, [d.id for d in devices], since)

        devices, activity = await asyncio.to_thread(self.c.db, load, write=False)
        cat = self.c.catalogue()
        mpps = sorted(cat.mpps) if staff.mpp_code is None else [staff.mpp_code]
        return self.c.html(
            request,
            lambda flash: kiosk_pages.manage_page(
                devices, activity, mpps, staff.csrf_token, note or flash, name, PRIORITY_REASONS
            ),
            status=status,
        )

    async def manage(self, request: web.Request) -> web.Response:
        return await self._page(request, self._manager(request))

    async def create(self, request: web.Request) -> web.Response:
        staff = self._manager(request)
        form = request["form"]
        name = " ".join(str(form.get("name", "")).split())
        mpp_code = str(form.get("mpp", "") or staff.mpp_code or "")[:64]
        if not name:
            return await self._page(
                request, staff, "Beri nama anjungan (misalnya: Anjungan lobi lantai 1).", status=400
            )
        if len(name) > 80:
            return await self._page(request, staff, "Nama anjungan paling panjang 80 karakter.", name[:200], 400)
        if self.c.catalogue().mpp(mpp_code) is None:
            return await self._page(request, staff, "Pilih MPP dari daftar.", name, 400)
        try:
            device_id, code = await asyncio.to_thread(
                self.c.db, kiosks.create_device, staff.member, mpp_code, name, self.c.now()
            )
        except Refused as exc:
            return await self._page(request, staff, str(exc), name, 403)
        logger.info("kiosk device %d created at %s by staff %d", device_id, mpp_code, staff.staff_id)
        return await self._code_page(request, name, code)

    async def _code_page(self, request: web.Request, name: str, code: str) -> web.Response:
        response = web.Response(text=kiosk_pages.code_page(name, code, kiosks.ENROL_MINUTES), content_type="text/html")
        response.headers["Cache-Control"] = "no-store"  # the code is shown once
        return response

    async def device_action(self, request: web.Request) -> web.Response:
        staff = self._manager(request)
        device_id, action = int(request.match_info["device"]), request.match_info["action"]
        now = self.c.now()
        try:
            if action == "revoke":
                device = await asyncio.to_thread(self.c.db, kiosks.revoke, staff.member, device_id, now)
                logger.info("kiosk device %d revoked by staff %d", device_id, staff.staff_id)
                return self.c.redirect(
                    "/kiosks", f"Anjungan '{device.name}' dicabut; perangkat itu tidak bisa dipakai lagi."
                )
            if action == "code":
                code = await asyncio.to_thread(self.c.db, kiosks.new_enrolment_code, staff.member, device_id, now)
                return await self._code_page(request, f"#{device_id}", code)
        except Refused as exc:
            raise web.HTTPForbidden(text=str(exc)) from None
        except ValueError as exc:
            return self.c.redirect("/kiosks", str(exc))
        raise web.HTTPNotFound()
