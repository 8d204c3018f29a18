"""Complaint triage routes: the list, one complaint, assign / reply / resolve, and the SP4N-LAPOR export.

Every route needs ``TRIAGE_COMPLAINTS``; which complaints a staff member sees is the core's rule
(``mpp.grievance.model.may_see``): a complaint outside it, another MPP's, or an id that does not
exist gets the same "not found". Replies and resolutions reach the citizen's chat through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import date
from typing import Any

from aiohttp import web

from console import complaints_pages
from console.web import ConsoleBase
from mpp.grievance.export import render
from mpp.grievance.model import ComplaintError, NotFound
from mpp.grievance.service import ComplaintService
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission, Refused
from mpp.storage import Unavailable

logger = logging.getLogger("console.complaints")


def add_routes(app: web.Application, console: ConsoleBase, service: ComplaintService | None = None) -> None:
    routes = ComplaintRoutes(console, service or default_service(console))
    app.router.add_get("/complaints", routes.overview)
    app.router.add_get("/complaints/export", routes.export)
    app.router.add_get("/complaints/{complaint:\\d+}", routes.detail)
    app.router.add_post("/complaints/{complaint:\\d+}/{action}", routes.act)


def default_service(console: ConsoleBase) -> ComplaintService:
    from mpp.privacy import Crypto, load_keys

    return ComplaintService(console._sessions, console.catalogue, Crypto(load_keys()), console.now)


class ComplaintRoutes:
    def __init__(self, console: ConsoleBase, service: ComplaintService):
        self.c, self.complaints = console, service

    def _staff(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.TRIAGE_COMPLAINTS, mpp=staff.mpp_code)
        return staff

    @staticmethod
    def _id(request: web.Request) -> int:
        value = int(request.match_info["complaint"])
        if value > 2**31 - 1:
            raise web.HTTPNotFound(text="Pengaduan tidak ditemukan di daftar Anda.")
        return value

    async def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args)
        except NotFound as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        except Refused as exc:
            raise web.HTTPForbidden(text=str(exc)) from None
        except Unavailable:
            raise web.HTTPServiceUnavailable(
                text="Basis data sedang tidak bisa dihubungi. Coba lagi sebentar."
            ) from None

    def _today(self, staff: StaffSession) -> date:
        return self.complaints.today(staff.mpp_code or "")

    async def overview(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        items = await self._call(self.complaints.triage, staff.member)
        cat, today = self.c.catalogue(), self._today(staff)
        return self.c.html(request, lambda flash: complaints_pages.list_page(cat, staff, items, today, flash))

    async def _detail_page(
        self,
        request: web.Request,
        staff: StaffSession,
        cid: int,
        note: str | None = None,
        draft: str = "",
        status: int = 200,
    ) -> web.Response:
        d = await self._call(self.complaints.detail, staff.member, cid)
        cat, today = self.c.catalogue(), self._today(staff)
        nonce = secrets.token_urlsafe(12)  # one per form shown: a double submit sends the reply once
        response = self.c.html(
            request,
            lambda flash: complaints_pages.detail_page(cat, staff, d, today, note or flash, draft, nonce),
            status=status,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    async def detail(self, request: web.Request) -> web.Response:
        return await self._detail_page(request, self._staff(request), self._id(request))

    async def act(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        cid, action = self._id(request), request.match_info["action"]
        back = f"/complaints/{cid}"
        form = request.get("form") or {}
        text = str(form.get("text", ""))
        try:
            if action == "assign":
                await self._call(self.complaints.assign, staff.member, cid, str(form.get("agency", "")))
                logger.info("complaint %d assigned by staff %d", cid, staff.staff_id)
                return self.c.redirect(back, "Pengaduan diteruskan. Warga sudah diberi tahu.")
            if action == "reply":
                await self._call(
                    self.complaints.reply, staff.member, cid, text, str(form.get("nonce", ""))[:40] or None
                )
                logger.info("complaint %d: staff %d replied", cid, staff.staff_id)  # never the text
                return self.c.redirect(back, "Balasan terkirim ke chat warga.")
            if action == "resolve":
                await self._call(self.complaints.resolve, staff.member, cid, text)
                logger.info("complaint %d resolved by staff %d", cid, staff.staff_id)
                return self.c.redirect("/complaints", "Pengaduan ditandai selesai. Warga sudah diberi tahu.")
        except ComplaintError as exc:  # the typed text comes back in the form: nothing is lost
            return await self._detail_page(request, staff, cid, str(exc), text if action == "reply" else "", 400)
        raise web.HTTPNotFound()

    async def export(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        fmt = request.query.get("format", "csv")
        try:
            start, end = date.fromisoformat(request.query["from"]), date.fromisoformat(request.query["to"])
            if fmt not in ("csv", "json"):
                raise ValueError(fmt)
        except (KeyError, ValueError):
            return self.c.redirect(
                "/complaints", "Isi tanggal awal dan akhir (format tanggal) dan pilih CSV atau JSON."
            )
        try:
            records = await self._call(self.complaints.export, staff.member, start, end)
        except ComplaintError as exc:
            return self.c.redirect("/complaints", str(exc))
        name = f"pengaduan-{start.isoformat()}-{end.isoformat()}.{fmt}"
        return web.Response(
            text=render(records, fmt),
            content_type="text/csv" if fmt == "csv" else "application/json",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )
