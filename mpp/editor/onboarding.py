"""Onboarding a new MPP from the console: its record, hours, agencies, counters, services, administrator.

A national administrator fills one form; it becomes a new MPP file in the catalogue document
(``mpp/<code>.yaml``, the same shape as a YAML file) held to the loader's rules, and goes live as a
new catalogue version at once (a national administrator is the last approver there is). The
assistant answers about it and books it within the catalogue refresh period, and recognises its
name (``nlu.mpp_names``): no developer, restart or retrain. The administrator's password is never
stored with the draft; a refused submit keeps everything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mpp.catalogue.loader import CatalogueInvalid, build_catalogue
from mpp.catalogue.model import SERVICE_CODES
from mpp.catalogue.schema import ALLOWED_TIMEZONES
from mpp.catalogue.store import save_catalogue
from mpp.db.editor_tables import CatalogueChangeRow
from mpp.db.uow import UnitOfWork
from mpp.editor import document as doc
from mpp.editor.changes import APPROVED, DRAFT, CatalogueEditor, Change, EditorError, Outcome, source_fields, today_wib
from mpp.editor.document import MPP_FILE, Document
from mpp.editor.forms import Hours, lines, text, whole
from mpp.staff import accounts, audit
from mpp.staff.accounts import AccountError
from mpp.staff.roles import Permission, Role, StaffMember, authorize, authorize_grant

TOPIC = "onboarding"
SECRET_FIELDS = ("admin_password",)
PRESENCE = ("verified", "unverified")


@dataclass(frozen=True)
class Choices:
    """What the form offers: the agencies known nationally (code -> name) and the services."""

    agencies: dict[str, str]
    services: dict[str, str]
    default_agency: dict[str, str]  # service -> the agency that offers it in most MPPs


def choices(document: Mapping[str, Any]) -> Choices:
    agencies: dict[str, str] = {}
    votes: dict[str, dict[str, int]] = {}
    for name, content in sorted(document.items()):
        if not name.startswith("mpp/") or not isinstance(content, dict):
            continue
        city = str((content.get("mpp") or {}).get("city") or "")
        for agency in content.get("agencies") or []:
            # "Disdukcapil Kota Bekasi" -> "Disdukcapil": the new MPP's administrator names the local office.
            generic = " ".join(str(agency["name"]).replace(city, "").split()) if city else agency["name"]
            agencies.setdefault(agency["code"], generic or agency["name"])
        for offering in content.get("services") or []:
            votes.setdefault(offering["code"], {}).setdefault(offering["agency"], 0)
            votes[offering["code"]][offering["agency"]] += 1
    services = {s["code"]: s["name"] for s in (document.get("layanan.yaml") or {}).get("services") or []}
    default = {code: max(v, key=lambda a: v[a]) for code, v in votes.items()}
    return Choices(dict(sorted(agencies.items())), {c: services[c] for c in SERVICE_CODES if c in services}, default)


def _split(line: str, parts: int) -> list[str] | None:
    cells = [c.strip() for c in line.split("|")]
    return cells if len(cells) == parts and all(cells) else None


def build_file(
    form: Mapping[str, str], known: Choices, fact: dict[str, Any], source: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The new MPP file from the form, and what the form itself cannot read (Indonesian, per field)."""
    errors: dict[str, str] = {}
    code = text(form, "code").lower()
    checked = fact["checked"]
    hours = Hours().build({}, form, fact, {})
    errors.update(hours.errors)
    mpp: dict[str, Any] = {
        "code": code,
        "name": text(form, "name"),
        "city": text(form, "city"),
        "province": text(form, "province"),
        "address": {"text": text(form, "address"), **fact},
        "timezone": text(form, "timezone"),
        **hours.section,
        "complaint_channels": [
            {"name": text(form, "complaint_name"), "detail": text(form, "complaint_detail"), **fact}
        ],
        "sources": [source],
        "last_verified": checked,
    }
    aliases = [a.strip() for a in text(form, "aliases").split(",") if a.strip()]
    if aliases:
        mpp["aliases"] = aliases
    if text(form, "brand"):
        mpp["brand"] = text(form, "brand")
    lat, lon = text(form, "lat").replace(",", "."), text(form, "lon").replace(",", ".")
    if lat or lon:
        try:
            mpp["coordinates"] = {"lat": float(lat), "lon": float(lon), **fact}
        except ValueError:
            errors["lat"] = "Koordinat: tulis lintang dan bujur sebagai angka desimal, mis. -6.5950 dan 106.7970."
    agencies = []
    for agency, name in known.agencies.items():
        if form.get(f"agency_{agency}") == "1":
            presence = form.get(f"presence_{agency}", "verified")
            agencies.append(
                {"code": agency, "name": name, "presence": presence if presence in PRESENCE else "verified", **fact}
            )
    for n, line in enumerate(lines(form, "new_agencies"), start=1):
        cells = _split(line, 2)
        if cells is None:
            errors["new_agencies"] = f"Instansi baru baris {n}: tulis 'kode | nama', mis. 'dishub | Dinas Perhubungan'."
            continue
        agencies.append({"code": cells[0].lower(), "name": cells[1], "presence": "verified", **fact})
    counters = []
    for n, line in enumerate(lines(form, "counters"), start=1):
        cells = _split(line, 4)
        if cells is None:
            errors["counters"] = (
                f"Loket baris {n}: tulis 'kode | nama | lantai | instansi', mis. '1 | Loket Dukcapil | Lantai 1 | disdukcapil'."
            )
            continue
        counters.append({"code": cells[0], "name": cells[1], "floor": cells[2], "agency": cells[3].lower(), **fact})
    services = []
    for service in known.services:
        if form.get(f"svc_{service}") != "1":
            continue
        row: dict[str, Any] = {
            "code": service,
            "agency": text(form, f"svc_{service}_agency"),
            "counters": [c.strip() for c in text(form, f"svc_{service}_counters").split(",") if c.strip()],
            "queue_prefix": text(form, f"svc_{service}_prefix").upper(),
            **fact,
        }
        slot = whole(form, f"svc_{service}_slot", f"{service}: lama slot", errors, 5, 240)
        quota = whole(form, f"svc_{service}_quota", f"{service}: kuota per slot", errors, 1, 200)
        if slot is not None:
            row["slot_minutes"] = slot
        if quota is not None:
            row["quota_per_slot"] = quota
        services.append(row)
    if not services:
        errors["services"] = "Pilih minimal satu layanan yang dibuka di MPP ini."
    return {"mpp": mpp, "agencies": agencies, "counters": counters, "services": services}, errors


