"""A promised completion date counts working days: no weekends, no decreed holidays or cuti bersama,
no MPP closures; and no date at all where the processing time gives no sourced bound."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mpp.catalogue.completion import (
    HOLIDAYS_UNKNOWN,
    NO_PROCESSING_TIME,
    NOT_BOUNDED,
    PROMISED,
    UNVERIFIED,
    add_working_days,
    is_working_day,
    promised_completion,
)
from mpp.catalogue.model import Catalogue, Closure, Provenance
from mpp.faq import Question, answer


@pytest.fixture()
def cat(demo) -> Catalogue:  # type: ignore[no-untyped-def]
    return demo.catalogue


def test_passport_four_working_days_skip_christmas_cuti_bersama_and_the_weekend(cat: Catalogue) -> None:
    # Mon 21 Dec 2026: Tue 22 (1), Wed 23 (2), Thu 24 cuti bersama, Fri 25 Natal, Sat-Sun, Mon 28 (3), Tue 29 (4)
    done = promised_completion(cat, "paspor", None, date(2026, 12, 21), "kota_bogor")
    assert (done.reason, done.day) == (PROMISED, date(2026, 12, 29))
    assert {s.id for s in done.sources} >= {"republika_paspor_2022"}


def test_count_over_idul_fitri_2026(cat: Catalogue) -> None:
    # JHT claim, 5 working days from Tue 17 Mar 2026: cuti bersama 18, Nyepi 19, cuti 20, Idul Fitri 21-22,
    # cuti 23-24; working days Wed 25 (1), Thu 26 (2), Fri 27 (3), Mon 30 (4), Tue 31 (5).
    done = promised_completion(cat, "bpjs_ketenagakerjaan", None, date(2026, 3, 17))
    assert done.day == date(2026, 3, 31)


def test_an_mpp_closure_is_not_a_working_day(cat: Catalogue) -> None:
    bogor = replace(cat.mpps["kota_bogor"], closures=(Closure(date(2026, 12, 8), "Pemeliharaan gedung"),))
    closed = replace(cat, mpps={**cat.mpps, "kota_bogor": bogor})
    assert is_working_day(closed, bogor, date(2026, 12, 8)) is False
    # Thu 3 Dec + 4: Fri 4 (1), Mon 7 (2), Tue 8 closed, Wed 9 (3), Thu 10 (4)
    assert promised_completion(closed, "paspor", None, date(2026, 12, 3), "kota_bogor").day == date(2026, 12, 10)
    assert promised_completion(closed, "paspor", None, date(2026, 12, 3), "kota_bekasi").day == date(2026, 12, 9)
    extra = promised_completion(cat, "paspor", None, date(2026, 12, 3), "kota_bekasi", extra_closed={date(2026, 12, 9)})
    assert extra.day == date(2026, 12, 10)


def test_same_day_on_a_day_off_is_the_next_working_day(cat: Catalogue) -> None:
    assert promised_completion(cat, "nib", None, date(2026, 12, 2)).day == date(2026, 12, 2)  # a Wednesday
    assert promised_completion(cat, "nib", None, date(2026, 12, 24)).day == date(2026, 12, 28)  # cuti bersama
    assert add_working_days(cat, None, date(2026, 8, 15), 0) == date(2026, 8, 18)  # Sat, Sun, Mon 17 Aug


def test_no_date_without_a_sourced_bound(cat: Catalogue) -> None:
    assert promised_completion(cat, "ktp_el", None, date(2026, 12, 3)).reason == NO_PROCESSING_TIME
    land = promised_completion(cat, "sertifikat_tanah", "perubahan", date(2026, 12, 3))
    assert (land.day, land.reason) == (None, NOT_BOUNDED)  # "sekitar 5 ... sebagian sumber 7": no promise
    jht = cat.services["bpjs_ketenagakerjaan"]
    doubtful = replace(
        jht, facts={**jht.facts, "processing_time": Provenance(("sindonews_jht_2022",), date(2026, 3, 20), False)}
    )
    unverified = replace(cat, services={**cat.services, "bpjs_ketenagakerjaan": doubtful})
    assert promised_completion(unverified, "bpjs_ketenagakerjaan", None, date(2026, 12, 1)).reason == UNVERIFIED


def test_no_date_when_the_count_reaches_a_year_without_a_decree(cat: Catalogue) -> None:
    assert 2027 not in cat.holiday_years
    assert is_working_day(cat, None, date(2027, 1, 4)) is None
    late = promised_completion(cat, "bpjs_ketenagakerjaan", None, date(2026, 12, 28))
    assert (late.day, late.reason) == (None, HOLIDAYS_UNKNOWN)


def test_the_processing_answer_gives_the_date_or_says_why_there_is_none(cat: Catalogue) -> None:
    paspor = answer(cat, Question("tanya_lama_proses", "paspor"), date(2026, 12, 21)).text
    assert "paling lambat Selasa, 29 Desember 2026" in paspor
    land = answer(cat, Question("tanya_lama_proses", "sertifikat_tanah", "perubahan"), date(2026, 12, 3)).text
    assert "belum bisa saya janjikan" in land and "paling lambat" not in land
    late = answer(cat, Question("tanya_lama_proses", "bpjs_ketenagakerjaan"), date(2026, 12, 28)).text
    assert "kalender libur tahun 2027 belum ada" in late
