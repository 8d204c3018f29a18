"""HTML of the catalogue editor: the start page, the forms, a change with its answer diff, the versions.

Everything shown is escaped. Field names are those of ``mpp.editor.forms``; problems are shown as a
list (field: reason) at the top of the form and next to the field they name.
"""

from __future__ import annotations

from html import escape as e
from typing import Any, Mapping, Sequence
from urllib.parse import urlencode

from console.pages import layout
from mpp.catalogue.model import BOOKING_MODES, JENIS_LABELS, WEEKDAYS_ID, Catalogue
from mpp.editor.changes import APPROVED, DRAFT, REJECTED, REVERTED, SUBMITTED, Change, Preview, Revision
from mpp.editor.diff import ADDED, REMOVED
from mpp.editor.document import Target
from mpp.editor.forms import EXTRA_ROWS, Fees
from mpp.editor.topics import TOPICS

STATUS = {
    DRAFT: "draf",
    SUBMITTED: "menunggu persetujuan",
    APPROVED: "berlaku",
    REJECTED: "ditolak",
    REVERTED: "dikembalikan",
}
MODES = {
    "": "ikuti aturan nasional layanan",
    "mpp_slot": "antrean MPP (slot)",
    "agency_system": "sistem instansi",
    "walk_in": "langsung datang",
}
EXTRA_CSS = (
    "<style>.diff td{font-family:ui-monospace,monospace;white-space:pre-wrap;padding:.1rem .4rem}"
    ".diff .add{background:#e6ffec}.diff .del{background:#ffebe9;text-decoration:line-through}"
    ".err{color:#b42318;font-size:.9rem}[aria-invalid=true]{border:2px solid #b42318}"
    ".problems{background:#ffebe9;border:1px solid #b42318;padding:.6rem 1rem;border-radius:6px}"
    "textarea{width:100%;font-size:1rem}label{display:block;margin:.4rem 0}"
    ".fees input{width:100%} .hours input{width:6rem} fieldset input{width:60%}</style>"
)


def edit_url(topic: str, target: Target, draft: int | None = None) -> str:
    query = {"topic": topic, "kind": target.kind, "key": target.key}
    if draft is not None:
        query["draft"] = str(draft)
    return "/katalog/ubah?" + urlencode(query)


def header(title: str, token: str) -> str:
    return (
        f'<header><h1>{e(title)}</h1><a href="/katalog" style="color:#fff">Katalog</a>'
        f'<a href="/" style="color:#fff">Beranda</a><form method="post" action="/logout">{token}'
        '<button class="alt">Keluar</button></form></header>'
    )


def topic_label(topic: str) -> str:
    return TOPICS[topic].label if topic in TOPICS else {"onboarding": "MPP baru"}.get(topic, topic)


def _change_row(cat: Catalogue, c: Change, names: Mapping[int, str]) -> str:
    what = topic_label(c.topic)
    found = cat.service(c.target.service)
    service = found.name if found else (c.target.service or "")
    where = c.target.mpp or c.mpp_code or "nasional"
    return (
        f'<tr><td><a href="/katalog/perubahan/{c.id}">#{c.id}</a></td><td>{e(what)}</td><td>{e(service)}</td>'
        f"<td>{e(where)}</td><td>{e(names.get(c.author_id, str(c.author_id)))}</td><td>{e(STATUS.get(c.status, c.status))}</td>"
        f"<td>{e(c.updated_at.isoformat(timespec='minutes'))}</td></tr>"
    )


def _changes_table(label: str, cat: Catalogue, changes: Sequence[Change], names: Mapping[int, str]) -> str:
    rows = "".join(_change_row(cat, c, names) for c in changes) or '<tr><td colspan="7">Tidak ada.</td></tr>'
    return (
        f'<table aria-label="{e(label)}"><tr><th>#</th><th>Bagian</th><th>Layanan</th><th>MPP</th><th>Oleh</th>'
        f"<th>Status</th><th>Diperbarui</th></tr>{rows}</table>"
    )


