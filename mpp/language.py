"""Is this message English? A function-word count, and the English lead lines of replies.

Citizens write Indonesian mixed with English words ("fee-nya brp", "reschedule dong", "thanks
kak"); a message counts as English only when English function words clearly outnumber
Indonesian ones. Catalogue facts stay in Indonesian: an English message gets an English lead
sentence and then the same answer (facts are never machine-translated).
Cost: one regex scan and set look-ups, a few microseconds per message.
"""

from __future__ import annotations

import re

ENGLISH = "en"
INDONESIAN = "id"

_WORD = re.compile(r"[a-z]+")

# English words that do not occur in everyday Indonesian chat (no "hi", "ok", "thanks", "fee",
# "booking", "cancel", "check", "open", "ready", "status", "id", "no": Indonesians write those too).
_EN = frozenset(
    """
    the a an is are am was were be been do does did can could would should will shall may might must
    i me my mine you your yours we our us they their he she his her it its this that these those there
    what how where when which who whom why
    of to for from with at on in into by about between after before during
    and or but if not yes also too very much many more most some any every all
    please thank hello good morning afternoon evening
    need needs needed want wants get got make made take takes took bring apply applying renew renewal
    opens opening closes closed hours hour cost costs price long days
    book appointment queue change
    requirement requirements document documents required office card certificate birth death
    marriage passport license licence tax vehicle building land water registration family identity
    new lost damaged
    """.split()
)
# Indonesian (and regional) function words, particles and chat abbreviations.
_ID = frozenset(
    """
    yang yg apa apakah berapa brp gimana gmn bagaimana bgmn di ke dari untuk utk buat bikin membuat
    saya sy aku gue gw gua kami kita anda mau ingin pengen pgn bisa bs ada gak ga nggak ngga enggak tidak
    tdk bukan dong deh sih kak ka min mas mbak pak bu bang ya iya yah dan atau kalau kalo klo kl jam buka
    syarat syaratnya biaya harga lama mana dimana kapan udah sudah belum blm tolong mohon ini itu
    antri antre antrian antrean pagi siang sore malam besok bsk hari terima kasih makasih selamat lagi
    juga aja saja nih tuh dgn dengan pake pakai bayar jadi sampai sampe berapaan kah nya lah pun
    mengurus urus ngurus perlu butuh harus wajib bawa dokumen bikinnya tempat lokasi alamat
    daftar cara tanya nanya nya punten nuhun nuwun sampun wae teh atuh mah euy piye opo
    """.split()
)


def language_of(text: str) -> str:
    """``"en"`` when the English function words clearly outnumber the Indonesian ones, else ``"id"``.

    At least two English words, and more than twice the Indonesian ones: "thanks kak",
    "fee-nya brp", "reschedule dong" stay Indonesian; "how much is a passport" is English.
    """
    english = indonesian = 0
    for word in _WORD.findall(text.lower()):
        if word in _ID or (len(word) > 4 and word.endswith("nya")):
            indonesian += 1
        elif word in _EN:
            english += 1
    return ENGLISH if english >= 2 and english > 2 * indonesian else INDONESIAN


_TOPIC_LEADS = {
    "tanya_syarat": "Requirements for {service}",
    "tanya_biaya": "Fees for {service}",
    "tanya_lama_proses": "Processing time for {service}",
    "tanya_jadwal": "Opening hours",
    "tanya_lokasi": "Where to go",
    "daftar_layanan": "Services",
}
IN_INDONESIAN = "(details from the official catalogue, in Indonesian)"


def answer_lead(topic: str, service_name: str | None, mpp_name: str | None) -> str:
    """ "Requirements for KTP elektronik at MPP Kota Bogor (details …, in Indonesian):"."""
    lead = _TOPIC_LEADS.get(topic, "Here is the answer")
    if "{service}" in lead:
        lead = lead.format(service=service_name or "this service")
    elif service_name and topic in ("tanya_jadwal", "tanya_lokasi"):
        lead += f" for {service_name}"
    if mpp_name:
        lead += f" at {mpp_name}"
    return f"{lead} {IN_INDONESIAN}:"


ASK_SERVICE = "Which service do you mean? Please pick one below (the options are in Indonesian):"
ASK_MPP = "Which MPP (Mal Pelayanan Publik) do you mean? Please pick one below:"
ASK_TOPIC = "What would you like to know? Please pick one below (the options are in Indonesian):"
UNSURE = "Sorry, I am not sure what you mean. Please pick one below (the options are in Indonesian):"
BOOKING_START = (
    "Let's book a queue slot at the MPP. The next questions are in Indonesian; short answers are fine "
    '(a service such as "KTP", a date such as "besok" = tomorrow, a time such as "jam 9" = 9 o\'clock).'
)


def with_lead(lead: str, text: str) -> str:
    return f"{lead}\n\n{text}"
