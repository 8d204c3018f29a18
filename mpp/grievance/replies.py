"""Every text a citizen reads about complaints (polite Indonesian), and the notices sent to their chat."""

from __future__ import annotations

from datetime import date

from mpp.catalogue.model import Catalogue
from mpp.grievance.model import Category, Complaint, Status
from mpp.replies import Choice, Reply
from mpp.text import tanggal

ASK_DESCRIPTION = (
    "Mohon maaf atas pengalaman yang kurang menyenangkan. 🙏 Saya catat sebagai pengaduan resmi dan Anda "
    "akan mendapat nomor pengaduan untuk memantau tindak lanjutnya.\n"
    'Ceritakan singkat apa yang terjadi (mis. loket mana, apa yang dialami). Ketik "batal" untuk tidak jadi.'
)
NOTED = (
    "Mohon maaf atas pengalaman itu. 🙏 Saya catat sebagai pengaduan resmi dan Anda akan mendapat nomor "
    'pengaduan. Beberapa pertanyaan singkat dulu (ketik "batal" untuk tidak jadi).'
)
ASK_WHEN = 'Kapan kejadiannya? (mis. "tadi pagi", "kemarin jam 10", "Senin 30 November")'
ASK_CONTACT = (
    "Nomor HP atau email yang bisa dihubungi petugas (opsional). Identitas pelapor dirahasiakan. "
    "Ketik nomornya, atau pilih Lewati."
)
SKIP = Choice("Lewati", "negasi")
NO_AGENCY = "tidak tahu"
CANCELLED = "Baik, pengaduan tidak jadi dikirim dan tidak ada yang disimpan."
EMPTY = 'Isi pengaduannya masih kosong. Ceritakan singkat apa yang terjadi, atau ketik "batal".'
THROTTLED = (
    "Maaf, terlalu banyak percobaan nomor pengaduan dari chat ini. Silakan coba lagi dalam satu jam, "
    "atau tanyakan langsung ke meja informasi MPP."
)
NOT_FOUND = (
    "Maaf, pengaduan dengan nomor dan kode rahasia itu tidak ditemukan. Periksa lagi nomor (mis. "
    "ADU-2026-000123) dan kode rahasia 6 huruf/angka yang diberikan saat melapor."
)
HOW_TO_CHECK = (
    "Untuk mengecek pengaduan dari chat lain, kirim nomor dan kode rahasianya, mis.: "
    '"cek pengaduan ADU-2026-000123 K7QH2M".'
)
NEEDS_CODE = (
    "Nomor pengaduan dari chat lain hanya bisa dicek bersama kode rahasianya (6 huruf/angka yang diberikan saat "
    'melapor), mis.: "cek pengaduan ADU-2026-000123 K7QH2M".'
)
NONE_HERE = "Belum ada pengaduan dari chat ini. " + HOW_TO_CHECK


def too_long(length: int, limit: int) -> str:
    return (
        f"Maaf, ceritanya terlalu panjang ({length:,} karakter; maksimal {limit:,}).".replace(",", ".")
        + " Mohon diringkas: tulis inti kejadiannya, petugas akan menanyakan detailnya bila perlu."
    )


def ask_mpp(cat: Catalogue) -> Reply:
    choices = tuple(
        Choice(m.name, "informasi", {"mpp": m.code}) for m in sorted(cat.mpps.values(), key=lambda m: m.name)
    )
    return Reply("Di MPP mana kejadiannya?", choices)


def ask_agency(cat: Catalogue, mpp_code: str) -> Reply:
    mpp = cat.mpp(mpp_code)
    agencies = sorted(mpp.agencies.values(), key=lambda a: a.name) if mpp else []
    choices = tuple(Choice(a.name, "informasi", {"instansi": a.code}) for a in agencies[:9])
    return Reply(
        'Di loket instansi mana? Tulis namanya (mis. Dukcapil, Samsat, Imigrasi), atau pilih "Tidak tahu".',
        (*choices, Choice("Tidak tahu", "negasi")),
    )


def unknown_mpp(cat: Catalogue) -> Reply:
    r = ask_mpp(cat)
    return Reply("Maaf, MPP itu belum saya kenal. " + r.text, r.choices)


