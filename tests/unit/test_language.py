"""The English detector (mpp.language): English questions vs Indonesian with English words in it."""

from __future__ import annotations

import pytest

from mpp.language import ENGLISH, INDONESIAN, answer_lead, language_of

# Written for this test: how a foreign resident or a returning citizen might ask in English.
ENGLISH_LINES = [
    "what are the requirements for an e-KTP?",
    "how much does a passport cost",
    "what documents do I need for a family card",
    "where is the SKCK counter in MPP Bogor",
    "what time does the MPP open on Saturday",
    "how long does it take to get a birth certificate",
    "I want to book a queue slot for tomorrow",
    "can I renew my driving license here?",
    "thank you very much",
    "thank you for the help",
    "hello, good morning",
    "is there a BPJS office in this MPP",
    "how do I pay my vehicle tax",
    "which services are available at MPP Bekasi",
    "my ID card is lost, what should I do",
    "do I need to bring the original documents?",
    "how much is the fee for a marriage registration",
    "I would like to change my appointment to Friday",
    "where can I apply for a building permit",
    "what are the opening hours on Sunday",
    "is the passport service open today",
    "can you help me with my tax number",
    "I need a police certificate for a job application",
    "how many days until my passport is ready",
]

# Indonesian as citizens write it, English words and all: these must stay Indonesian.
INDONESIAN_LINES = [
    "fee-nya brp",
    "reschedule dong",
    "thanks kak",
    "thanks ya min",
    "cancel booking saya",
    "mau booking antrian ktp besok",
    "syarat bikin ktp apa",
    "skck brp duit",
    "mpp bogor buka jam brp",
    "udah ready belum paspor saya",
    "cek status booking dong",
    "hi kak mau tanya",
    "hello min",
    "ok makasih",
    "online bisa ga daftarnya",
    "the best lah pelayanannya",
    "slot hari sabtu available ga",
    "apply paspor di mpp bisa?",
    "update data kk gimana caranya",
    "meeting point loket skck dimana",
    "sorry kak mau nanya biaya sim",
    "please bantu saya urus akta",
    "jam operasional weekend buka ga",
    "bpjs kesehatan di lantai berapa",
    "fee admin nya berapa kak",
    "is it possible daftar online?",
    "ok noted kak",
]


@pytest.mark.parametrize("line", ENGLISH_LINES)
def test_english_questions_are_english(line: str) -> None:
    assert language_of(line) == ENGLISH


@pytest.mark.parametrize("line", INDONESIAN_LINES)
def test_code_mixed_indonesian_stays_indonesian(line: str) -> None:
    assert language_of(line) == INDONESIAN


def test_a_lone_loanword_or_greeting_is_not_english() -> None:
    for line in ("thanks", "booking", "hello", "ok", "", "?", "12345"):
        assert language_of(line) == INDONESIAN


def test_the_lead_names_the_service_and_the_mpp_and_says_the_facts_are_indonesian() -> None:
    lead = answer_lead("tanya_syarat", "KTP elektronik", "MPP Kota Bogor")
    assert lead.startswith("Requirements for KTP elektronik at MPP Kota Bogor")
    assert "in Indonesian" in lead
    assert answer_lead("tanya_jadwal", None, "MPP Kota Bekasi").startswith("Opening hours at MPP Kota Bekasi")
