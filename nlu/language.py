"""Rasa component: marks an English message with the entity ``bahasa: en`` (see mpp.language).

The slot ``bahasa`` maps from this entity, and to ``id`` on any other message (domain.yml), so
that responses (conditional variations) and actions answer an English message with an English
lead. Nothing is added to an Indonesian message. A button's payload (``/intent{…}``) is parsed
without this pipeline: the clarification buttons carry ``bahasa`` themselves (mpp.clarify).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from mpp.language import ENGLISH, language_of

ENTITY = "bahasa"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or language_of(text) != ENGLISH:
                continue
            found = self.add_extractor_name(
                [{"entity": ENTITY, "start": 0, "end": len(text), "value": ENGLISH, "confidence_entity": 1.0}]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
