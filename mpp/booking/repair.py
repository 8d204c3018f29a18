"""How a citizen changes a detail they already gave, in everyday words.

A form (``actions/form_repair.py``) asks for details one at a time, but people answer what
they please: "eh jamnya salah, jam 10 aja", "kamis aja jangan rabu", "bukan akta tapi kia",
"namanya kurang tepat: Achmad Fauzan", "gak jadi deh". These are the language rules the form
applies to every message: which details the words name, which of several values mentioned
is the one meant, whether the message asks something, stops, keeps a detail as it is, or
is a name at all. Rules only, no Rasa: the values come from the NLU's entities.

Limits: the word lists are Indonesian chat as the training data and the evaluation set write
it; a value is chosen among the ones the NLU found, never invented here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import Enum

from mpp.booking.contact import clean_name
from mpp.privacy import TOKEN_PATTERN


class Detail(str, Enum):
    """A detail of a form that the citizen may change; the value is what a button's ``bagian`` carries."""

    LAYANAN = "layanan"
    MPP = "mpp"
    TANGGAL = "tanggal"
    WAKTU = "waktu"
    NAMA = "nama"
    NIK = "nik"
    TELEPON = "telepon"


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.I)


# Words that name a detail ("jamnya", "tanggalnya", "mpp nya", "namanya").
_NAMES: tuple[tuple[Detail, re.Pattern[str]], ...] = (
    (Detail.LAYANAN, _words(r"layanan(?:nya)?", r"urusan(?:nya)?", r"keperluan(?:nya)?")),
    (Detail.MPP, _words(r"mpp(?:\s?nya)?", r"tempat(?:nya)?", r"lokasi(?:nya)?")),
    (Detail.TANGGAL, _words(r"tanggal(?:nya)?", r"tgl(?:nya)?", r"hari(?:nya)?")),
    (
        Detail.WAKTU,
        _words(r"jam(?:nya)?(?!\s+(?:buka|tutup|operasional|kerja|layanan|pelayanan))", r"waktu(?:nya)?", r"pukul"),
    ),
    (Detail.NAMA, _words(r"nama(?:nya)?")),
    (Detail.NIK, _words(r"nik(?:nya)?")),
    (Detail.TELEPON, _words(r"hp(?:nya)?", r"telepon(?:nya)?", r"telp", r"wa(?:nya)?", r"whatsapp", r"nomor(?:nya)?")),
)
# "jadwal" names the day and the time together, unless the message gives one of them ("jadwal jadi jam 2").
_SCHEDULE = _words(r"jadwal(?:nya)?")
# After a named detail: it stays as it is ("jamnya sama", "tanggalnya tetap").
_KEEP_AFTER = re.compile(r"^\W*(?:\w+\W+)?(?:sama|tetap|tetep|gak berubah|ga berubah|tidak berubah)\b", re.I)
# A change is meant: these mark a correction even when the message also looks like a question.
_CHANGE = _words(
    r"salah",
    r"keliru",
    r"ralat",
    r"ganti(?:nya)?",
    r"diganti",
    r"gantiin",
    r"ubah",
    r"diubah",
    r"ubahnya",
    r"bukan",
    r"bkn",
    r"jangan",
    r"jgn",
    r"pindah",
    r"dipindah",
    r"pindahin",
    r"geser",
    r"digeser",
    r"mundur\w*",
    r"dimundurin",
    r"maju\w*",
    r"dimajuin",
    r"sebenarnya",
    r"sebenernya",
    r"ternyata",
    r"harusnya",
    r"seharusnya",
    r"kurang",
    r"tukar",
    r"ganti\s+jadi",
    # Sundanese, Javanese, Betawi: "punten lepat, sanes X tapi Y", "dudu X nanging Y", "kagak X, maunye Y"
    r"lepat",
    r"sanes",
    r"janten",
    r"dudu",
    r"udu",
    r"nanging",
    r"kagak",
    r"maunye",
    r"kleru",
    r"ojo",
    r"nu\s+leres",
    r"sing\s+bener",
)
_WRONG = _words(r"salah", r"keliru", r"kleru", r"bukan", r"bkn", r"ralat", r"lepat", r"sanes", r"dudu")
# "... aja" / "... saja": a choice ("kamis aja"), unless it ends a question word ("apa aja").
_CHOICE = re.compile(r"(?<!apa )(?<!mana )(?<!siapa )(?<!berapa )\b(?:aja|saja|aj|deh|wae|aje|mawon|bae)\b", re.I)
_QUESTION = _words(
    r"apa",
    r"apakah",
    r"berapa",
    r"brp",
    r"brapa",
    r"dimana",
    r"di\s?mana",
    r"mana",
    r"kapan",
    r"kpn",
    r"gimana",
    r"bagaimana",
    r"gmn",
    r"kenapa",
    r"mengapa",
    r"knp",
    r"bisakah",
    r"bolehkah",
    r"bisa\s+(?:gak|ga|nggak|tidak|ngga)",
    r"boleh\s+(?:gak|ga|nggak|tidak|ngga)",
    r"ada\s+(?:gak|ga|nggak|tidak|ngga)",
)
# Stopping the whole form. "gak jadi" is a stop unless a value follows ("ga jadi senin, selasa aja").
_STOP_STRONG = _words(
    r"batal\w*", r"cancel\w*", r"cancle\w*", r"stop", r"udahan", r"berhenti", r"gak usah deh semuanya"
)
_NOT = r"(?:gak|ga|gk|g|nggak|ngga|enggak|engga|gak|tidak|tdk|ndak|nda|kagak|teu|moal|ora|tak|kaga)"
_STOP_WEAK = re.compile(r"\b(?:" + _NOT + r"\s*(?:jadi|jd|sido)|gajadi|gjadi|gajd|gkjadi|ngga?kjadi)\b", re.I)
# Regional and informal ways to say yes to the summary (Sundanese, Javanese, Betawi, chat).
_YES = re.compile(
    r"^\W*(?:(?:iya|iyaa|ya|yaa|iye|iyee|iyah|yoi|muhun|sumuhun|leres|nggih|enggih|inggih|injih|nggeh|ho['o]?oh|"
    r"betul|bener|benar|sip|siap|oke|okey|ok|mangga|sae|cocok|pas|lanjut|gas|gaskeun|setuju|yup|yap)"
    r"(?:\s+(?:atuh|pisan|pak|bu|kak|min|mas|mbak|teh|kang|euy|tah|sudah|udah|wae|mawon|sampun|lah|dong|deh|"
    r"kok|nya|dah|deh|banget|benar|bener|betul|lanjut|pesan|sip|oke|ok|iya|ya|muhun|leres|nggih))*)\W*$",
    re.I,
)
# Before a value it is the old one ("bukan kia", "jangan rabu", "dari selasa"); toward the new one.
_AWAY_BEFORE = re.compile(
    r"\b(?:bukan|bkn|jangan|jgn|selain|dari|tadinya|sebelumnya|yang lama|yg lama|sanes|dudu|udu|kagak|ojo|"
    + _NOT
    + r"\s*jadi|gajadi)\s+(?:\w+\s+)?$",
    re.I,
)
_TOWARD_BEFORE = re.compile(
    r"\b(?:ke|jadi|menjadi|tapi|tetapi|tp|diganti|ganti|gantinya|pindah|ralat|harusnya|seharusnya|yang benar|yg benar|"
    r"janten|nanging|tapine|maunye|maksud(?:nya|na|e)?|mksd(?:nya)?|nu\s+leres|sing\s+bener)\s+$",
    re.I,
)
# After a value: the citizen cannot make it ("rabu ga bisa", "selasanya gak bisa"), so it is the old one.
_AWAY_AFTER = re.compile(
    r"^\s*(?:nya\s+)?(?:saya\s+|sy\s+)?(?:ga|gak|gk|nggak|ngga|enggak|tidak|tdk|ndak|teu|ora|kagak)\s*"
    r"(?:bisa|bs|sempat|sempet|tiasa|iso|libur)\b",
    re.I,
)
_TOWARD_AFTER = re.compile(r"^\s*(?:aja|saja|aj|deh|dong|wae|aje|mawon|bae|janten)\b", re.I)
# A document named as the reference for another detail: "sesuai ktp", "seperti di kk" (not the service).
_REFERENCE_BEFORE = re.compile(
    r"\b(?:sesuai|sesuai\s+(?:dengan|dgn|di|yg\s+di|yang\s+di)|seperti\s+di|spt\s+di|kayak\s+di|kyk\s+di)\s+$", re.I
)
# A service phrase that is a verb here: "pindah ke mpp bekasi" is moving, not the SKPWNI service.
_MOVE_VERB = re.compile(r"^\s*ke\b", re.I)

