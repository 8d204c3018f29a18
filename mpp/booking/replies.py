"""Everything a citizen reads about bookings, in one place: prompts, refusals, confirmations, notices.

Polite Indonesian ("Anda"), short enough for a phone screen. A refusal never names
another booking's code, time or place: a leaked NIK must not tell anyone where and when
its holder will be, nor give them a code to check in with.
"""

from __future__ import annotations

import base64
import io
from datetime import date, time

import qrcode

from mpp.booking.confirmation import Operation
from mpp.booking.model import Booking, Policy, Reason, Refusal, SlotOption
from mpp.catalogue.model import Catalogue
from mpp.privacy import mask_nik, mask_phone
from mpp.replies import POPULAR_SERVICES, Choice, Reply
from mpp.text import bullets, clock, join_names, tanggal

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone(catalogue: Catalogue, mpp_code: str) -> str:
    mpp = catalogue.mpp(mpp_code)
    return ZONE_LABELS.get(mpp.timezone, "") if mpp else ""


def short_day(day: date) -> str:
    return tanggal(day).replace(f" {day.year}", "")


def _yes_no(yes: str = "Ya", no: str = "Tidak") -> tuple[Choice, ...]:
    return (Choice(yes, "afirmasi"), Choice(no, "negasi"))


# ---- refusals ------------------------------------------------------------------------
def unknown_service_or_mpp() -> str:
    return "Layanan atau MPP tidak dikenal."


def not_offered(service: str, mpp: str, elsewhere: list[str]) -> str:
    names = join_names(elsewhere)
    return f"{service} tidak tersedia di {mpp}" + (f"; ada di {names}." if names else ".")


def not_bookable(service: str) -> str:
    return f"{service} tidak dipesan lewat antrean MPP."


def outside_window(last: date, policy: Policy) -> str:
    return f"Antrean bisa dipesan mulai hari ini sampai {tanggal(last)} ({policy.window_days} hari ke depan)."


def closed_day(mpp: str, day: date, reason: str) -> str:
    return f"{mpp} tutup pada {tanggal(day)} ({reason})."


def no_such_slot(day: date, start: time) -> str:
    return f"Tidak ada slot pukul {clock(start)} pada {tanggal(day)} (di luar jam layanan atau sudah lewat)."


def off_grid(service: str, start: time, minutes: int) -> str:
    """A time kept from before a change that the new service's slots do not start at."""
    grid = f" (slotnya mulai tiap {minutes} menit)" if minutes else ""
    return f"Untuk {service}, tidak ada slot yang mulai pukul {clock(start)}{grid}. Silakan pilih jam lain."


def full(day: date, start: time | None) -> str:
    when = f"pukul {clock(start)} " if start else ""
    return f"Maaf, antrean {when}pada {tanggal(day)} sudah penuh."


def duplicate(service: str) -> str:
    """The same NIK already holds this service that day: said without that booking's code, time or place."""
    return (
        f"NIK ini sudah terdaftar untuk antrean {service} pada hari yang sama. Satu NIK hanya bisa punya satu "
        'antrean per layanan per hari. Bila itu antrean Anda, ketik "cek antrean" di chat yang dipakai memesan.'
    )


def chat_limit(policy: Policy) -> str:
    return (
        f"Satu chat hanya bisa memesan {policy.max_per_chat_week} antrean dalam 7 hari. "
        "Batalkan antrean yang tidak dipakai bila perlu."
    )


def nik_limit(policy: Policy) -> str:
    return f"Satu NIK hanya bisa memesan {policy.max_per_nik_week} antrean dalam 7 hari."


def not_found_here() -> str:
    return "Antrean tidak ditemukan di chat ini."


def rate_limited() -> str:
    return "Terlalu banyak percobaan cek kode. Silakan coba lagi 1 jam lagi."


def ask_last_digits() -> str:
    return "Untuk melihat antrean dari chat lain, kirim 4 angka terakhir NIK pemesan."


def wrong_code_or_digits() -> str:
    return "Kode booking atau 4 angka terakhir NIK tidak cocok."


_CHANGE_REFUSED = {
    Reason.STARTED: "Jadwal antrean ini sudah dimulai, jadi tidak bisa dibatalkan lagi.",
    Reason.ARRIVED: "Antrean ini sudah check-in di MPP, jadi tidak bisa dibatalkan atau dipindah.",
    Reason.NOT_ACTIVE: "Antrean ini sudah tidak aktif.",
    Reason.TOO_LATE: "Jadwal antrean hanya bisa dipindah paling lambat sehari sebelum jadwal. Anda masih bisa membatalkannya sampai jamnya tiba.",
    Reason.MOVED_ALREADY: "Jadwal antrean ini sudah pernah dipindah; hanya boleh satu kali. Anda bisa membatalkannya lalu memesan baru.",
}


