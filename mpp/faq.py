"""Answers to service questions, composed from the catalogue.

Each question type is a function of (catalogue, what we know of the question).
Requirements, fees and processing times are national facts and need no MPP;
hours, location and the service list depend on the MPP. Anything the catalogue
marks as unverified is said to be unverified, with a contact to ask instead; that
includes an agency whose presence at the MPP is unverified. Each answer ends with the
date its facts were checked, "perlu dicek ulang" when one of them is stale, and a
completion date only where a sourced working-day bound gives one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mpp.catalogue.completion import HOLIDAYS_UNKNOWN, NOT_BOUNDED, promised_completion
from mpp.catalogue.model import JENIS_LABELS, Catalogue, Contact, Fee, Mpp, Offering, Service, fact_kind
from mpp.catalogue.notices import Announcement, concerns
from mpp.replies import POPULAR_SERVICES, Choice, Location, Reply
from mpp.text import bullets, join_names, rupiah, tanggal, weekly_hours

TOPICS = (
    "tanya_syarat",
    "tanya_biaya",
    "tanya_jadwal",
    "tanya_lokasi",
    "tanya_lama_proses",
    "daftar_layanan",
)
NEEDS_MPP = ("tanya_jadwal", "tanya_lokasi", "daftar_layanan")
NEEDS_SERVICE = ("tanya_syarat", "tanya_biaya", "tanya_lama_proses")
UNVERIFIED = "belum terverifikasi"


@dataclass(frozen=True)
class Question:
    topic: str  # one of TOPICS
    service: str | None = None
    jenis: str | None = None
    mpp: str | None = None


def answer(catalogue: Catalogue, question: Question, today: date, notices: Sequence[Announcement] = ()) -> Reply:
    """The reply to one question; asks back when the service or MPP is missing.

    ``notices``: the announcements posted in the console; those that concern this answer come first.
    """
    service = catalogue.service(question.service)
    if question.topic in NEEDS_SERVICE and service is None:
        return ask_service(catalogue, question)
    mpp_code = resolve_mpp(catalogue, question.mpp, service.code if service else None)
    if question.topic in NEEDS_MPP and mpp_code is None:
        return ask_mpp(catalogue, question)
    mpp = catalogue.mpp(mpp_code)
    reply = _answer(catalogue, question, service, mpp, today)
    posted = announcement_lines(catalogue, notices, mpp_code, service.code if service else None, today)
    if posted:
        reply = Reply(f"{posted}\n\n{reply.text}", reply.choices, reply.image_path, reply.location)
    if mpp and service and question.mpp != mpp.code and len(catalogue.mpps) > 1 and question.topic in NEEDS_MPP:
        # We chose the MPP because it is the only one offering the service: say so.
        reply = Reply(
            f"Layanan {service.name} hanya ada di {mpp.name}.\n\n{reply.text}",
            reply.choices,
            reply.image_path,
            reply.location,
        )
    return reply


def _answer(catalogue: Catalogue, question: Question, service: Service | None, mpp: Mpp | None, today: date) -> Reply:
    if question.topic == "tanya_syarat":
        assert service is not None
        return requirements(catalogue, service, question.jenis, mpp, today)
    if question.topic == "tanya_biaya":
        assert service is not None
        return fees(catalogue, service, question.jenis, mpp, today)
    if question.topic == "tanya_lama_proses":
        assert service is not None
        return processing_time(catalogue, service, question.jenis, mpp, today)
    assert mpp is not None
    if question.topic == "tanya_jadwal":
        return opening_hours(catalogue, mpp, service, today)
    if question.topic == "tanya_lokasi":
        return location(catalogue, mpp, service)
    if service:
        return availability(catalogue, mpp, service)
    return service_list(catalogue, mpp)


def announcement_lines(
    catalogue: Catalogue, notices: Sequence[Announcement], mpp_code: str | None, service_code: str | None, today: date
) -> str:
    """The notices that concern an answer about this MPP and service, one line each (empty: none)."""
    lines = []
    for notice in notices:
        if not notice.shown_on(today) or not concerns(notice, catalogue, mpp_code, service_code):
            continue
        mpp = catalogue.mpp(notice.mpp_code)
        where = mpp.name if mpp else notice.mpp_code
        about = ""
        if notice.service_code and catalogue.service(notice.service_code) and service_code != notice.service_code:
            about = f" — {catalogue.services[notice.service_code].name}"
        if notice.starts_on > today:
            period = f"{tanggal(notice.starts_on)} s.d. {tanggal(notice.ends_on)}"
        else:
            period = f"berlaku s.d. {tanggal(notice.ends_on)}"
        lines.append(f"📢 Pengumuman {where}{about} ({period}): {notice.text}")
    return "\n".join(lines)


def resolve_mpp(catalogue: Catalogue, mpp_code: str | None, service_code: str | None) -> str | None:
    """The user's MPP if known; else the only MPP configured, or the only one offering the service."""
    if mpp_code and mpp_code in catalogue.mpps:
        return mpp_code
    if len(catalogue.mpps) == 1:
        return next(iter(catalogue.mpps))
    if service_code:
        offering = catalogue.mpps_offering(service_code)
        if len(offering) == 1:
            return offering[0].code
    return None


