"""Vocabulary and lexical conventions for :mod:`nlu.datetime_parser`.

Kept apart from the grammar so that adding a spelling variant or a slang form
(citizens type "bsk", "tngl", "jm") never touches parsing logic. Besides the
word tables it holds the two conventions that belong to the words themselves:
reading Indonesian numerals, and what a spoken hour means next to pagi, siang,
sore or malam. Every key is lower-case and compared with whole tokens, so a
short abbreviation here cannot fire inside a longer word.
"""

from __future__ import annotations

from collections.abc import Callable

# fmt: off
# Month names and abbreviations, Indonesian and English. Abbreviations are
# only accepted right after a day number ("5 des"), full names also alone.
MONTHS_FULL: dict[str, int] = {
    "januari": 1, "january": 1, "februari": 2, "pebruari": 2, "febuari": 2,
    "february": 2, "maret": 3, "march": 3, "april": 4, "mei": 5, "juni": 6,
    "june": 6, "juli": 7, "july": 7, "agustus": 8, "agustur": 8, "august": 8,
    "september": 9, "oktober": 10, "october": 10, "november": 11,
    "nopember": 11, "desember": 12, "december": 12,
}
MONTHS_ABBR: dict[str, int] = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "agt": 8, "agu": 8, "ags": 8, "agst": 8, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11, "des": 12,
    "dec": 12,
}
MONTHS: dict[str, int] = {**MONTHS_ABBR, **MONTHS_FULL}

# Monday = 0 as in datetime.weekday().
WEEKDAYS: dict[str, int] = {
    "senin": 0, "snin": 0, "selasa": 1, "slasa": 1, "selsa": 1,
    "rabu": 2, "kamis": 3, "kemis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4,
    "jmt": 4, "sabtu": 5, "saptu": 5,
    "minggu": 6, "mingu": 6, "ahad": 6,
}
WEEK_WORDS = {"minggu", "mingu", "mggu", "mgg", "mg", "pekan"}

# Number words 0..9; tens/teens/hundreds are composed by the parser.
DIGIT_WORDS: dict[str, int] = {
    "nol": 0, "kosong": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4,
    "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "lapan": 8,
    "sembilan": 9,
}
SE_WORDS: dict[str, int] = {"sepuluh": 10, "sebelas": 11, "seratus": 100}


# fmt: on


def read_number(tok: Callable[[int], str], i: int) -> tuple[int, int] | None:
    """Digits or number words up to 999 at token i ("dua puluh satu") -> (next index, value)."""
    first = tok(i)
    if first.isdecimal():
        return i + 1, int(first)
    j, val = i, 0
    if first == "seratus" or (first in DIGIT_WORDS and tok(i + 1) == "ratus"):
        j, val = (i + 1, 100) if first == "seratus" else (i + 2, DIGIT_WORDS[first] * 100)
    word, nxt, d = tok(j), tok(j + 1), DIGIT_WORDS.get(tok(j))
    if word in ("sepuluh", "sebelas"):
        j, val = j + 1, val + SE_WORDS[word]
    elif d and nxt == "puluh":
        j, val = j + 2, val + 10 * d
        if DIGIT_WORDS.get(tok(j)):
            j, val = j + 1, val + DIGIT_WORDS[tok(j)]
    elif d and nxt == "belas":
        j, val = j + 2, val + 10 + d
    elif d is not None:
        j, val = j + 1, val + d
    return (j, val) if j > i else None


# fmt: off
# Duration units -> (canonical unit, fused "se-" form meaning one unit).
UNITS: dict[str, str] = {
    "detik": "second", "dtk": "second", "menit": "minute", "mnt": "minute",
    "mnit": "minute", "jam": "hour", "jm": "hour", "hari": "day", "hr": "day", "hri": "day",
    "minggu": "week", "mingu": "week", "mggu": "week", "mgg": "week", "pekan": "week",
    "bulan": "month", "bln": "month", "tahun": "year", "thn": "year",
}
SE_UNITS: dict[str, str] = {
    "sedetik": "second", "semenit": "minute", "sejam": "hour",
    "sehari": "day", "seminggu": "week", "sepekan": "week",
    "sebulan": "month", "setahun": "year",
}

# Words after a quantity that anchor it to now (future) or the past.
FUTURE_AFTER: tuple[tuple[str, ...], ...] = (
    ("dari", "sekarang"), ("dr", "sekarang"), ("dari", "skrg"),
    ("dr", "skrg"), ("lagi",), ("lg",), ("kemudian",), ("mendatang",),
    ("ke", "depan"), ("kedepan",),
)
PAST_AFTER: tuple[tuple[str, ...], ...] = (
    ("yang", "lalu"), ("yg", "lalu"), ("lalu",), ("sebelumnya",),
)
FUTURE_BEFORE = {"dalam", "dlm"}

