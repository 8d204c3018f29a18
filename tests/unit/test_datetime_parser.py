"""Indonesian date/time parser: gold-set accuracy and the tricky rules.

Gold values in tests/data/datetime are fixed for NOW (Friday 27 Nov 2026,
10:00 WIB); see the README there for the sources and the exclusions.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from nlu.datetime_parser import Dates, DateTimes, DateTimeSpan, Duration, Times, find_spans, parse, parse_iso

DATA = Path(__file__).resolve().parents[1] / "data" / "datetime"
WIB = timezone(timedelta(hours=7), "WIB")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # a Friday
GOLD_FILES = ["xsid_gold.tsv", "citizen_gold.tsv", "heldout_gold.tsv"]
MIN_RATE = 0.95


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:2] == ["utterance", "span"]
    return [line.split("\t") for line in lines[1:] if line.strip()]


def _offset(utterance: str, span: str) -> int:
    """First whole-word occurrence of the gold span in the utterance."""
    start = utterance.find(span)
    while start >= 0:
        end = start + len(span)
        if (start == 0 or not utterance[start - 1].isalnum()) and (
            end == len(utterance) or not utterance[end].isalnum()
        ):
            return start
        start = utterance.find(span, start + 1)
    raise AssertionError(f"gold span {span!r} is not in {utterance!r}")


def _v(text: str, now: datetime = NOW) -> str | None:
    return parse_iso(text, now)


# -- gold sets ---------------------------------------------------------------


@pytest.mark.parametrize("name", GOLD_FILES)
def test_gold_parse_accuracy(name: str) -> None:
    rows = _rows(name)
    misses = [(span, parse_iso(span, NOW), value) for _, span, value in rows if parse_iso(span, NOW) != value]
    rate = 1 - len(misses) / len(rows)
    print(f"\n{name}: parse exact match {len(rows) - len(misses)}/{len(rows)} = {rate:.3f}")
    for span, got, want in misses:
        print(f"  miss {span!r}: got {got!r}, want {want!r}")
    assert rate >= MIN_RATE


# Span boundaries follow the xSID convention ("tanggal 28", "jam 5 sore"); the held-out file was
# written without it (e.g. "05-12" without its "tanggal"), so only its values are measured.
@pytest.mark.parametrize("name", GOLD_FILES[:2])
def test_gold_find_spans_accuracy(name: str) -> None:
    rows = _rows(name)
    misses = []
    for utterance, span, value in rows:
        start = _offset(utterance, span)
        found = find_spans(utterance, NOW)
        if not any((s.start, s.end, s.iso) == (start, start + len(span), value) for s in found):
            misses.append((utterance, span, [(s.text, s.iso) for s in found]))
    rate = 1 - len(misses) / len(rows)
    print(f"\n{name}: find_spans span+offsets+value {len(rows) - len(misses)}/{len(rows)} = {rate:.3f}")
    for utterance, span, got in misses:
        print(f"  miss {utterance!r} want {span!r}, got {got}")
    assert rate >= MIN_RATE


def test_gold_files_are_well_formed() -> None:
    assert len(_rows("citizen_gold.tsv")) >= 130
    xsid, excluded = _rows("xsid_gold.tsv"), _rows("xsid_excluded.tsv")
    assert len(xsid) + len(excluded) == 311  # every source row is kept or excluded
    assert all(len(r) == 3 and r[2].strip() for r in xsid + excluded + _rows("citizen_gold.tsv"))
    assert len(excluded) <= 0.1 * 311
    assert (DATA / "LICENSE_CC-BY-SA-4.0.txt").is_file()


# -- spans -------------------------------------------------------------------


def test_find_spans_offsets_point_into_original_text() -> None:
    text = "Selamat pagi! Mau antri Jum\u2019at jam 9, atau bsk jam 14.30 ya"
    spans = find_spans(text, NOW)
    assert [s.text for s in spans] == ["Jum\u2019at jam 9", "bsk jam 14.30"]
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert spans[0] == DateTimeSpan(24, 36, "Jum\u2019at jam 9", DateTimes(datetime(2026, 12, 4, 9, 0)))
    assert (spans[0].kind, spans[0].iso) == ("tanggal_waktu", "2026-12-04T09:00")


def test_find_spans_kinds_and_no_false_positives() -> None:
    kinds = {s.text: s.kind for s in find_spans("besok, lalu jam 9, lalu 5 menit", NOW)}
    assert kinds == {"besok": "tanggal", "jam 9": "waktu", "5 menit": "waktu"}
    assert find_spans("besok pagi jam 8", NOW)[0].kind == "tanggal_waktu"
    for text in ["untuk 2 orang", "NIK 3201234567890001", "jam berapa buka?", "selamat sore kak", "Rp 350.000"]:
        assert find_spans(text, NOW) == [], text


def test_values_are_typed_and_iso_only_on_request() -> None:
    """Callers get dates, times and durations to compute with; the ISO text is for Rasa's entities."""
    assert parse("minggu depan", NOW) == Dates(datetime(2026, 11, 30).date(), datetime(2026, 12, 6).date())
    week = parse("minggu depan", NOW)
    assert isinstance(week, Dates) and len(week.days()) == 7
    assert parse("besok", NOW) == Dates(datetime(2026, 11, 28).date(), datetime(2026, 11, 28).date())
    pagi = parse("pagi", NOW)
    assert isinstance(pagi, Times) and pagi.span() == (datetime(1, 1, 1, 8).time(), datetime(1, 1, 1, 11).time())
    exact = parse("jam setengah 10", NOW)
    assert isinstance(exact, Times) and exact.span() == (datetime(1, 1, 1, 9, 30).time(),) * 2
    morning = parse("besok pagi", NOW)
    assert isinstance(morning, DateTimes) and morning.days() == [datetime(2026, 11, 28).date()]
    assert parse("lima menit", NOW) == Duration("minute", 5)
    assert (
        parse_iso("lima menit", NOW) == "PT5M" and parse_iso("besok pagi", NOW) == "2026-11-28T08:00/2026-11-28T11:00"
    )


