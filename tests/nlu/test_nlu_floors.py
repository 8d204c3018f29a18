"""The trained model must keep the NLU floors on the held-out regression set."""

from __future__ import annotations

import pytest

from testkit.nlu_eval import FLOORS, Report, evaluate_model
from tests.conftest import MODEL, require_model


@pytest.fixture(scope="module")
def report() -> Report:
    require_model()
    return evaluate_model("ours", MODEL)


def _misses(report: Report) -> str:
    return "\n".join(f"  {gold} -> {pred}: {text}" for text, gold, pred in report.misses)


@pytest.mark.model
def test_intent_accuracy_floor(report: Report) -> None:
    assert report.intent_accuracy >= FLOORS["intent_accuracy"], _misses(report)


@pytest.mark.model
def test_intent_macro_f1_floor(report: Report) -> None:
    assert report.macro_f1 >= FLOORS["macro_f1"], _misses(report)


@pytest.mark.model
def test_layanan_accuracy_floor(report: Report) -> None:
    misses = "\n".join(f"  {e}: want {w} got {g}: {t}" for t, e, w, g in report.entity_misses if e == "layanan")
    assert report.layanan_accuracy >= FLOORS["layanan_accuracy"], misses
    # Naming a service where the user named none would answer a question nobody asked.
    assert report.layanan_false_positives <= 0.02 * report.n, misses
