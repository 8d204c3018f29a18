"""A chat handed to a person: its states, its limits, and what staff and the citizen see of it.

States (``Status``), each open one at most once per chat:

* ``composing`` — outside service hours or with nobody on duty, the citizen chose to leave a
  message; their next message is it.
* ``waiting`` — in the MPP's line (per agency when the topic names one), in service hours with
  someone on duty. What the citizen types is kept for the staff member who claims the chat.
* ``message`` — a left message (or a wait that ran out): it waits for the next shift; the
  assistant answers the chat meanwhile.
* ``active`` — a staff member holds the chat: the assistant stays quiet except for the way back.
* ``ended`` — by staff, by the citizen ("kembali ke asisten"), by a timeout, or by erasure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from mpp.deployment import ConfigurationError


class Status(str, Enum):
    COMPOSING = "composing"
    WAITING = "waiting"
    MESSAGE = "message"
    ACTIVE = "active"
    ENDED = "ended"


OPEN = (Status.COMPOSING, Status.WAITING, Status.MESSAGE, Status.ACTIVE)
# The REST channel answers these chats itself: Rasa does not see what the citizen types.
HELD = (Status.COMPOSING, Status.WAITING, Status.ACTIVE)
CLAIMABLE = (Status.WAITING, Status.MESSAGE)


class EndedBy(str, Enum):
    STAFF = "staff"
    CITIZEN = "citizen"
    TIMEOUT = "timeout"
    ERASED = "erased"


class Author(str, Enum):
    CITIZEN = "citizen"
    STAFF = "staff"
    BOT = "bot"


class HandoffError(Exception):
    """A staff request that cannot be honoured; ``str()`` is the message for the console (Indonesian)."""


class NotFound(HandoffError):
    """No such chat in this staff member's scope (unknown, another MPP's, another agency's: one answer)."""


def _minutes(name: str, default: int) -> timedelta:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return timedelta(minutes=default)
    if not raw.isdigit() or not 1 <= int(raw) <= 24 * 60:
        raise ConfigurationError(f"{name} must be a whole number of minutes from 1 to 1440, not {raw!r}")
    return timedelta(minutes=int(raw))


@dataclass(frozen=True)
class Rules:
    """The handoff's limits (README: Live handoff; the environment may change the times)."""

    idle: timedelta = timedelta(minutes=10)  # a held chat with no staff message this long ends
    wait: timedelta = timedelta(minutes=15)  # a chat nobody claimed this long becomes a left message
    composing: timedelta = timedelta(minutes=15)  # "leave a message" chosen, nothing typed this long: dropped
    on_duty: timedelta = timedelta(minutes=3)  # a staff member whose handoff page was seen this recently
    max_chars: int = 2000  # per message, either side (the gateway's own limit for citizens)
    min_samples: int = 5  # handled chats needed before a wait is estimated
    sample_days: int = 30
    sample_size: int = 50
    transcript_lines: int = 20  # lines of the conversation before the handoff shown to staff
    # WhatsApp: 24 hours after the citizen's last message only an approved template may be sent,
    # whose body (with our reply in its one parameter) holds at most 1,024 characters.
    whatsapp_window: timedelta = timedelta(hours=24)
    template_chars: int = 900

    @classmethod
    def from_env(cls) -> Rules:
        return cls(
            idle=_minutes("HANDOFF_IDLE_MINUTES", 10),
            wait=_minutes("HANDOFF_WAIT_MINUTES", 15),
            on_duty=_minutes("HANDOFF_DUTY_MINUTES", 3),
        )


@dataclass(frozen=True)
class Handoff:
    id: int
    sender: str
    mpp_code: str
    agency_code: str | None
    service_code: str | None
    topic: str | None
    status: Status
    staff_id: int | None
    created_at: datetime
    queued_at: datetime | None
    claimed_at: datetime | None
    last_staff_at: datetime | None
    last_citizen_at: datetime | None
    ended_at: datetime | None
    ended_reason: EndedBy | None

    @property
    def channel(self) -> str:
        return self.sender.split(":", 1)[0]

    def idle_since(self) -> datetime:
        """Since when a held chat has had no staff message (its claim counts as one)."""
        return self.last_staff_at or self.claimed_at or self.created_at


@dataclass(frozen=True)
class Line:
    """One transcript line as staff see it: personal data already masked."""

    id: int
    author: Author
    text: str
    at: datetime
    staff_name: str | None = None


@dataclass(frozen=True)
class Wait:
    """The citizen's place in line and an honest estimate (None: not enough measured chats yet)."""

    ahead: int
    minutes: int | None
    free_now: bool = False  # someone on duty holds no chat: "sebentar lagi"


@dataclass(frozen=True)
class Situation:
    """Whether a chat can join the line now, and if not, when the next shift begins."""

    mpp_code: str
    agency_code: str | None
    serving: bool  # within service hours
    on_duty: int  # staff on duty who could take it
    closes_at: datetime | None  # end of the current stretch of service time
    next_opening: datetime | None

    @property
    def live(self) -> bool:
        return self.serving and self.on_duty > 0
