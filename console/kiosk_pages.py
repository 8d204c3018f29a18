"""HTML of the kiosk screen, its enrolment, and the staff's kiosk management page. Everything shown is escaped."""

from __future__ import annotations

from html import escape as e

from console.pages import csrf_field, layout
from mpp.catalogue.model import Catalogue, Mpp
from mpp.staff.kiosks import CHECK_IN, CHECK_IN_FAILED, PRIORITY, PRIORITY_REASONS, WALK_IN, KioskDevice


def ticket_section(number: str, token: str, links: list[tuple[str, str, str]]) -> str:
    """The printed ticket's part that binds a chat: a QR per configured channel, and the words to type."""
    qrs = "".join(
        f'<figure style="display:inline-block;margin:.5rem"><img alt="QR {e(label)}" '
        f'src="data:image/png;base64,{e(png)}" width="180" height="180"><figcaption>{e(label)}: '
        f'<a href="{e(url)}">{e(url)}</a></figcaption></figure>'
        for label, url, png in links
    )
    return (
        f'<section aria-label="Karcis"><h2>Nomor antrean {e(number)}</h2>'
        "<p>Ikuti giliran dan status permohonan Anda lewat chat: pindai QR ini, atau kirim pesan "
        f"<code>ikuti {e(token)}</code> ke Asisten MPP. Berlaku 3 hari, untuk satu chat saja.</p>{qrs}</section>"
    )


def kiosk_page(cat: Catalogue, mpp: Mpp, token: str, message: str | None = None, ticket: str = "") -> str:
    # Only services whose agency is known to be here: an unverified tenant issues no tickets.
    services = "".join(
        f'<option value="{e(s.code)}">{e(s.name)}</option>'
        for s in cat.services_at(mpp.code)
        if cat.present(mpp.code, s.code)
    )
    reasons = "".join(f'<option value="{e(k)}">{e(v)}</option>' for k, v in PRIORITY_REASONS.items())
    body = (
        f"<header><h1>{e(mpp.name)} — Anjungan Antrean</h1></header><main>{ticket}"
        f'<section><h2>Sudah pesan lewat chat?</h2><form method="post" action="/kiosk/{e(mpp.code)}/check-in">'
        f'<input type="hidden" name="kiosk" value="{e(token)}"><input name="code" placeholder="Kode booking atau pindai QR" '
        'aria-label="Kode booking" autocomplete="off" autofocus> <button>Check-in</button></form></section>'
        f'<section><h2>Ambil nomor antrean</h2><form method="post" action="/kiosk/{e(mpp.code)}/walk-in">'
        f'<input type="hidden" name="kiosk" value="{e(token)}"><p><select name="service" aria-label="Layanan">{services}</select></p>'
        '<p><label>Jalur prioritas <select name="priority" aria-label="Jalur prioritas">'
        f'<option value="">Tidak</option>{reasons}</select></label></p>'
        "<p><button>Ambil nomor</button></p></form></section></main>"
    )
    return layout(f"Anjungan {mpp.name}", body, message)


def not_enrolled_page(reason: str | None = None) -> str:
    text = reason or "Perangkat ini belum terdaftar sebagai anjungan, atau pendaftarannya sudah dicabut."
    body = (
        "<header><h1>Anjungan Antrean</h1></header><main><section>"
        f"<p>{e(text)} Silakan ambil nomor antrean di meja informasi.</p>"
        '<p><small>Petugas: daftarkan perangkat ini di <a href="/kiosk/enrol">/kiosk/enrol</a> '
        "dengan kode dari admin MPP.</small></p></section></main>"
    )
    return layout("Anjungan belum terdaftar", body)


