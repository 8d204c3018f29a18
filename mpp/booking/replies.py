"""What the citizen reads about bookings: summaries, confirmations, refusals with choices."""

from __future__ import annotations

import base64
import io
from datetime import date, time

import qrcode

from mpp.booking.model import Booking, Refusal, SlotOption
from mpp.catalogue.model import Catalogue
from mpp.privacy import mask_nik, mask_phone
from mpp.replies import Choice, Reply
from mpp.text import bullets, clock, join_names, tanggal

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone(catalogue: Catalogue, mpp_code: str) -> str:
    mpp = catalogue.mpp(mpp_code)
    return ZONE_LABELS.get(mpp.timezone, "") if mpp else ""


def short_day(day: date) -> str:
    return tanggal(day).replace(f" {day.year}", "")


def slot_choice(catalogue: Catalogue, option: SlotOption, with_mpp: bool = False) -> Choice:
    """A button that fills date and time (and the MPP when it is another one) in the booking form."""
    title = f"{short_day(option.slot.day)} {clock(option.slot.start)}"
    entities = {"tanggal": option.slot.day.isoformat(), "waktu": option.slot.start.strftime("%H:%M")}
    if with_mpp:
        mpp = catalogue.mpp(option.mpp_code)
        title = f"{mpp.name if mpp else option.mpp_code}: {title}"
        entities["mpp"] = option.mpp_code
    return Choice(title, "informasi", entities)


def refusal_reply(catalogue: Catalogue, refusal: Refusal) -> Reply:
    lines = [refusal.message]
    if refusal.alternatives:
        lines.append("Slot terdekat yang masih kosong:")
    if refusal.other_mpps:
        names = join_names(
            [catalogue.mpps[o.mpp_code].name for o in refusal.other_mpps if o.mpp_code in catalogue.mpps]
        )
        lines.append(f"Layanan ini juga ada di {names}.")
    choices = tuple(slot_choice(catalogue, o) for o in refusal.alternatives) + tuple(
        slot_choice(catalogue, o, with_mpp=True) for o in refusal.other_mpps
    )
    return Reply("\n".join(lines), choices)


def day_choices(catalogue: Catalogue, days: list[date]) -> tuple[Choice, ...]:
    return tuple(Choice(short_day(d), "informasi", {"tanggal": d.isoformat()}) for d in days)


def time_choices(options: list[SlotOption]) -> tuple[Choice, ...]:
    return tuple(
        Choice(f"{clock(o.slot.start)} (sisa {o.free})", "informasi", {"waktu": o.slot.start.strftime("%H:%M")})
        for o in options
    )


def where(catalogue: Catalogue, mpp_code: str, service_code: str) -> str:
    mpp, offering = catalogue.mpps[mpp_code], catalogue.offering(mpp_code, service_code)
    if offering is None:
        return mpp.name
    counters = [mpp.counters[c] for c in offering.counters if c in mpp.counters]
    floors = sorted({c.floor for c in counters})
    agency = mpp.agencies.get(offering.agency_code)
    return f"{mpp.name}, loket {join_names([c.code for c in counters])} ({', '.join(floors)})" + (
        f", {agency.name}" if agency else ""
    )


def summary(
    catalogue: Catalogue, service: str, mpp: str, day: date, start: time, name: str, nik: str, phone: str | None
) -> Reply:
    lines = [
        "Mohon periksa data antrean Anda:",
        f"• Layanan: {catalogue.services[service].name}",
        f"• Tempat: {where(catalogue, mpp, service)}",
        f"• Jadwal: {tanggal(day)}, pukul {clock(start)} {zone(catalogue, mpp)}",
        f"• Nama: {name}",
        f"• NIK: {mask_nik(nik)}",
    ]
    if phone:
        lines.append(f"• HP: {mask_phone(phone)}")
    lines.append("\nSudah benar? Pilih Ya untuk memesan.")
    return Reply("\n".join(lines), (Choice("Ya, pesan", "afirmasi"), Choice("Tidak", "negasi")))


def booked_reply(catalogue: Catalogue, booking: Booking, nik: str | None) -> Reply:
    service = catalogue.services[booking.service_code]
    lines = [
        "✅ Antrean berhasil dipesan!",
        f"Kode booking: {booking.code}",
        f"Nomor antrean: {booking.queue_number}",
        f"Layanan: {service.name}",
        f"Jadwal: {tanggal(booking.day)}, pukul {clock(booking.start)}–{clock(booking.end)} {zone(catalogue, booking.mpp_code)}",
        f"Tempat: {where(catalogue, booking.mpp_code, booking.service_code)}",
    ]
    if nik:
        lines.append(f"NIK: {mask_nik(nik)}")
    requirements = service.requirements_for(booking.jenis)
    if requirements and service.requirements_verified:
        lines.append("\nBawa persyaratan:\n" + bullets(requirements))
    lines.append(
        "\nTunjukkan kode QR atau kode booking saat tiba. Ubah atau batalkan paling lambat sehari sebelumnya "
        '(ketik "ubah jadwal" atau "batalkan antrean").'
    )
    return Reply("\n".join(lines), image_path=None)


def booking_line(catalogue: Catalogue, booking: Booking) -> str:
    service = catalogue.services.get(booking.service_code)
    name = service.name if service else booking.service_code
    mpp = catalogue.mpps.get(booking.mpp_code)
    return (
        f"{booking.queue_number} · {name} · {short_day(booking.day)} {clock(booking.start)} "
        f"{zone(catalogue, booking.mpp_code)} · {mpp.name if mpp else booking.mpp_code} (kode {booking.code})"
    )


def qr_png_base64(code: str) -> str:
    """The booking code as a QR image (PNG, base64) for check-in at the kiosk or counter."""
    image = qrcode.make(code, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()
