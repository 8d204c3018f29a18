"""Application status in the console: record what a served citizen applied for, follow it, see overdue ones.

``/permohonan`` lists today's served tickets of the staff member's scope (a clerk: their agency at their
MPP) with a form to record or change the application, then the applications still running, overdue
first and marked red. Recording needs ``RECORD_APPLICATIONS`` on the ticket's MPP and agency (the
core checks it again); viewing needs ``VIEW_APPLICATIONS``. A ticket of another scope, or an id that does
not exist, gets the same "not found".
"""

from __future__ import annotations

import asyncio
from datetime import date
from html import escape as e
from typing import Any

from aiohttp import web

from console.pages import csrf_field, layout
from console.web import ConsoleBase
from mpp.applications.model import LABELS, ApplicationError, ApplicationView, Change, NotFound, State
from mpp.applications.service import ApplicationService, Overview
from mpp.catalogue.model import Catalogue
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission, Refused, can
from mpp.storage import Unavailable
from mpp.text import tanggal

PAGE = "/permohonan"


def add_routes(app: web.Application, console: ConsoleBase, service: ApplicationService | None = None) -> None:
    routes = ApplicationRoutes(console, service or default_service(console))
    app.router.add_get(PAGE, routes.overview)
    app.router.add_post(PAGE + "/{ticket:\\d+}", routes.record)


def default_service(console: ConsoleBase) -> ApplicationService:
    from mpp.privacy import Crypto, load_keys

    return ApplicationService(console._sessions, console.catalogue, Crypto(load_keys()), console.now)


class ApplicationRoutes:
    def __init__(self, console: ConsoleBase, service: ApplicationService):
        self.c, self.apps = console, service

    async def overview(self, request: web.Request) -> web.Response:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.VIEW_APPLICATIONS, mpp=staff.mpp_code)
        try:
            o = await asyncio.to_thread(self.apps.overview, staff.member)
        except Unavailable:
            raise web.HTTPServiceUnavailable(text="Basis data sedang tidak bisa dihubungi.") from None
        cat, records = self.c.catalogue(), can(staff.member, Permission.RECORD_APPLICATIONS)
        return self.c.html(request, lambda flash: page(cat, staff, o, records, flash))

    async def record(self, request: web.Request) -> web.Response:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.RECORD_APPLICATIONS, mpp=staff.mpp_code)
        value = int(request.match_info["ticket"])
        if value > 2**31 - 1:
            raise web.HTTPNotFound(text="Nomor antrean tidak ditemukan di loket Anda.")
        form: Any = request["form"]
        today = self.c.now().date()
        try:
            change = Change.parse(
                str(form.get("state", ""))[:32],
                str(form.get("jenis", ""))[:32],
                str(form.get("note", ""))[:5000],
                str(form.get("ready_until", ""))[:32],
                today=today,
            )
            view, changed = await asyncio.to_thread(self.apps.record, staff.member, value, change)
        except NotFound as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        except Refused as exc:
            raise web.HTTPForbidden(text=str(exc)) from None
        except ApplicationError as exc:
            return self.c.redirect(PAGE, str(exc))
        except Unavailable:
            return self.c.redirect(PAGE, "Basis data sedang tidak bisa dihubungi. Coba lagi; tidak ada yang tersimpan.")
        if not changed:
            return self.c.redirect(PAGE, f"{view.number}: tidak ada perubahan, warga tidak diberi tahu lagi.")
        told = "warga diberi tahu lewat chat" if view.bound else "warga tanpa chat terhubung: tidak ada pemberitahuan"
        return self.c.redirect(PAGE, f"{view.number}: {view.state.label} tersimpan; {told}.")


def _form(cat: Catalogue, csrf: str, ticket_id: int, service_code: str, current: ApplicationView | None) -> str:
    service = cat.service(service_code)
    states = "".join(
        f'<option value="{s.value}"{" selected" if current and current.state is s else ""}>{e(LABELS[s])}</option>'
        for s in State
    )
    jenis = ""
    if service is not None and service.jenis:
        options = "".join(
            f'<option value="{e(j)}"{" selected" if current and current.jenis == j else ""}>{e(j)}</option>'
            for j in service.jenis
        )
        jenis = f'<select name="jenis" aria-label="Jenis"><option value="">(jenis)</option>{options}</select> '
    note = e(current.note or "") if current else ""
    until = current.ready_until.isoformat() if current and current.ready_until else ""
    return (
        f'<form method="post" action="{PAGE}/{ticket_id}">{csrf_field(csrf)}'
        f'<select name="state" aria-label="Status">{states}</select> {jenis}'
        f'<input name="note" value="{note}" maxlength="500" aria-label="Keterangan" '
        'placeholder="Berkas yang kurang / tempat ambil dan yang dibawa"> '
        f'<input type="date" name="ready_until" value="{until}" aria-label="Ambil paling lambat"> '
        "<button>Simpan</button></form>"
    )


def _promise(v: ApplicationView) -> str:
    return tanggal(v.promised_on) if v.promised_on else "tidak dijanjikan"


def page(cat: Catalogue, staff: StaffSession, o: Overview, records: bool, flash: str | None) -> str:
    def name(code: str) -> str:
        s = cat.service(code)
        return s.name if s else code

    served = "".join(
        f"<tr><td>{e(s.number)}</td><td>{e(name(s.service_code))}</td>"
        f"<td>{e(s.application.state.label) if s.application else 'belum dicatat'}</td>"
        f"<td>{_form(cat, staff.csrf_token, s.ticket_id, s.service_code, s.application) if records else ''}</td></tr>"
        for s in o.served_today
    )
    running = "".join(_row(cat, staff, v, o.today, records, name(v.service_code)) for v in o.open)
    overdue = sum(v.overdue(o.today) for v in o.open)
    body = (
        f'<header><h1>Status permohonan</h1><span>{e(staff.display_name)}</span><a href="/" style="color:#fff">Kembali</a></header>'
        "<main>"
        f'<section style="grid-column:1/-1"><h2>Dilayani hari ini ({len(o.served_today)})</h2><table aria-label="Dilayani hari ini">{served}</table></section>'
        f'<section style="grid-column:1/-1"><h2>Permohonan berjalan ({len(o.open)}, terlambat {overdue})</h2>'
        f'<table aria-label="Permohonan berjalan"><tr><th>Nomor</th><th>Layanan</th><th>Status</th>'
        f"<th>Dijanjikan</th><th>Chat</th><th></th></tr>{running}</table></section></main>"
    )
    return layout("Status permohonan", body, flash)


def _row(cat: Catalogue, staff: StaffSession, v: ApplicationView, today: date, records: bool, service: str) -> str:
    late = v.overdue(today)
    style = ' class="overdue" style="background:#fde0e0;color:#9b1c1c"' if late else ""
    mark = " <strong>TERLAMBAT</strong>" if late else ""
    form = _form(cat, staff.csrf_token, v.ticket_id, v.service_code, v) if records else ""
    return (
        f"<tr{style}><td>{e(v.number)} <small>{e(v.started_on.isoformat())}</small></td><td>{e(service)}</td>"
        f"<td>{e(v.state.label)}{mark}</td><td>{e(_promise(v))}</td><td>{'ya' if v.bound else '-'}</td>"
        f"<td>{form}</td></tr>"
    )
