"""What the rest of the core learns from the queue (handled in ``mpp.handlers``)."""

from __future__ import annotations

from dataclasses import dataclass

from mpp.events import Event


@dataclass(frozen=True)
class TicketFacts:
    id: int
    number: str
    chat_id: str | None  # None for a walk-in without a chat: nobody to tell
    booking_id: int | None


@dataclass(frozen=True)
class TicketCalled(Event):
    ticket: TicketFacts
    counter: str
    floor: str
    recall: bool


@dataclass(frozen=True)
class TicketServed(Event):
    ticket: TicketFacts


@dataclass(frozen=True)
class TicketNoShow(Event):
    ticket: TicketFacts


@dataclass(frozen=True)
class TicketTransferred(Event):
    ticket: TicketFacts
    counter: str
    floor: str
    at: float  # POSIX seconds: a ticket may be transferred to the same counter again later


@dataclass(frozen=True)
class TurnApproaching(Event):
    """N or fewer are ahead now ('tinggal 3 nomor lagi'); told once per ticket."""

    ticket: TicketFacts
    ahead: int
    minutes: float
