"""What the notifications say (Indonesian, short, for a phone's lock screen)."""

from __future__ import annotations

from datetime import date, time

from mpp.text import clock, tanggal


def away(number: str, ahead: int, minutes: float) -> str:
    """'tinggal 3 nomor lagi': three numbers are still to be called before this one."""
    if ahead == 0:
        return f"Nomor antrean Anda {number} dipanggil berikutnya. Mohon bersiap di dekat loket."
    estimate = "sebentar lagi" if minutes < 1 else f"perkiraan {round(minutes)} menit"
    return f"Nomor antrean Anda {number} tinggal {ahead} nomor lagi, {estimate}. Mohon bersiap di dekat loket."


def called(number: str, counter: str, floor: str, recall: bool = False) -> str:
    again = "PANGGILAN ULANG — " if recall else ""
    return f"{again}Nomor antrean {number}: silakan menuju loket {counter} ({floor}) sekarang."


def transferred(number: str, counter: str, floor: str) -> str:
    return f"Nomor antrean {number} dialihkan ke loket {counter} ({floor}). Mohon tunggu panggilan berikutnya."


def no_show(number: str) -> str:
    return (
        f"Nomor antrean {number} sudah dipanggil dua kali tetapi Anda belum datang, jadi antreannya ditutup. "
        "Silakan ambil nomor baru di MPP atau pesan lagi lewat chat."
    )


def reminder_day(service: str, mpp: str, day: date, start: time, zone: str, number: str, code: str) -> str:
    return (
        f"Pengingat: besok, {tanggal(day)}, pukul {clock(start)} {zone} Anda punya antrean {service} di {mpp} "
        f'(nomor {number}, kode {code}). Jangan lupa bawa persyaratannya. Tidak jadi datang? Ketik "batalkan antrean".'
    )


def reminder_hour(service: str, mpp: str, start: time, zone: str, code: str) -> str:
    return f"Pengingat: 1 jam lagi (pukul {clock(start)} {zone}) jadwal antrean {service} Anda di {mpp}. Tunjukkan kode {code} saat tiba."


def closure(mpp: str, day: date, reason: str, service: str, code: str, suggestion: str | None) -> str:
    offer = f" Slot terdekat yang masih kosong: {suggestion}." if suggestion else ""
    return (
        f"Mohon maaf, {mpp} tidak melayani {service} pada {tanggal(day)} ({reason}). Antrean Anda (kode {code}) "
        f'perlu dipindah.{offer} Ketik "ubah jadwal" untuk memilih jadwal baru.'
    )
