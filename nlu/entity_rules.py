"""Word forms and context rules for ``layanan`` and ``jenis`` (no Rasa here; used by nlu.entity_matcher).

- Morphology: an alias with a clitic or affix ("paspornya", "ktpne", "dicopet", "kecopetan") is the alias.
- Abbreviations: an alias written without its inner vowels, "ng" as "g" ("bru", "rsk", "prpnjg", "prpnjgn") is
  the alias.
- A jenis word that is negated ("bukan yang baru", "sanes enggal") or a "baru" that means "just"
  ("bayi yang baru lahir") is not a jenis; nor is a change of a time ("perubahan jadwal") or a lost or
  broken thing that is no document ("sinyal hilang", "sistemnya rusak").
- A document named by what it is for: an "akta"/"surat" next to a death is akta_kematian, next to a
  birth akta_kelahiran; an identity card for a child (an age under 17, a toddler, a pupil) is kia.
  "ktp anak" (KIA's everyday name) for a son or daughter of 17 or more ("umur 17", "18 tahun") is ktp_el.
- A document quoted as the source of data ("alamat sesuai ktp"), or an event given as the reason
  ("kk baru abis nikah"), while another service is asked about, is not a second service.
- "masa berlakunya sudah habis" / "udah mati masa berlakunya" is a renewal.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

VOWELS = frozenset("aeiou")

# Clitics and suffixes of Indonesian, Javanese and Sundanese that leave the noun as it is.
SUFFIXES = ("nya", "ny", "na", "ne", "e", "in", "kan", "lah", "kah", "mu", "ku")
# (prefix, suffix) pairs of verb and noun forms around a root: "dicopet", "kecopetan", "diperpanjang".
AFFIXES = (("di", "in"), ("di", "kan"), ("di", ""), ("ke", "an"), ("ter", ""), ("me", ""), ("ng", ""), ("nge", ""))

# Words that negate the next words ("bukan", Javanese "mboten"/"ora", Sundanese "sanes"/"teu", English "not").
NEGATION = frozenset(
    "bukan bkn bukannya tidak tdk tak nggak ngga ngak gak ga gk enggak engga kagak kaga ndak nda "
    "ora mboten sanes henteu teu lain not non no never isn't isnt".split()
)
# "baru" followed by these means "just" (an adverb), not a new document: "baru lahir", "baru pindah".
BARU_AS_JUST_BEFORE = frozenset(
    "lahir lahiran melahirkan nikah menikah kawin pindah pindahan datang pulang mulai saja aja aj ajah "
    "tau tahu sadar sampai sampe nyampe selesai bisa dapat dapet buka tutup bangun lulus kerja bekerja pensiun masuk berumur umur punya pny sempat "
    "sempet ingat inget tiba jadi beres keluar kelar ketahuan mau mo pengen pengin ingin denger dengar liat lihat "
    "baca nyoba coba aktif cerai bercerai dapa resign tibo ngerti mengerti paham nyadar".split()
)
# "saya salah ketik": the citizen mistyped a message, no document holds wrong data
FIRST_PERSON = frozenset("saya sy aku aq gw gue ane aye kula abdi sa beta ulun ambo i".split())
# "baru" before these is no "ber-" verb: "paspor baru berapa biayanya" is a new passport.
QUESTION_WORDS = frozenset("berapa berapakah brp brapa".split())
# After a service, "baru" before a modal is the new document ("bikin paspor baru bisa sabtu?"), not "only then".
MODALS_AFTER_NEW = frozenset("bisa bs bsa dapat dapet".split())
# A bare answer to "baru atau perpanjangan?" addressed to the officer: "baru kak, belum pernah punya".
VOCATIVES = frozenset("kak ka kakak pak bu bapak ibu mas mba mbak min admin gan bang om tante teh kang".split())
# "new" before these (English) is a new thing, not a new document: "any new rules for skck?"
NEW_THINGS = frozenset(
    "rules rule regulation regulations policy policies fee fees price prices tariff office building system app "
    "staff officer officers year location counter procedure procedures schedule".split()
)
# A change or an extension of a time is no change of a document: "perubahan jadwal", "perpanjang waktu".
TIME_OBJECTS = frozenset("jadwal waktu jam tanggal tgl deadline tenggat batas durasi".split())
# Extended hours or deadlines, said before a passive "diperpanjang": "jam layanan samsat diperpanjang?"
EXTENDED_TIMES = frozenset("jam waktu batas deadline tenggat durasi operasional pemutihan".split())
# Lost or broken things that are no document: "sinyal hilang", "sistem antreannya rusak".
SOFTWARE = frozenset("sistem system aplikasi app apk web website situs server".split())
NOT_DOCUMENTS = SOFTWARE | frozenset(
    "sinyal signal jaringan koneksi internet inet wifi pulsa kuota mesin printer komputer lift ac toilet wc "
    "alat peralatan perangkat kamera scanner layar monitor motor motornya mobil mobilnya kendaraan".split()
)
NOT_DOCUMENT_WINDOW = 4  # words between such a thing and "hilang"/"rusak": "printer di loket skck rusak"
# "hilang arah", "lost my way": an idiom, nothing lost
HILANG_IDIOM_AFTER = frozenset("arah akal sabar kesabaran semangat fokus konsentrasi way track mood".split())
# "tidak terbaca di sistem": data a system cannot find, not a card worn unreadable ("ga kebaca di mesin" still is)
UNREADABLE = frozenset("terbaca kebaca".split())
# "update" is news of an application, not a change of data, before or after these: "update pengajuan saya",
# "any update on my skck", "ada update?"; "update data ktp" stays perubahan.
UPDATE_WORDS = frozenset("update updatenya apdet updet".split())
STATUS_AFTER_UPDATE = frozenset(
    "on pengajuan permohonan status progress progres application berkas proses prosesnya".split()
)
STATUS_BEFORE_UPDATE = frozenset("any ada gimana gmn bagaimana minta mohon info kasih belum blm".split())
# A land certificate is split ("dipecah", "pecah sertifikat"): a service of its own, nothing broken.
LAND_WORDS = frozenset("sertifikat sertipikat tanah lahan kavling kaveling bidang shm bpn pertanahan".split())
# Papers lost by the office ("ilang di loket", "hilang sama petugas") are a grievance, not a lost document.
AT_THE_OFFICE = frozenset("loket petugas mpp kantor meja cs pelayanan".split())
PAPERS = frozenset("berkas map dokumen formulir form file arsip".split())  # "ktp ilang di mpp" is still a lost ktp
PAPERS_WINDOW = 6  # "berkas akta kematian almarhumah istri saya hilang di loket": the papers, not the certificate
# "baru" after these describes a person or a place, not a document: "saya orang baru di kota ini".
BARU_AFTER_PERSON = frozenset(
    "orang warga penduduk pendatang karyawan pegawai anggota murid siswa petugas staf staff pejabat".split()
)
BARU_AFTER_DURATION = frozenset("lama lma lamanya hari hri minggu mgg bulan bln jam lagi lg tahun thn".split())
# "baru" after these is a new rule, price or place, not a new document: "aturan baru", "tarif baru".
BARU_AFTER_THING = frozenset(
    "aturan peraturan regulasi kebijakan prosedur sistem aplikasi tarif harga gedung kantor lokasi loket layanan "
    "map stopmap".split()
)
_BARU_NOT_A_KIND_AFTER = BARU_AFTER_PERSON | BARU_AFTER_DURATION | BARU_AFTER_THING
# Words that open a follow-up about the case at hand ("kalau hilang?", "trus kalo kasusnya ilang?").
FOLLOW_UP = frozenset(
    "kalau kalo klo kl kalu klau gimana gmn bagaimana bgmn terus trus trs lalu misal misalnya seandainya "
    "andai jika jikalau bila apabila nek lek yen upami mun lamun if case kasus kasusnya kondisi kondisinya "
    "keadaan keadaannya what how for untuk utk buat".split()
)
FOLLOW_UP_LONG_FIRST = 3  # in a message of more than 8 words, the kind must be among its first four words
FILLER = frozenset(
    "sudah udah udh sdh dah udeh emang memang ternyata kebetulan malah justru pas lagi lg punya punyaku "
    "saya sy aku aq gw gue ane aye kula abdi my mine it its is was the a nya ya dia yang yg sa beta ulun awak ambo "
    "kami kita cuma cuman hanya nah kartu kartunya sing seng nu keperluan".split()
)
# After "kartu" or before these, "sim" is a phone's SIM card, not a driving licence.
SIM_CARD_AFTER = frozenset(
    "card hp ponsel telkomsel simpati xl indosat im3 tri axis smartfren by.u byu telepon provider operator".split()
)
# Near a bare "pindah", these make it the moving-house service (SKPWNI), not "pindah topik" or "pindah akun".
RESIDENCE = frozenset(
    "surat skpwni domisili alamat rumah kota kabupaten kab provinsi keluar datang luar antar daerah penduduk "
    "kependudukan kk ktp tinggal kos kontrakan dukcapil disdukcapil syarat urus ngurus bikin buat layanan loket "
    "berkas dari rt rw kelurahan kecamatan desa".split()
)
# Death, birth and childhood words (Indonesian, Javanese, Sundanese, English).
DEATH_WORDS = frozenset(
    "meninggal meninggalnya wafat wafatnya almarhum almarhumah alm almh mendiang jenazah kematian "
    "pejah seda sedo tilar pupus death died dead deceased passed".split()
)
BIRTH_WORDS = frozenset(
    "bayi bayiku bayinya baby newborn lahir lahiran kelahiran melahirkan born birth orok jabang".split()
)
CHILD_WORDS = frozenset("balita batita bocil bocah sd tk paud smp child children kid kids toddler pupil".split())
CHILD_RELATION = frozenset("anak anakku anaknya anakmu putra putri putraku putriku son daughter".split())
# Words that name a document only generically; resolved by what it is for.
CERTIFICATE_WORDS = frozenset("akta akte surat certificate layang".split())
CARD_WORDS = frozenset("kartu card identitas identitasnya identity id".split())
# "kartu" followed by these is some other card, never an identity card.
OTHER_CARDS = frozenset(
    "antrean antrian antre antri nomor no atm kredit debit perdana nama ucapan undangan vaksin emoney tol "
    "pelajar mahasiswa member anggota berobat pasien sim".split()
)
# Before a document: it is quoted as the source of some data ("alamat sesuai ktp"), not asked about.
PASSING_BEFORE = frozenset("sesuai seperti kayak spt menurut according".split())
# Before an event-like service: it is the reason for another request ("kk baru abis nikah").
AFTER_EVENT = frozenset("abis habis setelah sesudah sehabis pasca after since karena krn gara".split())
EVENT_SERVICES = frozenset(["nikah", "pindah"])
# data_changed: a detail printed on a document, a word saying it is wrong or changes, and words of a booking
DATA_FIELDS = frozenset(
    "nama namanya alamat alamatnya agama agamanya pekerjaan pekerjaannya goldar gelar gelarnya name address "
    "religion occupation".split()
)
BIRTH_DETAIL = frozenset("tanggal tgl tempat tmpt".split())
# "status perkawinan di kk", "status di ktp": a detail; "status permohonan" is not (cek_permohonan)
STATUS_WORDS = frozenset("status statusnya".split())
STATUS_DETAIL = frozenset(
    "perkawinan kawin pernikahan pekerjaan kerja hubungan di dalam pada marital lajang belum cerai janda duda menikah"
    " single pelajar mahasiswa".split()
)
CHANGE_WORDS = frozenset(
    "salah keliru beda berbeda diganti ganti diubah ubah dirubah rubah diperbaiki perbaiki perbaikin dibenerin benerin"
    " dibetulin betulin dibetulkan diralat ralat typo ketuker tertukar berubah correct wrong change fix".split()
)
BOOKING_WORDS = frozenset("booking bookingan antrean antrian antrianku antreanku tiket jadwal kode".split())
PLACE_WORDS = frozenset("mana dimana dmn mn lokasi lokasinya loket lantai gedung maps where".split())
# "masa berlaku ... habis", "udah mati masa berlakunya", "expired".
VALIDITY = frozenset("berlaku berlakunya berlakuny".split())
ENDED = frozenset("habis abis mati lewat lewatnya udahan expired kadaluarsa kedaluwarsa kadaluwarsa".split())
_AGE = re.compile(r"^(umur|umurnya|usia|usianya|age|aged|yo)$")
_YEARS = re.compile(r"^(thn|th|tahun|taun|tahunan|years?|yrs?|yo|warsa)$")
_NUMBER = re.compile(r"^\d{1,2}$")
_MONTHS = re.compile(r"^(bulan|bln|month|months|minggu|mgg|weeks?|hari|days?)$")
NUMBER_WORDS = {
    w: n for n, w in enumerate("nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas".split())
} | {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_REPEAT = re.compile(r"(\w)\1+")
_NG_AFTER_CONSONANT = re.compile(r"(?<=[^aeiou])ng")
_NASAL_BEFORE_J = re.compile(r"(?<=[^aeiou])n(?=j)")


def squeezed(word: str) -> str:
    """A word with its letters typed twice or more once ("ilangg", "rusaaak")."""
    return _REPEAT.sub(r"\1", word)


def _number(word: str) -> int | None:
    if _NUMBER.match(word):
        return int(word)
    return NUMBER_WORDS.get(word)


def stems(word: str) -> list[str]:
    """Candidate roots of a word, most likely first (the word itself not included)."""
    out: list[str] = []
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            out.append(word[: -len(suffix)])
    for prefix, suffix in AFFIXES:
        if word.startswith(prefix) and word.endswith(suffix) and len(word) - len(prefix) - len(suffix) >= 3:
            out.append(word[len(prefix) : len(word) - len(suffix)] if suffix else word[len(prefix) :])
    return out


# Derivational affixes: a word built on a known word is a known word ("pertanyaan" on "tanya").
DERIVATIONS = (
    ("per", "an"),
    ("pe", "an"),
    ("pen", "an"),
    ("pem", "an"),
    ("peng", "an"),
    ("ke", "an"),
    ("", "an"),
    ("ber", ""),
    ("me", ""),
    ("mem", ""),
    ("men", ""),
    ("meng", ""),
    ("di", ""),
    ("ter", ""),
    ("", "kan"),
    ("", "nya"),
    ("", "i"),
)


def derived_from(word: str) -> list[str]:
    """Roots a word may be derived from ("pertanyaan" -> "tanya", "perumahan" -> "rumah")."""
    return [
        word[len(p) : len(word) - len(s)]
        for p, s in DERIVATIONS
        if word.startswith(p) and word.endswith(s) and len(word) - len(p) - len(s) >= 4
    ]


def abbreviations(alias: str) -> set[str]:
    """Ways of writing a one-word alias without some of its inner vowels, and with "ng" as "g"."""
    if len(alias) < 4 or not alias.isalpha():
        return set()
    forms = {alias[0]}
    for i, ch in enumerate(alias[1:], start=1):
        last = i == len(alias) - 1
        keep = {f + ch for f in forms}
        if ch in VOWELS and not last:
            keep |= forms
        forms = keep
    # "ng" written "g": at the end ("pnjg", "prpnjg"), and inside where the vowel before it was dropped
    # ("prpnjgn" for "perpanjangan"); "ng" after a vowel stays ("leungit" never gives "legit")
    if alias.endswith("ng"):
        forms |= {f[:-2] + "g" for f in forms if f.endswith("ng")}
    forms |= {_NG_AFTER_CONSONANT.sub("g", f) for f in forms if f != alias and "ng" in f}
    # "nj" written "j" once the vowel before it went: "prpjg", "prpjgn" (perpanjang, perpanjangan)
    forms |= {_NASAL_BEFORE_J.sub("", f) for f in forms if f != alias and len(f) >= 6}
    return {f for f in forms if len(f) >= 3 and f != alias}


def is_card_word(word: str) -> bool:
    return word in CARD_WORDS or any(stem in CARD_WORDS for stem in stems(word))


def is_certificate_word(word: str) -> bool:
    return word in CERTIFICATE_WORDS or any(stem in CERTIFICATE_WORDS for stem in stems(word))


def negated(words: Sequence[str], first: int) -> bool:
    """A negation right before the word, or one word before with "yang"/"yg" between ("bukan yang baru")."""
    if first >= 1 and words[first - 1] in NEGATION:
        return True
    return first >= 2 and words[first - 2] in NEGATION and words[first - 1] in ("yang", "yg", "nu", "sing", "the", "a")


def baru_means_just(words: Sequence[str], first: int, end: int) -> bool:
    if first > 0 and words[first - 1] in _BARU_NOT_A_KIND_AFTER:
        return True  # "orang baru", or "only then": "berapa lama baru dapat", "3 hari baru jadi"
    if end >= len(words):
        return False
    nxt = words[end]
    if nxt.isdigit():
        return True  # "umurnya baru 17", "baru 2 hari": "only"
    verb = nxt.startswith(("me", "ber")) and len(nxt) >= 6 and nxt not in QUESTION_WORDS
    return nxt in BARU_AS_JUST_BEFORE or verb


def new_thing(words: Sequence[str], first: int, end: int) -> bool:
    """English "new" before a rule, a fee, an office...: "any new rules for skck?"."""
    return words[first:end] == ["new"] and end < len(words) and words[end] in NEW_THINGS


def _is_or_stems_to(word: str, vocabulary: frozenset[str]) -> bool:
    return word in vocabulary or any(stem in vocabulary for stem in stems(word))


def about_something_else(
    words: Sequence[str], first: int, end: int, value: str, services: Sequence[tuple[int, int]] = ()
) -> bool:
    """The jenis word is about a time or a thing that is no document: "perubahan jadwal booking",
    "perpanjang waktu antrean", "sinyal hilang pas isi form", "sistem antreannya rusak"; news of an
    application ("ada update pengajuan saya?"); a land certificate or a family card split ("sertifikat mau
    dipecah", "pecah kk"); papers the office lost ("berkas skck ku ilang di loket"; "ktp ilang di mpp" is still a
    lost card); extended opening hours; a lost way; a broken printer or motorbike (``broken_thing_before``)."""
    span = words[first:end]
    nxt = words[end] if end < len(words) else ""
    if value == "perubahan" and span[0] == "salah" and first > 0 and words[first - 1] in FIRST_PERSON:
        return not any(s_end == first - 1 for _, s_end in services)  # "sa salah ketik": a typo in the chat
        # ("ktp saya salah ketik nama" is the card's)
    if value == "perubahan" and span[-1] in UPDATE_WORDS:
        return nxt in STATUS_AFTER_UPDATE or (first > 0 and words[first - 1] in STATUS_BEFORE_UPDATE)
    if value == "perpanjangan" and span[-1].startswith("diperpanjang"):
        before = range(max(0, first - 5), first)
        if any(words[i] in EXTENDED_TIMES and words[i + 1] not in QUESTION_WORDS for i in before):
            return True  # "jam layanan samsat diperpanjang?" ("jam berapa bisa diperpanjang?" is still a renewal)
    if value in ("perubahan", "perpanjangan"):
        if nxt in ("tanggal", "tgl") and end + 1 < len(words) and words[end + 1] == "lahir":
            return False  # "pembetulan tanggal lahir": a date of birth is data on the document
        return _is_or_stems_to(nxt, TIME_OBJECTS) if nxt else False
    if value == "rusak" and any(w.endswith("pecah") for w in span):
        # a land certificate split in two, or a family split off into its own card ("pecah kk")
        return any(_is_or_stems_to(w, LAND_WORDS) for w in words) or nxt in ("kk", "kartu")
    if value == "rusak" and span[-1] in UNREADABLE and nxt in ("di", "dalam", "oleh", "sama") and end + 1 < len(words):
        # "nik saya tidak terbaca di sistem": the data is missing from a system, the card is not damaged
        return words[end + 1] in SOFTWARE
    if value in ("hilang", "rusak"):
        if value == "hilang" and nxt in ("di", "sama", "oleh", "dari", "pas", "waktu") and end + 1 < len(words):
            papers = any(_is_or_stems_to(w, PAPERS) for w in words[max(0, first - PAPERS_WINDOW) : first])
            if papers and _is_or_stems_to(words[end + 1], AT_THE_OFFICE):
                return True
        if value == "hilang" and (
            nxt in HILANG_IDIOM_AFTER
            or (nxt in ("my", "the") and end + 1 < len(words) and words[end + 1] in HILANG_IDIOM_AFTER)
        ):
            return True  # "ilang arah", "lost my way"
        return broken_thing_before(words, first, services)
    return False


def broken_thing_before(words: Sequence[str], first: int, services: Sequence[tuple[int, int]] = ()) -> bool:
    """A thing that is no document stands a few words before "hilang"/"rusak" ("printer di loket skck rusak",
    "motornya rusak"), with no document of its own in between: "stnk motor rusak" is a damaged STNK, and a service
    after "loket" names a counter, not the thing."""
    for i in range(first - 1, max(-1, first - 1 - NOT_DOCUMENT_WINDOW), -1):
        if not _is_or_stems_to(words[i], NOT_DOCUMENTS):
            continue
        owned = any(s_first <= i <= s_end for s_first, s_end in services)  # "stnk motor": the motor's STNK
        between = [  # "server samsat", "loket skck": the service names whose thing or counter it is
            (s_first, s_end) for s_first, s_end in services if i + 1 < s_first < first and words[s_first - 1] != "loket"
        ]
        return not owned and not between
    return False


def follow_up(words: Sequence[str], first: int, value: str = "") -> bool:
    """A short message that asks about a case or answers the assistant's question: "kalau hilang?", "trus kalo
    kasusnya ilang?", "for a renewal, please", "sa punya yang hilang".

    Between the opening word (or the start) and the jenis word only filler may stand, so that "kalo nomer hp
    hilang" (a lost phone) is not a lost document."""
    if len(words) <= 4 and first <= 1:
        return True
    if len(words) > 8 and (first > FOLLOW_UP_LONG_FIRST or value == "baru"):
        # a longer message counts a kind named among its first words ("trus kalo yg hilang bayarnya lebih mahal
        # ga dibanding yg biasa?"), but never "baru", which there means "just" too often
        return False
    for i in range(first - 1, -1, -1):
        if words[i] in FOLLOW_UP:
            return True
        if words[i] not in FILLER:
            return False
    return True


