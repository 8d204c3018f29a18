"""The console web application (aiohttp): staff pages, the display board (server-sent events), the kiosk.

python -m console.app            # CONSOLE_HOST:CONSOLE_PORT, default 127.0.0.1:8090

Every staff route names the permission it needs and calls ``mpp.staff.roles.authorize`` with
the MPP and agency it touches; a refusal is a 403 page with the reason. Kiosk routes live in
``console.kiosk``, the boards' shared feed in ``console.board``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from console import applications, board_page, complaints, dashboard, fallbacks, handoff, kiosk, pages, staff_pages
from console.board import BoardHub
from console.board_voice import OfflineVoice, speech_response
from console.settings import ConsoleSettings
from console.web import COOKIE, ConsoleBase
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.editor.announcements import AnnouncementBoard
from mpp.queue.hall import hall_board
from mpp.queue.service import QueueError, QueueService, Staff
from mpp.staff import accounts, audit
from mpp.staff.accounts import StaffSession
from mpp.staff.dead_letters import dead_letters_for
from mpp.staff.roles import Permission, can
from mpp.staff.throttle import ACCOUNT, ADDRESS, LoginThrottle, Throttled

logger = logging.getLogger("console")
STOPPING = web.AppKey("stopping", asyncio.Event)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Console(ConsoleBase):
    def __init__(
        self,
        session_factory: Callable[[], Any],
        catalogue: Callable[[], Catalogue],
        queue: QueueService,
        settings: ConsoleSettings | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        keyed_hash: Callable[[str], str] | None = None,
        bookings: BookingService | None = None,
        catalogue_changed: Callable[[], None] = lambda: None,
    ):
        super().__init__(session_factory, catalogue, queue, settings, now, keyed_hash, bookings, catalogue_changed)
        self.boards = BoardHub(
            self._board_json,
            self.settings.board_poll_seconds,
            self.settings.board_heartbeat_seconds,
            self.settings.board_max_connections,
            now,
        )
        self.notices = AnnouncementBoard(session_factory, self.settings.board_notices_seconds)
        self.voice = OfflineVoice()
        # (number, counter) called today at each MPP a board watches, from the boards' own poll: only
        # those are spoken, so the public speech route cannot be made to synthesise arbitrary numbers
        self.called: dict[str, frozenset[tuple[str, str]]] = {}

    # ---- login --------------------------------------------------------------------
    async def login_form(self, request: web.Request) -> web.Response:
        return self.html(request, lambda flash: pages.login_page(flash))

    def _login_refused(self, message: str, username: str, status: int, retry_after: int | None = None) -> web.Response:
        response = web.Response(text=pages.login_page(message, username), content_type="text/html", status=status)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        username, password = str(form.get("username", "")).strip()[:64], str(form.get("password", ""))[:256]
        if not username or not password:
            return self._login_refused("Isi nama pengguna dan kata sandi.", username, 400)
        address, now = self.client(request), self._now()
        try:
            reservation = await asyncio.to_thread(
                self.db, self.throttle.reserve, [(ACCOUNT, username), (ADDRESS, address)], now
            )
        except Throttled as exc:
            if self.quiet.due(f"login:{username}:{address}"):
                logger.warning("console login throttled for %r from %s (logged once a minute)", username, address)
            return self._login_refused(
                f"Terlalu banyak percobaan masuk. Coba lagi dalam {exc.minutes} menit.",
                username,
                429,
                int(exc.retry_after.total_seconds()),
            )
        staff_id, stored = await asyncio.to_thread(self.db, accounts.password_hash_for, username, write=False)
        ok = await self.passwords.check(password, stored)
        if ok is None:
            await asyncio.to_thread(self.db, LoginThrottle.succeeded, reservation)  # not checked: not counted
            logger.warning("console login from %s deferred: password checks are all busy", address)
            return self._login_refused("Server sedang sibuk. Coba lagi sebentar.", username, 503, 5)
        if not ok or staff_id is None:
            logger.warning("console login failed for %r from %s", username, address)
            await asyncio.to_thread(self.db, audit.record, "login_failed", now, detail=username)
            return self._login_refused("Nama pengguna atau kata sandi salah.", username, 401)

        def open_session(session: Any) -> str:
            LoginThrottle.succeeded(session, reservation)
            return accounts.open_session(session, staff_id, now)

        token = await asyncio.to_thread(self.db, open_session)
        response = self.redirect("/")
        self.cookie(response, COOKIE, token, max_age=accounts.SESSION_HOURS * 3600)
        return response

    async def logout(self, request: web.Request) -> web.Response:
        await asyncio.to_thread(self.db, accounts.logout, request.cookies.get(COOKIE))
        response = self.redirect("/login")
        response.del_cookie(COOKIE, path="/")
        return response

    # ---- staff pages ----------------------------------------------------------------
    async def home(self, request: web.Request) -> web.Response:
        staff: StaffSession = request["staff"]
        if can(staff.member, Permission.SERVE_QUEUE):
            return await self.dashboard(request)
        cat = self._catalogue()
        dead = None
        if can(staff.member, Permission.VIEW_DEAD_LETTERS):
            dead = len(await asyncio.to_thread(self.db, dead_letters_for, staff.member, write=False))
        return self.html(
            request,
            lambda flash: pages.admin_home(
                cat,
                staff,
                can(staff.member, Permission.MANAGE_KIOSKS),
                dead,
                flash,
                (staff_pages.links(staff.member) if self.bookings is not None else []) + dashboard.links(staff.member),
            ),
        )

    async def dashboard(self, request: web.Request) -> web.Response:
        staff: StaffSession = request["staff"]
        assert staff.mpp_code is not None and staff.agency_code is not None  # a clerk's scope
        cat = self._catalogue()
        mpp = cat.mpp(staff.mpp_code)
        if mpp is None:
            raise web.HTTPForbidden(text="MPP akun ini tidak ada di katalog.")
        queue = await asyncio.to_thread(self.queue.queue, staff.mpp_code, staff.agency_code, staff.counter_code)
        dead = None
        if can(staff.member, Permission.VIEW_DEAD_LETTERS):
            dead = len(await asyncio.to_thread(self.db, dead_letters_for, staff.member, write=False))
        return self.html(
            request,
            lambda flash: pages.dashboard(
                cat,
                mpp,
                staff.display_name,
                staff.agency_code or "",
                staff.counter_code,
                staff.csrf_token,
                queue,
                dead,
                flash,
            ),
        )

    def _clerk(self, request: web.Request, permission: Permission = Permission.SERVE_QUEUE) -> Staff:
        s: StaffSession = request["staff"]
        self.allow(s.member, permission, mpp=s.mpp_code, agency=s.agency_code)
        assert s.mpp_code is not None and s.agency_code is not None
        return Staff(s.staff_id, s.mpp_code, s.agency_code, s.counter_code)

    async def _act(self, fn: Callable[[], Any], ok: Callable[[Any], str]) -> web.Response:
        try:
            result = await asyncio.to_thread(fn)
        except QueueError as exc:
            return self.redirect("/", str(exc))
        return self.redirect("/", ok(result))

    async def choose_counter(self, request: web.Request) -> web.Response:
        staff = self._clerk(request)
        counter = str(request["form"].get("counter", ""))[:16]
        mpp = self._catalogue().mpp(staff.mpp_code)
        if mpp is None or counter not in mpp.counters or mpp.counters[counter].agency_code != staff.agency_code:
            return self.redirect("/", "Loket itu bukan milik instansi Anda.")
        await asyncio.to_thread(self.db, accounts.set_counter, request.cookies.get(COOKIE), counter)
        return self.redirect("/", f"Anda bertugas di loket {counter}.")

    async def call_next(self, request: web.Request) -> web.Response:
        staff = self._clerk(request)
        return await self._act(
            lambda: self.queue.call_next(staff),
            lambda t: f"Memanggil {t.number} ke loket {staff.counter_code}." if t else "Tidak ada yang menunggu.",
        )

    async def ticket_action(self, request: web.Request) -> web.Response:
        staff = self._clerk(request)
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
            counter = str(request["form"].get("counter", ""))[:16]
            return await self._act(
                lambda: self.queue.transfer(staff, ticket_id, counter),
                lambda t: f"{t.number} dialihkan ke loket {counter}.",
            )
        raise web.HTTPNotFound()

    async def walk_in(self, request: web.Request) -> web.Response:
        staff = self._clerk(request)
        form = request["form"]
        service, priority = str(form.get("service", ""))[:64], form.get("priority") == "1"
        if priority:  # a staff member's word is the confirmation the kiosk cannot give
            self._clerk(request, Permission.CONFIRM_PRIORITY)
        return await self._act(
            lambda: self.queue.issue_walk_in(staff.mpp_code, service, priority, staff),
            lambda t: f"Nomor walk-in: {t.number}.",
        )

    async def staff_check_in(self, request: web.Request) -> web.Response:
        staff = self._clerk(request)
        code = str(request["form"].get("code", "")).strip()[:32]
        if not code:
            return self.redirect("/", "Masukkan kode booking.")

        def check_in() -> Any:
            ticket = self.queue.check_in(staff.mpp_code, code)
            self.db(
                audit.record,
                "check_in",
                self._now(),
                staff_id=staff.id,
                mpp_code=staff.mpp_code,
                ticket_id=ticket.id,
            )
            return ticket

        return await self._act(check_in, lambda t: f"Check-in {t.number} berhasil.")

    async def dead_letters(self, request: web.Request) -> web.Response:
        staff: StaffSession = request["staff"]
        self.allow(staff.member, Permission.VIEW_DEAD_LETTERS)
        rows = await asyncio.to_thread(self.db, dead_letters_for, staff.member, write=False)
        view = [
            (r.id, r.mpp_code or "-", r.channel, r.kind, r.error, r.created_at.isoformat(timespec="minutes"))
            for r in rows
        ]
        return self.html(request, lambda _: pages.dead_letters_page(view, staff.mpp_code))

    # ---- display board ------------------------------------------------------------
    def _board_data(self, mpp_code: str) -> dict[str, Any]:
        """One query for today's tickets; the announcements come from a cache shared by every MPP."""
        cat = self._catalogue()
        mpp = cat.mpp(mpp_code)
        if mpp is None:
            return {}
        day, tickets = self.queue.hall(mpp_code)
        self.called[mpp_code] = frozenset((t.number, t.counter_code or "") for t in tickets if t.called_at)
        return hall_board(cat, mpp, tickets, self.notices.active(day), day, self._now())

    async def _board_json(self, mpp_code: str) -> str:
        return json.dumps(await asyncio.to_thread(self._board_data, mpp_code))

    async def board(self, request: web.Request) -> web.Response:
        mpp = self._catalogue().mpp(request.match_info["mpp"])
        if mpp is None:
            raise web.HTTPNotFound(text="MPP tidak dikenal.")
        return board_page.response(mpp, self.settings.board_heartbeat_seconds)

    async def board_events(self, request: web.Request) -> web.StreamResponse:
        mpp_code = request.match_info["mpp"]
        if self._catalogue().mpp(mpp_code) is None:
            raise web.HTTPNotFound()
        return await self.boards.stream(request, mpp_code, request.app[STOPPING])

    async def board_speech(self, request: web.Request) -> web.Response:
        mpp_code = request.match_info["mpp"]
        return await speech_response(self.voice, self._catalogue(), self.called.get(mpp_code, frozenset()), request)


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
                if not accounts.csrf_ok(staff.csrf_token, str(form.get("csrf", ""))):
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

    async def on_cleanup(app: web.Application) -> None:
        await console.boards.close()
        console.passwords.close()

    app.on_shutdown.append(on_shutdown)  # type: ignore[arg-type]
    app.on_cleanup.append(on_cleanup)  # type: ignore[arg-type]

    async def health(_: web.Request) -> web.Response:
        return web.json_response(
            {"status": "ok", "board_connections": console.boards.connections, "board_pollers": console.boards.pollers()}
        )

    app.router.add_get("/healthcheck", health)
    app.router.add_get("/login", console.login_form)
    app.router.add_post("/login", console.login)
    app.router.add_post("/logout", console.logout)
    app.router.add_get("/", console.home)
    app.router.add_post("/counter", console.choose_counter)
    app.router.add_post("/call-next", console.call_next)
    app.router.add_post("/tickets/{ticket:\\d+}/{action}", console.ticket_action)
    app.router.add_post("/walk-in", console.walk_in)
    app.router.add_post("/check-in", console.staff_check_in)
    app.router.add_get("/dead-letters", console.dead_letters)
    board_page.add_static(app)
    app.router.add_get("/board/{mpp}", console.board)
    app.router.add_get("/board/{mpp}/suara", console.board_speech)
    app.router.add_get("/board/{mpp}/events", console.board_events)
    kiosk.add_routes(app, console)
    if console.bookings is not None:
        staff_pages.add_routes(app, console, console.bookings)
    handoff.add_routes(app, console)
    applications.add_routes(app, console)
    fallbacks.add_routes(app, console)
    dashboard.add_routes(app, console, console.bookings.policy if console.bookings is not None else None)
    complaints.add_routes(app, console)
    return app


def main() -> int:
    from mpp.deployment import ConfigurationError
    from mpp.wiring import get_core

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = ConsoleSettings.from_env()
    except ConfigurationError as exc:
        logging.getLogger("console").error("console not started: %s", exc)
        return 2
    core = get_core()
    console = Console(
        core.session_factory,
        core.catalogue.get,
        core.queue,
        settings=settings,
        keyed_hash=core.crypto.keyed_hash,
        bookings=core.bookings,
        catalogue_changed=core.catalogue.invalidate,
    )
    web.run_app(create_app(console), host=settings.host, port=settings.port, access_log=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