# Words a message has and a name has not: chat particles, verbs of the booking, detail names.
_NOT_NAME_WORDS = frozenset(
    """saya sy aku gue gw mau ingin pengen pingin aja saja kok kan cuma hanya ganti nanti tolong bisa
    gak ga gk nggak ngga enggak tidak tdk ya iya iyaa yaa yang yg di ke dari untuk buat dengan dan atau
    apa berapa brp kapan mana gimana dong deh sih nih tuh lho loh antri antre antrian antrean booking
    pesan daftar jam tanggal tgl hari besok lusa mpp layanan nama namanya nik hp nomor batal stop oke ok
    halo hai makasih terima salah bukan benar betul bener sudah udah belum lagi jadi ini itu
    ada punya kurang lengkap lengkapnya tadi urus pakai pake tulis ditulis harus sesuai
    kartu keluarga akta surat pajak ktp kk sim skck paspor bpjs kia npwp nib pdam samsat stnk sertifikat
    tanah kelahiran kematian pindah""".split()
)
_NAME_LEAD = re.compile(
    r"^\s*(?:(?:nama\s+(?:lengkap\s+)?(?:saya|sy|aku|nya)?|namanya|atas\s+nama|a\.?\s?n\.?|saya)"
    r"(?:\s+(?:adalah|yaitu|ialah))?\s*:?\s+)",
    re.I,
)
_NAME_TAIL = re.compile(r"(?:[\s,]+(?:kak|ka|min|pak|bu|mas|mbak|ya|yah|kok|nih))+\W*$", re.I)
_WORD = re.compile(r"[^\s,;:!?]+")
_NAME_IN_SENTENCE = re.compile(
    r"\b(?:atas\s+nama|a\.n\.?|nama\s+(?:saya|pemohon|lengkap(?:nya)?)(?:\s+adalah)?)\s*:?\s+", re.I
)
MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class Mention:
    """A value the NLU found in the message: its canonical value and where it stands."""

    value: str
    start: int
    end: int