def test_parse_combines_separate_day_and_time() -> None:
    assert _v("besok aja deh, jam setengah sembilan") == "2026-11-28T08:30"
    assert _v("halo kak") is None


# -- hours -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("jam 9", "09:00"),
        ("jam 2", "14:00"),  # 1-6 without part of day: afternoon (offices close ~16:00)
        ("jam 6", "18:00"),
        ("jam 7", "07:00"),
        ("jam 12", "12:00"),
        ("jam 2 siang", "14:00"),
        ("jam 2 pagi", "02:00"),
        ("jam 5 sore", "17:00"),
        ("jam 7 malam", "19:00"),
        ("jam 2 malam", "02:00"),
        ("jam 12 malam", "00:00"),
        ("14.30", "14:30"),
        ("14:30", "14:30"),
        ("jam 8:45", "08:45"),
        ("jam 06 . 30", "06:30"),  # tokenised, leading zero = 24-hour clock
        ("pukul 7 . 30 pagi", "07:30"),
        ("setengah 10", "09:30"),  # Indonesian "half ten" is 9:30
        ("jam setengah 2", "13:30"),
        ("setengah 8 pagi", "07:30"),
        ("jam 9 kurang seperempat", "08:45"),
        ("jam 10 lewat 15", "10:15"),
        ("jam 10 lewat seperempat", "10:15"),
        ("jm 11", "11:00"),
        ("jam9", "09:00"),
        ("pkl 13.00", "13:00"),
        ("pukul enam belas", "16:00"),
        ("615 pagi", "06:15"),
        ("jam 10 WIB", "10:00"),
        ("jam 9-11", "09:00/11:00"),
        ("jam 1 - 3 siang", "13:00/15:00"),
    ],
)
def test_clock_times(text: str, value: str) -> None:
    assert _v(text) == value


