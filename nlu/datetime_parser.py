"""Indonesian date/time expressions in citizens' chat, resolved to typed values.

Booking a queue slot needs an exact day and hour, so every expression is
resolved against the caller's ``now`` (the MPP's local, timezone-aware time).
``parse`` returns a typed value: ``Dates`` (a day or a range of days), ``Times``
(a time or a range), ``DateTimes`` (both), or a ``Duration``. Times are local
wall-clock times in ``now``'s timezone, without a zone; the booking layer
re-attaches it. ISO strings are only for the Rasa edge (entity values, the gold
sets): ``parse_iso``, ``DateTimeSpan.iso``.

ISO grammar of the values
-------------------------
- date ``2026-12-05``; time ``09:00`` (``09:00:15`` when seconds are said);
  date+time ``2026-12-05T09:00``.
- interval ``start/end`` of any of the above, both ends inclusive:
  "pagi" -> ``08:00/11:00``; "besok pagi" -> ``2026-11-28T08:00/2026-11-28T11:00``;
  "minggu depan" -> ``2026-11-30/2026-12-06``; "jam 9-11" -> ``09:00/11:00``;
  "tahun depan" -> ``2027-01-01/2027-12-31``.
- a duration not anchored to now: ISO 8601 ``PT5M``, ``PT1H30M``, ``P3D``,
  ``P2W``. Anchored ones are resolved: "3 hari lagi" -> date, "dua jam dari
  sekarang"/"dalam 5 menit" -> date+time.

Span kinds: ``tanggal`` (date or date range), ``waktu`` (time, part of day,
time range or duration), ``tanggal_waktu`` (both in one phrase).

Decisions (public-service context, counters open about 08:00-16:00)
-------------------------------------------------------------------
- Parts of day: dini hari 00-04, subuh 04-06, pagi 08-11, siang 11-15,
  sore 15-18, malam 18-22 (``datetime_words.PARTS_OF_DAY``).
- Hours 1-6 without pagi/siang/sore/malam mean afternoon ("jam 2" -> 14:00,
  as nobody books a counter at 2 a.m.); 7-12 stay as said. A leading zero or
  13-24 is already 24-hour ("jam 06.30" -> 06:30). "jam 2 malam" is 02:00;
  "jam 12 malam"/"tengah malam" is 00:00 of the following day
  (``datetime_words.clock_hour``). Tokenised input ("jam 06 . 30") is fine.
- "setengah 10" is 09:30 (Indonesian "half ten"); "kurang/lewat N" subtract or
  add minutes; "malam minggu" is Saturday evening (the eve of the day).
- A bare weekday is the next such day, today excluded ("jumat" said on a
  Friday is a week later); "X ini" is this week's X unless past, then the next;
  "X depan" is X of the next Monday-Sunday week; "senin besok" is the coming
  Monday.
- "minggu/bulan/tahun ini" run from today to the end of the period (a slot
  can't be in the past); "minggu/bulan/tahun depan" are whole periods.
- "akhir bulan" is the last day of this month; "awal bulan" the 1st (of next
  month unless today is the 1st); "pertengahan bulan" the 15th.
- Day+month without a year that has passed resolves to next year; "tgl 5"
  alone to the next month that has a 5th. Numeric dates are day/month
  ("5/12" = 5 Dec) unless only month/day is valid ("12/26/2018").
- "sekarang"/"saat ini" are now (date+time, to the minute); a bare year
  ("dari 1995") is the interval of that year.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from nlu import datetime_words as W

__all__ = ["DateTimeSpan", "DateTimes", "Dates", "Duration", "Times", "Value", "find_spans", "parse", "parse_iso"]

_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)?|[^\w\s]")
_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
_Hit = tuple[int, "_Expr"]  # (index after the match, meaning)
_Day = date  # `_Expr.date` shadows the type inside the class
MINUTES_PER_HOUR = 60
HALF_DAY_MINUTES = 12 * MINUTES_PER_HOUR
LAST_HOUR = 24  # "jam 24" is midnight
FIRST_24H_HOUR = 13  # 13-24 can only be the 24-hour clock; 1-12 need pagi/siang/sore/malam or a leading zero
MAX_DAY_OF_MONTH = 31
MONTHS_IN_YEAR = 12
BARE_YEARS = range(1900, 2100)  # a lone four-digit number read as a year


@dataclass(frozen=True)
class Dates:
    """A day (``first == last``) or a range of days, both ends included."""

    first: date
    last: date

    def days(self) -> list[date]:
        return [date.fromordinal(d) for d in range(self.first.toordinal(), self.last.toordinal() + 1)]

    @property
    def iso(self) -> str:
        return self.first.isoformat() + (f"/{self.last.isoformat()}" if self.last != self.first else "")


@dataclass(frozen=True)
class Times:
    """A time of day, or a range ("pagi", "jam 9-11") when ``last`` is set; no day said."""

    first: time
    last: time | None = None
    seconds: bool = False  # seconds were said ("09:00:15"): shown in the ISO value of ``first``

    def span(self) -> tuple[time, time]:
        """(from, to); from == to for an exact time."""
        return self.first, self.last if self.last is not None else self.first

    @property
    def iso(self) -> str:
        head = self.first.isoformat(timespec="seconds" if self.seconds else "minutes")
        return head + (f"/{self.last.isoformat(timespec='minutes')}" if self.last is not None else "")


@dataclass(frozen=True)
class DateTimes:
    """A moment ("besok jam 9"), or a range ("besok pagi") when ``last`` is set; local wall-clock time."""

    first: datetime
    last: datetime | None = None
    seconds: bool = False

    def days(self) -> list[date]:
        return Dates(self.first.date(), (self.last or self.first).date()).days()

    def span(self) -> tuple[time, time]:
        return self.first.time(), (self.last or self.first).time()

    @property
    def iso(self) -> str:
        head = self.first.isoformat(timespec="seconds" if self.seconds else "minutes")
        return head + (f"/{self.last.isoformat(timespec='minutes')}" if self.last is not None else "")


@dataclass(frozen=True)
class Duration:
    """A length of time not anchored to now ("lima menit", "setengah tahun")."""

    unit: str  # second, minute, hour, day, week, month, year
    amount: float

    @property
    def iso(self) -> str:
        return _iso_duration(self.unit, self.amount)


Value = Dates | Times | DateTimes | Duration
_KINDS = {Dates: "tanggal", Times: "waktu", Duration: "waktu", DateTimes: "tanggal_waktu"}


@dataclass(frozen=True)
class DateTimeSpan:
    """One date/time expression found in a message."""

    start: int
    end: int
    text: str
    value: Value

    @property
    def kind(self) -> str:
        """``tanggal``, ``waktu`` or ``tanggal_waktu``: the entity (or both) the span stands for."""
        return _KINDS[type(self.value)]

    @property
    def iso(self) -> str:
        return self.value.iso


class _Clock(NamedTuple):
    """An hour[:minute[:second]] as read at a token."""

    next: int  # index after it
    hour: int
    minute: int
    second: int | None
    fixed: bool  # already on the 24-hour clock
    minutes_given: bool  # "9.30" rather than "9": a bare number is a clock time only with minutes


@dataclass(frozen=True)
class _Expr:
    """Partial meaning of a phrase; components are merged before resolving."""

    date: _Day | None = None
    date_end: _Day | None = None  # inclusive end of a date range
    strength: int = 0  # 1 implied today, 2 weekday, 3 explicit date
    day_only: int | None = None  # "tgl 5": month still open for "tgl 5 - 7 des"
    hour: int | None = None  # hour as spoken, before am/pm resolution
    minute: int = 0  # minutes relative to `hour` (negative for "kurang")
    second: int | None = None
    fixed: bool = False  # hour is already on the 24-hour clock
    end: tuple[int, int, bool] | None = None  # time range end (hour, minute, fixed)
    pod: str | None = None  # part of day
    moment: datetime | None = None  # fully resolved instant
    show_seconds: bool = False
    duration: Duration | None = None


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return _clamped(d.year + y, m + 1, d.day)


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_end(d: date) -> date:
    return _clamped(d.year, d.month, MAX_DAY_OF_MONTH)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _two_digits(tok: str) -> bool:
    """Minutes or seconds: exactly two digits below 60."""
    return tok.isdecimal() and len(tok) == 2 and int(tok) < MINUTES_PER_HOUR


def _iso_duration(unit: str, amount: float) -> str:
    if unit in ("second", "minute", "hour") or amount % 1:
        if unit in ("month", "year"):  # halves: "setengah tahun" = P6M
            months = round(amount * (12 if unit == "year" else 1))
            return f"P{months}M" if unit == "year" else f"P{int(amount)}M15D"
        secs = round(amount * _SECONDS[unit])
        d, rest = divmod(secs, 86400) if unit in ("day", "week") else (0, secs)
        h, rest = divmod(rest, 3600)
        parts = "".join(f"{v}{u}" for v, u in ((h, "H"), (rest // 60, "M"), (rest % 60, "S")) if v)
        return "P" + (f"{d}D" if d else "") + (f"T{parts}" if parts else "")
    return f"P{int(amount)}{unit[0].upper()}"


class _Parser:
    """Token-level recogniser; each method returns (next token index, meaning) or None."""

    def __init__(self, text: str, now: datetime) -> None:
        norm = text.replace("\u2019", "'")
        self.toks = [(m.group().lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(norm)]
        self.now = now.replace(tzinfo=None)
        self.today = now.date()
        self.recognisers: tuple[Callable[[int], _Hit | None], ...] = (
            self.relative, self.clock, self.relative_day, self.weekday, self.period,
            self.day_month, self.numeric_date, self.pod, self.now_expr, self.year,
        )  # fmt: skip

    def t(self, i: int) -> str:
        return self.toks[i][0] if 0 <= i < len(self.toks) else ""

    def seq(self, i: int, options: Iterable[tuple[str, ...]]) -> int | None:
        """End of the longest token tuple matching at i."""
        ends = [i + len(ws) for ws in options if all(self.t(i + k) == w for k, w in enumerate(ws))]
        return max(ends, default=None)

    def number(self, i: int) -> tuple[int, int] | None:
        return W.read_number(self.t, i)  # digits or "dua puluh satu"

    def skip(self, i: int, words: Iterable[str]) -> int:
        return i + 1 if self.t(i) in words else i

    def range_sep(self, i: int) -> int | None:
        tok = self.t(i)
        if tok in W.RANGE_SEPS:
            return i + 2 if tok == "sampai" and self.t(i + 1) == "dengan" else i + 1
        if tok == "s" and self.t(i + 1) in ("/", ".") and self.t(i + 2) == "d":
            return self.skip(i + 3, ".")  # "s/d", "s.d."
        return None

    def marker(self, i: int, words: Iterable[str]) -> int:
        """Index after an optional marker word such as "jam" or "tgl." (with its dot)."""
        return (i + 2 if self.t(i + 1) == "." else i + 1) if self.t(i) in words else i

    def pod_word(self, i: int) -> tuple[int, str] | None:
        if self.t(i) == "dini" and self.t(i + 1) == "hari":
            return i + 2, "dini hari"
        name = W.POD_WORDS.get(self.t(i))
        if name is None:
            return None
        j = i + 3 if self.t(i + 1) == "-" and W.POD_WORDS.get(self.t(i + 2)) == name else i + 1  # pagi-pagi
        return (self.skip(j, W.DAY_PREFIX) if self.t(j + 1) != "ini" else j), name

    # Expressions: components joined by connectors ("besok pagi jam 9").
    def expr(self, i: int) -> _Hit | None:
        hit = self.component(i)
        if hit is None:
            return None
        j, e = hit
        while True:
            k = j
            while self.t(k) in W.CONNECTORS:
                k += 1
            nxt = self.component(k)
            merged = _merge(e, nxt[1]) if nxt else None
            if nxt is None or merged is None:
                break
            j, e = nxt[0], merged
        sep = self.range_sep(j)
        nxt = self.component(sep) if sep is not None and _plain_date(e) else None
        if nxt and _plain_date(nxt[1]) and e.date and nxt[1].date:  # "senin sampai rabu"
            start, end = e.date, nxt[1].date
            if e.day_only:
                start = _safe_date(end.year, end.month, e.day_only) or start
            if end < start and nxt[1].strength == 2:
                end += timedelta(days=7)  # "senin - jumat" said on a Monday
            if start < end:
                return nxt[0], replace(e, date=start, date_end=end, day_only=None)
        return j, e

    def component(self, i: int) -> _Hit | None:
        hits = [hit for rec in self.recognisers if (hit := rec(i))]
        return max(hits, key=lambda hit: hit[0], default=None)

    def now_expr(self, i: int) -> _Hit | None:
        if j := self.seq(i, W.NOW_WORDS):
            return j, _Expr(moment=self.now.replace(second=0, microsecond=0))
        if j := self.seq(i, W.THIS_TIME):  # "besok pada waktu ini"
            return j, _Expr(date=self.today, strength=1, hour=self.now.hour, minute=self.now.minute, fixed=True)
        return None

    def pod(self, i: int) -> _Hit | None:
        j = self.skip(i, W.TODAY_BEFORE_POD)  # "nanti sore"
        if self.t(j) == "tengah" and self.t(j + 1) in ("malam", "hari"):
            return j + 2, _Expr(hour=24 if self.t(j + 1) == "malam" else 12, fixed=True)
        found = self.pod_word(j)
        if found is None or (j == i and self.t(i - 1) in W.GREETINGS):
            return None  # "selamat pagi" is a greeting
        j, today = found[0], j > i
        if eve := self.eve(j, found[1]):
            return eve[0], replace(eve[1], pod=found[1])
        if self.t(j) == "ini":
            j, today = j + 1, True
        return j, _Expr(pod=found[1], date=self.today if today else None, strength=int(today))

    def eve(self, j: int, name: str) -> _Hit | None:
        """'malam minggu' is Saturday evening: the eve of the named day."""
        day = self.weekday(j) if name == "malam" and self.t(j - 1) not in W.DAY_PREFIX else None
        if day is None or day[1].date is None:
            return None
        return day[0], replace(day[1], date=day[1].date - timedelta(days=1))

    def hm(self, j: int) -> _Clock | None:
        """Hour[:minute[:second]] at token j."""
        tok = self.t(j)
        if tok.isdecimal() and len(tok) in (3, 4):  # "615 pagi", "jam 0930"
            hour, minute = divmod(int(tok), 100)
            ok = hour <= LAST_HOUR and minute < MINUTES_PER_HOUR
            return _Clock(j + 1, hour, minute, None, tok[0] == "0" or hour >= FIRST_24H_HOUR, False) if ok else None
        if tok.isdecimal() and len(tok) <= 2 and int(tok) <= LAST_HOUR:
            hour, fixed = int(tok), tok[0] == "0" or int(tok) >= FIRST_24H_HOUR
            sep = self.t(j + 1)
            if sep not in (":", ".") or not _two_digits(self.t(j + 2)):
                return _Clock(j + 1, hour, 0, None, fixed, False)
            k, second = j + 3, None
            if self.t(k) == sep and _two_digits(self.t(k + 1)):
                k, second = k + 2, int(self.t(k + 1))
            return _Clock(k, hour, int(self.t(j + 2)), second, fixed, True)
        n = self.number(j)
        if n is None or n[1] > LAST_HOUR:
            return None
        return _Clock(n[0], n[1], 0, None, n[1] >= FIRST_24H_HOUR or n[1] == 0, False)

    def clock(self, i: int) -> _Hit | None:
        today = self.t(i) in W.TODAY_BEFORE_POD and self.t(i + 1) in W.HOUR_MARKERS  # "nanti jam 2"
        j = self.marker(i + today, W.HOUR_MARKERS)
        marked = j > i
        if self.t(j) in W.HALF_WORDS:  # "setengah 10" = 09:30
            n = self.number(j + 1)
            if not n or not 1 <= n[1] <= 12 or self.t(n[0]) in W.UNITS:
                return None
            j, e, ok = n[0], _Expr(hour=n[1], minute=-30), True
        else:
            got = self.hm(j)
            if got is None:
                return None
            e = _Expr(hour=got.hour, minute=got.minute, second=got.second, fixed=got.fixed)
            j, ok = got.next, got.minutes_given or marked
            if delta := self.minute_delta(j):
                j, e = delta[0], replace(e, minute=e.minute + delta[1])
        j = j + 2 if self.t(j) == "-" and self.t(j + 1) == "an" else self.skip(j, {"an"})  # "jam 9an"
        e = replace(e, date=self.today, strength=1) if today else e
        j, e, qualified = self.qualifier(j, e)
        k = self.range_sep(j)
        end = self.hm(self.marker(k, W.HOUR_MARKERS)) if k is not None else None
        if end:  # "jam 9 sampai jam 11"
            k, e2, q2 = self.qualifier(end.next, replace(e, end=(end.hour, end.minute, end.fixed)))
            if ok or qualified or q2:
                return k, e2
        return (j, e) if ok or qualified else None

    def minute_delta(self, j: int) -> tuple[int, int] | None:
        """'lewat 15', 'kurang seperempat' -> minutes to add."""
        sign = 1 if self.t(j) in W.PLUS_WORDS else -1 if self.t(j) in W.MINUS_WORDS else 0
        nxt = self.t(j + 1)
        if nxt in W.QUARTER_WORDS or nxt in W.HALF_WORDS:
            n: tuple[int, int] | None = (j + 2, 15 if nxt in W.QUARTER_WORDS else 30)
        else:
            n = self.number(j + 1)
        if not sign or not n or n[1] >= MINUTES_PER_HOUR:
            return None
        return self.skip(n[0], {"menit", "mnt"}), sign * n[1]

    def qualifier(self, j: int, e: _Expr) -> tuple[int, _Expr, bool]:
        """Optional time zone, part of day and 'ini' after a clock time."""
        found = self.pod_word(self.skip(j, W.TIMEZONE_WORDS))
        if found is None:
            return self.skip(j, W.TIMEZONE_WORDS), e, False
        j, e = found[0], replace(e, pod=found[1])
        if eve := self.eve(j, found[1]):
            return eve[0], replace(e, date=eve[1].date, strength=2), True
        j = self.skip(j, W.TIMEZONE_WORDS)
        if self.t(j) == "ini":
            j, e = j + 1, replace(e, date=self.today, strength=1)
        return j, e, True

    def relative(self, i: int) -> _Hit | None:
        """'3 hari lagi', 'dalam 2 jam', 'seminggu lagi'; 'lima menit' is a duration."""
        j = self.skip(i, W.FUTURE_BEFORE)
        direction = int(j > i)
        q = self.quantity(j)
        if q is None:
            return None
        j, unit, amount = q
        if k := self.seq(j, W.FUTURE_AFTER):
            j, direction = k, 1
        elif not direction and (k := self.seq(j, W.PAST_AFTER)):
            j, direction = k, -1
        if not direction:
            return j, _Expr(duration=Duration(unit, amount))
        days = amount * (7 if unit == "week" else 1)
        if unit in ("day", "week") and days % 1 == 0:
            return j, _Expr(date=self.today + timedelta(days=direction * days), strength=3)
        if unit in ("month", "year"):
            months = amount * (12 if unit == "year" else 1)
            d = _add_months(self.today, direction * int(months)) + timedelta(days=direction * 30 * (months % 1))
            return j, _Expr(date=d, strength=3)
        base = self.now.replace(microsecond=0) if unit == "second" else self.now.replace(second=0, microsecond=0)
        moment = base + timedelta(seconds=direction * amount * _SECONDS[unit])
        return j, _Expr(moment=moment, show_seconds=unit == "second" or moment.second != 0)

    def quantity(self, j: int) -> tuple[int, str, float] | None:
        """Number + unit, with halves ('satu setengah jam', '1/2 jam') and '1 jam 30 menit'."""
        tok = self.t(j)
        if tok in W.SE_UNITS:
            j, unit, amount = j + 1, W.SE_UNITS[tok], 1.0
        else:
            if tok in W.HALF_WORDS or (tok, self.t(j + 1), self.t(j + 2)) == ("1", "/", "2"):
                j, amount = j + (1 if tok in W.HALF_WORDS else 3), 0.5
            elif n := self.number(j):
                j, amount = self.skip(n[0], W.HALF_WORDS), n[1] + (0.5 if self.t(n[0]) in W.HALF_WORDS else 0)
            else:
                return None
            if self.t(j) not in W.UNITS:
                return None
            j, unit = j + 1, W.UNITS[self.t(j)]
        if self.t(j) in W.HALF_WORDS and amount % 1 == 0:
            j, amount = j + 1, amount + 0.5  # "sebelas tahun setengah"
        sub = {"hour": "minute", "minute": "second"}.get(unit)
        n = self.number(j) if sub else None
        if sub and n and W.UNITS.get(self.t(n[0])) == sub:
            return n[0] + 1, sub, amount * 60 + n[1]
        return j, unit, amount

    def year(self, i: int) -> _Hit | None:
        """'dari 1995', 'tahun 2004': a bare year only after such a word, or alone."""
        tok, context = self.t(i), self.t(i - 1) in W.YEAR_CONTEXT or len(self.toks) == 1
        if len(tok) == 4 and tok.isdecimal() and int(tok) in BARE_YEARS and context:
            return i + 1, _Expr(date=date(int(tok), 1, 1), date_end=date(int(tok), 12, 31), strength=3)
        return None

    # Dates.
    def relative_day(self, i: int) -> _Hit | None:
        j = self.seq(i, W.RELATIVE_DAYS)
        if j is None:
            return None
        offset = W.RELATIVE_DAYS[tuple(self.t(k) for k in range(i, j))]
        return j, _Expr(date=self.today + timedelta(days=offset), strength=3)

    def weekday(self, i: int) -> _Hit | None:
        j = self.skip(i, W.DAY_PREFIX)
        wd, nxt = W.WEEKDAYS.get(self.t(j)), self.t(j + 1)
        mod = 2 if nxt in ("besok", "bsk", "besuk") else W.WEEK_MODS.get(nxt)  # 2: "senin besok"
        if wd is None or (mod is not None and j == i and self.t(j) in W.WEEK_WORDS):
            return None  # "minggu depan" is a week, "hari minggu depan" a Sunday
        t = self.today
        monday = t - timedelta(days=t.weekday())
        dated = self.weekday_with_day(j, wd) if mod is None else None
        if dated is not None:  # "senin 7": the Monday that is the 7th
            return j + 2, _Expr(date=dated, strength=3)
        if mod in (None, 2):
            d = t + timedelta(days=(wd - t.weekday()) % 7 or 7)
        elif mod == 0:
            d = monday + timedelta(days=wd + (7 if monday + timedelta(days=wd) < t else 0))
        elif mod == 1:
            d = monday + timedelta(days=7 + wd)
        else:
            d = t - timedelta(days=(t.weekday() - wd) % 7 or 7)
        return j + 1 + int(mod is not None), _Expr(date=d, strength=2)

    def weekday_with_day(self, j: int, wd: int) -> date | None:
        """ "senin 7", "kamis 10 aja": a weekday, then a day of the month that falls on it within five weeks.

        Not when a month follows (the date rule reads "senin 7 desember") or a part of the day ("senin 7 pagi"
        is a time), nor when no such day is near (then the number is left to the other rules).
        """
        number, after = self.t(j + 1), self.t(j + 2)
        if not number.isdigit() or not 1 <= int(number) <= 31 or after in W.MONTHS or after in W.POD_WORDS:
            return None
        if after in (".", ":") or after.isdigit():
            return None
        for ahead in range(36):
            d = self.today + timedelta(days=ahead)
            if d.day == int(number) and d.weekday() == wd:
                return d
        return None

    def period(self, i: int) -> _Hit | None:
        """Weeks, weekends, months, years and their awal/akhir/pertengahan."""
        anchor = W.ANCHORS.get(self.t(i))
        j = i + 1 if anchor else i
        tok, month = self.t(j), None
        if (anchor == "end" and tok in W.WEEK_WORDS) or tok in W.WEEKEND_WORDS:
            unit = "weekend"
        elif tok in W.MONTH_WORDS and self.t(j + 1) in W.MONTHS:  # "bulan des"
            unit, j, month = "month", j + 1, W.MONTHS[self.t(j + 1)]
        elif tok in W.MONTHS_FULL:
            unit, month = "month", W.MONTHS_FULL[tok]
        else:
            unit = "week" if tok in W.WEEK_WORDS else "month" if tok in W.MONTH_WORDS else "year"
            if tok not in W.WEEK_WORDS | W.MONTH_WORDS | W.YEAR_WORDS:
                return None
        j += 1
        mod = W.WEEK_MODS.get(self.t(j)) if month is None else None
        j += mod is not None
        if mod is None and month is None and unit != "weekend" and not anchor:
            return None  # bare "minggu"/"bulan": a weekday or a noun
        if anchor == "mid" and unit != "month":
            return None
        t = self.today
        if month is not None:
            year = int(self.t(j)) if self.t(j).isdecimal() and len(self.t(j)) == 4 else None
            j += year is not None
            for y in (year,) if year else (t.year, t.year + 1):  # a passed month means next year
                start = date(y, month, 1)
                end = _month_end(start)
                pick = {"start": start, "mid": start.replace(day=15), "end": end}.get(anchor or "")
                if year or (pick or end) >= t:
                    break
            return j, _Expr(date=pick or start, date_end=None if pick else end, strength=3)
        if unit in ("week", "weekend"):
            start = t - timedelta(days=t.weekday() - 7 * (mod or 0))
            end = start + timedelta(days=6)
            start += timedelta(days=5 if unit == "weekend" else 0)
        elif unit == "month":
            start = _add_months(t.replace(day=1), mod or 0)
            end = _month_end(start)
        else:
            start = date(t.year + (mod or 0), 1, 1)
            end = date(start.year, 12, 31)
        if anchor == "start" and unit != "weekend":  # "awal bulan" on the 27th: next month
            return j, _Expr(date=end + timedelta(days=1) if mod is None and start < t else start, strength=3)
        if anchor == "mid":
            mid = start.replace(day=15)
            return j, _Expr(date=_add_months(mid, 1) if mod is None and mid < t else mid, strength=3)
        if anchor == "end" and unit != "weekend":
            return j, _Expr(date=end, strength=3)
        start = max(start, t) if mod in (None, 0) else start  # "minggu ini": the rest of this week
        return j, _Expr(date=start, date_end=end if end != start else None, strength=3)

    def day_month(self, i: int) -> _Hit | None:
        """[tanggal] D [- D2] [bulan] month [YYYY]; tanggal D [bulan ini/depan | bln 12]."""
        j = self.marker(i, W.DATE_MARKERS)
        marked, n = j > i, self.number(j)
        if n is None or not 1 <= n[1] <= MAX_DAY_OF_MONTH:
            return None
        j, day = n
        k, day2 = self.range_sep(j), None
        n2 = self.number(k) if k is not None else None
        if n2 and day < n2[1] <= MAX_DAY_OF_MONTH and self.t(self.skip(n2[0], W.MONTH_WORDS)) in W.MONTHS:
            j, day2 = n2[0], n2[1]  # "5-7 des"
        j += self.t(j) in W.MONTH_WORDS and self.t(j + 1) in W.MONTHS
        month, num = W.MONTHS.get(self.t(j)), self.t(j + 1)
        if marked and self.t(j) in W.MONTH_WORDS and num.isdecimal() and 1 <= int(num) <= MONTHS_IN_YEAR:
            j, month = j + 1, int(num)  # "tgl 1 bln 12"
        if month is None:
            if not marked:
                return None
            mod = W.WEEK_MODS.get(self.t(j + 1)) if self.t(j) in W.MONTH_WORDS else None
            if mod in (0, 1):  # "tgl 12 bulan depan"
                base = _add_months(self.today.replace(day=1), mod or 0)
                d = _safe_date(base.year, base.month, day)
                return (j + 2, _Expr(date=d, strength=3)) if d else None
            months = (_add_months(self.today.replace(day=1), k) for k in range(13))
            d = next(d for m in months if (d := _safe_date(m.year, m.month, day)) and d >= self.today)
            return j, _Expr(date=d, strength=3, day_only=day)
        j += 1
        year = int(self.t(j)) if self.t(j).isdecimal() and len(self.t(j)) == 4 else None
        d = self.upcoming(day, month, year)
        if d is None:
            return None
        return j + (year is not None), _Expr(date=d, date_end=_safe_date(d.year, d.month, day2 or 0), strength=3)

    def numeric_date(self, i: int) -> _Hit | None:
        """5/12, 05-12-2026, 5/12/26, 2026-12-05: day/month first."""
        i2 = self.marker(i, W.DATE_MARKERS)
        a, sep, b = self.t(i2), self.t(i2 + 1), self.t(i2 + 2)
        if not (a.isdecimal() and b.isdecimal() and sep in ("/", "-", ".")):
            return None
        c, j = "", i2 + 3
        if self.t(j) == sep and self.t(j + 1).isdecimal():
            c, j = self.t(j + 1), j + 2
        if len(a) == 4:  # ISO 2026-12-05
            d = _safe_date(int(a), int(b), int(c)) if 0 < len(c) <= 2 else None
            return (j, _Expr(date=d, strength=3)) if d else None
        fraction = self.t(j) in W.UNITS and not self.t(j + 1).isdecimal()  # "1/2 jam", not "5/12 jam 10"
        padded = a.startswith("0") or b.startswith("0")  # "05-12" is a date, "9-11" a range of hours
        if (c and len(c) not in (2, 4)) or (
            not c and (sep == "." or (sep == "-" and i2 == i and not padded) or fraction)
        ):
            return None  # "14.30" is a time, "9-11" a range
        day, month = int(a), int(b)
        if month > MONTHS_IN_YEAR and day <= MONTHS_IN_YEAR:
            day, month = month, day  # only month/day is valid: "12/26/2018"
        d = self.upcoming(day, month, (int(c) + (2000 if len(c) == 2 else 0)) if c else None)
        return (j, _Expr(date=d, strength=3)) if d else None

    def upcoming(self, day: int, month: int, year: int | None) -> date | None:
        """The date itself with a year; else its next occurrence from today."""
        if not 1 <= month <= MONTHS_IN_YEAR:
            return None
        if year is not None:
            return _safe_date(year, month, day)
        dates = (_safe_date(y, month, day) for y in range(self.today.year, self.today.year + 5))
        return next((d for d in dates if d and d >= self.today), None)


def _plain_date(e: _Expr) -> bool:
    return bool(e.date) and not e.date_end and e.hour is None and not e.pod


def _day_in_range(a: _Expr, b: _Expr) -> date | None:
    """'minggu depan hari rabu', 'bulan depan tgl 3': the named day inside the period."""
    period, day = (a, b) if a.date_end else (b, a)
    if not period.date or not period.date_end or not day.date or day.date_end:
        return None
    if day.day_only:  # the period may span two months ("minggu depan tgl 2")
        found = [_safe_date(m.year, m.month, day.day_only) for m in (period.date, period.date_end)]
        picked = next((d for d in found if d and period.date <= d <= period.date_end), None)
    elif day.strength == 2:
        picked = period.date + timedelta(days=(day.date.weekday() - period.date.weekday()) % 7)
    else:
        return None
    return picked if picked and period.date <= picked <= period.date_end else None


def _merge(a: _Expr, b: _Expr) -> _Expr | None:
    """Combine 'besok' + 'pagi' + 'jam 9'; None when they conflict."""
    if a.moment or b.moment or a.duration or b.duration or (a.hour is not None and b.hour is not None):
        return None
    if a.pod and b.pod and a.pod != b.pod:
        return None
    src = a if a.date else b
    if a.date and b.date:
        if picked := _day_in_range(a, b):
            src = replace(a, date=picked, date_end=None, strength=3, day_only=None)
        elif a.date_end or b.date_end or (a.strength == b.strength and a.date != b.date):
            return None
        else:
            src = a if a.strength > b.strength else b
    timed = a if a.hour is not None else b
    if src.date_end and (timed.hour is not None or a.pod or b.pod):
        return None
    return replace(
        timed, date=src.date, date_end=src.date_end, strength=src.strength, day_only=src.day_only, pod=a.pod or b.pod
    )


def _resolve(e: _Expr) -> Value:
    """The typed value of a merged expression."""
    if e.duration:
        return e.duration
    if e.moment:
        return DateTimes(e.moment, seconds=e.show_seconds)
    if e.hour is None and not e.pod:
        assert e.date is not None
        return Dates(e.date, e.date_end or e.date)
    if e.hour is None:
        bounds = list(W.PARTS_OF_DAY[e.pod or ""])
    else:
        start = W.clock_hour(e.hour, e.pod, e.fixed) * MINUTES_PER_HOUR + e.minute
        bounds = [start]
        if e.end:
            end_min = W.clock_hour(e.end[0], e.pod, e.end[2]) * MINUTES_PER_HOUR + e.end[1]
            if end_min <= start and e.pod:  # "jam 8 sampai 4 sore": sore is for the end only
                start = W.clock_hour(e.hour, None, e.fixed) * MINUTES_PER_HOUR + e.minute
            # "jam 9 sampai 2": the end is in the afternoon
            later = HALF_DAY_MINUTES if end_min <= start and end_min < HALF_DAY_MINUTES else 0
            bounds = [start, end_min + later]
    day = datetime.combine(e.date or date(2000, 1, 1), time())
    stamps = [day + timedelta(minutes=m, seconds=(e.second or 0) if k == 0 else 0) for k, m in enumerate(bounds)]
    last = stamps[1] if len(stamps) > 1 else None
    if e.date is None:
        return Times(stamps[0].time(), last.time() if last else None, seconds=e.second is not None)
    return DateTimes(stamps[0], last, seconds=e.second is not None)


def _scan(text: str, now: datetime) -> list[tuple[int, int, _Expr]]:
    """Leftmost-longest expressions as (char start, char end, meaning)."""
    p, found, i = _Parser(text, now), [], 0
    while i < len(p.toks):
        hit = p.expr(i)
        if hit is None:
            i += 1
            continue
        found.append((p.toks[i][1], p.toks[hit[0] - 1][2], hit[1]))
        i = hit[0]
    return found


def find_spans(text: str, now: datetime) -> list[DateTimeSpan]:
    """All date/time expressions in a message, non-overlapping, longest match first."""
    return [DateTimeSpan(start, end, text[start:end], _resolve(e)) for start, end, e in _scan(text, now)]


def parse(text: str, now: datetime) -> Value | None:
    """The meaning of the phrase's expression; a day and a time said apart are combined."""
    found = _scan(text, now)
    if not found:
        return None
    e = found[0][2]
    for _, _, other in found[1:]:
        e = _merge(e, other) or e
    return _resolve(e)


def parse_iso(text: str, now: datetime) -> str | None:
    """``parse`` as an ISO string, for the Rasa edge (entity values) and the gold sets."""
    value = parse(text, now)
    return value.iso if value is not None else None
