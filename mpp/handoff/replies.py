"""Everything a citizen reads about the handoff to staff (Indonesian, "Anda", short)."""

from __future__ import annotations

from datetime import datetime

from mpp.catalogue.model import Catalogue, Mpp
from mpp.handoff.model import Situation, Wait
from mpp.replies import Choice, Reply
from mpp.text import clock, tanggal

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
BACK_PHRASE = "kembali ke asisten"
BACK_PAYLOAD = "/kembali_ke_asisten"
BACK = Choice("Kembali ke asisten", "kembali_ke_asisten")
YES_CONNECT = Choice("Ya, sambungkan", "afirmasi")
YES_MESSAGE = Choice("Tinggalkan pesan", "afirmasi")
NO = Choice("Tidak", "negasi")


def _zone(mpp: Mpp) -> str:
    return ZONE_LABELS.get(mpp.timezone, mpp.timezone)


def _moment(mpp: Mpp, at: datetime) -> str:
    return f"{tanggal(at.date())} pukul {clock(at.timetz())} {_zone(mpp)}"


def _unverified(mpp: Mpp) -> str:
    return "" if mpp.hours_verified else " (menurut jam buka di katalog kami, yang belum terverifikasi)"


def when_answered(mpp: Mpp, s: Situation) -> str:
    """When a left message can expect an answer: the rest of today's service time, or the next opening."""
    later = (
        f"setelah MPP buka lagi, {_moment(mpp, s.next_opening)}{_unverified(mpp)}"
        if s.next_opening
        else "setelah MPP buka kembali (jadwal buka berikutnya belum ada di katalog kami)"
    )
    if s.serving and s.closes_at is not None:
        return (
            f"begitu ada petugas yang bertugas di chat, hari ini sampai pukul {clock(s.closes_at.timetz())} "
            f"{_zone(mpp)}; bila belum sempat, {later}"
        )
    return later


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _ahead(n: int) -> str:
    return "tidak ada yang mengantre sebelum Anda" if n == 0 else f"ada {n} orang mengantre sebelum Anda"


def estimate(w: Wait) -> str:
    if w.free_now:
        return "sebentar lagi (ada petugas yang sedang senggang)"
    if w.minutes is None:
        return "belum bisa diperkirakan (belum cukup data lama layanan chat di MPP ini)"
    return f"sekitar {w.minutes} menit (dari lama layanan chat yang tercatat)"


def choose_mpp(catalogue: Catalogue) -> Reply:
    choices = tuple(
        Choice(m.name, "minta_petugas", {"mpp": m.code}) for m in sorted(catalogue.mpps.values(), key=lambda m: m.name)
    )
    return Reply("Petugas MPP mana yang ingin Anda hubungi?", choices)


def offer_live(mpp: Mpp, wait: Wait, second_fallback: bool = False) -> Reply:
    opening = "Maaf, saya belum bisa memahami pesan Anda. 🙏 " if second_fallback else ""
    return Reply(
        f"{opening}Saya bisa menyambungkan Anda dengan petugas {mpp.name} di chat ini. "
        f"Saat ini {_ahead(wait.ahead)}; perkiraan waktu tunggu: {estimate(wait)}. Sambungkan sekarang?",
        (YES_CONNECT, NO),
    )


def offer_message(mpp: Mpp, s: Situation, second_fallback: bool = False) -> Reply:
    opening = "Maaf, saya belum bisa memahami pesan Anda. 🙏 " if second_fallback else ""
    why = "di luar jam layanan" if not s.serving else "belum ada petugas yang bertugas di chat"
    return Reply(
        f"{opening}Petugas {mpp.name} sedang tidak bisa membalas langsung ({why}). Anda bisa meninggalkan pesan; "
        f"petugas akan membalas di chat ini {when_answered(mpp, s)}. Mau meninggalkan pesan?",
        (YES_MESSAGE, NO),
    )


def joined(mpp: Mpp, wait: Wait) -> Reply:
    return Reply(
        f"Anda sudah masuk antrean chat petugas {mpp.name}: urutan ke-{wait.ahead + 1}, perkiraan waktu tunggu "
        f"{estimate(wait)}. Silakan tulis pertanyaan Anda sekarang; petugas akan membacanya saat mengambil chat "
        f'ini. Ketik "{BACK_PHRASE}" kapan saja untuk kembali.',
        (BACK,),
    )