def change_refused(reason: Reason) -> str:
    return _CHANGE_REFUSED.get(reason, "Antrean ini tidak bisa diubah.")


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


# ---- the form --------------------------------------------------------------------------
def ask_service(catalogue: Catalogue) -> Reply:
    """The popular services one books by MPP slot, as buttons."""
    codes = [c for c in POPULAR_SERVICES if c in catalogue.services and catalogue.booking_mode(None, c) == "mpp_slot"]
    choices = tuple(Choice(catalogue.services[c].name, "informasi", {"layanan": c}) for c in codes)
    return Reply("Antrean untuk layanan apa? Pilih atau ketik namanya (misalnya: KK, akta kelahiran, SIM).", choices)


def ask_mpp(catalogue: Catalogue, service_code: str | None, bookable: list[str] | None = None) -> Reply:
    """The MPPs as buttons: those where the service can be booked when known, else those offering it."""
    mpps = catalogue.mpps_offering(service_code) if service_code else list(catalogue.mpps.values())
    if bookable:
        mpps = [catalogue.mpps[code] for code in bookable]
    return Reply("Di MPP mana Anda ingin datang?", tuple(Choice(m.name, "informasi", {"mpp": m.code}) for m in mpps))


def ask_day(days: list[date], policy: Policy) -> Reply:
    if not days:
        return Reply(
            f"Maaf, semua slot dalam {policy.window_days} hari ke depan sudah penuh atau tutup. "
            "Coba MPP lain atau cek lagi besok."
        )
    return Reply(
        "Mau datang tanggal berapa? Pilih hari yang masih ada slot, atau ketik (misalnya: besok, senin depan, 5 Desember).",
        tuple(Choice(short_day(d), "informasi", {"tanggal": d.isoformat()}) for d in days),
    )


def ask_time(options: list[SlotOption]) -> Reply:
    choices = tuple(
        Choice(f"{clock(o.slot.start)} (sisa {o.free})", "informasi", {"waktu": o.slot.start.strftime("%H:%M")})
        for o in options
    )
    return Reply("Pilih jam kedatangan (sisa tempat dalam kurung), atau ketik jamnya:", choices)


def unknown_service() -> str:
    return "Maaf, layanannya belum saya kenali. Pilih dari tombol atau ketik namanya."


def unknown_mpp() -> str:
    return "Maaf, MPP itu tidak ada di sistem kami. Pilih salah satu MPP di tombol."


def not_offered_at(catalogue: Catalogue, service_code: str, mpp_code: str) -> str:
    """Said before the form asks for the MPP again (that question carries the MPPs offering it as buttons)."""
    others = catalogue.mpps_offering(service_code)
    text = f"{catalogue.services[service_code].name} tidak tersedia di {catalogue.mpps[mpp_code].name}."
    names = join_names([m.name for m in others if m.code != mpp_code])
    return text + (f" Layanan ini ada di {names}." if names else "")


def unverified_at(catalogue: Catalogue, service_code: str, mpp_code: str, bookable: list[str]) -> str:
    """The service is listed at this MPP but its agency's presence there is unverified: said so, not "not offered"."""
    agency = catalogue.agency_of(mpp_code, service_code)
    who = agency.name if agency else catalogue.services[service_code].name
    text = (
        f"Kehadiran loket {who} di {catalogue.mpps[mpp_code].name} belum terverifikasi, jadi antrean "
        f"{catalogue.services[service_code].name} belum bisa saya pesankan di sana."
    )
    names = join_names([catalogue.mpps[m].name for m in bookable if m != mpp_code and m in catalogue.mpps])
    return text + (f" Antreannya bisa dipesan di {names}." if names else "")


def day_not_understood() -> str:
    return 'Maaf, tanggalnya belum saya pahami. Contoh: "besok", "senin depan", "5 Desember".'


def time_not_understood() -> str:
    return 'Maaf, jamnya belum saya pahami. Contoh: "jam 9", "14.30", atau pilih tombol.'


def name_invalid() -> str:
    return "Mohon tulis nama lengkap dengan huruf saja (3–80 karakter), sesuai KTP/KK."


