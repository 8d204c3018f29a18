"""Server-rendered pages of the live handoff: the line of chats, and one chat. Everything shown is escaped."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape as e
from zoneinfo import ZoneInfo

from console.pages import csrf_field, layout
from mpp.catalogue.model import Catalogue
from mpp.handoff.model import Author, Handoff, Line, Status
from mpp.handoff.service import Overview
from mpp.staff.accounts import StaffSession

CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "chat terminal"}
TOPICS = {
    "tanya_syarat": "syarat",
    "tanya_biaya": "biaya",
    "tanya_jadwal": "jadwal",
    "tanya_lokasi": "lokasi",
    "tanya_lama_proses": "lama proses",
    "daftar_layanan": "daftar layanan",
}
STATUS = {
    Status.WAITING: "menunggu",
    Status.MESSAGE: "pesan ditinggalkan",
    Status.ACTIVE: "sedang ditangani",
    Status.COMPOSING: "warga sedang menulis pesan",
    Status.ENDED: "selesai",
}
AUTHORS = {Author.CITIZEN: "Warga", Author.BOT: "Asisten", Author.STAFF: "Petugas"}
CSS = """
.chat{list-style:none;padding:0;margin:0;max-height:60vh;overflow-y:auto}
.chat li{margin:.35rem 0;padding:.45rem .7rem;border-radius:8px;white-space:pre-wrap;max-width:85%}
.chat li.citizen{background:#eef3f9} .chat li.bot{background:#f4f4f4;color:#555} .chat li.staff{background:#e3f5e8;margin-left:auto}
.chat small{display:block;color:#666;font-size:.75rem} textarea{width:100%;font-size:1rem;min-height:6rem}
.meta td{padding:.15rem .4rem} .waiting-since{color:#b45309}
"""


def _local(cat: Catalogue, mpp_code: str, at: datetime | None) -> str:
    if at is None:
        return "-"
    mpp = cat.mpp(mpp_code)
    return at.astimezone(ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta")).strftime("%d/%m %H.%M")


def topic_label(cat: Catalogue, h: Handoff) -> str:
    service = cat.service(h.service_code)
    parts = [service.name if service else "", TOPICS.get(h.topic or "", "")]
    label = " · ".join(p for p in parts if p)
    return label or "belum jelas (tanyakan kepada warga)"


def agency_label(cat: Catalogue, h: Handoff) -> str:
    mpp = cat.mpp(h.mpp_code)
    agency = mpp.agencies.get(h.agency_code) if mpp and h.agency_code else None
    return agency.name if agency else "umum (semua instansi)"


def _row(cat: Catalogue, h: Handoff, token: str, claim: bool, holder: str | None = None) -> str:
    who = f"Warga #{h.id} · {CHANNELS.get(h.channel, h.channel)}"
    since = h.queued_at or h.created_at
    action = (
        f'<form method="post" action="/handoffs/{h.id}/claim">{token}<button>Ambil</button></form>'
        if claim
        else (f"<small>oleh {e(holder)}</small>" if holder else "")
    )
    return (
        f'<tr data-handoff="{h.id}"><td><a href="/handoffs/{h.id}">{e(who)}</a><br><small>{e(topic_label(cat, h))} · '
        f"{e(agency_label(cat, h))}</small></td>"
        f'<td class="waiting-since">{e(_local(cat, h.mpp_code, since))}</td><td>{action}</td></tr>'
    )


def overview_page(cat: Catalogue, staff: StaffSession, o: Overview, refresh_seconds: int, flash: str | None) -> str:
    token = csrf_field(staff.csrf_token)
    mpp = cat.mpp(staff.mpp_code)
    title = f"Chat warga · {mpp.name if mpp else staff.mpp_code}"
    head = "<tr><th>Chat</th><th>Sejak</th><th></th></tr>"

    def table(label: str, rows: str, empty: str) -> str:
        return f'<table aria-label="{e(label)}">{head}{rows}</table>' if rows else f"<p>{e(empty)}</p>"

    waiting = "".join(_row(cat, h, token, True) for h in o.waiting)
    messages = "".join(_row(cat, h, token, True) for h in o.messages)
    mine = "".join(_row(cat, h, token, False) for h in o.mine)
    others = "".join(_row(cat, h, token, False, name or "petugas lain") for h, name in o.others)
    ended = "".join(
        f'<li><a href="/handoffs/{h.id}">Warga #{h.id}</a> · {e(_local(cat, h.mpp_code, h.ended_at))}</li>'
        for h in o.ended
    )
    body = (
        f"<header><h1>{e(title)}</h1><span>{e(staff.display_name)} · bertugas ({o.on_duty} petugas siaga)</span>"
        f'<a href="/" style="color:#fff">Kembali</a>'
        f'<form method="post" action="/handoffs/off-duty">{token}<button class="alt">Berhenti bertugas</button></form>'
        "</header><main>"
        f"<section><h2>Menunggu ({len(o.waiting)})</h2><p><small>Yang paling lama menunggu paling atas.</small></p>"
        f"{table('Menunggu', waiting, 'Tidak ada chat yang menunggu.')}</section>"
        f"<section><h2>Pesan ditinggalkan ({len(o.messages)})</h2>"
        f"{table('Pesan ditinggalkan', messages, 'Tidak ada pesan.')}</section>"
        f"<section><h2>Chat saya ({len(o.mine)})</h2>{table('Chat saya', mine, 'Belum ada chat yang Anda tangani.')}"
        f"<h2>Ditangani petugas lain</h2>{table('Ditangani petugas lain', others, 'Tidak ada.')}"
        f"<h2>Selesai (12 jam terakhir)</h2><ul>{ended or '<li>Belum ada.</li>'}</ul></section>"
        "</main>"
        # The page refreshes itself: new chats appear, and staff stay on duty while it is open.
        f"<script>setTimeout(() => location.reload(), {refresh_seconds * 1000});</script>"
    )
    return layout(title, f"<style>{CSS}</style>{body}", flash)


def line_time(cat: Catalogue, mpp_code: str, at: datetime) -> str:
    """A transcript line's time, at the MPP's local time."""
    mpp = cat.mpp(mpp_code)
    return at.astimezone(ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta")).strftime("%H.%M")


def _line(cat: Catalogue, h: Handoff, line: Line) -> str:
    who = line.staff_name if line.author is Author.STAFF and line.staff_name else AUTHORS[line.author]
    return (
        f'<li class="{e(line.author.value)}" data-line="{line.id}"><small>{e(who)} · '
        f"{e(line_time(cat, h.mpp_code, line.at))}</small>"
        f"{e(line.text)}</li>"
    )


def chat_page(
    cat: Catalogue,
    staff: StaffSession,
    h: Handoff,
    lines: list[Line],
    nonce: str,
    poll_seconds: float,
    flash: str | None,
    draft: str = "",
    max_chars: int = 2000,
) -> str:
    token = csrf_field(staff.csrf_token)
    mine = h.status is Status.ACTIVE and h.staff_id == staff.staff_id
    claimable = h.status in (Status.WAITING, Status.MESSAGE)
    controls = ""
    if claimable:
        controls = f'<form method="post" action="/handoffs/{h.id}/claim">{token}<button>Ambil chat ini</button></form>'
    if mine:
        controls = (
            f'<form method="post" action="/handoffs/{h.id}/reply" id="reply">{token}'
            f'<input type="hidden" name="nonce" value="{e(nonce)}">'
            f'<label for="text">Balasan untuk warga (paling panjang {max_chars} karakter)</label>'
            f'<textarea id="text" name="text" maxlength="{max_chars * 3}" required>{e(draft)}</textarea>'
            '<p><button id="send">Kirim</button></p></form>'
            f'<form method="post" action="/handoffs/{h.id}/end">{token}<button class="alt" id="end">Akhiri chat</button></form>'
        )
    meta = (
        '<table class="meta">'
        f"<tr><td>Topik</td><td>{e(topic_label(cat, h))}</td></tr>"
        f"<tr><td>Instansi</td><td>{e(agency_label(cat, h))}</td></tr>"
        f"<tr><td>Kanal</td><td>{e(CHANNELS.get(h.channel, h.channel))}</td></tr>"
        f'<tr><td>Status</td><td id="status">{e(STATUS[h.status])}</td></tr>'
        f"<tr><td>Masuk</td><td>{e(_local(cat, h.mpp_code, h.queued_at or h.created_at))}</td></tr>"
        "</table>"
    )
    last = lines[-1].id if lines else 0
    script = f"""
const list = document.getElementById('chat'); let last = {json.dumps(last)};
const labels = {json.dumps({a.value: AUTHORS[a] for a in Author})};
async function poll() {{
  try {{
    const r = await fetch('/handoffs/{h.id}/lines?after=' + last, {{credentials: 'same-origin'}});
    if (r.ok) {{
      const data = await r.json();
      for (const l of data.lines) {{
        const li = document.createElement('li'); li.className = l.author; li.dataset.line = l.id;
        const s = document.createElement('small'); s.textContent = (l.staff || labels[l.author]) + ' · ' + l.at;
        li.appendChild(s); li.appendChild(document.createTextNode(l.text)); list.appendChild(li);
        last = l.id; list.scrollTop = list.scrollHeight;
      }}
      document.getElementById('status').textContent = data.status_label;
      if (data.status === 'ended') {{ const f = document.getElementById('reply'); if (f) f.remove(); }}
    }}
  }} catch (err) {{}}
  setTimeout(poll, {int(poll_seconds * 1000)});
}}
setTimeout(poll, {int(poll_seconds * 1000)}); list.scrollTop = list.scrollHeight;
"""
    body = (
        f"<header><h1>Warga #{h.id}</h1><span>{e(staff.display_name)}</span>"
        '<a href="/handoffs" style="color:#fff">Daftar chat</a></header><main>'
        f'<section><h2>Percakapan</h2><ul class="chat" id="chat" aria-label="Percakapan" aria-live="polite">'
        f"{''.join(_line(cat, h, line) for line in lines)}</ul>"
        "<p><small>NIK dan nomor HP disamarkan. Jangan meminta data pribadi yang tidak diperlukan.</small></p>"
        f"{controls}</section>"
        f"<section><h2>Tentang chat ini</h2>{meta}</section></main><script>{script}</script>"
    )
    return layout(f"Chat warga #{h.id}", f"<style>{CSS}</style>{body}", flash)
