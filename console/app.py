"""The console web application (aiohttp): staff pages, the display board (server-sent events), the kiosk.

python -m console.app            # CONSOLE_HOST:CONSOLE_PORT, default 127.0.0.1:8090
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from console import auth, pages
from mpp import notify_outbox
from mpp.catalogue.model import Catalogue
from mpp.db.queue_tables import AuditRow
from mpp.db.uow import UnitOfWork
from mpp.queue.service import QueueError, QueueService, Staff

logger = logging.getLogger("console")
COOKIE, KIOSK_COOKIE = "mpp_session", "mpp_kiosk"
STOPPING = web.AppKey("stopping", asyncio.Event)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Console:
    def __init__(
        self,
        session_factory: Callable[[], Any],
        catalogue: Callable[[], Catalogue],
        queue: QueueService,
        secure_cookies: bool = False,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self._sessions, self._catalogue, self.queue = session_factory, catalogue, queue
        self.secure_cookies, self._now = secure_cookies, now

    # ---- plumbing -----------------------------------------------------------------
    def _db(self, fn: Callable[..., Any], *args: Any, write: bool = True) -> Any:
        with UnitOfWork(self._sessions, write=write) as uow:
            result = fn(uow.session, *args)
            uow.commit()
            return result

    async def staff_of(self, request: web.Request) -> auth.StaffSession | None:
        return await asyncio.to_thread(self._db, auth.resolve, request.cookies.get(COOKIE), self._now())

    def _cookie(self, response: web.StreamResponse, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(
            name, value, httponly=True, samesite="Strict", secure=self.secure_cookies, max_age=max_age, path="/"
        )

    @staticmethod
    def _redirect(location: str, flash: str | None = None) -> web.Response:
        response = web.HTTPSeeOther(location)
        if flash:
            response.set_cookie("mpp_flash", flash[:300], httponly=True, samesite="Strict", max_age=30, path="/")
        return response

    @staticmethod
    def _flash(request: web.Request, response: web.Response) -> str | None:
        flash = request.cookies.get("mpp_flash")
        if flash:
            response.del_cookie("mpp_flash", path="/")
        return flash

    def _html(self, request: web.Request, render: Callable[[str | None], str], status: int = 200) -> web.Response:
        response = web.Response(content_type="text/html", status=status)
        response.text = render(self._flash(request, response))
        return response

    # ---- login --------------------------------------------------------------------
    async def login_form(self, request: web.Request) -> web.Response:
        return self._html(request, lambda flash: pages.login_page(flash))

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
        token = await asyncio.to_thread(self._db, auth.login, username, password, self._now())
        if token is None:
            logger.warning("console login failed for %r from %s", username, request.remote)
            await asyncio.to_thread(self._db, _audit, None, None, "login_failed", None, username)
            return web.Response(
                text=pages.login_page("Nama pengguna atau kata sandi salah."), content_type="text/html", status=401
            )
        response = self._redirect("/")
        self._cookie(response, COOKIE, token, max_age=auth.SESSION_HOURS * 3600)
        return response

    async def logout(self, request: web.Request) -> web.Response:
        await asyncio.to_thread(self._db, auth.logout, request.cookies.get(COOKIE))
        response = self._redirect("/login")
        response.del_cookie(COOKIE, path="/")
        return response

    # ---- staff pages ----------------------------------------------------------------
    async def dashboard(self, request: web.Request) -> web.Response:
        staff: auth.StaffSession = request["staff"]
        cat = self._catalogue()
        mpp = cat.mpp(staff.mpp_code)
        if mpp is None:
            raise web.HTTPForbidden(text="MPP akun ini tidak ada di katalog.")
        queue = await asyncio.to_thread(self.queue.queue, staff.mpp_code, staff.agency_code, staff.counter_code)
        dead = len(await asyncio.to_thread(self._db, notify_outbox.dead_letters, write=False))
        return self._html(
            request,
            lambda flash: pages.dashboard(
                cat,
                mpp,
                staff.display_name,
                staff.agency_code,
                staff.counter_code,
                staff.csrf_token,
                queue,
                dead,
                flash,
            ),
        )

    def _staff(self, s: auth.StaffSession) -> Staff:
        return Staff(s.staff_id, s.mpp_code, s.agency_code, s.counter_code)

    async def _act(self, fn: Callable[[], Any], ok: Callable[[Any], str]) -> web.Response:
        try:
            result = await asyncio.to_thread(fn)
        except QueueError as exc:
            return self._redirect("/", str(exc))
        return self._redirect("/", ok(result))

    async def choose_counter(self, request: web.Request) -> web.Response:
        staff: auth.StaffSession = request["staff"]
        counter = str(request["form"].get("counter", ""))
        mpp = self._catalogue().mpp(staff.mpp_code)
        if mpp is None or counter not in mpp.counters or mpp.counters[counter].agency_code != staff.agency_code:
            return self._redirect("/", "Loket itu bukan milik instansi Anda.")
        await asyncio.to_thread(self._db, auth.set_counter, request.cookies.get(COOKIE), counter)
        return self._redirect("/", f"Anda bertugas di loket {counter}.")

    async def call_next(self, request: web.Request) -> web.Response:
        staff = self._staff(request["staff"])
        return await self._act(
            lambda: self.queue.call_next(staff),
            lambda t: f"Memanggil {t.number} ke loket {staff.counter_code}." if t else "Tidak ada yang menunggu.",
        )

    async def ticket_action(self, request: web.Request) -> web.Response:
        staff = self._staff(request["staff"])
        ticket_id, action = int(request.match_info["ticket"]), request.match_info["action"]
        if action == "recall":
            return await self._act(
                lambda: self.queue.recall(staff, ticket_id), lambda t: f"Memanggil ulang {t.number}."
            )
        if action == "served":
            return await self._act(
                lambda: self.queue.served(staff, ticket_id), lambda t: f"{t.number} selesai dilayani."
            )
        if action == "no-show":
            return await self._act(
                lambda: self.queue.no_show(staff, ticket_id), lambda t: f"{t.number} ditandai tidak hadir."
            )
        if action == "transfer":
            counter = str(request["form"].get("counter", ""))
            return await self._act(
                lambda: self.queue.transfer(staff, ticket_id, counter),
                lambda t: f"{t.number} dialihkan ke loket {counter}.",
            )
        raise web.HTTPNotFound()

    async def walk_in(self, request: web.Request) -> web.Response:
        staff = self._staff(request["staff"])
        form = request["form"]
        service, priority = str(form.get("service", "")), form.get("priority") == "1"
        return await self._act(
            lambda: self.queue.issue_walk_in(staff.mpp_code, service, priority, staff),
            lambda t: f"Nomor walk-in: {t.number}.",
        )

    async def staff_check_in(self, request: web.Request) -> web.Response:
        staff = self._staff(request["staff"])
        code = str(request["form"].get("code", ""))[:32]
        return await self._act(
            lambda: self.queue.check_in(staff.mpp_code, code), lambda t: f"Check-in {t.number} berhasil."
        )

    async def dead_letters(self, request: web.Request) -> web.Response:
        rows = await asyncio.to_thread(self._db, notify_outbox.dead_letters, write=False)
        view = [
            (r.id, r.chat_id.split(":", 1)[0], r.kind, r.last_error or "", r.created_at.isoformat(timespec="minutes"))
            for r in rows
        ]
        return self._html(request, lambda _: pages.dead_letters_page(view))

    # ---- display board ------------------------------------------------------------
    def _board_data(self, mpp_code: str) -> dict[str, Any]:
        now = self._now()
        calls = self.queue.board(mpp_code)
        return {
            "calls": [{"counter": c, "number": n, "fresh": (now - at) < timedelta(seconds=30)} for c, n, at in calls]
        }

    async def board(self, request: web.Request) -> web.Response:
        mpp = self._catalogue().mpp(request.match_info["mpp"])
        if mpp is None:
            raise web.HTTPNotFound(text="MPP tidak dikenal.")
        return web.Response(text=pages.board_page(mpp), content_type="text/html")

    async def board_events(self, request: web.Request) -> web.StreamResponse:
        mpp_code = request.match_info["mpp"]
        if self._catalogue().mpp(mpp_code) is None:
            raise web.HTTPNotFound()
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        last = None
        stopping = request.app[STOPPING]
        try:
            while not stopping.is_set():
                data = json.dumps(await asyncio.to_thread(self._board_data, mpp_code))
                if data != last:
                    await response.write(f"data: {data}\n\n".encode())
                    last = data
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=0.5)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return response

    # ---- kiosk --------------------------------------------------------------------
    async def kiosk(self, request: web.Request) -> web.Response:
        mpp = self._catalogue().mpp(request.match_info["mpp"])
        if mpp is None:
            raise web.HTTPNotFound(text="MPP tidak dikenal.")
        token = request.cookies.get(KIOSK_COOKIE) or secrets.token_urlsafe(16)
        response = self._html(request, lambda flash: pages.kiosk_page(self._catalogue(), mpp, token, flash))
        self._cookie(response, KIOSK_COOKIE, token)
        return response

    async def kiosk_post(self, request: web.Request) -> web.Response:
        mpp_code, action = request.match_info["mpp"], request.match_info["action"]
        form = await request.post()
        cookie = request.cookies.get(KIOSK_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, str(form.get("kiosk", ""))):
            raise web.HTTPForbidden(text="Sesi anjungan tidak sah. Muat ulang halaman.")
        back = f"/kiosk/{mpp_code}"
        try:
            if action == "check-in":
                ticket = await asyncio.to_thread(self.queue.check_in, mpp_code, str(form.get("code", ""))[:32])
                return self._redirect(
                    back, f"Check-in berhasil. Nomor antrean Anda: {ticket.number}. Silakan tunggu panggilan."
                )
            if action == "walk-in":
                ticket = await asyncio.to_thread(
                    self.queue.issue_walk_in, mpp_code, str(form.get("service", "")), form.get("priority") == "1"
                )
                return self._redirect(back, f"Nomor antrean Anda: {ticket.number}. Silakan tunggu panggilan.")
        except QueueError as exc:
            return self._redirect(back, str(exc))
        raise web.HTTPNotFound()


def _audit(
    session: Any, staff_id: int | None, mpp: str | None, action: str, ticket: int | None, detail: str | None
) -> None:
    session.add(
        AuditRow(
            staff_id=staff_id,
            mpp_code=mpp,
            action=action,
            ticket_id=ticket,
            detail=detail,
            at=datetime.now(timezone.utc),
        )
    )


def create_app(console: Console) -> web.Application:
    @web.middleware
    async def security(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "POST":
            origin = request.headers.get("Origin") or request.headers.get("Referer")
            if origin and urlsplit(origin).netloc != request.host:
                logger.warning("cross-site POST to %s refused (origin %s)", request.path, origin)
                raise web.HTTPForbidden(text="Permintaan lintas situs ditolak.")
        public = request.path in ("/login", "/healthcheck") or request.path.startswith(("/board/", "/kiosk/"))
        if not public:
            staff = await console.staff_of(request)
            if staff is None:
                if request.method == "GET":
                    raise web.HTTPSeeOther("/login")
                raise web.HTTPUnauthorized(text="Sesi berakhir. Silakan masuk lagi.")
            request["staff"] = staff
            if request.method == "POST":
                form = await request.post()
                if not auth.csrf_ok(staff.csrf_token, str(form.get("csrf", ""))):
                    logger.warning("CSRF token missing or wrong for %s on %s", staff.username, request.path)
                    raise web.HTTPForbidden(text="Token formulir tidak sah. Muat ulang halaman.")
                request["form"] = form
        response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app = web.Application(middlewares=[security], client_max_size=64 * 1024)
    app[STOPPING] = asyncio.Event()

    async def on_shutdown(app: web.Application) -> None:
        app[STOPPING].set()  # end the boards' event streams so that shutdown does not wait for them

    app.on_shutdown.append(on_shutdown)  # type: ignore[arg-type]

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthcheck", health)
    app.router.add_get("/login", console.login_form)
    app.router.add_post("/login", console.login)
    app.router.add_post("/logout", console.logout)
    app.router.add_get("/", console.dashboard)
    app.router.add_post("/counter", console.choose_counter)
    app.router.add_post("/call-next", console.call_next)
    app.router.add_post("/tickets/{ticket:\\d+}/{action}", console.ticket_action)
    app.router.add_post("/walk-in", console.walk_in)
    app.router.add_post("/check-in", console.staff_check_in)
    app.router.add_get("/dead-letters", console.dead_letters)
    app.router.add_get("/board/{mpp}", console.board)
    app.router.add_get("/board/{mpp}/events", console.board_events)
    app.router.add_get("/kiosk/{mpp}", console.kiosk)
    app.router.add_post("/kiosk/{mpp}/{action}", console.kiosk_post)
    return app


def main() -> int:
    from mpp.wiring import get_core

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    core = get_core()
    console = Console(
        core.session_factory,
        core.catalogue.get,
        core.queue,
        secure_cookies=os.environ.get("CONSOLE_SECURE_COOKIES", "false").lower() == "true",
    )
    web.run_app(
        create_app(console),
        host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
        port=int(os.environ.get("CONSOLE_PORT", "8090")),
        access_log=None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