# Relative day words -> offset in days from today.
RELATIVE_DAYS: dict[tuple[str, ...], int] = {
    ("hari", "ini"): 0, ("hr", "ini"): 0, ("hri", "ini"): 0,
    ("harini",): 0, ("today",): 0,
    ("ari", "ini"): 0, ("dinten", "ieu"): 0, ("poe", "ieu"): 0, ("dino", "iki"): 0, ("dina", "iki"): 0,  # Sundanese, Javanese
    ("besok",): 1, ("bsk",): 1, ("besuk",): 1, ("bsok",): 1, ("besog",): 1,
    ("esok",): 1, ("esok", "hari"): 1, ("hari", "esok"): 1, ("bezok",): 1,
    ("besoknya",): 1, ("tomorrow",): 1,
    ("sesok",): 1, ("isukan",): 1, ("mbenjang",): 1, ("benjang",): 1,  # Javanese, Sundanese
    ("lusa",): 2, ("besok", "lusa"): 2, ("bsk", "lusa"): 2,
    ("besuk", "lusa"): 2, ("tulat",): 3,
    ("kemarin",): -1, ("kemaren",): -1, ("kmrn",): -1, ("kmarin",): -1,
    ("kemarin", "lusa"): -2,
}

# Part-of-day intervals (start, end) in minutes. Bounds are chosen for
# public service: "pagi" starts at opening time (08:00), "siang" covers the
# midday and lunch break, "sore" the afternoon until the end of office
# work, "malam" the evening. The booking layer intersects them with a
# counter's actual opening hours.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "dini hari": (0, 4 * 60), "subuh": (4 * 60, 6 * 60),
    "pagi": (8 * 60, 11 * 60), "siang": (11 * 60, 15 * 60),
    "sore": (15 * 60, 18 * 60), "malam": (18 * 60, 22 * 60),
}
POD_WORDS: dict[str, str] = {
    "pagi": "pagi", "pgi": "pagi", "pg": "pagi", "siang": "siang",
    "siank": "siang", "sore": "sore", "sre": "sore",
    "petang": "sore", "malam": "malam", "malem": "malam", "mlm": "malam",
    "subuh": "subuh", "shubuh": "subuh",
}

# fmt: on


def clock_hour(hour: int, pod: str | None, fixed: bool) -> int:
    """Spoken hour + part of day -> 24-hour clock; 24 is the midnight ending the day.

    Without a part of day, 1-6 mean afternoon: a counter is not booked at 2 a.m.
    "jam 2 malam" is 02:00 and "jam 12 malam" 24:00.
    """
    if fixed or hour == 0 or hour >= 13:
        return hour
    if pod == "malam":
        return 24 if hour == 12 else hour + 12 if hour >= 6 else hour
    if pod == "sore":
        return hour + 12 if hour < 12 else hour
    if pod in ("siang", None):
        return hour + 12 if hour <= 6 else hour
    return hour  # pagi, subuh, dini hari


# fmt: off
# Words before a part of day that make it "today" ("nanti sore").
TODAY_BEFORE_POD = {"nanti", "ntar", "nnti", "nti", "tar", "tadi", "td"}
# "selamat pagi" is a greeting, not a time.
GREETINGS = {"selamat", "slamat", "slmt", "met", "pagi2"}

HOUR_MARKERS = {"jam", "jm", "pukul", "pkl", "pk", "puku"}
DATE_MARKERS = {"tanggal", "tgl", "tngl", "tangal", "tanggl", "tg", "tggl"}
DAY_PREFIX = {"hari", "hr", "hri"}
NOW_WORDS: tuple[tuple[str, ...], ...] = (
    ("sekarang",), ("skrg",), ("skrang",), ("skrng",), ("sekarng",),
    ("saat", "ini"), ("sat", "ini"),
)
# "at this time of day": only meaningful combined with a day ("besok ...").
THIS_TIME: tuple[tuple[str, ...], ...] = (
    ("waktu", "ini"), ("jam", "segini"), ("jam", "ini"),
    ("waktu", "yang", "sama"), ("jam", "yang", "sama"),
)
CONNECTORS = {"pada", "pd", "di", ",", "sekitar", "sktr", "tepat", "kira2",
              "sekitaran"}
HALF_WORDS = {"setengah", "stengah", "stgh", "setngah", "stgah"}
QUARTER_WORDS = {"seperempat", "sprempat", "seprapat", "seperapat"}
PLUS_WORDS = {"lewat", "lwt", "lebih", "lbh"}
MINUS_WORDS = {"kurang", "krg", "kurng"}
# awal/akhir/pertengahan + period.
ANCHORS = {"awal": "start", "akhir": "end", "ahir": "end", "akir": "end",
           "pertengahan": "mid", "tengah": "mid"}
MONTH_WORDS = {"bulan", "bln"}
YEAR_WORDS = {"tahun", "thn"}
WEEKEND_WORDS = {"weekend", "wiken", "wikend", "wekend"}
# A bare four-digit year is only a year after one of these words.
YEAR_CONTEXT = {"tahun", "thn", "dari", "sejak", "pada", "hingga", "sampai",
                "th"}
RANGE_SEPS = {"-", "–", "sampai", "sampe", "smp", "hingga",
              "sd", "ampe"}
WEEK_MODS = {"ini": 0, "depan": 1, "dpn": 1, "dpan": 1, "lalu": -1,
             "kemarin": -1, "kemaren": -1}
TIMEZONE_WORDS = {"wib", "wita", "wit"}
# fmt: on