def home_page(
    cat: Catalogue,
    staff_label: str,
    token: str,
    mpp_code: str | None,
    mpps: Sequence[str],
    rows: Sequence[tuple[str, str, Sequence[tuple[str, str]]]],
    mpp_links: Sequence[tuple[str, str]],
    mine: Sequence[Change],
    waiting: Sequence[Change],
    recent: Sequence[Change],
    names: Mapping[int, str],
    flash: str | None,
) -> str:
    """``rows``: (service name, agency name, [(link label, url)]) the staff member may edit."""
    chooser = ""
    if len(mpps) > 1:
        options = "".join(
            f'<option value="{e(m)}"{" selected" if m == mpp_code else ""}>{e(cat.mpps[m].name)}</option>' for m in mpps
        )
        chooser = (
            f'<form method="get" action="/katalog"><select name="mpp" aria-label="MPP">{options}</select> '
            '<button class="alt">Tampilkan</button></form>'
        )
    service_rows = "".join(
        f"<tr><td>{e(name)}</td><td>{e(agency)}</td><td>"
        + " · ".join(f'<a href="{e(url)}">{e(label)}</a>' for label, url in links)
        + "</td></tr>"
        for name, agency, links in rows
    )
    mpp_part = "".join(f'<li><a href="{e(url)}">{e(label)}</a></li>' for label, url in mpp_links)
    body = header(f"Katalog layanan · {staff_label}", token) + (
        "<main>"
        f'<section style="grid-column:1/-1"><h2>Yang dapat Anda ubah</h2>{chooser}'
        f"<ul>{mpp_part}</ul>"
        '<table aria-label="Layanan"><tr><th>Layanan</th><th>Instansi</th><th>Ubah</th></tr>'
        f"{service_rows or '<tr><td colspan=3>Tidak ada layanan yang dapat Anda ubah.</td></tr>'}</table>"
        "<p><small>Setiap perubahan perlu sumber, lalu berlaku setelah disetujui admin (fakta nasional: admin "
        'nasional). <a href="/katalog/versi">Versi katalog</a></small></p></section>'
        f'<section style="grid-column:1/-1"><h2>Menunggu persetujuan Anda</h2>{_changes_table("Menunggu persetujuan", cat, waiting, names)}</section>'
        f'<section style="grid-column:1/-1"><h2>Draf dan pengajuan saya</h2>{_changes_table("Draf saya", cat, mine, names)}</section>'
        f'<section style="grid-column:1/-1"><h2>Riwayat perubahan</h2>{_changes_table("Riwayat", cat, recent, names)}</section>'
        "</main>"
    )
    return layout("Katalog layanan", EXTRA_CSS + body, flash)


def field_error(problems: Mapping[str, str], name: str) -> str:
    return f'<div class="err" id="err-{e(name)}">{e(problems[name])}</div>' if name in problems else ""


