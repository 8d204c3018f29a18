"""When the assistant is unsure, it asks with two buttons instead of guessing or giving up.

* Two intents: the classifier's top two are close (FallbackClassifier's ambiguity), or the top
  one is below the fallback threshold while the two together clearly pass it. The buttons carry
  each intent with the entities of the original message, so that pressing one continues as if
  that intent had been understood ("Maksud Anda: Syarat KTP elektronik atau Biaya KTP elektronik?").
* Two services: a question that needs a service names none, but a word resembles two catalogue
  services ("syarat akta apa?"); or the word found is only a part shared by two services' names
  ("bpjs" of BPJS Kesehatan and BPJS Ketenagakerjaan).

Pure functions over the NLU ranking and the catalogue: no Rasa here, microseconds per call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from mpp.booking.repair import is_question
from mpp.catalogue.model import Catalogue
from mpp.language import ENGLISH
from mpp.replies import Choice, Reply

# config.yml, FallbackClassifier (the action server cannot read it): kept in step by a unit test.
FALLBACK_THRESHOLD = 0.3
AMBIGUITY_THRESHOLD = 0.05
# Below the threshold, the two together must clearly pass it, and the second must be a real
# contender rather than the noise of twenty intents.
PAIR_MIN = FALLBACK_THRESHOLD + 0.15
SECOND_MIN = 0.15

# The entities a button carries on (never nik/telepon: those are tokens bound to the chat);
# ``bahasa`` keeps an English conversation English after the button (nlu.language).
CARRIED = ("layanan", "jenis", "mpp", "tanggal", "waktu", "kode_booking", "nomor_pengaduan", "bahasa")

# Intents worth a button, with the button's words: {service} is the service named, if any.
_WITH_SERVICE = {
    "tanya_syarat": "Syarat {service}",
    "tanya_biaya": "Biaya {service}",
    "tanya_lama_proses": "Lama proses {service}",
    "tanya_jadwal": "Jam layanan {service}",
    "tanya_lokasi": "Lokasi loket {service}",
    "daftar_layanan": "Apakah ada layanan {service}",
    "pesan_antrean": "Ambil antrean {service}",
}
_WITHOUT_SERVICE = {
    "tanya_syarat": "Syarat dokumen",
    "tanya_biaya": "Biaya layanan",
    "tanya_lama_proses": "Lama proses",
    "tanya_jadwal": "Jam buka MPP",
    "tanya_lokasi": "Lokasi MPP",
    "daftar_layanan": "Daftar layanan",
    "pesan_antrean": "Ambil antrean",
    "cek_antrean": "Cek antrean saya",
    "batal_antrean": "Batalkan antrean",
    "ubah_jadwal": "Ubah jadwal antrean",
    "cek_permohonan": "Cek status permohonan",
    "cek_pengaduan": "Cek status pengaduan",
    "keluhan": "Sampaikan pengaduan",
    "minta_petugas": "Bicara dengan petugas",
    "bantuan": "Apa yang bisa dibantu",
}
CLARIFIABLE = frozenset(_WITHOUT_SERVICE)


@dataclass(frozen=True)
class Ranked:
    intent: str
    confidence: float


def ranking(intent_ranking: Iterable[Mapping[str, object]]) -> list[Ranked]:
    """Rasa's ``intent_ranking`` without ``nlu_fallback``, best first."""
    out = []
    for item in intent_ranking:
        name, confidence = item.get("name"), item.get("confidence")
        if isinstance(name, str) and name != "nlu_fallback" and isinstance(confidence, (int, float)):
            out.append(Ranked(name, float(confidence)))
    return sorted(out, key=lambda r: -r.confidence)


def unsure_between(ranked: Sequence[Ranked]) -> tuple[str, str] | None:
    """The two intents to ask about, or None when the fallback should answer (or none was needed)."""
    if len(ranked) < 2:
        return None
    first, second = ranked[0], ranked[1]
    if first.intent not in CLARIFIABLE or second.intent not in CLARIFIABLE:
        return None
    if first.confidence >= FALLBACK_THRESHOLD:
        close = first.confidence - second.confidence < AMBIGUITY_THRESHOLD
    else:
        close = second.confidence >= SECOND_MIN and first.confidence + second.confidence >= PAIR_MIN
    return (first.intent, second.intent) if close else None


# Unsure between booking and looking something up, a message that names the service *and* the MPP, with an
# errand word (or what to do with the document: "perpanjang", "baru"), no question and no number to look up ("mau cek sertipikat tanah di mpp tangsel", "urus kk di
# mpp bogor") is a visit: a citizen naming where they will go means to go there. The booking form starts
# (it asks for the rest, and "batal" leaves it); a question or a number keeps the two buttons.
VISIT = "pesan_antrean"
_LOOKUPS = frozenset({"daftar_layanan", "cek_permohonan", "cek_antrean"})
_ERRAND = re.compile(
    r"\b(?:mau|mo|ingin|pengen|pingin|pgn|perlu|butuh|urus|ngurus|mengurus|bikin|buat|cek|ngecek|check|daftar|"
    r"antri|antre|booking|datang|dateng|perpanjang|bayar|pasang|rekam|cetak|ganti)\b",
    re.I,
)
_NUMBER = re.compile(r"\d{5,}|\b[A-Z]{3}-\d{4}-\d+\b")


