"""The MPP's own facts as forms (address and map pin, counters, agencies with their presence and
contacts), and the registry of every form the editor offers.

Like the service forms (``mpp.editor.forms``): flat text fields in, a section of the catalogue out,
each changed or new fact carrying the change's source and today's date, untouched facts keeping
their own. What a form cannot even read (a latitude that is not a number, a counter line without
its agency) is refused here, per field, in Indonesian; the loader's rules judge the rest. These are
one MPP's facts: its administrator edits them, and another administrator of that MPP or a national
administrator approves (``CatalogueEditor.may_decide``).
"""

from __future__ import annotations

from typing import Any, Mapping

from mpp.catalogue.model import PRESENCE_VALUES
from mpp.editor.document import MPP, SERVICE, SITE
from mpp.editor.forms import (
    Built,
    Fact,
    Fees,
    Form,
    Hours,
    OfferingSettings,
    Processing,
    Requirements,
    Topic,
    _keep_or_source,
    _match,
    lines,
    text,
)

LAT, LON = (-11.5, 6.5), (94.5, 141.5)  # Indonesia's span, as the loader checks it


def _coordinate(form: Form, name: str, label: str, span: tuple[float, float], errors: dict[str, str]) -> float | None:
    raw = text(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = f"{label}: tulis angka desimal, mis. {'-6.5950' if span == LAT else '106.7890'}."
        return None
    if not span[0] <= value <= span[1]:
        errors[name] = f"{label}: harus antara {span[0]} dan {span[1]} (wilayah Indonesia)."
    return value


class Address(Topic):
    name, label, kind, national = "address", "Alamat dan titik peta MPP", MPP, False
    keys = ("address", "coordinates", "coordinates_note")

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        address, pin = section.get("address") or {}, section.get("coordinates") or {}
        return {
            "address_text": address.get("text") or "",
            "address_note": address.get("note") or "",
            "lat": "" if pin.get("lat") is None else str(pin["lat"]),
            "lon": "" if pin.get("lon") is None else str(pin["lon"]),
            "coordinates_note": section.get("coordinates_note") or "",
        }

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        built: dict[str, Any] = {}
        address = text(form, "address_text")
        if len(address) < 10:
            errors["address_text"] = "Alamat: tulis alamat lengkap (jalan, nomor, kota), paling sedikit 10 karakter."
        built["address"] = _keep_or_source(
            section.get("address"), {"text": address, "note": text(form, "address_note") or None}, fact
        )
        lat = _coordinate(form, "lat", "Lintang (latitude)", LAT, errors)
        lon = _coordinate(form, "lon", "Bujur (longitude)", LON, errors)
        if (lat is None) != (lon is None):
            missing = "lon" if lon is None else "lat"
            errors.setdefault(missing, "Titik peta: isi lintang dan bujur keduanya, atau kosongkan keduanya.")
        old_pin = section.get("coordinates")
        if lat is not None and lon is not None:
            note = (old_pin or {}).get("note")
            built["coordinates"] = _keep_or_source(old_pin, {"lat": lat, "lon": lon, "note": note}, fact)
        note = text(form, "coordinates_note")
        if note:
            built["coordinates_note"] = note
        return Built(built, errors)


class Counters(Topic):
    name, label, kind, national = "counters", "Loket MPP", SITE, False
    keys = ("counters",)
    FORMAT = "kode | nama loket | lantai | kode instansi"

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        rows = section.get("counters") or []
        return {
            "counters": "\n".join(
                f"{c.get('code')} | {c.get('name', '')} | {c.get('floor', '')} | {c.get('agency', '')}" for c in rows
            ),
            "counters_verified": "1" if rows and all(c.get("verified", True) for c in rows) else "",
        }

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        agencies = {str(a.get("code")) for a in item.get("agencies") or [] if isinstance(a, dict)}
        verified = form.get("counters_verified") == "1"
        olds = list(section.get("counters") or [])
        counters, seen = [], set()
        for n, line in enumerate(lines(form, "counters"), start=1):
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or not all(parts):
                errors["counters"] = (
                    f"Loket baris {n}: tulis '{self.FORMAT}', mis. '3 | Loket Dukcapil 3 | Lantai 2 | disdukcapil'."
                )
                continue
            code, name, floor, agency = parts
            if agency not in agencies:
                errors["counters"] = (
                    f"Loket baris {n}: instansi '{agency}' tidak ada di MPP ini (pilih dari: {', '.join(sorted(agencies))})."
                )
                continue
            if code in seen:
                errors["counters"] = f"Loket baris {n}: kode loket '{code}' dipakai dua kali."
                continue
            seen.add(code)
            new = {"code": code, "name": name, "floor": floor, "agency": agency}
            old = _match(olds, lambda o: str(o.get("code")), code)
            row = _keep_or_source(old, new, fact)
            if row != old and not verified:
                row["verified"] = False  # e.g. a demo numbering: stated as a fact only when ticked
            counters.append(row)
        if not counters and not errors:
            errors["counters"] = f"Loket: tulis paling sedikit satu loket, satu per baris: '{self.FORMAT}'."
        return Built({"counters": counters}, errors)


class Agencies(Topic):
    """Each agency's presence at the MPP (only a verified one takes bookings) and its contacts."""

    name, label, kind, national = "agencies", "Instansi di MPP: kehadiran dan kontak", SITE, False
    keys = ("agencies",)

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for a in section.get("agencies") or []:
            code = a.get("code")
            out[f"presence_{code}"] = a.get("presence") or ""
            out[f"contact_{code}"] = "\n".join(
                " | ".join(x for x in (c.get("label", ""), c.get("value", ""), c.get("note") or "") if x)
                for c in a.get("contact") or []
            )
        return out

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        agencies = []
        for old in section.get("agencies") or []:
            code, agency = old.get("code"), dict(old)
            presence = text(form, f"presence_{code}") or old.get("presence")
            if presence not in PRESENCE_VALUES:
                errors[f"presence_{code}"] = f"Kehadiran {code}: pilih 'verified' atau 'unverified'."
            elif presence != old.get("presence"):
                # the agency node's sources and date are those of its presence
                agency.update(presence=presence, sources=list(fact["sources"]), checked=fact["checked"])
            olds = list(old.get("contact") or [])
            contacts = []
            for n, line in enumerate(lines(form, f"contact_{code}"), start=1):
                label, _, rest = line.partition("|")
                value, _, note = rest.partition("|")
                label, value, note = label.strip(), value.strip(), note.strip()
                if not label or not value:
                    errors[f"contact_{code}"] = (
                        f"Kontak {code} baris {n}: tulis 'jenis | nomor atau alamat | catatan (opsional)', "
                        "mis. 'WhatsApp | 0811-1234-5678'."
                    )
                    continue
                match = _match(olds, lambda o: (o.get("label"), o.get("value")), (label, value))
                contacts.append(_keep_or_source(match, {"label": label, "value": value, "note": note or None}, fact))
            if contacts:
                agency["contact"] = contacts
            else:
                agency.pop("contact", None)
            agencies.append(agency)
        return Built({"agencies": agencies}, errors)


TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (Fees(), Requirements(), Processing(), OfferingSettings(), Hours(), Address(), Counters(), Agencies())
}
SERVICE_TOPICS = tuple(t.name for t in TOPICS.values() if t.kind == SERVICE)
MPP_TOPICS = tuple(t.name for t in TOPICS.values() if t.kind in (MPP, SITE))
