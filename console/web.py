"""The console's shared plumbing: services, settings, clock, units of work, cookies, redirects, authorisation.

Route modules (``console.kiosk`` and the features that follow) take a ``ConsoleBase`` and
never import ``console.app``, which composes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from console import pages
from console.login import PasswordChecker, Quiet
from console.settings import ConsoleSettings
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.db.uow import UnitOfWork
from mpp.net import client_address
from mpp.queue.service import QueueService
from mpp.staff import accounts
from mpp.staff.accounts import StaffSession
from mpp.staff.kiosks import KioskService
from mpp.staff.roles import Permission, Refused, StaffMember, authorize
from mpp.staff.throttle import LoginThrottle

COOKIE = "mpp_session"


class ConsoleBase:
    """What every route module shares: the core's services, settings, the clock, and the web plumbing."""

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
        """``bookings`` (the catalogue editor and announcements tell affected bookings through it; without
        it those pages are off) and ``catalogue_changed`` (called after this process stores a new
        catalogue version, e.g. ``CatalogueProvider.invalidate``)."""
        self._sessions, self._catalogue, self.queue = session_factory, catalogue, queue
        self.sessions, self.bookings, self.catalogue_changed = session_factory, bookings, catalogue_changed
        self.settings = settings or ConsoleSettings()
        self._now = now
        self.throttle = LoginThrottle(keyed_hash=keyed_hash) if keyed_hash else LoginThrottle()
        self.passwords = PasswordChecker(self.settings.login_workers, self.settings.login_queue)
        self.quiet = Quiet()  # refusals in a flood are logged once a minute per key
        self.kiosks = KioskService(session_factory, queue, self.settings.kiosk, now)

    # ---- plumbing -----------------------------------------------------------------
    def db(self, fn: Callable[..., Any], *args: Any, write: bool = True, **kwargs: Any) -> Any:
        """``fn(session, *args, **kwargs)`` in one unit of work, committed (call it in a thread)."""
        with UnitOfWork(self._sessions, write=write) as uow:
            result = fn(uow.session, *args, **kwargs)
            uow.commit()
            return result

    def catalogue(self) -> Catalogue:
        return self._catalogue()

    def now(self) -> datetime:
        return self._now()

    def client(self, request: web.Request) -> str:
        return client_address(
            request.remote, request.headers.getall("X-Forwarded-For", []), self.settings.trusted_proxies
        )

    async def staff_of(self, request: web.Request) -> StaffSession | None:
        return await asyncio.to_thread(self.db, accounts.resolve, request.cookies.get(COOKIE), self._now())

    def cookie(
        self, response: web.StreamResponse, name: str, value: str, max_age: int | None = None, path: str = "/"
    ) -> None:
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="Strict",
            secure=self.settings.secure_cookies,
            max_age=max_age,
            path=path,
        )

    def redirect(self, location: str, flash: str | None = None) -> web.Response:
        response = web.HTTPSeeOther(location)
        if flash:
            response.set_cookie(
                "mpp_flash",
                flash[:300],
                httponly=True,
                samesite="Strict",
                secure=self.settings.secure_cookies,
                max_age=30,
                path="/",
            )
        return response

    @staticmethod
    def _flash(request: web.Request, response: web.Response) -> str | None:
        flash = request.cookies.get("mpp_flash")
        if flash:
            response.del_cookie("mpp_flash", path="/")
        return flash

    def html(self, request: web.Request, render: Callable[[str | None], str], status: int = 200) -> web.Response:
        response = web.Response(content_type="text/html", status=status)
        response.text = render(self._flash(request, response))
        return response

    @staticmethod
    def allow(staff: StaffMember, permission: Permission, *, mpp: str | None = None, agency: str | None = None) -> None:
        try:
            authorize(staff, permission, mpp=mpp, agency=agency)
        except Refused as exc:
            raise web.HTTPForbidden(text=pages.refused_page(str(exc)), content_type="text/html") from None
