"""What the assistant could not answer: fallbacks and low-confidence messages grouped by similarity
(``mpp.turns``), with counts and masked examples; "Tambahkan ke data latih" marks a group for
``mpp nlu export-suggestions``.

Who sees what (``VIEW_DASHBOARD``): a national administrator every message; an MPP's administrator or
supervisor only the messages of chats at their MPP (a turn records the MPP the message named, or the
chat's MPP as its earlier turns or a button chose it; a turn with no known MPP is national only).
One model serves every MPP, so a group an MPP marks joins the same national suggestions file.
"""

from __future__ import annotations

import asyncio
from html import escape as e
from typing import Any

from aiohttp import web

from console import pages
from console.web import ConsoleBase
from mpp import turns
from mpp.db.uow import UnitOfWork
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission
from mpp.storage import Unavailable


def add_routes(app: web.Application, console: ConsoleBase) -> None:
    routes = FallbackRoutes(console)
    app.router.add_get("/fallbacks", routes.overview)
    app.router.add_post("/fallbacks/{key:[0-9a-f]{1,64}}/mark", routes.mark)


class FallbackRoutes:
    def __init__(self, console: ConsoleBase):
        self.c = console
        self._crypto: Any = None

    def crypto(self) -> Any:
        if self._crypto is None:
            from mpp.privacy import Crypto, load_keys

            self._crypto = Crypto(load_keys())
        return self._crypto

    def _staff(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.VIEW_DASHBOARD)
        return staff

    def _groups(self, mpp: str | None) -> list[turns.Group]:
        with UnitOfWork(self.c._sessions) as uow:
            return turns.groups(uow.session, self.crypto(), self.c.now(), mpp=mpp)

    def _mark(self, key: str, intent: str | None, staff_id: int | None, mpp: str | None) -> turns.Group:
        with UnitOfWork(self.c._sessions, write=True) as uow:
            group = turns.mark(uow.session, self.crypto(), key, intent, staff_id, self.c.now(), mpp=mpp)
            uow.commit()
            return group

    async def overview(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        try:
            groups = await asyncio.to_thread(self._groups, staff.member.mpp_code)
        except Unavailable:
            raise web.HTTPServiceUnavailable(
                text="Basis data sedang tidak bisa dihubungi. Coba lagi sebentar."
            ) from None
        response = self.c.html(request, lambda flash: page(groups, staff.csrf_token, flash))
        response.headers["Cache-Control"] = "no-store"
        return response

    async def mark(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        form = await request.post()
        intent = str(form.get("intent", "")).strip() or None
        try:
            group = await asyncio.to_thread(
                self._mark, request.match_info["key"], intent, staff.member.id, staff.member.mpp_code
            )
        except turns.UnknownGroup as exc:
            return self.c.redirect("/fallbacks", str(exc))
        except ValueError as exc:
            return self.c.redirect("/fallbacks", f"Belum ditandai: {exc}.")
        return self.c.redirect("/fallbacks", f"Ditandai untuk data latih: {len(group.examples)} contoh.")


def page(groups: list[turns.Group], csrf: str, flash: str | None) -> str:
    rows = []
    for g in groups[:100]:
        examples = "".join(f"<li>{e(x)}</li>" for x in g.examples[:5])
        guess = g.suggested_intent or ""
        action = (
            "<span>✔ sudah ditandai</span>"
            if g.marked
            else f'<form method="post" action="/fallbacks/{e(g.key)}/mark">{pages.csrf_field(csrf)}'
            f'<input name="intent" value="{e(guess)}" placeholder="intent" aria-label="intent" size="16">'
            f'<button type="submit">Tambahkan ke data latih</button></form>'
        )
        rows.append(
            f"<tr><td>{g.count}</td><td><ul>{examples}</ul></td><td>{e(guess) or '—'}</td><td>{action}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>Jumlah</th><th>Contoh (data pribadi disamarkan)</th><th>Tebakan</th><th></th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>Belum ada pesan yang tidak terjawab dalam 30 hari terakhir.</p>"
    )
    body = (
        '<main><section><p><a href="/">← Beranda</a></p><h1>Pesan yang belum terjawab</h1>'
        "<p>Pesan yang jatuh ke fallback atau dengan keyakinan rendah, dikelompokkan menurut kemiripan. "
        "Tandai kelompok yang layak menjadi data latih, lalu jalankan <code>mpp nlu export-suggestions</code>.</p>"
        f"{table}</section></main>"
    )
    return pages.layout("Pesan yang belum terjawab", body, flash)
