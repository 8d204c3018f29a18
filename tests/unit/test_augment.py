"""Training-time noise (nlu/augment.py, TfidfIntentClassifier ``augment``): seeded, numbers untouched,
copies normalised like served messages."""

from __future__ import annotations

import random
import re

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.augment import PARTICLES, noisy_copy, reverse_lexicon, typo
from nlu.intent_classifier import TfidfIntentClassifier, message_text
from nlu.lexicon import Normalizer

LINES = [
    "Berapa biaya bikin KTP di MPP Bogor?",
    "saya mau cek antrean NIK 3201234567890123 dong",
    "apakah sudah bisa ambil paspor yang kemarin",
    "hubungi saya di 081234567890 ya kak, kode booking AB12CD",
    "batalkan jadwal tanggal 12/01 jam 09.30 NIKREFABCDEFGH23",
]
NUMBERS = re.compile(r"\S*\d\S*")


def _copies(seed: int, n: int = 20) -> list[str]:
    rng = random.Random(seed)
    return [noisy_copy(line, rng) for line in LINES for _ in range(n)]


def test_the_same_seed_gives_the_same_copies_and_another_seed_others() -> None:
    assert _copies(7) == _copies(7)
    assert _copies(7) != _copies(8)
    assert sum(c.lower() != line.lower() for c, line in zip(_copies(7, 1), LINES, strict=True)) >= 2


def test_numbers_codes_and_nik_placeholders_are_never_changed() -> None:
    for line in LINES:
        rng = random.Random(3)
        wanted = [w.strip(".,!?;:") for w in NUMBERS.findall(line)]
        for _ in range(200):
            got = [w.strip(".,!?;:") for w in NUMBERS.findall(noisy_copy(line, rng))]
            assert got == wanted, line


def test_typos_are_one_slip_inside_a_word_and_leave_short_words() -> None:
    rng = random.Random(0)
    seen = {typo("antrean", rng) for _ in range(300)}
    assert {"atrean", "anntrean", "anrtean"} <= seen  # dropped, doubled, swapped
    assert "natrean" not in seen and "nantrean" not in seen  # the first letter stays
    assert all(w[0] == "a" and abs(len(w) - 7) <= 1 and w != "antrean" for w in seen)
    assert typo("ktp", rng) == "ktp" and typo("12345", rng) == "12345"


def test_slang_spellings_come_back_to_the_formal_word_through_the_normaliser() -> None:
    normalizer = Normalizer()
    reverse = reverse_lexicon()
    assert "yg" in reverse["yang"] and "udh" in reverse["sudah"]
    for formal in ("yang", "sudah", "bisa", "berapa", "tidak"):
        for informal in reverse[formal]:
            assert normalizer.normalize_token(informal) == formal, informal


def test_particles_are_added_and_dropped() -> None:
    copies = _copies(5, 50)
    added = [c for c in copies[50:100] if (set(c.lower().split()) - {"dong"}) & set(PARTICLES)]
    dropped = [c for c in copies[50:100] if "dong" not in c.lower().split()]
    assert added and dropped


@pytest.fixture()
def classifier(tmp_path: object) -> TfidfIntentClassifier:
    storage = LocalModelStorage(tmp_path)  # type: ignore[arg-type]
    return TfidfIntentClassifier({"augment": 3, "augment_seed": 1}, storage, Resource("clf"))


def test_copies_are_tokenised_and_normalised_like_served_messages(classifier: TfidfIntentClassifier) -> None:
    examples = [Message(data={TEXT: line, INTENT: "x"}) for line in LINES]
    copies, sources = classifier._noisy_copies(examples, {})
    assert len(copies) == 3 * len(LINES) and sources == [i for i in range(len(LINES)) for _ in range(3)]
    normalizer = Normalizer()
    for copy in copies:
        tokens = copy.get(TOKENS_NAMES[TEXT])
        assert tokens and [t.lemma for t in tokens] == normalizer.normalize_tokens([t.text for t in tokens])
        lemmas = message_text(copy).split()
        assert not {"yg", "udh", "brp", "gak"} & set(lemmas)
    # the NIK and the phone number reach the classifier as the placeholder words, in every copy
    assert all("nomornik" in message_text(c).split() for c, s in zip(copies, sources, strict=True) if s in (1, 4))
    assert all("nomortelepon" in message_text(c).split() for c, s in zip(copies, sources, strict=True) if s == 3)
    again, _ = classifier._noisy_copies(examples, {})
    assert [c.get(TEXT) for c in again] == [c.get(TEXT) for c in copies]