def named_details(text: str, values: Sequence[tuple[int, int]] = (), given: Collection[Detail] = ()) -> list[Detail]:
    """Details the words name as something to change, in order ("jamnya salah" -> WAKTU).

    A detail named with "sama"/"tetap" after it is kept, not named ("jamnya sama"); words inside a
    value the NLU found ("jam 10", "mpp bogor") name nothing; ``given``: details the message has a value for.
    """
    found: list[tuple[int, Detail]] = []
    schedule = _SCHEDULE.search(text)
    if schedule and not {Detail.TANGGAL, Detail.WAKTU} & set(given):
        found += [(schedule.start(), Detail.TANGGAL), (schedule.start(), Detail.WAKTU)]
    for detail, pattern in _NAMES:
        for m in pattern.finditer(text):
            inside = any(a <= m.start() < b for a, b in values)
            if not inside and not _KEEP_AFTER.match(text[m.end() :]):
                found.append((m.start(), detail))
    seen: list[Detail] = []
    for _, detail in sorted(found, key=lambda f: f[0]):
        if detail not in seen:
            seen.append(detail)
    return seen


def says_change(text: str) -> bool:
    """The words mark a correction ("salah", "ganti", "bukan", "kamis aja")."""
    return bool(_CHANGE.search(text) or _CHOICE.search(text))


_PROPOSAL = re.compile(
    r"^\W*(?:gimana|gmn|bagaimana)\s+(?:kalau|kalo|klo)\b"
    r"|^\W*(?:bisa|boleh)\s+(?:di|ke|tgl|tanggal|jam|hari|pindah|ganti)\b"
    r"|\b(?:bisa|boleh|bs)\s*(?:ga|gak|gk|nggak|ngga|tidak|kah)?\W*$",
    re.I,
)


