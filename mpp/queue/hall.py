"""What the hall's display board shows, and the words of a spoken call; no SQL, no clock, no web.

The board (Qmatic-style) shows every counter of the MPP with the number it last called today,
the last few calls, how many people wait per service, and the MPP's announcements. A call is
spoken in Indonesian: "Nomor antrean A-001, silakan ke loket 2", with the number read as words
("A satu") so that the browser's voice and the offline engine (espeak-ng) say the same thing.
"""

from __future__ import annotations

import re
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mpp.catalogue.model import Catalogue, Mpp
from mpp.catalogue.notices import Announcement
from mpp.queue.model import Ticket, TicketStatus

RECENT_CALLS = 5  # the "last calls" column
FRESH = timedelta(seconds=30)  # a call this recent blinks (and may still be spoken after a reconnect)
NUMBER = re.compile(r"^([A-Z]{1,3})-?(\d{1,4})$")  # a queue number as ``mpp.numbering`` makes them
COUNTER = re.compile(r"^[A-Za-z0-9]{1,8}$")

_ONES = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
# Indonesian letter names (as the letters are spelled aloud: "be", "ce", "ka" ...)
_LETTER_NAMES = "a be ce de e ef ge ha i je ka el em en o pe ki er es te u ve we eks ye zet".split()
_LETTERS = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _LETTER_NAMES, strict=True))


def terbilang(n: int) -> str:
    """A whole number 0..9999 in Indonesian words ("sebelas", "seratus dua puluh tiga")."""
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is outside 0..9999")
    if n < 10:
        return _ONES[n]
    if n < 20:
        return {10: "sepuluh", 11: "sebelas"}.get(n) or f"{_ONES[n - 10]} belas"
    parts: list[str] = []
    for size, word, one in ((1000, "ribu", "seribu"), (100, "ratus", "seratus")):
        if n >= size:
            head, n = divmod(n, size)
            parts.append(one if head == 1 else f"{terbilang(head)} {word}")
    if n >= 20:
        tens, n = divmod(n, 10)
        parts.append(f"{_ONES[tens]} puluh")
    if n:
        parts.append(terbilang(n))
    return " ".join(parts)


def _say_code(code: str) -> str:
    """A counter or number code aloud: digits as a number, letters by their names."""
    if code.isdigit():
        return terbilang(int(code))
    return " ".join(_LETTERS.get(ch.upper(), ch) if ch.isalpha() else _ONES[int(ch)] for ch in code)


def valid_call(number: str, counter: str) -> bool:
    return bool(NUMBER.match(number)) and bool(COUNTER.match(counter))


def call_caption(number: str, counter: str) -> str:
    """The call as written on screen: "Nomor antrean A-001, silakan ke loket 2"."""
    return f"Nomor antrean {number}, silakan ke loket {counter}"


def spoken_call(number: str, counter: str) -> str:
    """The call as it is spoken: "Nomor antrean, A satu. Silakan ke loket dua." (ValueError: not a queue number)."""
    match = NUMBER.match(number)
    if match is None or not COUNTER.match(counter):
        raise ValueError(f"not a queue number and counter: {number!r} {counter!r}")
    prefix, digits = match.groups()
    return f"Nomor antrean, {_say_code(prefix)} {terbilang(int(digits))}. Silakan ke loket {_say_code(counter)}."


@dataclass(frozen=True)
class Call:
    counter: str
    number: str
    at: datetime

    def key(self) -> str:
        """Identifies this call (a recall is a new call): the board speaks each key once."""
        return f"{self.counter}|{self.number}|{self.at.isoformat()}"


def calls_of(tickets: Iterable[Ticket]) -> list[Call]:
    """Every ticket called at a counter today, as its latest call, newest first."""
    called = [t for t in tickets if t.counter_code is not None and t.called_at is not None]
    called.sort(key=lambda t: (t.called_at, t.id or 0), reverse=True)  # same instant: the later ticket last called
    return [Call(t.counter_code, t.number, t.called_at) for t in called]  # type: ignore[arg-type]


def _counter_key(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10**6, code)


def hall_board(
    catalogue: Catalogue,
    mpp: Mpp,
    tickets: Iterable[Ticket],
    notices: Iterable[Announcement],
    day: date,
    now: datetime,
) -> dict[str, Any]:
    """The board's whole state as JSON-ready data (each event carries all of it: a reconnect resyncs)."""
    tickets = list(tickets)
    calls = calls_of(tickets)
    latest: dict[str, Call] = {}
    for each in calls:
        latest.setdefault(each.counter, each)

    def fresh(call: Call) -> bool:
        return now - call.at < FRESH

    counters = []
    for code in sorted(mpp.counters, key=_counter_key):
        counter, shown = mpp.counters[code], latest.get(code)
        agency = mpp.agencies.get(counter.agency_code)
        counters.append(
            {
                "counter": code,
                "agency": agency.name if agency else counter.agency_code,
                "number": shown.number if shown else None,
                "fresh": bool(shown and fresh(shown)),
            }
        )
    for code, last in latest.items():  # a counter no longer in the catalogue still shows its call today
        if code not in mpp.counters:
            counters.append({"counter": code, "agency": "", "number": last.number, "fresh": fresh(last)})
    waiting = Tally(t.service_code for t in tickets if t.status is TicketStatus.WAITING)
    services = catalogue.services
    return {
        "counters": counters,
        "calls": [
            {
                "counter": c.counter,
                "number": c.number,
                "fresh": fresh(c),
                "key": c.key(),
                "caption": call_caption(c.number, c.counter),
                "speech": spoken_call(c.number, c.counter) if valid_call(c.number, c.counter) else None,
            }
            for c in calls[:RECENT_CALLS]
        ],
        "waiting": [
            {"service": services[code].name if code in services else code, "count": n}
            for code, n in sorted(waiting.items(), key=lambda item: (-item[1], item[0]))
        ],
        "waiting_total": sum(waiting.values()),
        "announcements": [
            _notice_line(catalogue, mpp, n) for n in notices if n.mpp_code == mpp.code and n.shown_on(day)
        ],
    }


def _notice_line(catalogue: Catalogue, mpp: Mpp, notice: Announcement) -> str:
    if notice.service_code and notice.service_code in catalogue.services:
        return f"{catalogue.services[notice.service_code].name}: {notice.text}"
    if notice.agency_code and notice.agency_code in mpp.agencies:
        return f"{mpp.agencies[notice.agency_code].name}: {notice.text}"
    return notice.text
