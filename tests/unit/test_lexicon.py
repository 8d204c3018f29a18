from nlu.lexicon import PROTECTED_WORDS, Normalizer


def test_domain_words_are_never_rewritten() -> None:
    n = Normalizer()
    # The MIT lexicons map kk -> kakak and rt -> retweet; the contract forbids both.
    for word in ["kk", "rt", "rw", "sim", "ktp", "skck", "kia", "nik", "npwp", "nib", "bpjs", "stnk", "imb", "pbg"]:
        assert n.normalize_token(word) == word
        assert word in PROTECTED_WORDS


def test_everyday_slang_becomes_formal() -> None:
    n = Normalizer()
    assert n.normalize_text("brp biaya bikin kk yg ilang gmn") == "berapa biaya buat kk yang hilang bagaimana"
    assert n.normalize_text("udh blm tgl bsk") == "sudah belum tanggal besok"
    assert n.normalize_token("gak") == "tidak"
    assert n.normalize_token("makasiiih") == "terima kasih"


def test_case_and_edge_punctuation_do_not_hide_a_word() -> None:
    n = Normalizer()
    assert n.normalize_token("Brp?") == "berapa"
    assert n.normalize_token("KK,") == "kk"


def test_vowel_dropped_errand_words_become_whole_words() -> None:
    # "ubh jdwl" (reschedule) had been read as a new booking: the words that tell the errands apart
    # must survive the way people drop vowels when typing fast.
    n = Normalizer()
    assert n.normalize_text("ubh jdwl antrn") == "ubah jadwal antrean"
    assert n.normalize_text("gnti jadwl") == "ganti jadwal"
    assert n.normalize_text("syrt dftr pndh") == "syarat daftar pindah"


def test_letters_typed_twice_do_not_hide_a_known_word() -> None:
    # "cekk antriann" (a key held a little too long) is the same request as "cek antrian"; a word that is
    # spelt with double letters ("tunggu", "maaf") or that is unknown either way stays as it was typed.
    n = Normalizer()
    assert n.normalize_text("cekk antriann sayaa") == "cek antrean saya"
    assert n.normalize_text("bookingg syaratt") == "booking syarat"
    assert n.normalize_text("tunggu maaf saat") == "tunggu maaf saat"
    assert n.normalize_token("tungguu") == "tunggu"
    assert n.normalize_token("gg") == "gg"
    assert n.normalize_token("kk") == "kk"


def test_minang_yes_and_no_at_the_summary_are_understood() -> None:
    # "iyo, alah bana" (Minang: yes, that is right) at the booking summary had been read as small talk,
    # and the citizen was asked to confirm again and again; "indak" is Minang for "tidak".
    n = Normalizer()
    assert n.normalize_text("iyo, alah bana") == "iya alah benar"
    assert n.normalize_text("indak, salah tu") == "tidak salah itu"


def test_without_the_lexicon_no_word_is_rewritten() -> None:
    n = Normalizer({})
    assert n.normalize_text("cekk antriann brp") == "cekk antriann brp"
