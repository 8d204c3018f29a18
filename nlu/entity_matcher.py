"""Finds the contract's entities in a message with tables and rules (no Rasa here).

``layanan`` and ``mpp`` come from alias tables learnt from the training data
(annotations and synonyms), matched longest-first on word tokens, with a fuzzy
fallback for typos in longer words ("pasport", "kelahran"). ``jenis`` counts only
next to a service or in a short follow-up ("kalau hilang?"), so that "mesin
antreannya rusak" is not a request about damaged documents. ``nik`` and
``kode_booking`` are patterns. Offsets always point into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from rapidfuzz import fuzz, process

TOKEN = re.compile(r"\w+", re.UNICODE)
NIK = re.compile(r"(?<![\d])(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?![\d])")
BOOKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
KODE = re.compile(r"(?<![\w-])([A-Za-z2-9]{4})-?([A-Za-z2-9]{4})(?![\w-])")
PII_TOKEN = re.compile(r"\b(NIKREF|TELREF)[A-Z2-9]{10}\b")
MAX_ALIAS_TOKENS = 5
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 86.0

# Tokens after which "pindah" is about moving a booking, not the SKPWNI service.
_PINDAH_NOT_SERVICE = frozenset(
    "jadwal jadwalnya antrean antrian antreannya antriannya antre antri jam hari tanggal tgl "
    "faskes loket slot booking waktu".split()
)
# "makasih kk", "permisi kk": kk meaning kakak; anywhere else kk is Kartu Keluarga.
_KK_AS_KAKAK_BEFORE = frozenset(
    "makasih makasi trims thanks thx terimakasih kasih permisi halo hallo hai hi pagi siang sore "
    "malam maaf punten ok oke iya ya siap sip nuhun nuwun".split()
)
_REGENCY = frozenset(["kab", "kabupaten"])
# Everyday chat words one letter away from an alias ("kyknya" ~ "kknya"): never read as a typo of one.
_NEVER_FUZZY = frozenset("kyknya kykny kayaknya kynya kyaknya keknya kayanya sepertinya".split())


@dataclass(frozen=True)
class Found:
    entity: str
    start: int
    end: int
    value: str
    text: str


@dataclass(frozen=True)
class _Tok:
    text: str  # lowercased
    start: int
    end: int


def tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group().lower(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def alias_key(text: str) -> str:
    return " ".join(t.text for t in tokens(text))


class AliasTable:
    """Surface form (normalised to word tokens) → canonical value, for one entity."""

    def __init__(self, entity: str, aliases: Mapping[str, str]):
        self.entity = entity
        self.aliases = {alias_key(k): v for k, v in aliases.items() if alias_key(k)}
        self._fuzzy_single = [a for a in self.aliases if " " not in a and len(a) >= FUZZY_MIN_LENGTH]
        self._fuzzy_multi = [a for a in self.aliases if " " in a and len(a) >= FUZZY_MIN_LENGTH + 2]

    def match(self, toks: list[_Tok], taken: set[int]) -> list[tuple[int, int, str]]:
        """(first token, last token + 1, value), longest exact match first, then fuzzy."""
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(MAX_ALIAS_TOKENS, len(toks) - i), 0, -1):
                if any(j in taken for j in range(i, i + n)):
                    continue
                key = " ".join(t.text for t in toks[i : i + n])
                if key in self.aliases:
                    hit = (i, i + n, self.aliases[key])
                    break
            if hit:
                found.append(hit)
                taken.update(range(hit[0], hit[1]))
                i = hit[1]
            else:
                i += 1
        for n, candidates in ((2, self._fuzzy_multi), (1, self._fuzzy_single)):
            if not candidates:
                continue
            for i in range(len(toks) - n + 1):
                if any(j in taken for j in range(i, i + n)):
                    continue
                key = " ".join(t.text for t in toks[i : i + n])
                if len(key) < FUZZY_MIN_LENGTH or key.isdecimal() or key in _NEVER_FUZZY:
                    continue
                best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if best:
                    found.append((i, i + n, self.aliases[best[0]]))
                    taken.update(range(i, i + n))
        return sorted(found)


class EntityMatcher:
    def __init__(self, layanan: Mapping[str, str], mpp: Mapping[str, str], jenis: Mapping[str, str]):
        self.layanan = AliasTable("layanan", layanan)
        self.mpp = AliasTable("mpp", mpp)
        self.jenis = AliasTable("jenis", jenis)

    def find(self, text: str) -> list[Found]:
        toks = tokens(text)
        found: list[Found] = []
        taken: set[int] = set()
        found.extend(self._patterns(text, toks, taken))
        pattern_tokens = set(taken)
        mpp_hits = [h for h in self.mpp.match(toks, taken) if not self._regency(toks, h)]
        found.extend(self._make("mpp", text, toks, h) for h in mpp_hits)
        service_hits = [h for h in self.layanan.match(toks, taken) if self._is_service(toks, h)]
        found.extend(self._make("layanan", text, toks, h) for h in service_hits)
        # jenis words may sit inside a service phrase ("perpanjang stnk"): only patterns block them.
        for hit in self.jenis.match(toks, set(pattern_tokens)):
            if self._jenis_counts(toks, hit, service_hits):
                found.append(self._make("jenis", text, toks, hit))
        return sorted(found, key=lambda f: f.start)

    @staticmethod
    def _make(entity: str, text: str, toks: list[_Tok], hit: tuple[int, int, str]) -> Found:
        start, end = toks[hit[0]].start, toks[hit[1] - 1].end
        return Found(entity, start, end, hit[2], text[start:end])

    @staticmethod
    def _regency(toks: list[_Tok], hit: tuple[int, int, str]) -> bool:
        return hit[0] > 0 and toks[hit[0] - 1].text in _REGENCY

    @staticmethod
    def _is_service(toks: list[_Tok], hit: tuple[int, int, str]) -> bool:
        first, end, value = hit
        words = [t.text for t in toks[first:end]]
        if value == "pindah" and words[-1].startswith("pindah"):
            if end < len(toks) and toks[end].text in _PINDAH_NOT_SERVICE:
                return False
        if words == ["kk"] and first > 0 and toks[first - 1].text in _KK_AS_KAKAK_BEFORE:
            return end < len(toks) and toks[end].text in ("baru", "hilang", "rusak", "ilang")
        return True

    @staticmethod
    def _jenis_counts(toks: list[_Tok], hit: tuple[int, int, str], services: Iterable[tuple[int, int, str]]) -> bool:
        first, end, _ = hit
        if any(abs(first - s_end) <= 3 or abs(s_first - end) <= 3 for s_first, s_end, _ in services):
            return True
        return len(toks) <= 4 and first <= 1

    @staticmethod
    def _patterns(text: str, toks: list[_Tok], taken: set[int]) -> list[Found]:
        found: list[Found] = []
        for m in PII_TOKEN.finditer(text):  # NIK or phone already swapped for a token by the channel
            entity = "nik" if m.group(1) == "NIKREF" else "telepon"
            found.append(Found(entity, m.start(), m.end(), m.group(), m.group()))
        for m in NIK.finditer(text):
            found.append(Found("nik", m.start(), m.end(), "".join(m.groups()), m.group()))
        for m in KODE.finditer(text):
            code = (m.group(1) + m.group(2)).upper()
            digits = sum(c.isdecimal() for c in code)
            if all(c in BOOKING_ALPHABET for c in code) and 2 <= digits <= 6:
                found.append(Found("kode_booking", m.start(), m.end(), code, m.group()))
        for f in found:
            taken.update(i for i, t in enumerate(toks) if t.start < f.end and t.end > f.start)
        return found
