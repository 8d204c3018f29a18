"""For each of the 18 services and each question type, asked in colloquial Indonesian,
the catalogue's own value appears in the assistant's reply (over Rasa's REST channel)."""

from __future__ import annotations

import pytest

from mpp.catalogue.model import SERVICE_CODES, Catalogue, Service
from mpp.text import clock, rupiah
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e

# How people name each service in chat (not the catalogue's display name).
SAID = {
    "ktp_el": "ktp",
    "kk": "kk",
    "akta_kelahiran": "akte lahir",
    "akta_kematian": "akte kematian",
    "kia": "kia",
    "pindah": "surat pindah",
    "skck": "skck",
    "paspor": "paspor",
    "sim": "sim",
    "pajak_kendaraan": "pajak motor",
    "npwp": "npwp",
    "bpjs_kesehatan": "bpjs kesehatan",
    "bpjs_ketenagakerjaan": "bpjs tk",
    "nib": "nib",
    "pbg": "imb",
    "sertifikat_tanah": "sertifikat tanah",
    "air_pdam": "pasang pdam",
    "nikah": "daftar nikah",
}
CITY = {"kota_bogor": "bogor", "kota_bekasi": "bekasi", "kota_tangerang_selatan": "tangsel"}
QUESTIONS = {
    "tanya_syarat": "syarat {s} apa aja min",
    "tanya_biaya": "{s} brp duit ya kak",
    "tanya_lama_proses": "{s} jadinya brp lama",
    "tanya_jadwal": "loket {s} di mpp {city} buka jam brp",
    "tanya_lokasi": "loket {s} di mpp {city} dmn ya",
}


def expected(cat: Catalogue, service: Service, topic: str, mpp_code: str) -> list[str]:
    """Values from the catalogue that the reply must contain."""
    if topic == "tanya_syarat":
        if not service.requirements_verified or not service.requirements:
            return ["belum terverifikasi"]
        first = service.requirements.get(None) or next(iter(service.requirements.values()))
        return [first[0]]
    if topic == "tanya_biaya":
        if service.fee_free:
            return ["GRATIS"]
        amounts = [f.amount for f in service.fees if f.amount]
        if amounts:
            return [rupiah(amounts[0])]
        if service.fees:
            return [service.fees[0].label]
        return ["belum terverifikasi"]
    if topic == "tanya_lama_proses":
        return [service.processing_time] if service.processing_time else ["belum terverifikasi"]
    mpp = cat.mpps[mpp_code]
    if topic == "tanya_jadwal":
        return [mpp.name, clock(mpp.hours[0].opens)]
    offering = cat.offering(mpp_code, service.code)
    assert offering is not None
    return [mpp.address, f"loket {offering.counters[0]}"]


CASES = [(code, topic) for code in SERVICE_CODES for topic in QUESTIONS]


@pytest.mark.parametrize(("code", "topic"), CASES, ids=[f"{c}-{t}" for c, t in CASES])
def test_catalogue_value_appears_in_reply(assistant: Assistant, demo, code: str, topic: str) -> None:  # type: ignore[no-untyped-def]
    cat = demo.catalogue
    mpp_code = cat.mpps_offering(code)[0].code
    question = QUESTIONS[topic].format(s=SAID[code], city=CITY[mpp_code])
    reply = assistant.text(assistant.new_sender(), question)
    for value in expected(cat, cat.services[code], topic, mpp_code):
        assert value in reply, f"{question!r} -> {reply!r}"
