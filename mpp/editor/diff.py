"""What a change means for citizens: the assistant's answers before and after, line by line.

The approver reads the very answers the chat would give (``mpp.faq``) from the live catalogue and
from the catalogue with the change applied, as a line diff, plus the offering's settings that no
answer shows (slot length, quota). Nothing here is stored; it is recomputed when shown.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from mpp import faq
from mpp.catalogue.model import Catalogue
from mpp.editor.document import MPP, MPP_FILE, OFFERING, SERVICE, SITE, Target

SAME, REMOVED, ADDED = " ", "-", "+"


@dataclass(frozen=True)
class Block:
    title: str
    lines: tuple[tuple[str, str], ...]  # (SAME | REMOVED | ADDED, text)

    @property
    def changed(self) -> bool:
        return any(mark != SAME for mark, _ in self.lines)


def _lines(before: str, after: str) -> tuple[tuple[str, str], ...]:
    out = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        mark, text = line[:1], line[2:]
        if mark in (SAME, REMOVED, ADDED):
            out.append((mark, text))
    return tuple(out)


def _answer(catalogue: Catalogue, topic: str, service: str | None, mpp: str | None, today: date) -> str:
    if service is not None and catalogue.service(service) is None:
        return ""
    if mpp is not None and catalogue.mpp(mpp) is None:
        return ""
    return faq.answer(catalogue, faq.Question(topic, service=service, mpp=mpp), today).text


QUESTIONS = {
    "fees": ("tanya_biaya",),
    "requirements": ("tanya_syarat",),
    "processing": ("tanya_lama_proses",),
    "offering": ("tanya_lokasi", "daftar_layanan"),
    "hours": ("tanya_jadwal",),
    "address": ("tanya_lokasi",),
    "counters": (),
    "agencies": ("daftar_layanan",),
    "onboarding": ("tanya_jadwal", "tanya_lokasi", "daftar_layanan"),
}
TITLES = {
    "tanya_biaya": "Jawaban 'berapa biayanya?'",
    "tanya_syarat": "Jawaban 'apa syaratnya?'",
    "tanya_lama_proses": "Jawaban 'berapa lama prosesnya?'",
    "tanya_lokasi": "Jawaban 'di mana lokasinya?'",
    "daftar_layanan": "Jawaban 'ada layanan ini?'",
    "tanya_jadwal": "Jawaban 'jam berapa buka?'",
}


def citizen_diff(
    old: Catalogue, new: Catalogue, target: Target, topic: str, mpp: str | None, today: date
) -> list[Block]:
    """The answers the change touches, before and after; ``mpp``: the MPP to ask about (the editor's)."""
    service = target.service
    where = target.mpp or mpp
    blocks = []
    for question in QUESTIONS.get(topic, ()):
        asked_service = service if target.kind in (SERVICE, OFFERING) else None
        if question == "daftar_layanan" and target.kind in (MPP, SITE, MPP_FILE):
            asked_service = None
        before = _answer(old, question, asked_service, where, today)
        after = _answer(new, question, asked_service, where, today)
        blocks.append(Block(TITLES[question], _lines(before, after)))
    if target.kind == OFFERING and target.mpp and service:
        settings = []
        o, n = old.offering(target.mpp, service), new.offering(target.mpp, service)
        for label, attr in (("Lama slot (menit)", "slot_minutes"), ("Kuota per slot", "quota_per_slot")):
            a, b = getattr(o, attr, None), getattr(n, attr, None)
            settings.append((SAME, f"{label}: {a}") if a == b else (REMOVED, f"{label}: {a}"))
            if a != b:
                settings.append((ADDED, f"{label}: {b}"))
        a_mode = old.booking_mode(target.mpp, service) if o else None
        b_mode = new.booking_mode(target.mpp, service) if n else None
        settings.extend(
            [(SAME, f"Cara pesan: {a_mode}")]
            if a_mode == b_mode
            else [(REMOVED, f"Cara pesan: {a_mode}"), (ADDED, f"Cara pesan: {b_mode}")]
        )
        blocks.append(Block("Pengaturan antrean (tidak tampil di jawaban)", tuple(settings)))
    if target.kind == SITE and target.mpp:
        before, after = _site(old, target.mpp, topic), _site(new, target.mpp, topic)
        blocks.append(Block("Data MPP yang dipakai asisten", _lines(before, after)))
    return blocks


def _site(catalogue: Catalogue, mpp_code: str, topic: str) -> str:
    """An MPP's counters or agencies as the assistant uses them, one line each."""
    mpp = catalogue.mpp(mpp_code)
    if mpp is None:
        return ""
    if topic == "counters":
        return "\n".join(
            f"Loket {c.code}: {c.name}, {c.floor} ({c.agency_code})"
            + ("" if c.provenance is None or c.provenance.verified else " — belum terverifikasi")
            for c in mpp.counters.values()
        )
    out = []
    for a in mpp.agencies.values():
        out.append(
            f"{a.name}: " + ("hadir (terverifikasi)" if a.present else "kehadiran belum terverifikasi: tanpa booking")
        )
        out.extend(f"  {c.label}: {c.value}" + (f" ({c.note})" if c.note else "") for c in a.contact)
    return "\n".join(out)