def test_midnight_belongs_to_the_next_day() -> None:
    assert _v("besok jam 12 malam") == "2026-11-29T00:00"
    assert _v("tengah malam") == "00:00"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pagi", "08:00/11:00"),
        ("siang", "11:00/15:00"),
        ("sore", "15:00/18:00"),
        ("malam", "18:00/22:00"),
        ("besok pagi", "2026-11-28T08:00/2026-11-28T11:00"),
        ("nanti sore", "2026-11-27T15:00/2026-11-27T18:00"),
        ("malam minggu", "2026-11-28T18:00/2026-11-28T22:00"),  # Saturday evening
        ("besok pagi jam 9", "2026-11-28T09:00"),
        ("besok sore jam 3", "2026-11-28T15:00"),  # the part of day settles the hour
    ],
)
def test_parts_of_day(text: str, value: str) -> None:
    assert _v(text) == value


# -- dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hari ini", "2026-11-27"),
        ("besok", "2026-11-28"),
        ("bsk", "2026-11-28"),
        ("besuk", "2026-11-28"),
        ("bsok", "2026-11-28"),
        ("lusa", "2026-11-29"),
        ("besok lusa", "2026-11-29"),
        ("kemarin", "2026-11-26"),
        ("sekarang", "2026-11-27T10:00"),
    ],
)
def test_relative_days(text: str, value: str) -> None:
    assert _v(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("senin", "2026-11-30"),  # said on a Friday: the coming Monday
        ("jumat", "2026-12-04"),  # today excluded: next week's Friday
        ("jum'at", "2026-12-04"),
        ("jumat ini", "2026-11-27"),
        ("sabtu", "2026-11-28"),
        ("minggu", "2026-11-29"),
        ("ahad", "2026-11-29"),
        ("hari minggu depan", "2026-12-06"),
        ("senin depan", "2026-11-30"),
        ("sabtu depan", "2026-12-05"),
        ("selasa ini", "2026-12-01"),  # this week's Tuesday is past
        ("senin besok", "2026-11-30"),  # colloquial: the coming Monday
        ("minggu depan hari rabu", "2026-12-02"),
    ],
)
def test_weekdays(text: str, value: str) -> None:
    assert _v(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("minggu depan", "2026-11-30/2026-12-06"),
        ("minggu ini", "2026-11-27/2026-11-29"),  # rest of this week
        ("akhir pekan ini", "2026-11-28/2026-11-29"),
        ("weekend depan", "2026-12-05/2026-12-06"),
        ("bulan depan", "2026-12-01/2026-12-31"),
        ("akhir bulan", "2026-11-30"),
        ("awal bulan depan", "2026-12-01"),
        ("tahun depan", "2027-01-01/2027-12-31"),
        ("senin sampai rabu", "2026-11-30/2026-12-02"),
        ("tgl 5-7 des", "2026-12-05/2026-12-07"),
    ],
)
def test_periods(text: str, value: str) -> None:
    assert _v(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5/12", "2026-12-05"),  # Indonesian order: day/month
        ("05-12-2026", "2026-12-05"),
        ("5/12/26", "2026-12-05"),
        ("5 / 12 / 2026", "2026-12-05"),
        ("12/26/2018", "2018-12-26"),  # only month/day is valid
        ("2026-12-05", "2026-12-05"),
        ("tgl 5", "2026-12-05"),  # 5 Nov has passed
        ("tanggal 28", "2026-11-28"),
        ("tanggal 5 des", "2026-12-05"),
        ("5 Des 2026", "2026-12-05"),
        ("5 desember", "2026-12-05"),
        ("tngl 3 jan", "2027-01-03"),
        ("5 nop", "2027-11-05"),
        ("17 agt", "2027-08-17"),
        ("10 pebruari", "2027-02-10"),
        ("tanggal tiga belas Mei 2037", "2037-05-13"),
    ],
)
def test_explicit_dates(text: str, value: str) -> None:
    assert _v(text) == value


