"""The editor's forms: what each one shows, and how typed fields become a section of the catalogue.

A form is flat text fields (what a browser posts). ``fields`` fills them from the stored section;
``build`` turns them back into a section, keeping every untouched fact as it was (its sources and
checked date) and giving each changed or new fact the change's source and today's date. Input a
form cannot even read (a fee that is not a number) is refused here, in Indonesian, per field; the
rest is judged by the loader's own rules (``mpp.catalogue.rules``, ``build_catalogue``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from mpp.catalogue.model import BOOKING_MODES, WEEKDAYS_ID
from mpp.editor.document import MPP, OFFERING, SERVICE

Fact = dict[str, Any]  # {"sources": [id], "checked": "YYYY-MM-DD"}: the change's provenance
Form = Mapping[str, str]
PROVENANCE_KEYS = ("sources", "checked", "verified")
EXTRA_ROWS = 2  # empty rows offered for new fees
MAX_ROWS = 40


@dataclass(frozen=True)
class Built:
    section: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # form field -> what is wrong (Indonesian)


def text(form: Form, name: str) -> str:
    """A one-line field, whitespace collapsed."""
    return " ".join(str(form.get(name, "") or "").split())


def lines(form: Form, name: str) -> list[str]:
    return [" ".join(line.split()) for line in str(form.get(name, "") or "").splitlines() if line.strip()]


def whole(form: Form, name: str, label: str, errors: dict[str, str], low: int, high: int) -> int | None:
    raw = text(form, name).replace(".", "")
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = f"{label}: tulis bilangan bulat, mis. {low if low > 0 else 30000}."
        return None
    if not low <= value <= high:
        errors[name] = f"{label}: harus antara {low} dan {high}."
    return value


def _content(node: Mapping[str, Any] | None) -> dict[str, Any]:
    """A fact node without its provenance: what citizens are told."""
    return {k: v for k, v in (node or {}).items() if k not in PROVENANCE_KEYS}


def _sourced(node: Mapping[str, Any], fact: Fact) -> dict[str, Any]:
    return {**{k: v for k, v in node.items() if v not in (None, "", [])}, **copy.deepcopy(fact)}


def _keep_or_source(old: Mapping[str, Any] | None, new: Mapping[str, Any], fact: Fact) -> dict[str, Any]:
    """The old node if the citizen-facing content is the same, else the new content with the change's source."""
    clean = {k: v for k, v in new.items() if v not in (None, "", [])}
    if old is not None and _content(old) == clean:
        return dict(old)
    return _sourced(clean, fact)


def _match(olds: list[dict[str, Any]], key: Callable[[Mapping[str, Any]], Any], value: Any) -> dict[str, Any] | None:
    """Take the first old node with this key (each old node matches once)."""
    for i, old in enumerate(olds):
        if key(old) == value:
            return olds.pop(i)
    return None


class Topic:
    name = ""
    label = ""
    kind = SERVICE
    keys: tuple[str, ...] = ()
    national = False  # changes facts every MPP shows: a national administrator approves it

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        raise NotImplementedError


class Fees(Topic):
    name, label, kind, keys, national = "fees", "Biaya dan dasar hukum", SERVICE, ("fee", "fees", "legal_basis"), True

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        fee = section.get("fee") or {}
        out = {"fee_free": "1" if fee.get("free") else "", "fee_note": fee.get("note") or ""}
        for i, row in enumerate(section.get("fees") or []):
            out[f"fee_{i}_label"] = row.get("label") or ""
            out[f"fee_{i}_amount"] = "" if row.get("amount") is None else str(row["amount"])
            out[f"fee_{i}_jenis"] = ", ".join(row.get("jenis") or [])
            out[f"fee_{i}_note"] = row.get("note") or ""
        out["legal_basis"] = "\n".join(b.get("text", "") for b in section.get("legal_basis") or [])
        return out

    @staticmethod
    def rows(form: Form) -> int:
        return max([i + 1 for i in range(MAX_ROWS) if f"fee_{i}_label" in form or f"fee_{i}_amount" in form] or [0])

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        old_fee = section.get("fee") or {}
        free = form.get("fee_free") == "1"
        note = text(form, "fee_note") or None
        same = bool(old_fee.get("free")) == free and (old_fee.get("note") or None) == note
        fee_block = dict(old_fee) if same else _sourced({"free": free, "note": note}, fact)
        olds = list(section.get("fees") or [])
        fees = []
        for i in range(self.rows(form)):
            label = text(form, f"fee_{i}_label")
            amount = whole(form, f"fee_{i}_amount", f"Biaya baris {i + 1}", errors, -(10**12), 10**12)
            if not label and amount is None:
                continue  # an empty row: dropped (clearing a row removes that fee)
            if not label:
                errors[f"fee_{i}_label"] = f"Biaya baris {i + 1}: beri nama biayanya (mis. 'Penerbitan SKCK')."
            jenis = [j.strip() for j in text(form, f"fee_{i}_jenis").split(",") if j.strip()]
            row = {"label": label, "amount": amount, "jenis": jenis, "note": text(form, f"fee_{i}_note") or None}
            fees.append(_keep_or_source(_match(olds, lambda o: o.get("label"), label), row, fact))
        old_bases = list(section.get("legal_basis") or [])
        bases = [
            _keep_or_source(_match(old_bases, lambda o: o.get("text"), text), {"text": text}, fact)
            for text in lines(form, "legal_basis")
        ]
        built: dict[str, Any] = {"fee": fee_block}
        if fees:
            built["fees"] = fees
        if bases:
            built["legal_basis"] = bases
        return Built(built, errors)