def phone_invalid() -> str:
    return 'Nomor HP sepertinya kurang tepat (contoh: 0812xxxxxxxx). Ketik ulang, atau "lewati".'


def phone_optional() -> str:
    return (
        "Nomor HP tidak wajib. Kalau diisi, petugas bisa menghubungi Anda bila ada perubahan jadwal. "
        'Ketik nomornya, atau pilih "Lewati".'
    )


def phone_of_other(relation: str) -> str:
    return (
        f"Boleh, nomor HP {relation} Anda juga bisa, asalkan bisa dihubungi sampai jadwal kunjungan. "
        'Ketik nomornya, atau pilih "Lewati".'
    )


def nik_of_applicant() -> str:
    return (
        "NIK yang diisi adalah NIK pemohon: orang yang namanya ada di antrean ini dan berkasnya diurus "
        "(untuk anak, NIK anak di Kartu Keluarga)."
    )


def last_digits_invalid() -> str:
    return "Mohon kirim tepat 4 angka terakhir NIK pemesan."


def form_incomplete() -> str:
    return 'Maaf, data pemesanan tidak lengkap. Silakan mulai lagi: ketik "mau antri".'


def slot_label(option: SlotOption) -> str:
    return f"{short_day(option.slot.day)} {clock(option.slot.start)}"


def slot_choice(catalogue: Catalogue, option: SlotOption, with_mpp: bool = False) -> Choice:
    """A button that fills date and time (and the MPP when it is another one) in the booking form."""
    title = slot_label(option)
    entities = {"tanggal": option.slot.day.isoformat(), "waktu": option.slot.start.strftime("%H:%M")}
    if with_mpp:
        mpp = catalogue.mpp(option.mpp_code)
        title = f"{mpp.name if mpp else option.mpp_code}: {title}"
        entities["mpp"] = option.mpp_code
    return Choice(title, "informasi", entities)


# ---- summaries and confirmations ---------------------------------------------------------
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


# The parts of a booking a citizen can change with a button at the summary, and how they are called.
DETAIL_LABELS = {
    "layanan": "layanan",
    "mpp": "MPP",
    "tanggal": "tanggal",
    "waktu": "jam",
    "nama": "nama",
    "nik": "NIK",
    "telepon": "nomor HP",
}
BOOKING_DETAILS = ("tanggal", "waktu", "layanan", "mpp", "nama", "nik", "telepon")
MOVE_DETAILS = ("tanggal", "waktu")