def near(words: Sequence[str], first: int, end: int, vocabulary: Iterable[str] | frozenset[str], window: int) -> bool:
    vocab = vocabulary if isinstance(vocabulary, frozenset) else frozenset(vocabulary)
    lo, hi = max(0, first - window), min(len(words), end + window)
    return any(w in vocab for w in words[lo:first]) or any(w in vocab for w in words[end:hi])


def certificate_for(words: Sequence[str]) -> str | None:
    """The certificate a message is about when it names only a death or only a birth, however far from the
    word "akta" ("anak saya lahir 2 minggu lalu, mau buat aktanya"); None when it names both or neither.
    A date or place of birth ("tanggal lahir") is a detail of a form, not a birth."""
    death = any(w in DEATH_WORDS for w in words)
    birth = any(w in BIRTH_WORDS and not (i > 0 and words[i - 1] in BIRTH_DETAIL) for i, w in enumerate(words))
    if death == birth:
        return None
    return "akta_kematian" if death else "akta_kelahiran"


def for_a_child(words: Sequence[str]) -> bool:
    """The message is about a child: a toddler or pupil word, or an age under 17 ("umur 3 thn", "8 tahun")."""
    if any(w in CHILD_WORDS for w in words):
        return True
    for i, w in enumerate(words):
        n = _number(w)
        if n is None:
            continue
        aged = i > 0 and _AGE.match(words[i - 1]) is not None
        unit = words[i + 1] if i + 1 < len(words) else ""
        if aged and _MONTHS.match(unit):  # "umur 8 bulan"
            return True
        if (aged or _YEARS.match(unit)) and n < 17:
            return True
    return False