def still_waiting(mpp: Mpp, wait: Wait) -> Reply:
    return Reply(
        f"Pesan Anda sudah kami teruskan untuk petugas {mpp.name}. Anda urutan ke-{wait.ahead + 1}; perkiraan "
        f'waktu tunggu {estimate(wait)}. Ketik "{BACK_PHRASE}" untuk batal menunggu.',
        (BACK,),
    )


def compose(mpp: Mpp, limit: int) -> Reply:
    return Reply(
        f"Silakan tulis pesan Anda untuk petugas {mpp.name} dalam satu pesan (paling panjang {_number(limit)} "
        "karakter). Cukup ceritakan keperluan Anda; petugas akan meminta data lain bila perlu.",
        (BACK,),
    )


def message_left(mpp: Mpp, s: Situation) -> Reply:
    return Reply(
        f"Terima kasih, pesan Anda sudah kami simpan. Petugas {mpp.name} akan membalas di chat ini "
        f"{when_answered(mpp, s)}. Sementara itu, asisten siap membantu lagi."
    )


def back_to_assistant(was_waiting: bool = False, was_composing: bool = False) -> Reply:
    if was_composing:
        return Reply(
            "Baik, pesan untuk petugas tidak jadi dikirim. Anda kembali dilayani asisten. Ada yang bisa saya bantu?"
        )
    if was_waiting:
        return Reply(
            "Baik, Anda keluar dari antrean chat petugas dan kembali dilayani asisten. Ada yang bisa saya bantu?"
        )
    return Reply("Baik, percakapan dengan petugas selesai dan Anda kembali dilayani asisten. Ada yang bisa saya bantu?")


def already_with_assistant() -> Reply:
    return Reply("Anda sedang dilayani asisten. Ada yang bisa saya bantu?")


def too_long(limit: int) -> Reply:
    return Reply(
        f"Maaf, pesan Anda terlalu panjang untuk diteruskan ke petugas (paling panjang {_number(limit)} karakter), "
        "jadi belum terkirim. Mohon kirim dalam beberapa pesan yang lebih pendek.",
        (BACK,),
    )


def button_while_held() -> Reply:
    return Reply(
        f'Anda sedang terhubung dengan petugas, jadi tombol dari asisten tidak berlaku. Ketik "{BACK_PHRASE}" '
        "untuk kembali ke asisten.",
        (BACK,),
    )


def empty_message() -> Reply:
    return Reply("Pesan Anda kosong. Silakan tulis pesan untuk petugas.", (BACK,))


# ---- notices sent through the outbox (text only: no buttons outside a conversation turn) ----
def claimed(mpp: Mpp, staff_name: str) -> str:
    return (
        f"👤 {staff_name}, petugas {mpp.name}, kini melayani chat Anda. Silakan tulis pesan Anda di sini. "
        f'Ketik "{BACK_PHRASE}" untuk kembali ke asisten.'
    )


def staff_reply(mpp: Mpp, staff_name: str, text: str) -> str:
    return f"👤 {staff_name} (petugas {mpp.name}):\n{text}"


def ended_by_staff(mpp: Mpp) -> str:
    return (
        f"Percakapan dengan petugas {mpp.name} sudah selesai. Terima kasih. 🙏 Asisten kembali melayani Anda; "
        'ketik "petugas" bila perlu bantuan petugas lagi.'
    )


def timed_out(mpp: Mpp, minutes: int) -> str:
    return (
        f"Percakapan dengan petugas {mpp.name} kami tutup karena tidak ada balasan petugas selama {minutes} menit. "
        'Mohon maaf. 🙏 Asisten kembali melayani Anda; ketik "petugas" bila masih perlu bantuan petugas.'
    )


def moved_to_message(mpp: Mpp, s: Situation) -> str:
    return (
        "Mohon maaf, belum ada petugas yang sempat mengambil chat Anda. Pesan Anda tetap tersimpan dan akan "
        f"dibalas petugas {mpp.name} di chat ini {when_answered(mpp, s)}. Sementara itu, asisten kembali melayani Anda."
    )