def field_input(name: str, value: str, problems: Mapping[str, str], label: str = "", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{e(v)}"' for k, v in attrs.items())
    invalid = ' aria-invalid="true"' if name in problems else ""
    box = f'<input name="{e(name)}" value="{e(value)}"{invalid}{extra} aria-label="{e(label or name)}">'
    return box + field_error(problems, name)


def field_textarea(name: str, value: str, problems: Mapping[str, str], label: str, rows: int = 5) -> str:
    invalid = ' aria-invalid="true"' if name in problems else ""
    return (
        f'<label>{e(label)}<textarea name="{e(name)}" rows="{rows}"{invalid}>{e(value)}</textarea></label>'
        + field_error(problems, name)
    )


def field_check(name: str, value: str, label: str) -> str:
    checked = " checked" if value == "1" else ""
    return f'<label><input type="checkbox" name="{e(name)}" value="1"{checked}> {e(label)}</label>'


def _fees(f: Mapping[str, str], p: Mapping[str, str]) -> str:
    rows = []
    for i in range(Fees.rows(f) + EXTRA_ROWS):
        cells = "".join(
            f"<td>{field_input(f'fee_{i}_{part}', f.get(f'fee_{i}_{part}', ''), p, f'{label} baris {i + 1}')}</td>"
            for part, label in (("label", "Nama biaya"), ("amount", "Rupiah"), ("jenis", "Jenis"), ("note", "Catatan"))
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        field_check("fee_free", f.get("fee_free", ""), "Layanan ini gratis")
        + field_textarea("fee_note", f.get("fee_note", ""), p, "Catatan biaya (umum)", 2)
        + '<table class="fees" aria-label="Biaya"><tr><th>Nama biaya</th><th>Rupiah (angka)</th>'
        "<th>Jenis (mis. baru, hilang)</th><th>Catatan</th></tr>" + "".join(rows) + "</table>"
        "<p><small>Kosongkan nama dan rupiah sebuah baris untuk menghapusnya. Rupiah kosong: bervariasi.</small></p>"
        + field_textarea("legal_basis", f.get("legal_basis", ""), p, "Dasar hukum (satu per baris)", 4)
    )


def _requirements(f: Mapping[str, str], p: Mapping[str, str], jenis: Sequence[str]) -> str:
    parts = [field_textarea("req_general", f.get("req_general", ""), p, "Persyaratan umum (satu per baris)", 8)]
    for j in jenis:
        parts.append(
            field_textarea(
                f"req_{j}", f.get(f"req_{j}", ""), p, f"Persyaratan khusus {JENIS_LABELS.get(j, j)} (satu per baris)", 5
            )
        )
    return "".join(parts)


def _processing_one(f: Mapping[str, str], p: Mapping[str, str], prefix: str, title: str) -> str:
    return (
        f"<fieldset><legend>{e(title)}</legend>"
        + field_textarea(f"{prefix}text", f.get(f"{prefix}text", ""), p, f"{title}: kalimat untuk warga", 2)
        + f"<label>Batas hari kerja (angka, bila sumber menyebutkannya) {field_input(f'{prefix}working_days', f.get(f'{prefix}working_days', ''), p, f'{title}: batas hari kerja', inputmode='numeric')}</label>"
        + field_check(f"{prefix}same_day", f.get(f"{prefix}same_day", ""), "Selesai di hari yang sama")
        + field_error(p, f"{prefix}same_day")
        + f"<label>Dihitung sejak {field_input(f'{prefix}counted_from', f.get(f'{prefix}counted_from', ''), p, f'{title}: dihitung sejak')}</label>"
        + "</fieldset>"
    )


def _processing(f: Mapping[str, str], p: Mapping[str, str], jenis: Sequence[str]) -> str:
    return (
        _processing_one(f, p, "proc_", "Lama proses umum")
        + "".join(_processing_one(f, p, f"proc_{j}_", f"Lama proses jenis {j}") for j in jenis)
        + "<p><small>Batas hari kerja (atau 'hari yang sama') yang bersumber dipakai asisten untuk menjanjikan "
        "tanggal selesai. Kosongkan kalimat sebuah jenis agar jenis itu memakai lama proses umum.</small></p>"
    )


def _address(f: Mapping[str, str], p: Mapping[str, str]) -> str:
    return (
        field_textarea("address_text", f.get("address_text", ""), p, "Alamat MPP (untuk warga)", 2)
        + field_textarea("address_note", f.get("address_note", ""), p, "Catatan alamat (opsional)", 2)
        + f"<label>Lintang (latitude) {field_input('lat', f.get('lat', ''), p, 'Lintang', placeholder='-6.5950')}</label>"
        + f"<label>Bujur (longitude) {field_input('lon', f.get('lon', ''), p, 'Bujur', placeholder='106.7890')}</label>"
        + field_textarea("coordinates_note", f.get("coordinates_note", ""), p, "Catatan titik peta (untuk operator)", 2)
        + "<p><small>Titik peta dikirim sebagai pin lokasi di Telegram dan WhatsApp. Isi hanya dari sumber yang "
        "bisa dikutip; kosongkan lintang dan bujur bila belum ada.</small></p>"
    )


def _counters(f: Mapping[str, str], p: Mapping[str, str]) -> str:
    return (
        field_textarea(
            "counters", f.get("counters", ""), p, "Loket (satu per baris: kode | nama | lantai | instansi)", 10
        )
        + field_check("counters_verified", f.get("counters_verified", ""), "Loket yang diubah sudah sesuai sumber")
        + "<p><small>Loket yang masih dipakai sebuah layanan tidak bisa dihapus; pindahkan dulu layanannya.</small></p>"
    )


def _agencies(f: Mapping[str, str], p: Mapping[str, str], names: Mapping[str, str]) -> str:
    codes = [k.removeprefix("presence_") for k in f if k.startswith("presence_")]
    parts = []
    for code in codes:
        chosen = f.get(f"presence_{code}", "")
        options = "".join(
            f'<option value="{v}"{" selected" if v == chosen else ""}>{e(t)}</option>'
            for v, t in (("verified", "hadir (terverifikasi)"), ("unverified", "belum terverifikasi: tanpa booking"))
        )
        title = names.get(code, code)
        parts.append(
            f"<fieldset><legend>{e(title)} <code>{e(code)}</code></legend>"
            f'<label>Kehadiran di MPP <select name="presence_{e(code)}" aria-label="Kehadiran {e(code)}">{options}</select></label>'
            + field_error(p, f"presence_{code}")
            + field_textarea(
                f"contact_{code}",
                f.get(f"contact_{code}", ""),
                p,
                f"Kontak {title} (jenis | nomor/alamat | catatan)",
                3,
            )
            + "</fieldset>"
        )
    return "".join(parts) + (
        "<p><small>Instansi yang kehadirannya belum terverifikasi tidak ditawarkan untuk booking; asisten "
        "menunjuk kanal resmi instansi itu. Booking yang sudah ada diberi tahu dan ditawari jalan lain.</small></p>"
    )


def _offering(f: Mapping[str, str], p: Mapping[str, str]) -> str:
    modes = "".join(
        f'<option value="{e(k)}"{" selected" if f.get("booking_mode", "") == k else ""}>{e(v)}</option>'
        for k, v in MODES.items()
        if k == "" or k in BOOKING_MODES
    )
    return (
        f"<label>Lama slot (menit) {field_input('slot_minutes', f.get('slot_minutes', ''), p, 'Lama slot (menit)', inputmode='numeric')}</label>"
        f"<label>Kuota per slot {field_input('quota_per_slot', f.get('quota_per_slot', ''), p, 'Kuota per slot', inputmode='numeric')}</label>"
        f'<label>Cara pemesanan <select name="booking_mode" aria-label="Cara pemesanan">{modes}</select></label>'
        + field_error(p, "booking_mode")
        + f"<label>Loket (kode, pisahkan dengan koma) {field_input('counters', f.get('counters', ''), p, 'Loket')}</label>"
        + field_textarea("hours_note", f.get("hours_note", ""), p, "Catatan jam layanan", 2)
        + field_textarea("note", f.get("note", ""), p, "Catatan layanan di MPP ini", 2)
        + "<p><small>Mengurangi kuota, mengubah lama slot atau cara pemesanan memberi tahu booking yang "
        "tergeser dan menawarkan jadwal lain.</small></p>"
    )


def hours_fields(f: Mapping[str, str], p: Mapping[str, str]) -> str:
    rows = "".join(
        f"<tr><td>{e(day)}</td>"
        + "".join(
            f"<td>{field_input(f'{day}_{part}', f.get(f'{day}_{part}', ''), p, f'{day} {part}', placeholder=ph)}</td>"
            for part, ph in (
                ("open", "08:00"),
                ("close", "16:00"),
                ("break_start", ""),
                ("break_end", ""),
                ("break_reason", ""),
            )
        )
        + "</tr>"
        for day in WEEKDAYS_ID
    )
    return (
        '<table class="hours" aria-label="Jam buka"><tr><th>Hari</th><th>Buka</th><th>Tutup</th><th>Istirahat mulai</th>'
        f"<th>Istirahat selesai</th><th>Alasan istirahat</th></tr>{rows}</table>"
        "<p><small>Kosongkan jam buka dan tutup untuk hari libur mingguan.</small></p>"
        + field_check("hours_verified", f.get("hours_verified", ""), "Jam buka sudah terverifikasi dari sumber")
        + field_textarea("hours_note", f.get("hours_note", ""), p, "Catatan jam buka", 2)
        + field_textarea(
            "closures", f.get("closures", ""), p, "Hari tutup khusus (satu per baris: YYYY-MM-DD | alasan)", 4
        )
    )


def source_block(form: Mapping[str, str], problems: Mapping[str, str], sources: Sequence[Mapping[str, Any]]) -> str:
    options = '<option value="">— sumber baru (isi di bawah) —</option>' + "".join(
        f'<option value="{e(str(s.get("id")))}"{" selected" if form.get("source_id") == s.get("id") else ""}>'
        f"{e(str(s.get('title', s.get('id'))))[:120]}</option>"
        for s in sources
        if s.get("id")
    )
    return (
        "<fieldset><legend>Sumber perubahan (wajib)</legend>"
        f'<label>Sumber yang sudah tercatat <select name="source_id" aria-label="Sumber yang sudah tercatat">{options}</select></label>'
        + field_error(problems, "source")
        + f"<label>Judul sumber baru {field_input('source_title', form.get('source_title', ''), problems, 'Judul sumber baru')}</label>"
        f"<label>Tautan {field_input('source_url', form.get('source_url', ''), problems, 'Tautan sumber', placeholder='https://')}</label>"
        f"<label>Tanggal sumber {field_input('source_date', form.get('source_date', ''), problems, 'Tanggal sumber', placeholder='2026-12-01')}</label>"
        "<p><small>Tanggal hari ini dicatat sebagai tanggal pengecekan fakta yang Anda ubah.</small></p></fieldset>"
    )


def edit_page(
    topic: str,
    target: Target,
    title: str,
    token: str,
    form: Mapping[str, str],
    problems: Mapping[str, str],
    sources: Sequence[Mapping[str, Any]],
    jenis: Sequence[str],
    draft: int | None,
    reason: str,
    flash: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    fields = {
        "fees": lambda: _fees(form, problems),
        "requirements": lambda: _requirements(form, problems, jenis),
        "processing": lambda: _processing(form, problems, jenis),
        "offering": lambda: _offering(form, problems),
        "hours": lambda: hours_fields(form, problems),
        "address": lambda: _address(form, problems),
        "counters": lambda: _counters(form, problems),
        "agencies": lambda: _agencies(form, problems, names or {}),
    }[topic]()
    listed = "".join(f"<li><code>{e(k)}</code>: {e(v)}</li>" for k, v in problems.items())
    alert = (
        f'<div class="problems" role="alert" id="problems"><strong>Belum bisa diajukan — perbaiki dulu:</strong>'
        f"<ul>{listed}</ul><small>Draf Anda tersimpan.</small></div>"
        if problems
        else ""
    )
    draft_note = f"<p>Draf #{draft}</p>" if draft else ""
    body = header(title, token) + (
        f'<main><section style="grid-column:1/-1">{alert}{draft_note}'
        f'<form method="post" action="{e(edit_url(topic, target, draft))}">{token}'
        f"<h2>{e(TOPICS[topic].label)}</h2>{fields}{source_block(form, problems, sources)}"
        + field_textarea("reason", reason, problems, "Alasan perubahan (untuk penyetuju)", 2)
        + '<p><button name="action" value="submit">Ajukan untuk disetujui</button> '
        '<button class="alt" name="action" value="draft">Simpan draf</button></p></form></section></main>'
    )
    return layout(title, EXTRA_CSS + body, flash)


def _diff(preview: Preview) -> str:
    parts = []
    for block in preview.blocks:
        rows = "".join(
            f'<tr class="{"add" if mark == ADDED else "del" if mark == REMOVED else ""}"><td>{e(mark)}</td><td>{e(text)}</td></tr>'
            for mark, text in block.lines
        )
        note = "" if block.changed else " <small>(tidak berubah)</small>"
        parts.append(f'<h3>{e(block.title)}{note}</h3><table class="diff" aria-label="{e(block.title)}">{rows}</table>')
    return "".join(parts)


def change_page(
    cat: Catalogue,
    change: Change,
    preview: Preview,
    names: Mapping[int, str],
    token: str,
    actions: Sequence[str],
    edit_link: str | None,
    flash: str | None = None,
) -> str:
    what = topic_label(change.topic)
    found = cat.service(change.target.service)
    service = found.name if found else ""
    title = f"Perubahan #{change.id}: {what}" + (f" — {service}" if service else "")
    problems = {**change.problems, **preview.problems}
    listed = "".join(f"<li><code>{e(k)}</code>: {e(v)}</li>" for k, v in problems.items())
    labels = {"approve": "Setujui", "reject": "Tolak", "revert": "Kembalikan ke sebelum perubahan ini"}
    buttons = "".join(
        f'<form method="post" action="/katalog/perubahan/{change.id}/{a}" style="display:inline">{token}'
        + ('<input name="note" placeholder="Catatan (opsional)" aria-label="Catatan"> ' if a != "revert" else "")
        + f"<button{' class=alt' if a == 'reject' else ''}>{labels[a]}</button></form> "
        for a in actions
    )
    moved = (
        f"<p><strong>{preview.displaced} booking</strong> tergeser oleh perubahan ini: pemiliknya akan diberi tahu "
        "dan ditawari jadwal lain.</p>"
        if preview.displaced
        else ""
    )
    decided = ""
    if change.decided_at:
        decided = (
            f"<li>Diputuskan oleh {e(names.get(change.decided_by or 0, '-'))} pada "
            f"{e(change.decided_at.isoformat(timespec='minutes'))}"
            + (f": {e(change.decision_note)}" if change.decision_note else "")
            + "</li>"
        )
    facts = (
        f'<ul><li>Status: <strong id="status">{e(STATUS.get(change.status, change.status))}</strong></li>'
        f"<li>Oleh {e(names.get(change.author_id, str(change.author_id)))}, diperbarui "
        f"{e(change.updated_at.isoformat(timespec='minutes'))}</li>"
        + (f"<li>Alasan: {e(change.reason)}</li>" if change.reason else "")
        + decided
        + (f"<li>Berlaku sebagai versi katalog {change.version_id}</li>" if change.version_id else "")
        + (f"<li>Dikembalikan pada versi {change.reverted_in}</li>" if change.reverted_in else "")
        + ("<li>Fakta nasional: disetujui admin nasional</li>" if change.national else "")
        + "</ul>"
    )
    body = header(title, token) + (
        f'<main><section style="grid-column:1/-1">{facts}'
        + (f'<div class="problems" role="alert"><ul>{listed}</ul></div>' if listed else "")
        + moved
        + (f'<p><a href="{e(edit_link)}">Ubah draf ini</a></p>' if edit_link else "")
        + f"<div>{buttons}</div></section>"
        f'<section style="grid-column:1/-1"><h2>Yang berubah bagi warga</h2>{_diff(preview) or "<p>-</p>"}</section></main>'
    )
    return layout(title, EXTRA_CSS + body, flash)


def versions_page(revisions: Sequence[Revision], names: Mapping[int, str], token: str) -> str:
    origin = {"yaml": "muat YAML", "change": "perubahan", "revert": "pengembalian", "onboarding": "MPP baru"}
    rows = "".join(
        f"<tr><td>{r.version}</td><td>{e(origin.get(r.origin, r.origin))}</td>"
        f"<td>{f'<a href=/katalog/perubahan/{r.change_id}>#{r.change_id}</a>' if r.change_id else '-'}</td>"
        f"<td>{e(names.get(r.staff_id, 'operator (CLI)') if r.staff_id else 'operator (CLI)')}</td>"
        f"<td>{e(r.note or '')}</td><td>{e(r.created_at.isoformat(timespec='minutes'))}</td></tr>"
        for r in revisions
    )
    body = header("Versi katalog", token) + (
        '<main><section style="grid-column:1/-1"><table aria-label="Versi"><tr><th>Versi</th><th>Asal</th>'
        f"<th>Perubahan</th><th>Oleh</th><th>Catatan</th><th>Waktu</th></tr>{rows}</table></section></main>"
    )
    return layout("Versi katalog", EXTRA_CSS + body)
