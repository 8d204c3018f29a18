"""Scores a trained model on the NLU regression set (intent and entity accuracy).

Used by ``make evaluate`` (side by side with the stock ``rasa init`` pipeline) and by
the tests that enforce the floors.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from mpp.config import PROJECT_ROOT

REGRESSION_FILE = PROJECT_ROOT / "tests" / "nlu" / "regression.yml"
FLOORS = {"intent_accuracy": 0.90, "macro_f1": 0.85, "layanan_accuracy": 0.90}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: dict[str, frozenset[str]]


@dataclass
class Report:
    name: str
    n: int
    intent_accuracy: float
    macro_f1: float
    layanan_accuracy: float
    layanan_n: int
    layanan_false_positives: int
    jenis_accuracy: float
    jenis_n: int
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # text, gold, predicted
    entity_misses: list[tuple[str, str, str, str]] = field(default_factory=list)


def load_examples(path: Path = REGRESSION_FILE) -> list[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    synonyms = {k.lower(): v for k, v in data.entity_synonyms.items()}
    out = []
    for m in data.intent_examples:
        entities: dict[str, set[str]] = {}
        for e in m.get("entities") or []:
            value = str(e.get("value") or m.get("text")[e["start"] : e["end"]])
            value = synonyms.get(value.lower(), value)
            entities.setdefault(e["entity"], set()).add(value)
        out.append(Example(m.get("text"), m.get("intent"), {k: frozenset(v) for k, v in entities.items()}))
    return out


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _entity_values(parse: dict[str, Any], entity: str) -> frozenset[str]:
    return frozenset(str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == entity)


def score(name: str, examples: list[Example], parses: list[dict[str, Any]]) -> Report:
    gold = [e.intent for e in examples]
    predicted = [(p.get("intent") or {}).get("name") or "" for p in parses]
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    report = Report(
        name=name,
        n=len(examples),
        intent_accuracy=correct / len(examples),
        macro_f1=macro_f1(gold, predicted),
        layanan_accuracy=0.0,
        layanan_n=0,
        layanan_false_positives=0,
        jenis_accuracy=0.0,
        jenis_n=0,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common()],
        misses=[(e.text, g, p) for e, g, p in zip(examples, gold, predicted, strict=True) if g != p],
    )
    for entity in ("layanan", "jenis"):
        hits = total = 0
        for example, parse in zip(examples, parses, strict=True):
            want = example.entities.get(entity, frozenset())
            got = _entity_values(parse, entity)
            if want:
                total += 1
                hits += got == want
                if got != want:
                    report.entity_misses.append((example.text, entity, ",".join(sorted(want)), ",".join(sorted(got))))
            elif got and entity == "layanan":
                report.layanan_false_positives += 1
                report.entity_misses.append((example.text, entity, "-", ",".join(sorted(got))))
        setattr(report, f"{entity}_accuracy", hits / total if total else 0.0)
        setattr(report, f"{entity}_n", total)
    return report


def quiet_rasa() -> None:
    """Rasa's structlog prints every parse at debug level unless configured."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)


async def parse_all(model_path: Path, texts: Iterable[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(model_path))
    return [await agent.parse_message(t) for t in texts]


def evaluate_model(name: str, model_path: Path, examples: list[Example] | None = None) -> Report:
    examples = examples if examples is not None else load_examples()
    parses = asyncio.run(parse_all(model_path, [e.text for e in examples]))
    return score(name, examples, parses)


_MARKUP = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def plain(text: str) -> str:
    """Training-data line without entity markup, lowercased, words only."""
    return " ".join(re.findall(r"\w+", _MARKUP.sub(r"\1", text).lower()))
