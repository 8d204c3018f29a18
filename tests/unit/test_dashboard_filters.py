"""Who sees which MPP on the dashboard, what a bad filter says, periods and percentiles."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from mpp.dashboard.filters import BadFilter, Filters, bucket, bucket_label, filters_for
from mpp.dashboard.queries import percentile
from mpp.staff.roles import Refused, Role, StaffMember

TODAY = date(2026, 12, 1)
ADMIN = StaffMember(1, "admin.bogor", Role.MPP_ADMIN, "kota_bogor", None)
SUPERVISOR = StaffMember(2, "supervisor.bogor", Role.SUPERVISOR, "kota_bogor", None)
NATIONAL = StaffMember(3, "pusat", Role.NATIONAL_ADMIN, None, None)
CLERK = StaffMember(4, "dukcapil.bogor", Role.CLERK, "kota_bogor", "disdukcapil")


@pytest.fixture(scope="module")
def cat(demo):  # type: ignore[no-untyped-def]
    return demo.catalogue


def test_an_mpps_staff_see_only_their_mpp_whatever_they_ask(cat) -> None:  # type: ignore[no-untyped-def]
    for member in (ADMIN, SUPERVISOR):
        assert filters_for(member, cat, TODAY, mpp="kota_bekasi").mpp == "kota_bogor"
        assert filters_for(member, cat, TODAY).mpp == "kota_bogor"
    assert filters_for(NATIONAL, cat, TODAY).mpp is None
    assert filters_for(NATIONAL, cat, TODAY, mpp="kota_bekasi").mpp == "kota_bekasi"
    with pytest.raises(Refused):
        filters_for(CLERK, cat, TODAY)


def test_the_default_range_is_the_last_thirty_days_before_today(cat) -> None:  # type: ignore[no-untyped-def]
    f = filters_for(ADMIN, cat, TODAY)
    assert (f.start, f.end, f.period) == (date(2026, 11, 1), date(2026, 11, 30), "day")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"start": "kemarin"}, "TTTT-BB-HH"),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "sebelum tanggal mulai"),
        ({"start": "2024-01-01", "end": "2026-11-30"}, "paling panjang"),
        ({"period": "tahunan"}, "Periode"),
        ({"agency": "tidak_ada"}, "Instansi tidak_ada"),
        ({"mpp": "kota_atlantis"}, "tidak ada di katalog"),
    ],
)
def test_bad_filters_say_what_is_wrong(cat, args, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadFilter, match=message):
        filters_for(NATIONAL, cat, TODAY, **args)


def test_periods_start_on_monday_and_the_first_of_the_month() -> None:
    assert bucket(date(2026, 11, 1), "week") == date(2026, 10, 26)  # a Sunday: ISO week 44
    assert bucket_label(date(2026, 10, 26), "week") == "2026-M44"
    assert bucket(date(2026, 11, 30), "month") == date(2026, 11, 1)
    assert bucket(bucket(date(2026, 11, 18), "week"), "week") == bucket(date(2026, 11, 18), "week")
    assert Filters(date(2026, 11, 1), date(2026, 11, 30)).days() == 30


def test_percentiles_are_nearest_rank() -> None:
    values = Counter({1: 5, 2: 3, 10: 2})  # 1,1,1,1,1,2,2,2,10,10
    assert percentile(values, 0.5) == 1  # the 5th of 10
    assert percentile(values, 0.6) == 2  # the 6th
    assert percentile(values, 0.9) == 10  # the 9th
    assert percentile(Counter(), 0.5) is None


def test_closed_days_are_cut_into_whole_months_then_whole_weeks_then_days() -> None:
    from datetime import date, timedelta

    from mpp.dashboard.filters import bucket
    from mpp.dashboard.rollup import cut_spans

    days = [date(2026, 9, 2) + timedelta(days=i) for i in range(90)]  # Wednesday 2 September – 30 November
    cut = cut_spans(days, lambda first, last: True)
    assert [(kind, unit[0].isoformat(), len(unit)) for kind, unit in cut if kind] == [
        ("week", "2026-09-07", 7),
        ("week", "2026-09-14", 7),
        ("week", "2026-09-21", 7),
        ("month", "2026-10-01", 31),
        ("month", "2026-11-01", 30),
    ]
    assert len(cut) == 13 and [d for _, unit in cut for d in unit] == days  # every day once, in order
    weekly = cut_spans(days, lambda first, last: bucket(first, "week") == bucket(last, "week"))
    assert {kind for kind, _ in weekly} == {"week", None} and len(weekly) == 5 + 12 + 1  # a month spans weeks
    assert all(kind is None for kind, _ in cut_spans(days, None))  # days only (the heat map needs weekdays)
