"""When the assistant is unsure: which services the user probably means."""

from __future__ import annotations

from typing import Sequence

from rapidfuzz import fuzz, process

from mpp.catalogue.model import Catalogue
from mpp.replies import POPULAR_SERVICES, Choice, Reply

TOPIC_TITLES = {
    "tanya_syarat": "Syarat",
    "tanya_biaya": "Biaya",
    "tanya_jadwal": "Jam buka",
    "tanya_lokasi": "Lokasi",
    "tanya_lama_proses": "Lama proses",
}


def likely_services(catalogue: Catalogue, text: str, limit: int = 3, cutoff: float = 75.0) -> list[str]:
    """Service codes whose name or alias resembles a part of the text, best first."""
    names: dict[str, str] = {}
    for service in catalogue.services.values():
        for alias in (service.name, *service.aliases):
            names[alias.lower()] = service.code
    scored: dict[str, float] = {}
    lowered = text.lower()
    for alias, score, _ in process.extract(lowered, list(names), scorer=fuzz.partial_ratio, limit=12):
        if score >= cutoff and len(alias) >= 3:
            code = names[alias]
            scored[code] = max(scored.get(code, 0.0), score)
    return sorted(scored, key=lambda c: -scored[c])[:limit]


# The topics of a question about one service, in the order a citizen asks them most (mpp.faq.ask_topic).
SERVICE_TOPICS = ("tanya_syarat", "tanya_biaya", "tanya_lama_proses", "tanya_jadwal", "tanya_lokasi")
# Below the fallback threshold the ranking is a weak hint: a topic leads the buttons only when the
# classifier gave it at least this much; otherwise requirements, the question asked most, lead.
TOPIC_MIN = 0.15


def guessed_topic(ranking: Sequence[tuple[str, float]]) -> str:
    """The question about a service that the classifier leaned to, if it leaned enough; else requirements."""
    for name, confidence in ranking:
        if name in SERVICE_TOPICS:
            return name if confidence >= TOPIC_MIN else "tanya_syarat"
    return "tanya_syarat"


def fallback_reply(
    catalogue: Catalogue,
    text: str,
    service: str | None,
    ranking: Sequence[tuple[str, float]],
    mpp: str | None,
) -> Reply:
    """Ask back with buttons instead of guessing: likely services × the likely question.

    ``ranking`` is the classifier's (intent, confidence), best first. (The second fallback in a row
    offers a person instead: data/rules/handoff.yml.)"""
    topic = guessed_topic(ranking)
    codes = [service] if service and service in catalogue.services else likely_services(catalogue, text)
    extra = {"mpp": mpp} if mpp else {}
    if len(codes) == 1:
        name = catalogue.services[codes[0]].name
        topics = (topic, *[t for t in SERVICE_TOPICS if t != topic])
        choices = tuple(Choice(f"{TOPIC_TITLES[t]} {name}", t, {"layanan": codes[0], **extra}) for t in topics)
        booking = Choice(f"Ambil antrean {name}", "pesan_antrean", {"layanan": codes[0], **extra})
        return Reply(
            f"Maaf, saya kurang yakin maksud Anda. Apakah tentang {name}? Pilih yang sesuai:", (*choices, booking)
        )
    if not codes:
        codes = list(POPULAR_SERVICES[:6])
        text_out = (
            "Maaf, saya belum paham maksud Anda. 🙏 Pilih layanan di bawah ini, atau tulis ulang pertanyaan "
            'dengan kata lain (contoh: "syarat bikin KK apa?").'
        )
    else:
        text_out = "Maaf, saya kurang yakin maksud Anda. Mungkin salah satu layanan ini?"
    choices = tuple(
        Choice(f"{TOPIC_TITLES[topic]} {catalogue.services[c].name}", topic, {"layanan": c, **extra})
        for c in codes
        if c in catalogue.services
    )
    return Reply(text_out, choices)
