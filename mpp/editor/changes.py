"""The catalogue editor's use cases: draft, submit, approve, reject, undo, and the history.

Every change is held to the loader's rules twice: when submitted (the form's entry with
``validate_service`` / ``validate_offering``, then the whole document with ``build_catalogue``) and
when approved (the whole document again, as it is then). An approved change becomes a new
catalogue version through ``save_catalogue``, the same path as a YAML load, so answers, booking and
the audit see one truth; the bookings it displaces are told through the outage flow, their notices
written to the outbox in the same transaction as the new version.

Who may do what (``mpp.staff.roles``): a clerk edits the services of their own agency (the national
facts of a service their agency offers at their MPP, and its offering there); an MPP administrator
edits everything at their MPP, including its hours and closures; a national administrator edits
anything. Nobody approves their own change. A change to national facts (fees, requirements,
processing time: every MPP shows them) is approved by a national administrator; a change to one
MPP's facts by that MPP's administrator or a national administrator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mpp.booking.service import BookingService
from mpp.catalogue.loader import CatalogueInvalid, LoadedCatalogue, build_catalogue
from mpp.catalogue.model import Catalogue
from mpp.catalogue.rules import OfferingContext, validate_offering, validate_service
from mpp.catalogue.store import current_version, load_from_db, save_catalogue
from mpp.db.editor_tables import CatalogueChangeRow, CatalogueRevisionRow
from mpp.db.staff_tables import StaffRow
from mpp.db.uow import UnitOfWork
from mpp.editor import document as doc
from mpp.editor.diff import Block, citizen_diff
from mpp.editor.displacement import displaced
from mpp.editor.document import OFFERING, SERVICE, Document, Target
from mpp.editor.forms import Topic
from mpp.editor.topics import TOPICS
from mpp.staff import audit
from mpp.staff.roles import Permission, Refused, Role, StaffMember, authorize
from mpp.storage import Conflict
from mpp.uow import SqlUnitOfWork

WIB = ZoneInfo("Asia/Jakarta")
DRAFT, SUBMITTED, APPROVED, REJECTED, REVERTED = "draft", "submitted", "approved", "rejected", "reverted"
OPEN = (DRAFT, SUBMITTED, REJECTED)
SOURCE_FIELD = "source"  # the key of problems about the change's source
_URL = re.compile(r"^https?://\S+$")


class EditorError(Exception):
    """A request the editor refuses; ``str()`` is the message for the staff member (Indonesian)."""


class NoDocument(EditorError):
    pass


@dataclass(frozen=True)
class Change:
    id: int
    kind: str
    target: Target
    topic: str
    mpp_code: str | None
    agency_code: str | None
    national: bool
    status: str
    author_id: int
    form: Mapping[str, str]
    problems: Mapping[str, str]
    reason: str | None
    created_at: datetime
    updated_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str | None
    version_id: int | None
    reverted_in: int | None
    entry: Mapping[str, Any] | None
    base_entry: Mapping[str, Any] | None

    @classmethod
    def of(cls, row: CatalogueChangeRow) -> Change:
        return cls(
            id=row.id,
            kind=row.kind,
            target=Target.parse(row.kind, row.target),
            topic=row.topic,
            mpp_code=row.mpp_code,
            agency_code=row.agency_code,
            national=bool(row.national),
            status=row.status,
            author_id=row.author_id,
            form=dict(row.form or {}),
            problems=dict(row.problems or {}),
            reason=row.reason,
            created_at=row.created_at,
            updated_at=row.updated_at,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_note=row.decision_note,
            version_id=row.version_id,
            reverted_in=row.reverted_in,
            entry=row.entry,
            base_entry=row.base_entry,
        )


@dataclass(frozen=True)
class Preview:
    """A change as the approver sees it: the answers before and after, and who must be told."""

    blocks: list[Block]
    problems: Mapping[str, str]
    displaced: int  # bookings that would be told and offered another time


@dataclass(frozen=True)
class Outcome:
    version: int
    notified: int  # bookings told and offered another time


@dataclass(frozen=True)
class Revision:
    version: int
    origin: str
    change_id: int | None
    staff_id: int | None
    note: str | None
    created_at: datetime


@dataclass
class _Proposal:
    document: Document
    section: dict[str, Any]
    source: dict[str, Any] | None  # a new source added to the entry's list
    problems: dict[str, str] = field(default_factory=dict)


def today_wib(now: datetime) -> date:
    return now.astimezone(WIB).date()


def source_fields(
    form: Mapping[str, str], existing: list[dict[str, Any]], day: date
) -> tuple[dict | None, str | None, dict[str, str]]:
    """The change's source: an existing id, or a new one from title/url/date. (new source, id, problems)."""
    chosen = " ".join(str(form.get("source_id", "")).split())
    known = {s.get("id") for s in existing if isinstance(s, dict)}
    if chosen:
        if chosen not in known:
            return None, None, {SOURCE_FIELD: "Sumber: pilih dari daftar, atau isi judul sumber baru."}
        return None, chosen, {}
    title = " ".join(str(form.get("source_title", "")).split())
    url = str(form.get("source_url", "")).strip()
    when = str(form.get("source_date", "")).strip()
    if not title:
        return (
            None,
            None,
            {
                SOURCE_FIELD: "Setiap perubahan perlu sumber: pilih sumber yang ada, atau isi judul sumber baru "
                "(mis. 'Standar pelayanan Disdukcapil 2026') dan tautannya."
            },
        )
    if url and not _URL.match(url):
        return None, None, {"source_url": "Tautan sumber harus diawali http:// atau https://."}
    if len(title) > 300:
        return None, None, {"source_title": "Judul sumber paling panjang 300 karakter."}
    source_id = doc.new_source_id(existing, title, day.isoformat())
    source: dict[str, Any] = {"id": source_id, "title": title}
    if url:
        source["url"] = url
    if when:
        source["date"] = when[:40]
    return source, source_id, {}


