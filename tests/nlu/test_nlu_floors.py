"""The trained model must keep each held-out set's NLU floors (testkit.nlu_eval.SET_FLOORS).

The floors are the figures `make evaluate` measured for models/asisten.tar.gz minus a small margin:
a change that costs more than noise on any set fails here. The model is loaded once and each set
parsed once. A failure on the unseen sets names only intents and counts, never a held-out line.
"""

from __future__ import annotations

import pytest

from testkit.nlu_eval import AWAITING_FLOORS, BLIND_SETS, SET_FLOORS, SETS, Report, evaluate_sets, load_examples
from tests.conftest import MODEL, require_model


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    require_model()
    # Only the sets with floors are parsed: a set awaiting floors gets its first score from a blind
    # `make evaluate`, not from a test run.
    return evaluate_sets("ours", MODEL, {name: load_examples(SETS[name]) for name in SET_FLOORS})


def _explain(set_name: str, report: Report) -> str:
    if set_name in BLIND_SETS:
        return "\n".join(f"  {gold} -> {pred or '(none)'}: {n}" for gold, pred, n in report.confusions)
    return "\n".join(f"  {gold} -> {pred}: {text}" for text, gold, pred in report.misses)


def _entity_misses(set_name: str, report: Report, entity: str) -> str:
    misses = [m for m in report.entity_misses if m[1] == entity]
    if set_name in BLIND_SETS:
        return f"  {len(misses)} lines with a wrong {entity} value set"
    return "\n".join(f"  want {w} got {g}: {t}" for t, _, w, g in misses)


@pytest.mark.parametrize("set_name", sorted(SET_FLOORS))
def test_every_held_out_set_has_floors(set_name: str) -> None:
    # A new blind set waits for its first score (AWAITING_FLOORS); every other set has floors.
    assert set(SET_FLOORS) == set(SETS) - AWAITING_FLOORS
    assert AWAITING_FLOORS <= BLIND_SETS
    assert all(0.5 < floor < 1.0 for floor in SET_FLOORS[set_name].values())


@pytest.mark.model
@pytest.mark.parametrize("set_name", sorted(SET_FLOORS))
def test_intent_accuracy_floor(reports: dict[str, Report], set_name: str) -> None:
    report = reports[set_name]
    floor = SET_FLOORS[set_name]["intent_accuracy"]
    assert report.intent_accuracy >= floor, f"{report.intent_accuracy:.3f} < {floor}\n" + _explain(set_name, report)


@pytest.mark.model
@pytest.mark.parametrize("set_name", sorted(SET_FLOORS))
def test_intent_macro_f1_floor(reports: dict[str, Report], set_name: str) -> None:
    report = reports[set_name]
    floor = SET_FLOORS[set_name]["macro_f1"]
    worst = sorted(report.per_intent_f1.items(), key=lambda kv: kv[1][1])[:5]
    assert report.macro_f1 >= floor, f"{report.macro_f1:.3f} < {floor}; worst intents: {worst}"


@pytest.mark.model
@pytest.mark.parametrize("set_name", sorted(SET_FLOORS))
@pytest.mark.parametrize("entity", ["layanan", "jenis"])
def test_entity_f1_floor(reports: dict[str, Report], set_name: str, entity: str) -> None:
    report = reports[set_name]
    floor = SET_FLOORS[set_name][f"{entity}_f1"]
    got = getattr(report, f"{entity}_f1")
    assert got >= floor, f"{entity} F1 {got:.3f} < {floor}\n" + _entity_misses(set_name, report, entity)


@pytest.mark.model
@pytest.mark.parametrize("set_name", sorted(SET_FLOORS))
def test_no_service_where_none_was_named(reports: dict[str, Report], set_name: str) -> None:
    # Naming a service where the user named none would answer a question nobody asked.
    report = reports[set_name]
    assert report.layanan_false_positives <= 0.02 * report.n, _entity_misses(set_name, report, "layanan")
