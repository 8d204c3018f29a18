"""Answers composed from the catalogue (in memory, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mpp.catalogue.model import Catalogue
from mpp.faq import Question, answer
from mpp.text import rupiah

TODAY = date(2026, 11, 27)


@pytest.fixture()
def cat(demo) -> Catalogue:  # type: ignore[no-untyped-def]
    return demo.catalogue


def test_missing_service_asks_with_buttons(cat: Catalogue) -> None:
    reply = answer(cat, Question("tanya_biaya"), TODAY)
    assert "layanan apa" in reply.text.lower()
    assert {c.intent for c in reply.choices} == {"tanya_biaya"}
    assert {"ktp_el", "paspor", "skck"} <= {c.entities["layanan"] for c in reply.choices}


def test_missing_mpp_asks_which_mpp_and_keeps_the_service(cat: Catalogue) -> None:
    reply = answer(cat, Question("tanya_lokasi", service="skck"), TODAY)
    assert [c.entities["mpp"] for c in reply.choices] == sorted(cat.mpps, key=lambda m: cat.mpps[m].name)
    assert all(c.entities["layanan"] == "skck" and c.intent == "tanya_lokasi" for c in reply.choices)


def test_requirements_by_jenis(cat: Catalogue) -> None:
    ktp = cat.services["ktp_el"]
    hilang = answer(cat, Question("tanya_syarat", "ktp_el", "hilang"), TODAY).text
    assert all(item in hilang for item in ktp.requirements["hilang"])
    every = answer(cat, Question("tanya_syarat", "ktp_el"), TODAY).text
    for jenis in ktp.jenis_with_own_requirements:
        assert all(item in every for item in ktp.requirements[jenis])


def test_free_dukcapil_and_paid_passport(cat: Catalogue) -> None:
    assert "GRATIS" in answer(cat, Question("tanya_biaya", "akta_kelahiran"), TODAY).text
    paspor = answer(cat, Question("tanya_biaya", "paspor"), TODAY).text
    assert rupiah(350000) in paspor and rupiah(950000) in paspor


def test_unverified_facts_are_said_to_be_unverified_with_a_contact(cat: Catalogue) -> None:
    pdam = cat.services["air_pdam"]
    assert not pdam.requirements_verified
    reply = answer(cat, Question("tanya_syarat", "air_pdam", mpp="kota_bogor"), TODAY).text
    assert "belum terverifikasi" in reply
    assert "Tirta Pakuan" in reply


def test_service_not_offered_at_the_users_mpp_names_the_mpps_that_have_it(cat: Catalogue) -> None:
    reply = answer(cat, Question("tanya_lokasi", "paspor", mpp="kota_bekasi"), TODAY).text
    assert "tidak tersedia di MPP Kota Bekasi" in reply
    for mpp in cat.mpps_offering("paspor"):
        assert mpp.name in reply


def test_only_mpp_offering_a_service_is_chosen_without_asking(cat: Catalogue) -> None:
    only = [code for code in cat.services if len(cat.mpps_offering(code)) == 1]
    assert only, "the demo catalogue has a service offered at one MPP only"
    reply = answer(cat, Question("tanya_lokasi", only[0]), TODAY)
    assert not reply.choices
    assert cat.mpps_offering(only[0])[0].address in reply.text


def test_hours_show_the_friday_prayer_break_and_warn_when_unverified(cat: Catalogue) -> None:
    bogor = cat.mpps["kota_bogor"]
    reply = answer(cat, Question("tanya_jadwal", mpp="kota_bogor"), TODAY).text
    friday = bogor.hours_on(4)
    assert friday is not None and friday.break_start is not None
    assert friday.break_start.strftime("%H.%M") in reply
    assert "belum terverifikasi" in reply  # the demo MPPs' hours were not found in any source


def test_single_mpp_installation_never_asks_which_mpp(cat: Catalogue) -> None:
    one = replace(
        cat,
        mpps={"kota_bogor": cat.mpps["kota_bogor"]},
        offerings={k: v for k, v in cat.offerings.items() if k[0] == "kota_bogor"},
    )
    reply = answer(one, Question("tanya_jadwal"), TODAY)
    assert not reply.choices and "MPP Kota Bogor" in reply.text


def test_upcoming_closure_is_announced(cat: Catalogue) -> None:
    from mpp.catalogue.model import Closure

    bogor = replace(cat.mpps["kota_bogor"], closures=(Closure(date(2026, 12, 2), "Pemeliharaan gedung"),))
    changed = replace(cat, mpps={**cat.mpps, "kota_bogor": bogor})
    reply = answer(changed, Question("tanya_jadwal", mpp="kota_bogor"), TODAY).text
    assert "Pemeliharaan gedung" in reply and "2 Desember 2026" in reply


def test_service_list_names_agencies_and_where_missing_services_are(cat: Catalogue) -> None:
    reply = answer(cat, Question("daftar_layanan", mpp="kota_bekasi"), TODAY).text
    assert "Paspor (ada di" in reply
    for service in cat.services_at("kota_bekasi"):
        assert service.name in reply
