"""Where to complain or reach a person: the MPP's channels and SP4N-LAPOR."""

from __future__ import annotations

from mpp.catalogue.model import Catalogue, ComplaintChannel
from mpp.replies import Choice, Reply
from mpp.text import bullets

SP4N = "SP4N-LAPOR"


def _line(c: ComplaintChannel) -> str:
    return f"{c.name}: {c.detail}" + (f" ({c.note})" if c.note else "")


def complaint_reply(catalogue: Catalogue, mpp_code: str | None, wants_officer: bool) -> Reply:
    opening = (
        "Saat ini saya belum bisa menyambungkan chat ini langsung ke petugas. Anda bisa menghubungi:"
        if wants_officer
        else "Mohon maaf atas ketidaknyamanannya. 🙏 Keluhan Anda bisa disampaikan lewat:"
    )
    mpp = catalogue.mpp(mpp_code)
    if mpp is None and len(catalogue.mpps) == 1:
        mpp = next(iter(catalogue.mpps.values()))
    if mpp is not None:
        lines = [opening, bullets(_line(c) for c in mpp.complaint_channels)]
        if mpp.contact_hours:
            lines.append(f"Jam layanan kontak: {mpp.contact_hours}")
        lines.append(f"Atau datang ke meja informasi/pengaduan di {mpp.name}.")
        return Reply("\n".join(lines))
    national = {c.name: c for m in catalogue.mpps.values() for c in m.complaint_channels if SP4N in c.name.upper()}
    lines = [opening, bullets(_line(c) for c in national.values())]
    lines.append("Untuk kanal pengaduan kota dan meja informasi, pilih MPP Anda:")
    intent = "minta_petugas" if wants_officer else "keluhan"
    choices = tuple(
        Choice(m.name, intent, {"mpp": m.code}) for m in sorted(catalogue.mpps.values(), key=lambda m: m.name)
    )
    return Reply("\n".join(lines), choices)
