"""The export for SP4N-LAPOR!: one record per complaint with the fields LAPOR!'s own form asks for.

LAPOR!'s form (lapor.go.id) asks for: judul (title), isi (description), tanggal kejadian (date),
lokasi kejadian (location), kategori (category), instansi tujuan (agency), and whether the report is
anonim (identity hidden) and/or rahasia (content not public). We fill them from the complaint: the
description has NIK and phone numbers masked, the contact is never exported, a pungli report is
marked rahasia and has no agency (it is not sent to the agency it names). No network call is made.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from mpp.catalogue.model import Catalogue
from mpp.grievance.model import Category, Complaint

FIELDS = (
    "nomor",
    "judul",
    "isi",
    "tanggal_kejadian",
    "tanggal_lapor",
    "lokasi",
    "kategori",
    "instansi",
    "anonim",
    "rahasia",
    "status",
    "batas_tanggapan",
    "batas_selesai",
)


def record(cat: Catalogue, c: Complaint, description: str | None, occurred: str | None) -> dict[str, Any]:
    mpp = cat.mpp(c.mpp_code)
    place = mpp.name if mpp else c.mpp_code
    agency_code = None if c.category is Category.PUNGLI else (c.assigned_agency or c.named_agency)
    agency = mpp.agencies.get(agency_code) if mpp and agency_code else None
    return {
        "nomor": c.number,
        "judul": f"{c.category.label} di {place}",
        "isi": description or "",
        "tanggal_kejadian": occurred or "",
        "tanggal_lapor": c.filed_at.date().isoformat(),
        "lokasi": place + (f", {mpp.address}" if mpp and mpp.address else ""),
        "kategori": c.category.label,
        "instansi": agency.name if agency else "",
        "anonim": not c.has_contact,
        "rahasia": c.confidential,
        "status": c.status.value,
        "batas_tanggapan": c.respond_by.isoformat(),
        "batas_selesai": c.resolve_by.isoformat(),
    }


def render(records: Sequence[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r} (csv or json)")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: ("ya" if v is True else "tidak" if v is False else v) for k, v in r.items()})
    return out.getvalue()
