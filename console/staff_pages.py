"""Composes the pages that keep the facts true: the catalogue editor, onboarding an MPP, announcements.

``console.app`` calls ``add_routes`` once (when the console has the booking service, which tells the
bookings a change affects) and ``links`` for the start page's menu.
"""

from __future__ import annotations

from aiohttp import web

from console import announcements, editor, onboarding
from console.web import ConsoleBase
from mpp.booking.service import BookingService
from mpp.editor.announcements import Announcements
from mpp.editor.changes import CatalogueEditor
from mpp.editor.onboarding import Onboarding
from mpp.staff.roles import Permission, StaffMember, can


def add_routes(app: web.Application, console: ConsoleBase, bookings: BookingService) -> None:
    catalogue_editor = CatalogueEditor(console.sessions, bookings, console.now, console.catalogue_changed)
    editor.add_routes(app, console, catalogue_editor)
    onboarding.add_routes(app, console, Onboarding(catalogue_editor, console.sessions, console.now))
    announcements.add_routes(app, console, Announcements(console.sessions, bookings, console.catalogue, console.now))


def links(member: StaffMember) -> list[tuple[str, str]]:
    """(label, url) of these pages that the staff member's role opens."""
    found = []
    if can(member, Permission.EDIT_CATALOGUE) or can(member, Permission.APPROVE_CATALOGUE):
        found.append(("Katalog layanan: ubah, setujui, riwayat", "/katalog"))
    if can(member, Permission.ONBOARD_MPP):
        found.append(("Tambah MPP baru", "/mpp/baru"))
    if can(member, Permission.POST_ANNOUNCEMENTS):
        found.append(("Pengumuman untuk warga (tutup, blanko habis, gangguan)", "/pengumuman"))
    if can(member, Permission.VIEW_APPLICATIONS):
        found.append(("Status permohonan warga (yang terlambat ditandai merah)", "/permohonan"))
    return found
