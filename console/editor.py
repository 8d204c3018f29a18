"""Catalogue editor routes: the start page, the forms, a change (diff, approve, reject, undo), versions.

A thin adapter over ``mpp.editor.changes.CatalogueEditor``: it reads the request, asks the editor
(which authorises every step with ``mpp.staff.roles``), and renders ``console.editor_pages``.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from console import editor_pages, pages
from console.web import ConsoleBase
from mpp.catalogue.model import Catalogue
from mpp.editor.changes import (
    APPROVED,
    OPEN,
    REJECTED,
    REVERTED,
    SUBMITTED,
    CatalogueEditor,
    Change,
    EditorError,
    staff_names,
)
from mpp.editor.document import MPP, OFFERING, SERVICE, SITE, NotFound, Target
from mpp.editor.topics import MPP_TOPICS, SERVICE_TOPICS, TOPICS
from mpp.staff.accounts import StaffSession
from mpp.staff.roles import Permission, Refused, Role, StaffMember, can

logger = logging.getLogger("console.editor")


def add_routes(app: web.Application, console: ConsoleBase, editor: CatalogueEditor) -> None:
    routes = EditorRoutes(console, editor)
    app.router.add_get("/katalog", routes.home)
    app.router.add_get("/katalog/ubah", routes.edit_form)
    app.router.add_post("/katalog/ubah", routes.edit)
    app.router.add_get("/katalog/versi", routes.versions)
    app.router.add_get("/katalog/perubahan/{change:\\d+}", routes.change)
    app.router.add_post("/katalog/perubahan/{change:\\d+}/{action}", routes.decide)


def forbidden(message: str) -> web.HTTPForbidden:
    return web.HTTPForbidden(text=pages.refused_page(message), content_type="text/html")


class EditorRoutes:
    def __init__(self, console: ConsoleBase, editor: CatalogueEditor):
        self.c, self.editor = console, editor

    def _staff(self, request: web.Request) -> StaffSession:
        staff: StaffSession = request["staff"]
        if not (can(staff.member, Permission.EDIT_CATALOGUE) or can(staff.member, Permission.APPROVE_CATALOGUE)):
            self.c.allow(staff.member, Permission.EDIT_CATALOGUE)
        return staff

    async def _names(self, ids: set[int]) -> dict[int, str]:
        return await asyncio.to_thread(self.c.db, staff_names, ids, write=False)

    # ---- start page ----------------------------------------------------------------------
    def _rows(self, member: StaffMember, cat: Catalogue, mpp_code: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
        rows = []
        mpp = cat.mpps[mpp_code]
        for service in cat.services_at(mpp_code):
            offering = cat.offering(mpp_code, service.code)
            assert offering is not None
            links = []
            for topic in (*SERVICE_TOPICS, "offering"):
                target = (
                    Target(SERVICE, service=service.code)
                    if topic in SERVICE_TOPICS
                    else Target(OFFERING, mpp_code, service.code)
                )
                try:
                    if (
                        topic in SERVICE_TOPICS
                        and member.role is not Role.NATIONAL_ADMIN
                        and member.mpp_code != mpp_code
                    ):
                        continue
                    self.editor.scope(member, TOPICS[topic], target, cat)
                except Refused:
                    continue
                links.append((TOPICS[topic].label, editor_pages.edit_url(topic, target)))
            if links:
                agency = mpp.agencies.get(offering.agency_code)
                rows.append((service.name, agency.name if agency else offering.agency_code, links))
        return rows

    async def home(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        member, cat = staff.member, self.c.catalogue()
        mpps = sorted(cat.mpps) if member.role is Role.NATIONAL_ADMIN else [member.mpp_code or ""]
        wanted = request.query.get("mpp", "")
        mpp_code = wanted if wanted in mpps else (mpps[0] if mpps else "")
        if mpp_code not in cat.mpps:
            raise forbidden("MPP akun ini tidak ada di katalog.")
        rows = self._rows(member, cat, mpp_code)
        mpp_links = []
        for topic in MPP_TOPICS:
            target = Target(TOPICS[topic].kind, mpp_code)
            try:
                self.editor.scope(member, TOPICS[topic], target, cat)
            except Refused:
                continue
            mpp_links.append(
                (f"{TOPICS[topic].label} — {cat.mpps[mpp_code].name}", editor_pages.edit_url(topic, target))
            )
        if can(member, Permission.ONBOARD_MPP):
            mpp_links.append(("Tambah MPP baru", "/mpp/baru"))

        def load() -> tuple[list[Change], list[Change], list[Change]]:
            mine = [c for c in self.editor.changes(member, OPEN) if c.author_id == member.id]
            waiting = [c for c in self.editor.changes(member, (SUBMITTED,)) if _may(member, c)]
            recent = self.editor.changes(member, (APPROVED, REVERTED, REJECTED), 20)
            return mine, waiting, recent

        mine, waiting, recent = await asyncio.to_thread(load)
        names = await self._names({c.author_id for c in (*mine, *waiting, *recent)})
        label = staff.role.label + " · " + (staff.agency_code or cat.mpps[mpp_code].name)
        return self.c.html(
            request,
            lambda flash: editor_pages.home_page(
                cat,
                label,
                pages.csrf_field(staff.csrf_token),
                mpp_code,
                mpps,
                rows,
                mpp_links,
                mine,
                waiting,
                recent,
                names,
                flash,
            ),
        )

    # ---- forms ---------------------------------------------------------------------------
    def _target(self, request: web.Request) -> tuple[str, Target]:
        topic = request.query.get("topic", "")
        if topic not in TOPICS:
            raise web.HTTPBadRequest(text="Formulir tidak dikenal.")
        try:
            target = Target.parse(request.query.get("kind", ""), request.query.get("key", "")[:140])
        except ValueError:
            raise web.HTTPBadRequest(text="Bagian katalog tidak dikenal.") from None
        return topic, target

    def _title(self, cat: Catalogue, topic: str, target: Target) -> str:
        if target.kind in (MPP, SITE):
            mpp = cat.mpp(target.mpp)
            return f"{TOPICS[topic].label}: {mpp.name if mpp else target.mpp}"
        service = cat.service(target.service)
        name = service.name if service else (target.service or "")
        where = f" di {cat.mpps[target.mpp].name}" if target.mpp and target.mpp in cat.mpps else ""
        return f"{TOPICS[topic].label}: {name}{where}"

    async def _render(
        self,
        request: web.Request,
        staff: StaffSession,
        topic: str,
        target: Target,
        form: dict[str, str],
        problems: dict[str, str],
        draft: int | None,
        reason: str,
        status: int = 200,
        flash: str | None = None,
    ) -> web.Response:
        cat = self.c.catalogue()
        sources = await asyncio.to_thread(self.editor.sources, target)
        service = cat.service(target.service)
        jenis = list(service.jenis) if service else []
        mpp = cat.mpp(target.mpp)
        names = {a.code: a.name for a in mpp.agencies.values()} if mpp else {}
        html = editor_pages.edit_page(
            topic,
            target,
            self._title(cat, topic, target),
            pages.csrf_field(staff.csrf_token),
            form,
            problems,
            sources,
            jenis,
            draft,
            reason,
            flash,
            names,
        )
        return web.Response(text=html, content_type="text/html", status=status)

    async def edit_form(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        topic, target = self._target(request)
        try:
            self.editor.scope(staff.member, TOPICS[topic], target, self.c.catalogue())
        except Refused as exc:
            raise forbidden(str(exc)) from None
        draft_id = request.query.get("draft", "")
        try:
            if draft_id.isdigit():
                change = await asyncio.to_thread(self.editor.get, int(draft_id))
                if change.author_id != staff.staff_id or change.status not in OPEN:
                    raise forbidden("Draf itu bukan milik Anda atau sudah diputuskan.")
                return await self._render(
                    request,
                    staff,
                    topic,
                    target,
                    dict(change.form),
                    dict(change.problems),
                    change.id,
                    change.reason or "",
                )
            fields = await asyncio.to_thread(self.editor.fields, topic, target)
        except (EditorError, NotFound) as exc:
            return self.c.redirect("/katalog", str(exc))
        return await self._render(request, staff, topic, target, fields, {}, None, "")

    async def edit(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        topic, target = self._target(request)
        posted = request["form"]
        form = {k: str(v) for k, v in posted.items() if k not in ("csrf", "action", "reason")}
        reason = str(posted.get("reason", ""))[:1000]
        submit = posted.get("action") == "submit"
        draft_id = request.query.get("draft", "")
        try:
            change = await asyncio.to_thread(
                lambda: self.editor.save(
                    staff.member,
                    topic,
                    target,
                    form,
                    submit=submit,
                    reason=reason,
                    change_id=int(draft_id) if draft_id.isdigit() else None,
                )
            )
        except Refused as exc:
            raise forbidden(str(exc)) from None
        except EditorError as exc:
            return await self._render(request, staff, topic, target, form, {"-": str(exc)}, None, reason, 400)
        logger.info(
            "catalogue change %d (%s %s) %s by staff %d", change.id, topic, target.key, change.status, staff.staff_id
        )
        if change.status == SUBMITTED:
            who = "admin nasional" if change.national else "admin MPP"
            return self.c.redirect(
                f"/katalog/perubahan/{change.id}", f"Perubahan #{change.id} diajukan dan menunggu persetujuan {who}."
            )
        if change.problems:
            return await self._render(
                request, staff, topic, target, form, dict(change.problems), change.id, reason, 400
            )
        return await self._render(
            request, staff, topic, target, form, {}, change.id, reason, flash=f"Draf #{change.id} tersimpan."
        )

    # ---- a change ------------------------------------------------------------------------
    async def change(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        member = staff.member
        try:
            change = await asyncio.to_thread(self.editor.get, int(request.match_info["change"]))
        except EditorError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        _visible(member, change)
        preview = await asyncio.to_thread(self.editor.preview, change)
        actions = []
        if change.status == SUBMITTED and _may(member, change):
            actions += ["approve", "reject"]
        if change.status == APPROVED and _may(member, change, own_ok=True):
            actions.append("revert")
        edit_link = None
        if change.author_id == member.id and change.status in OPEN:
            edit_link = editor_pages.edit_url(change.topic, change.target, change.id)
        names = await self._names({change.author_id, change.decided_by or 0})
        cat = self.c.catalogue()
        return self.c.html(
            request,
            lambda flash: editor_pages.change_page(
                cat, change, preview, names, pages.csrf_field(staff.csrf_token), actions, edit_link, flash
            ),
        )

    async def decide(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        change_id, action = int(request.match_info["change"]), request.match_info["action"]
        note = str(request["form"].get("note", ""))[:1000] or None
        back = f"/katalog/perubahan/{change_id}"
        try:
            if action == "approve":
                outcome = await asyncio.to_thread(self.editor.approve, staff.member, change_id, note)
                told = f" {outcome.notified} booking diberi tahu dan ditawari jadwal lain." if outcome.notified else ""
                message = f"Disetujui: berlaku sebagai versi katalog {outcome.version}.{told}"
            elif action == "reject":
                await asyncio.to_thread(self.editor.reject, staff.member, change_id, note)
                message = "Perubahan ditolak; pembuatnya dapat memperbaiki dan mengajukan lagi."
            elif action == "revert":
                outcome = await asyncio.to_thread(self.editor.revert, staff.member, change_id, note)
                told = f" {outcome.notified} booking diberi tahu dan ditawari jadwal lain." if outcome.notified else ""
                message = f"Dikembalikan: versi katalog {outcome.version} memuat fakta sebelum perubahan ini.{told}"
            else:
                raise web.HTTPNotFound()
        except Refused as exc:
            raise forbidden(str(exc)) from None
        except EditorError as exc:
            return self.c.redirect(back, str(exc))
        logger.info("catalogue change %d: %s by staff %d", change_id, action, staff.staff_id)
        return self.c.redirect(back, message)

    async def versions(self, request: web.Request) -> web.Response:
        staff = self._staff(request)
        revisions = await asyncio.to_thread(self.editor.revisions, 50)
        names = await self._names({r.staff_id for r in revisions if r.staff_id})
        return self.c.html(
            request, lambda _: editor_pages.versions_page(revisions, names, pages.csrf_field(staff.csrf_token))
        )


def _may(member: StaffMember, change: Change, own_ok: bool = False) -> bool:
    try:
        CatalogueEditor.may_decide(member, change, own_ok)
    except Refused:
        return False
    return True


def _visible(member: StaffMember, change: Change) -> None:
    """A change is seen by its author, and by staff of its MPP (a clerk: of its agency) or national ones."""
    if member.role is Role.NATIONAL_ADMIN or change.author_id == member.id:
        return
    if change.mpp_code != member.mpp_code or (member.role is Role.CLERK and change.agency_code != member.agency_code):
        raise forbidden("Perubahan ini di luar wilayah akun Anda.")
