"""Rasa component: sets each token's lemma to a normalised form.

It runs after the tokenizer and changes only ``token.lemma``: the text, the
token offsets and therefore every entity span stay exactly as the user typed
them. Two jobs:

* NIK and phone numbers, and the tokens that stand for them, become one
  placeholder word, so that training data (raw numbers) and live messages
  (tokens, see bot.rasa_channel) look the same to the intent classifier.
* With ``lexicon: true``, slang becomes formal Indonesian ("brp" -> "berapa").
  Measured by ``make evaluate`` (ours vs ours+lexicon): on the regression set it
  changes nothing that counts (see config.yml), so it is off; switch it on when
  new data shows a gain.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.lexicon import Normalizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SlangNormalizer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"lexicon": True}

    def __init__(self, normalizer: Normalizer) -> None:
        self._normalizer = normalizer

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SlangNormalizer":
        config = {**cls.get_default_config(), **config}
        return cls(Normalizer() if config["lexicon"] else Normalizer({}))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    def _normalize(self, message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            token.lemma = self._normalizer.normalize_token(token.text)