def enrol_page(code: str = "", error: str | None = None) -> str:
    body = (
        "<header><h1>Daftarkan perangkat ini sebagai anjungan</h1></header><main><section>"
        '<form method="post" action="/kiosk/enrol"><p><label>Kode pendaftaran (dari admin MPP)<br>'
        f'<input name="code" value="{e(code)}" autocomplete="off" required maxlength="20"></label></p>'
        "<p><button>Daftarkan</button></p></form></section></main>"
    )
    return layout("Pendaftaran anjungan", body, error)


def code_page(name: str, code: str, minutes: int) -> str:
    body = (
        '<header><h1>Kode pendaftaran anjungan</h1><a href="/kiosks" style="color:#fff;margin-left:auto">Kembali</a></header>'
        f"<main><section><p>Anjungan: <strong>{e(name)}</strong></p>"
        f'<p class="number" id="enrol-code">{e(code)}</p>'
        f"<p>Di perangkat anjungan, buka <code>/kiosk/enrol</code> dan masukkan kode ini, atau buka tautan "
        f'<a href="/kiosk/enrol?code={e(code)}">/kiosk/enrol?code={e(code)}</a>. '
        f"Kode hanya berlaku sekali, selama {minutes} menit, dan tidak ditampilkan lagi.</p></section></main>"
    )
    return layout("Kode pendaftaran anjungan", body)


def _status(d: KioskDevice) -> str:
    if d.revoked:
        return "dicabut"
    if d.enrolled:
        return "aktif"
    return "menunggu pendaftaran"


def manage_page(
    devices: list[KioskDevice],
    activity: dict[int, dict[str, int]],
    mpps: list[str],
    csrf: str,
    note: str | None,
    name: str,
    reasons: dict[str, str],
) -> str:
    token = csrf_field(csrf)
    rows = []
    for d in devices:
        counts = activity.get(d.id, {})
        actions = ""
        if not d.revoked:
            actions = (
                f'<form method="post" action="/kiosks/{d.id}/code">{token}<button class="alt">Kode baru</button></form> '
                f'<form method="post" action="/kiosks/{d.id}/revoke">{token}<button>Cabut</button></form>'
            )
        rows.append(
            f"<tr><td>{d.id}</td><td>{e(d.mpp_code)}</td><td>{e(d.name)}</td><td>{_status(d)}</td>"
            f"<td>{counts.get(WALK_IN, 0)}</td><td>{counts.get(PRIORITY, 0)}</td>"
            f"<td>{counts.get(CHECK_IN, 0)}</td><td>{counts.get(CHECK_IN_FAILED, 0)}</td>"
            f'<td><div class="actions">{actions}</div></td></tr>'
        )
    choose = (
        f'<input type="hidden" name="mpp" value="{e(mpps[0])}">'
        if len(mpps) == 1
        else '<select name="mpp" aria-label="MPP">'
        + "".join(f'<option value="{e(m)}">{e(m)}</option>' for m in mpps)
        + "</select> "
    )
    body = (
        '<header><h1>Anjungan (kiosk)</h1><a href="/" style="color:#fff;margin-left:auto">Kembali</a></header><main>'
        f'<section><h2>Anjungan baru</h2><form method="post" action="/kiosks">{token}{choose}'
        f'<input name="name" value="{e(name)}" placeholder="Nama, mis. Lobi lantai 1" aria-label="Nama anjungan" required> '
        "<button>Buat dan tampilkan kode</button></form>"
        f"<p><small>Prioritas di anjungan memakai alasan ({e(', '.join(reasons.values()))}) yang dihitung per anjungan; "
        "di atas batas, warga diminta ke petugas.</small></p></section>"
        '<section style="grid-column:1/-1"><h2>Daftar anjungan (24 jam terakhir)</h2><table aria-label="Anjungan">'
        "<tr><th>#</th><th>MPP</th><th>Nama</th><th>Status</th><th>Walk-in</th><th>Prioritas</th>"
        f"<th>Check-in</th><th>Kode salah</th><th></th></tr>{''.join(rows)}</table></section></main>"
    )
    return layout("Anjungan", body, note)