class Requirements(Topic):
    name, label, kind, national = "requirements", "Persyaratan", SERVICE, True
    keys = ("requirements", "requirements_by_jenis")

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        out = {"req_general": "\n".join((section.get("requirements") or {}).get("items") or [])}
        by_jenis = section.get("requirements_by_jenis") or {}
        for jenis in item.get("jenis") or []:
            out[f"req_{jenis}"] = "\n".join((by_jenis.get(jenis) or {}).get("items") or [])
        return out

    @staticmethod
    def _block(old: Mapping[str, Any] | None, items: list[str], fact: Fact) -> dict[str, Any] | None:
        if not items:
            # An empty box keeps a block that lists nothing on purpose (verified: false), else removes it.
            return dict(old) if old is not None and not old.get("items") else None
        if old is not None and list(old.get("items") or []) == items and old.get("verified", True):
            return dict(old)
        return {"items": items, **copy.deepcopy(fact)}

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        built: dict[str, Any] = {}
        general = self._block(section.get("requirements"), lines(form, "req_general"), fact)
        if general is not None:
            built["requirements"] = general
        old_by_jenis = section.get("requirements_by_jenis") or {}
        by_jenis = {}
        for jenis in item.get("jenis") or []:
            block = self._block(old_by_jenis.get(jenis), lines(form, f"req_{jenis}"), fact)
            if block is not None:
                by_jenis[jenis] = block
        if by_jenis:
            built["requirements_by_jenis"] = by_jenis
        return Built(built)


class Processing(Topic):
    """How long a service takes: one general entry and, per jenis, its own (structured: working days, or
    same day) so that a completion date can be promised (``mpp.catalogue.completion``)."""

    name, label, kind, national = "processing", "Lama proses", SERVICE, True
    keys = ("processing", "processing_by_jenis")

    @staticmethod
    def _fields(prefix: str, p: Mapping[str, Any]) -> dict[str, str]:
        return {
            f"{prefix}text": p.get("text") or "",
            f"{prefix}working_days": "" if p.get("working_days") is None else str(p["working_days"]),
            f"{prefix}same_day": "1" if p.get("same_day") else "",
            f"{prefix}counted_from": p.get("counted_from") or "",
        }

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        out = self._fields("proc_", section.get("processing") or {})
        by_jenis = section.get("processing_by_jenis") or {}
        for jenis in item.get("jenis") or []:
            out.update(self._fields(f"proc_{jenis}_", by_jenis.get(jenis) or {}))
        return out

    @staticmethod
    def _entry(
        prefix: str, label: str, old: Mapping[str, Any] | None, form: Form, fact: Fact, errors: dict[str, str]
    ) -> dict[str, Any] | None:
        """The entry from the form (None: no sentence, so none); errors name the field and the fix."""
        sentence = text(form, f"{prefix}text")
        days = whole(form, f"{prefix}working_days", f"{label}: batas hari kerja", errors, 1, 365)
        same_day = form.get(f"{prefix}same_day") == "1"
        if same_day and days is not None:
            errors[f"{prefix}working_days"] = (
                f"{label}: isi batas hari kerja ATAU centang 'selesai di hari yang sama', jangan keduanya."
            )
        if not sentence:
            if days is not None or same_day:
                errors[f"{prefix}text"] = (
                    f"{label}: tulis juga kalimat yang disampaikan ke warga, mis. '3 hari kerja sejak berkas lengkap'."
                )
            return None
        new = {
            "text": sentence,
            "working_days": days,
            "same_day": True if same_day else None,
            "counted_from": text(form, f"{prefix}counted_from") or None,
        }
        return _keep_or_source(old, new, fact)

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        old = section.get("processing")
        general = self._entry("proc_", "Lama proses umum", old, form, fact, errors)
        built: dict[str, Any] = {}
        if general is not None:
            built["processing"] = general
        elif old is not None:
            errors.setdefault("proc_text", "Lama proses: tulis kalimat yang disampaikan ke warga, mis. '3 hari kerja'.")
            built["processing"] = old
        old_by_jenis = section.get("processing_by_jenis") or {}
        by_jenis = {}
        for jenis in item.get("jenis") or []:
            entry = self._entry(f"proc_{jenis}_", f"Lama proses {jenis}", old_by_jenis.get(jenis), form, fact, errors)
            if entry is not None:
                by_jenis[jenis] = entry  # an emptied jenis falls back to the general entry
        if by_jenis:
            built["processing_by_jenis"] = by_jenis
        return Built(built, errors)