def change_buttons(details: tuple[str, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(f"Ubah {DETAIL_LABELS[d]}", "koreksi", {"bagian": d}) for d in details)


def summary(
    catalogue: Catalogue,
    service: str,
    mpp: str,
    day: date,
    start: time,
    name: str,
    nik: str,
    phone: str | None,
    held: Booking | None = None,
) -> Reply:
    """The details to check before booking; ``held``: the chat's active booking of the same service."""
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
    if held is not None:
        lines.append(also_held(catalogue, held))
    lines.append("\nSudah benar? Pilih Ya untuk memesan, atau tulis yang perlu diubah (misalnya: jam 10 aja).")
    buttons = (Choice("Ya, pesan", "afirmasi"), *change_buttons(BOOKING_DETAILS), Choice("Batal", "batal_antrean"))
    return Reply("\n".join(lines), buttons)


def also_held(catalogue: Catalogue, held: Booking) -> str:
    """A second booking of a service the chat already holds is allowed, but may be a move meant as a booking."""
    mpp = catalogue.mpp(held.mpp_code)
    place = mpp.name if mpp is not None else held.mpp_code
    return (
        f"\nCatatan: Anda sudah punya antrean {catalogue.services[held.service_code].name} pada {tanggal(held.day)}, "
        f"pukul {clock(held.start)} di {place} (kode {held.code}). Antrean itu tetap berlaku. Kalau maksud Anda "
        'memindahkannya, pilih Batal lalu ketik "ubah jadwal".'
    )


def what_to_change(details: tuple[str, ...]) -> Reply:
    """After a "tidak" at the summary: nothing is thrown away until the citizen says "batal"."""
    return Reply(
        "Bagian mana yang perlu diubah? Pilih tombol, atau langsung tulis yang benar (misalnya: tanggal 3 Desember, "
        'jam 10). Ketik "batal" bila tidak jadi.',
        (*change_buttons(details), Choice("Batal", "batal_antrean")),
    )


SUMMARY_ANSWERS = 'Jawab "ya" bila sudah benar, atau tulis bagian yang perlu diubah.'


def summary_hint() -> str:
    return "Maaf, saya belum menangkap maksudnya. " + SUMMARY_ANSWERS


# The second miss in a row at the same summary: the words have not worked twice, so the buttons and a person.
SUMMARY_STUCK = "Maaf, saya masih belum bisa menangkap jawaban Anda."
TO_AN_OFFICER = Choice("Bicara dengan petugas", "minta_petugas")


def summary_stuck() -> str:
    return (
        f"{SUMMARY_STUCK} Silakan tekan tombol di bawah untuk setuju, untuk mengubah bagian yang salah "
        '("Ubah …"), atau untuk membatalkan. Bila ingin dibantu langsung, tekan "Bicara dengan petugas".'
    )


def booking_dropped() -> str:
    return "Baik, pemesanan yang belum selesai saya hentikan; belum ada antrean yang dipesan."


def move_dropped() -> str:
    return "Baik, pemindahan jadwal saya hentikan; antrean Anda tetap pada jadwal semula."


def with_officer(reply: Reply) -> Reply:
    """The summary after two misses in a row: its buttons, and one more to reach a person."""
    return Reply(reply.text, (*reply.choices, TO_AN_OFFICER), reply.image_path, reply.location)


def summary_needs() -> str:
    """Before a summary shown again unchanged: what it waits for."""
    return "Data antrean Anda belum dipesan. " + SUMMARY_ANSWERS


def which_detail_hint() -> str:
    return "Maaf, bagian mana yang ingin diubah? Misalnya: layanan, MPP, tanggal, jam, nama, NIK, atau nomor HP."


def summary_expired() -> str:
    return "Ringkasan tadi sudah lebih dari 15 menit, jadi jadwalnya saya periksa ulang. Mohon cek sekali lagi:"


def changed(label: str, value: str) -> str:
    """A change said in words was taken: one short line, the new value."""
    return f"Baik, {label} diubah: {value}."


def why_name() -> str:
    return (
        "Nama dipakai petugas untuk mencocokkan antrean dengan berkas Anda, jadi perlu diisi. "
        "Tulis nama lengkap sesuai KTP/KK, misalnya: Siti Aminah."
    )


NAME_CHECK_LEAD = "Mohon dipastikan dulu"


def name_or_no_check(name: str) -> Reply:
    """A name at "atas nama siapa?" that also reads as a no ("hana pertiwi"): which is it? Nothing is stored yet."""
    return Reply(
        f"{NAME_CHECK_LEAD}: apakah {name} nama pemohon? Jika ya, balas ya. "
        "Jika Anda tidak ingin melanjutkan pemesanan, pilih Batal.",
        (Choice("Ya, itu namanya", "afirmasi"), Choice("Batal", "batal_antrean")),
    )


def name_of_other(relation: str) -> str:
    """Booking for someone else ("buat ibu saya"): the queue is in that person's name."""
    return (
        f"Baik, antrean untuk {relation} Anda. Tulis nama lengkap {relation} Anda sesuai KTP/KK "
        "(yang nanti datang membawa berkasnya)."
    )


def nik_missing() -> str:
    return "Maaf, NIK belum saya temukan di pesan Anda. Ketik 16 angka NIK pemohon, tanpa huruf."


def why_personal_data() -> str:
    """The privacy explanation for a question in the form ("kenapa harus pakai nama? data saya aman?")."""
    return (
        "🔒 Nama, NIK, dan nomor HP hanya dipakai petugas untuk mencocokkan antrean dengan berkas Anda. "
        "Sesuai UU 27/2022 tentang Pelindungan Data Pribadi, data ini disimpan terenkripsi, hanya untuk antrean "
        "ini, dan dihapus otomatis 30 hari setelah jadwal kunjungan. Ingin menghapusnya lebih awal? "
        'Ketik "hapus data saya" kapan saja.'
    )


def answer_first() -> str:
    return "Baik. Mohon jawab dulu pertanyaan di bawah ini, ya."


def move_stopped() -> str:
    return "Baik, jadwal antrean tidak diubah."


def booked_reply(catalogue: Catalogue, booking: Booking, nik: str | None, policy: Policy) -> Reply:
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
        "\nTunjukkan kode QR atau kode booking saat tiba. Batal datang? Batalkan sampai jamnya tiba, agar tempatnya "
        f"bisa dipakai warga lain. Pindah jadwal bisa {_times(policy.max_moves)}, paling lambat sehari sebelumnya "
        '(ketik "batalkan antrean" atau "ubah jadwal").'
    )
    return Reply("\n".join(lines))