class CatalogueEditor:
    def __init__(
        self,
        sessions: Callable[[], Session],
        bookings: BookingService,
        now: Callable[[], datetime],
        changed: Callable[[], None] = lambda: None,
    ):
        """``bookings`` tells the bookings a change displaces; ``changed`` is called after a new version
        is stored (so that this process's catalogue cache re-reads it at once)."""
        self._sessions, self._bookings, self._now, self._changed = sessions, bookings, now, changed

    def notify_changed(self) -> None:
        """This process stored a new catalogue version: its caches re-read it now."""
        self._changed()

    # ---- reading -------------------------------------------------------------------
    def _uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self._sessions, write=write)

    @staticmethod
    def live_in(session: Session) -> tuple[int, Document]:
        version = current_version(session)
        row = session.get(CatalogueRevisionRow, version) if version else None
        if row is None:
            raise NoDocument(
                "Katalog tersimpan belum punya salinan yang bisa diubah. Operator: jalankan `mpp catalogue load` sekali."
            )
        return version, dict(row.document)

    def live(self) -> tuple[int, Document]:
        with self._uow() as uow:
            return self.live_in(uow.session)

    def catalogue(self) -> Catalogue:
        with self._uow() as uow:
            return load_from_db(uow.session)

    def get(self, change_id: int) -> Change:
        with self._uow() as uow:
            row = uow.session.get(CatalogueChangeRow, change_id)
            if row is None:
                raise EditorError("Perubahan itu tidak ada.")
            return Change.of(row)

    def changes(self, staff: StaffMember, statuses: tuple[str, ...], limit: int = 50) -> list[Change]:
        """Changes in the staff member's scope (a clerk: their own agency's), newest first."""
        with self._uow() as uow:
            query = select(CatalogueChangeRow).where(CatalogueChangeRow.status.in_(statuses))
            if staff.role is not Role.NATIONAL_ADMIN:
                query = query.where(CatalogueChangeRow.mpp_code == staff.mpp_code)
            if staff.role is Role.CLERK:
                query = query.where(CatalogueChangeRow.agency_code == staff.agency_code)
            rows = uow.session.execute(query.order_by(CatalogueChangeRow.id.desc()).limit(limit)).scalars()
            return [Change.of(r) for r in rows]

    def revisions(self, limit: int = 30) -> list[Revision]:
        with self._uow() as uow:
            rows = uow.session.execute(
                select(
                    CatalogueRevisionRow.version_id,
                    CatalogueRevisionRow.origin,
                    CatalogueRevisionRow.change_id,
                    CatalogueRevisionRow.staff_id,
                    CatalogueRevisionRow.note,
                    CatalogueRevisionRow.created_at,
                )
                .order_by(CatalogueRevisionRow.version_id.desc())
                .limit(limit)
            ).all()
            return [Revision(*r) for r in rows]

    # ---- who may ---------------------------------------------------------------------
    @staticmethod
    def scope(staff: StaffMember, topic: Topic, target: Target, cat: Catalogue) -> tuple[str | None, str | None]:
        """(MPP, agency) the change is made for; raises ``Refused`` if the staff member may not edit it."""
        if topic.kind != target.kind:
            raise Refused("Formulir ini bukan untuk bagian katalog itu.")
        if target.kind == SERVICE:
            if staff.role is Role.NATIONAL_ADMIN:
                return None, None
            offering = cat.offering(staff.mpp_code, target.service)
            if offering is None:
                raise Refused("Layanan ini tidak ada di MPP Anda, jadi tidak bisa Anda ubah.")
            authorize(staff, Permission.EDIT_CATALOGUE, mpp=staff.mpp_code, agency=offering.agency_code)
            return staff.mpp_code, offering.agency_code
        if target.kind == OFFERING:
            offering = cat.offering(target.mpp, target.service)
            if offering is None:
                raise Refused("Layanan ini tidak ada di MPP itu.")
            authorize(staff, Permission.EDIT_CATALOGUE, mpp=target.mpp, agency=offering.agency_code)
            return target.mpp, offering.agency_code
        if staff.role is Role.CLERK:
            raise Refused("Data MPP (jam buka, hari tutup, alamat, loket, instansi) diubah oleh admin MPP.")
        if cat.mpp(target.mpp) is None:
            raise Refused("MPP itu tidak ada di katalog.")
        authorize(staff, Permission.EDIT_CATALOGUE, mpp=target.mpp)
        return target.mpp, None

    @staticmethod
    def may_decide(staff: StaffMember, change: Change, own_ok: bool = False) -> None:
        """Approve, reject or undo: the change's scope, national facts by a national administrator, four eyes."""
        authorize(staff, Permission.APPROVE_CATALOGUE, mpp=None if change.national else change.mpp_code)
        if change.national and staff.role is not Role.NATIONAL_ADMIN:
            raise Refused("Perubahan fakta nasional (berlaku di semua MPP) disetujui oleh admin nasional.")
        if not own_ok and staff.id == change.author_id:
            raise Refused("Perubahan tidak dapat disetujui oleh pembuatnya sendiri.")

    # ---- forms -------------------------------------------------------------------------
    def fields(self, topic_name: str, target: Target) -> dict[str, str]:
        """The form's fields filled from the live catalogue."""
        topic = TOPICS[topic_name]
        _, live = self.live()
        return topic.fields(doc.section(live, target, topic.keys), doc.entry(live, target))

    def sources(self, target: Target) -> list[dict[str, Any]]:
        _, live = self.live()
        return doc.sources_of(live, target)

    def _propose(self, live: Document, topic: Topic, target: Target, form: Mapping[str, str], day: date) -> _Proposal:
        existing = doc.sources_of(live, target)
        source, source_id, problems = source_fields(form, existing, day)
        fact = {"sources": [source_id or "?"], "checked": day.isoformat()}
        built = topic.build(doc.section(live, target, topic.keys), form, fact, doc.entry(live, target))
        problems.update(built.errors)
        new = doc.with_section(live, target, topic.keys, built.section)
        if source is not None:
            new = doc.with_source(new, target, source)
        proposal = _Proposal(new, built.section, source, problems)
        if problems:
            return proposal
        if target.kind == SERVICE:
            proposal.problems.update(validate_service(doc.entry(new, target)))
        elif target.kind == OFFERING:
            cat = build_catalogue(live).catalogue
            ctx = OfferingContext.for_mpp(cat, target.mpp or "", editing=target.service)
            ctx = OfferingContext(
                ctx.agencies,
                ctx.counters,
                ctx.prefixes,
                frozenset(s["id"] for s in doc.sources_of(new, target)),
                ctx.services,
            )
            proposal.problems.update(validate_offering(doc.entry(new, target), ctx))
        if not proposal.problems:
            proposal.problems.update(self.problems_of(new))
        return proposal

    @staticmethod
    def problems_of(document: Document) -> dict[str, str]:
        """Every problem the loader finds in the whole document, as {"file: field": problem}."""
        try:
            build_catalogue(document)
        except CatalogueInvalid as exc:
            return {f"{p.file}: {p.field}": p.message for p in exc.problems}
        return {}

    def save(
        self,
        staff: StaffMember,
        topic_name: str,
        target: Target,
        form: Mapping[str, str],
        *,
        submit: bool,
        reason: str | None = None,
        change_id: int | None = None,
    ) -> Change:
        """Store the form as a draft; with ``submit`` and no problems, hand it to the approvers.

        A refused submit is still stored (status draft, with its problems): nothing typed is lost.
        """
        if topic_name not in TOPICS:
            raise EditorError("Formulir tidak dikenal.")
        topic = TOPICS[topic_name]
        now = self._now()
        form = {k: str(v)[:4000] for k, v in form.items() if k != "csrf"}
        with self._uow(write=True) as uow:
            _, live = self.live_in(uow.session)
            cat = build_catalogue(live).catalogue
            mpp_code, agency_code = self.scope(staff, topic, target, cat)
            row = self._own_open(uow.session, staff, change_id) if change_id else None
            try:
                proposal = self._propose(live, topic, target, form, today_wib(now))
            except doc.NotFound as exc:
                raise EditorError(f"Bagian katalog itu tidak ada lagi ({exc}).") from None
            status = SUBMITTED if submit and not proposal.problems else DRAFT
            if row is None:
                row = CatalogueChangeRow(
                    kind=target.kind,
                    target=target.key,
                    topic=topic.name,
                    national=topic.national,
                    author_id=staff.id or 0,
                    created_at=now,
                )
                uow.session.add(row)
            row.mpp_code, row.agency_code = mpp_code, agency_code
            row.status, row.form, row.problems = status, form, proposal.problems
            row.reason = (reason or "").strip()[:1000] or None
            row.base_entry = doc.section(live, target, topic.keys)
            row.entry = {"section": proposal.section, "source": proposal.source}
            row.updated_at = now
            uow.session.flush()
            audit.record(
                uow.session,
                "catalogue_submit" if status == SUBMITTED else "catalogue_draft",
                now,
                staff_id=staff.id,
                mpp_code=mpp_code,
                detail=f"change {row.id}: {topic.name} {target.key}",
            )
            uow.commit()
            return Change.of(row)

    @staticmethod
    def _own_open(session: Session, staff: StaffMember, change_id: int) -> CatalogueChangeRow:
        row = session.get(CatalogueChangeRow, change_id)
        if row is None or row.author_id != staff.id:
            raise EditorError("Draf itu tidak ada atau bukan milik Anda.")
        if row.status not in OPEN:
            raise EditorError("Perubahan itu sudah diputuskan; buat draf baru bila perlu.")
        return row

    def preview(self, change: Change) -> Preview:
        """The answers before and after: for an open change against the live catalogue, else as it happened."""
        with self._uow() as uow:
            if change.version_id is not None:
                after = uow.session.get(CatalogueRevisionRow, change.version_id)
                before = (
                    uow.session.get(CatalogueRevisionRow, after.parent_version)
                    if after and after.parent_version
                    else None
                )
                if after is None or before is None:
                    return Preview([], {}, 0)
                old_doc, new_doc = dict(before.document), dict(after.document)
            else:
                _, old_doc = self.live_in(uow.session)
                entry = change.entry or {}
                keys = TOPICS[change.topic].keys if change.topic in TOPICS else ()
                try:
                    new_doc = doc.with_section(old_doc, change.target, keys, entry.get("section") or {})
                    if entry.get("source"):
                        new_doc = doc.with_source(new_doc, change.target, entry["source"])
                except doc.NotFound as exc:
                    return Preview([], {"-": str(exc)}, 0)
        try:
            old = build_catalogue(old_doc).catalogue
            new = build_catalogue(new_doc).catalogue
        except CatalogueInvalid as exc:
            return Preview([], {f"{p.file}: {p.field}": p.message for p in exc.problems}, 0)
        today = today_wib(self._now())
        blocks = citizen_diff(old, new, change.target, change.topic, change.mpp_code, today)
        moved = self._displaced(old, new) if change.version_id is None else []
        return Preview(blocks, {}, len(moved))

    def _displaced(self, old: Catalogue, new: Catalogue) -> list[tuple[int, str]]:
        today = today_wib(self._now())
        active = self._bookings.active_between(today, today + timedelta(days=self._bookings.policy.window_days + 1))
        return displaced(old, new, active)

    # ---- deciding ------------------------------------------------------------------------
    def approve(self, staff: StaffMember, change_id: int, note: str | None = None) -> Outcome:
        change = self.get(change_id)
        self.may_decide(staff, change)
        if change.status != SUBMITTED:
            raise EditorError("Hanya perubahan yang sudah diajukan yang bisa disetujui.")
        keys = TOPICS[change.topic].keys if change.topic in TOPICS else ()

        def apply(live: Document) -> Document:
            if doc.section(live, change.target, keys) != (change.base_entry or {}):
                raise _Stale()
            entry = change.entry or {}
            new = doc.with_section(live, change.target, keys, entry.get("section") or {})
            if entry.get("source"):
                new = doc.with_source(new, change.target, entry["source"])
            return new

        return self._store(staff, change, apply, origin="change", note=note, status=APPROVED)

    def revert(self, staff: StaffMember, change_id: int, note: str | None = None) -> Outcome:
        """Undo an approved change: its section goes back to what it was before (a new version)."""
        change = self.get(change_id)
        self.may_decide(staff, change, own_ok=True)
        if change.status != APPROVED:
            raise EditorError("Hanya perubahan yang sudah berlaku yang bisa dikembalikan.")
        keys = TOPICS[change.topic].keys if change.topic in TOPICS else ()

        def apply(live: Document) -> Document:
            now_section = doc.section(live, change.target, keys)
            if now_section != ((change.entry or {}).get("section") or {}):
                raise _Stale()
            return doc.with_section(live, change.target, keys, change.base_entry or {})

        return self._store(staff, change, apply, origin="revert", note=note, status=REVERTED)

    def reject(self, staff: StaffMember, change_id: int, note: str | None = None) -> Change:
        change = self.get(change_id)
        self.may_decide(staff, change)
        if change.status != SUBMITTED:
            raise EditorError("Hanya perubahan yang sudah diajukan yang bisa ditolak.")
        now = self._now()
        with self._uow(write=True) as uow:
            row = uow.session.get(CatalogueChangeRow, change_id)
            assert row is not None
            row.status, row.decided_by, row.decided_at = REJECTED, staff.id, now
            row.decision_note = (note or "").strip()[:1000] or None
            audit.record(
                uow.session,
                "catalogue_reject",
                now,
                staff_id=staff.id,
                mpp_code=row.mpp_code,
                detail=f"change {row.id}",
            )
            uow.commit()
            return Change.of(row)

    def _store(
        self,
        staff: StaffMember,
        change: Change,
        apply: Callable[[Document], Document],
        *,
        origin: str,
        note: str | None,
        status: str,
    ) -> Outcome:
        now = self._now()
        try:
            with cast(SqlUnitOfWork, self._bookings.unit_of_work(write=True)) as uow:
                _, live = self.live_in(uow.session)
                try:
                    new_doc = apply(live)
                except _Stale:
                    raise EditorError(
                        "Fakta ini sudah berubah sejak perubahan itu dibuat (perubahan lain sudah berlaku). "
                        + (
                            "Minta pembuatnya memperbarui draf."
                            if status == APPROVED
                            else "Kembalikan dulu perubahan yang lebih baru."
                        )
                    ) from None
                try:
                    loaded = build_catalogue(new_doc)
                except CatalogueInvalid as exc:
                    raise EditorError(
                        "Katalog dengan perubahan ini tidak lolos pemeriksaan: "
                        + "; ".join(str(p) for p in exc.problems[:5])
                    ) from None
                old = load_from_db(uow.session)
                version = self._save(uow.session, loaded, staff, change, origin, note)
                # The bookings it displaces are told in the same transaction: their notices wait in the
                # outbox for the notifier, so a crash right after the commit loses none of them.
                notified = self._displace(uow, old, loaded.catalogue, f"catalogue:v{version}", today_wib(now))
                row = uow.session.get(CatalogueChangeRow, change.id)
                assert row is not None
                if status == APPROVED:
                    row.status, row.decided_by, row.decided_at, row.version_id = APPROVED, staff.id, now, version
                    row.decision_note = (note or "").strip()[:1000] or None
                else:
                    row.status, row.reverted_in = REVERTED, version
                audit.record(
                    uow.session,
                    f"catalogue_{origin}" if origin != "change" else "catalogue_approve",
                    now,
                    staff_id=staff.id,
                    mpp_code=change.mpp_code,
                    detail=f"change {change.id}: {change.topic} {change.target.key} -> version {version}",
                )
                uow.commit()
        except (IntegrityError, Conflict):
            raise EditorError("Katalog baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.") from None
        self.notify_changed()
        return Outcome(version, notified)

    @staticmethod
    def _save(
        session: Session, loaded: LoadedCatalogue, staff: StaffMember, change: Change, origin: str, note: str | None
    ) -> int:
        label = {"change": "perubahan", "revert": "pengembalian", "onboarding": "MPP baru"}.get(origin, origin)
        text = f"{label} #{change.id}: {change.topic} {change.target.key}" + (f" — {note.strip()}" if note else "")
        return save_catalogue(session, loaded, origin=origin, staff_id=staff.id, change_id=change.id, note=text[:1000])

    def _displace(self, uow: SqlUnitOfWork, old: Catalogue, new: Catalogue, tag: str, today: date) -> int:
        """Tell the bookings ``new`` displaces, inside ``uow`` (once each: the tag names the version)."""
        last = today + timedelta(days=self._bookings.policy.window_days + 1)
        active = [b for b in uow.bookings.active_until(last) if b.day >= today]
        moved = displaced(old, new, active)
        told = self._bookings.disrupt_within(uow, moved, tag, catalogue=new) if moved else 0
        # the reverse: bookings the live catalogue left without a place that the new one gives it back
        # (an undone closure or quota cut) hear that their booking stands after all
        restored = [booking_id for booking_id, _ in displaced(new, old, active)]
        self._bookings.reassure_within(uow, restored, tag, catalogue=new)
        return told


class _Stale(Exception):
    pass


def staff_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Display names of staff accounts, for the history (who changed what)."""
    if not ids:
        return {}
    rows = session.execute(select(StaffRow.id, StaffRow.display_name).where(StaffRow.id.in_(ids))).all()
    return {int(i): str(name) for i, name in rows}
