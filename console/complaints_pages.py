"""Server-rendered pages of complaint triage: the list (overdue in red) and one complaint. Everything shown is escaped."""

from __future__ import annotations

from datetime import date, datetime
from html import escape as e
from zoneinfo import ZoneInfo

from console.pages import csrf_field, layout
from mpp.catalogue.model import Catalogue
from mpp.grievance.model import Complaint, Status, may_assign
from mpp.grievance.service import Detail
from mpp.staff.accounts import StaffSession

CSS = """
tr.overdue td, .overdue{color:#b91c1c;font-weight:600} .desc{white-space:pre-wrap;background:#f4f4f4;padding:.6rem;border-radius:6px}
textarea{width:100%;font-size:1rem;min-height:5rem} .notes li{margin:.3rem 0;white-space:pre-wrap}
"""
NOTE_KINDS = {"assigned": "Diteruskan ke", "reply": "Balasan ke warga", "resolved": "Selesai"}


def _local(cat: Catalogue, mpp_code: str, at: datetime | None) -> str:
    if at is None:
        return "-"
    mpp = cat.mpp(mpp_code)
    return at.astimezone(ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta")).strftime("%d/%m/%Y %H.%M")


def _agency(cat: Catalogue, c: Complaint, code: str | None) -> str:
    mpp = cat.mpp(c.mpp_code)
    agency = mpp.agencies.get(code) if mpp and code else None
    return agency.name if agency else "-"


def list_page(cat: Catalogue, staff: StaffSession, items: list[Complaint], today: date, flash: str | None) -> str:
    rows = []
    for c in items:
        late = c.overdue(today)
        rows.append(
            f'<tr class="{"overdue" if late else ""}" data-complaint="{e(c.number)}">'
            f'<td><a href="/complaints/{c.id}">{e(c.number)}</a>{" <small>(lewat batas)</small>" if late else ""}</td>'
            f"<td>{e(c.category.label)}</td><td>{e(c.status.label)}</td>"
            f"<td>{e(_agency(cat, c, c.assigned_agency))}</td>"
            f"<td>{e(c.respond_by.strftime('%d/%m/%Y'))} / {e(c.resolve_by.strftime('%d/%m/%Y'))}</td>"
            f"<td>{e(_local(cat, c.mpp_code, c.filed_at))}</td></tr>"
        )
    table = (
        '<table aria-label="Pengaduan"><tr><th>Nomor</th><th>Kategori</th><th>Status</th><th>Instansi</th>'
        "<th>Batas tanggapan / selesai</th><th>Masuk</th></tr>" + "".join(rows) + "</table>"
        if rows
        else "<p>Belum ada pengaduan yang bisa Anda lihat.</p>"
    )
    export = (
        '<form method="get" action="/complaints/export"><label>Dari <input type="date" name="from" required></label> '
        '<label>sampai <input type="date" name="to" required></label> <select name="format" aria-label="Format">'
        '<option value="csv">CSV</option><option value="json">JSON</option></select> '
        "<button>Ekspor untuk SP4N-LAPOR</button></form>"
    )
    body = (
        f"<header><h1>Pengaduan warga</h1><span>{e(staff.display_name)}</span>"
        '<a href="/" style="color:#fff">Kembali</a></header><main>'
        "<section><p><small>Yang belum selesai di atas, paling lama lebih dulu; merah = lewat batas waktu. "
        "Laporan pungli hanya tampil untuk supervisor.</small></p>"
        f"{table}</section><section><h2>Ekspor</h2>{export}</section></main>"
    )
    return layout("Pengaduan warga", f"<style>{CSS}</style>{body}", flash)


def detail_page(
    cat: Catalogue, staff: StaffSession, d: Detail, today: date, flash: str | None, draft: str = "", nonce: str = ""
) -> str:
    c = d.complaint
    token = csrf_field(staff.csrf_token)
    mpp = cat.mpp(c.mpp_code)
    late = c.overdue(today)
    notes = "".join(
        f"<li><small>{e(_local(cat, c.mpp_code, n.at))}</small> {e(NOTE_KINDS.get(n.kind, n.kind))}: {e(n.text or '-')}</li>"
        for n in d.notes
    )
    actions = ""
    if c.status is not Status.SELESAI:
        if may_assign(staff.member) and not c.confidential and mpp:
            options = "".join(
                f'<option value="{e(a.code)}"{" selected" if a.code == (c.assigned_agency or c.named_agency) else ""}>'
                f"{e(a.name)}</option>"
                for a in sorted(mpp.agencies.values(), key=lambda a: a.name)
            )
            actions += (
                f'<form method="post" action="/complaints/{c.id}/assign">{token}<select name="agency" '
                f'aria-label="Instansi">{options}</select> <button>Teruskan ke instansi</button></form>'
            )
        actions += (
            f'<form method="post" action="/complaints/{c.id}/reply">{token}'
            f'<input type="hidden" name="nonce" value="{e(nonce)}"><label>Balasan ke warga (terkirim ke chat '
            f'warga)<textarea name="text" maxlength="4000">{e(draft)}</textarea></label><button>Kirim balasan</button></form>'
            f'<form method="post" action="/complaints/{c.id}/resolve">{token}<label>Catatan penyelesaian (opsional, '
            'dikirim ke warga)<textarea name="text" maxlength="4000"></textarea></label>'
            '<button class="alt">Tandai selesai</button></form>'
        )
    body = (
        f"<header><h1>{e(c.number)}</h1><span>{e(staff.display_name)}</span>"
        '<a href="/complaints" style="color:#fff">Daftar pengaduan</a></header><main><section>'
        f'<table class="meta"><tr><td>MPP</td><td>{e(mpp.name if mpp else c.mpp_code)}</td></tr>'
        f"<tr><td>Kategori</td><td>{e(c.category.label)}{' (rahasia: hanya supervisor)' if c.confidential else ''}</td></tr>"
        f"<tr><td>Status</td><td>{e(c.status.label)}</td></tr>"
        f"<tr><td>Instansi disebut warga</td><td>{e(_agency(cat, c, c.named_agency))}</td></tr>"
        f"<tr><td>Diteruskan ke</td><td>{e(_agency(cat, c, c.assigned_agency))}</td></tr>"
        f"<tr><td>Kejadian</td><td>{e(d.occurred or '-')}</td></tr>"
        f"<tr><td>Kontak</td><td>{e(d.contact or 'tidak diberikan (anonim)')}</td></tr>"
        f"<tr><td>Masuk</td><td>{e(_local(cat, c.mpp_code, c.filed_at))}</td></tr>"
        f'<tr class="{"overdue" if late else ""}"><td>Batas tanggapan / selesai</td>'
        f"<td>{e(c.respond_by.strftime('%d/%m/%Y'))} / {e(c.resolve_by.strftime('%d/%m/%Y'))}"
        f"{' — lewat batas' if late else ''}</td></tr></table>"
        f'<h2>Isi pengaduan</h2><div class="desc">{e(d.description)}</div>'
        f'<h2>Riwayat</h2><ul class="notes">{notes or "<li>Belum ada tindakan.</li>"}</ul>'
        f"{actions}</section></main>"
    )
    return layout(c.number, f"<style>{CSS}</style>{body}", flash)
