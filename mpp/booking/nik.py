"""Checks that a NIK is plausible, with one specific message per fault.

A NIK is PP KK CC DDMMYY SSSS: province, regency/city, district, birth date
(day + 40 for women) and a serial number (Permendagri on Dukcapil data).
This checks the structure only; whether the NIK exists is for Dukcapil to say.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Kemendagri province codes (including the Papua provinces formed in 2022).
PROVINCES = frozenset(
    [
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
        21,
        31,
        32,
        33,
        34,
        35,
        36,
        51,
        52,
        53,
        61,
        62,
        63,
        64,
        65,
        71,
        72,
        73,
        74,
        75,
        76,
        81,
        82,
        91,
        92,
        94,
        95,
        96,
        97,
    ]
)


@dataclass(frozen=True)
class NikCheck:
    nik: str | None  # the 16 digits when valid
    problem: str | None  # a polite Indonesian explanation when not
    birth_date: date | None = None
    female: bool | None = None


def check_nik(text: str, today: date) -> NikCheck:
    digits = re.sub(r"[\s.-]", "", unicodedata.normalize("NFKC", text or ""))  # full-width digits count
    if not re.fullmatch(r"[0-9]+", digits):
        return NikCheck(None, "NIK hanya berisi angka (16 digit), tanpa huruf. Mohon ketik ulang NIK Anda.")
    if len(digits) != 16:
        return NikCheck(
            None, f"NIK harus 16 angka, yang Anda kirim {len(digits)} angka. Mohon periksa lagi di KTP/KK Anda."
        )
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if province not in PROVINCES:
        return NikCheck(
            None,
            f"Dua angka pertama NIK adalah kode provinsi, dan {digits[0:2]} bukan kode provinsi yang ada. Mohon periksa lagi.",
        )
    if not 1 <= regency <= 79:
        return NikCheck(
            None,
            f"Angka ke-3 dan ke-4 NIK adalah kode kabupaten/kota, dan {digits[2:4]} tidak mungkin. Mohon periksa lagi.",
        )
    if district == 0:
        return NikCheck(None, "Angka ke-5 dan ke-6 NIK adalah kode kecamatan dan tidak mungkin 00. Mohon periksa lagi.")
    day, month, year2 = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    female = day > 40
    if female:
        day -= 40
    century = 2000 if 2000 + year2 <= today.year else 1900
    try:
        born = date(century + year2, month, day)
    except ValueError:
        return NikCheck(
            None,
            f"Angka ke-7 sampai ke-12 NIK ({digits[6:12]}) adalah tanggal lahir (DDMMYY; untuk perempuan tanggal "
            "ditambah 40), tetapi tidak membentuk tanggal yang ada. Mohon periksa lagi.",
        )
    if born > today:
        return NikCheck(None, "Tanggal lahir di NIK (angka ke-7 sampai ke-12) ada di masa depan. Mohon periksa lagi.")
    if digits[12:] == "0000":
        return NikCheck(None, "Empat angka terakhir NIK (nomor urut) tidak mungkin 0000. Mohon periksa lagi.")
    return NikCheck(digits, None, born, female)