def proposes(text: str) -> bool:
    """ "kalo di tangsel bisa?", "bisa di mpp bogor?": another value asked for as a question; a change with a value."""
    return bool(_PROPOSAL.search(text))


# Yes words a typo may bend ("benr", "btul", "setju"): one letter missing, doubled, swapped or wrong.
_YES_WORDS = ("iya", "betul", "bener", "benar", "sudah", "udah", "setuju", "lanjut", "oke", "okey", "siap", "yoi")
# Short typed yeses no edit distance can tell from other words: "iy", "yy", "ya2", "bnr", "ok2".
_YES_SHORT = frozenset(
    "iy iyh iyp iyo yy yaa yah ya2 iya2 ok2 okk okeh okee oce oc siip sipp bnr bnar bner btl".split()
)
# "Sudah benar?" answered with its first word: "sudah", "udah", "sdh", "udh" (alone or with a particle).
_ALREADY = re.compile(
    r"^\W*(?:sudah|udah|sdh|udh|dah|sampun)(?:\s+(?:kok|dong|deh|kak|min|pak|bu|mas|mbak|ya|yah))*\W*$", re.I
)


def _near_yes(word: str) -> bool:
    """One typo away from a yes word, for words long enough to tell apart ("benr", "bener", "setju")."""
    if word in _YES_SHORT and word != "btl":  # "btl" is the short "batal", never a yes
        return True
    if len(word) < 4:
        return False
    for yes in _YES_WORDS:
        if len(yes) >= 4 and _one_edit(word, yes):
            return True
    return False


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by at most one inserted, deleted or replaced letter, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def says_yes(text: str) -> bool:
    """ "muhun", "leres pak", "nggih", "iya atuh", "iye", "betul pisan": a plain yes, in any region's words.

    Also a yes with a typo in every word ("benr", "iy", "sip bner"), and "sudah" answering "Sudah benar?".
    """
    clean = text.strip()
    if _YES.match(clean) or _ALREADY.match(clean):
        return True
    words = re.findall(r"[a-z0-9']+", clean.lower())
    if not words or len(words) > 4 or re.search(r"[?]", clean):
        return False
    fixed = " ".join(w if not _near_yes(w) else "iya" for w in words)
    return fixed != " ".join(words) and bool(_YES.match(fixed))


_ERASE = _words(r"hapus\w*", r"dihapus", r"delete", r"erase", r"musnah\w*", r"buang\w*", r"lupakan")


def wants_erasure(text: str) -> bool:
    """An explicit request to erase ("hapus data saya"), not a question about why data is needed."""
    return bool(_ERASE.search(text))


_PERSONAL = _words(r"data\w*", r"nama\w*", r"nik\w*", r"ktp\w*", r"hp\w*", r"nomor\w*", r"identitas")
_PROTECTED = _words(
    r"aman\w*",
    r"disimpan",
    r"simpan",
    r"nyimpen",
    r"rahasia",
    r"privasi",
    r"privacy",
    r"bocor",
    r"disebar\w*",
    r"dijual",
    r"kenapa",
    r"knp",
    r"mengapa",
    r"buat\s+apa",
    r"untuk\s+apa",
    r"wajib",
    r"harus",
    r"kok",
    r"ngapain",
    r"perlu",
)


def asks_about_privacy(text: str) -> bool:
    """ "kenapa harus pakai nama?", "data saya aman?": a question about personal data, not a request to erase it."""
    return is_question(text) and bool(_PERSONAL.search(text) and _PROTECTED.search(text)) and not wants_erasure(text)


def says_wrong(text: str) -> bool:
    """ "salah", "keliru", "bukan itu": something given before is wrong, without saying what."""
    return bool(_WRONG.search(text))


def is_question(text: str) -> bool:
    """The message asks something ("biayanya brp?", "mpp nya buka hari sabtu gak?")."""
    return "?" in text or bool(_QUESTION.search(text))