def _times(count: int) -> str:
    return "satu kali" if count == 1 else f"{count} kali"


def booking_line(catalogue: Catalogue, booking: Booking) -> str:
    service = catalogue.services.get(booking.service_code)
    name = service.name if service else booking.service_code
    mpp = catalogue.mpps.get(booking.mpp_code)
    return (
        f"{booking.queue_number} · {name} · {short_day(booking.day)} {clock(booking.start)} "
        f"{zone(catalogue, booking.mpp_code)} · {mpp.name if mpp else booking.mpp_code} (kode {booking.code})"
    )


def which_booking(catalogue: Catalogue, bookings: list[Booking], intent: str) -> Reply:
    choices = tuple(
        Choice(f"{b.queue_number} {tanggal(b.day)}", intent, {"kode_booking": b.code}) for b in bookings[:10]
    )
    return Reply("Antrean yang mana?\n" + "\n".join(f"• {booking_line(catalogue, b)}" for b in bookings), choices)


def nothing_to_cancel() -> str:
    return "Tidak ada antrean aktif dari chat ini yang bisa dibatalkan."


def nothing_to_move() -> str:
    return "Tidak ada antrean aktif dari chat ini yang bisa dipindah."


def nothing_to_move_book_instead() -> Reply:
    """A reschedule request from a chat with no booking: one tap to book instead."""
    return Reply(
        nothing_to_move() + " Mau ambil antrean baru? Pilih tombol di bawah, atau sebutkan layanannya.",
        (Choice("Ambil antrean", "pesan_antrean"),),
    )


def new_booking_instead() -> str:
    return "Belum ada antrean dari chat ini, jadi saya buatkan antrean baru."


def ask_cancel(catalogue: Catalogue, booking: Booking) -> Reply:
    return Reply(f"Batalkan antrean ini?\n• {booking_line(catalogue, booking)}", _yes_no("Ya, batalkan", "Jangan"))


def moving(catalogue: Catalogue, booking: Booking, policy: Policy) -> str:
    return f"Memindah jadwal:\n• {booking_line(catalogue, booking)}\n(Jadwal hanya bisa dipindah {_times(policy.max_moves)}.)"


def ask_move(day: date, start: time) -> Reply:
    buttons = (Choice("Ya, pindahkan", "afirmasi"), *change_buttons(MOVE_DETAILS), Choice("Jangan", "batal_antrean"))
    return Reply(f"Pindahkan jadwal ke {tanggal(day)}, pukul {clock(start)}?", buttons)


def ask_erase() -> Reply:
    text = (
        "Hapus data pribadi Anda? Semua antrean aktif dari chat ini akan dibatalkan, dan nama, NIK, serta "
        "nomor HP yang tersimpan dihapus, begitu juga isi pengaduan Anda (nomor pengaduannya tetap tercatat "
        "tanpa identitas untuk statistik) (UU 27/2022 tentang Pelindungan Data Pribadi)."
    )
    return Reply(text, _yes_no("Ya, hapus", "Jangan"))


_DECLINED = {
    Operation.BOOK: "Baik, tidak jadi dipesan. Data yang tadi Anda isi tidak disimpan.",
    Operation.CANCEL: "Baik, antrean Anda tetap aktif.",
    Operation.MOVE: "Baik, jadwal antrean tidak diubah.",
    Operation.ERASE: "Baik, data Anda tidak dihapus.",
}


def declined(operation: Operation) -> str:
    return _DECLINED[operation]


def cancelled(booking: Booking) -> str:
    return (
        f"Antrean {booking.queue_number} (kode {booking.code}) sudah dibatalkan. Terima kasih sudah memberi tahu, "
        "tempatnya kini bisa dipakai warga lain."
    )


def moved(catalogue: Catalogue, booking: Booking, policy: Policy) -> str:
    return (
        f"Jadwal sudah dipindah ✅\n{booking_line(catalogue, booking)}\n"
        f"Jadwal hanya bisa dipindah {_times(policy.max_moves)}."
    )


def erased(count: int) -> str:
    return (
        f"Data pribadi Anda sudah dihapus ({count} pemesanan). Antrean aktif dari chat ini dibatalkan. "
        "Percakapan ini tidak lagi menyimpan NIK atau nomor HP Anda."
    )


