"""Formatting helpers for Indonesian replies on a phone screen."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Iterable

from mpp.catalogue.model import DayHours

WEEKDAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def rupiah(amount: int) -> str:
    """1500000 -> 'Rp1.500.000' (Indonesian thousands separator)."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def clock(value: time) -> str:
    """09:30 -> '09.30', the Indonesian way of writing times."""
    return value.strftime("%H.%M")


def tanggal(day: date) -> str:
    """2026-12-05 -> 'Sabtu, 5 Desember 2026'."""
    return f"{WEEKDAY_NAMES[day.weekday()]}, {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def join_names(names: list[str]) -> str:
    """['a','b','c'] -> 'a, b, dan c'."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} dan {names[1]}"
    return ", ".join(names[:-1]) + f", dan {names[-1]}"


def _day_line(h: DayHours) -> str:
    line = f"{clock(h.opens)}–{clock(h.closes)}"
    if h.break_start and h.break_end:
        reason = h.break_reason or "istirahat"
        line += f" ({reason} {clock(h.break_start)}–{clock(h.break_end)})"
    return line


def weekly_hours(hours: Iterable[DayHours]) -> list[str]:
    """Group consecutive weekdays with the same hours: 'Senin–Kamis: 07.30–16.00 (...)'."""
    by_day = {h.weekday: _day_line(h) for h in hours}
    lines: list[str] = []
    day = 0
    while day < 7:
        text = by_day.get(day, "tutup")
        end = day
        while end + 1 < 7 and by_day.get(end + 1, "tutup") == text:
            end += 1
        label = WEEKDAY_NAMES[day] if end == day else f"{WEEKDAY_NAMES[day]}–{WEEKDAY_NAMES[end]}"
        lines.append(f"{label}: {text}")
        day = end + 1
    return lines


_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LEADING = re.compile(r"^[\s/]+")


def citizen_text(text: str) -> str:
    """What a citizen typed, as plain words for the assistant.

    Control characters (NUL, ESC sequences) and direction overrides go: they carry no
    meaning and could disguise text in operators' logs and screens. Leading slashes go
    too, wherever they hide ("/x", " /x", "\\x00/x"): typed text never selects an intent.
    """
    cleaned = _LEADING.sub("", _INVISIBLE.sub("", text)).strip()
    return cleaned or "?"
