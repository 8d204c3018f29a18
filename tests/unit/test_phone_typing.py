"""Text typed on a phone keyboard (nlu/phone_typing.py, through the normaliser and the entity extractor) reads
as the same words typed carefully; numbers, codes and dates stay as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from mpp.config import PROJECT_ROOT
from mpp.privacy import find_personal_data
from nlu.encoder import encoder_text
from nlu.extractor import MppEntityExtractor, collect_aliases
from nlu.intent_classifier import message_text
from nlu.lexicon import Normalizer
from nlu.normalizer import set_lemmas
from nlu.phone_typing import word_counts

# word counts as SlangNormalizer learns them from the training data (a few of its everyday words)
WORDS = word_counts(["brp biayanya mau tanya jam berapa", "brp biayanya mau tanya jam berapa"])


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(words=WORDS)


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> MppEntityExtractor:
    tables = collect_aliases(load_data(str(PROJECT_ROOT / "data" / "nlu")))
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    return MppEntityExtractor({"runtime_mpp_names": False}, storage, Resource("extractor"), tables)


def _found(extractor: MppEntityExtractor, text: str) -> dict[str, tuple[str, str]]:
    return {e["entity"]: (text[e["start"] : e["end"]], str(e["value"])) for e in extractor.extract(text)}


def _parsed(text: str, normalizer: Normalizer) -> Message:
    message = Message(data={TEXT: text})
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    message.set(TOKENS_NAMES[TEXT], tokenizer.tokenize(message, TEXT))
    set_lemmas(message, normalizer)
    return message


def test_words_glued_together_read_as_the_words(normalizer: Normalizer) -> None:
    assert normalizer.normalize_text("syaratktp") == normalizer.normalize_text("syarat ktp") == "syarat ktp"
    assert normalizer.normalize_text("brpbiayanya") == normalizer.normalize_text("brp biayanya")
    assert normalizer.normalize_text("bsk jam9") == "besok jam 9"
    assert normalizer.normalize_text("mautanya dimpp bogor") == "mau tanya di mpp bogor"


def test_split_stretched_digit_and_punctuated_words_read_as_the_words(normalizer: Normalizer) -> None:
    assert normalizer.normalize_text("pas por baru") == "paspor baru"
    assert normalizer.normalize_text("okeeee paspooor") == normalizer.normalize_text("oke paspor")
    assert normalizer.normalize_text("s4ya b3sok") == "saya besok"
    assert normalizer.normalize_text("y4 b3nerrr") == normalizer.normalize_text("ya benerr")  # alay, held down
    assert normalizer.normalize_text("0k") == normalizer.normalize_text("ok")
    assert normalizer.normalize_text("ktp,kk,akta syarat/biaya") == "ktp kk akta syarat biaya"
    assert normalizer.normalize_text("SYARATKTP") == "syarat ktp"


def test_typos_repeated_words_and_unknown_words_are_not_cut(normalizer: Normalizer) -> None:
    # a typo of a long known word is a typo ("kelahran"), "kira2" is "kira-kira", an unknown name stays whole
    assert normalizer.normalize_text("kelahran") == "kelahran"
    assert normalizer.normalize_text("kira2") == "kira-kira"
    assert normalizer.normalize_text("wulansari") == "wulansari"
    assert normalizer.normalize_text("sabarahanya") == "sabarahanya"


def test_numbers_codes_and_dates_stay_as_typed(normalizer: Normalizer) -> None:
    assert normalizer.normalize_text("jam 09.00 tgl 12/05/2026") == "jam 09.00 tanggal 12/05/2026"
    assert normalizer.normalize_text("kode AB12CD ABCD-EF23") == "kode ab12cd abcd-ef23"
    assert normalizer.normalize_text("nik 3201234567890123") == "nik nomornik"
    assert normalizer.normalize_text("nomor 081234567890") == "nomor nomortelepon"


def test_a_nik_glued_to_a_word_is_still_the_nik_placeholder_and_masked(normalizer: Normalizer) -> None:
    assert normalizer.normalize_text("nik3201234567890123") == "nik nomornik"
    assert normalizer.normalize_text("nikNIKREFABCDEFGH23") == "nik nomornik"
    # the gateway finds it before Rasa does, glued or not
    assert [(kind, value) for _, _, kind, value in find_personal_data("nik3201234567890123")] == [
        ("nik", "3201234567890123")
    ]
    message = _parsed("cek nikNIKREFABCDEFGH23", normalizer)
    assert "nomornik" in encoder_text(message) and "NIKREF" not in encoder_text(message)


def test_the_classifier_and_the_encoder_see_the_repaired_words(normalizer: Normalizer) -> None:
    message = _parsed("syaratktp brp, pas por", normalizer)
    assert message_text(message).split() == ["syarat", "ktp", "berapa", "paspor"]
    assert encoder_text(message) == "syarat ktp brp, paspor "


def test_entities_are_found_in_glued_words_with_offsets_into_the_typed_text(extractor: MppEntityExtractor) -> None:
    assert _found(extractor, "syaratktp apa aja") == {"layanan": ("ktp", "ktp_el")}
    assert _found(extractor, "bikinpaspor baru") == {"layanan": ("paspor", "paspor"), "jenis": ("baru", "baru")}
    assert _found(extractor, "pas por hilang") == {"layanan": ("pas por", "paspor"), "jenis": ("hilang", "hilang")}
    assert _found(extractor, "b3sok jam9")["waktu"] == ("jam9", "jam 9")
    assert _found(extractor, "b3sok jam9")["tanggal"] == ("b3sok", "besok")
    found = _found(extractor, "perpanjang sim,skck")
    assert found["jenis"] == ("perpanjang", "perpanjangan")
    assert {e["value"] for e in extractor.extract("perpanjang sim,skck") if e["entity"] == "layanan"} == {"sim", "skck"}


def test_entities_of_text_typed_carefully_are_unchanged(extractor: MppEntityExtractor) -> None:
    assert _found(extractor, "nikNIKREFABCDEFGH23 mau cek") == {"nik": ("NIKREFABCDEFGH23", "NIKREFABCDEFGH23")}
    assert _found(extractor, "nik3201234567890123") == {"nik": ("3201234567890123", "3201234567890123")}
    assert _found(extractor, "cek booking ABCD-EF23") == {"kode_booking": ("ABCD-EF23", "ABCDEF23")}
    assert _found(extractor, "syarat ktp hilang") == {"layanan": ("ktp", "ktp_el"), "jenis": ("hilang", "hilang")}


def test_a_message_of_emoji_alone_reads_as_the_word_it_stands_for(normalizer: Normalizer) -> None:
    # "🤔" at the booking summary had been read as a yes (afirmasi 0.34, above the fallback threshold)
    assert normalizer.normalize_text("👍") == normalizer.normalize_text("oke")
    assert normalizer.normalize_text("🙏🙏") == normalizer.normalize_text("🙏🏻") == "terima kasih"
    assert normalizer.normalize_text("🤔") == "bingung"
    assert normalizer.normalize_text("👎") == "tidak"
    assert normalizer.normalize_text("😊") == "😊"  # no one meaning: as typed
    assert Normalizer({}).normalize_text("👍") == "👍"  # lexicon off: nothing rewritten


def test_the_encoder_reads_a_message_typed_with_caps_lock_in_lowercase(normalizer: Normalizer) -> None:
    assert encoder_text(_parsed("SYARAT PERPANJANG SIM APA SAJA", normalizer)) == "syarat perpanjang sim apa saja"
    # capitals in a message typed normally, and a word alone in capitals, stay
    assert encoder_text(_parsed("Syarat KTP di MPP Bogor", normalizer)) == "Syarat KTP di MPP Bogor"
    assert encoder_text(_parsed("PERPANJANGAN", normalizer)) == "PERPANJANGAN"


def test_an_mpp_onboarded_after_training_is_not_cut_into_known_words(tmp_path: Path) -> None:
    # "Sukamaju" was no word at training time and "suka" and "maju" are: the repair must learn the new name
    # with the table of MPP names in use, or the new MPP is never recognised ("jam buka mpp suka maju").
    tables = collect_aliases(load_data(str(PROJECT_ROOT / "data" / "nlu")))
    fresh = MppEntityExtractor({"runtime_mpp_names": False}, LocalModelStorage(tmp_path), Resource("x"), tables)
    fresh.use_mpp_names({**tables["mpp"], "mpp sukamaju": "kota_sukamaju", "sukamaju": "kota_sukamaju"})
    assert _found(fresh, "jam buka mpp sukamaju")["mpp"] == ("mpp sukamaju", "kota_sukamaju")
    assert _found(fresh, "syaratktp di mpp sukamaju") == {
        "layanan": ("ktp", "ktp_el"),
        "mpp": ("mpp sukamaju", "kota_sukamaju"),
    }