def database_trouble() -> str:
    return (
        "Maaf, sistem antrean sedang gangguan sebentar, jadi permintaan Anda belum tersimpan. "
        'Silakan ketik "ya" lagi dalam satu-dua menit.'
    )


def no_bookings() -> Reply:
    return Reply("Belum ada antrean aktif dari chat ini. Mau pesan?", (Choice("Pesan antrean", "pesan_antrean"),))


def your_bookings(catalogue: Catalogue, bookings: list[Booking], today_lines: list[str]) -> Reply:
    parts = []
    if today_lines:
        parts.append("Antrean Anda hari ini:\n" + "\n".join(f"• {line}" for line in today_lines))
    if bookings:
        lines = "\n".join(f"• {booking_line(catalogue, b)}" for b in bookings)
        parts.append(f"Jadwal antrean Anda:\n{lines}\n\nTunjukkan kode booking saat tiba di MPP.")
    return Reply("\n\n".join(parts))


def found(catalogue: Catalogue, booking: Booking, own: bool) -> Reply:
    heading = "Antrean Anda:" if own else "Antrean dengan kode itu:"
    return Reply(f"{heading}\n• {booking_line(catalogue, booking)}")


# ---- notices (sent through the outbox) --------------------------------------------------
def reminder_day(service: str, mpp: str, day: date, start: time, zone: str, number: str, code: str) -> str:
    return (
        f"Pengingat: besok, {tanggal(day)}, pukul {clock(start)} {zone} Anda punya antrean {service} di {mpp} "
        f'(nomor {number}, kode {code}). Jangan lupa bawa persyaratannya. Tidak jadi datang? Ketik "batalkan antrean".'
    )


def reminder_hour(service: str, mpp: str, start: time, zone: str, code: str) -> str:
    return (
        f"Pengingat: 1 jam lagi (pukul {clock(start)} {zone}) jadwal antrean {service} Anda di {mpp}. "
        f'Tunjukkan kode {code} saat tiba. Tidak jadi datang? Ketik "batalkan antrean".'
    )


def closure(mpp: str, day: date, reason: str, service: str, code: str, suggestion: str | None) -> str:
    offer = f" Slot terdekat yang masih kosong: {suggestion}." if suggestion else ""
    return (
        f"Mohon maaf, {mpp} tidak melayani {service} pada {tanggal(day)} ({reason}). Antrean Anda (kode {code}) "
        f'perlu dipindah.{offer} Ketik "ubah jadwal" untuk memilih jadwal baru.'
    )


def closure_withdrawn(mpp: str, day: date, start: time, zone: str, service: str, code: str) -> str:
    return (
        f"Kabar baik: {mpp} tetap melayani {service} pada {tanggal(day)}; pemberitahuan tutup/perubahan "
        f"sebelumnya dibatalkan. Antrean Anda (kode {code}) tetap berlaku pukul {clock(start)} {zone}; "
        "tidak perlu dipindah. "
        'Bila Anda sudah tidak bisa datang, ketik "ubah jadwal" atau "batal antrean".'
    )


def missed(service: str, mpp: str, day: date, start: time, zone: str, number: str) -> str:
    return (
        f"Antrean {service} Anda di {mpp} ({tanggal(day)}, pukul {clock(start)} {zone}, nomor {number}) terlewat "
        "karena belum check-in, jadi sudah ditutup. Bila masih perlu, silakan pesan lagi lewat chat ini."
    )


# ---- at the kiosk or counter (staff read these) ------------------------------------------
_CHECK_IN_REFUSED = {
    Reason.NOT_ACTIVE: "Antrean ini sudah tidak aktif (dibatalkan).",
    Reason.MISSED: "Jadwal antrean ini sudah lewat (tidak check-in tepat waktu). Silakan ambil nomor walk-in.",
}


def check_in_refused(reason: Reason, booking: Booking) -> str:
    if reason is Reason.NOT_TODAY:
        return f"Jadwal antrean ini bukan hari ini (jadwal: {booking.day.isoformat()})."
    return _CHECK_IN_REFUSED.get(reason, "Antrean ini tidak bisa check-in.")


def code_not_here() -> str:
    return "Kode booking tidak ditemukan di MPP ini."


def qr_png_base64(code: str) -> str:
    """The booking code as a QR image (PNG, base64) for check-in at the kiosk or counter."""
    image = qrcode.make(code, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()
