"""Issue 17 round 3 (mpp/booking/repair.py): regional yes, informal stops, "ga jadi X ganti Y", privacy questions."""

from __future__ import annotations

import pytest

from mpp.booking.repair import Mention, asks_about_privacy, pick, says_yes, wants_erasure, wants_to_stop


@pytest.mark.parametrize(
    "text",
    ["muhun", "sumuhun kang", "leres pisan", "nggih", "inggih sampun", "iya atuh", "iye dah", "betul pisan", "ho'oh"],
)
def test_regional_and_informal_yes(text: str) -> None:
    assert says_yes(text)


@pytest.mark.parametrize(
    "text", ["jam 10 aja", "iya tapi jamnya salah", "muhun, tanggalnya ganti", "gak", "Budi Santoso"]
)
def test_a_yes_with_more_in_it_is_not_a_plain_yes(text: str) -> None:
    assert not says_yes(text)


@pytest.mark.parametrize(
    "text", ["gajadi deh", "teu jadi ah", "ndak jadi wae", "gk jd dulu", "cancel dulu ya", "ora sido"]
)
def test_informal_stops(text: str) -> None:
    assert wants_to_stop(text)


def test_ga_jadi_with_a_replacement_named_is_a_change_not_a_stop() -> None:
    text = "ga jadi kk deh, ganti akta kelahiran aja"
    kk, akta = text.index("kk"), text.index("akta")
    kk_m, akta_m = Mention("kk", kk, kk + 2), Mention("akta_kelahiran", akta, akta + 15)
    assert not wants_to_stop(text, [kk_m, akta_m], held=["kk"])
    assert not wants_to_stop(text, [akta_m])  # the old service not recognised: still a change
    chosen = pick([Mention("kk", kk, kk + 2), Mention("akta_kelahiran", akta, akta + 15)], text, lambda v: False)
    assert chosen is not None and chosen.value == "akta_kelahiran"  # "ga jadi kk" turns away from kk
    assert wants_to_stop("gak jadi daftar dulu, nanti aja", [])
    later = "gak jadi deh, saya urus minggu depan aja sendiri"  # a day named, but no replacement chosen
    day = later.index("minggu")
    assert wants_to_stop(later, [Mention("minggu depan", day, day + 12)])


def test_questions_about_personal_data_are_not_requests_to_erase() -> None:
    assert asks_about_privacy("kenapa harus isi nik segala?")
    assert asks_about_privacy("data saya disimpan di mana? aman kan?")
    assert not asks_about_privacy("hapus data saya dong, kenapa disimpan?")
    assert not asks_about_privacy("biayanya berapa?") and not asks_about_privacy("nama saya Rudi Hartono")
    assert wants_erasure("tolong data saya dihapus") and not wants_erasure("data saya aman?")
