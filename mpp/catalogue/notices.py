"""Announcements as the answers see them: a notice for one MPP, one agency there or one service there.

Posted in the console (``mpp.editor.announcements``); ``mpp.faq`` shows the ones that concern an
answer while they are valid. Plain data: no database, no Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mpp.catalogue.model import Catalogue

CLOSURE = "closure"
KINDS = {
    CLOSURE: "Tutup (layanan tidak buka)",
    "blanko": "Blanko/bahan habis",
    "outage": "Gangguan sistem",
    "info": "Informasi",
}
MAX_DAYS = 31  # one notice covers at most a month; a longer closure belongs in the catalogue
MIN_TEXT, MAX_TEXT = 10, 400


@dataclass(frozen=True)
class Announcement:
    id: int
    mpp_code: str
    agency_code: str | None
    service_code: str | None
    kind: str
    text: str
    starts_on: date
    ends_on: date
    notified: int = 0
    withdrawn: bool = False

    def valid_on(self, day: date) -> bool:
        return not self.withdrawn and self.starts_on <= day <= self.ends_on

    def shown_on(self, day: date) -> bool:
        """Shown while valid; a closure also before it starts (citizens must hear of it in advance)."""
        if self.withdrawn or day > self.ends_on:
            return False
        return self.kind == CLOSURE or self.starts_on <= day


def concerns(notice: Announcement, catalogue: Catalogue, mpp_code: str | None, service_code: str | None) -> bool:
    """Does the notice belong in an answer about this MPP (None: not known) and service (None: the MPP itself)?"""
    if mpp_code is not None and notice.mpp_code != mpp_code:
        return False
    if notice.service_code is None and notice.agency_code is None:
        return mpp_code is not None  # about the whole MPP: only when the citizen asks about that MPP
    if service_code is None:
        return mpp_code is not None and notice.kind == CLOSURE  # an MPP answer mentions closures of its services
    if notice.service_code is not None:
        return notice.service_code == service_code
    offering = catalogue.offering(notice.mpp_code, service_code)
    return offering is not None and offering.agency_code == notice.agency_code
