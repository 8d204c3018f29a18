"""Server-rendered HTML for the console (the display board is ``console.board_page``). Everything shown is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as e

from mpp.catalogue.model import Catalogue, Mpp
from mpp.queue.service import TicketView as Ticket
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import GRANTS, Permission

CSS = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1c2330}
header{background:#0b5394;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header form{margin-left:auto} main{padding:1rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(320px,1fr))}
section{background:#fff;border-radius:8px;padding:1rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.2rem;margin:0} h2{font-size:1.05rem;margin-top:0}
button{font-size:1rem;padding:.45rem .8rem;border-radius:6px;border:1px solid #0b5394;background:#0b5394;color:#fff;cursor:pointer}
button.alt{background:#fff;color:#0b5394} table{width:100%;border-collapse:collapse} td,th{padding:.3rem;border-bottom:1px solid #e3e6ea;text-align:left}
.flash{background:#fff3cd;border:1px solid #e0c070;padding:.6rem 1rem;margin:1rem;border-radius:6px}
.number{font-size:1.6rem;font-weight:700} .prio{color:#b45309;font-weight:600}
input,select{font-size:1rem;padding:.35rem} td form{display:inline-block;margin:.15rem 0} .actions{display:flex;flex-wrap:wrap;gap:.3rem}
"""


def layout(title: str, body: str, flash: str | None = None) -> str:
    note = f'<div class="flash" role="status">{e(flash)}</div>' if flash else ""
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width,initial-scale=1"><title>{e(title)}</title><style>{CSS}</style></head>'
        f"<body>{note}{body}</body></html>"
    )


def csrf_field(token: str) -> str:
    return f'<input type="hidden" name="csrf" value="{e(token)}">'


def login_page(error: str | None = None, username: str = "") -> str:
    body = (
        '<main><section><h1>Konsol Petugas MPP</h1><form method="post" action="/login">'
        f'<p><label>Nama pengguna<br><input name="username" autocomplete="username" value="{e(username)}" required></label></p>'
        '<p><label>Kata sandi<br><input name="password" type="password" autocomplete="current-password" required></label></p>'
        '<p><button type="submit">Masuk</button></p></form></section></main>'
    )
    return layout("Masuk — Konsol MPP", body, error)


def _ticket_row(cat: Catalogue, t: Ticket, actions: str = "") -> str:
    prio = ' <span class="prio">prioritas</span>' if t.priority else ""
    kind = "booking " + (t.slot_start or "") if t.kind == "booking" else "walk-in"
    service = cat.services[t.service_code].name if t.service_code in cat.services else t.service_code
    row = f'<tr><td class="number">{e(t.number)}</td><td>{e(service)}{prio}<br><small>{e(kind)}</small></td></tr>'
    return row + (f'<tr><td colspan="2"><div class="actions">{actions}</div></td></tr>' if actions else "")


def dashboard(
    cat: Catalogue,
    mpp: Mpp,
    staff_name: str,
    agency: str,
    counter: str | None,
    csrf: str,
    queue: dict[str, list[Ticket]],
    dead: int | None,
    flash: str | None = None,
) -> str:
    token = csrf_field(csrf)
    counters = [c for c in mpp.counters.values() if c.agency_code == agency]
    choose = "".join(
        f'<option value="{e(c.code)}"{" selected" if c.code == counter else ""}>Loket {e(c.code)} ({e(c.floor)})</option>'
        for c in counters
    )
    all_counters = "".join(
        f'<option value="{e(c.code)}">Loket {e(c.code)} — {e(c.name)}</option>' for c in mpp.counters.values()
    )
    header = (
        f"<header><h1>{e(mpp.name)} · {e(mpp.agencies[agency].name if agency in mpp.agencies else agency)}</h1>"
        f'<span>{e(staff_name)}</span><a href="/handoffs" style="color:#fff">Chat warga</a>'
        '<a href="/permohonan" style="color:#fff">Status permohonan</a>'
        '<a href="/complaints" style="color:#fff">Pengaduan</a>'
        f'<form method="post" action="/counter">{token}<select name="counter" '
        f'aria-label="Loket saya">{choose}</select> <button class="alt">Pakai loket</button></form>'
        f'<form method="post" action="/logout">{token}<button class="alt">Keluar</button></form></header>'
    )
    called_rows = "".join(
        _ticket_row(
            cat,
            t,
            (
                f'<form method="post" action="/tickets/{t.id}/served" style="display:inline">{token}<button>Selesai</button></form> '
                f'<form method="post" action="/tickets/{t.id}/recall" style="display:inline">{token}<button class="alt">Panggil ulang</button></form> '
                f'<form method="post" action="/tickets/{t.id}/no-show" style="display:inline">{token}<button class="alt">Tidak hadir</button></form> '
                f'<form method="post" action="/tickets/{t.id}/transfer" style="display:inline">{token}<select name="counter" aria-label="Alihkan ke">{all_counters}</select>'
                f'<button class="alt">Alihkan</button></form>'
                f"<small>loket {e(t.counter_code or '-')}{' · sudah dipanggil ulang' if t.recall_count else ''}</small>"
            ),
        )
        for t in queue["called"]
    )
    waiting_rows = "".join(_ticket_row(cat, t) for t in queue["waiting"])
    done_rows = "".join(
        f"<tr><td>{e(t.number)}</td><td>{e('selesai' if t.status == 'served' else 'tidak hadir')}</td></tr>"
        for t in queue["done"]
    )
    services = "".join(
        f'<option value="{e(s.code)}">{e(s.name)}</option>'
        for s in cat.services_at(mpp.code)
        if (o := cat.offering(mpp.code, s.code)) and o.agency_code == agency
    )
    dead_link = "" if dead is None else f' · <a href="/dead-letters">Notifikasi gagal ({dead})</a>'
    body = header + (
        "<main>"
        f'<section><h2>Panggil</h2><form method="post" action="/call-next">{token}'
        f'<button id="call-next" {"disabled" if not counter else ""}>Panggil berikutnya ke loket {e(counter or "-")}</button></form>'
        f'<table aria-label="Sedang dipanggil">{called_rows}</table></section>'
        f'<section><h2>Menunggu ({len(queue["waiting"])})</h2><table aria-label="Menunggu">{waiting_rows}</table></section>'
        f'<section><h2>Nomor walk-in</h2><form method="post" action="/walk-in">{token}<select name="service" aria-label="Layanan">{services}</select> '
        '<label><input type="checkbox" name="priority" value="1"> Prioritas (lansia, disabilitas, ibu hamil)</label> '
        "<button>Cetak nomor</button></form>"
        f'<h2>Check-in booking</h2><form method="post" action="/check-in">{token}<input name="code" placeholder="Kode booking / pindai QR" '
        'aria-label="Kode booking" autocomplete="off"> <button>Check-in</button></form></section>'
        f"<section><h2>Baru selesai</h2><table>{done_rows}</table>"
        f'<p><a href="/board/{e(mpp.code)}" target="_blank">Layar antrean</a>{dead_link}'
        ' · <a href="/katalog">Katalog layanan</a></p></section>'
        "</main>"
    )
    return layout("Konsol MPP", body, flash)


