"""An application's states and the rules for a change, as staff type it in the console.

``diproses`` → ``perlu_berkas`` (what is missing) / ``siap_diambil`` (where, until when) → ``selesai``,
in any order a real office needs (a file found incomplete after it was ready; a pick-up moved), except
that ``selesai`` is final. A change that repeats the current state and details is no change: it is
neither stored nor told twice. Overdue: past the promised day and neither ready nor done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

NOTE_LIMIT = 500  # characters of "what is missing" / "where to pick it up"
READY_DAYS_LIMIT = 366  # a pick-up deadline further away than this is a typing mistake


class State(str, Enum):
    DIPROSES = "diproses"
    PERLU_BERKAS = "perlu_berkas"
    SIAP_DIAMBIL = "siap_diambil"
    SELESAI = "selesai"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.DIPROSES: "diproses",
    State.PERLU_BERKAS: "perlu melengkapi berkas",
    State.SIAP_DIAMBIL: "siap diambil",
    State.SELESAI: "selesai",
}
OPEN = (State.DIPROSES.value, State.PERLU_BERKAS.value)  # still with the agency: may become overdue


class ApplicationError(ValueError):
    """A change the core refuses; ``str()`` is the message for the staff member."""


class NotFound(ApplicationError):
    """No such ticket or application in the staff member's scope (the same answer for both)."""


@dataclass(frozen=True)
class Change:
    """What the clerk typed: the state and the details it needs."""

    state: State
    jenis: str | None = None
    note: str | None = None  # perlu_berkas: what is missing; siap_diambil: where
    ready_until: date | None = None  # siap_diambil

    @classmethod
    def parse(
        cls, state: str, jenis: str = "", note: str = "", ready_until: str = "", today: date | None = None
    ) -> Change:
        """From form fields; raises ``ApplicationError`` with what to fix."""
        try:
            chosen = State(state.strip())
        except ValueError:
            raise ApplicationError(
                "Pilih status: diproses, perlu melengkapi berkas, siap diambil, atau selesai."
            ) from None
        text = " ".join(note.split())
        if len(text) > NOTE_LIMIT:
            raise ApplicationError(f"Keterangan terlalu panjang ({len(text)} karakter, paling banyak {NOTE_LIMIT}).")
        until: date | None = None
        if chosen is State.PERLU_BERKAS and not text:
            raise ApplicationError("Tulis berkas apa yang perlu dilengkapi.")
        if chosen is State.SIAP_DIAMBIL:
            if not text:
                raise ApplicationError("Tulis di mana dokumen bisa diambil (loket, lantai).")
            try:
                until = date.fromisoformat(ready_until.strip())
            except ValueError:
                raise ApplicationError("Isi batas waktu pengambilan (tanggal, misalnya 2026-12-20).") from None
            if today is not None and not today <= until <= date.fromordinal(today.toordinal() + READY_DAYS_LIMIT):
                raise ApplicationError("Batas waktu pengambilan harus hari ini atau sesudahnya, paling lama setahun.")
        if chosen in (State.DIPROSES, State.SELESAI):
            text = ""
        return cls(chosen, jenis.strip() or None, text or None, until)


@dataclass(frozen=True)
class ApplicationView:
    """An application as the console and the chat show it (the note opened)."""

    id: int
    ticket_id: int
    number: str
    mpp_code: str
    agency_code: str
    service_code: str
    jenis: str | None
    state: State
    note: str | None
    ready_until: date | None
    started_on: date
    promised_on: date | None
    promised_reason: str
    version: int
    updated_at: datetime
    bound: bool  # a chat is told of changes

    def overdue(self, today: date) -> bool:
        return self.state.value in OPEN and self.promised_on is not None and self.promised_on < today