def wants_to_stop(text: str, values: Sequence[Mention] = (), held: Collection[str] = ()) -> bool:
    """The citizen gives up the whole form ("batal aja", "gak jadi deh", "stop").

    ``values``: what the NLU found in the message; ``held``: the values the form holds already (the
    service being booked). "ga jadi" directly before a value is a change of that value ("ga jadi senin,
    selasa aja"), unless every value named is one held already: "kagak jadi, ktp aye ketemu" names the
    errand as no longer needed, with nothing in its place, and that is a stop.
    """
    if _STOP_STRONG.search(text):
        return True
    if values and all(v.value in held for v in values):
        values = ()
    value_starts = [v.start for v in values]
    for m in _STOP_WEAK.finditer(text):
        rest = text[m.end() :]
        gap = len(rest) - len(rest.lstrip(" ,"))
        following = m.end() + gap
        if any(following <= s <= following + 8 for s in value_starts):
            continue
        # "ga jadi kk, ganti akta aja": a replacement named later is a change, not a stop.
        change = _CHANGE.search(rest)
        later = [s for s in value_starts if s >= m.end()]
        if change and any(s >= m.end() + change.start() for s in later):
            continue
        return True
    return False


def service_is_verb(text: str, mention: Mention) -> bool:
    """ "pindah ke mpp bekasi": the service word "pindah" used as the verb to move."""
    return text[mention.start : mention.end].strip().lower() == "pindah" and bool(_MOVE_VERB.match(text[mention.end :]))


def service_is_reference(text: str, mention: Mention) -> bool:
    """ "namanya Rina Agustina, sesuai ktp": the document named as where a detail is written, not a service."""
    return bool(_REFERENCE_BEFORE.search(text[: mention.start]))


def pick(mentions: Sequence[Mention], text: str, is_current: Callable[[str], bool]) -> Mention | None:
    """The value meant among those mentioned: not the one turned away, preferably the one turned to.

    "kamis aja jangan rabu" -> kamis; "bukan akta tapi kia" -> kia; "harinya rabu aja deh, senin saya
    ujian" with Monday current -> rabu. None when every mention is turned away.
    """
    best: tuple[int, int] | None = None
    chosen: Mention | None = None
    for order, m in enumerate(mentions):
        before, after = text[: m.start], text[m.end :]
        if _AWAY_BEFORE.search(before) or _AWAY_AFTER.match(after):
            continue
        score = 0
        if _TOWARD_BEFORE.search(before):
            score += 2
        if _TOWARD_AFTER.match(after):
            score += 1
        if is_current(m.value):
            score -= 3
        key = (score, -order)
        if best is None or key > best:
            best, chosen = key, m
    return chosen


def name_answer(text: str) -> str | None:
    """The name in an answer to "atas nama siapa?" ("nama saya Siti Aminah", "Dewi Lestari kak").

    None when the message is not a name: a sentence, a question, chat words, digits.
    """
    body = _NAME_TAIL.sub("", _NAME_LEAD.sub("", text.strip(), count=1)).strip(" .,:;")
    words = body.split()
    if not words or len(words) > MAX_NAME_WORDS or is_question(text):
        return None
    if any(w.lower().strip(".,'") in _NOT_NAME_WORDS for w in words):
        return None
    return clean_name(body)


# Regional and everyday "no" words a message written like a name ("Nda Usah") can be made of.
_NO_WORDS = frozenset("usah jangan nda ndak ndag moal henteu teu ora mboten emoh tra sonde indak ndok".split())
# ... and the words that go with them in a refusal ("ora sido", "no thanks", "moal ah"): a message made only of
# these is a no, never a name.
_REFUSAL_WORDS = _NO_WORDS | frozenset(
    "no nope not never thanks thank thx sido ah lah wis wes uwis acan heula bae dah deh mah atuh".split()
)
_TITLE_WORD = re.compile(r"^[A-Z][a-z'.-]+$")


def written_as_a_name(text: str) -> bool:
    """Two or more words, each capitalised like a name ("Hana Pertiwi", "Moal Sari"), that name_answer
    takes as a name, and not only "no" words: at "atas nama siapa?" it is the name even when a word of it
    is also a "no" somewhere ("hana" in Acehnese)."""
    words = text.strip().split()
    if len(words) < 2 or not all(_TITLE_WORD.match(w) for w in words):
        return False
    if all(w.lower() in _REFUSAL_WORDS for w in words):
        return False
    return name_answer(text) is not None


