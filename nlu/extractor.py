"""Rasa component: extracts layanan, jenis, mpp, nik, kode_booking, tanggal and waktu.

The alias tables are learnt at training time from the annotated examples and the
synonyms in ``data/nlu`` and stored with the model; the rules live in
``nlu.entity_matcher`` and dates/times in ``nlu.datetime_parser``.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from mpp.catalogue.model import JENIS_VALUES, SERVICE_CODES
from mpp.config import fixed_now_from_env, load_settings
from nlu.datetime_parser import Dates, DateTimes, DateTimeSpan, Times, find_spans, parse, parse_iso
from nlu.entity_matcher import EntityMatcher, tokens
from nlu.lexicon import LEXICON_DIR, PERSONAL_TOKEN, load_lexicon, typing_repair
from nlu.mpp_names import RuntimeMppNames
from nlu.phone_typing import TypingRepair, word_counts

logger = logging.getLogger(__name__)

TABLE_ENTITIES = ("layanan", "mpp", "jenis")
_TIME_WORD = re.compile(r"\b(jam|jm|pukul|pkl|pagi|siang|sore|malam|setengah)\b|\b\d{1,2}[.:]\d{2}\b", re.I)


def split_date_time(span: DateTimeSpan, now: datetime) -> List[tuple[str, int, int]]:
    """A combined phrase ("besok jam 9") as a tanggal part and a waktu part, as people annotate them.

    Falls back to both entities over the whole phrase when it cannot be cut cleanly.
    """
    if span.kind != "tanggal_waktu":
        return [(span.kind, span.start, span.end)]
    match = _TIME_WORD.search(span.text)
    if match and match.start() > 0:  # date first: "besok jam 9"
        first, second = span.text[: match.start()].rstrip(), span.text[match.start() :]
        if parse(first, now) and parse(second, now):
            return [("tanggal", span.start, span.start + len(first)), ("waktu", span.start + match.start(), span.end)]
    elif match:  # time first: "jam 9 besok"
        for word in reversed(list(re.finditer(r"\S+", span.text))[1:]):  # longest time first
            head, tail = span.text[: word.start()].rstrip(), span.text[word.start() :]
            head_value, tail_value = parse(head, now), parse(tail, now)
            if isinstance(head_value, Times) and isinstance(tail_value, (Dates, DateTimes)):
                return [("waktu", span.start, span.start + len(head)), ("tanggal", span.start + word.start(), span.end)]
    return [("tanggal", span.start, span.end), ("waktu", span.start, span.end)]


ALIAS_FILE = "aliases.json"
KNOWN_WORDS = "known_words"  # a table of words (values unused) stored with the aliases
TYPING_WORDS = "typing_words"  # word -> count in the training data: the phone-keyboard repairs' vocabulary


def _valid(entity: str, value: str) -> bool:
    if entity == "layanan":
        return value in SERVICE_CODES
    if entity == "jenis":
        return value in JENIS_VALUES
    return bool(value) and value.replace("_", "").isalnum()


def known_words(training_data: TrainingData, min_count: int = 2) -> set[str]:
    """Words the examples use at least ``min_count`` times outside any entity: never a typo of an alias."""
    counts: Counter = Counter()
    for example in training_data.nlu_examples:
        text = (example.get(TEXT) or "").lower()
        spans = [(e["start"], e["end"]) for e in example.get(ENTITIES) or []]
        for tok in tokens(text):
            if not any(s < tok.end and tok.start < e for s, e in spans):
                counts[tok.text] += 1
    words = {w for w, n in counts.items() if n >= min_count and not w.isdecimal()}
    # and correctly spelt everyday words: the formal side of the slang lexicon and of the STIF pairs
    words.update(f for formal in load_lexicon().values() for f in formal.split() if f.isalpha())
    lines = (LEXICON_DIR / "stif_formal_words.txt").read_text(encoding="utf-8").splitlines()
    words.update(w for w in lines if w and not w.startswith("#"))
    return words


def slang_words(aliases: Dict[str, Dict[str, str]]) -> set[str]:
    """Informal spellings of everyday words ("engga", "bilang"); not those of an alias ("pasport" -> "paspor")."""
    surfaces = {s for table in aliases.values() for s in table} | {
        v for table in aliases.values() for v in table.values()
    }
    return {k for k, formal in load_lexicon().items() if k.isalpha() and formal not in surfaces and k not in surfaces}


def collect_aliases(training_data: TrainingData) -> Dict[str, Dict[str, str]]:
    """Surface form → value per entity, from annotations and synonyms (majority wins); and the known words."""
    votes: Dict[str, Dict[str, Counter]] = {e: defaultdict(Counter) for e in TABLE_ENTITIES}
    synonyms = {k.lower(): v for k, v in training_data.entity_synonyms.items()}
    for example in training_data.nlu_examples:
        text = example.get(TEXT) or ""
        for ent in example.get(ENTITIES) or []:
            if ent["entity"] not in votes:
                continue
            surface = text[ent["start"] : ent["end"]].lower()
            value = str(ent.get("value") or surface)
            value = synonyms.get(value.lower(), value)
            if _valid(ent["entity"], value):
                votes[ent["entity"]][surface][value] += 1
    values_seen = {e: {v for c in votes[e].values() for v in c} for e in TABLE_ENTITIES}
    for surface, value in synonyms.items():
        for entity in TABLE_ENTITIES:
            if value in values_seen[entity] or (entity != "mpp" and _valid(entity, value)):
                votes[entity][surface][value] += 1
                break
    tables = {e: {s: c.most_common(1)[0][0] for s, c in votes[e].items()} for e in TABLE_ENTITIES}
    tables[KNOWN_WORDS] = {w: "" for w in sorted(known_words(training_data) | slang_words(tables))}
    counts = word_counts(example.get(TEXT) or "" for example in training_data.nlu_examples)
    tables[TYPING_WORDS] = {w: str(n) for w, n in sorted(counts.items())}
    for code in SERVICE_CODES:
        tables["layanan"].setdefault(code.replace("_", " "), code)
    for jenis in JENIS_VALUES:
        tables["jenis"].setdefault(jenis, jenis)
    return tables


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class MppEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # runtime_mpp_names: also recognise the MPPs of the stored catalogue (nlu.mpp_names), so that an MPP
        # onboarded in the console is understood without retraining.
        return {"timezone": "Asia/Jakarta", "dates": True, "runtime_mpp_names": True}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        tables: Dict[str, Dict[str, str]] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._tables = tables or {e: {} for e in TABLE_ENTITIES}
        self._matcher = self._build(self._tables["mpp"])
        self._repair = self._typing_repair()
        self._tz = ZoneInfo(self._config["timezone"])
        # a test stack's frozen clock: "senin 7" read against the day the actions book from, not the wall clock
        self._fixed_now = fixed_now_from_env()
        self._names: RuntimeMppNames | None = None

    def _typing_repair(self, mpp: Dict[str, str] | None = None) -> TypingRepair | None:
        """Phone-keyboard repairs ("syaratktp" -> "syarat ktp", nlu/phone_typing.py) over the training data's
        words and the aliases' words (with ``mpp``, the MPP names in use: an MPP onboarded after training,
        "Sukamaju", is a word of its own, not "suka maju"); None for a model trained before the repairs."""
        words = self._tables.get(TYPING_WORDS)
        if not words:
            return None
        counts = {w: int(n) for w, n in words.items()}
        tables = [self._tables.get(table, {}) for table in TABLE_ENTITIES] + [mpp or {}]
        for table in tables:
            for alias in table:
                for word in alias.split():
                    counts[word] = max(counts.get(word, 0), 2)
        return typing_repair(load_lexicon(), counts)

    def use_mpp_names(self, table: Dict[str, str]) -> None:
        """Recognise ``mpp`` with this table from now on (the other entities' tables stay)."""
        # both built before either is handed over: a parse meanwhile uses the old pair or the new one
        matcher, repair = self._build(table), self._typing_repair(table)
        self._matcher, self._repair = matcher, repair

    def _build(self, mpp: Dict[str, str]) -> EntityMatcher:
        known = self._tables.get(KNOWN_WORDS, {})
        return EntityMatcher(self._tables["layanan"], mpp, self._tables["jenis"], known)

    def follow_stored_mpps(self, database_url: str, refresh_seconds: float) -> RuntimeMppNames:
        """Keep the MPP names in step with the stored catalogue (see nlu.mpp_names)."""
        self._names = RuntimeMppNames(self._tables["mpp"], self.use_mpp_names, database_url, refresh_seconds)
        self._names.start()
        return self._names

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MppEntityExtractor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._tables = collect_aliases(training_data)
        self._matcher = self._build(self._tables["mpp"])
        self._repair = self._typing_repair()
        with self._storage.write_to(self._resource) as directory:
            (directory / ALIAS_FILE).write_text(json.dumps(self._tables, ensure_ascii=False, sort_keys=True))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "MppEntityExtractor":
        try:
            with model_storage.read_from(resource) as directory:
                tables = json.loads((directory / ALIAS_FILE).read_text())
        except (ValueError, FileNotFoundError):
            logger.warning("MppEntityExtractor has no stored aliases; train the model again.")
            tables = None
        component = cls(config, model_storage, resource, tables)
        if component._config["runtime_mpp_names"]:
            settings = load_settings()
            component.follow_stored_mpps(settings.database_url, settings.catalogue_refresh_seconds)
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self.extract(message.get(TEXT) or "")
            entities = self.add_extractor_name(found)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def extract(self, text: str, now: datetime | None = None) -> List[Dict[str, Any]]:
        """The entities of ``text``, read with its phone-keyboard habits undone ("syaratktp", "jam9"); offsets
        point into ``text`` as typed."""
        if self._repair is None:
            return self._extract(text, now)
        repaired, index = self._repair.repair_text(text, keep=PERSONAL_TOKEN)
        if repaired == text:
            return self._extract(text, now)
        entities = self._extract(repaired, now)
        for entity in entities:
            entity["start"], entity["end"] = index[entity["start"]], index[entity["end"] - 1] + 1
        return entities

    def _extract(self, text: str, now: datetime | None) -> List[Dict[str, Any]]:
        entities = [
            {"entity": f.entity, "start": f.start, "end": f.end, "value": f.value, "confidence_entity": 1.0}
            for f in self._matcher.find(text)
        ]
        if self._config["dates"]:
            now = now or (self._fixed_now.astimezone(self._tz) if self._fixed_now else datetime.now(self._tz))
            entities.extend(self._dates(text, entities, now))
        return sorted(entities, key=lambda e: e["start"])

    @staticmethod
    def _dates(text: str, taken: List[Dict[str, Any]], now: datetime) -> List[Dict[str, Any]]:
        out = []
        for span in find_spans(text, now):
            if any(e["start"] < span.end and span.start < e["end"] for e in taken):
                continue
            for kind, start, end in split_date_time(span, now):
                surface = text[start:end]
                out.append(
                    {
                        "entity": kind,
                        "start": start,
                        "end": end,
                        "value": surface,
                        "confidence_entity": 1.0,
                        "additional_info": {"iso": parse_iso(surface, now) or span.iso},
                    }
                )
        return out