def visit_meant(pair: tuple[str, str], entities: Mapping[str, str], text: str) -> bool:
    """Unsure between a booking and a look-up, but the message says where and for what: a visit."""
    other = pair[1] if pair[0] == VISIT else pair[0] if pair[1] == VISIT else None
    return (
        other in _LOOKUPS
        and bool(entities.get("layanan"))
        and bool(entities.get("mpp"))
        and not entities.get("kode_booking")
        and (bool(_ERRAND.search(text)) or bool(entities.get("jenis")))  # "prpanjang sim": what to do with it
        and not is_question(text)
        and not _NUMBER.search(text)
    )


def carried_entities(entities: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """The first value of each entity worth carrying onto a button, from Rasa's entity list."""
    out: dict[str, str] = {}
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if name in CARRIED and isinstance(name, str) and isinstance(value, str) and name not in out:
            out[name] = value
    return out


def short_name(name: str) -> str:
    """ "KTP Elektronik (KTP-el)" -> "KTP Elektronik": a button's title stays short."""
    return re.sub(r"\s*\(.*?\)", "", name).strip() or name


def intent_title(catalogue: Catalogue, intent: str, service_code: str | None) -> str:
    service = catalogue.service(service_code)
    if service and intent in _WITH_SERVICE:
        return _WITH_SERVICE[intent].format(service=short_name(service.name))
    return _WITHOUT_SERVICE[intent]


def ask_intent(
    catalogue: Catalogue, intents: tuple[str, str], entities: Mapping[str, str], language: str = "id"
) -> Reply:
    """ "Maksud Anda: [Syarat KTP elektronik] atau [Biaya KTP elektronik]?" with both as buttons."""
    service = entities.get("layanan")
    titles = [intent_title(catalogue, i, service) for i in intents]
    choices = tuple(Choice(t, i, dict(entities)) for t, i in zip(titles, intents, strict=True))
    if language == ENGLISH:
        text = f"Did you mean: {titles[0]} or {titles[1]}? Please pick one (the options are in Indonesian)."
    else:
        text = f"Maksud Anda: {titles[0]} atau {titles[1]}? Silakan pilih salah satu."
    return Reply(text, choices)


_WORDS = re.compile(r"\w+")


# Words of service names that are everyday words too ("daftar gimana", "nomor antrean"): no clue.
_NO_CLUE = frozenset("daftar nomor keterangan elektronik surat kartu izin layanan pelayanan".split())


@dataclass(frozen=True)
class _Index:
    names: dict[str, set[str]]  # each lowercased name or alias (also without its bracket) -> its services
    words: dict[str, list[str]]  # each word of those -> the services whose names hold it, catalogue order


_index_cache: list[tuple[Catalogue, _Index]] = []


def _index(catalogue: Catalogue) -> _Index:
    """Built once per catalogue snapshot (the provider hands out the same object until it changes)."""
    if _index_cache and _index_cache[0][0] is catalogue:
        return _index_cache[0][1]
    names: dict[str, set[str]] = {}
    words: dict[str, list[str]] = {}
    for service in catalogue.services.values():
        for alias in {service.name, short_name(service.name), *service.aliases}:
            key = alias.lower().strip()
            names.setdefault(key, set()).add(service.code)
            for word in _WORDS.findall(key):
                codes = words.setdefault(word, [])
                if service.code not in codes:
                    codes.append(service.code)
    index = _Index(names, words)
    _index_cache[:] = [(catalogue, index)]
    return index


def services_sharing(catalogue: Catalogue, surface: str) -> list[str]:
    """The services whose names share the word(s) typed, when the words alone name none of them.

    "bpjs" -> BPJS Kesehatan and BPJS Ketenagakerjaan; "ktp" (an alias of KTP elektronik) -> [].
    """
    words = surface.lower().strip()
    index = _index(catalogue)
    if not words or words in index.names:
        return []
    if _WORDS.fullmatch(words):
        found = index.words.get(words, [])
    else:  # several words: the rare slow path
        pattern = re.compile(rf"(?<!\w){re.escape(words)}(?!\w)")
        found = [c for c in catalogue.services if any(pattern.search(a) for a, cs in index.names.items() if c in cs)]
    return list(found) if len(found) >= 2 else []


def unsure_services(catalogue: Catalogue, text: str, found: str | None, surface: str | None) -> list[str]:
    """Two services to ask about, or [] when the service is clear (or not worth guessing at).

    ``found``: the service the extractor found in this message (``surface``: the words it read).
    With none found, a word of the message shared by the names of exactly two services ("akta",
    "akte": Akta Kelahiran and Akta Kematian); a word shared by more ("surat") is no clue.
    """
    if found:
        shared = services_sharing(catalogue, surface or "")
        return shared[:2] if found in shared[:2] else []
    for word in _WORDS.findall(text.lower()):
        if len(word) >= 3 and word not in _NO_CLUE:
            shared = services_sharing(catalogue, word)
            if len(shared) == 2:
                return shared
    return []


def ask_service(
    catalogue: Catalogue, topic: str, codes: Sequence[str], entities: Mapping[str, str], language: str = "id"
) -> Reply:
    """ "Maksud Anda layanan yang mana: Akta Kelahiran atau Akta Kematian?" with one button each."""
    names = [short_name(catalogue.services[c].name) for c in codes]
    choices = tuple(
        Choice(
            intent_title(catalogue, topic, code) if topic in CLARIFIABLE else name, topic, {**entities, "layanan": code}
        )
        for name, code in zip(names, codes, strict=True)
    )
    if language == ENGLISH:
        text = f"Which service do you mean: {' or '.join(names)}? Please pick one."
    else:
        text = f"Maksud Anda layanan yang mana: {' atau '.join(names)}? Silakan pilih salah satu."
    return Reply(text, choices)