def name_or_no(text: str) -> str | None:
    """The name a message at "atas nama siapa?" would be, when the NLU reads it as a no ("hana pertiwi",
    "moal sari" typed in lower case): two or more words that name_answer takes, not all of them refusal words
    ("ora sido", "no thanks" are a no). The form asks which it is instead of stopping; None: no name in it."""
    words = [w.lower().strip(".,!'") for w in text.split()]
    if len(words) < 2 or all(w in _REFUSAL_WORDS for w in words):
        return None
    return name_answer(text)


def name_in_correction(text: str) -> str | None:
    """The new name inside a correction ("namanya kurang tepat: Achmad Fauzan", "lengkapnya Sri Wahyuningsih").

    After a colon, else the longest run of two or more capitalised words; None when neither is a name.
    """
    if ":" in text:
        found = name_answer(text.rsplit(":", 1)[1])
        if found:
            return found
    found = name_after_lead(text)
    if found:
        return found
    best: list[str] = []
    run: list[str] = []
    for word in [*_WORD.findall(text), ""]:
        bare = word.strip(".'")
        if bare[:1].isupper() and bare.lower() not in _NOT_NAME_WORDS and not TOKEN_PATTERN.fullmatch(bare):
            run.append(word)
            continue
        if len(run) >= 2 and len(run) > len(best):
            best = run
        run = []
    return name_answer(" ".join(best)) if best else None


def name_after_lead(text: str) -> str | None:
    """The name right after "atas nama" / "nama saya" / "a.n." inside a longer message, or None."""
    lead = _NAME_IN_SENTENCE.search(text)
    if not lead:
        return None
    words: list[str] = []
    for word in _WORD.findall(text[lead.end() :]):
        bare = word.strip(".'")
        if not bare.replace("'", "").isalpha() or bare.lower() in _NOT_NAME_WORDS or len(words) == MAX_NAME_WORDS:
            break
        words.append(word)
    return clean_name(" ".join(words)) if words else None


def mostly_values(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Most of the message is values the NLU found ("akta kelahiran"), not a name that contains one by chance."""
    letters = sum(c.isalpha() for c in text)
    covered = sum(sum(c.isalpha() for c in text[a:b]) for a, b in spans)
    return letters > 0 and covered / letters >= 0.6


_RELATIVE = (
    r"ibu|bapak|bpk|ayah|papa|mama|mamah|emak|nenek|kakek|anak|suami|istri|adik|adek|kakak|orang\s?tua|ortu|"
    r"mertua|saudara|keponakan|teman|tetangga"
)
_FOR_OTHER = re.compile(
    r"\b(?:buat|untuk|utk|bwt|atas\s+nama|a\.?n\.?|daftarin|daftarkan|(?:yang|yg)\s+(?:antri|datang|dateng))\s+"
    r"(?:\w+\s+)?(" + _RELATIVE + r")\b",
    re.I,
)


def someone_else(text: str) -> str | None:
    """The relative a booking is for ("buat ibu saya" -> "ibu"), when the message says so instead of a name."""
    m = _FOR_OTHER.search(text)
    return " ".join(m.group(1).lower().split()) if m else None


# A question about the detail being asked itself: must it be given ("nomor hp wajib gak?"), may it be someone
# else's ("bisa pakai nomor istri?", "nik saya atau nik anak?").
_MUST = _words(r"wajib", r"harus", r"mesti", r"kudu", r"opsional", r"boleh\s+(?:kosong|dilewati|dilewat|skip)")
_WHOSE = re.compile(
    r"\b(?:pakai|pake|pk|punya|nomor|nomer|no|nik|hp)\s+(?:\w+\s+)?(" + _RELATIVE + r"|orang\s+lain|keluarga)\b",
    re.I,
)


def asks_if_required(text: str) -> bool:
    """ "nomor hp nya wajib diisi gak?": whether the detail asked must be given."""
    return is_question(text) and bool(_MUST.search(text))


def whose_asked(text: str) -> str | None:
    """ "bisa pakai nomor istri?" -> "istri": whether the detail asked may be another person's."""
    m = _WHOSE.search(text) if is_question(text) else None
    return " ".join(m.group(1).lower().split()) if m else None


# What a question asks about the chosen service or MPP, when the words say it plainly (the NLU may not):
# the topic names are the FAQ's (mpp.faq.TOPICS).
_TOPIC_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tanya_biaya", _words(r"biaya\w*", r"bayar\w*", r"gratis", r"tarif\w*", r"harga\w*", r"ongkos\w*", r"pungutan")),
    (
        "tanya_lama_proses",
        _words(
            r"berapa\s+lama",
            r"brp\s+lama",
            r"lama\s+(?:ga|gak|nggak|tidak|proses\w*|jadi\w*)",
            r"proses\w*\s+lama",
            r"berapa\s+hari",
            r"brp\s+hari",
            r"jadi\s+kapan",
            r"kapan\s+jadi",
            r"selesai\w*",
            r"kelar\w*",
            r"hari\s+itu(?:\s+juga)?",
            r"estimasi",
        ),
    ),
    (
        "tanya_jadwal",
        _words(
            r"jam\s+(?:buka|tutup|operasional|kerja|layanan|pelayanan)",
            r"buka\s+(?:jam|hari|sabtu|minggu)",
            r"tutup\s+jam",
        ),
    ),
    (
        "tanya_lokasi",
        _words(
            r"alamat\w*", r"letak\w*", r"lantai", r"gedung\w*", r"di\s?mana", r"dmn", r"lokasi\w*", r"maps", r"peta"
        ),
    ),
    (
        "tanya_syarat",
        _words(
            r"syarat\w*",
            r"persyaratan\w*",
            r"berkas\w*",
            r"dokumen\w*",
            r"bawa\s+apa",
            r"dibawa",
            r"fotokopi",
            r"fc",
            r"perlu\s+(?:surat|bawa|fotokopi|ktp|kk|akta|akte)\w*",
        ),
    ),
)


