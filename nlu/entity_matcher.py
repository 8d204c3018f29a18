"""Finds the contract's entities in a message with tables and rules (no Rasa here).

``layanan`` and ``mpp`` come from alias tables learnt from the training data
(annotations and synonyms), matched longest-first on word tokens, with a fuzzy
fallback for typos in longer words ("pasport", "kelahran"). ``jenis`` counts only
next to a service or in a short follow-up ("kalau hilang?"), so that "mesin
antreannya rusak" is not a request about damaged documents. Word forms (clitics, affixes,
vowel-less abbreviations) and the context rules (negation, "baru" meaning "just", a document
named by whom it is for, a document mentioned in passing) live in ``nlu.entity_rules``. Words
the training data uses outside any entity (``known_words``) are never read as a typo of an
alias ("pertanyaan" is not "pertanahan"). ``nik`` and ``kode_booking`` are patterns. Offsets
always point into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from rapidfuzz import fuzz, process

from nlu import entity_rules as rules

TOKEN = re.compile(r"\w+", re.UNICODE)
NIK = re.compile(r"(?<![\d])(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?![\d])")
BOOKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
KODE = re.compile(r"(?<![\w-])([A-Za-z2-9]{4})-?([A-Za-z2-9]{4})(?![\w-])")
PII_TOKEN = re.compile(r"\b(NIKREF|TELREF)[A-Z2-9]{10}\b")
MAX_ALIAS_TOKENS = 5
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 86.0
JENIS_WINDOW = 5  # tokens between a jenis word and its service ("sim yg udah mati harus bikin baru")
JENIS_ONE_SERVICE_WORDS = 12  # in a message this short about one service, any jenis word is about it

# Tokens after which "pindah" is about moving a booking, not the SKPWNI service.
_PINDAH_NOT_SERVICE = frozenset(
    "jadwal jadwalnya antrean antrian antreannya antriannya antre antri jam hari tanggal tgl "
    "faskes loket slot booking waktu".split()
)
# ... also written without vowels ("pndah jdwl"): "pindah" and those words as phones abbreviate them
_PINDAH_FORMS = frozenset({"pindah", *rules.abbreviations("pindah")})
_PINDAH_NOT_SERVICE_FORMS = _PINDAH_NOT_SERVICE | {f for w in _PINDAH_NOT_SERVICE for f in rules.abbreviations(w)}
# "pindah ke lantai 2": a counter or an office that moved inside the building, not the SKPWNI service.
_PINDAH_INSIDE = frozenset("lantai lt gedung ruang ruangan sebelah atas bawah blok meja".split())
# "makasih kk", "permisi kk": kk meaning kakak; anywhere else kk is Kartu Keluarga.
_KK_AS_KAKAK_BEFORE = frozenset(
    "makasih makasi trims thanks thx terimakasih kasih permisi halo hallo hai hi pagi siang sore "
    "malam maaf punten ok oke iya ya siap sip nuhun nuwun".split()
)
# ... and "bisa gak kk": kk as the last word, after one of these particles
_KK_AS_KAKAK_LAST = frozenset("gk ga gak nggak ngga enggak ya yah dong deh sih kah kan nih tuh".split())
_REGENCY = frozenset(["kab", "kabupaten"])
MPP_LEADS = ("mpp",)  # "mpp <a name>": what follows names an MPP
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
    name: bool = False  # capitalised after the first word ("dari Bolmong"): a proper name


def _is_name(word: str, first: bool) -> bool:
    return not first and len(word) > 1 and word[0].isupper() and word[1:].islower()


def tokens(text: str) -> list[_Tok]:
    return [
        _Tok(m.group().lower(), m.start(), m.end(), _is_name(m.group(), i == 0))
        for i, m in enumerate(TOKEN.finditer(text))
    ]


def alias_key(text: str) -> str:
    return " ".join(t.text for t in tokens(text))


class AliasTable:
    """Surface form (normalised to word tokens) → canonical value, for one entity."""

    def __init__(
        self,
        entity: str,
        aliases: Mapping[str, str],
        known_words: Iterable[str] = (),
        leads: Iterable[str] = (),
        names_may_be_typos: bool = True,
    ):
        self.entity = entity
        # False for jenis: a place name one letter from a kind ("dari Bolmong" ~ "bolong") is no typo of it,
        # while a service name is often capitalised ("mau bikin Pasport")
        self.names_may_be_typos = names_may_be_typos
        self.aliases = {alias_key(k): v for k, v in aliases.items() if alias_key(k)}
        self.known = frozenset(known_words) - set(self.aliases)
        # A word that announces a name of this entity ("mpp"): the words after it are that name even when
        # they are also everyday words or a common misspelling ("mpp tanggerang selatan").
        self._led: dict[tuple[str, int], list[str]] = {}  # (lead word, words) -> aliases
        for alias in self.aliases:
            words = alias.split(" ")
            if words[0] in set(leads) and len(words) >= 2 and len(alias) >= FUZZY_MIN_LENGTH + 4:
                self._led.setdefault((words[0], len(words)), []).append(alias)
        # An alias with a clitic ("simnya") is found through its stem; as a fuzzy target it would read
        # "sinya" (sinyal) as "simnya".
        self._fuzzy_single = [
            a
            for a in self.aliases
            if " " not in a and len(a) >= FUZZY_MIN_LENGTH and not any(s in self.aliases for s in rules.stems(a))
        ]
        self._fuzzy_multi = [a for a in self.aliases if " " in a and len(a) >= FUZZY_MIN_LENGTH + 2]
        # "bpjs ketenagakerjan": a longer alias whose first words were matched exactly.
        self._longer: dict[str, list[str]] = {}
        for alias in self._fuzzy_multi:
            words = alias.split(" ")
            for n in range(1, len(words)):
                self._longer.setdefault(" ".join(words[:n]), []).append(alias)
        votes: dict[str, set[str]] = {}
        multi_votes: dict[str, set[str]] = {}
        for alias, value in self.aliases.items():
            if " " not in alias:
                for form in rules.abbreviations(alias):
                    votes.setdefault(form, set()).add(value)
            elif alias.count(" ") == 1:  # the first word abbreviated: "gnti data", "ubh nama"
                head, tail = alias.split(" ")
                for form in rules.abbreviations(head):
                    multi_votes.setdefault(f"{form} {tail}", set()).add(value)
        self._abbreviated = {
            form: next(iter(values))
            for form, values in votes.items()
            if len(values) == 1 and form not in self.aliases and form not in self.known
        }
        self._abbreviated_multi = {
            form: next(iter(values))
            for form, values in multi_votes.items()
            if len(values) == 1 and form not in self.aliases  # "gnti" is a known chat spelling: the tail decides
        }

    def is_known(self, word: str) -> bool:
        """A word of everyday language, or one derived from it: not a typo of an alias."""
        return word in self.known or any(root in self.known for root in rules.derived_from(word))

    def _word(self, word: str) -> str | None:
        """A single token that is an alias in another form: a clitic or affix, or without its vowels."""
        for stem in rules.stems(word):
            if stem in self.aliases and len(stem) >= 3:
                return self.aliases[stem]
        single = rules.squeezed(word)
        if single != word and len(single) >= 4 and single in self.aliases:
            return self.aliases[single]
        return self._abbreviated.get(word)

    def _extend(self, toks: list[_Tok], i: int, n: int, taken: set[int]) -> tuple[int, str] | None:
        """A longer alias that starts with the exact words toks[i:i+n] and ends in a typo."""
        key = " ".join(t.text for t in toks[i : i + n])
        longer = self._longer.get(key)
        if not longer:
            return None
        for extra in (2, 1):
            m = n + extra
            if i + m > len(toks) or any(j in taken for j in range(i, i + m)):
                continue
            tail = " ".join(t.text for t in toks[i + n : i + m])
            if len(tail) < FUZZY_MIN_LENGTH or any(self.is_known(t.text) for t in toks[i + n : i + m]):
                continue
            tails = {" ".join(a.split(" ")[n:]): a for a in longer if a.count(" ") == m - 1}
            best = process.extractOne(tail, list(tails), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best:
                return m, self.aliases[tails[best[0]]]
        return None

    def match(self, toks: list[_Tok], taken: set[int]) -> list[tuple[int, int, str]]:
        """(first token, last token + 1, value), longest exact match first, then word forms, then fuzzy."""
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(toks):
            hit = None
            for n in range(min(MAX_ALIAS_TOKENS, len(toks) - i), 0, -1):
                if any(j in taken for j in range(i, i + n)):
                    continue
                key = " ".join(t.text for t in toks[i : i + n])
                if key in self.aliases:
                    longer = self._extend(toks, i, n, taken)
                    hit = (i, i + longer[0], longer[1]) if longer else (i, i + n, self.aliases[key])
                    break
                if n == 2 and key in self._abbreviated_multi:
                    hit = (i, i + 2, self._abbreviated_multi[key])
                    break
            if hit:
                found.append(hit)
                taken.update(range(hit[0], hit[1]))
                i = hit[1]
            else:
                i += 1
        for i, tok in enumerate(toks):
            if i in taken or len(tok.text) < 3 or tok.text.isdecimal() or self.is_known(tok.text):
                continue
            value = self._word(tok.text)
            if value is not None:
                found.append((i, i + 1, value))
                taken.add(i)
        for i, tok in enumerate(toks):
            for (lead, n), candidates in sorted(self._led.items(), key=lambda kv: -kv[0][1]):
                if tok.text != lead or i + n > len(toks) or any(j in taken for j in range(i, i + n)):
                    continue
                key = " ".join(t.text for t in toks[i : i + n])
                best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if best:
                    found.append((i, i + n, self.aliases[best[0]]))
                    taken.update(range(i, i + n))
        for n, candidates in ((2, self._fuzzy_multi), (1, self._fuzzy_single)):
            if not candidates:
                continue
            for i in range(len(toks) - n + 1):
                if any(j in taken for j in range(i, i + n)):
                    continue
                key = " ".join(t.text for t in toks[i : i + n])
                if len(key) < FUZZY_MIN_LENGTH or key.isdecimal() or key in _NEVER_FUZZY:
                    continue
                if all(self.is_known(t.text) for t in toks[i : i + n]):
                    continue
                if not self.names_may_be_typos and any(t.name for t in toks[i : i + n]):
                    continue
                best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
                if best:
                    found.append((i, i + n, self.aliases[best[0]]))
                    taken.update(range(i, i + n))
        return sorted(found)


class EntityMatcher:
    def __init__(
        self,
        layanan: Mapping[str, str],
        mpp: Mapping[str, str],
        jenis: Mapping[str, str],
        known_words: Iterable[str] = (),
    ):
        known = frozenset(known_words)
        self.layanan = AliasTable("layanan", layanan, known)
        self.mpp = AliasTable("mpp", mpp, known, leads=MPP_LEADS)
        self.jenis = AliasTable("jenis", jenis, known, names_may_be_typos=False)

    def find(self, text: str) -> list[Found]:
        toks = tokens(text)
        words = [t.text for t in toks]
        found: list[Found] = []
        taken: set[int] = set()
        found.extend(self._patterns(text, toks, taken))
        pattern_tokens = set(taken)
        mpp_hits = [h for h in self.mpp.match(toks, taken) if not self._regency(toks, h)]
        found.extend(self._make("mpp", text, toks, h) for h in mpp_hits)
        service_hits = [h for h in self.layanan.match(toks, taken) if self._is_service(toks, h)]
        service_hits = self._by_purpose(words, service_hits, taken)
        service_hits = self._drop_passing(words, service_hits)
        found.extend(self._make("layanan", text, toks, h) for h in service_hits)
        # jenis words may sit inside a service phrase ("perpanjang stnk"): only patterns block them.
        jenis_hits = self.jenis.match(toks, set(pattern_tokens))
        expiry = rules.validity_ended(words)
        if expiry and not any(h[2] == "perpanjangan" for h in jenis_hits):
            jenis_hits = [h for h in jenis_hits if not (h[0] < expiry[1] and expiry[0] < h[1])]
            jenis_hits.append((expiry[0], expiry[1], "perpanjangan"))
        other_kind = any(h[2] in ("hilang", "perpanjangan", "perubahan") for h in jenis_hits)
        change = rules.data_changed(words) if service_hits and not other_kind else None
        if change:
            # "ktp saya agamanya salah": a change of the document's data
            jenis_hits = [h for h in jenis_hits if not (h[0] < change[1] and change[0] < h[1])]
            jenis_hits.append((change[0], change[1], "perubahan"))
        counted = [hit for hit in sorted(jenis_hits) if self._jenis_counts(words, hit, service_hits)]
        if any(value != "baru" for _, _, value in counted):
            # a new card replaces a torn, lost or changed one: "paspor sobek, ganti baru", "baru cerai, ganti
            # status di ktp": the request is of that other kind, and "baru" describes its result or means "just"
            counted = [hit for hit in counted if hit[2] != "baru"]
        found.extend(self._make("jenis", text, toks, hit) for hit in counted)
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
        if value == "pindah" and (words[-1].startswith("pindah") or words[-1] in _PINDAH_FORMS):
            if end < len(toks) and toks[end].text in _PINDAH_NOT_SERVICE_FORMS:
                return False
            if len(words) == 1:  # bare "pindah": moving house only with words about residence near it
                after = [t.text for t in toks[end : end + 2]]
                if len(after) == 2 and after[0] == "ke" and after[1] in _PINDAH_INSIDE:
                    return False
                around = [t.text for t in toks[max(0, first - 3) : first] + toks[end : end + 3]]
                return any(w in rules.RESIDENCE or any(s in rules.RESIDENCE for s in rules.stems(w)) for w in around)
        if words == ["sim"] and (
            (first > 0 and toks[first - 1].text == "kartu")
            or (end < len(toks) and toks[end].text in rules.SIM_CARD_AFTER)
        ):
            return False
        if words == ["kk"] and first > 0 and toks[first - 1].text in _KK_AS_KAKAK_BEFORE:
            return end < len(toks) and toks[end].text in ("baru", "hilang", "rusak", "ilang")
        if words == ["kk"] and end == len(toks) and first > 0 and toks[first - 1].text in _KK_AS_KAKAK_LAST:
            return False  # "bisa gak kk", "apa ya kk": the last word, after a particle, is the person asked
        return True

    @staticmethod
    def _jenis_counts(words: list[str], hit: tuple[int, int, str], services: Iterable[tuple[int, int, str]]) -> bool:
        first, end, value = hit
        services = list(services)
        spans = [(s_first, s_end) for s_first, s_end, _ in services]
        if rules.negated(words, first) or rules.about_something_else(words, first, end, value, spans):
            return False
        if value == "baru" and rules.new_thing(words, first, end):
            return False
        if value == "baru" and end - first == 1 and (words[first].startswith("b") or words[first] == "hanyar"):
            after_service = any(s_end == first for _, s_end in spans)
            modal = end < len(words) and words[end] in rules.MODALS_AFTER_NEW
            if not (after_service and modal) and rules.baru_means_just(words, first, end):
                return False
        if not services and first == 0 and end < len(words) and words[end] in rules.VOCATIVES:
            return True  # a bare answer to the officer: "baru kak, belum pernah punya"
        if any(
            abs(first - s_end) <= JENIS_WINDOW or abs(s_first - end) <= JENIS_WINDOW for s_first, s_end, _ in services
        ):
            return True
        if len(services) == 1 and len(words) <= JENIS_ONE_SERVICE_WORDS:
            return True  # a short message about one service: "sim saya sudah mati masa berlakunya bisa diperpanjang?"
        return not services and rules.follow_up(words, first, value)

    @staticmethod
    def _by_purpose(words: list[str], hits: list[tuple[int, int, str]], taken: set[int]) -> list[tuple[int, int, str]]:
        """A certificate for a death or a birth, an identity card for a child (see nlu.entity_rules)."""
        out = []
        for first, end, value in hits:
            span = words[first:end]
            if value in ("akta_kelahiran", "akta_kematian") and len(span) == 1 and rules.is_certificate_word(span[0]):
                # "akte", "aktenya": the table's majority is a guess; a death or a birth nearby decides
                if rules.near(words, first, end, rules.DEATH_WORDS, 5):
                    value = "akta_kematian"
                elif rules.near(words, first, end, rules.BIRTH_WORDS, 5):
                    value = "akta_kelahiran"
                else:
                    value = rules.certificate_for(words) or value
            elif value in ("ktp_el", "kia") and all(rules.is_card_word(w) for w in span):
                # a bare identity card ("kartu identitas") is a child's KIA for a child, else the holder's KTP-el
                value = "kia" if EntityMatcher._child(words, first, end) else "ktp_el"
            elif value == "kia" and any(w in rules.CHILD_RELATION for w in span) and rules.for_an_adult(words):
                value = "ktp_el"  # "ktp anak umur 17": a son or daughter of 17 or more gets a KTP-el
            elif value == "ktp_el" and rules.ktp_for_a_child(words, first, end):
                value = "kia"  # "anak saya yang 10 tahun mau dibikinin ktp": under 17, the child's card is a KIA
            out.append((first, end, value))
        if out:
            return out
        for i, word in enumerate(words):
            if i in taken:
                continue
            if word in rules.CERTIFICATE_WORDS:
                if rules.near(words, i, i + 1, rules.DEATH_WORDS, 5):
                    out.append((i, i + 1, "akta_kematian"))
                elif rules.near(words, i, i + 1, rules.BIRTH_WORDS, 5):
                    out.append((i, i + 1, "akta_kelahiran"))
            elif word in rules.CARD_WORDS:
                end = i + 2 if i + 1 < len(words) and words[i + 1] in rules.CARD_WORDS else i + 1
                if end == i + 1 and (word != "kartu" or (i + 1 < len(words) and words[i + 1] in rules.OTHER_CARDS)):
                    continue  # "id" or "card" alone, "kartu antrean": no identity card
                if EntityMatcher._child(words, i, end):
                    out.append((i, end, "kia"))
                elif end > i + 1:
                    out.append((i, end, "ktp_el"))
            if out:
                break
        return out

    @staticmethod
    def _child(words: list[str], first: int, end: int) -> bool:
        return rules.for_a_child(words) or (
            rules.near(words, first, end, rules.CHILD_RELATION | rules.BIRTH_WORDS, 4) and not rules.for_an_adult(words)
        )

    @staticmethod
    def _drop_passing(words: list[str], hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """Drop a document quoted as a source ("sesuai ktp") or an event given as a reason ("abis nikah")
        when another service is asked about."""
        if len({h[2] for h in hits}) < 2:
            return hits

        def passing(hit: tuple[int, int, str]) -> bool:
            first, _, value = hit
            before = words[max(0, first - 2) : first]
            if any(w in rules.PASSING_BEFORE for w in before):
                return True
            return value in rules.EVENT_SERVICES and first > 0 and words[first - 1] in rules.AFTER_EVENT

        kept = [h for h in hits if not passing(h)]
        return kept if kept else hits

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