def ask_service(catalogue: Catalogue, question: Question) -> Reply:
    what = {
        "tanya_syarat": "persyaratannya",
        "tanya_biaya": "biayanya",
        "tanya_lama_proses": "lama prosesnya",
    }.get(question.topic, "informasinya")
    choices = tuple(
        Choice(catalogue.services[code].name, question.topic, _entities(code, question.jenis, question.mpp))
        for code in POPULAR_SERVICES
        if code in catalogue.services
    )
    return Reply(
        f"Untuk layanan apa Anda ingin tahu {what}? Pilih di bawah ini atau ketik nama layanannya "
        "(misalnya: KTP, akta kelahiran, NPWP, PBG, nikah).",
        choices,
    )


# The answers about one service end with this button: booking that service (at that MPP), issue 17.
BOOK = ("Ambil antrean", "pesan_antrean")


def ask_topic(catalogue: Catalogue, service_code: str | None, mpp_code: str | None) -> Reply:
    """A bare service or MPP without a question ("kalau NIB?" as the first message): what to know?"""
    service = catalogue.service(service_code)
    entities = {k: v for k, v in {"layanan": service_code, "mpp": mpp_code}.items() if v}
    about = f" tentang {service.name}" if service else ""
    topics = (
        ("Syarat", "tanya_syarat"),
        ("Biaya", "tanya_biaya"),
        ("Lama proses", "tanya_lama_proses"),
        ("Jam buka", "tanya_jadwal"),
        ("Lokasi", "tanya_lokasi"),
    )
    book = (BOOK,) if service else ()
    return Reply(f"Apa yang ingin Anda ketahui{about}?", tuple(Choice(t, i, entities) for t, i in (*topics, *book)))


def ask_mpp(catalogue: Catalogue, question: Question) -> Reply:
    choices = tuple(
        Choice(m.name, question.topic, _entities(question.service, question.jenis, m.code))
        for m in sorted(catalogue.mpps.values(), key=lambda m: m.name)
    )
    return Reply("Di MPP mana? Pilih salah satu, nanti saya ingat untuk pertanyaan berikutnya.", choices)


def _entities(service: str | None, jenis: str | None, mpp: str | None) -> dict[str, str]:
    values = {"layanan": service, "jenis": jenis, "mpp": mpp}
    return {k: v for k, v in values.items() if v}


def _jenis_label(jenis: str) -> str:
    return JENIS_LABELS.get(jenis, jenis)


def _relevant_jenis(service: Service, jenis: str | None) -> str | None:
    return jenis if jenis and jenis in service.jenis else None


def contacts(catalogue: Catalogue, service: Service, mpp: Mpp | None) -> list[str]:
    """Where to ask: the agency at the user's MPP, the service's official channels, the operator."""
    lines: list[str] = []
    offering = catalogue.offering(mpp.code if mpp else None, service.code)
    if mpp and offering:
        agency = mpp.agencies.get(offering.agency_code)
        if agency:
            operator = f" ({offering.operator})" if offering.operator and offering.operator != agency.name else ""
            if agency.present:
                lines.append(f"Tanyakan langsung ke loket {agency.name} di {mpp.name}{operator}")
            else:
                lines.append(
                    f"{agency.name}{operator}: kanal resmi instansi (kehadiran loketnya di {mpp.name} belum terverifikasi)"
                )
            lines.extend(_contact_lines(agency.contact))
        lines.extend(_contact_lines(offering.contact))
    elif not mpp:
        operators = [
            f"{catalogue.mpps[o.mpp_code].city}: {o.operator}"
            for o in catalogue.offerings.values()
            if o.service_code == service.code and o.operator
        ]
        if operators:
            lines.append("Penyelenggara per kota: " + "; ".join(operators))
    lines.extend(_contact_lines(service.contact))
    return lines