def question_topic(text: str) -> str | None:
    """The FAQ topic a message asks about by its words ("biaya kk", "berkasnya apa", "jam buka mpp bekasi"), or None."""
    for topic, pattern in _TOPIC_WORDS:
        if pattern.search(text):
            return topic
    return None


def is_relative(name: str) -> bool:
    """ "Bapak", "Ibu": a word for a relative read as a name ("atas nama bapak saya"), not the person's name."""
    return bool(re.match(r"^(?:" + _RELATIVE + r")\b", name.strip(), re.I))


# Moving a booking already made, in everyday and regional words: "diundur", "dimundurke", "dimajuin",
# "ganti dino", "pindah hari", "reschedule". Used only when the citizen has a booking and no form is open.
_MOVE = _words(
    r"(?:di|ng|me|ke)?(?:undur|mundur|maju)(?:in|kan|ke|ne|aken|na)?",
    r"(?:di)?geser(?:in|kan|ke|ne)?",
    r"(?:di)?(?:pindah|ganti|ubah|tunda|gentos)(?:in|kan|ke|ne|aken)?\s+"
    r"(?:dino|dinten|hari|ari|tanggal|tgl|jadwal|jadwale|jadwalnya|jam|jame|waktu|wektu|jadi|dadi)",
    # "tolong pindah ke kamis 10 desember jam 14": moved to a day or time (not "pindah ke mpp bekasi")
    r"(?:di)?pindah(?:in|kan|ke|ne|aken)?\s+(?:ke|jadi|jd|dadi)\s+(?:hari\s+|tanggal\s+|tgl\s+|jam\s+)?"
    r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|besok|besoknya|lusa|sesuk|\d)",
    r"re-?schedule\w*",
    r"resched\w*",
    r"ubah\s+jadwal",
    r"jadwal(?:e|nya|ne)?\s+(?:di)?(?:ganti|ubah|geser|pindah|undur|mundur|maju)\w*",
)


def wants_move(text: str) -> bool:
    """ "antriane diundur dino jumat", "tolong dimajuin jam 8.45", "ganti dino kamis": a booking to move."""
    return bool(_MOVE.search(text))
