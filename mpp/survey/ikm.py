"""The Indeks Kepuasan Masyarakat (IKM) exactly as Permenpan RB 14/2017 computes it.

Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan
Masyarakat Unit Penyelenggara Pelayanan Publik (Lampiran; text reproduced e.g. at
https://puskaandriana.blogspot.com/2023/03/permenpan-no-14-th-2017-tentang-survey.html):

* nine elements (unsur), each answered on a 1–4 scale (``ELEMENTS`` below, in the Lampiran's order);
* NRR per element = the sum of its scores / the number of respondents;
* NRR tertimbang = NRR × 0,111 (the weight 1/9: every element counts the same);
* SKM (IKM) = Σ NRR tertimbang, on 1–4; "SKM unit pelayanan" = that × 25, on 25–100;
* mutu pelayanan (converted value): A Sangat Baik 88,31–100,00; B Baik 76,61–88,30;
  C Kurang Baik 65,00–76,60; D Tidak Baik 25,00–64,99 (perception intervals 3,5324–4,00;
  3,0644–3,532; 2,60–3,064; 1,00–2,5996). The same table is published with IKM reports, e.g.
  https://e-smile.tubaba.go.id/main/skm/laporan/online and the RSD Nganjuk IKM dataset
  (dashboard.nganjukkab.go.id).
* how many respondents: the regulation refers to the Krejcie and Morgan table (population N →
  sample S); ``required_sample`` is the formula that table was computed from
  (χ² = 3,841, P = 0,5, d = 0,05), rounded up.

We weight with exactly 1/9 rather than the rounded 0,111 (which would cap a perfect score at
99,9); the intervals are applied to the converted value rounded to two decimals, as the table is.
Only complete answers (all nine elements) enter the index; one-tap overall scores are
reported beside it, never mixed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ELEMENTS: tuple[tuple[str, str], ...] = (
    ("U1", "Persyaratan"),
    ("U2", "Sistem, Mekanisme, dan Prosedur"),
    ("U3", "Waktu Penyelesaian"),
    ("U4", "Biaya/Tarif"),
    ("U5", "Produk Spesifikasi Jenis Pelayanan"),
    ("U6", "Kompetensi Pelaksana"),
    ("U7", "Perilaku Pelaksana"),
    ("U8", "Penanganan Pengaduan, Saran dan Masukan"),
    ("U9", "Sarana dan Prasarana"),
)
SCALE = (1, 2, 3, 4)
CONVERSION = 25
# (lowest converted value, category, mutu pelayanan), highest first
CATEGORIES: tuple[tuple[float, str, str], ...] = (
    (88.31, "A", "Sangat Baik"),
    (76.61, "B", "Baik"),
    (65.00, "C", "Kurang Baik"),
    (25.00, "D", "Tidak Baik"),
)


@dataclass(frozen=True)
class Index:
    respondents: int  # complete answers
    element_means: tuple[float, ...]  # NRR per element, U1..U9
    value: float  # 1–4
    converted: float  # 25–100, two decimals
    category: str  # A–D
    label: str  # Sangat Baik … Tidak Baik


def category(converted: float) -> tuple[str, str]:
    for low, code, label in CATEGORIES:
        if round(converted, 2) >= low:
            return code, label
    raise ValueError(f"{converted} is below the scale's 25")


def compute(answers: Sequence[Sequence[int]]) -> Index | None:
    """The IKM of complete answers (nine scores 1–4 each); None when there are none."""
    if not answers:
        return None
    for a in answers:
        if len(a) != len(ELEMENTS) or any(v not in SCALE for v in a):
            raise ValueError("an answer has nine scores from 1 to 4")
    n = len(answers)
    means = tuple(sum(a[i] for a in answers) / n for i in range(len(ELEMENTS)))
    return from_element_means(n, means)


def from_element_means(respondents: int, means: Sequence[float]) -> Index:
    """The index from each element's average (what a database sums up): weighted equally, ×25."""
    value = sum(m * (1 / len(ELEMENTS)) for m in means)
    converted = round(value * CONVERSION, 2)
    code, label = category(converted)
    return Index(respondents, tuple(means), value, converted, code, label)


def required_sample(population: int) -> int:
    """Krejcie and Morgan: the respondents a population of ``population`` service users needs."""
    if population <= 0:
        return 0
    chi2, p, d = 3.841, 0.5, 0.05
    return math.ceil(chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p)))
