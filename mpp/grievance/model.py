"""A complaint: its number, category, state, deadlines, and who among staff may see it.

States (``Status``): ``baru`` (filed, nobody acted) → ``diteruskan`` (assigned to an agency) →
``dijawab`` (staff replied to the citizen) → ``selesai`` (resolved). A reply or a resolution may
come from any earlier state. Extortion reports (``pungli``) are never assigned to an agency: only
the MPP's supervisor (and a national administrator) sees them (Perpres 76/2013 asks that a
complainant be protected; the agency named is the one complained about).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from mpp.staff.roles import Role, StaffMember


class Category(str, Enum):
    PUNGLI = "pungli"  # asked for money, calo, "uang pelicin": extortion
    SEROBOT = "serobot"  # queue cutting
    PETUGAS = "petugas"  # a rude or absent clerk
    FASILITAS = "fasilitas"  # broken or dirty facilities
    LAMBAT = "lambat"  # slow service, a document not finished
    LAINNYA = "lainnya"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.PUNGLI: "Pungutan liar / calo",
    Category.SEROBOT: "Antrean diserobot",
    Category.PETUGAS: "Sikap petugas",
    Category.FASILITAS: "Sarana dan fasilitas",
    Category.LAMBAT: "Pelayanan lambat",
    Category.LAINNYA: "Lainnya",
}

# Checked in this order: the first category with a matching word wins (extortion first, so that
# "petugas minta uang biar cepat" is pungli, not a slow or rude-clerk complaint).
_KEYWORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (
        Category.PUNGLI,
        (
            "pungli",
            "pungutan liar",
            "pelicin",
            "imbalan",
            "suap",
            "sogok",
            "amplop",
            "calo",
            "dipalak",
            "palak",
            "minta uang",
            "minta duit",
            "dimintain uang",
            "dimintai uang",
            "minta bayaran",
            "uang rokok",
            "bribe",
            "extra money",
            "uang tambahan",
            "bayar lebih",
        ),
    ),
    (
        Category.SEROBOT,
        (
            "serobot",
            "nyerobot",
            "nyelak",
            "potong antri",
            "dilewatin",
            "dilewati",
            "orang dalem",
            "orang dalam",
            "didahulukan",
            "queue jump",
        ),
    ),
    (
        Category.PETUGAS,
        (
            "jutek",
            "kasar",
            "tidak ramah",
            "gak ramah",
            "ga ramah",
            "teu ramah",
            "judes",
            "galak",
            "main hp",
            "ketus",
            "rude",
            "sombong",
            "membentak",
            "bentak",
        ),
    ),
    (
        Category.FASILITAS,
        (
            "ac ",
            "ac-nya",
            "acnya",
            "toilet",
            "wc",
            "parkir",
            "kursi",
            "lift",
            "rusak",
            "kotor",
            "bocor",
            "air mati",
            "airnya mati",
            "panas",
            "mesin antrian",
            "mesin antrean",
            "listrik",
        ),
    ),
    (
        Category.LAMBAT,
        (
            "lama",
            "lambat",
            "lelet",
            "nunggu",
            "menunggu",
            "antri",
            "antre",
            "suwe",
            "slow",
            "belum jadi",
            "blm jadi",
            "gak jadi",
            "ga jadi",
            "bolak balik",
            "bolak-balik",
            "jam ",
        ),
    ),
)


def categorize(text: str) -> Category:
    low = f" {text.lower()} "
    for category, words in _KEYWORDS:
        if any(w in low for w in words):
            return category
    return Category.LAINNYA


class Status(str, Enum):
    BARU = "baru"
    DITERUSKAN = "diteruskan"
    DIJAWAB = "dijawab"
    SELESAI = "selesai"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.BARU: "diterima, menunggu ditelaah",
    Status.DITERUSKAN: "diteruskan ke instansi terkait",
    Status.DIJAWAB: "sudah ditanggapi",
    Status.SELESAI: "selesai",
}

NUMBER = re.compile(r"\bADU[\s-]?(\d{4})[\s-]?(\d{1,6})\b", re.IGNORECASE)
SECRET_LENGTH = 6


def format_number(year: int, seq: int) -> str:
    return f"ADU-{year}-{seq:06d}"


def parse_number(text: str) -> str | None:
    """``ADU-2026-000123`` however it was typed (``adu 2026 123``); None when the text holds none."""
    m = NUMBER.search(text)
    return format_number(int(m.group(1)), int(m.group(2))) if m else None


class ComplaintError(Exception):
    """A request that cannot be honoured; ``str()`` is the message to show (Indonesian)."""


class NotFound(ComplaintError):
    """No such complaint in this staff member's view (unknown, another MPP's, a pungli report): one answer."""


@dataclass(frozen=True)
class Draft:
    """What the chat form collected; texts as the citizen typed them (NIK/phone as tokens)."""

    description: str
    mpp_code: str
    agency_code: str | None
    occurred: str | None
    contact: str | None


@dataclass(frozen=True)
class Complaint:
    id: int
    number: str
    sender: str | None  # None once the citizen erased their data
    mpp_code: str
    named_agency: str | None  # the agency the citizen named
    assigned_agency: str | None
    category: Category
    status: Status
    filed_at: datetime
    respond_by: date
    resolve_by: date
    responded_at: datetime | None
    resolved_at: datetime | None
    has_contact: bool
    erased: bool

    def overdue(self, today: date) -> bool:
        if self.status is Status.SELESAI:
            return False
        late_answer = self.responded_at is None and today > self.respond_by
        return late_answer or today > self.resolve_by

    @property
    def confidential(self) -> bool:
        """Extortion reports stay with the supervisor; their export is marked confidential."""
        return self.category is Category.PUNGLI


def may_see(staff: StaffMember, c: Complaint) -> bool:
    """Scope of a complaint: pungli only for the supervisor of its MPP (and national administrators);
    a clerk only what was assigned to their agency; an MPP administrator the rest of their MPP."""
    if staff.role is Role.NATIONAL_ADMIN:
        return True
    if staff.mpp_code != c.mpp_code:
        return False
    if c.category is Category.PUNGLI:
        return staff.role is Role.SUPERVISOR
    if staff.role is Role.CLERK:
        return c.assigned_agency is not None and c.assigned_agency == staff.agency_code
    return staff.role in (Role.MPP_ADMIN, Role.SUPERVISOR)


def may_assign(staff: StaffMember) -> bool:
    return staff.role in (Role.MPP_ADMIN, Role.SUPERVISOR, Role.NATIONAL_ADMIN)
