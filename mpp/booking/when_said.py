"""What a date or a part of the day in a message is about, when it is not the visit.

An opening greeting's part of the day ("sore kak, eh pagi ding. mau rekam ktp") is no time to book;
a date that tells when a document expires or someone was born or died ("sim saya abis bulan ini",
"akta anak yang lahir tanggal 3", "meninggal minggu lalu") is no day to book. Plain functions over the
text, used by the booking form (actions.form_repair) to drop those values from what the NLU found.
"""

from __future__ import annotations

import re

# An opening greeting with a part of the day: "pagi min,", "siang kak", "malam, ...", "selamat sore admin".
# Its "pagi" is no time to book; a bare "siang aja" or "sore jam 3" is (no address word or comma after it).
_POD = r"(?:pagi|pgi|siang|siank|sore|sre|malam|malem|mlm)(?:2|-\w+)?"
_ADDRESS = r"(?:min|mimin|admin|kak|ka|kakak|pak|bu|bapak|ibu|mas|mbak|mba|bang|gan|sis|teh|kang|om|tante|semua|all)"
# The greeting set right at once ("sore kak, eh pagi ding."): the second part of the day is a greeting too.
_GREETING_FIX = r"(?:eh+|ups+|maaf|ralat|salah|maksud(?:nya|ku|ny)?)"
_GREETING_TAIL = r"(?:ding|deng|dink|deh|maksudnya|maksudku|hehe\w*|wkwk\w*|" + _ADDRESS + r")"
_GREETING = re.compile(
    r"^\W*(?:(?:assalamu\w*(?:\s+wr\.?\s*wb\.?)?|halo+|hal+o|hai|hi|permisi|punten|misi)\W+)?"
    r"(?:(?:selamat|slamat|slmt|met)\s+" + _POD + r"|" + _POD + r"(?=\s*[,.!]|\s+" + _ADDRESS + r"\b))"
    r"(?:\s+" + _ADDRESS + r"\b)*[\s,.!]*"
    r"(?:(?:"
    + _GREETING_FIX
    + r"[\s,.!]+)+(?:(?:selamat|slamat|slmt|met)\s+)?"
    + _POD
    + r"(?:\s+"
    + _GREETING_TAIL
    + r"\b)*(?=\s*[,.!]|\s*$)[\s,.!]*)*",
    re.I,
)


def greeting_end(text: str) -> int:
    """Where an opening greeting with a part of the day ends ("pagi min, mau antri kk" -> 10); 0 if none.

    Only a greeting followed by more words counts: "siang kak" alone may answer "jam berapa?".
    """
    m = _GREETING.match(text)
    if not m or not re.search(r"\w", text[m.end() :]):
        return 0
    return m.end()


# Words that make a date the day something happens to a document or a person, not the day of the visit:
# "sim saya abis bulan ini", "berlaku sampai tgl 10", "lahir tanggal 3", "meninggal minggu lalu".
_EXPIRY = re.compile(
    r"\b(?:h?abis(?:nya)?|hbs|berlaku(?:nya)?(?:\s+(?:sampai|sampe|smp|hingga|cuma|cuman|s\.?\s?d\.?))?|"
    r"aktif(?:nya)?\s+(?:sampai|sampe|smp|hingga)|"
    r"expired?|exp|kadaluarsa|kadaluwarsa|kedaluarsa|kedaluwarsa|kdaluarsa|mati(?:nya)?)\b",
    re.I,
)
_LIFE = re.compile(
    r"\b(?:lahir(?:nya)?|lair|brojol|meninggal(?:nya)?(?:\s+dunia)?|wafat(?:nya)?|tutup\s+usia|berpulang)\b", re.I
)
# "abis" and "mati" are about a document only when one is named before them in the clause ("abis itu rabu
# aja" is "after that").
_DOCUMENT = re.compile(
    r"\b(?:sim|ktp|kk|paspor|pasport|passport|stnk|bpkb|kartu|akta|akte|kia|npwp|surat|dokumen|izin|ijin|pajak|"
    r"masa|bpjs|\w{3,}nya)\b",
    re.I,
)
# Between the event word and its date: a few linking words, no clause break, no word of the visit.
_EVENT_GAP = re.compile(
    r"^(?:\s+(?:pada|pd|di|tgl|tanggal|nya|itu|kemarin|kemaren|kmrn|kmarin|sejak|dari|sampai|sampe|smp|hingga|"
    r"udah|sudah|sdh|udh|dah|bakal|akan|mau|pas|tuh|kak|min|ini|persis|kira2|sekitar|sktr)){0,3}\s*$",
    re.I,
)
_EVENT_AFTER_GAP = re.compile(r"^[^,.;!?\n]{0,30}$")
_VISIT_WORD = re.compile(
    r"\b(?:mau|ingin|pengen|pingin|pgn|mo|jadi|datang|dateng|ke|antri|antre|booking|pesan|daftar|urus|ngurus|"
    r"bikin|buat|perpanjang|ambil|bisa|bs|kapan|tapi|tp)\b",
    re.I,
)


def date_of_event(text: str, start: int, end: int) -> bool:
    """The date at text[start:end] tells when a document expires or someone was born or died, not the visit.

    "sim a saya abis bulan ini, mau perpanjang", "akta anak saya yang lahir tanggal 3", "meninggal minggu
    lalu": True. "mau perpanjang sim tgl 9, udah mau abis" (the date belongs to the visit): False.
    """
    before = text[:start]
    for m in [*_EXPIRY.finditer(before), *_LIFE.finditer(before)]:
        if _EVENT_GAP.match(before[m.end() :]) and _about_event(m, before[: m.start()]):
            return True
    after = text[end:]
    for found in (_EXPIRY.search(after), _LIFE.search(after)):
        if found is None or found.start() > 30:
            continue
        gap = after[: found.start()]
        if _EVENT_AFTER_GAP.match(gap) and len(gap.split()) <= 3 and not _VISIT_WORD.search(gap):
            return _about_event(found, gap)
    return False


def _about_event(m: re.Match[str], lead: str) -> bool:
    """A birth or death word always is; an expiry word when a document stands before it in its clause."""
    return m.re is _LIFE or bool(_DOCUMENT.search(re.split(r"[,.;!?\n]", lead)[-1]))
