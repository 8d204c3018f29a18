"""Personal data helpers: detection, tokens, masking, keys."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mpp.privacy import Crypto, Keys, find_personal_data, load_keys, mask_nik, mask_phone


def test_nik_and_phone_numbers_are_found_with_separators() -> None:
    text = "nik 3271 0457 0890 0001, hp 0812-3456-7890 atau +62 857 1234 5678"
    kinds = [(kind, value) for _, _, kind, value in find_personal_data(text)]
    assert kinds == [("nik", "3271045708900001"), ("telepon", "081234567890"), ("telepon", "085712345678")]


def test_a_phone_like_piece_inside_a_nik_does_not_split_it_but_a_glued_phone_number_is_found() -> None:
    # a birth day of 08 after a space looks like "08…", the start of a mobile number
    assert [(k, v) for _, _, k, v in find_personal_data("nik 327104 080381 5398")] == [("nik", "3271040803815398")]
    assert [(k, v) for _, _, k, v in find_personal_data("3271040803815398 +62 812 3456 7890")] == [
        ("nik", "3271040803815398"),
        ("telepon", "081234567890"),
    ]
    glued = find_personal_data("3271045708900001 081234567890")  # one run of digits: still both
    assert [(k, v) for _, _, k, v in glued] == [("nik", "3271045708900001"), ("telepon", "081234567890")]


def test_a_mistyped_nik_is_still_personal_data() -> None:
    assert [k for _, _, k, _ in find_personal_data("nik saya 327104570890001")] == ["nik"]  # 15 digits


def test_dates_times_and_codes_are_not_personal_data() -> None:
    assert find_personal_data("besok 5/12 jam 09.30, kode K7X4QH9R, loket 12") == []


def test_masking() -> None:
    assert mask_nik("3271045708900001") == "3271********0001"
    assert mask_phone("081234567890") == "0812*****890"


def test_encryption_round_trip_and_keyed_hash() -> None:
    crypto = Crypto(Keys.generate())
    secret = crypto.encrypt("3271045708900001")
    assert "3271045708900001" not in secret and crypto.decrypt(secret) == "3271045708900001"
    assert crypto.keyed_hash("3271045708900001") != Crypto(Keys.generate()).keyed_hash("3271045708900001")


def test_processes_starting_together_share_one_key_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MPP_PII_KEY", raising=False)
    monkeypatch.delenv("MPP_PII_HASH_KEY", raising=False)
    path = tmp_path / "secrets.json"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_keys(path), range(8)))
    assert len({k.encryption for k in keys}) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_numbers_written_with_brackets_are_found() -> None:
    for text, value in [
        ("hp saya (0812) 3456 7890", "081234567890"),
        ("+62 (812)-3456-7890", "081234567890"),
        ("nik (3271) 0457 0890 0001", "3271045708900001"),
    ]:
        assert [v for _, _, _, v in find_personal_data(text)] == [value], text
    assert find_personal_data("datang jam (10) ya, loket (5)") == []