def blank_form(known: Choices) -> dict[str, str]:
    """A new form: time zone WIB, each service's usual agency pre-selected; no fact is pre-filled."""
    form = {"timezone": ALLOWED_TIMEZONES[0]}
    form.update({f"agency_{code}_name": name for code, name in known.agencies.items()})
    for service in known.services:
        form[f"svc_{service}_agency"] = known.default_agency.get(service, "")
        form[f"svc_{service}_slot"] = "15"
        form[f"svc_{service}_quota"] = "2"
    return form


class Onboarding:
    def __init__(self, editor: CatalogueEditor, sessions: Callable[[], Session], now: Callable[[], datetime]):
        self._editor, self._sessions, self._now = editor, sessions, now

    def choices(self) -> Choices:
        _, live = self._editor.live()
        return choices(live)

    def get(self, change_id: int) -> Change:
        return self._editor.get(change_id)

    def save(
        self, staff: StaffMember, form: Mapping[str, str], *, publish: bool, change_id: int | None = None
    ) -> tuple[Change, Outcome | None]:
        """Store the form (never the password); with ``publish`` and no problems, the MPP goes live."""
        authorize(staff, Permission.ONBOARD_MPP)
        now = self._now()
        day = today_wib(now)
        stored_form = {k: str(v)[:4000] for k, v in form.items() if k not in (*SECRET_FIELDS, "csrf", "action")}
        with UnitOfWork(self._sessions, write=True) as uow:
            version, live = self._editor.live_in(uow.session)
            known = choices(live)
            source, source_id, problems = source_fields(form, [], day)
            if source is None and not problems:
                problems["source"] = "Sebutkan sumber data MPP ini (judul dan tautan), mis. SK pembentukan MPP."
            fact = {"sources": [source_id or "?"], "checked": day.isoformat()}
            file, errors = build_file(form, known, fact, source or {"id": "?", "title": "?"})
            problems.update(errors)
            code = file["mpp"]["code"]
            target_ok = bool(code) and code.replace("_", "").isalnum()
            if not target_ok:
                problems["code"] = "Kode MPP: huruf kecil, angka dan garis bawah, mis. kota_depok."
            elif doc.mpp_file(code) in live:
                problems["code"] = f"Kode MPP '{code}' sudah dipakai."
            new_doc: Document = {**live, doc.mpp_file(code): file} if target_ok else dict(live)
            if not problems:
                problems.update(self._editor.problems_of(new_doc))
            admin = self._admin(uow.session, staff, form, code, problems, publish)
            row = self._row(uow.session, staff, change_id, code if target_ok else "baru", now)
            row.form, row.problems, row.entry = stored_form, problems, {"section": {"file": file}, "source": None}
            row.base_entry, row.updated_at = {}, now
            outcome = None
            if publish and not problems:
                try:
                    loaded = build_catalogue(new_doc)
                except CatalogueInvalid as exc:
                    raise EditorError("; ".join(str(p) for p in exc.problems[:5])) from None
                row.status, row.decided_by, row.decided_at = APPROVED, staff.id, now
                uow.session.flush()
                new_version = save_catalogue(
                    uow.session,
                    loaded,
                    origin="onboarding",
                    staff_id=staff.id,
                    change_id=row.id,
                    note=f"MPP baru #{row.id}: {code}",
                )
                row.version_id = new_version
                if admin is not None:
                    username, password, name = admin
                    accounts.add_staff(uow.session, username, password, name, code, None, role=Role.MPP_ADMIN)
                audit.record(
                    uow.session,
                    "catalogue_onboarding",
                    now,
                    staff_id=staff.id,
                    mpp_code=code,
                    detail=f"change {row.id}: {code} -> version {new_version} (after {version})",
                )
                outcome = Outcome(new_version, 0)
            else:
                row.status = DRAFT
                uow.session.flush()
                audit.record(
                    uow.session,
                    "catalogue_draft",
                    now,
                    staff_id=staff.id,
                    mpp_code=None,
                    detail=f"change {row.id}: onboarding {code}",
                )
            try:
                uow.commit()
            except IntegrityError:
                raise EditorError("Katalog baru saja diubah orang lain. Coba lagi.") from None
            change = Change.of(row)
        if outcome is not None:
            self._editor.notify_changed()
        return change, outcome

    @staticmethod
    def _row(
        session: Session, staff: StaffMember, change_id: int | None, code: str, now: datetime
    ) -> CatalogueChangeRow:
        if change_id is not None:
            row = session.get(CatalogueChangeRow, change_id)
            if row is None or row.author_id != staff.id or row.topic != TOPIC or row.status != DRAFT:
                raise EditorError("Draf itu tidak ada atau bukan milik Anda.")
            row.target = code
            return row
        row = CatalogueChangeRow(
            kind=MPP_FILE,
            target=code,
            topic=TOPIC,
            national=True,
            author_id=staff.id or 0,
            created_at=now,
            updated_at=now,
            status=DRAFT,
            form={},
            problems={},
        )
        session.add(row)
        return row

    @staticmethod
    def _admin(
        session: Session,
        staff: StaffMember,
        form: Mapping[str, str],
        code: str,
        problems: dict[str, str],
        publish: bool,
    ) -> tuple[str, str, str] | None:
        username, password = text(form, "admin_username"), str(form.get("admin_password", ""))
        if not username:
            problems["admin_username"] = "Tentukan akun admin MPP ini (nama pengguna dan kata sandi)."
            return None
        if publish and not password:
            problems["admin_password"] = "Isi kata sandi admin (kata sandi tidak disimpan di draf; ketik lagi)."  # noqa: S105
            return None
        try:
            authorize_grant(staff, Role.MPP_ADMIN, mpp=code)
            probe = accounts.USERNAME.fullmatch(username)
            if not probe:
                raise AccountError("nama pengguna: 3-64 huruf kecil, angka, titik, _ atau -")
            if password and not accounts.MIN_PASSWORD <= len(password) <= accounts.MAX_PASSWORD:
                raise AccountError(f"kata sandi {accounts.MIN_PASSWORD}-{accounts.MAX_PASSWORD} karakter")
            if accounts.find(session, username) is not None:
                raise AccountError(f"nama pengguna '{username}' sudah dipakai")
        except AccountError as exc:
            problems["admin_username" if "pengguna" in str(exc) else "admin_password"] = f"Akun admin: {exc}."
            return None
        return username, password, text(form, "admin_name") or f"Admin {code}"