def filed(c: Complaint, secret: str, cat: Catalogue, response_days: int) -> Reply:
    mpp = cat.mpp(c.mpp_code)
    where = mpp.name if mpp else c.mpp_code
    lines = [
        f"Pengaduan Anda sudah tercatat. ✅\nNomor pengaduan: {c.number}\nKode rahasia: {secret}",
        f"Pengaduan diteruskan ke pengelola pengaduan {where}. Tanggapan pertama paling lambat "
        f"{tanggal(c.respond_by)} ({response_days} hari kerja).",
        'Simpan nomor dan kode rahasia ini. Dari chat ini, cukup ketik "cek pengaduan". Dari chat lain, kirim '
        "nomor beserta kode rahasianya.",
    ]
    if c.category is Category.PUNGLI:
        lines.append(
            "Laporan pungutan liar hanya dibaca supervisor MPP, tidak diteruskan ke instansi yang Anda sebut, dan "
            "identitas Anda dirahasiakan."
        )
    lines.append("Anda juga bisa melapor ke SP4N-LAPOR! (www.lapor.go.id, SMS 1708).")
    return Reply("\n\n".join(lines))


def status(c: Complaint, cat: Catalogue, last_reply: str | None, today: date) -> Reply:
    mpp = cat.mpp(c.mpp_code)
    lines = [f"Pengaduan {c.number} ({mpp.name if mpp else c.mpp_code}, {c.category.label.lower()})"]
    lines.append(f"Status: {c.status.label}.")
    if c.status is Status.DITERUSKAN and c.assigned_agency and mpp:
        agency = mpp.agencies.get(c.assigned_agency)
        if agency:
            lines[-1] = f"Status: diteruskan ke {agency.name}."
    if last_reply:
        lines.append(f"Tanggapan petugas: {last_reply}")
    if c.status is Status.SELESAI:
        lines.append("Pengaduan sudah dinyatakan selesai. Terima kasih telah melapor.")
    elif c.responded_at is None:
        lines.append(f"Tanggapan pertama paling lambat {tanggal(c.respond_by)}.")
    else:
        lines.append(f"Target penyelesaian: {tanggal(c.resolve_by)}.")
    if c.overdue(today):
        lines.append("Batas waktunya sudah lewat; kami sudah menandainya agar segera ditangani. Mohon maaf.")
    return Reply("\n".join(lines))


def several(items: list[Complaint]) -> Reply:
    lines = ["Pengaduan dari chat ini:"]
    lines += [f"• {c.number}: {c.status.label}" for c in items]
    return Reply(
        "\n".join(lines) + "\nPilih salah satu untuk melihat rinciannya.",
        tuple(Choice(c.number, "cek_pengaduan", {"nomor_pengaduan": c.number}) for c in items[:5]),
    )


def reply_notice(c: Complaint, body: str) -> str:
    return f'Tanggapan atas pengaduan {c.number}:\n{body}\n\nKetik "cek pengaduan" untuk melihat statusnya.'


def assigned_notice(c: Complaint, agency_name: str) -> str:
    return f"Pengaduan {c.number} sudah diteruskan ke {agency_name} untuk ditindaklanjuti."


def resolved_notice(c: Complaint, body: str | None) -> str:
    text = f"Pengaduan {c.number} dinyatakan selesai."
    if body:
        text += f"\n{body}"
    return text + "\nTerima kasih telah membantu memperbaiki pelayanan MPP."


# ---- the summary before filing (issue 17) ------------------------------------------------------------
DETAILS = ("isi", "mpp", "instansi", "waktu", "kontak")
LABELS = {"isi": "isi pengaduan", "mpp": "MPP", "instansi": "instansi", "waktu": "waktu kejadian", "kontak": "kontak"}
SUMMARY_ANSWERS = 'Jawab "ya" bila sudah benar, atau tulis bagian yang perlu diubah (mis. "waktunya salah").'


def change_buttons() -> tuple[Choice, ...]:
    return tuple(Choice(f"Ubah {LABELS[d]}", "koreksi", {"bagian": d}) for d in DETAILS)


def summary(isi: str, mpp: str, agency: str | None, when: str | None, contact: str | None) -> Reply:
    """What will be filed, before it is: the citizen confirms, changes a detail, or cancels."""
    lines = [
        "Mohon periksa pengaduan Anda sebelum dikirim:",
        f"• Isi: {isi}",
        f"• MPP: {mpp}",
        f"• Instansi: {agency or 'tidak disebut'}",
        f"• Waktu kejadian: {when or 'tidak disebut'}",
        f"• Kontak: {contact or 'tidak ada'}",
        "\nSudah benar? Pilih Ya untuk mengirim, atau tulis yang perlu diubah.",
    ]
    buttons = (Choice("Ya, kirim", "afirmasi"), *change_buttons(), Choice("Batal", "batal_antrean"))
    return Reply("\n".join(lines), buttons)


def what_to_change() -> Reply:
    """After a "tidak" at the summary: nothing is discarded until the citizen says "batal"."""
    return Reply(
        'Bagian mana yang perlu diubah? Pilih tombol, atau langsung tulis yang benar. Ketik "batal" bila tidak jadi.',
        (*change_buttons(), Choice("Batal", "batal_antrean")),
    )
