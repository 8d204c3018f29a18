"""What citizens read about their place in today's queue (short, for a phone's lock screen)."""

from __future__ import annotations

from mpp.queue.model import TicketView


def away(number: str, ahead: int, minutes: float) -> str:
    """'tinggal 3 nomor lagi': three numbers are still to be called before this one."""
    if ahead == 0:
        return f"Nomor antrean Anda {number} dipanggil berikutnya. Mohon bersiap di dekat loket."
    return f"Nomor antrean Anda {number} tinggal {ahead} nomor lagi, {_wait(minutes)}. Mohon bersiap di dekat loket."


def _wait(minutes: float) -> str:
    return "sebentar lagi" if minutes < 1 else f"perkiraan {round(minutes)} menit"


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


def live_line(ticket: TicketView, ahead: int, minutes: float) -> str:
    """A ticket in today's queue, as the citizen wants to know it: where am I, how long."""
    if ticket.status == "called":
        return f"{ticket.number}: sedang dipanggil ke loket {ticket.counter_code}. Silakan menuju loket sekarang."
    if ahead == 0:
        return f"{ticket.number}: Anda dipanggil berikutnya."
    return f"{ticket.number}: tinggal {ahead} nomor lagi, {_wait(minutes)}."