def test_day_and_period_combinations() -> None:
    assert _v("nanti jam 2") == "2026-11-27T14:00"
    assert _v("bulan depan tgl 3") == "2026-12-03"
    assert _v("minggu depan tgl 2") == "2026-12-02"  # the week spans November and December
    assert _v("senin, 7 desember jam 9") == "2026-12-07T09:00"
    monday = datetime(2027, 2, 1, 9, 0, tzinfo=WIB)
    assert _v("senin - jumat", monday) == "2027-02-08/2027-02-12"


def test_year_rollover() -> None:
    assert _v("5 januari") == "2027-01-05"
    assert _v("27 november") == "2026-11-27"  # today has not passed
    assert _v("26 november") == "2027-11-26"
    assert _v("5 januari 2026") == "2026-01-05"  # an explicit year is kept
    assert _v("september") == "2027-09-01/2027-09-30"
    assert _v("tgl 29 feb") == "2028-02-29"  # next year that has it
    assert _v("5 januari", datetime(2026, 12, 31, 9, 0, tzinfo=WIB)) == "2027-01-05"


def test_month_ends() -> None:
    feb = datetime(2027, 2, 10, 9, 0, tzinfo=WIB)
    assert _v("akhir bulan", feb) == "2027-02-28"
    assert _v("akhir bulan", datetime(2028, 2, 10, 9, 0, tzinfo=WIB)) == "2028-02-29"
    assert _v("akhir bulan depan", datetime(2027, 1, 31, 9, 0, tzinfo=WIB)) == "2027-02-28"
    assert _v("sebulan lagi", datetime(2027, 1, 31, 9, 0, tzinfo=WIB)) == "2027-02-28"
    assert _v("tgl 30", feb) == "2027-03-30"  # February has no 30th
    assert _v("bulan ini", feb) == "2027-02-10/2027-02-28"


# -- relative to now ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3 hari lagi", "2026-11-30"),
        ("tiga hari lagi", "2026-11-30"),
        ("seminggu lagi", "2026-12-04"),
        ("2 minggu lagi", "2026-12-11"),
        ("dalam 3 hari", "2026-11-30"),
        ("dua jam dari sekarang", "2026-11-27T12:00"),
        ("setengah jam lagi", "2026-11-27T10:30"),
        ("satu setengah jam lagi", "2026-11-27T11:30"),
        ("dalam 15 detik", "2026-11-27T10:00:15"),
        ("lima menit", "PT5M"),
        ("2 jam", "PT2H"),
        ("3 hari", "P3D"),
        ("dua puluh dua jam dari sekarang", "2026-11-28T08:00"),
        ("sebelas tahun setengah dari sekarang", "2038-05-27"),
    ],
)
def test_relative_to_now(text: str, value: str) -> None:
    assert _v(text) == value


def test_timezone_is_the_callers_local_time() -> None:
    late = datetime(2026, 11, 27, 23, 30, tzinfo=WIB)  # already 16:30 UTC of the same day
    assert _v("besok", late) == "2026-11-28"
    assert _v("2 jam lagi", late) == "2026-11-28T01:30"
    assert _v("sekarang", late) == "2026-11-27T23:30"
    # 00:30 WIB on the 28th is still the 27th in UTC: the local date wins
    early = datetime(2026, 11, 28, 0, 30, tzinfo=WIB)
    assert early.astimezone(timezone.utc).date().day == 27
    assert _v("hari ini", early) == "2026-11-28"
    assert _v("besok", early) == "2026-11-29"
    # the same instant given in UTC resolves in UTC: values follow now's zone
    assert _v("hari ini", early.astimezone(timezone.utc)) == "2026-11-27"