def _contact_lines(items: tuple[Contact, ...]) -> list[str]:
    return [f"{c.label}: {c.value}" + (f" ({c.note})" if c.note else "") for c in items]


def _unverified(catalogue: Catalogue, service: Service, what: str, mpp: Mpp | None) -> str:
    lines = [f"{what.capitalize()} {service.name} {UNVERIFIED} di katalog kami, jadi belum bisa saya sebutkan."]
    if service.verification_note:
        lines.append(service.verification_note)
    where = contacts(catalogue, service, mpp)
    if where:
        lines.append("Silakan cek ke:\n" + bullets(where))
    return "\n".join(lines)


def _footer(service: Service, topic: str, today: date | None) -> str:
    """The legal basis, the date the facts of this answer were checked, and whether to re-check them."""
    basis = f"Dasar: {', '.join(service.legal_basis)}. " if service.legal_basis else ""
    used = [(k, p) for k, p in service.facts.items() if fact_kind(k) in (topic, "legal_basis")]
    checked = min((p.checked for _, p in used), default=service.verified_on)
    stale = today is not None and any(p.stale(fact_kind(k), today) for k, p in used)
    check = " (perlu dicek ulang)" if service.verification == "perlu_dicek" or stale else ""
    return f"{basis}Info per {tanggal(checked)}{check}."


def _unverified_elsewhere(catalogue: Catalogue, service: Service, mpp: Mpp | None) -> list[str]:
    """MPPs (other than ``mpp``) listing the service through an agency of unverified presence."""
    present = {m.code for m in catalogue.mpps_offering(service.code)}
    return [
        m.name
        for m in catalogue.mpps_listing(service.code)
        if m.code not in present and (mpp is None or m.code != mpp.code)
    ]


def _availability(catalogue: Catalogue, service: Service, mpp: Mpp | None) -> str | None:
    """A note when the user's MPP does not offer the service, naming those that do."""
    if mpp is None:
        return None
    offering = catalogue.offering(mpp.code, service.code)
    if offering is not None:
        return _presence_note(catalogue, mpp, service, offering)
    others = [m.name for m in catalogue.mpps_offering(service.code)]
    doubtful = _unverified_elsewhere(catalogue, service, mpp)
    tail = f" Di {join_names(doubtful)} kehadiran loketnya belum terverifikasi." if doubtful else ""
    if not others:
        return f"Catatan: layanan {service.name} tidak tersedia di {mpp.name}.{tail}"
    return f"Catatan: layanan {service.name} tidak tersedia di {mpp.name}, tetapi ada di {join_names(others)}.{tail}"


def _presence_note(catalogue: Catalogue, mpp: Mpp, service: Service, offering: Offering) -> str | None:
    """Said when the agency's presence at this MPP is unverified: ask its own channel before coming."""
    agency = mpp.agencies.get(offering.agency_code)
    if agency is None or agency.present:
        return None
    source = ""
    if agency.presence and agency.presence.sources:
        found = mpp.source(agency.presence.sources[0])
        if found is not None:
            source = f" (sumber terakhir: {found.title}" + (f", {found.date}" if found.date else "") + ")"
    others = [m.name for m in catalogue.mpps_offering(service.code) if m.code != mpp.code]
    lines = [
        f"⚠️ Kehadiran loket {agency.name} di {mpp.name} belum terverifikasi{source}, "
        "jadi antreannya belum bisa dipesan lewat saya. Sebelum datang, tanyakan lewat kanal resmi instansi."
    ]
    if others:
        lines.append(f"Layanan {service.name} tercatat ada di {join_names(others)}.")
    return " ".join(lines)


def _counters_note(mpp: Mpp, offering: Offering) -> str | None:
    counters = [mpp.counters[c] for c in offering.counters if c in mpp.counters]
    if any(c.provenance is not None and not c.provenance.verified for c in counters):
        return "Nomor loket belum terverifikasi; ikuti papan petunjuk di lokasi."
    return None


