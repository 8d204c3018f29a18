"""Rasa component: sets each token's lemma to a normalised form.

It runs after the tokenizer and changes only ``token.lemma``: the text, the
token offsets and therefore every entity span stay exactly as the user typed
them. Three jobs:

* NIK and phone numbers, and the tokens that stand for them, become one
  placeholder word, so that training data (raw numbers) and live messages
  (tokens, see bot.rasa_channel) look the same to the intent classifier.
* With ``lexicon: true``, slang becomes formal Indonesian ("brp" -> "berapa").
* With ``lexicon: true``, phone-keyboard habits are undone (nlu/phone_typing.py):
  "syaratktp" -> "syarat ktp", "jam9" -> "jam 9", "b3sok" -> "besok", "pas por" ->
  "paspor" (the first token's lemma; the second's is empty). The vocabulary is the
  lexicon's plus the words of the training data, learnt at training time and stored
  with the model (``words.json``: word counts, no numbers). A repaired token also
  keeps the words it was read as (``typed_as``), which the sentence encoder reads
  instead of what was typed (nlu/encoder.py).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.lexicon import PERSONAL_TOKEN, Normalizer
from nlu.phone_typing import word_counts

WORDS_FILE = "words.json"
TYPED_AS = "typed_as"  # token property: the words a repaired token was read as ("syarat ktp")


def training_words(training_data: TrainingData) -> Dict[str, int]:
    """Word counts of the training examples' texts (the repairs' vocabulary)."""
    return dict(word_counts(m.get(TEXT) or "" for m in training_data.training_examples))


def set_lemmas(message: Message, normalizer: Normalizer) -> None:
    """Each token's lemma (and ``typed_as`` where a phone-keyboard habit was undone)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    for token, lemma in zip(tokens, normalizer.normalize_tokens([t.text for t in tokens]), strict=True):
        token.lemma = lemma
    if normalizer.repair is None:
        return
    for token in tokens:
        if PERSONAL_TOKEN.search(token.text):
            continue
        repaired = normalizer.repair.repair_word(token.text.lower().strip(".,!?;:"))
        if repaired:
            token.set(TYPED_AS, " ".join(repaired))
    cores = [t.text.lower().strip(".,!?;:") for t in tokens]
    for start, (end, word) in normalizer.repair.joins(cores).items():
        if all(not t.lemma for t in tokens[start + 1 : end]):  # joined by normalize_tokens
            tokens[start].set(TYPED_AS, word)
            for token in tokens[start + 1 : end]:
                token.set(TYPED_AS, "")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SlangNormalizer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"lexicon": True}

    def __init__(
        self,
        normalizer: Normalizer,
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        lexicon: bool = True,
    ) -> None:
        self._normalizer = normalizer
        self._storage = model_storage
        self._resource = resource
        self._lexicon = lexicon

    @staticmethod
    def _normalizer_for(lexicon: bool, words: Dict[str, int] | None) -> Normalizer:
        return Normalizer(words=words) if lexicon else Normalizer({})

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SlangNormalizer":
        lexicon = bool({**cls.get_default_config(), **config}["lexicon"])
        return cls(cls._normalizer_for(lexicon, None), model_storage, resource, lexicon)

    def train(self, training_data: TrainingData) -> Resource:
        assert self._storage is not None and self._resource is not None
        words = training_words(training_data) if self._lexicon else {}
        self._normalizer = self._normalizer_for(self._lexicon, words)
        with self._storage.write_to(self._resource) as directory:
            (directory / WORDS_FILE).write_text(json.dumps(words, ensure_ascii=False, sort_keys=True))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SlangNormalizer":
        lexicon = bool({**cls.get_default_config(), **config}["lexicon"])
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / WORDS_FILE).read_text())
        except (ValueError, FileNotFoundError):
            words = None  # a model trained before the repairs learnt words: the lexicon's vocabulary only
        return cls(cls._normalizer_for(lexicon, words), model_storage, resource, lexicon)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            set_lemmas(message, self._normalizer)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            set_lemmas(message, self._normalizer)
        return training_data
