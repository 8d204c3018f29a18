"""What the citizen reads about an application: the notice of a change and the answer to "sudah jadi belum?"."""

from __future__ import annotations

from collections.abc import Sequence

from mpp.applications.model import ApplicationView, State
from mpp.catalogue import completion
from mpp.catalogue.model import Catalogue
from mpp.replies import Reply
from mpp.text import tanggal

NO_PROMISE = {
    completion.NO_PROCESSING_TIME: "katalog tidak memuat lama proses layanan ini",
    completion.NOT_BOUNDED: "lama proses layanan ini tidak punya batas hari kerja yang bersumber",
    completion.UNVERIFIED: "lama proses layanan ini belum terverifikasi",
    completion.HOLIDAYS_UNKNOWN: "hari libur tahun depan belum ditetapkan di katalog",
    completion.UNKNOWN_SERVICE: "layanan ini tidak ada di katalog",
}


def _name(cat: Catalogue, a: ApplicationView) -> str:
    service = cat.service(a.service_code)
    name = service.name if service is not None else a.service_code
    return f"{name} ({a.jenis})" if a.jenis else name


def _promise(a: ApplicationView) -> str:
    if a.promised_on is not None:
        return f"Dijanjikan selesai paling lambat {tanggal(a.promised_on)} (hari kerja, hari libur tidak dihitung)."
    why = NO_PROMISE.get(a.promised_reason, "tidak ada dasar yang bersumber")
    return f"Tidak ada tanggal selesai yang dijanjikan: {why}."


def describe(cat: Catalogue, a: ApplicationView) -> str:
    """The state, what it asks of the citizen, and the promised date: one paragraph."""
    head = f"Permohonan {_name(cat, a)} dengan nomor antrean {a.number}: {a.state.label}."
    if a.state is State.DIPROSES:
        return f"{head}\n{_promise(a)}"
    if a.state is State.PERLU_BERKAS:
        return f"{head}\nYang perlu dilengkapi: {a.note}\n{_promise(a)}\nBawa berkasnya ke loket yang sama."
    if a.state is State.SIAP_DIAMBIL:
        until = f" paling lambat {tanggal(a.ready_until)}" if a.ready_until else ""
        return (
            f"{head}\nSilakan ambil{until}. Tempat dan yang perlu dibawa: {a.note}\n"
            f"Sebutkan nomor antrean {a.number} kepada petugas."
        )
    return f"{head} Terima kasih telah menggunakan layanan MPP."


def notice(cat: Catalogue, a: ApplicationView) -> str:
    return "Kabar permohonan Anda.\n" + describe(cat, a)


def status_answer(cat: Catalogue, found: Sequence[ApplicationView]) -> Reply:
    return Reply("\n\n".join(describe(cat, a) for a in found))


def none_recorded(with_code: bool) -> Reply:
    if with_code:
        return Reply(
            "Belum ada catatan permohonan untuk kode booking itu di chat ini. Status dicatat petugas "
            "setelah Anda dilayani di loket; kode booking orang lain tidak bisa dipakai dari chat ini."
        )
    return Reply(
        "Belum ada catatan permohonan untuk chat ini. Status dicatat petugas setelah Anda dilayani di loket. "
        "Datang tanpa pesan lewat chat? Pindai QR pada karcis antrean Anda agar chat ini terhubung. "
        'Untuk posisi antrean hari ini, ketik "cek antrean".'
    )


# ---- binding a chat to a printed ticket --------------------------------------------------------
def bound(number: str) -> str:
    return (
        f"Chat ini sekarang terhubung dengan nomor antrean {number}. Anda akan diberi tahu saat dipanggil, "
        'dan setiap kali status permohonan Anda berubah. Tanyakan kapan saja, misalnya "dokumen saya sudah jadi belum?".'
    )


def already_bound(number: str) -> str:
    return f"Chat ini sudah terhubung dengan nomor antrean {number}."


def bound_elsewhere() -> str:
    return (
        "Karcis ini sudah terhubung dengan chat lain. Bila itu bukan Anda, sampaikan kepada petugas di loket "
        "dengan menunjukkan karcis Anda."
    )


def link_refused() -> str:
    return (
        "Maaf, tautan karcis ini tidak sah atau sudah kedaluwarsa. Pindai ulang QR pada karcis antrean Anda, "
        "atau tanyakan kepada petugas di loket."
    )
