"""Onboarding a new MPP in the console (national administrators): one form, a draft until published.

A thin adapter over ``mpp.editor.onboarding.Onboarding``; the page is rendered here from the shared
field helpers of ``console.editor_pages``.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape as e
from typing import Mapping

from aiohttp import web

from console import pages
from console.editor_pages import (
    EXTRA_CSS,
    field_check,
    field_error,
    field_input,
    field_textarea,
    header,
    hours_fields,
)
from console.web import ConsoleBase
from mpp.catalogue.schema import ALLOWED_TIMEZONES
from mpp.editor.changes import EditorError
from mpp.editor.onboarding import TOPIC, Choices, Onboarding, blank_form
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission

logger = logging.getLogger("console.onboarding")
ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def add_routes(app: web.Application, console: ConsoleBase, onboarding: Onboarding) -> None:
    routes = OnboardingRoutes(console, onboarding)
    app.router.add_get("/mpp/baru", routes.form)
    app.router.add_post("/mpp/baru", routes.save)


def page(
    token: str, known: Choices, f: Mapping[str, str], p: Mapping[str, str], draft: int | None, flash: str | None = None
) -> str:
    def line(name: str, label: str, **attrs: str) -> str:
        return f"<label>{e(label)} {field_input(name, f.get(name, ''), p, label, **attrs)}</label>"

    zones = "".join(
        f'<option value="{z}"{" selected" if f.get("timezone") == z else ""}>{ZONES[z]} ({z})</option>'
        for z in ALLOWED_TIMEZONES
    )
    agencies = "".join(
        f"<tr><td>{field_check(f'agency_{code}', f.get(f'agency_{code}', ''), name)}</td><td><code>{e(code)}</code></td>"
        f"<td>{field_input(f'agency_{code}_name', f.get(f'agency_{code}_name', name), p, f'Nama {name} di MPP ini')}</td>"
        f'<td><select name="presence_{e(code)}" aria-label="Kehadiran {e(name)}">'
        + "".join(
            f'<option value="{v}"{" selected" if f.get(f"presence_{code}", "verified") == v else ""}>{label}</option>'
            for v, label in (("verified", "hadir (bersumber)"), ("unverified", "belum terverifikasi"))
        )
        + "</select></td></tr>"
        for code, name in known.agencies.items()
    )
    options = lambda chosen: "".join(  # noqa: E731
        f'<option value="{e(c)}"{" selected" if c == chosen else ""}>{e(c)}</option>' for c in known.agencies
    )
    services = "".join(
        f"<tr><td>{field_check(f'svc_{code}', f.get(f'svc_{code}', ''), name)}</td>"
        f'<td><select name="svc_{code}_agency" aria-label="Instansi {e(name)}">{options(f.get(f"svc_{code}_agency", ""))}</select></td>'
        + "".join(
            f"<td>{field_input(f'svc_{code}_{part}', f.get(f'svc_{code}_{part}', ''), p, f'{label} {name}')}</td>"
            for part, label in (
                ("counters", "Loket"),
                ("prefix", "Huruf antrean"),
                ("slot", "Lama slot"),
                ("quota", "Kuota"),
            )
        )
        + "</tr>"
        for code, name in known.services.items()
    )
    listed = "".join(f"<li><code>{e(k)}</code>: {e(v)}</li>" for k, v in p.items())
    alert = (
        '<div class="problems" role="alert" id="problems"><strong>Belum bisa diterbitkan — perbaiki dulu:</strong>'
        f"<ul>{listed}</ul><small>Draf tersimpan (kecuali kata sandi).</small></div>"
        if p
        else ""
    )
    action = "/mpp/baru" + (f"?draft={draft}" if draft else "")
    body = header("Tambah MPP baru", token) + (
        f'<main><section style="grid-column:1/-1">{alert}<form method="post" action="{action}">{token}'
        "<h2>MPP</h2>"
        + line("code", "Kode (huruf kecil, mis. kota_depok)")
        + line("name", "Nama (mis. MPP Kota Depok)")
        + line("brand", "Nama gedung (opsional)")
        + line("aliases", "Sebutan lain, pisahkan dengan koma (opsional)")
        + line("city", "Kota/kabupaten (mis. Kota Depok)")
        + line("province", "Provinsi")
        + field_textarea("address", f.get("address", ""), p, "Alamat", 2)
        + f'<label>Zona waktu <select name="timezone" aria-label="Zona waktu">{zones}</select></label>'
        + line("lat", "Lintang (opsional, mis. -6.40)")
        + line("lon", "Bujur (opsional, mis. 106.82)")
        + "<h2>Jam buka dan hari tutup</h2>"
        + hours_fields(f, p)
        + "<h2>Kanal pengaduan</h2>"
        + line("complaint_name", "Nama kanal (mis. SP4N-LAPOR!)")
        + line("complaint_detail", "Rincian (situs, nomor)")
        + "<h2>Instansi</h2>"
        + f'<table aria-label="Instansi"><tr><th>Instansi</th><th>Kode</th><th>Nama di MPP ini</th><th>Kehadiran</th></tr>{agencies}</table>'
        + field_textarea("new_agencies", f.get("new_agencies", ""), p, "Instansi lain (satu per baris: kode | nama)", 2)
        + field_textarea(
            "counters", f.get("counters", ""), p, "Loket (satu per baris: kode | nama | lantai | kode instansi)", 5
        )
        + "<h2>Layanan, loket dan kuota</h2>"
        + field_error(p, "services")
        + '<table aria-label="Layanan"><tr><th>Layanan</th><th>Instansi</th><th>Loket (koma)</th><th>Huruf antrean</th>'
        f"<th>Lama slot (menit)</th><th>Kuota per slot</th></tr>{services}</table>"
        + "<h2>Sumber (wajib)</h2>"
        + field_error(p, "source")
        + line("source_title", "Judul sumber (mis. SK pembentukan MPP)")
        + line("source_url", "Tautan", placeholder="https://")
        + line("source_date", "Tanggal sumber")
        + "<h2>Admin MPP</h2>"
        + line("admin_username", "Nama pengguna")
        + '<label>Kata sandi (min. 10 karakter) <input name="admin_password" type="password" '
        'autocomplete="new-password" aria-label="Kata sandi admin"></label>'
        + field_error(p, "admin_password")
        + line("admin_name", "Nama tampilan (opsional)")
        + '<p><button name="action" value="publish">Terbitkan MPP</button> '
        '<button class="alt" name="action" value="draft">Simpan draf</button></p></form></section></main>'
    )
    return pages.layout("Tambah MPP baru", EXTRA_CSS + body, flash)


class OnboardingRoutes:
    def __init__(self, console: ConsoleBase, onboarding: Onboarding):
        self.c, self.onboarding = console, onboarding

    def _staff(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        self.c.allow(staff.member, Permission.ONBOARD_MPP)
        return staff

    async def form(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        known = await asyncio.to_thread(self.onboarding.choices)
        draft = request.query.get("draft", "")
        if draft.isdigit():
            change = await asyncio.to_thread(self.onboarding.get, int(draft))
            if change.author_id != staff.staff_id or change.topic != TOPIC:
                return self.c.redirect("/mpp/baru", "Draf itu bukan milik Anda.")
            return self.c.html(
                request,
                lambda flash: page(
                    pages.csrf_field(staff.csrf_token),
                    known,
                    dict(change.form),
                    dict(change.problems),
                    change.id,
                    flash,
                ),
            )
        return self.c.html(
            request, lambda flash: page(pages.csrf_field(staff.csrf_token), known, blank_form(known), {}, None, flash)
        )

    async def save(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        posted = request["form"]
        form = {k: str(v) for k, v in posted.items() if k != "csrf"}
        draft = request.query.get("draft", "")
        publish = posted.get("action") == "publish"
        try:
            change, outcome = await asyncio.to_thread(
                lambda: self.onboarding.save(
                    staff.member, form, publish=publish, change_id=int(draft) if draft.isdigit() else None
                )
            )
        except EditorError as exc:
            known = await asyncio.to_thread(self.onboarding.choices)
            return web.Response(
                text=page(pages.csrf_field(staff.csrf_token), known, form, {"-": str(exc)}, None),
                content_type="text/html",
                status=400,
            )
        if outcome is not None:
            logger.info(
                "MPP %s onboarded by staff %d as catalogue version %d",
                change.target.key,
                staff.staff_id,
                outcome.version,
            )
            return self.c.redirect(
                f"/katalog?mpp={change.target.key}",
                f"MPP {change.target.key} terbit sebagai versi katalog {outcome.version}; akun admin "
                f"{form.get('admin_username', '')} dibuat. Asisten mengenalinya dalam beberapa detik.",
            )
        known = await asyncio.to_thread(self.onboarding.choices)
        status = 400 if change.problems else 200
        note = None if change.problems else f"Draf #{change.id} tersimpan (kata sandi tidak disimpan)."
        return web.Response(
            text=page(
                pages.csrf_field(staff.csrf_token), known, dict(change.form), dict(change.problems), change.id, note
            ),
            content_type="text/html",
            status=status,
        )
