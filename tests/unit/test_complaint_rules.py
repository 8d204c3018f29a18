"""Complaint rules without a database: categories from everyday wording, numbers however typed, who sees what,
deadlines in working days, what counts as a description already given."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from actions.complaints import says_what_happened
from mpp.grievance.model import Category, Complaint, Status, categorize, may_see, parse_number
from mpp.grievance.rules import add_days, load_rules
from mpp.grievance.service import check_description, new_secret, secret_in
from mpp.staff.roles import Role, StaffMember


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ada yg minta duit biar ktp cepet jadi, itu pungli kan?", Category.PUNGLI),
        ("petugas minta uang pelicin biar cepet", Category.PUNGLI),
        ("petugasnya kasar dan minta uang 50rb", Category.PUNGLI),  # extortion wins over rudeness
        ("antrian diserobot orang yg kenal orang dalem", Category.SEROBOT),
        ("petugas loket kk jutek bgt tadi", Category.PETUGAS),
        ("toilet lantai 2 kotor dan airnya mati", Category.FASILITAS),
        ("gue ude nunggu 3 jam kagak dipanggil", Category.LAMBAT),
        ("kenapa paspor saya ditolak tanpa alasan", Category.LAINNYA),
    ],
)
def test_categories_from_everyday_wording(text: str, category: Category) -> None:
    assert categorize(text) is category


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("cek ADU-2026-000123", "ADU-2026-000123"),
        ("adu 2026 123 gimana", "ADU-2026-000123"),
        ("status adu-2026-7", "ADU-2026-000007"),
        ("cek pengaduan saya", None),
        ("ADU-26-1", None),
    ],
)
def test_numbers_however_typed(text: str, number: str | None) -> None:
    assert parse_number(text) == number


def test_secrets_have_digits_and_are_found_next_to_the_number() -> None:
    for _ in range(50):
        s = new_secret()
        assert len(s) == 6 and sum(c.isdigit() for c in s) >= 2 and s[0].isalpha()
    assert secret_in("cek ADU-2026-000123 k7qh2m dong", "ADU-2026-000123") == "K7QH2M"
    assert secret_in("cek ADU-2026-000123 status", "ADU-2026-000123") is None


def _complaint(category: Category, assigned: str | None = None, mpp: str = "kota_bogor") -> Complaint:
    at = datetime(2026, 12, 1, 2, tzinfo=timezone.utc)
    return Complaint(
        1, "ADU-2026-000001", "telegram:1", mpp, "samsat", assigned, category, Status.BARU, at,
        date(2026, 12, 4), date(2026, 12, 8), None, None, False, False,
    )  # fmt: skip


CLERK = StaffMember(1, "sari", Role.CLERK, "kota_bogor", "samsat")
ADMIN = StaffMember(2, "admin", Role.MPP_ADMIN, "kota_bogor", None)
SUPERVISOR = StaffMember(3, "spv", Role.SUPERVISOR, "kota_bogor", None)
OTHER_SPV = StaffMember(4, "spv2", Role.SUPERVISOR, "kota_bekasi", None)


def test_pungli_is_seen_by_the_supervisor_alone_even_when_it_names_an_agency() -> None:
    pungli = _complaint(Category.PUNGLI, assigned="samsat")
    assert [may_see(s, pungli) for s in (CLERK, ADMIN, SUPERVISOR, OTHER_SPV)] == [False, False, True, False]
    slow = _complaint(Category.LAMBAT)
    assert [may_see(s, slow) for s in (CLERK, ADMIN, SUPERVISOR, OTHER_SPV)] == [False, True, True, False]
    assert may_see(CLERK, _complaint(Category.LAMBAT, assigned="samsat"))


def test_overdue_after_the_first_answer_deadline_until_resolved() -> None:
    c = _complaint(Category.LAMBAT)
    assert not c.overdue(date(2026, 12, 4)) and c.overdue(date(2026, 12, 5))


def test_deadlines_count_working_days_and_cite_a_source(demo) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules()
    assert rules.first_response.days == 3 and rules.resolve[Category.PUNGLI].days == 60
    assert all(rules.sources.get(d.source) for d in (rules.first_response, *rules.resolve.values()))
    # Thursday 24 December 2026: the 25th (Christmas) and the weekend do not count.
    assert add_days(demo.catalogue, date(2026, 12, 24), 3) > date(2026, 12, 29)


def test_deadlines_can_be_configured_and_bad_values_stop_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from mpp.deployment import ConfigurationError

    monkeypatch.setenv("COMPLAINT_RESOLVE_DAYS_PUNGLI", "30")
    assert load_rules().resolve[Category.PUNGLI].days == 30
    monkeypatch.setenv("COMPLAINT_RESPONSE_DAYS", "tiga")
    with pytest.raises(ConfigurationError):
        load_rules()


def test_what_counts_as_a_description_already_given() -> None:
    assert not says_what_happened("saya mau komplain")
    assert not says_what_happened("mau lapor")
    assert not says_what_happened("/keluhan")
    assert says_what_happened("petugas loket samsat minta uang 200rb biar cepat")
    assert check_description("  ", 2000) and check_description("x" * 5000, 2000)
    assert check_description("AC mati", 2000) is None