def _walk_in_note(catalogue: Catalogue, mpp: Mpp, service: Service) -> str | None:
    route = catalogue.booking_route(mpp.code, service.code)
    if route.mode != "walk_in":
        return None
    return f"{service.name} di {mpp.name} dilayani langsung tanpa pemesanan antrean." + (
        f" {route.note}" if route.note else ""
    )


def _booking_hint(service: Service) -> str | None:
    if service.booking_mode == "agency_system" and service.booking_note:
        return service.booking_note + (f" ({service.booking_url})" if service.booking_url else "")
    return None


def requirements(
    catalogue: Catalogue, service: Service, jenis: str | None, mpp: Mpp | None, today: date | None = None
) -> Reply:
    jenis = _relevant_jenis(service, jenis)
    if not service.requirements_verified_for(jenis):
        return Reply(_unverified(catalogue, service, "persyaratan", mpp))
    parts: list[str] = []
    if jenis:
        parts.append(f"Persyaratan {service.name} ({_jenis_label(jenis)}):")
        parts.append(bullets(service.requirements_for(jenis)))
    else:
        parts.append(f"Persyaratan {service.name}:")
        general = service.requirements.get(None)
        if general:
            parts.append(bullets(general))
        for j in service.jenis_with_own_requirements:
            parts.append(f"\nJika {_jenis_label(j)}:")
            if service.requirements_verified_for(j):
                parts.append(bullets(service.requirements[j]))
            else:
                parts.append(f"• Rinciannya {UNVERIFIED}; tanyakan ke loket atau kanal resmi instansi.")
    extras = [
        _booking_hint(service),
        _availability(catalogue, service, mpp),
        *service.notes[:2],
        _footer(service, "requirement", today),
    ]
    parts.extend(["", *[e for e in extras if e]])
    return Reply("\n".join(parts).strip(), _follow_ups(service, "tanya_syarat", mpp))


def fees(
    catalogue: Catalogue, service: Service, jenis: str | None, mpp: Mpp | None, today: date | None = None
) -> Reply:
    jenis = _relevant_jenis(service, jenis)
    if service.fee_free:
        lines = [f"Layanan {service.name} GRATIS, tidak dipungut biaya."]
        if service.fee_note:
            lines.append(service.fee_note)
    elif not service.fee_verified and not service.fees:
        return Reply(_unverified(catalogue, service, "biaya", mpp))
    else:
        heading = f"Biaya {service.name}" + (f" ({_jenis_label(jenis)})" if jenis else "") + ":"
        items = [
            f"{f.label}: {rupiah(f.amount) if f.amount is not None else 'bervariasi'}"
            + (f" — {f.note}" if f.note else "")
            + (f" ({UNVERIFIED})" if not _fee_verified(service, f) else "")
            for f in service.fees_for(jenis)
        ]
        lines = [heading, bullets(items)] if items else [heading]
        if service.fee_note:
            lines.append(service.fee_note)
        if not service.fee_verified:
            lines.append(f"Sebagian biaya {UNVERIFIED}; pastikan ke petugas.")
    offering = catalogue.offering(mpp.code if mpp else None, service.code)
    if offering and offering.note:
        lines.append(offering.note)
    extras = [
        _availability(catalogue, service, mpp),
        "Bayar hanya lewat kanal resmi; laporkan pungutan liar ke SP4N-LAPOR (lapor.go.id).",
        _footer(service, "fee", today),
    ]
    lines.extend(["", *[e for e in extras if e]])
    return Reply("\n".join(lines).strip(), _follow_ups(service, "tanya_biaya", mpp))


def _fee_verified(service: Service, fee: Fee) -> bool:
    index = next((i for i, f in enumerate(service.fees) if f is fee), None)
    fact = service.facts.get(f"fee:{index}") if index is not None else None
    return fact is None or fact.verified


