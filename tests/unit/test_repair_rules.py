"""How a correction is read (mpp/booking/repair.py): the detail named, the value meant, a stop, a name."""

from __future__ import annotations

import pytest

from mpp.booking.repair import (
    Detail,
    Mention,
    is_question,
    name_after_lead,
    name_answer,
    name_in_correction,
    named_details,
    pick,
    says_change,
    says_wrong,
    service_is_reference,
    service_is_verb,
    wants_to_stop,
)


def mentions(text: str, *surfaces: str) -> list[Mention]:
    found, at = [], 0
    for surface in surfaces:
        start = text.index(surface, at)
        found.append(Mention(surface, start, start + len(surface)))
        at = start + len(surface)
    return found


@pytest.mark.parametrize(
    ("text", "surfaces", "current", "meant"),
    [
        ("tanggalnya ganti ya, kamis aja jangan rabu", ("kamis", "rabu"), None, "kamis"),
        ("jangan rabu, kamis aja", ("rabu", "kamis"), None, "kamis"),
        ("salah layanannya, bukan akta tapi kia", ("akta", "kia"), None, "kia"),
        ("eh harinya rabu aja deh, senin saya ujian", ("rabu", "senin"), "senin", "rabu"),
        (
            "selasa saya dinas, tolong ubah jadwalnya ke kamis 3 desember",
            ("selasa", "kamis 3 desember"),
            None,
            "kamis 3 desember",
        ),
        ("layanannya kk bukan ktp, kk saya mau dicetak ulang", ("kk", "ktp", "kk"), "ktp", "kk"),
        ("sebenernya mau urus surat pindah, bukan kk", ("surat pindah", "kk"), "kk", "surat pindah"),
    ],
)
def test_the_value_meant_is_the_one_turned_to_not_the_one_turned_away(
    text: str, surfaces: tuple[str, ...], current: str | None, meant: str
) -> None:
    chosen = pick(mentions(text, *surfaces), text, lambda v: v == current)
    assert chosen is not None and chosen.value == meant


def test_nothing_is_meant_when_every_value_is_turned_away() -> None:
    text = "bukan kia"
    assert pick(mentions(text, "kia"), text, lambda v: False) is None


def test_details_named_without_their_value_and_kept_ones() -> None:
    assert named_details("eh bentar, jamnya salah") == [Detail.WAKTU]
    assert named_details("mpp nya salah, tanggalnya juga") == [Detail.MPP, Detail.TANGGAL]
    assert named_details("jadwalnya salah") == [Detail.TANGGAL, Detail.WAKTU]
    assert named_details("ganti jadwal jadi jam 2 siang", [(18, 29)], [Detail.WAKTU]) == []  # only the time
    assert named_details("ganti hari jumat aja, jamnya sama") == [Detail.TANGGAL]  # the time stays
    assert named_details("senin aja, jamnya tetep") == []
    text = "layanannya kk bukan ktp"  # "ktp" here is a service the NLU found, not the NIK
    assert named_details(text, [(11, 13), (20, 23)]) == [Detail.LAYANAN]


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("batal aja deh, keluarga saya udah ngurus duluan", True),
        ("gak jadi deh, nanti aja", True),
        ("stop dulu, gak jadi. saya tanya istri dulu", True),
        ("cancel", True),
        ("udahan aja", True),
        ("eh jamnya salah", False),
        ("tidak", False),  # at the summary: what should change? nothing is thrown away yet
    ],
)
def test_a_stop_is_said_with_stop_words(text: str, stop: bool) -> None:
    assert wants_to_stop(text) is stop


def test_ga_jadi_before_a_value_changes_that_value() -> None:
    text = "ga jadi senin, selasa aja"
    senin, selasa = text.index("senin"), text.index("selasa")
    assert not wants_to_stop(text, [Mention("senin", senin, senin + 5), Mention("selasa", selasa, selasa + 6)])
    later = "ga jadi, nanti aja saya urus minggu depan"
    day = later.index("minggu")
    assert wants_to_stop(later, [Mention("minggu depan", day, day + 12)])


def test_questions_changes_and_wrongs() -> None:
    assert is_question("biayanya brp?") and is_question("mpp nya buka hari sabtu gak?")
    assert is_question("syaratnya apa aja yg dibawa")
    assert not is_question("eh jamnya salah, jam 10 aja")
    assert says_change("bisa diganti sabtu aja?") and says_change("kamis aja")
    assert not says_change("syaratnya apa aja")  # "apa aja" asks, it chooses nothing
    assert says_wrong("yang tadi salah") and says_wrong("bukan") and not says_wrong("iya benar")


def test_pindah_ke_is_moving_not_the_pindah_service() -> None:
    text = "pindah ke mpp bekasi aja bisa?"
    assert service_is_verb(text, mentions(text, "pindah")[0])
    text = "mau urus surat pindah"
    assert not service_is_verb(text, mentions(text, "surat pindah")[0])


def test_a_document_named_as_where_a_detail_is_written_is_not_a_service() -> None:
    text = "namanya yg lengkap aja: Rina Agustina Wulandari, sesuai ktp"
    assert service_is_reference(text, mentions(text, "ktp")[0])
    text = "ganti, mau urus ktp aja"
    assert not service_is_reference(text, mentions(text, "ktp")[0])


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rina Oktaviani", "Rina Oktaviani"),
        ("nama saya Siti Aminah", "Siti Aminah"),
        ("Dewi Lestari kak", "Dewi Lestari"),
        ("nuraini fadilah", "Nuraini Fadilah"),
        ("Drs. Sudarmo Hadiwijoyo", "Drs. Sudarmo Hadiwijoyo"),
        ("Kurniasih", "Kurniasih"),
        ("lho kok nama, saya kan cuma mau antri", None),
        ("ganti, mau urus akta kelahiran anak aja", None),
        ("ya", None),
        ("makasih", None),
        ("biayanya brp?", None),
        ("akta kelahiran", None),
    ],
)
def test_a_name_is_a_name(text: str, name: str | None) -> None:
    assert name_answer(text) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("namanya kurang tepat, pakai ch: Achmad Fauzan", "Achmad Fauzan"),
        ("nama lengkapnya tolong ditulis Wahyu Setiadi Pranoto ya, bukan cuma Wahyu", "Wahyu Setiadi Pranoto"),
        ("eh nama saya tadi kurang, lengkapnya Sri Wahyuningsih Lestari", "Sri Wahyuningsih Lestari"),
        ("namanya salah", None),
        ("mau ganti nama di Kartu Keluarga", None),
    ],
)
def test_the_new_name_inside_a_correction(text: str, name: str | None) -> None:
    assert name_in_correction(text) == name


def test_the_name_in_a_first_message() -> None:
    text = "booking akta kelahiran selasa jam 1 siang atas nama Larasati Putri nik NIKREFABCDEFGHJK"
    assert name_after_lead(text) == "Larasati Putri"
    assert name_after_lead("mau antri kk di mpp bogor") is None
