from nlu.entity_matcher import EntityMatcher

LAYANAN = {
    "ktp": "ktp_el",
    "e-ktp": "ktp_el",
    "kk": "kk",
    "kartu keluarga": "kk",
    "paspor": "paspor",
    "akte kelahiran": "akta_kelahiran",
    "akta kelahiran": "akta_kelahiran",
    "sim": "sim",
    "bpjs": "bpjs_kesehatan",
    "bpjs ketenagakerjaan": "bpjs_ketenagakerjaan",
    "pindah": "pindah",
    "surat pindah": "pindah",
    "pajak motor": "pajak_kendaraan",
}
MPP = {"bogor": "kota_bogor", "mpp bogor": "kota_bogor", "tangsel": "kota_tangerang_selatan"}
JENIS = {"hilang": "hilang", "ilang": "hilang", "rusak": "rusak", "perpanjang": "perpanjangan", "baru": "baru"}


def found(text: str) -> list[tuple[str, str, str]]:
    matcher = EntityMatcher(LAYANAN, MPP, JENIS)
    return [(f.entity, f.value, text[f.start : f.end]) for f in matcher.find(text)]


def test_longest_alias_wins_and_offsets_point_at_the_user_text() -> None:
    assert found("syarat BPJS Ketenagakerjaan apa") == [("layanan", "bpjs_ketenagakerjaan", "BPJS Ketenagakerjaan")]
    assert found("mau bikin e-ktp di mpp bogor") == [
        ("layanan", "ktp_el", "e-ktp"),
        ("mpp", "kota_bogor", "mpp bogor"),
    ]


def test_typos_in_longer_words_still_find_the_service() -> None:
    assert ("layanan", "paspor", "pasport") in found("biaya pasport brp")
    assert ("layanan", "akta_kelahiran", "akte kelahran") in found("syarat akte kelahran anak")


def test_short_words_need_an_exact_match() -> None:
    assert found("simpan nomornya ya") == []


def test_jenis_counts_only_near_a_service_or_in_a_short_follow_up() -> None:
    assert ("jenis", "hilang", "ilang") in found("ktp saya ilang gmn")
    assert ("jenis", "hilang", "hilang") in found("kalau hilang?")
    assert [e for e in found("mesin antreannya rusak dari tadi pagi min") if e[0] == "jenis"] == []


def test_kk_is_kartu_keluarga_unless_it_addresses_someone() -> None:
    assert found("syarat kk baru apa") == [("layanan", "kk", "kk"), ("jenis", "baru", "baru")]
    assert found("makasih kk") == []


def test_moving_a_booking_is_not_the_surat_pindah_service() -> None:
    assert found("mau pindah jadwal antrean") == []
    assert ("layanan", "pindah", "surat pindah") in found("syarat surat pindah ke bekasi")


def test_regency_is_not_the_city() -> None:
    assert [e for e in found("mpp kabupaten bogor dimana") if e[0] == "mpp"] == []


def test_nik_and_booking_code_patterns() -> None:
    assert ("nik", "3271045708900001", "3271 0457 0890 0001") in found("nik saya 3271 0457 0890 0001")
    assert ("kode_booking", "K7X4QH9R", "k7x4qh9r") in found("cek booking k7x4qh9r dong")
    # 0, O, 1 and I are not in the booking alphabet; plain words are not codes.
    assert [e for e in found("kode K0X4QH1R") if e[0] == "kode_booking"] == []
    assert [e for e in found("syaratnya apaaja") if e[0] == "kode_booking"] == []


def test_everyday_words_near_an_alias_are_not_a_service() -> None:
    matcher = EntityMatcher({**LAYANAN, "kknya": "kk"}, MPP, JENIS)
    assert [f.value for f in matcher.find("eh kyknya di tangsel aja deh")] == ["kota_tangerang_selatan"]
    assert [f.value for f in matcher.find("syarat kknya apa")] == ["kk"]  # still a service with its own word


def test_a_misspelt_mpp_name_after_mpp_is_found_even_when_the_misspelling_is_a_known_word() -> None:
    mpp = {"mpp tangerang selatan": "kota_tangerang_selatan", "mpp kota bekasi": "kota_bekasi", "bekasi": "kota_bekasi"}
    known = {"tanggerang", "tangerang", "selatan", "bekas"}
    matcher = EntityMatcher(LAYANAN, mpp, JENIS, known)
    text = "mau cek sertifikat di mpp tanggerang selatan"
    assert [(f.value, text[f.start : f.end]) for f in matcher.find(text) if f.entity == "mpp"] == [
        ("kota_tangerang_selatan", "mpp tanggerang selatan")
    ]
    assert [f.value for f in matcher.find("mpp kota bekasih aja") if f.entity == "mpp"] == ["kota_bekasi"]
    # without "mpp" before them, known words stay words; a place not in the table is no MPP
    assert not [f for f in matcher.find("dari tanggerang selatan") if f.entity == "mpp"]
    assert not [f for f in matcher.find("mpp kota tangerang") if f.entity == "mpp"]