class OfferingSettings(Topic):
    name, label, kind, national = "offering", "Antrean dan loket di MPP ini", OFFERING, False
    keys = ("counters", "booking_mode", "slot_minutes", "quota_per_slot", "hours_note", "note", "sources", "checked")

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        return {
            "slot_minutes": str(section.get("slot_minutes", 15)),
            "quota_per_slot": str(section.get("quota_per_slot", 2)),
            "booking_mode": section.get("booking_mode") or "",
            "counters": ", ".join(str(c) for c in section.get("counters") or []),
            "hours_note": section.get("hours_note") or "",
            "note": section.get("note") or "",
        }

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        slot = whole(form, "slot_minutes", "Lama slot (menit)", errors, 5, 240)
        quota = whole(form, "quota_per_slot", "Kuota per slot", errors, 1, 200)
        mode = text(form, "booking_mode") or None
        if mode is not None and mode not in BOOKING_MODES:
            errors["booking_mode"] = "Cara pemesanan: pilih dari daftar."
        counters = [c.strip() for c in text(form, "counters").split(",") if c.strip()]
        new = {
            "counters": counters,
            "booking_mode": mode,
            "slot_minutes": slot if slot is not None else section.get("slot_minutes", 15),
            "quota_per_slot": quota if quota is not None else section.get("quota_per_slot", 2),
            "hours_note": text(form, "hours_note") or None,
            "note": text(form, "note") or None,
        }
        old = {k: section.get(k) for k in new}
        old.setdefault("slot_minutes", 15)
        if old["slot_minutes"] is None:
            old["slot_minutes"] = 15
        if old["quota_per_slot"] is None:
            old["quota_per_slot"] = 2
        old["counters"] = [str(c) for c in section.get("counters") or []]
        built = {k: v for k, v in section.items() if k in self.keys}
        if old != new:
            # One fact node vouches for the whole offering: keep its sources, add the change's.
            sources = list(dict.fromkeys([*(section.get("sources") or []), *fact["sources"]]))
            built = {**{k: v for k, v in new.items() if v not in (None, "", [])}, "sources": sources}
            built["checked"] = fact["checked"]
            if not counters:
                built["counters"] = []
        return Built(built, errors)


class Hours(Topic):
    name, label, kind, keys, national = "hours", "Jam buka dan hari tutup MPP", MPP, ("hours", "closures"), False

    def fields(self, section: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, str]:
        hours = section.get("hours") or {}
        weekly = hours.get("weekly") or {}
        out = {"hours_verified": "1" if hours.get("verified") else "", "hours_note": hours.get("note") or ""}
        for day in WEEKDAYS_ID:
            d = weekly.get(day) or {}
            for part in ("open", "close", "break_start", "break_end", "break_reason"):
                out[f"{day}_{part}"] = d.get(part) or ""
        out["closures"] = "\n".join(f"{c.get('date')} | {c.get('reason', '')}" for c in section.get("closures") or [])
        return out

    def build(self, section: Mapping[str, Any], form: Form, fact: Fact, item: Mapping[str, Any]) -> Built:
        errors: dict[str, str] = {}
        old_hours = section.get("hours") or {}
        weekly: dict[str, Any] = {}
        for day in WEEKDAYS_ID:
            parts = {p: text(form, f"{day}_{p}") for p in ("open", "close", "break_start", "break_end", "break_reason")}
            if not parts["open"] and not parts["close"]:
                weekly[day] = None
                continue
            if not parts["open"] or not parts["close"]:
                errors[f"{day}_open"] = f"Hari {day}: isi jam buka dan jam tutup, atau kosongkan keduanya (tutup)."
            weekly[day] = {k: v for k, v in parts.items() if v}
        new_hours = {
            "verified": form.get("hours_verified") == "1",
            "note": text(form, "hours_note") or None,
            "weekly": weekly,
        }
        old_weekly = {d: (old_hours.get("weekly") or {}).get(d) for d in WEEKDAYS_ID}
        same = (
            old_weekly == weekly
            and bool(old_hours.get("verified")) == new_hours["verified"]
            and (old_hours.get("note") or None) == new_hours["note"]
        )
        hours = dict(old_hours) if same else _sourced(new_hours, fact)
        if not same:
            hours["verified"] = new_hours["verified"]  # false is a fact here, not an empty value
        olds = list(section.get("closures") or [])
        closures = []
        for n, line in enumerate(lines(form, "closures"), start=1):
            day, sep, reason = line.partition("|")
            day, reason = day.strip(), reason.strip()
            if not sep or not reason or len(day) != 10:
                errors["closures"] = (
                    f"Hari tutup baris {n}: tulis 'YYYY-MM-DD | alasan', mis. '2026-12-24 | Cuti bersama'."
                )
                continue
            closures.append(
                _keep_or_source(
                    _match(olds, lambda o: (o.get("date"), o.get("reason")), (day, reason)),
                    {"date": day, "reason": reason},
                    fact,
                )
            )
        built: dict[str, Any] = {"hours": hours}
        if closures:
            built["closures"] = closures
        return Built(built, errors)