def processing_time(
    catalogue: Catalogue, service: Service, jenis: str | None, mpp: Mpp | None, today: date | None = None
) -> Reply:
    jenis = _relevant_jenis(service, jenis)
    found, fact = service.processing_for(jenis)
    if found is None or (fact is not None and not fact.verified):
        return Reply(_unverified(catalogue, service, "lama proses", mpp))
    label = f" ({_jenis_label(jenis)})" if jenis else ""
    lines = [f"Lama proses {service.name}{label}: {found.text}"]
    if not jenis:
        for j, text in service.processing_time_by_jenis.items():
            lines.append(f"• Jika {_jenis_label(j)}: {text}")
    if today is not None:
        lines.append(_promise_line(catalogue, service, jenis, mpp, today))
    extras = [_availability(catalogue, service, mpp), _footer(service, "processing_time", today)]
    lines.extend(["", *[e for e in extras if e]])
    return Reply("\n".join(line for line in lines if line).strip(), _follow_ups(service, "tanya_lama_proses", mpp))


def _promise_line(catalogue: Catalogue, service: Service, jenis: str | None, mpp: Mpp | None, today: date) -> str:
    """The completion date for an application started today, where a sourced bound gives one."""
    completion = promised_completion(catalogue, service.code, jenis, today, mpp.code if mpp else None)
    if completion.day is not None and completion.processing is not None:
        start = completion.processing.counted_from or "Anda mengajukan"
        closed = f", dan hari tutup {mpp.name}" if mpp else ""
        return (
            f"Jika {start} hari ini ({tanggal(today)}), {service.name} selesai paling lambat "
            f"{tanggal(completion.day)} (hari kerja, di luar akhir pekan, libur nasional, cuti bersama{closed})."
        )
    if completion.reason == HOLIDAYS_UNKNOWN:
        year = next((y for y in range(today.year, today.year + 3) if y not in catalogue.holiday_years), today.year + 1)
        return f"Tanggal selesai belum bisa saya hitung: kalender libur tahun {year} belum ada di katalog kami."
    if completion.reason == NOT_BOUNDED:
        return "Tanggal selesai belum bisa saya janjikan karena sumber kami tidak memberi batas waktu yang pasti."
    return ""


def booking_elsewhere(catalogue: Catalogue, mpp_code: str | None, service_code: str) -> Reply:
    """Why a service is not booked in the MPP queue here, and where to go instead.

    Used when the booking form ends because the route is not ``mpp_slot``: the agency's own
    system, walk-in, or an agency whose presence at this MPP is unverified.
    """
    service = catalogue.services[service_code]
    route = catalogue.booking_route(mpp_code, service_code)
    mpp = catalogue.mpp(mpp_code)
    if route.reason == "presence_unverified" and mpp is not None:
        offering = catalogue.offering(mpp.code, service_code)
        assert offering is not None
        lines = [_presence_note(catalogue, mpp, service, offering) or ""]
        where = contacts(catalogue, service, None)
        if where:
            lines.append("Kanal resmi:\n" + bullets(where))
        choices = tuple(
            Choice(m.name, "informasi", {"mpp": m.code})
            for m in catalogue.mpps_offering(service_code)
            if catalogue.booking_mode(m.code, service_code) == "mpp_slot"
        )
        return Reply("\n".join(lines), choices)
    how = route.note or service.booking_note or "Layanan ini tidak memakai antrean MPP."
    if route.mode == "walk_in":
        place = f" di {mpp.name}" if mpp else ""
        return Reply(f"{service.name}{place} dilayani langsung tanpa pemesanan (walk-in). {how}")
    link = f"\n🔗 {route.url}" if route.url else ""
    return Reply(f"{service.name} tidak dipesan lewat antrean MPP.\n{how}{link}")


def opening_hours(catalogue: Catalogue, mpp: Mpp, service: Service | None, today: date) -> Reply:
    lines = [f"Jam layanan {mpp.name}:", bullets(weekly_hours(mpp.hours)), "Hari libur nasional & cuti bersama: tutup."]
    if not mpp.hours_verified:
        lines.append(
            f"⚠️ Jam ini {UNVERIFIED}"
            + (f": {mpp.hours_note}" if mpp.hours_note else ". Mohon cek kanal resmi MPP sebelum datang.")
        )
    soon = [c for c in mpp.closures if today <= c.day <= today + timedelta(days=30)]
    if soon:
        lines.append("Tutup khusus:\n" + bullets(f"{tanggal(c.day)}: {c.reason}" for c in soon))
    if service:
        offering = catalogue.offering(mpp.code, service.code)
        if offering is None or not catalogue.present(mpp.code, service.code):
            lines.append(_availability(catalogue, service, mpp) or "")
        elif offering.hours_note:
            lines.append(f"Khusus {service.name}: {offering.hours_note}")
    return Reply("\n".join(line for line in lines if line))


