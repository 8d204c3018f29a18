"""Roles, permissions and the one authorisation check every console route and CLI command calls.

A role says *what* a staff member may do (the ``GRANTS`` table); the account's scope says *where*:
a clerk works for one agency at one MPP, an MPP administrator and a supervisor for one MPP, a
national administrator for every MPP. ``authorize`` checks both and raises ``Refused`` with a
message fit for the console (Indonesian) and the CLI. New features add a ``Permission`` and a
row in ``GRANTS``; nothing else decides who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    CLERK = "clerk"  # one agency's counters at one MPP
    MPP_ADMIN = "mpp_admin"  # one MPP: kiosks, staff, dead letters
    SUPERVISOR = "supervisor"  # one MPP: cases that must not reach the agency they name (e.g. extortion)
    NATIONAL_ADMIN = "national_admin"  # every MPP

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def needs_agency(self) -> bool:
        return self is Role.CLERK

    @property
    def needs_mpp(self) -> bool:
        return self is not Role.NATIONAL_ADMIN


ROLE_LABELS = {
    Role.CLERK: "Petugas loket",
    Role.MPP_ADMIN: "Admin MPP",
    Role.SUPERVISOR: "Supervisor",
    Role.NATIONAL_ADMIN: "Admin nasional",
}


class Permission(str, Enum):
    SERVE_QUEUE = "serve_queue"  # call, recall, serve, no-show, transfer, walk-in and check-in at the counter
    CONFIRM_PRIORITY = "confirm_priority"  # issue a priority ticket on a staff member's word
    VIEW_DEAD_LETTERS = "view_dead_letters"  # notifications that could not be delivered
    MANAGE_KIOSKS = "manage_kiosks"  # create, enrol and revoke kiosk devices
    MANAGE_STAFF = "manage_staff"  # create and disable accounts
    # Defined now so that the features coming next plug in without a second scheme:
    EDIT_CATALOGUE = "edit_catalogue"
    APPROVE_CATALOGUE = "approve_catalogue"
    HANDLE_HANDOFFS = "handle_handoffs"
    TRIAGE_COMPLAINTS = "triage_complaints"
    VIEW_DASHBOARD = "view_dashboard"
    ONBOARD_MPP = "onboard_mpp"
    POST_ANNOUNCEMENTS = "post_announcements"  # notices to citizens (closures tell the bookings affected)
    RECORD_APPLICATIONS = "record_applications"  # what a served citizen applied for and its state
    VIEW_APPLICATIONS = "view_applications"  # the applications of a scope, overdue ones first


PERMISSION_LABELS = {
    Permission.SERVE_QUEUE: "melayani antrean",
    Permission.CONFIRM_PRIORITY: "memberi nomor prioritas",
    Permission.VIEW_DEAD_LETTERS: "melihat notifikasi gagal",
    Permission.MANAGE_KIOSKS: "mengelola anjungan",
    Permission.MANAGE_STAFF: "mengelola akun petugas",
    Permission.EDIT_CATALOGUE: "mengubah katalog layanan",
    Permission.APPROVE_CATALOGUE: "menyetujui perubahan katalog",
    Permission.HANDLE_HANDOFFS: "menangani percakapan yang dialihkan ke petugas",
    Permission.TRIAGE_COMPLAINTS: "memilah pengaduan",
    Permission.VIEW_DASHBOARD: "melihat dasbor",
    Permission.ONBOARD_MPP: "menambahkan MPP baru",
    Permission.POST_ANNOUNCEMENTS: "memasang pengumuman",
    Permission.RECORD_APPLICATIONS: "mencatat status permohonan",
    Permission.VIEW_APPLICATIONS: "melihat status permohonan",
}

_C, _A, _S, _N = Role.CLERK, Role.MPP_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.SERVE_QUEUE: frozenset({_C}),
    Permission.CONFIRM_PRIORITY: frozenset({_C}),  # at the counter, seeing the citizen
    Permission.VIEW_DEAD_LETTERS: frozenset({_A, _S, _N}),
    Permission.MANAGE_KIOSKS: frozenset({_A, _N}),
    Permission.MANAGE_STAFF: frozenset({_A, _N}),
    # A clerk edits their own agency's services; the change goes live when an administrator of its
    # scope approves it (national facts: a national administrator), never its author (mpp.editor).
    Permission.EDIT_CATALOGUE: frozenset({_C, _A, _N}),
    Permission.APPROVE_CATALOGUE: frozenset({_A, _N}),
    Permission.HANDLE_HANDOFFS: frozenset({_C, _S}),
    # Which complaints each role sees (a clerk: assigned to their agency; pungli: supervisor only) is
    # mpp.grievance.model.may_see.
    Permission.TRIAGE_COMPLAINTS: frozenset({_C, _A, _S, _N}),
    Permission.VIEW_DASHBOARD: frozenset({_A, _S, _N}),
    Permission.ONBOARD_MPP: frozenset({_N}),
    Permission.POST_ANNOUNCEMENTS: frozenset({_A, _N}),
    # The clerk of the ticket's agency at its MPP records; the MPP's administrator and supervisor see
    # the overdue ones (to chase the agency), never change them.
    Permission.RECORD_APPLICATIONS: frozenset({_C}),
    Permission.VIEW_APPLICATIONS: frozenset({_C, _A, _S, _N}),
}

# Which roles an account holder may hand out: an MPP administrator staffs its own MPP but
# cannot make peers or national administrators (no self-escalation).
GRANTABLE: dict[Role, frozenset[Role]] = {
    _C: frozenset(),
    _S: frozenset(),
    _A: frozenset({_C, _S}),
    _N: frozenset(Role),
}


@dataclass(frozen=True)
class StaffMember:
    """Who is acting: the account's id, role and scope (``None`` = not bound to one)."""

    id: int | None
    username: str
    role: Role
    mpp_code: str | None
    agency_code: str | None

    def __post_init__(self) -> None:
        if self.role.needs_mpp and not self.mpp_code:
            raise ValueError(f"role {self.role.value} needs an MPP")
        if self.role.needs_agency and not self.agency_code:
            raise ValueError(f"role {self.role.value} needs an agency")