def ktp_for_a_child(words: Sequence[str], first: int, end: int) -> bool:
    """An identity card asked for a son or daughter whose age, under 17, the message gives ("anak saya yang 10
    tahun mau dibikinin ktp"): a KIA. Not when the card is the writer's own ("ktp saya hilang, anak saya 5 tahun
    ikut"), nor when an age of 17 or more is given too."""
    if not any(w in CHILD_RELATION for w in words) or not for_a_child(words) or for_an_adult(words):
        return False
    return not any(w in FIRST_PERSON for w in words[end : end + 2])


def for_an_adult(words: Sequence[str]) -> bool:
    for i, w in enumerate(words):
        if _NUMBER.match(w) and int(w) >= 17:
            aged = i > 0 and _AGE.match(words[i - 1]) is not None
            years = i + 1 < len(words) and _YEARS.match(words[i + 1]) is not None
            if aged or years:
                return True
    return False


def data_changed(words: Sequence[str]) -> tuple[int, int] | None:
    """Token span of a detail on a document said to be wrong or to change ("agamanya salah", "alamat di ktp mau
    diganti", "tgl lahir keliru"), if any: a request of kind perubahan.
    Not in a message about a booking, where a wrong name or date is the booking's ("nama di booking salah"), nor
    about a place ("salah alamat, loket ktp di mana")."""
    if any(w in BOOKING_WORDS or w in PLACE_WORDS for w in words):
        return None
    for i, w in enumerate(words):
        field = w in DATA_FIELDS or (w == "lahir" and i > 0 and words[i - 1] in BIRTH_DETAIL)
        status = w in STATUS_WORDS and i + 1 < len(words) and words[i + 1] in STATUS_DETAIL
        field = (
            field or status or (w == "birth" and i > 1 and words[i - 1] == "of" and words[i - 2] in ("date", "place"))
        )
        if not field:
            continue
        # "status lajang padahal sudah berkeluarga, mau diubah": a status is two words and its reason may follow
        for j in range(max(0, i - 4), min(len(words), i + (8 if status else 5))):
            if words[j] in CHANGE_WORDS:
                return min(i, j), max(i, j) + 1
    return None


def validity_ended(words: Sequence[str]) -> tuple[int, int] | None:
    """Token span of "masa berlaku(nya) ... habis" or "mati masa berlakunya", if any."""
    for i, w in enumerate(words):
        if w not in VALIDITY:
            continue
        for j in range(max(0, i - 4), min(len(words), i + 5)):
            if words[j] in ENDED:
                start = min(i, j)
                if start > 0 and words[start - 1] == "masa" and start == i:
                    start -= 1
                return start, max(i, j) + 1
    return None
