"""Handoff routes: staff see the line of chats handed to a person, claim one, reply, and end it.

Only roles with ``HANDLE_HANDOFFS`` (clerks: their agency's chats and general ones at their
MPP; supervisors: every chat of their MPP). A chat of another MPP or agency, or an id that
does not exist, gets the same "not found" (nothing tells a guesser which ids exist). A staff
member is on duty while the handoff page is open (it refreshes itself, ``Rules.on_duty``);
"Berhenti bertugas" ends that at once. The time-outs are applied by the notifier (``bot.notifier``),
which tells the citizens; the console makes no query of its own while nobody uses it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from aiohttp import web

from console import handoff_pages
from console.web import ConsoleBase
from mpp.handoff.model import HandoffError, NotFound, Rules
from mpp.handoff.service import HandoffService
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission
from mpp.storage import Unavailable

logger = logging.getLogger("console.handoff")
PAGE_REFRESH_SECONDS = 20
POLL_SECONDS = 2.0


def add_routes(app: web.Application, console: ConsoleBase, service: HandoffService | None = None) -> None:
    routes = HandoffRoutes(console, service or default_service(console))
    app.router.add_get("/handoffs", routes.overview)
    app.router.add_post("/handoffs/off-duty", routes.off_duty)
    app.router.add_get("/handoffs/{handoff:\\d+}", routes.chat)
    app.router.add_get("/handoffs/{handoff:\\d+}/lines", routes.lines)
    app.router.add_post("/handoffs/{handoff:\\d+}/{action}", routes.act)


def default_service(console: ConsoleBase) -> HandoffService:
    """The handoff service on the console's database and clock, with the configured keys (as every process)."""
    from mpp.privacy import Crypto, load_keys

    return HandoffService(console._sessions, console.catalogue, Crypto(load_keys()), console.now, Rules.from_env())


class HandoffRoutes:
    def __init__(self, console: ConsoleBase, service: HandoffService):
        self.c, self.handoffs = console, service

    def _staff(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.HANDLE_HANDOFFS, mpp=staff.mpp_code)
        return staff

    @staticmethod
    def _id(request: web.Request) -> int:
        value = int(request.match_info["handoff"])
        if value > 2**31 - 1:  # beyond any id the database hands out: as unknown as any other
            raise web.HTTPNotFound(text="Percakapan tidak ditemukan di antrean Anda.")
        return value

    async def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args)
        except NotFound as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        except Unavailable:
            raise web.HTTPServiceUnavailable(
                text="Basis data sedang tidak bisa dihubungi. Coba lagi sebentar."
            ) from None

    async def overview(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        await self._call(self.handoffs.seen, staff.member)
        o = await self._call(self.handoffs.overview, staff.member)
        cat = self.c.catalogue()
        return self.c.html(
            request, lambda flash: handoff_pages.overview_page(cat, staff, o, PAGE_REFRESH_SECONDS, flash)
        )

    async def off_duty(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        await self._call(self.handoffs.off_duty, staff.staff_id)
        return self.c.redirect("/", "Anda tidak lagi bertugas di chat warga. Chat yang Anda pegang tetap milik Anda.")

    async def _chat_page(
        self,
        request: web.Request,
        staff: StaffSession,
        handoff_id: int,
        note: str | None = None,
        draft: str = "",
        status: int = 200,
    ) -> web.Response:
        try:
            h, lines = await self._call(self.handoffs.chat, staff.member, handoff_id)
        except HandoffError as exc:
            return self.c.redirect("/handoffs", str(exc))
        cat = self.c.catalogue()
        nonce = secrets.token_urlsafe(12)
        response = self.c.html(
            request,
            lambda flash: handoff_pages.chat_page(
                cat, staff, h, lines, nonce, POLL_SECONDS, note or flash, draft, self.handoffs.rules.max_chars
            ),
            status=status,
        )
        response.headers["Cache-Control"] = "no-store"  # a transcript stays out of the browser's cache
        return response

    async def chat(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        await self._call(self.handoffs.seen, staff.member)
        return await self._chat_page(request, staff, self._id(request))

    async def lines(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        try:
            after = max(0, int(request.query.get("after", "0")))
        except ValueError:
            after = 0
        await self._call(self.handoffs.seen, staff.member)
        try:
            h, lines = await self._call(self.handoffs.chat, staff.member, self._id(request), after)
        except HandoffError as exc:
            return web.json_response({"error": str(exc)}, status=403)
        cat = self.c.catalogue()
        body = {
            "status": h.status.value,
            "status_label": handoff_pages.STATUS[h.status],
            "lines": [
                {
                    "id": ln.id,
                    "author": ln.author.value,
                    "text": ln.text,
                    "at": handoff_pages.line_time(cat, h.mpp_code, ln.at),
                    "staff": ln.staff_name,
                }
                for ln in lines
            ],
        }
        return web.json_response(body, headers={"Cache-Control": "no-store"})

    async def act(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        handoff_id, action = self._id(request), request.match_info["action"]
        back = f"/handoffs/{handoff_id}"
        try:
            if action == "claim":
                await self._call(self.handoffs.claim, staff.member, handoff_id, staff.display_name)
                logger.info("handoff %d claimed by staff %d", handoff_id, staff.staff_id)
                return self.c.redirect(back, "Chat ini sekarang Anda tangani. Warga sudah diberi tahu.")
            if action == "reply":
                form = request["form"]
                text, nonce = str(form.get("text", "")), str(form.get("nonce", ""))[:40] or None
                try:
                    await self._call(self.handoffs.reply, staff.member, handoff_id, text, staff.display_name, nonce)
                except HandoffError as exc:  # the typed text comes back in the form: nothing is lost
                    return await self._chat_page(request, staff, handoff_id, str(exc), text, status=400)
                logger.info("handoff %d: staff %d replied", handoff_id, staff.staff_id)  # never the text
                return self.c.redirect(back, "Balasan terkirim.")
            if action == "end":
                await self._call(self.handoffs.end, staff.member, handoff_id)
                logger.info("handoff %d ended by staff %d", handoff_id, staff.staff_id)
                return self.c.redirect("/handoffs", "Chat selesai. Asisten kembali melayani warga itu.")
        except HandoffError as exc:
            return self.c.redirect(back if action != "claim" else "/handoffs", str(exc))
        raise web.HTTPNotFound()