# Whoever runs the ``mpp`` CLI holds the database credentials and can do anything a national
# administrator can; the CLI still goes through ``authorize`` so that the rules live in one place.
OPERATOR = StaffMember(None, "operator (CLI)", Role.NATIONAL_ADMIN, None, None)


class Refused(PermissionError):
    """The staff member may not do this (here); ``str()`` is the message to show them."""


def can(staff: StaffMember, permission: Permission, *, mpp: str | None = None, agency: str | None = None) -> bool:
    try:
        authorize(staff, permission, mpp=mpp, agency=agency)
    except Refused:
        return False
    return True


def authorize(staff: StaffMember, permission: Permission, *, mpp: str | None = None, agency: str | None = None) -> None:
    """Raise ``Refused`` unless ``staff``'s role grants ``permission`` on ``mpp`` (and ``agency``).

    ``mpp=None`` asks about the permission in the staff member's own scope; a clerk asked about
    an agency other than their own, or anyone but a national administrator about another MPP,
    is refused.
    """
    if staff.role not in GRANTS[permission]:
        raise Refused(f"Peran {staff.role.label} tidak berwenang {PERMISSION_LABELS[permission]}.")
    if staff.role is Role.NATIONAL_ADMIN:
        return
    if mpp is not None and mpp != staff.mpp_code:
        raise Refused(f"Akun Anda hanya untuk {staff.mpp_code}, bukan {mpp}.")
    if staff.role is Role.CLERK and agency is not None and agency != staff.agency_code:
        raise Refused(f"Akun Anda hanya untuk instansi {staff.agency_code}, bukan {agency}.")


def authorize_grant(staff: StaffMember, role: Role, *, mpp: str | None) -> None:
    """May ``staff`` create (or change) an account with ``role`` at ``mpp``?"""
    authorize(staff, Permission.MANAGE_STAFF, mpp=mpp)
    if role not in GRANTABLE[staff.role]:
        raise Refused(f"Peran {staff.role.label} tidak dapat membuat akun {role.label}.")


def mpp_scope(staff: StaffMember) -> str | None:
    """The one MPP whose records this staff member sees, or ``None`` for every MPP."""
    return None if staff.role is Role.NATIONAL_ADMIN else staff.mpp_code
