"""Announcements in the console (MPP and national administrators): post a notice, see them, withdraw one.

A thin adapter over ``mpp.editor.announcements.Announcements``. A refused post re-shows the form with
what was typed and the reason.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from html import escape as e
from typing import Mapping, Sequence

from aiohttp import web

from console import pages
from console.editor_pages import EXTRA_CSS, header
from console.web import ConsoleBase
from mpp.catalogue.model import Catalogue
from mpp.catalogue.notices import KINDS, Announcement
from mpp.editor.announcements import AnnouncementRefused, Announcements
from mpp.editor.changes import today_wib
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission, Refused, Role
from mpp.text import tanggal

logger = logging.getLogger("console.announcements")


def add_routes(app: web.Application, console: ConsoleBase, announcements: Announcements) -> None:
    routes = AnnouncementRoutes(console, announcements)
    app.router.add_get("/pengumuman", routes.page)
    app.router.add_post("/pengumuman", routes.post)
    app.router.add_post("/pengumuman/{id:\\d+}/tarik", routes.withdraw)


def page(
    cat: Catalogue,
    token: str,
    mpps: Sequence[str],
    form: Mapping[str, str],
    items: Sequence[Announcement],
    error: str | None,
    flash: str | None,
) -> str:
    def select(name: str, label: str, options: Sequence[tuple[str, str]]) -> str:
        chosen = form.get(name, "")
        inner = "".join(
            f'<option value="{e(v)}"{" selected" if v == chosen else ""}>{e(t)}</option>' for v, t in options
        )
        return f'<label>{e(label)} <select name="{name}" aria-label="{e(label)}">{inner}</select></label>'

    mpp_options = [(m, cat.mpps[m].name) for m in mpps if m in cat.mpps]
    agencies = sorted(
        {(a.code, f"{a.name} ({m})") for m in mpps if m in cat.mpps for a in cat.mpps[m].agencies.values()}
    )
    services = sorted({(s.code, s.name) for m in mpps if m in cat.mpps for s in cat.services_at(m)}, key=lambda x: x[1])
    rows = "".join(
        f"<tr><td>{n.id}</td><td>{e(cat.mpps[n.mpp_code].name if n.mpp_code in cat.mpps else n.mpp_code)}</td>"
        f"<td>{e(n.service_code or n.agency_code or 'seluruh MPP')}</td><td>{e(KINDS.get(n.kind, n.kind))}</td>"
        f"<td>{e(n.text)}</td><td>{e(tanggal(n.starts_on))} s.d. {e(tanggal(n.ends_on))}</td>"
        f"<td>{n.notified}</td><td>{'ditarik' if n.withdrawn else ''}"
        + (
            f'<form method="post" action="/pengumuman/{n.id}/tarik">{token}<button class="alt">Tarik</button></form>'
            if not n.withdrawn
            else ""
        )
        + "</td></tr>"
        for n in items
    )
    alert = f'<div class="problems" role="alert">{e(error)}</div>' if error else ""
    body = header("Pengumuman", token) + (
        f'<main><section style="grid-column:1/-1">{alert}<h2>Pasang pengumuman</h2>'
        f'<form method="post" action="/pengumuman">{token}'
        + select("mpp", "MPP", mpp_options)
        + select("agency", "Instansi (opsional)", [("", "— seluruh MPP —"), *agencies])
        + select("service", "Layanan (opsional)", [("", "— semua layanan —"), *services])
        + select("kind", "Jenis", list(KINDS.items()))
        + f'<label>Isi pengumuman untuk warga<textarea name="text" rows="3" aria-label="Isi pengumuman">{e(form.get("text", ""))}</textarea></label>'
        + f'<label>Mulai <input type="date" name="starts_on" value="{e(form.get("starts_on", ""))}" aria-label="Mulai"></label>'
        + f'<label>Sampai <input type="date" name="ends_on" value="{e(form.get("ends_on", ""))}" aria-label="Sampai"></label>'
        + "<p><small>Jenis <em>Tutup</em> menutup hari-hari itu untuk pemesanan dan memberi tahu setiap booking "
        "pada hari itu (sekali), dengan tawaran jadwal lain. Menarik pengumuman tutup membuka lagi hari itu dan "
        "memberi tahu booking yang masih berlaku bahwa jadwalnya tetap.</small></p>"
        "<p><button>Pasang</button></p></form></section>"
        '<section style="grid-column:1/-1"><h2>Daftar pengumuman</h2><table aria-label="Pengumuman"><tr><th>#</th>'
        "<th>MPP</th><th>Untuk</th><th>Jenis</th><th>Isi</th><th>Berlaku</th><th>Booking diberi tahu</th><th></th></tr>"
        f"{rows}</table></section></main>"
    )
    return pages.layout("Pengumuman", EXTRA_CSS + body, flash)


class AnnouncementRoutes:
    def __init__(self, console: ConsoleBase, announcements: Announcements):
        self.c, self.announcements = console, announcements

    def _staff(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.POST_ANNOUNCEMENTS)
        return staff

    def _mpps(self, staff: StaffSession) -> list[str]:
        cat = self.c.catalogue()
        return sorted(cat.mpps) if staff.role is Role.NATIONAL_ADMIN else [staff.mpp_code or ""]

    async def _render(
        self,
        request: web.Request,
        staff: StaffSession,
        form: Mapping[str, str],
        error: str | None = None,
        status: int = 200,
    ) -> web.Response:
        items = await asyncio.to_thread(self.announcements.listing, staff.member)
        cat = self.c.catalogue()
        response = self.c.html(
            request,
            lambda flash: page(cat, pages.csrf_field(staff.csrf_token), self._mpps(staff), form, items, error, flash),
            status=status,
        )
        return response

    async def page(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        today = today_wib(self.c.now()).isoformat()
        return await self._render(request, staff, {"starts_on": today, "ends_on": today})

    async def post(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        form = {k: str(v)[:1000] for k, v in request["form"].items() if k != "csrf"}
        try:
            starts, ends = date.fromisoformat(form.get("starts_on", "")), date.fromisoformat(form.get("ends_on", ""))
        except ValueError:
            return await self._render(request, staff, form, "Isi tanggal mulai dan sampai (YYYY-MM-DD).", 400)
        mpp = form.get("mpp") or staff.mpp_code or ""
        try:
            notice = await asyncio.to_thread(
                self.announcements.post,
                staff.member,
                mpp,
                form.get("agency") or None,
                form.get("service") or None,
                form.get("kind", ""),
                form.get("text", ""),
                starts,
                ends,
            )
        except Refused as exc:
            return await self._render(request, staff, form, str(exc), 403)
        except AnnouncementRefused as exc:
            return await self._render(request, staff, form, str(exc), 400)
        logger.info(
            "announcement %d (%s) at %s by staff %d: %d booking(s) told",
            notice.id,
            notice.kind,
            notice.mpp_code,
            staff.staff_id,
            notice.notified,
        )
        told = f" {notice.notified} booking diberi tahu dan ditawari jadwal lain." if notice.kind == "closure" else ""
        return self.c.redirect("/pengumuman", f"Pengumuman #{notice.id} dipasang.{told}")

    async def withdraw(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        try:
            notice, told = await asyncio.to_thread(
                self.announcements.withdraw, staff.member, int(request.match_info["id"])
            )
        except Refused as exc:
            raise web.HTTPForbidden(text=pages.refused_page(str(exc)), content_type="text/html") from None
        except AnnouncementRefused as exc:
            return self.c.redirect("/pengumuman", str(exc))
        reopened = (
            f" Hari tutupnya dibuka lagi; {told} booking yang masih berlaku diberi tahu bahwa jadwalnya tetap."
            if notice.kind == "closure"
            else ""
        )
        return self.c.redirect(
            "/pengumuman", f"Pengumuman #{notice.id} ditarik; asisten tidak menampilkannya lagi.{reopened}"
        )
