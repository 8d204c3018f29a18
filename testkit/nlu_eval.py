"""Scores a trained model on the NLU held-out sets (intent and entity figures, parse time).

Used by ``make evaluate`` (side by side with the stock ``rasa init`` pipeline) and by
the tests that enforce the floors (``SET_FLOORS``, one set of floors per held-out set).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from mpp.config import PROJECT_ROOT

REGRESSION_FILE = PROJECT_ROOT / "tests" / "nlu" / "regression.yml"
UNSEEN_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen.yml"  # set A: the dev set (configs are chosen on it)
# Sets C, D and E (2026-12-04/05, scored blind three or four times each) are training data since 2026-12-06,
# and so are sets F and G (scored three times each; rounds 5-6 and entity rules were written from them) since
# that afternoon, and set I (scored blind twice, 0.965 then 0.969) since that night, once set J had its first
# score: data/nlu/retired_set_[c-i].yml, data sheets in docs/retired_sets/.
UNSEEN_H_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_h.yml"  # set H: scored thrice; round 7 is in its flavours
UNSEEN_J_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_j.yml"  # set J: blind, written 2026-12-06, never tuned on
UNSEEN_K_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_k.yml"  # set K: blind, written 2026-12-07, never tuned on
UNSEEN_L_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_l.yml"  # set L: blind, written 2026-12-07, never tuned on
UNSEEN_M_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_m.yml"  # set M: blind, written 2026-12-07, never tuned on
UNSEEN_N_FILE = PROJECT_ROOT / "tests" / "nlu" / "unseen_n.yml"  # set N: blind, written 2026-12-07, never tuned on
SETS = {
    "regression": REGRESSION_FILE,
    "unseen": UNSEEN_FILE,
    "unseen_h": UNSEEN_H_FILE,
    "unseen_j": UNSEEN_J_FILE,
    "unseen_k": UNSEEN_K_FILE,
    "unseen_l": UNSEEN_L_FILE,
    "unseen_m": UNSEEN_M_FILE,
    "unseen_n": UNSEEN_N_FILE,
}
# Sets whose lines no report prints (figures and confusion counts only).
BLIND_SETS = frozenset({"unseen", "unseen_h", "unseen_j", "unseen_k", "unseen_l", "unseen_m", "unseen_n"})
# Blind sets not scored yet: their floors come from their first blind run (never from a guess).
AWAITING_FLOORS: frozenset[str] = frozenset()
# Per held-out set: the figures of "ours" in `make evaluate` (2026-12-04: regression 0.950 / 0.960 /
# 1.000 / 0.986, unseen A 0.903 / 0.915 / 1.000 / 0.973, unseen C 0.890 / 0.899 / 0.991 / 0.933)
# minus ~0.015, so that a change that costs more than noise fails CI. Re-measure and raise them
# when the data improves.
# 2026-12-04, with the sentence encoder (config.yml): regression 0.963 / 0.975, A 0.943 / 0.950,
# C 0.931 / 0.934 (intent / macro-F1; entities unchanged) -> intent floors raised to these minus ~0.015.
SET_FLOORS: dict[str, dict[str, float]] = {  # measured 2026-12-04 after the nlu-intent and repair5 data, minus ~0.01
    "regression": {
        "intent_accuracy": 0.965,
        "macro_f1": 0.975,
        "layanan_f1": 0.985,
        "jenis_f1": 0.97,
    },  # 0.963/0.975/1/0.986; after varied4 (2026-12-05) 0.977/0.984/1/0.986; after C-E in training,
    # varied5 and varied6 (2026-12-06) 0.979/0.988/1/1
    "unseen": {
        "intent_accuracy": 0.965,
        "macro_f1": 0.965,
        "layanan_f1": 0.985,
        "jenis_f1": 0.955,
    },  # 0.943/0.950/1/0.973; after varied3 (2026-12-05, A is the dev set) 0.967/0.969/1/0.973;
    # 2026-12-06 after C-E in training, varied5 and varied6 0.980/0.980/1/0.973
    "unseen_h": {
        "intent_accuracy": 0.93,
        "macro_f1": 0.94,
        "layanan_f1": 0.985,
        "jenis_f1": 0.83,
    },  # first (blind) run 2026-12-06, on the model of the rounds above: 0.945/0.953/1.000/.850; second, after
    # F and G in training and the identity-card rule (same day, evening): 0.959/0.964/1.000/.850; third, after
    # round 7, written in H's flavours (from now on H flatters): 0.971/0.974/1.000/.850
    "unseen_j": {
        "intent_accuracy": 0.93,
        "macro_f1": 0.935,
        "layanan_f1": 0.98,
        "jenis_f1": 0.87,
    },  # first (blind) run 2026-12-06 late evening, on the model with F and G in training, round 7 and the jenis
    # rules (set I not yet in training): 0.948/0.951/.997/.889 (set I, that model: 0.969/0.971/.991/.960);
    # second, after set I, round 8 and the jenis fixes: 0.960/0.963/1.000/.909; third, after round 9 and the
    # encoder below 0.8 (nothing chosen by it): 0.962/0.965/1.000/.909; fourth, after rounds 10 and 11 and the jenis
    # words (2026-12-07, nothing chosen by it): 0.960/0.967/1.000/.909; fifth, after round 12 and the jenis rules
    # chosen on the jenis and dev12 dev sets (2026-12-07 afternoon): 0.969/0.971/1.000/.933; sixth, after round 13
    # (chosen on the dev sets' misses, 2026-12-07 evening): 0.960/0.964/1.000/.933; seventh, after round 14 and the
    # night's jenis rules (chosen on dev15's misses, 2026-12-07 night): 0.967/0.966/1.000/.933; eighth, with round
    # 15 (2026-12-07 22:15 UTC; not merged, benchmarks/nlu_candidates): 0.965/0.969/1.000/.933; the late-night
    # jenis rules (chosen on dev16 and jenis_dev) left the seventh figures unchanged
    "unseen_k": {
        "intent_accuracy": 0.96,
        "macro_f1": 0.96,
        "layanan_f1": 0.965,
        "jenis_f1": 0.885,
    },  # first (blind) run 2026-12-07 just after midnight, on the final model of J's third score (K was written
    # after that model was fixed): 0.976/0.974/.981/.903; second, after rounds 10 and 11 and the jenis words
    # (2026-12-07, nothing chosen by it): 0.978/0.978/.981/.903; third, after round 12 and the jenis rules (2026-12-07
    # afternoon, chosen on dev sets only): 0.981/0.981/.981/.918; fourth, after round 13: 0.976/0.978/.981/.918;
    # fifth, after round 14 and the night's jenis rules (dev15 only): 0.985/0.986/.981/.921; sixth, with round 15
    # (not merged): 0.983/0.985/.981/.921
    "unseen_l": {
        "intent_accuracy": 0.945,
        "macro_f1": 0.945,
        "layanan_f1": 0.98,
        "jenis_f1": 0.915,
    },  # first (blind) run 2026-12-07 02:30 UTC, on the model of main at ae56e94 (the data of J's third and K's
    # first score; L was written before any data change of that session): 0.960/0.962/.995/.933; second, after rounds
    # 10 and 11 and the jenis words (the final model, chosen on the dev sets only): 0.969/0.974/.995/.933; third,
    # after round 12 and the jenis rules (2026-12-07 afternoon, dev sets only): 0.969/0.973/.995/.968; fourth,
    # after round 13: 0.972/0.976/.995/.968; fifth, after round 14 and the night's jenis rules: 0.964/0.972/.995/.968;
    # sixth, with round 15 (not merged): 0.969/0.975/.995/.968
    "unseen_m": {
        "intent_accuracy": 0.955,
        "macro_f1": 0.965,
        "layanan_f1": 0.975,
        "jenis_f1": 0.89,
    },  # first (blind) run 2026-12-07 05:58 UTC, on the model of main at 9796b89 (L's second score; M was written
    # before any change of that session): 0.971/0.979/.992/.906; second, after round 12 and the jenis rules (same
    # afternoon, chosen on the jenis and dev12 dev sets only): 0.976/0.981/.992/.923; third, after round 13:
    # 0.981/0.983/.992/.923; fourth, after this evening's entity and phone-typing rules: 0.981/0.983/.997/.923;
    # fifth, after round 14 and the night's jenis rules: 0.974/0.978/.997/.937; sixth, with round 15 (not merged): 0.974/0.976/.997/.937
    "unseen_n": {
        "intent_accuracy": 0.95,
        "macro_f1": 0.955,
        "layanan_f1": 0.985,
        "jenis_f1": 0.92,
    },  # first (blind) run 2026-12-07 15:25 UTC, on the final model of that evening (round 13 data, the entity
    # and phone-typing rules chosen on booking_repair d050 and the dev sets; nothing chosen by N):
    # 0.965/0.973/1.000/.939, lowest intent F1 0.929; stock on the same data 0.906/0.913/.934/.873; second, after
    # round 14 and the night's jenis rules (2026-12-07 night, chosen on dev15 only): 0.972/0.975/1.000/.955; third,
    # with round 15 (not merged): 0.970/0.976/1.000/.955
}


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
    # Entity values as sets per line, pooled over the set: precision = right values / values given,
    # recall = right values / gold values (a value given where none is named costs precision).
    layanan_precision: float = 0.0
    layanan_recall: float = 0.0
    layanan_f1: float = 0.0
    jenis_precision: float = 0.0
    jenis_recall: float = 0.0
    jenis_f1: float = 0.0
    per_intent_f1: dict[str, tuple[int, float]] = field(default_factory=dict)  # intent -> (gold count, F1)
    parse_ms: list[float] = field(default_factory=list)  # one per message
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


def f1_per_label(gold: list[str], predicted: list[str]) -> dict[str, tuple[int, float]]:
    """Gold count and F1 of every gold label (a prediction outside the gold labels costs precision only)."""
    out = {}
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[label] = (tp + fn, 2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return out


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = [f1 for _, f1 in f1_per_label(gold, predicted).values()]
    return sum(scores) / len(scores) if scores else 0.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median_ms(report: Report) -> float:
    return statistics.median(report.parse_ms) if report.parse_ms else 0.0


def _entity_values(parse: dict[str, Any], entity: str) -> frozenset[str]:
    return frozenset(str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == entity)


def score(
    name: str, examples: list[Example], parses: list[dict[str, Any]], parse_ms: list[float] | None = None
) -> Report:
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
        per_intent_f1=f1_per_label(gold, predicted),
        parse_ms=list(parse_ms or []),
    )
    for entity in ("layanan", "jenis"):
        hits = total = right = given = wanted = 0
        for example, parse in zip(examples, parses, strict=True):
            want = example.entities.get(entity, frozenset())
            got = _entity_values(parse, entity)
            right, given, wanted = right + len(want & got), given + len(got), wanted + len(want)
            if want:
                total += 1
                hits += got == want
                if got != want:
                    report.entity_misses.append((example.text, entity, ",".join(sorted(want)), ",".join(sorted(got))))
            elif got:  # a value where none is named (listed for jenis too; counted for layanan)
                report.layanan_false_positives += entity == "layanan"
                report.entity_misses.append((example.text, entity, "-", ",".join(sorted(got))))
        setattr(report, f"{entity}_accuracy", hits / total if total else 0.0)
        setattr(report, f"{entity}_n", total)
        precision = right / given if given else 0.0
        recall = right / wanted if wanted else 0.0
        setattr(report, f"{entity}_precision", precision)
        setattr(report, f"{entity}_recall", recall)
        setattr(report, f"{entity}_f1", 2 * precision * recall / (precision + recall) if precision + recall else 0.0)
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


async def _timed_parses(agent: Any, texts: list[str]) -> tuple[list[dict[str, Any]], list[float]]:
    parses, took = [], []
    for text in texts:
        start = time.perf_counter()
        parses.append(await agent.parse_message(text))
        took.append((time.perf_counter() - start) * 1000)
    return parses, took


def evaluate_sets(name: str, model_path: Path, sets: dict[str, list[Example]]) -> dict[str, Report]:
    """Loads the model once, parses every set's lines one at a time (as served) and scores each set."""
    from rasa.core.agent import Agent

    quiet_rasa()
    agent = Agent.load(str(model_path))

    async def run() -> dict[str, Report]:
        await agent.parse_message("halo")  # warm-up: the first parse builds caches
        out = {}
        for set_name, examples in sets.items():
            parses, took = await _timed_parses(agent, [e.text for e in examples])
            out[set_name] = score(name, examples, parses, took)
        return out

    return asyncio.run(run())


def evaluate_model(name: str, model_path: Path, examples: list[Example] | None = None) -> Report:
    examples = examples if examples is not None else load_examples()
    return evaluate_sets(name, model_path, {"set": examples})["set"]


_MARKUP = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def plain(text: str) -> str:
    """Training-data line without entity markup, lowercased, words only."""
    return " ".join(re.findall(r"\w+", _MARKUP.sub(r"\1", text).lower()))