def location(catalogue: Catalogue, mpp: Mpp, service: Service | None) -> Reply:
    title = mpp.name + (f" ({mpp.brand})" if mpp.brand else "")
    lines = [f"📍 {title}", mpp.address]
    if mpp.address_note:
        lines.append(mpp.address_note)
    if service:
        offering = catalogue.offering(mpp.code, service.code)
        if offering is None or not catalogue.present(mpp.code, service.code):
            lines.append(_availability(catalogue, service, mpp) or "")
        else:
            agency = mpp.agencies.get(offering.agency_code)
            counters = [mpp.counters[c] for c in offering.counters if c in mpp.counters]
            floors = sorted({c.floor for c in counters})
            names = join_names([c.code for c in counters])
            lines.append(
                f"Layanan {service.name}: loket {names} ({', '.join(floors)})"
                + (f", {agency.name}" if agency else "")
                + "."
            )
            lines.append(_walk_in_note(catalogue, mpp, service) or "")
            lines.append(_counters_note(mpp, offering) or "")
    pin = None
    if mpp.latitude is not None and mpp.longitude is not None:
        pin = Location(mpp.latitude, mpp.longitude, title, mpp.address)
        if mpp.coordinates_note:
            lines.append(f"Titik peta: {mpp.coordinates_note}")
    return Reply("\n".join(line for line in lines if line), location=pin)


def availability(catalogue: Catalogue, mpp: Mpp, service: Service) -> Reply:
    """'Is there X at MPP Y?': yes with the counter, or no with the MPPs that have it."""
    offering = catalogue.offering(mpp.code, service.code)
    more = (Choice(f"Semua layanan {mpp.name}", "daftar_layanan", {"mpp": mpp.code}),)
    if offering is None or not catalogue.present(mpp.code, service.code):
        return Reply(_availability(catalogue, service, mpp) or "", more)
    agency = mpp.agencies.get(offering.agency_code)
    counters = [mpp.counters[c] for c in offering.counters if c in mpp.counters]
    where = join_names([f"loket {c.code} ({c.floor})" for c in counters])
    text = f"Ya, layanan {service.name} ada di {mpp.name}: {where}" + (f", {agency.name}." if agency else ".")
    for extra in (offering.note, _walk_in_note(catalogue, mpp, service), _counters_note(mpp, offering)):
        if extra:
            text += f"\n{extra}"
    return Reply(text, _follow_ups(service, "daftar_layanan", mpp) + more)


def service_list(catalogue: Catalogue, mpp: Mpp) -> Reply:
    by_agency: dict[str, list[str]] = {}
    for service in catalogue.services_at(mpp.code):
        offering = catalogue.offering(mpp.code, service.code)
        assert offering is not None
        agency = mpp.agencies[offering.agency_code]
        label = agency.name if agency.present else f"{agency.name} (kehadiran belum terverifikasi)"
        by_agency.setdefault(label, []).append(service.name)
    lines = [f"Layanan di {mpp.name}:"]
    lines.extend(f"• {agency}: {', '.join(names)}" for agency, names in by_agency.items())
    elsewhere = [
        s
        for s in catalogue.services.values()
        if not catalogue.offering(mpp.code, s.code) and catalogue.mpps_offering(s.code)
    ]
    if elsewhere:
        lines.append("")
        lines.append(
            "Tidak tersedia di sini: "
            + "; ".join(
                f"{s.name} (ada di {join_names([m.name for m in catalogue.mpps_offering(s.code)])})" for s in elsewhere
            )
        )
    lines.append("\nKetik nama layanan untuk melihat syarat, biaya, atau lokasinya.")
    return Reply("\n".join(lines))


def _follow_ups(service: Service, asked: str, mpp: Mpp | None) -> tuple[Choice, ...]:
    options = (
        ("Syarat", "tanya_syarat"),
        ("Biaya", "tanya_biaya"),
        ("Lama proses", "tanya_lama_proses"),
        ("Lokasi loket", "tanya_lokasi"),
        BOOK,
    )
    entities = _entities(service.code, None, mpp.code if mpp else None)
    return tuple(Choice(title, intent, entities) for title, intent in options if intent != asked)