def refused_page(message: str) -> str:
    body = (
        '<header><h1>Tidak diizinkan</h1><a href="/" style="color:#fff;margin-left:auto">Kembali</a></header>'
        f"<main><section><p>{e(message)}</p></section></main>"
    )
    return layout("Tidak diizinkan", body)


def admin_home(
    cat: Catalogue,
    staff: StaffSession,
    kiosks: bool,
    dead: int | None,
    flash: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
) -> str:
    """The start page of staff who do not serve a queue: only the pages their role allows (``extra``: label, url)."""
    token = csrf_field(staff.csrf_token)
    where = "semua MPP" if staff.mpp_code is None else (m.name if (m := cat.mpp(staff.mpp_code)) else staff.mpp_code)
    links = []
    if kiosks:
        links.append('<li><a href="/kiosks">Anjungan (kiosk): daftarkan, lihat aktivitas, cabut</a></li>')
    if staff.role in GRANTS[Permission.HANDLE_HANDOFFS]:
        links.append('<li><a href="/handoffs">Chat warga yang minta dilayani petugas</a></li>')
    if staff.role in GRANTS[Permission.TRIAGE_COMPLAINTS]:
        links.append('<li><a href="/complaints">Pengaduan warga</a></li>')
    if dead is not None:
        links.append(f'<li><a href="/dead-letters">Notifikasi gagal terkirim ({dead})</a></li>')
    if staff.role in GRANTS[Permission.VIEW_DASHBOARD]:
        links.append('<li><a href="/fallbacks">Pesan yang belum terjawab (untuk data latih)</a></li>')
    links.extend(f'<li><a href="{e(url)}">{e(label)}</a></li>' for label, url in extra)
    codes = sorted(cat.mpps) if staff.mpp_code is None else [staff.mpp_code]
    boards = "".join(
        f'<li><a href="/board/{e(c)}" target="_blank">Layar antrean {e(cat.mpps[c].name)}</a></li>'
        for c in codes
        if c in cat.mpps
    )
    body = (
        f"<header><h1>{e(staff.role.label)} · {e(where)}</h1><span>{e(staff.display_name)}</span>"
        f'<form method="post" action="/logout">{token}<button class="alt">Keluar</button></form></header>'
        f"<main><section><h2>Menu</h2><ul>{''.join(links) or '<li>Belum ada menu untuk peran ini.</li>'}</ul></section>"
        f"<section><h2>Layar antrean</h2><ul>{boards}</ul></section></main>"
    )
    return layout("Konsol MPP", body, flash)


def dead_letters_page(rows: list[tuple[int, str, str, str, str, str]], mpp_code: str | None) -> str:
    items = "".join(
        f"<tr><td>{n}</td><td>{e(mpp)}</td><td>{e(chat)}</td><td>{e(kind)}</td><td>{e(error)}</td><td>{e(at)}</td></tr>"
        for n, mpp, chat, kind, error, at in rows
    )
    scope = "semua MPP" if mpp_code is None else mpp_code
    body = (
        f'<header><h1>Notifikasi gagal terkirim · {e(scope)}</h1><a href="/" style="color:#fff;margin-left:auto">Kembali</a></header>'
        "<main><section><table><tr><th>#</th><th>MPP</th><th>Kanal</th><th>Jenis</th><th>Kesalahan</th><th>Dibuat</th></tr>"
        f"{items}</table></section></main>"
    )
    return layout("Notifikasi gagal", body)
